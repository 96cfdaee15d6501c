import SAML

/// An error as AWS returns it: the query-protocol code, the message text, the HTTP status, and, when the cause is
/// a SAML rule, the library's detailed ``SAML/SAMLError`` (AWS itself gives no reason; tools can show both).
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let httpStatus: Int
    /// `Sender` or `Receiver`, as in `<ErrorResponse><Error><Type>`.
    public let type: String
    public let cause: SAMLError?

    /// Creates an error.
    /// - Parameters:
    ///   - code: AWS's error code, such as `InvalidIdentityToken`.
    ///   - message: The error text, as AWS words it.
    ///   - httpStatus: The HTTP status AWS answers with.
    ///   - type: `Sender` when the request is at fault, `Receiver` when AWS is.
    ///   - cause: The library's reason, which AWS does not give; `nil` when there is none.
    public init(code: String, message: String, httpStatus: Int = 400, type: String = "Sender", cause: SAMLError? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.type = type
        self.cause = cause
    }

    public var description: String { "\(code) (\(httpStatus)): \(message)" + (cause.map { " [\($0)]" } ?? "") }

    // Codes and texts from aws-entra.md §1-§2 (IAM troubleshooting guide, STS service model).
    /// `InvalidIdentityToken` (HTTP 400): the SAML response breaks a rule.
    /// - Parameters:
    ///   - message: The error text, as AWS words it.
    ///   - cause: The library's reason, which AWS does not give; `nil` when there is none.
    public static func invalidIdentityToken(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "InvalidIdentityToken", message: message, cause: cause)
    }
    /// `ExpiredTokenException` (HTTP 400): the assertion has expired or was not redeemed in time.
    /// - Parameters:
    ///   - message: The error text, as AWS words it.
    ///   - cause: The library's reason, which AWS does not give; `nil` when there is none.
    public static func expiredToken(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "ExpiredTokenException", message: message, cause: cause)
    }
    /// `AccessDenied` (HTTP 403): the role may not be assumed with this assertion.
    /// - Parameters:
    ///   - message: The error text; AWS's usual one by default.
    ///   - cause: The library's reason, which AWS does not give; `nil` when there is none.
    public static func accessDenied(_ message: String = "Not authorized to perform sts:AssumeRoleWithSAML",
                                    cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "AccessDenied", message: message, httpStatus: 403, cause: cause)
    }
    /// `ValidationError` (HTTP 400): a parameter or session tag is not valid.
    /// - Parameters:
    ///   - message: The error text, as AWS words it.
    ///   - cause: The library's reason, which AWS does not give; `nil` when there is none.
    public static func validationError(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "ValidationError", message: message, cause: cause)
    }
    /// `PackedPolicyTooLarge` (HTTP 400): the session policies and tags exceed AWS's packed size.
    /// - Parameter message: The error text, as AWS words it.
    public static func packedPolicyTooLarge(_ message: String) -> AWSError { AWSError(code: "PackedPolicyTooLarge", message: message) }
    /// `MalformedPolicyDocument` (HTTP 400): a policy document is not valid.
    /// - Parameter message: The error text, as AWS words it.
    public static func malformedPolicyDocument(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicyDocument", message: message)
    }
}
