import AWSFederation
import EntraClient
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import MockAWS
import MockEntra
import MockServerKit
import SAML
import ServiceLifecycle
import TOTP

/// mock-entra and mock-aws in one process, wired as the deployment guide wires Entra ID and AWS: mock-aws's SAML
/// provider `EntraID` holds mock-entra's metadata, and the "AWS Single-Account Access" app's Reply URL is mock-aws's
/// sign-in endpoint. For Swift integration tests and the offline demo; other languages start the two executables.
public struct LocalFederation: Sendable {
    public let entraURL: String
    public let awsURL: String
    public let entra: EntraState
    public let aws: AWSState
    /// mock-entra's admin API token: send `Authorization: Bearer \(adminToken)` to `entraURL + "/admin/…"`.
    public let adminToken: String
    /// The file holding it (`admin-token` in the keys directory), when there is one.
    public let adminTokenFile: URL?

    /// Where to listen and what to keep.
    public struct Configuration: Sendable {
        public var host: String
        public var entraPort: Int
        public var awsPort: Int
        /// Where mock-entra's signing key and admin token live; nil: new ones for this run only.
        public var keysDirectory: URL?
        /// mock-entra's admin token; nil: the one in `keysDirectory` (made on first use), or a new one.
        public var adminToken: String?
        /// Further Host names both servers answer to (besides loopback and `host`).
        public var allowedHosts: [String]
        /// mock-aws refuses a SAMLResponse that already opened a console session (SAML profiles 4.1.4.5).
        public var rejectsConsoleReplay: Bool
        /// Keep serving after the body returns, until SIGINT or SIGTERM (the demo); otherwise (tests) both servers
        /// stop when the body returns.
        public var serveUntilSignal: Bool
        public var logger: Logger

        public init(host: String = "127.0.0.1", entraPort: Int = 0, awsPort: Int = 0, keysDirectory: URL? = nil,
                    adminToken: String? = nil, allowedHosts: [String] = [], rejectsConsoleReplay: Bool = true,
                    serveUntilSignal: Bool = false, logger: Logger = Logger(label: "local-federation")) {
            (self.host, self.entraPort, self.awsPort, self.keysDirectory) = (host, entraPort, awsPort, keysDirectory)
            (self.adminToken, self.allowedHosts, self.rejectsConsoleReplay) = (adminToken, allowedHosts, rejectsConsoleReplay)
            (self.serveUntilSignal, self.logger) = (serveUntilSignal, logger)
        }
    }

    /// Why the servers did not start: which one, where, and the system's reason (a port in use, an address that
    /// does not resolve or is not this machine's).
    public struct StartFailure: Error, CustomStringConvertible {
        public var server: String
        public var address: String
        public var reason: String
        public var description: String { "\(server) could not listen on \(address): \(reason)" }
    }

