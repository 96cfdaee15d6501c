import Foundation

/// `<Assertion>`.
public struct Assertion: Sendable, Hashable {
    /// The stored fields, behind one copy-on-write reference (``CopyOnWriteBox``).
    private struct Fields: Sendable, Hashable {
        var id: String
        var version: String
        var issueInstant: Date
        var issuer: Issuer
        var subject: Subject?
        var conditions: Conditions?
        var attributeStatement: AttributeStatement?
        var authnStatement: AuthnStatement?
    }

    private var box: CopyOnWriteBox<Fields>

    /// `ID`; Entra writes `_` + a lowercase GUID.
    public var id: String {
        get { box.value.id }
        set { mutateUniquely(&box) { $0.id = newValue } }
    }
    public var version: String {
        get { box.value.version }
        set { mutateUniquely(&box) { $0.version = newValue } }
    }
    public var issueInstant: Date {
        get { box.value.issueInstant }
        set { mutateUniquely(&box) { $0.issueInstant = newValue } }
    }
    public var issuer: Issuer {
        get { box.value.issuer }
        set { mutateUniquely(&box) { $0.issuer = newValue } }
    }
    public var subject: Subject? {
        get { box.value.subject }
        set { mutateUniquely(&box) { $0.subject = newValue } }
    }
    public var conditions: Conditions? {
        get { box.value.conditions }
        set { mutateUniquely(&box) { $0.conditions = newValue } }
    }
    public var attributeStatement: AttributeStatement? {
        get { box.value.attributeStatement }
        set { mutateUniquely(&box) { $0.attributeStatement = newValue } }
    }
    public var authnStatement: AuthnStatement? {
        get { box.value.authnStatement }
        set { mutateUniquely(&box) { $0.authnStatement = newValue } }
    }

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
        box = CopyOnWriteBox(Fields(id: id, version: version, issueInstant: issueInstant, issuer: issuer,
                                    subject: subject, conditions: conditions, attributeStatement: attributeStatement,
                                    authnStatement: authnStatement))
    }

    /// The values of an attribute, or `nil` when absent.
    /// - Parameter name: The attribute's `Name`, compared exactly, such as `AttributeName.awsRole`.
    public func attribute(_ name: String) -> [String]? { attributeStatement?[name] }
}
