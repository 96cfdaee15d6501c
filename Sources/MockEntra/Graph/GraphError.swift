import Foundation
import Hummingbird

/// A refusal of Microsoft Graph, answered in Graph's error shape (Graph docs "Microsoft Graph error responses and
/// resource types"): `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`,
/// with the HTTP status Graph uses for it.
struct GraphError: Error, Sendable, Hashable, CustomStringConvertible {
    let status: Int
    /// Graph's `error.code`: `InvalidAuthenticationToken`, `Authorization_RequestDenied`, `Request_ResourceNotFound`…
    let code: String
    let message: String

    init(_ status: Int, _ code: String, _ message: String) { (self.status, self.code, self.message) = (status, code, message) }

    var description: String { "\(status) \(code): \(message)" }

    // MARK: - Authentication (401) and authorisation (403)

    /// No bearer token at all (Graph: "Access token is empty.").
    static let tokenMissing = GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
    /// Not a JWT (Graph answers a malformed token with IdentityModel's IDX14100 text).
    static let tokenMalformed = GraphError(401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).")
    /// A token past `exp` (Graph: "Lifetime validation failed, the token is expired.", seen in Graph SDK issues).
    static let tokenExpired = GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
    static let tokenNotYetValid = GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is not yet valid.")
    static let tokenAudience = GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
    static let tokenIssuer = GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer.")
    /// A signature that does not verify with a published key, an unknown `kid`, or an algorithm other than RS256.
    static let tokenSignature = GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.")

    /// The token's `roles` lack every permission the call accepts (Graph's 403 for app-only calls).
    static let insufficientPrivileges = GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")

    // MARK: - Requests

    /// A path segment Graph does not serve (Graph: "Resource not found for the segment 'x'.").
    static func segmentNotFound(_ segment: String) -> GraphError {
        GraphError(400, "BadRequest", "Resource not found for the segment '\(segment.prefix(100))'.")
    }

    static let methodNotAllowed = GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.")

    /// An object that does not exist (Graph's directory text).
    static func notFound(_ id: String) -> GraphError {
        GraphError(404, "Request_ResourceNotFound",
                   "Resource '\(id.prefix(200))' does not exist or one of its queried reference-property objects are not present.")
    }

    static func badRequest(_ message: String) -> GraphError { GraphError(400, "Request_BadRequest", message) }

    static func unknownProperty(_ name: String, type: String) -> GraphError {
        GraphError(400, "Request_BadRequest", "Could not find a property named '\(name.prefix(100))' on type 'microsoft.graph.\(type)'.")
    }

    static func invalidValue(_ property: String, resource: String) -> GraphError {
        GraphError(400, "Request_BadRequest", "Invalid value specified for property '\(property)' of resource '\(resource)'.")
    }

    static let bodyTooLarge = GraphError(413, "Request_EntityTooLarge", "The request body is larger than mock-entra accepts.")
    static let notJSON = GraphError(415, "BadRequest", "Content-Type must be application/json for a request with a body.")
    static let unreadableBody = GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}

/// The JSON body of a Graph error.
struct GraphErrorBody: Encodable {
    struct Inner: Encodable {
        var date: String
        var requestID: String
        var clientRequestID: String
        enum CodingKeys: String, CodingKey {
            case date
            case requestID = "request-id"
            case clientRequestID = "client-request-id"
        }
    }

    struct Detail: Encodable {
        var code: String
        var message: String
        var innerError: Inner
    }

    var error: Detail
}

/// The IDs of one Graph request: its `request-id`, and the client's `client-request-id` when it sent a sane one
/// (the SDKs do), else the request ID, as Graph echoes it.
struct GraphRequestIDs: Sendable {
    let requestID: String
    let clientRequestID: String
    static let requestIDHeader = HTTPFields.Element.Name("request-id")
    static let clientRequestIDHeader = HTTPFields.Element.Name("client-request-id")

    init(_ request: Request) {
        requestID = MockEntra.guid(EntraState.newID())
        let sent = GraphRequestIDs.clientRequestIDHeader.flatMap { request.headers[$0] }
        if let sent, (1...64).contains(sent.utf8.count), sent.utf8.allSatisfy(Self.isIDByte) {
            clientRequestID = sent
        } else {
            clientRequestID = requestID
        }
    }

    /// Letters, digits and `-`: what a client's request ID may hold to be echoed.
    static func isIDByte(_ byte: UInt8) -> Bool {
        byte == 45 || (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// Graph's `request-id` and `client-request-id` response headers.
    func stamp(_ response: inout Response) {
        if let name = Self.requestIDHeader { response.headers[name] = requestID }
        if let name = Self.clientRequestIDHeader { response.headers[name] = clientRequestID }
    }

    /// `error` as Graph answers it: the innerError's date is UTC without a zone letter, as Graph writes it.
    func response(_ error: GraphError, at now: Date) -> Response {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let body = GraphErrorBody(error: .init(code: error.code, message: error.message,
                                               innerError: .init(date: formatter.string(from: now), requestID: requestID,
                                                                 clientRequestID: clientRequestID)))
        var response = MockEntra.json(body, status: HTTPResponse.Status(code: error.status))
        if error.status == 401 {
            // RFC 6750 §3: the challenge of a refused bearer token.
            response.headers[.wwwAuthenticate] = error == .tokenMissing ? "Bearer realm=\"\"" : "Bearer realm=\"\", error=\"invalid_token\""
        }
        stamp(&response)
        return response
    }
}