    /// Starts both servers, runs `body` with them, then shuts both down (also when `body` throws), or with
    /// ``Configuration/serveUntilSignal`` keeps them up until SIGINT or SIGTERM. When a server cannot listen,
    /// throws ``StartFailure`` as soon as the bind fails, without running `body`.
    public static func run<T: Sendable>(_ configuration: Configuration = Configuration(),
                                        _ body: @escaping @Sendable (LocalFederation) async throws -> T) async throws -> T {
        let tenant = Tenant.contoso()
        let directory = configuration.keysDirectory.map(KeyRingDirectory.init)
        let keys = try directory?.loadOrCreate() ?? KeyRing(credentials: [SigningCredential.generate()])
        let (adminToken, adminTokenFile) = try Self.adminToken(configuration)
        // The tenant's own keys (tenant-wide metadata) beside the app's, kept with them when there is a directory.
        let tenantKeys = try directory.map { try KeyRingDirectory($0.url.appendingPathComponent("tenant")).loadOrCreate(subject: SigningCredential.tenantSubject) }
        let entra = try EntraState(tenant: tenant, keys: keys, tenantKeys: tenantKeys, keyDirectory: directory)
        let aws = try AWSState(account: DefaultAccount.account)
        let metadata = try EntraMetadata(tenantID: tenant.tenantID, certificates: keys.publishedCertificates)
            .xml(id: RandomIDGenerator().next(), signedWith: keys.signer(.rsaSHA256))
        try await DefaultAccount.seed(aws, metadata: metadata)

        let bound = BoundPorts()
        let host = configuration.host
        let entraApp = buildApplication(configuration: MockEntraServerConfiguration(
            state: entra, host: host, port: configuration.entraPort, adminToken: adminToken, allowedHosts: configuration.allowedHosts,
            logger: configuration.logger) { await bound.set(entra: $0) })
        let awsApp = buildApplication(configuration: MockAWSServerConfiguration(
            state: aws, host: host, port: configuration.awsPort, allowedHosts: configuration.allowedHosts,
            rejectsConsoleReplay: configuration.rejectsConsoleReplay, logger: configuration.logger) { await bound.set(aws: $0) })
        let group = ServiceGroup(configuration: .init(
            services: [NamedServer(name: "mock-entra", address: "\(host):\(configuration.entraPort)", application: entraApp),
                       NamedServer(name: "mock-aws", address: "\(host):\(configuration.awsPort)", application: awsApp)],
            gracefulShutdownSignals: configuration.serveUntilSignal ? [.sigterm, .sigint] : [],
            logger: configuration.logger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run()
                } catch {
                    // A server that cannot listen stops the group: whoever waits for the ports hears why.
                    await bound.fail(error)
                    throw error
                }
                await bound.fail(StartFailure(server: "mock-entra and mock-aws", address: host, reason: "stopped before both were listening"))
                return nil
            }
            do {
                let (entraURL, awsURL) = try await bound.both()
                let signIn = awsURL + "/saml"
                var patch = ApplicationPatch()
                patch.replyURL = signIn
                _ = try await entra.updateApplication(tenant.applications[0].appID, patch)
                await aws.acceptSignInURL(signIn)
                await DefaultAccount.putRoles(aws, signInURLs: ["https://signin.aws.amazon.com/saml", signIn])
                let result = try await body(LocalFederation(entraURL: entraURL, awsURL: awsURL, entra: entra, aws: aws,
                                                            adminToken: adminToken.value, adminTokenFile: adminTokenFile))
                if !configuration.serveUntilSignal { await group.triggerGracefulShutdown() }
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// The configured token, the keys directory's, or a new one for this run.
    static func adminToken(_ configuration: Configuration) throws -> (AdminToken, URL?) {
        if let configured = configuration.adminToken { return (try AdminToken(configured), nil) }
        guard let directory = configuration.keysDirectory else { return (AdminToken.generate(), nil) }
        let file = AdminTokenFile(directory: directory)
        return (try file.loadOrCreate().token, file.url)
    }

    /// A console sign-in: the AWS tile in My Apps, password, the authenticator's code (from the user's TOTP secret
    /// in the tenant, as their phone would show it), the auto-post to mock-aws's sign-in endpoint, the role (`role`
    /// by name when the user has several), and AWS's 302 to the console followed with the session cookie it set.
    /// Returns the console's session, `ROLE/UPN @ ACCOUNT`, as its account menu shows it.
    public func consoleSignIn(_ upn: String, role: String? = nil) async throws -> String {
        try await signIn(upn, role: role).session
    }

    /// ``consoleSignIn(_:role:)``, also returning the SAMLResponse the browser posted (base64), for the CLI's
    /// AssumeRoleWithSAML.
    public func signIn(_ upn: String, role: String? = nil) async throws -> (session: String, samlResponse: String) {
        let tenant = await entra.tenant
        guard let user = tenant.user(upn) else { throw EntraSignIn.Refused(code: "AADSTS50034", message: "no user \(upn) in the tenant") }
        let secret = user.totpSecret
        let posted = try await EntraSignIn(baseURL: entraURL, tenant: tenant.tenantID, appID: tenant.applications[0].appID)
            .signIn(username: user.userPrincipalName, password: user.password) {
                guard let code = secret.flatMap({ TOTP(base32: $0) })?.code(at: Date()) else {
                    throw EntraSignIn.Refused(code: nil, message: "\(upn) has no authenticator")
                }
                return code
            }
        var form = [("SAMLResponse", Data(posted.xml).base64EncodedString())]
        if let relay = posted.relayState { form.append(("RelayState", relay)) }
        var answer = try await EntraSignIn.exchange(posted.endpoint ?? awsURL + "/saml", form: form)
        if answer.body.contains("name=\"roleIndex\""), let role {
            answer = try await EntraSignIn.exchange(awsURL + "/saml", form: form + [("roleIndex", "arn:aws:iam::\(DefaultAccount.account):role/\(role)")])
        }
        // AWS's sign-in answers 302 to the console with the session cookie; the browser follows it with the cookie.
        var page = answer.body
        if answer.status == 302, let location = answer.headers["location"] {
            let cookie = answer.headers["set-cookie"].map { String($0.prefix { $0 != ";" }) }
            page = try await EntraSignIn.exchange(location, form: nil, cookie: cookie).body
        }
        guard let session = EntraSignIn.element(id: "nav-usernameMenu", in: page) else {
            throw EntraSignIn.Refused(code: EntraSignIn.element(id: "error_code", in: page),
                                      message: EntraSignIn.element(id: "error_message", in: page) ?? "no console page (HTTP \(answer.status))")
        }
        return (session, form[0].1)
    }

    /// What a session of `role` may do, asked of mock-aws as the AWS CLI would: AssumeRoleWithSAML with the
    /// SAMLResponse, then an S3 call (ListBuckets) and an IAM call (CreateUser) signed with the session's
    /// credentials. Each answer as AWS gives it: `allowed`, or the error code and message.
    public func tryCalls(samlResponse: String, role: String) async throws -> [(call: String, answer: String)] {
        let account = DefaultAccount.account
        let assumed = try await EntraSignIn.send(awsURL + "/", form: [
            ("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"), ("RoleArn", "arn:aws:iam::\(account):role/\(role)"),
            ("PrincipalArn", DefaultAccount.providerARN), ("SAMLAssertion", samlResponse)])
        guard assumed.status == 200, let key = Self.xmlText("AccessKeyId", assumed.body), let secret = Self.xmlText("SecretAccessKey", assumed.body),
              let token = Self.xmlText("SessionToken", assumed.body) else {
            return [("sts AssumeRoleWithSAML", Self.answer(assumed))]
        }
        let credentials = SigV4.Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
        let empty = SAMLDigest.hex(SAMLDigest.sha256([]))
        let listBuckets = try await signed("GET", "/", body: [], extra: [("x-amz-content-sha256", empty)], service: "s3", credentials)
        let body = Array("Action=CreateUser&Version=2010-05-08&UserName=demo-\(role.lowercased())".utf8)
        let createUser = try await signed("POST", "/", body: body, extra: [("Content-Type", "application/x-www-form-urlencoded")],
                                          service: "iam", credentials)
        return [("s3 ListBuckets", Self.answer(listBuckets)), ("iam CreateUser", Self.answer(createUser))]
    }

    private func signed(_ method: String, _ path: String, body: [UInt8], extra: [(String, String)], service: String,
                        _ credentials: SigV4.Credentials) async throws -> (status: Int, body: String) {
        guard let url = URL(string: awsURL + path), let host = url.host else { throw EntraSignIn.Refused(code: nil, message: "bad URL \(awsURL)") }
        let request = SigV4.sign(SigV4.Request(method: method, path: path, query: "", headers: [(name: "Host", value: host + (url.port.map { ":\($0)" } ?? ""))]
                                                   + extra.map { (name: $0.0, value: $0.1) }, body: body),
                                 credentials: credentials, region: "us-east-1", service: service, date: Date())
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = method
        urlRequest.httpBody = body.isEmpty ? nil : Data(body)
        for header in request.headers where header.name.lowercased() != "host" { urlRequest.setValue(header.value, forHTTPHeaderField: header.name) }
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    private static func answer(_ reply: (status: Int, body: String)) -> String {
        if reply.status == 200 { return "allowed" }
        return "\(xmlText("Code", reply.body) ?? "HTTP \(reply.status)"): \(xmlText("Message", reply.body) ?? "")"
    }

    private static func xmlText(_ element: String, _ body: String) -> String? {
        guard let start = body.range(of: "<\(element)>"), let end = body.range(of: "</\(element)>", range: start.upperBound..<body.endIndex) else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }
}

/// The two ports, known once each server is bound, or the error that stopped the servers first.
actor BoundPorts {
    private var entra: String?
    private var aws: String?
    private var failure: (any Error)?
    private var waiters: [CheckedContinuation<(String, String), any Error>] = []

    func set(entra url: String) { entra = url; resume() }
    func set(aws url: String) { aws = url; resume() }
    func fail(_ error: any Error) {
        if failure == nil { failure = error }
        resume()
    }

    func both() async throws -> (String, String) {
        if let entra, let aws { return (entra, aws) }
        if let failure { throw failure }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    private func resume() {
        if let entra, let aws {
            for waiter in waiters { waiter.resume(returning: (entra, aws)) }
        } else if let failure {
            for waiter in waiters { waiter.resume(throwing: failure) }
        } else {
            return
        }
        waiters = []
    }
}

/// One of the two servers in the service group; its failure to run says which server and where.
struct NamedServer<Application: ApplicationProtocol>: Service {
    let name: String
    let address: String
    let application: Application

    func run() async throws {
        do {
            try await application.run()
        } catch {
            throw LocalFederation.StartFailure(server: name, address: address, reason: "\(error)")
        }
    }
}
