/// A Response that passed every check. Values come only from the verified assertion node.
public struct VerifiedResponse: Sendable {
    public let response: Response
    /// The single assertion that a trusted signature covers.
    public let assertion: Assertion
    /// Which elements carried a valid signature.
    public let signedElements: SignedElements
    /// The configured certificate that verified them (the Response's signature when both are signed).
    public let signingCertificate: Certificate
    /// Every configured certificate that verified a signature of the message, without repeats: one, or two when the
    /// Response and the Assertion were signed with different keys. A relying party that trusts several issuers
    /// must check that all of them belong to the issuer it grants access for (AWS: the Role pair's provider).
    public let signingCertificates: [Certificate]
    /// Whether the assertion arrived encrypted (and was decrypted with a configured key).
    public let wasEncrypted: Bool

    /// The subject's NameID.
    public var nameID: NameID? { assertion.subject?.nameID }

    /// The values of an attribute, or `nil` when absent.
    /// - Parameter name: The attribute's `Name`, such as `AttributeName.awsRole`.
    public func attribute(_ name: String) -> [String]? { assertion.attribute(name) }
}
