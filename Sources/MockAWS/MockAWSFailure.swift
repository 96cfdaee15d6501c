import AWSFederation
import SAML
import Hummingbird

/// A refusal by mock-aws, thrown by its handlers (after they audited it) and answered in one place,
/// ``MockAWSFailureMiddleware``, in the format of the endpoint that refused: AWS's XML `ErrorResponse` for the
/// query APIs and the audit trail, AWS's sign-in error page for `/saml`.
enum MockAWSFailure: Error {
    /// STS, IAM or the audit trail: `<ErrorResponse xmlns=NAMESPACE>` with the error's type, code and message.
    case query(AWSError, namespace: String, requestID: String)
    /// The console sign-in endpoint: the sign-in error page, 403 for a denial, 400 otherwise.
    case console(AWSError, requestID: String)

    /// The answer AWS gives for this refusal; the only place mock-aws turns an error into a response.
    var response: Response {
        switch self {
        case .query(let error, let namespace, let requestID):
            let text = "<ErrorResponse xmlns=\"\(namespace)\"><Error><Type>\(error.type)</Type><Code>\(MockAWS.escape(error.code))</Code>"
                + "<Message>\(MockAWS.escape(error.message))</Message></Error><RequestId>\(requestID)</RequestId></ErrorResponse>"
            return Response(status: HTTPResponse.Status(code: error.httpStatus), headers: [.contentType: "text/xml"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        case .console(let error, let requestID):
            return MockAWS.html(SignInPages.error(code: error.code, message: Self.signInPageText(error, requestID: requestID),
                                                  detail: error.cause?.description),
                                status: error.httpStatus == 403 ? .forbidden : .badRequest)
        }
    }

    /// The sign-in page's generic refusal (IAM User Guide, "Troubleshooting SAML 2.0 federation with AWS").
    static let invalidSAMLResponse = "Your request included an invalid SAML response. To logout, click here."

    /// What AWS's sign-in page says for `error`, as the IAM User Guide's "Troubleshooting SAML 2.0 federation with
    /// AWS" lists the texts: a refusal by STS (which the sign-in endpoint calls) is STS's message followed by
    /// `(Service: AWSSecurityTokenService; Status Code: N; Error Code: CODE; Request ID: ID)` (RoleSessionName,
    /// SourceIdentity, "Response signature invalid" for a key the provider does not publish, "Not authorized to perform sts:AssumeRoleWithSAML"; the Request
    /// ID as users report it, MicrosoftDocs/azure-docs#45025); an issuer unknown to the provider is
    /// "Failed to assume role: Issuer not present in specified provider" from `AWSOpenIdDiscoveryService`
    /// (`AuthSamlInvalidSamlResponseException`); "Specified provider doesn't exist." stands alone; invalid session tags
    /// read "Unable to validate tags (Service: AWSSecurityTokenV20111201; …; Proxy: null). Please try again."
    /// (ministryofjustice/cloud-platform#4455); every other refusal of the response itself (no Role attribute, a
    /// replayed assertion, an unreadable or unsigned response) is the generic ``invalidSAMLResponse``. AWS does
    /// not say which rule failed; mock-aws adds that in the page's note only.
    /// What the guide's "Response signature invalid" stands for: a signature that the provider's metadata does not
    /// verify ("federation metadata of the identity provider does not match the metadata of the IAM identity
    /// provider"). The library maps other refusals to the same STS text; those get the generic page.
    static let keyMismatch: Set<SAMLError.Code> = [.signatureUntrustedKey, .signatureInvalid, .signatureDigestMismatch,
                                                   .signatureNoTrustedCertificates, .awsProviderKeyMismatch]

    static func signInPageText(_ error: AWSError, requestID: String) -> String {
        let suffix = "Status Code: \(error.httpStatus); Error Code: \(error.code); Request ID: \(requestID)"
        let sts = "\(error.message) (Service: AWSSecurityTokenService; \(suffix))"
        switch (error.code, error.cause?.code) {
        case ("AccessDenied", _), ("ExpiredTokenException", _):
            return sts
        case ("ValidationError", .awsSessionTags?):
            return "\(error.message) (Service: AWSSecurityTokenV20111201; \(suffix); Proxy: null). Please try again."
        case ("InvalidIdentityToken", .awsRoleSessionName?), ("InvalidIdentityToken", .awsSourceIdentity?):
            return sts
        case ("InvalidIdentityToken", let cause?) where error.message == "Response signature invalid" && keyMismatch.contains(cause):
            return sts
        case ("InvalidIdentityToken", _) where error.message == "Issuer not present in specified provider":
            return "Failed to assume role: Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; "
                + "Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: \(requestID))"
        case ("InvalidIdentityToken", _) where error.message == "Specified provider doesn't exist.":
            return error.message
        case ("InvalidIdentityToken", _):
            return invalidSAMLResponse
        default:
            return error.message
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
