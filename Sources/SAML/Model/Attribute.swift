/// `<Attribute>` with its values, in document order. Multi-valued attributes (several Role values) keep every value.
public struct Attribute: Sendable, Hashable {
    /// `Name`, compared exactly (SAML core 1.3.1: no case folding, no trimming).
    public var name: String
    public var nameFormat: String?
    public var friendlyName: String?
    /// The `<AttributeValue>` texts, each as full text content.
    public var values: [String]

    /// Creates an attribute.
    /// - Parameters:
    ///   - name: The attribute's `Name`, usually a URI such as `AttributeName.awsRole`.
    ///   - values: The attribute's values, in order.
    ///   - nameFormat: The `NameFormat` URI; `nil` leaves it out.
    ///   - friendlyName: A human-readable name (`FriendlyName`); `nil` leaves it out.
    public init(name: String, values: [String], nameFormat: String? = nil, friendlyName: String? = nil) {
        self.name = name
        self.values = values
        self.nameFormat = nameFormat
        self.friendlyName = friendlyName
    }

    /// Creates an attribute from its name and values, without NameFormat or FriendlyName.
    /// - Parameters:
    ///   - name: The attribute's `Name`, usually a URI such as `AttributeName.awsRole`.
    ///   - values: The attribute's values, in order.
    public init(_ name: String, _ values: String...) {
        self.init(name: name, values: values)
    }
}

/// `<AttributeStatement>`.
public struct AttributeStatement: Sendable, Hashable {
    public var attributes: [Attribute]

    /// Creates a statement.
    /// - Parameter attributes: The attributes, in document order.
    public init(_ attributes: [Attribute]) { self.attributes = attributes }

    /// The values of the attribute with this exact name, or `nil` when it is absent.
    /// - Parameter name: The attribute's `Name`, compared exactly.
    public subscript(name: String) -> [String]? {
        attributes.first(where: { $0.name == name })?.values
    }
}

/// Attribute names Entra and AWS use (aws-entra.md §1, §6).
public enum AttributeName {
    public static let awsRole = "https://aws.amazon.com/SAML/Attributes/Role"
    public static let awsRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
    public static let awsSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
    public static let awsSourceIdentity = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
    public static let awsTransitiveTagKeys = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
    /// `https://aws.amazon.com/SAML/Attributes/PrincipalTag:<key>`.
    /// - Parameter key: The session tag's key, such as `Department`.
    public static func awsPrincipalTag(_ key: String) -> String {
        "https://aws.amazon.com/SAML/Attributes/PrincipalTag:" + key
    }

    public static let tenantID = "http://schemas.microsoft.com/identity/claims/tenantid"
    public static let objectIdentifier = "http://schemas.microsoft.com/identity/claims/objectidentifier"
    public static let displayName = "http://schemas.microsoft.com/identity/claims/displayname"
    public static let identityProvider = "http://schemas.microsoft.com/identity/claims/identityprovider"
    public static let authnMethodsReferences = "http://schemas.microsoft.com/claims/authnmethodsreferences"
    public static let givenName = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
    public static let surname = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
    public static let emailAddress = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    public static let name = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
    /// Entra's role claim: the values of the app roles assigned to the user (for the AWS app, the same values as
    /// ``awsRole``; Versent/saml2aws `pkg/provider/aad/testdata/SAMLResponse.xml`).
    public static let role = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
}
