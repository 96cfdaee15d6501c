import AWSFederation
import Foundation
import Hummingbird
import Logging
import MockServerKit
import SAML

/// mock-aws's configuration file (JSON). Every field is optional; what is absent comes from ``DefaultAccount``.
///
/// ```json
/// {
///   "account": "123456789012",
///   "users": [{"name": "admin", "accessKeyId": "AKIA…", "secretAccessKey": "…", "policies": ["AdministratorAccess"]}],
///   "providers": [{"name": "EntraID", "metadataFile": "federationmetadata.xml", "assertionEncryptionMode": "Allowed"}],
///   "roles": [{"name": "Administrator", "maxSessionDuration": 3600, "trustPolicy": {"Version": "2012-10-17", "Statement": […]},
///              "policies": ["AdministratorAccess"], "inlinePolicies": {"NoDeletes": {"Version": "2012-10-17", "Statement": […]}}}],
///   "consoleReplayCheck": true
/// }
/// ```
/// A role without `trustPolicy` gets the IAM console wizard's policy for the first provider. `policies` attaches AWS
/// managed policies (by name or ARN); a user or role without `policies` or `inlinePolicies` may do nothing, as on AWS.
/// Without `users`, the administrator of ``DefaultAccount`` is created; without `roles`, its two roles with their
/// policies.
public struct MockAWSConfiguration: Decodable, Sendable {
    public struct User: Decodable, Sendable {
        public var name: String
        public var accessKeyId: String?
        public var secretAccessKey: String?
        public var policies: [String]?
        public var inlinePolicies: [String: JSONValue]?
    }

    public struct Provider: Decodable, Sendable {
        public var name: String
        public var metadataFile: String?
        public var assertionEncryptionMode: String?
    }

    public struct Role: Decodable, Sendable {
        public var name: String
        public var maxSessionDuration: Int?
        public var trustPolicy: JSONValue?
        public var policies: [String]?
        public var inlinePolicies: [String: JSONValue]?
    }

    public var account: String?
    public var users: [User]?
    public var providers: [Provider]?
    public var roles: [Role]?
    /// `false` lets one SAMLResponse open several console sessions (default: refused, SAML profiles 4.1.4.5).
    public var consoleReplayCheck: Bool?

    public static func load(_ url: URL) throws -> MockAWSConfiguration {
        try JSONDecoder().decode(MockAWSConfiguration.self, from: Data(contentsOf: url))
    }

    /// Seeds `state`; `metadataOverride` (from `--idp-metadata`) replaces the first provider's metadata.
    public func seed(_ state: AWSState, relativeTo base: URL, metadataOverride: String?) async throws {
        let account = state.account
        for user in users ?? [User(name: DefaultAccount.adminUser, accessKeyId: DefaultAccount.adminAccessKeyID,
                                   secretAccessKey: DefaultAccount.adminSecretAccessKey, policies: ["AdministratorAccess"])] {
            _ = await state.addUser(user.name)
            if user.accessKeyId != nil || user.secretAccessKey != nil {
                _ = await state.addAccessKey(user: user.name, keyID: user.accessKeyId, secret: user.secretAccessKey)
            }
            for policy in user.policies ?? [] { try await state.attachPolicy(policy, toUser: user.name) }
            for (name, document) in user.inlinePolicies ?? [:] {
                try await state.putInlinePolicy(name, document: try Self.text(document), onUser: user.name)
            }
        }
        let providers = self.providers ?? [Provider(name: DefaultAccount.providerName)]
        for (index, provider) in providers.enumerated() {
            // Relative paths are relative to the configuration file; absolute ones stay as they are.
            var document = try provider.metadataFile.map { file in
                try String(contentsOf: file.hasPrefix("/") ? URL(fileURLWithPath: file) : base.appendingPathComponent(file), encoding: .utf8)
            }
            if index == 0, let metadataOverride { document = metadataOverride }
            guard let document else { continue }
            var record = SAMLProvider(name: provider.name, account: account, metadata: try IdentityProviderMetadata.parse(Array(document.utf8)))
            record.requiresEncryption = provider.assertionEncryptionMode == "Required"
            await state.putProvider(record, document: document)
        }
        let firstProvider = "arn:aws:iam::\(account):saml-provider/\(providers.first?.name ?? DefaultAccount.providerName)"
        let roles = self.roles ?? [Role(name: "Administrator", policies: ["AdministratorAccess"]),
                                   Role(name: "Developer", policies: ["AmazonS3FullAccess"])]
        for role in roles {
            guard let arn = AWSARN("arn:aws:iam::\(account):role/\(role.name)") else {
                throw SAMLError(.structureInvalidValue, "invalid role name in the configuration", found: role.name)
            }
            let policy: TrustPolicy
            if let document = role.trustPolicy {
                policy = try TrustPolicy(json: String(decoding: try JSONEncoder().encode(document), as: UTF8.self))
            } else {
                policy = .consoleWizard(providerARN: firstProvider)
            }
            await state.putRole(IAMRole(arn: arn, uniqueID: AWSState.stableID("AROA", seed: arn.description), trustPolicy: policy,
                                        maxSessionDuration: role.maxSessionDuration ?? 3600))
            for managed in role.policies ?? [] { try await state.attachPolicy(managed, toRole: role.name) }
            for (name, document) in role.inlinePolicies ?? [:] {
                try await state.putInlinePolicy(name, document: try Self.text(document), onRole: role.name)
            }
        }
    }

