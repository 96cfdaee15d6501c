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
    public func attribute(_ name: String) -> [String]? { attributeStatement?[name] }
}
