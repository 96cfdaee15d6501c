import Hummingbird
import Logging

/// Refuses requests whose `Host` names another server (DNS rebinding, see ``AllowedHosts``) before any route runs:
/// 421 Misdirected Request (RFC 9110 §15.5.20: "the request was directed at a server that is unable or unwilling
/// to produce an authoritative response for the target URI") for a foreign name, 400 for a missing, repeated or
/// malformed one (RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
/// request message that lacks a Host header field and to any request message that contains more than one Host
/// header field line or a Host header field with an invalid field value"). The answer is plain text naming the
/// accepted hosts, so whoever set the server up sees what to add.
public struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: String
    let allowed: AllowedHosts
    let logger: Logger

    public init(server: String, allowed: AllowedHosts, logger: Logger) {
        self.server = server
        self.allowed = allowed
        self.logger = logger
    }

    /// Why `request` is refused, or nil.
    func refusal(_ request: Request) -> AllowedHosts.Refusal? {
        // The first Host header becomes `authority`; any further one stays among the fields (swift-nio-extras'
        // HTTP/1 conversion), and two of them may name two servers.
        if request.headers.contains(where: { $0.name.canonicalName == "host" }) { return .malformed("several Host headers") }
        // An absolute-form target (`GET http://evil.example/… HTTP/1.1`) cannot be seen here: swift-nio-extras'
        // HTTP/1 conversion keeps only its path and takes the authority from Host, which is what is checked. Browsers
        // send absolute-form to proxies only, never to a server, so a DNS-rebinding page cannot use it (README).
        do {
            try allowed.check(request.head.authority)
            return nil
        } catch {
            return error
        }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let refusal = refusal(request) else { return try await next(request, context) }
        let (status, text): (HTTPResponse.Status, String)
        switch refusal {
        case .missing:
            (status, text) = (.badRequest, "\(server) needs a Host header naming it")
        case .malformed(let value):
            (status, text) = (.badRequest, "\(server) cannot read the Host header '\(value.prefix(100))'")
        case .foreign(let host):
            (status, text) = (.misdirectedRequest, "\(server) does not answer to the host '\(host.prefix(100))' (a guard against DNS rebinding)")
        }
        logger.notice("request refused: Host", metadata: ["host": "\(request.head.authority?.prefix(100) ?? "")", "status": "\(status.code)",
                                                        "path": "\(request.uri.path.prefix(100))"])
        return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "\(text). Accepted hosts: \(allowed.summary); start it with "
                                                               + "--allowed-host NAME to accept another.\n")))
    }
}
