import Foundation

/// `<Assertion>`.
public struct Assertion: Sendable, Hashable {
    /// `ID`; Entra writes `_` + a lowercase GUID.
    public var id: String
    public var version: String
    public var issueInstant: Date
    public var issuer: Issuer
    public var subject: Subject?
    public var conditions: Conditions?
    public var attributeStatement: AttributeStatement?
    public var authnStatement: AuthnStatement?

    /// Creates an assertion; a `nil` value leaves its element out.
    /// - Parameters:
    ///   - id: The assertion's `ID`, unique and starting with a letter or `_`.
    ///   - issueInstant: When the assertion was issued.
    ///   - issuer: The IdP that issues it.
    ///   - subject: Who the assertion is about, and how the bearer may present it.
    ///   - conditions: The validity window and audiences.
    ///   - attributeStatement: The user's attributes (claims).
    ///   - authnStatement: When and how the user authenticated.
    ///   - version: The SAML version; keep `2.0`.
    public init(id: String, issueInstant: Date, issuer: Issuer, subject: Subject? = nil,
                conditions: Conditions? = nil, attributeStatement: AttributeStatement? = nil,
                authnStatement: AuthnStatement? = nil, version: String = "2.0") {
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.issuer = issuer
        self.subject = subject
        self.conditions = conditions
        self.attributeStatement = attributeStatement
        self.authnStatement = authnStatement
    }

    /// The values of an attribute, or `nil` when absent.
    /// - Parameter name: The attribute's `Name`, compared exactly, such as `AttributeName.awsRole`.
    public func attribute(_ name: String) -> [String]? { attributeStatement?[name] }
}
