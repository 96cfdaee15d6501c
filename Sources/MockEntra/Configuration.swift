import Foundation
import Hummingbird
import Logging
import MockServerKit
import SAML

/// mock-entra's configuration file (JSON). Every field is optional: without `tenant` the guide's `contoso` tenant
/// (``Tenant/contoso(account:providerName:replyURL:)``) is used.
///
/// ```json
/// {
///   "tenant": { "name": "contoso", "tenantID": "…", "domain": "contoso.com", "users": […], "groups": […],
///               "applications": […], "conditionalAccess": […] },
///   "awsAccount": "123456789012",
///   "replyURL": "http://127.0.0.1:9000/saml",
///   "signingKeysDirectory": "contoso-keys",
///   "signingCertificates": [{"key": "old.key", "certificate": "old.crt"},
///                           {"key": "new.key", "certificate": "new.crt", "active": true}],
///   "adminToken": "…"
/// }
/// ```
/// Paths are relative to the file. `signingCertificates` fixes the published certificates (a rollover through the
/// configuration); without it they live in `signingKeysDirectory` (default `<file name>-keys` beside the file),
/// created with a generated certificate on first start and updated by the admin API. `adminToken` is the admin API's
/// bearer token (16 to 512 visible ASCII characters); without it one is generated into `admin-token` in the keys
/// directory on first start.
public struct MockEntraConfiguration: Decodable, Sendable {
    public struct CertificateFiles: Decodable, Sendable {
        public var key: String
        public var certificate: String
        public var active: Bool?
    }

    public var tenant: Tenant?
    /// The AWS account of the default tenant's app roles.
    public var awsAccount: String?
    /// The Reply URL of every AWS application (a local mock-aws's `/saml`, for instance).
    public var replyURL: String?
    public var signingKeysDirectory: String?
    public var signingCertificates: [CertificateFiles]?
    public var adminToken: String?

    public init(tenant: Tenant? = nil, awsAccount: String? = nil, replyURL: String? = nil, signingKeysDirectory: String? = nil,
                signingCertificates: [CertificateFiles]? = nil, adminToken: String? = nil) {
        (self.tenant, self.awsAccount, self.replyURL) = (tenant, awsAccount, replyURL)
        (self.signingKeysDirectory, self.signingCertificates, self.adminToken) = (signingKeysDirectory, signingCertificates, adminToken)
    }

    public static func load(_ url: URL) throws -> MockEntraConfiguration {
        try JSONDecoder().decode(MockEntraConfiguration.self, from: Data(contentsOf: url))
    }

    /// The tenant to serve, with `replyURL` (this file's, or the command line's) applied to AWS applications.
    public func resolvedTenant(replyURL override: String? = nil) -> Tenant {
        var tenant = self.tenant ?? Tenant.contoso(account: awsAccount ?? "123456789012")
        if let url = override ?? replyURL {
            for index in tenant.applications.indices where tenant.applications[index].audience == "https://signin.aws.amazon.com/saml" {
                tenant.applications[index].replyURL = url
            }
        }
        return tenant
    }

    /// The signing keys: the configured files, or the key directory (created on first start).
    public func keyRing(base: URL?, defaultDirectory: URL, clock: any SAMLClock = SystemClock()) throws -> (KeyRing, KeyRingDirectory?) {
        if let files = signingCertificates, !files.isEmpty {
            func url(_ path: String) -> URL { path.hasPrefix("/") ? URL(fileURLWithPath: path) : (base ?? defaultDirectory).appendingPathComponent(path) }
            let credentials = try files.map { entry in
                try SigningCredential(key: SigningKey(pem: String(contentsOf: url(entry.key), encoding: .utf8)),
                                      certificate: Certificate(pem: String(contentsOf: url(entry.certificate), encoding: .utf8)))
            }
            let active = zip(files, credentials).first { $0.0.active == true }?.1.thumbprint
            return (try KeyRing(credentials: credentials, active: active), nil)
        }
        let store = KeyRingDirectory(keysDirectory(base: base, defaultDirectory: defaultDirectory))
        return (try store.loadOrCreate(clock: clock), store)
    }

