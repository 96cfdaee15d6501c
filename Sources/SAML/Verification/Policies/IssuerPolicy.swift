/// The assertion's Issuer must be the IdP's entity ID (Entra: `https://sts.windows.net/<tenant-id>/`); a Response
/// Issuer, optional, must match too (SAML profiles 4.1.4.2; Sustainsys CVE-2023-41890).
public struct IssuerPolicy: VerificationPolicy {
    /// Accepted entity IDs, compared exactly.
    public var entityIDs: Set<String>

    public init(_ entityID: String) { entityIDs = [entityID] }
    public init(anyOf entityIDs: Set<String>) { self.entityIDs = entityIDs }

    static let entityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"

    public var name: String { "issuer" }
    public var summary: String { "The Issuer is the identity provider's entity ID" }

    public func check(_ context: VerificationContext) throws(SAMLError) {
        try check(context.assertion.issuer, element: "Assertion")
        if let issuer = context.response.issuer { try check(issuer, element: "Response") }
    }

    private func check(_ issuer: Issuer, element: String) throws(SAMLError) {
        guard entityIDs.contains(issuer.value) else {
            throw SAMLError(.issuerMismatch, "the \(element) was issued by another entity",
                            expected: entityIDs.sorted().joined(separator: " or "),
                            found: "\"\(issuer.value)\"")
        }
        if let format = issuer.format, format != Self.entityFormat {
            throw SAMLError(.issuerMismatch, "the \(element) Issuer has a non-entity Format", expected: Self.entityFormat,
                            found: format)
        }
    }
}
