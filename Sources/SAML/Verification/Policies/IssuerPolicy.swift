/// The assertion's Issuer must be the IdP's entity ID (Entra: `https://sts.windows.net/<tenant-id>/`); a Response
/// Issuer, optional, must match too (SAML profiles 4.1.4.2; Sustainsys CVE-2023-41890).
public struct IssuerPolicy: VerificationPolicy {
    /// Accepted entity IDs, compared exactly.
    public var entityIDs: Set<String>

    /// Creates a policy that accepts one IdP.
    /// - Parameter entityID: The IdP's entity ID, compared exactly.
    public init(_ entityID: String) { entityIDs = [entityID] }
    /// Creates a policy that accepts any of several IdPs.
    /// - Parameter entityIDs: The accepted entity IDs, compared exactly.
    public init(anyOf entityIDs: Set<String>) { self.entityIDs = entityIDs }

    static let entityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"

    public var name: String { "issuer" }
    public var summary: String { "The Issuer is the identity provider's entity ID" }

    /// Checks the Assertion's Issuer and, when present, the Response's.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `issuer.mismatch` when an Issuer is not an accepted entity ID or has a
    ///   Format other than `entity`.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        try check(context.assertion.issuer, element: "Assertion")
        if let issuer = context.response.issuer { try check(issuer, element: "Response") }
    }

    private func check(_ issuer: Issuer, element: String) throws(SAMLError) {
        guard entityIDs.containsConfigured(issuer.value) else {
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
