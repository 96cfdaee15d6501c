import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with an interim `100 Continue` as soon as the request head arrives (RFC 9110
/// §10.1.1), as S3 and every AWS endpoint do. botocore sends the header on uploads (`PutObject`) and waits up to one
/// second for that answer before sending the body anyway: without it, every boto3 or AWS CLI upload to mock-aws took a
/// second. Sits after Hummingbird's HTTP/1 codec, so it sees the request head as `HTTPRequest`.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), head.headerFields[.expect]?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with ``ExpectContinueHandler``, and idle connections closed after a minute (a client that stops in the
    /// middle of its headers does not hold a connection for ever).
    static var mockServer: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()], idleTimeout: .seconds(60)))
    }
}
