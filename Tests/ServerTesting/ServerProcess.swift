import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A server the tests talk HTTP to: a started executable (``ServerProcess``), one served in-process on a socket
/// (``HTTPEndpoint``), or an application answering without one (the test targets' HummingbirdTesting routers).
public protocol HTTPTestServer: Sendable {
    /// `http://HOST:PORT`; paths are relative to it.
    var baseURL: String { get }
    /// One request, no redirects followed and no cookies stored: tests see each response as it is.
    func request(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> ServerProcess.HTTPResult
}

extension HTTPTestServer {
    public func post(_ path: String, form: [(String, String)], headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        try await request("POST", path, body: Data(ServerProcess.formBody(form).utf8),
                          headers: ["Content-Type": "application/x-www-form-urlencoded"].merging(headers) { $1 })
    }

    public func post(_ path: String, body: String,
                     headers: [String: String] = ["Content-Type": "application/x-www-form-urlencoded"]) async throws -> ServerProcess.HTTPResult {
        try await request("POST", path, body: Data(body.utf8), headers: headers)
    }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        try await request("GET", path, body: nil, headers: headers)
    }
}

/// A server on a socket, reached with URLSession.
public struct HTTPEndpoint: HTTPTestServer {
    public let baseURL: String

    public init(baseURL: String) { self.baseURL = baseURL }

    public func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        guard let url = URL(string: path.hasPrefix("http") ? path : baseURL + path) else {
            throw ServerProcess.StartFailure(description: "not a URL: \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        request.httpShouldHandleCookies = false
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return ServerProcess.HTTPResult(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self), headers: fields)
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // The session's own delegate: swift-corelibs-foundation ignores one passed to `data(for:delegate:)`, and
        // followed redirects silently (mock-aws's 302 to the console came back as the console's page).
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()
}

/// One of the package's servers (mock-aws, mock-entra), built and started on a free port as users start it:
/// the first line on standard output says where it listens. Stopped (SIGTERM) when released.
public final class ServerProcess: HTTPTestServer, @unchecked Sendable {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let process = Process()
    public let baseURL: String
    public let name: String

    public init(_ name: String, arguments: [String]) throws {
        let binary = Self.repository.appendingPathComponent(".build/debug/\(name)")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw StartFailure(description: "\(name) is not built: run `swift build` (the README's test command does)")
        }
        self.name = name
        process.executableURL = binary
        process.arguments = arguments + ["--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "\(name) listening on ") else {
            process.terminate()
            throw StartFailure(description: "\(name) did not start: \(text)")
        }
        baseURL = String(text[range.upperBound...].prefix { $0 != "\n" })
    }

    deinit { stop() }

    /// SIGTERM, then wait for the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Runs a command (through `env`) with the AWS CLI's files disabled; stdout and stderr together.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = arguments
        child.environment = ProcessInfo.processInfo.environment.merging(
            ["AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
                .merging(environment) { $1 }) { $1 }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        try child.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Self.run(arguments, environment: environment)
    }

    /// An HTTP exchange's result.
    public struct HTTPResult: Sendable {
        public var status: Int
        public var body: String
        public var headers: [String: String]

        public init(status: Int, body: String, headers: [String: String]) {
            (self.status, self.body, self.headers) = (status, body, headers)
        }

        /// The value of a `<input … name="NAME" value="…">` in the page, HTML entities decoded.
        public func field(_ name: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let raw = body[range.upperBound...].prefix { $0 != "\"" }
            return raw.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// `application/x-www-form-urlencoded` of `form`.
    public static func formBody(_ form: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }

    /// One request, no redirects followed and no cookies stored: tests see each response as it is.
    public func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await HTTPEndpoint(baseURL: baseURL).request(method, path, body: body, headers: headers)
    }
}

final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

extension ServerProcess {
    /// ``run(_:environment:)`` on a thread of its own: for commands that talk to a server served in-process, whose
    /// handlers need Swift concurrency's few threads while the command runs (a blocked one would starve them).
    public static func runDetached(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try run(arguments, environment: environment) }) }
        }
    }

    /// Starts `name` on a thread of its own (it may fetch from a server served in-process while it starts).
    public static func start(_ name: String, arguments: [String]) async throws -> ServerProcess {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ServerProcess(name, arguments: arguments) }) }
        }
    }
}
