import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import MockAWS

/// mock-aws served in-process as `mock-aws` would serve it with the same options, through HummingbirdTesting:
/// `.router` (no socket) unless `live`, for clients that need a port (the AWS CLI, boto3).
public final class MockAWSApp: HTTPTestServer {
    public static let metadata = ServerProcess.repository.appendingPathComponent("TestVectors/entra_federationmetadata.xml").path

    public let server: any HTTPTestServer
    public let auditLog: URL
    public let state: AWSState
    public var baseURL: String { server.baseURL }

    public init(server: any HTTPTestServer, auditLog: URL, state: AWSState) {
        (self.server, self.auditLog, self.state) = (server, auditLog, state)
    }

    /// `mock-aws --idp-metadata METADATA [--config CONFIG] [--region REGION] [--allow-console-replay] --audit-log FILE`;
    /// `metadataXML`, when given, is the metadata document itself (as mock-aws reads it from an http(s) URL).
    public static func test<T: Sendable>(metadata: String? = metadata, metadataXML: String? = nil, config: URL? = nil,
                                         region: String = "us-east-1", allowConsoleReplay: Bool = false, live: Bool = false,
                                         _ body: @Sendable (MockAWSApp) async throws -> T) async throws -> T {
        let auditLog = FileManager.default.temporaryDirectory.appendingPathComponent("mock-aws-audit-\(UUID().uuidString).jsonl")
        let configuration = try config.map(MockAWSConfiguration.load)
        let state = try AWSState(account: configuration?.account ?? DefaultAccount.account, auditFile: auditLog)
        let document = try metadataXML ?? metadata.map { try String(contentsOfFile: $0, encoding: .utf8) }
        if let configuration, let config {
            try await configuration.seed(state, relativeTo: config.deletingLastPathComponent(), metadataOverride: document)
        } else {
            try await DefaultAccount.seed(state, metadata: document)
        }
        let embedded = configuration == nil
        var logger = Logger(label: "mock-aws")
        logger.logLevel = .warning
        let app = buildApplication(configuration: MockAWSServerConfiguration(
            state: state, region: region, rejectsConsoleReplay: !allowConsoleReplay && configuration?.consoleReplayCheck != false,
            logger: logger) { base in
            // As the executable does once bound: its own /saml is a sign-in endpoint the embedded roles trust.
            await state.acceptSignInURL(base + "/saml")
            if embedded { await DefaultAccount.putRoles(state, signInURLs: ["https://signin.aws.amazon.com/saml", base + "/saml"]) }
        })
        return try await app.test(live ? .live : .router) { client in
            let server: any HTTPTestServer = live ? HTTPEndpoint(baseURL: "http://127.0.0.1:\(client.port ?? 0)") : RouterClient(client: client)
            return try await body(MockAWSApp(server: server, auditLog: auditLog, state: state))
        }
    }

    /// A command (the AWS CLI, Python) against this server, on a thread of its own.
    public func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await ServerProcess.runDetached(arguments, environment: environment)
    }

    /// Every request goes to the server it wraps (so `post`, `get` and `signed` come from ``HTTPTestServer``).
    public func request(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> ServerProcess.HTTPResult {
        try await server.request(method, path, body: body, headers: headers)
    }
}
