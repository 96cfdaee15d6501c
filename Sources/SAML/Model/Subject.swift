import Foundation

/// `<NameID>`: who the assertion is about.
public struct NameID: Sendable, Hashable {
    /// The identifier, as full text content (never truncated at a comment).
    public var value: String
    /// `Format`, e.g. `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress` (Entra's default for a UPN).
    public var format: String?
    public var nameQualifier: String?
    public var spNameQualifier: String?

    /// Creates a NameID; a `nil` value leaves its attribute out.
    /// - Parameters:
    ///   - value: The user's identifier, such as a UPN.
    ///   - format: The `Format` URI, such as `SAMLURI.nameIDEmail`.
    ///   - nameQualifier: The name space of the IdP that qualifies the identifier (`NameQualifier`).
    ///   - spNameQualifier: The name space of the SP that qualifies the identifier (`SPNameQualifier`).
    public init(_ value: String, format: String? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil) {
        self.value = value
        self.format = format
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
    }
}

/// `<SubjectConfirmationData>`: the conditions under which a bearer may present the assertion.
public struct SubjectConfirmationData: Sendable, Hashable {
    public var notBefore: Date?
    public var notOnOrAfter: Date?
    /// The ACS URL the assertion was issued for (AWS: `https://signin.aws.amazon.com/saml`).
    public var recipient: String?
    /// The AuthnRequest ID this answers; absent for IdP-initiated sign-in.
    public var inResponseTo: String?
    public var address: String?

    /// Creates SubjectConfirmationData; a `nil` value leaves its attribute out.
    /// - Parameters:
    ///   - notBefore: The earliest time the bearer may present the assertion.
    ///   - notOnOrAfter: The time from which the bearer may no longer present it.
    ///   - recipient: The ACS URL the assertion may be presented at.
    ///   - inResponseTo: The `ID` of the AuthnRequest this answers; `nil` for IdP-initiated sign-in.
    ///   - address: The network address the bearer may present it from.
    public init(notBefore: Date? = nil, notOnOrAfter: Date? = nil, recipient: String? = nil,
                inResponseTo: String? = nil, address: String? = nil) {
        self.notBefore = notBefore
        self.notOnOrAfter = notOnOrAfter
        self.recipient = recipient
        self.inResponseTo = inResponseTo
        self.address = address
    }
}

/// `<SubjectConfirmation>`.
public struct SubjectConfirmation: Sendable, Hashable {
    /// `Method`; Web SSO requires `urn:oasis:names:tc:SAML:2.0:cm:bearer`.
    public var method: String
    public var data: SubjectConfirmationData?

    /// Creates a SubjectConfirmation.
    /// - Parameters:
    ///   - method: The confirmation method URI; bearer by default, as Web SSO requires.
    ///   - data: The conditions under which the assertion may be presented; `nil` leaves the element out.
    public init(method: String = SAMLURI.bearer, data: SubjectConfirmationData? = nil) {
        self.method = method
        self.data = data
    }
}

/// `<Subject>`.
public struct Subject: Sendable, Hashable {
    public var nameID: NameID?
    public var confirmations: [SubjectConfirmation]

    /// Creates a Subject.
    /// - Parameters:
    ///   - nameID: Who the assertion is about; `nil` leaves the NameID out.
    ///   - confirmations: How the bearer may present the assertion, in order.
    public init(nameID: NameID?, confirmations: [SubjectConfirmation] = []) {
        self.nameID = nameID
        self.confirmations = confirmations
    }
}
