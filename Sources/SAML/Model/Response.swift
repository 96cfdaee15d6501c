import Foundation

/// `<samlp:Response>` carrying (at most) one assertion, the shape every Web SSO profile and Entra use.
public struct Response: Sendable, Hashable {
    public var id: String
    public var version: String
    public var issueInstant: Date
    /// The ACS URL the Response was sent to (AWS: `https://signin.aws.amazon.com/saml`).
    public var destination: String?
    /// The AuthnRequest ID this answers; absent for IdP-initiated sign-in.
    public var inResponseTo: String?
    /// Optional at Response level; Entra always sends it.
    public var issuer: Issuer?
    public var status: Status
    public var assertion: Assertion?

    /// Creates a Response; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - id: The Response's `ID`, unique and starting with a letter or `_`.
    ///   - issueInstant: When the Response was issued.
    ///   - destination: The ACS URL the Response is sent to.
    ///   - inResponseTo: The `ID` of the AuthnRequest this answers; `nil` for IdP-initiated sign-in.
    ///   - issuer: The IdP that issues it.
    ///   - status: The outcome: Success, or the IdP's error codes and message.
    ///   - assertion: The assertion about the user.
    ///   - version: The SAML version; keep `2.0`.
    public init(id: String, issueInstant: Date, destination: String? = nil, inResponseTo: String? = nil,
                issuer: Issuer? = nil, status: Status = .success, assertion: Assertion? = nil,
                version: String = "2.0") {
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.destination = destination
        self.inResponseTo = inResponseTo
        self.issuer = issuer
        self.status = status
        self.assertion = assertion
    }
}
