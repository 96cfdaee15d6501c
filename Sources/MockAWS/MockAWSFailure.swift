import AWSFederation
import Hummingbird

/// A refusal by mock-aws, thrown by its handlers (after they audited it) and answered in one place,
/// ``MockAWSFailureMiddleware``, in the format of the endpoint that refused: AWS's XML `ErrorResponse` for the
/// query APIs and the audit trail, AWS's sign-in error page for `/saml`.
enum MockAWSFailure: Error {
    /// STS, IAM or the audit trail: `<ErrorResponse xmlns=NAMESPACE>` with the error's type, code and message.
    case query(AWSError, namespace: String, requestID: String)
    /// The console sign-in endpoint: the sign-in error page, 403 for a denial, 400 otherwise.
    case console(AWSError)

    /// The answer AWS gives for this refusal; the only place mock-aws turns an error into a response.
    var response: Response {
        switch self {
        case .query(let error, let namespace, let requestID):
            let text = "<ErrorResponse xmlns=\"\(namespace)\"><Error><Type>\(error.type)</Type><Code>\(MockAWS.escape(error.code))</Code>"
                + "<Message>\(MockAWS.escape(error.message))</Message></Error><RequestId>\(requestID)</RequestId></ErrorResponse>"
            return Response(status: HTTPResponse.Status(code: error.httpStatus), headers: [.contentType: "text/xml"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        case .console(let error):
            // AWS does not say why a signed response was refused; the reason goes in the page's detail only.
            let message = error.code == "InvalidIdentityToken" && error.cause != nil
                ? "Your request included an invalid SAML response. To logout, click here." : error.message
            return MockAWS.html(SignInPages.error(code: error.code, message: message, detail: error.cause?.description),
                                status: error.httpStatus == 403 ? .forbidden : .badRequest)
        }
    }
}

/// Answers a thrown ``MockAWSFailure`` with its response; other errors pass on (a 404 to ``NotFoundMiddleware``).
struct MockAWSFailureMiddleware: RouterMiddleware {
    typealias Context = MockAWSContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as MockAWSFailure {
            return failure.response
        }
    }
}
