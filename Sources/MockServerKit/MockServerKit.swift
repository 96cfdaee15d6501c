import Foundation
import Hummingbird
import Logging

/// A request context that knows the client's address (for audit events and sign-in logs).
public struct ClientAddressContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteIP: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// What mock-aws and mock-entra share as HTTP servers: reading bounded bodies, writing pages, starting up.
public enum MockServer {
    /// The request body, at most `limit` bytes (a larger one throws, which the handlers answer with a 4xx).
    public static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        var buffer = try await request.body.collect(upTo: limit)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// An HTML page, never cached (sign-in pages carry one-time state).
    public static func html(_ page: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Writes `NAME listening on BASE` as a line of its own on standard output, straight to the file descriptor:
    /// the executables' first line, which tests in any language read (port 0 works) as soon as the port is bound.
    public static func announce(_ name: String, _ base: String) {
        FileHandle.standardOutput.write(Data("\(name) listening on \(base)\n".utf8))
    }

    /// A logger at `LOG_LEVEL` (default info).
    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

/// Unknown paths and methods: a 404 that says so, instead of an empty body.
public struct NotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: String

    public init(server: String) { self.server = server }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "\(server) has no \(request.method.rawValue) \(request.uri.path) (see its --help for its paths)\n")))
        }
    }
}

/// A mock server as a Hummingbird application: `router` on `host:port`, announcing its URL (`http://HOST:PORT`, the
/// port the system chose when `port` is 0) through `onBound` once it listens. Both servers' `buildApplication` end here.
public func serverApplication<Router: HTTPResponderBuilder>(
    router: Router, name: String, host: String, port: Int, logger: Logger,
    onBound: @escaping @Sendable (String) async -> Void
) -> some ApplicationProtocol where Router.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    Application(router: router, server: .mockServer, configuration: .init(address: .hostname(host, port: port), serverName: name),
                onServerRunning: { channel in await onBound("http://\(host):\(channel.localAddress?.port ?? 0)") },
                logger: logger)
}
