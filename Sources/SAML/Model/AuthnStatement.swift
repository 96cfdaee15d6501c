import Foundation

/// `<AuthnStatement>`: when and how the user authenticated.
public struct AuthnStatement: Sendable, Hashable {
    /// The interactive sign-in time of the IdP session (may be hours before the assertion).
    public var authnInstant: Date
    /// Entra sets it to the Assertion ID.
    public var sessionIndex: String?
    public var sessionNotOnOrAfter: Date?
    /// e.g. `urn:oasis:names:tc:SAML:2.0:ac:classes:Password` (Entra keeps it even after MFA).
    public var authnContextClassRef: String?

    /// Creates an AuthnStatement; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - authnInstant: When the user signed in interactively at the IdP.
    ///   - sessionIndex: The IdP session's identifier, to name it in a later LogoutRequest.
    ///   - sessionNotOnOrAfter: When the IdP wants the SP's session to end.
    ///   - authnContextClassRef: How the user authenticated, as an authentication context class URI.
    public init(authnInstant: Date, sessionIndex: String? = nil, sessionNotOnOrAfter: Date? = nil,
                authnContextClassRef: String? = nil) {
        self.authnInstant = authnInstant
        self.sessionIndex = sessionIndex
        self.sessionNotOnOrAfter = sessionNotOnOrAfter
        self.authnContextClassRef = authnContextClassRef
    }
}
