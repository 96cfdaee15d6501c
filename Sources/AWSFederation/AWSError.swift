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

    public init(code: String, message: String, httpStatus: Int = 400, type: String = "Sender", cause: SAMLError? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.type = type
        self.cause = cause
    }

    public var description: String { "\(code) (\(httpStatus)): \(message)" + (cause.map { " [\($0)]" } ?? "") }

    // Codes and texts from aws-entra.md §1-§2 (IAM troubleshooting guide, STS service model).
    public static func invalidIdentityToken(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "InvalidIdentityToken", message: message, cause: cause)
    }
    public static func expiredToken(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "ExpiredTokenException", message: message, cause: cause)
    }
    public static func accessDenied(_ message: String = "Not authorized to perform sts:AssumeRoleWithSAML",
                                    cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "AccessDenied", message: message, httpStatus: 403, cause: cause)
    }
    public static func validationError(_ message: String, cause: SAMLError? = nil) -> AWSError {
        AWSError(code: "ValidationError", message: message, cause: cause)
    }
    public static func packedPolicyTooLarge(_ message: String) -> AWSError { AWSError(code: "PackedPolicyTooLarge", message: message) }
    public static func malformedPolicyDocument(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicyDocument", message: message)
    }
}
