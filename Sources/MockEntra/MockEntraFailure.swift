import Foundation
import Hummingbird
import SAML

/// A refusal of the admin API (not a sign-in error, so no AADSTS code): `{"error": MESSAGE}` with `status`.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    /// A `WWW-Authenticate` challenge to send with a 401 (RFC 6750 §3).
    public let challenge: String?
    public init(_ status: Int, _ message: String, challenge: String? = nil) {
        (self.status, self.message, self.challenge) = (status, message, challenge)
    }
    public var description: String { message }
}

/// Every refusal mock-entra answers, thrown by handlers and middleware and turned into a response in one place,
/// ``MockEntraFailureMiddleware``.
enum MockEntraFailure: Error {
    /// Entra's error page (AADSTS code, message, correlation ID), with the error's status unless another is given.
    case page(EntraError, status: HTTPResponse.Status? = nil)
    /// The admin API's JSON error.
    case admin(AdminError)
    /// The test hooks' JSON error: `{"error": AADSTS…, "message": …}` with the error's status.
    case hook(EntraError)
}

/// The JSON body of an admin API refusal.
struct AdminErrorBody: Encodable {
    var error: String
}

/// The JSON body of a test hook's refusal.
struct HookErrorBody: Encodable {
    var error: String
    var message: String
}

/// Answers what handlers throw: ``MockEntraFailure``, a bare ``EntraError`` (a page) or ``AdminError`` (JSON). Other
/// errors pass on (a 404 to ``NotFoundMiddleware``).
struct MockEntraFailureMiddleware: RouterMiddleware {
    typealias Context = MockEntraContext
    let clock: any SAMLClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as MockEntraFailure {
            return response(failure)
        } catch let error as EntraError {
            return response(.page(error))
        } catch let error as AdminError {
            return response(.admin(error))
        }
    }

    func response(_ failure: MockEntraFailure) -> Response {
        switch failure {
        case .page(let error, let status):
            return MockEntra.html(Pages.error(error, correlation: EntraState.newID(), at: clock.now),
                                  status: status ?? HTTPResponse.Status(code: error.httpStatus))
        case .admin(let error):
            var response = MockEntra.json(AdminErrorBody(error: error.message), status: HTTPResponse.Status(code: error.status))
            if let challenge = error.challenge { response.headers[.wwwAuthenticate] = challenge }
            return response
        case .hook(let error):
            return MockEntra.json(HookErrorBody(error: error.code, message: error.message), status: HTTPResponse.Status(code: error.httpStatus))
        }
    }
}

/// Resolves the `:tenant` segment (GUID or domain) once for every route under it; AADSTS90002 for another tenant.
struct TenantMiddleware: RouterMiddleware {
    typealias Context = MockEntraContext
    let state: EntraState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let tenant = await state.tenant
        let segment = context.parameters.get("tenant") ?? ""
        guard tenant.isNamed(segment) else { throw MockEntraFailure.page(.tenantNotFound(segment)) }
        var context = context
        context.tenant = tenant
        return try await next(request, context)
    }
}
