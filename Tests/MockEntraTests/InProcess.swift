import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import MockEntra
import ServerTesting


/// Either way of reaching an application under test, as one type.
struct AppServer: HTTPTestServer {
    let base: any HTTPTestServer
    var baseURL: String { base.baseURL }

    func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        try await base.request(method, path, body: body, headers: headers)
    }
}

/// mock-entra served in-process as `mock-entra` would serve it with the same options, through HummingbirdTesting:
/// `.router` (no socket) unless `live`, for clients that need a port (another process, many connections).
final class MockEntraApp: MockEntraServing, Sendable {
    let server: AppServer
    let directory: URL
    let adminToken: String
    let state: EntraState

    init(server: AppServer, directory: URL, adminToken: String, state: EntraState) {
        (self.server, self.directory, self.adminToken, self.state) = (server, directory, adminToken, state)
    }

    /// `mock-entra [--test-hooks] [--config DIRECTORY/tenant.json | --keys-dir DIRECTORY/keys] [--public-url URL]
    /// [--allowed-host NAME…]`, the configuration written to a fresh directory unless `directory` is given.
    static func test<T: Sendable>(configuration: String? = nil, directory: URL? = nil, testHooks: Bool = true, publicURL: String? = nil,
                                  allowedHosts: [String] = [], live: Bool = false,
                                  _ body: @Sendable (MockEntraApp) async throws -> T) async throws -> T {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("mock-entra-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // What mock-entra's main does with these options.
        var configURL: URL?
        if let configuration {
            let file = directory.appendingPathComponent("tenant.json")
            try Data(configuration.utf8).write(to: file)
            configURL = file
        }
        let settings = try configURL.map(MockEntraConfiguration.load) ?? MockEntraConfiguration()
        let base = configURL?.deletingLastPathComponent()
        let defaultKeys = configURL.map { $0.deletingPathExtension().appendingPathExtension("keys") } ?? directory.appendingPathComponent("keys")
        let admin = try settings.resolvedAdminToken(base: base, defaultDirectory: defaultKeys)
        let (keys, keyDirectory) = try settings.keyRing(base: base, defaultDirectory: defaultKeys)
        let state = try EntraState(tenant: settings.resolvedTenant(), keys: keys,
                                   tenantKeys: settings.tenantKeyRing(base: base, defaultDirectory: defaultKeys), keyDirectory: keyDirectory)
        var logger = Logger(label: "mock-entra")
        logger.logLevel = .warning
        let app = buildApplication(configuration: MockEntraServerConfiguration(
            state: state, testHooks: testHooks, publicURL: publicURL, adminToken: admin.token, allowedHosts: allowedHosts, logger: logger))
        return try await app.test(live ? .live : .router) { client in
            let server: any HTTPTestServer = live ? HTTPEndpoint(baseURL: "http://localhost:\(client.port ?? 0)") : RouterClient(client: client)
            return try await body(MockEntraApp(server: AppServer(base: server), directory: directory, adminToken: admin.token.value, state: state))
        }
    }
}
