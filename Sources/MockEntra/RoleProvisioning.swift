import AWSFederation
import Foundation
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Entra's role provisioning for the AWS gallery app (aws-entra.md §5): with an IAM user's access key (the
/// "clientsecret" and "Secret Token" fields), call IAM ListRoles, SigV4-signed, and turn every role whose trust
/// policy names exactly one SAML provider into an app role `Role,Provider`. Only roles are imported, never users.
public struct RoleProvisioning: Sendable {
    /// The IAM query endpoint (mock-aws's base URL, or `https://iam.amazonaws.com`).
    public var endpoint: URL
    package var credentials: SigV4.Credentials
    public var region: String

    package init(endpoint: URL, credentials: SigV4.Credentials, region: String = "us-east-1") {
        self.endpoint = endpoint
        self.credentials = credentials
        self.region = region
    }

    /// A role ListRoles returned, and what provisioning made of it.
    public struct Outcome: Codable, Sendable, Hashable {
        public var roleARN: String
        /// `Role,Provider` value when imported.
        public var value: String?
        /// Why the role was skipped.
        public var skipped: String?
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Every role, page by page (`Marker`), each judged.
    public func listRoles(clock: any SAMLClock = SystemClock()) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        var marker: String?
        repeat {
            var body = "Action=ListRoles&Version=2010-05-08"
            if let marker { body += "&Marker=" + FormEncoding.encode(marker) }
            let page = try Self.parse(try await call(body: body, clock: clock))
            outcomes += page.roles.map(Self.judge)
            marker = page.truncated ? page.marker : nil
        } while marker != nil
        return outcomes
    }

    func call(body: String, clock: any SAMLClock) async throws -> Data {
        let host = endpoint.port.map { "\(endpoint.host ?? ""):\($0)" } ?? (endpoint.host ?? "")
        let unsigned = SigV4.Request(method: "POST", path: endpoint.path.isEmpty ? "/" : endpoint.path,
                                     headers: [(name: "Host", value: host),
                                               (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
                                     body: Array(body.utf8))
        let signed = SigV4.sign(unsigned, credentials: credentials, region: region, service: "iam", date: clock.now)
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        for header in signed.headers where header.name.lowercased() != "host" {
            request.setValue(header.value, forHTTPHeaderField: header.name)
        }
        request.httpBody = Data(body.utf8)
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let code = Self.text(of: "Code", in: data) ?? "HTTP \(status)"
            throw Failure(description: "ListRoles was refused: \(code): \(Self.text(of: "Message", in: data) ?? "")")
        }
        return data
    }

    struct ListedRole { var arn = "", name = "", trustPolicy = "" }
    struct Page { var roles: [ListedRole] = [], truncated = false, marker: String? }

    /// Reads a ListRoles response. The parser resolves no entities and refuses a DOCTYPE, like every parse here.
    static func parse(_ data: Data) throws -> Page {
        guard data.count <= 16 << 20, data.range(of: Data("<!DOCTYPE".utf8)) == nil, data.range(of: Data("<!ENTITY".utf8)) == nil else {
            throw Failure(description: "ListRoles returned something that is not an IAM response")
        }
        let reader = ListRolesReader()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse() else { throw Failure(description: "ListRoles returned XML that does not parse") }
        return reader.page
    }

    /// aws-entra.md §5: exactly one SAML provider in the trust policy, and the pair under 240 characters.
    static func judge(_ role: ListedRole) -> Outcome {
        let providers = samlProviders(inTrustPolicy: role.trustPolicy)
        guard providers.count == 1, let provider = providers.first else {
            return Outcome(roleARN: role.arn, skipped: providers.isEmpty ? "its trust policy names no SAML provider"
                           : "its trust policy names \(providers.count) SAML providers; provisioning needs exactly one")
        }
        guard role.arn.count + provider.count < 240 else {
            return Outcome(roleARN: role.arn, skipped: "role and provider ARNs are \(role.arn.count + provider.count) characters; the limit is 239")
        }
        guard let pair = try? AWSRolePair("\(role.arn),\(provider)") else {
            return Outcome(roleARN: role.arn, skipped: "not a role ARN and a SAML provider ARN")
        }
        return Outcome(roleARN: role.arn, value: pair.value)
    }

    /// The `saml-provider` ARNs among the trust policy's `Principal.Federated` values (the document arrives
    /// URL-encoded, as IAM returns it).
    static func samlProviders(inTrustPolicy encoded: String) -> [String] {
        let text = encoded.removingPercentEncoding ?? encoded
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [] }
        let statements: [[String: Any]]
        if let list = json["Statement"] as? [[String: Any]] { statements = list }
        else if let one = json["Statement"] as? [String: Any] { statements = [one] }
        else { return [] }
        var providers: [String] = []
        for statement in statements where (statement["Effect"] as? String) == "Allow" {
            guard let principal = statement["Principal"] as? [String: Any] else { continue }
            let federated = (principal["Federated"] as? [String]) ?? ((principal["Federated"] as? String).map { [$0] } ?? [])
            providers += federated.filter { $0.contains(":saml-provider/") && !providers.contains($0) }
        }
        return providers
    }

    static func text(of element: String, in data: Data) -> String? {
        let s = String(decoding: data, as: UTF8.self)
        guard let open = s.range(of: "<\(element)>"), let close = s.range(of: "</\(element)>", range: open.upperBound..<s.endIndex) else {
            return nil
        }
        return String(s[open.upperBound..<close.lowerBound])
    }
}

/// Collects `Roles/member` entries from a ListRoles response.
private final class ListRolesReader: NSObject, XMLParserDelegate {
    var page = RoleProvisioning.Page()
    private var current: RoleProvisioning.ListedRole?
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "member" { current = RoleProvisioning.ListedRole() }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "Arn": current?.arn = text
        case "RoleName": current?.name = text
        case "AssumeRolePolicyDocument": current?.trustPolicy = text
        case "member": if let current { page.roles.append(current) }; current = nil
        case "IsTruncated": page.truncated = text == "true"
        case "Marker": page.marker = text
        default: break
        }
        text = ""
    }
}
