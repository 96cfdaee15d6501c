import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with an interim `100 Continue` as soon as the request head arrives (RFC 9110
/// §10.1.1), as S3 and every AWS endpoint do. botocore sends the header on uploads (`PutObject`) and waits up to one
/// second for that answer before sending the body anyway: without it, every boto3 or AWS CLI upload to mock-aws took a
/// second. Sits after Hummingbird's HTTP/1 codec, so it sees the request head as `HTTPRequest`. A request with no
/// credential at all gets no `100 Continue` (see ``carriesCredentials(_:)``).
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), head.headerFields[.expect]?.lowercased() == "100-continue",
           Self.carriesCredentials(head) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// Whether the request names a credential (a signature in `Authorization` or a presigned query, or a cookie): a
    /// request without one is refused on its head, as S3 refuses it, so the client is not invited to send a body
    /// ("the server MAY send a final status code instead", RFC 9110 §10.1.1; the handlers answer it without reading
    /// the body).
    static func carriesCredentials(_ head: HTTPRequest) -> Bool {
        if head.headerFields[.authorization] != nil || head.headerFields[.cookie] != nil { return true }
        return head.path.map { $0.contains("X-Amz-Signature=") } ?? false
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with ``ExpectContinueHandler``, and idle connections closed after a minute (a client that stops in the
    /// middle of its headers does not hold a connection for ever).
    static var mockServer: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()], idleTimeout: .seconds(60)))
    }
}
