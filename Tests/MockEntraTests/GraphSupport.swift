import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MockEntra
import SAML
import ServerTesting

/// mock-entra in-process on a test clock, with helpers speaking OAuth and Graph as the Graph SDKs do: a form POST
/// for the token, `Authorization: Bearer`, `client-request-id`, JSON bodies.
struct GraphHarness: Sendable {
    let server: RouterClient
    let clock: TestClock
    let state: EntraState

    static let admin = GraphClient.administration
    static let tenantID = EntraFixtures.tenantID
    static let tokenPath = "/\(EntraFixtures.tenantID)/oauth2/v2.0/token"
    static let adminSP = "servicePrincipal"

    static func run<T: Sendable>(tenant: Tenant = EntraFixtures.tenant(), _ body: @Sendable (GraphHarness) async throws -> T) async throws -> T {
        let clock = TestClock(EntraFixtures.start)
        let state = try EntraFixtures.state(clock: clock, tenant: tenant)
        var logger = Logger(label: "mock-entra")
        logger.logLevel = .critical
        let app = buildApplication(configuration: MockEntraServerConfiguration(state: state, testHooks: true, logger: logger))
        return try await app.test(.router) { client in
            try await body(GraphHarness(server: RouterClient(client: client), clock: clock, state: state))
        }
    }

    /// The token endpoint's raw answer.
    func tokenResult(_ form: [(String, String)], path: String = tokenPath, headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        try await server.post(path, form: form, headers: headers)
    }

    /// A token for `client` (the administration app by default), as MSAL asks for it.
    func token(_ client: GraphClient = admin) async throws -> String {
        let result = try await tokenResult([("client_id", client.appID), ("client_secret", client.secret),
                                            ("scope", "https://graph.microsoft.com/.default"), ("grant_type", "client_credentials")])
        guard result.status == 200, let token = Self.object(result.body)["access_token"] as? String else {
            throw ServerProcess.StartFailure(description: "no token: \(result.status) \(result.body)")
        }
        return token
    }

    /// A Graph call with `token`, JSON body when given.
    func graph(_ method: String, _ path: String, token: String?, json: Any? = nil, headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        var fields = ["client-request-id": "0d3c3d0e-1111-4222-8333-444455556666", "Accept": "application/json"]
        if let token { fields["Authorization"] = "Bearer \(token)" }
        var body: Data?
        if let json {
            body = try JSONSerialization.data(withJSONObject: json)
            fields["Content-Type"] = "application/json"
        }
        return try await server.request(method, path.hasPrefix("/") || path.hasPrefix("http") ? path : "/v1.0/\(path)", body: body, headers: fields.merging(headers) { $1 })
    }

    static func object(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    static func values(_ body: String) -> [[String: Any]] { object(body)["value"] as? [[String: Any]] ?? [] }

    /// Graph's error code of a refusal.
    static func errorCode(_ body: String) -> String? { (object(body)["error"] as? [String: Any])?["code"] as? String }

    /// The claims of a JWT, not verified.
    static func claims(_ jwt: String) -> [String: Any] {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3, let bytes = Base64URL.decode(parts[1]) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    static func header(_ jwt: String) -> [String: Any] {
        guard let first = jwt.split(separator: ".").first, let bytes = Base64URL.decode(first) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    /// A JWT from raw JSON parts and a signature.
    static func jwt(header: String, payload: String, signature: [UInt8]) -> String {
        "\(Base64URL.encode(Array(header.utf8))).\(Base64URL.encode(Array(payload.utf8))).\(Base64URL.encode(signature))"
    }
}