    private static func text(_ document: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
    }
}

/// How to serve mock-aws: what ``buildApplication(configuration:)`` takes (the executable, `LocalFederation` and
/// the tests build the same application from one of these).
public struct MockAWSServerConfiguration: Sendable {
    /// The account, its users, providers, roles, sessions and audit trail.
    public var state: AWSState
    /// Address to listen on.
    public var host: String
    /// Port to listen on; 0 takes any free port.
    public var port: Int
    public var clock: any SAMLClock
    /// The region mock-aws stands for: STS and the audit trail are signed for it (IAM always for us-east-1).
    public var region: String
    /// Host names it answers to besides the loopback ones and `host` (DNS rebinding, ``AllowedHosts``).
    public var allowedHosts: [String]
    /// Refuse a SAMLResponse whose assertion already opened a console session (SAML profiles 4.1.4.5).
    public var rejectsConsoleReplay: Bool
    public var logger: Logger
    /// Runs once the port is bound, with the base URL (`http://HOST:PORT`).
    public var onBound: @Sendable (String) async -> Void

    public init(state: AWSState, host: String = "127.0.0.1", port: Int = 0, clock: any SAMLClock = SystemClock(),
                region: String = "us-east-1", allowedHosts: [String] = [], rejectsConsoleReplay: Bool = true,
                logger: Logger = Logger(label: "mock-aws"), onBound: @escaping @Sendable (String) async -> Void = { _ in }) {
        (self.state, self.host, self.port, self.clock, self.region) = (state, host, port, clock, region)
        (self.allowedHosts, self.rejectsConsoleReplay, self.logger, self.onBound) = (allowedHosts, rejectsConsoleReplay, logger, onBound)
    }
}

/// mock-aws as a Hummingbird application: the STS and IAM query APIs on `POST /`, the console sign-in endpoint
/// `POST /saml`, the audit trail `GET /audit` and `GET /health`, behind the Host check.
public func buildApplication(configuration: MockAWSServerConfiguration) -> some ApplicationProtocol {
    let server = MockAWS(state: configuration.state, clock: configuration.clock, region: configuration.region,
                         allowedHosts: AllowedHosts(bindAddress: configuration.host, names: configuration.allowedHosts),
                         rejectsConsoleReplay: configuration.rejectsConsoleReplay, logger: configuration.logger)
    return serverApplication(router: server.router(), name: "mock-aws", host: configuration.host, port: configuration.port,
                             logger: configuration.logger, onBound: configuration.onBound)
}