    /// The tenant's own signing keys, which sign (and are published in) the tenant-wide federation metadata: in the
    /// keys directory's `tenant` folder, created with a `CN=accounts.accesscontrol.windows.net` certificate on first
    /// start (also when the applications' certificates come from `signingCertificates`).
    /// - Parameters:
    ///   - base: The configuration file's folder, which a relative `signingKeysDirectory` is resolved against.
    ///   - defaultDirectory: The keys directory when the configuration names none.
    ///   - clock: The generated certificate's start of validity.
    public func tenantKeyRing(base: URL?, defaultDirectory: URL, clock: any SAMLClock = SystemClock()) throws -> KeyRing {
        try KeyRingDirectory(keysDirectory(base: base, defaultDirectory: defaultDirectory).appendingPathComponent("tenant"))
            .loadOrCreate(subject: SigningCredential.tenantSubject, clock: clock)
    }

    /// The keys directory: `signingKeysDirectory` (relative to `base`), else `defaultDirectory`. The generated admin
    /// token lives there too, also when the certificates come from `signingCertificates`.
    public func keysDirectory(base: URL?, defaultDirectory: URL) -> URL {
        signingKeysDirectory.map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : (base ?? defaultDirectory).appendingPathComponent(path)
        } ?? defaultDirectory
    }

    /// The admin token: `adminToken`, else the one in the keys directory's `admin-token` file (made on first
    /// use). `file` is nil for a configured token; `created` says whether it was just made.
    public func resolvedAdminToken(base: URL?, defaultDirectory: URL) throws -> (token: AdminToken, file: URL?, created: Bool) {
        if let adminToken { return (try AdminToken(adminToken), nil, false) }
        let file = AdminTokenFile(directory: keysDirectory(base: base, defaultDirectory: defaultDirectory))
        let (token, created) = try file.loadOrCreate()
        return (token, file.url, created)
    }
}

/// How to serve mock-entra: what ``buildApplication(configuration:)`` takes (the executable, `LocalFederation` and
/// the tests build the same application from one of these).
public struct MockEntraServerConfiguration: Sendable {
    /// The tenant, keys, sign-ins, sessions and sign-in log.
    public var state: EntraState
    /// Address to listen on.
    public var host: String
    /// Port to listen on; 0 takes any free port.
    public var port: Int
    /// Serve `POST /test/issue` (non-interactive issuance with faults), for integration tests.
    public var testHooks: Bool
    /// The base URL published in metadata; nil takes `http://` + the request's Host. Its host is always served.
    public var publicURL: String?
    /// The bearer token every `/admin` request must carry; without one, a random token nobody knows.
    public var adminToken: AdminToken
    /// Host names it answers to besides the loopback ones, `host` and `publicURL`'s (DNS rebinding, ``AllowedHosts``).
    public var allowedHosts: [String]
    public var ids: any SAMLIDGenerator
    public var logger: Logger
    /// Runs once the port is bound, with the base URL (`http://HOST:PORT`).
    public var onBound: @Sendable (String) async -> Void

    public init(state: EntraState, host: String = "127.0.0.1", port: Int = 0, testHooks: Bool = false, publicURL: String? = nil,
                adminToken: AdminToken = .generate(), allowedHosts: [String] = [], ids: any SAMLIDGenerator = RandomIDGenerator(),
                logger: Logger = Logger(label: "mock-entra"), onBound: @escaping @Sendable (String) async -> Void = { _ in }) {
        (self.state, self.host, self.port, self.testHooks, self.publicURL) = (state, host, port, testHooks, publicURL)
        (self.adminToken, self.allowedHosts, self.ids, self.logger, self.onBound) = (adminToken, allowedHosts, ids, logger, onBound)
    }
}

/// mock-entra as a Hummingbird application: Entra's paths under `/{tenant}` (SAML endpoint, metadata, sign-in and
/// MFA pages), My Apps and its launch links, the admin API behind its token, and the test hooks when enabled, all
/// behind the Host check.
public func buildApplication(configuration: MockEntraServerConfiguration) -> some ApplicationProtocol {
    let server = MockEntra(state: configuration.state, testHooks: configuration.testHooks, publicURL: configuration.publicURL,
                           adminToken: configuration.adminToken,
                           allowedHosts: AllowedHosts(bindAddress: configuration.host, names: configuration.allowedHosts),
                           ids: configuration.ids, logger: configuration.logger)
    return serverApplication(router: server.router(), name: "mock-entra", host: configuration.host, port: configuration.port,
                             logger: configuration.logger, onBound: configuration.onBound)
}
