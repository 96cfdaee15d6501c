import Foundation
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
///                           {"key": "new.key", "certificate": "new.crt", "active": true}]
/// }
/// ```
/// Paths are relative to the file. `signingCertificates` fixes the published certificates (a rollover through the
/// configuration); without it they live in `signingKeysDirectory` (default `<file name>-keys` beside the file),
/// created with a generated certificate on first start and updated by the admin API.
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

    public init(tenant: Tenant? = nil, awsAccount: String? = nil, replyURL: String? = nil, signingKeysDirectory: String? = nil,
                signingCertificates: [CertificateFiles]? = nil) {
        (self.tenant, self.awsAccount, self.replyURL) = (tenant, awsAccount, replyURL)
        (self.signingKeysDirectory, self.signingCertificates) = (signingKeysDirectory, signingCertificates)
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
        let directory = signingKeysDirectory.map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : (base ?? defaultDirectory).appendingPathComponent(path)
        } ?? defaultDirectory
        let store = KeyRingDirectory(directory)
        return (try store.loadOrCreate(clock: clock), store)
    }
}
