import Foundation

/// A sign-in failure as Entra reports it: an AADSTS code, its name, and the sentence Entra shows on its error page
/// (aws-entra.md §7 lists the codes; the wording follows Entra's error reference).
public struct EntraError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `AADSTS50105`.
    public let code: String
    /// `EntitlementGrantsNotFound`.
    public let name: String
    public let message: String
    /// The status of Entra's error page and of the test hooks' refusal: 400 for a bad request, 401 for credentials,
    /// 403 for policy, 404 for an unknown tenant or application. A converged page re-shown with the error (a wrong
    /// password, an unknown user, a wrong code) is 200, as Entra answers it.
    public let httpStatus: Int

    public init(code: String, name: String, message: String, httpStatus: Int = 400) {
        self.code = code
        self.name = name
        self.message = message
        self.httpStatus = httpStatus
    }

    /// `AADSTS50105: Your administrator has configured …`, as the page and the sign-in log show it.
    public var description: String { "\(code): \(message)" }

    public static func notAssigned(user: String, application: Tenant.Application) -> EntraError {
        EntraError(code: "AADSTS50105", name: "EntitlementGrantsNotFound",
                   message: "Your administrator has configured the application \(application.displayName) ('\(application.appID)') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '\(user)' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
                   httpStatus: 403)
    }

    public static let invalidCredentials = EntraError(
        code: "AADSTS50126", name: "InvalidUserNameOrPassword",
        message: "Error validating credentials due to invalid username or password.", httpStatus: 401)

    public static func unknownUser(_ upn: String, tenant: Tenant) -> EntraError {
        EntraError(code: "AADSTS50034", name: "UserAccountNotFound",
                   message: "The user account {EmailHidden} does not exist in the '\(tenant.tenantID)' directory. To sign into this application, the account must be added to the directory.",
                   httpStatus: 401)
    }

    public static func mfaRequired(application: Tenant.Application) -> EntraError {
        EntraError(code: "AADSTS50076", name: "UserStrongAuthClientAuthNRequired",
                   message: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '\(application.appID)'.",
                   httpStatus: 401)
    }

    public static func mfaEnrollmentRequired(application: Tenant.Application) -> EntraError {
        EntraError(code: "AADSTS50079", name: "UserStrongAuthEnrollmentRequired",
                   message: "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '\(application.appID)'.",
                   httpStatus: 401)
    }

    public static let mfaFailed = EntraError(
        code: "AADSTS500121", name: "AuthenticationFailedDuringStrongAuthRequest",
        message: "Authentication failed during strong authentication request. The verification code was not accepted.",
        httpStatus: 401)

    public static let mfaNotPassed = EntraError(
        code: "AADSTS50074", name: "UserStrongAuthClientAuthNRequiredInterrupt",
        message: "Strong Authentication is required. The multi-factor authentication challenge was not passed.", httpStatus: 401)

    public static let accountLocked = EntraError(
        code: "AADSTS50053", name: "IdsLocked",
        message: "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.",
        httpStatus: 401)

    public static let blockedByConditionalAccess = EntraError(
        code: "AADSTS53003", name: "BlockedByConditionalAccess",
        message: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        httpStatus: 403)

    public static let redirectBindingMissingMessage = EntraError(
        code: "AADSTS750054", name: "SAMLRequestNotPresent",
        message: "SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for SAML Redirect binding.")

    public static func invalidMessage(_ detail: String) -> EntraError {
        EntraError(code: "AADSTS75005", name: "Saml2MessageInvalid",
                   message: "The request is not a valid Saml2 protocol message. \(detail)")
    }

    public static func idStartsWithDigit(_ id: String) -> EntraError {
        EntraError(code: "AADSTS7500529", name: "InvalidSamlID",
                   message: "The value '\(id)' is not a valid SAML ID. The ID must not begin with a number.")
    }

    public static func applicationNotFound(_ identifier: String, tenant: Tenant) -> EntraError {
        EntraError(code: "AADSTS700016", name: "UnauthorizedClient_DoesNotMatchRequest",
                   message: "Application with identifier '\(identifier)' was not found in the directory '\(tenant.name)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                   httpStatus: 404)
    }

    public static func replyURLMismatch(_ url: String, application: Tenant.Application) -> EntraError {
        EntraError(code: "AADSTS50011", name: "InvalidReplyTo",
                   message: "The redirect URI '\(url)' specified in the request does not match the redirect URIs configured for the application '\(application.appID)'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.")
    }

    public static func unsupportedProperty(_ property: String) -> EntraError {
        EntraError(code: "AADSTS900236", name: "SamlRequestPropertyNotSupported",
                   message: "The SAML authentication request property '\(property)' is not supported and must not be set.")
    }

    public static func authnContextMismatch(requested: [String]) -> EntraError {
        EntraError(code: "AADSTS75011", name: "NoMatchedAuthnContextInOutputClaims",
                   message: "Authentication method 'Password' by which the user authenticated with the service doesn't match requested authentication method '\(requested.joined(separator: ", "))'. Contact the application owner.")
    }

    public static func invalidNameIDPolicy(_ format: String) -> EntraError {
        EntraError(code: "AADSTS75016", name: "InvalidNameIdPolicy",
                   message: "Saml2 Authentication Request has invalid NameIdPolicy '\(format)'.")
    }

    public static let unsignedRequest = EntraError(
        code: "AADSTS76021", name: "ApplicationRequiresSignedRequests",
        message: "The request sent by client is not signed while the application requires signed requests.")

    public static func badRequestSignature(_ detail: String) -> EntraError {
        EntraError(code: "AADSTS75005", name: "Saml2MessageInvalid",
                   message: "The request is not a valid Saml2 protocol message. Its signature does not verify with the application's verification certificates: \(detail)")
    }

    public static func tenantNotFound(_ segment: String) -> EntraError {
        EntraError(code: "AADSTS90002", name: "InvalidTenantName",
                   message: "Tenant '\(segment)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                   httpStatus: 404)
    }

    public static let noSigningKey = EntraError(
        code: "AADSTS50003", name: "MissingSigningKey",
        message: "No signing key is configured for the application.", httpStatus: 500)

    /// Not a failure: the "Stay signed in?" interrupt, as Entra's sign-in log records it.
    public static let kmsiInterrupt = EntraError(
        code: "AADSTS50140", name: "KmsiInterrupt",
        message: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.", httpStatus: 200)

    /// An `IsPassive` request without a session (UserInformationNotProvided, as ``flowExpired``).
    public static let silentSignInFailed = EntraError(
        code: "AADSTS50058", name: "UserInformationNotProvided",
        message: "A silent sign-in request was sent but no user is signed in.")

    public static let flowExpired = EntraError(
        code: "AADSTS50058", name: "UserInformationNotProvided",
        message: "A silent sign-in request was sent but no user is signed in, or the sign-in page expired. Start the sign-in again.")
}
