import Foundation
import Hummingbird
import Logging

/// What every `/admin` request passes before its handler runs:
/// 1. `Authorization: Bearer TOKEN` with the admin token (RFC 6750 §2.1), else 401 with `WWW-Authenticate: Bearer`
///    (RFC 6750 §3). Nothing else authenticates: cookies are neither read nor required, so a browser's ambient
///    credentials (the SSO cookie of a signed-in test user) give no access, and a page cannot make a browser send
///    the header (a cross-origin request with it needs a CORS preflight, which mock-entra never grants).
/// 2. A write (POST, PUT, PATCH, DELETE) with a body carries `Content-Type: application/json`, else 415 (RFC 9110
///    §15.5.16): the content types an HTML form or a "simple" cross-origin request can send without a preflight
///    (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) never reach a handler.
///
/// Refusals are thrown as ``AdminError``s, which ``MockEntraFailureMiddleware`` answers.
struct AdminGuard: RouterMiddleware {
    typealias Context = MockEntraContext
    let token: AdminToken
    let logger: Logger

    static let writeMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = Self.bearer(request.headers[.authorization])
        guard let presented, token.matches(presented) else {
            let reason = presented == nil ? "no bearer token" : "wrong bearer token"
            logger.notice("admin API refused: \(reason)", metadata: ["path": "\(request.uri.path.prefix(100))", "source": "\(context.remoteIP)"])
            // RFC 6750 §3.1: a token that was presented and refused is `invalid_token`; none at all gets no error code.
            throw AdminError(401, "the admin API needs the header Authorization: Bearer TOKEN with mock-entra's admin token "
                                 + "(see its start-up log, or run mock-entra --print-admin-token with the same --keys-dir or --config)",
                             challenge: presented == nil ? "Bearer realm=\"mock-entra admin\""
                                 : "Bearer realm=\"mock-entra admin\", error=\"invalid_token\"")
        }
        if Self.writeMethods.contains(request.method), !Self.isJSONOrBodiless(request.headers) {
            logger.notice("admin API refused: content type", metadata: ["path": "\(request.uri.path.prefix(100))",
                                                                         "type": "\(request.headers[.contentType]?.prefix(100) ?? "none")"])
            throw AdminError(415, "the admin API takes JSON only: send Content-Type: application/json")
        }
        return try await next(request, context)
    }

    /// The token of `Bearer TOKEN` (scheme case-insensitive, RFC 9110 §11.1); nil for anything else.
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// A JSON media type (parameters such as `charset` allowed), or no Content-Type and no body.
    static func isJSONOrBodiless(_ headers: HTTPFields) -> Bool {
        if let type = headers[.contentType] {
            let media = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            return media == "application/json"
        }
        let length = headers[.contentLength].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return length == 0 && headers[.transferEncoding] == nil
    }
}
