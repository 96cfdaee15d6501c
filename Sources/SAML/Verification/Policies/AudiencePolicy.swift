/// The relying party must be named in every AudienceRestriction, and there must be at least one
/// (SAML core 2.5.1.4; AWS: "Response does not contain the required audience.").
public struct AudiencePolicy: VerificationPolicy {
    /// Our entity IDs, any of which satisfies a restriction (AWS: `urn:amazon:webservices`,
    /// `https://signin.aws.amazon.com/saml`).
    public var audiences: Set<String>

    public init(_ audiences: Set<String>) { self.audiences = audiences }
    public init(_ audience: String) { audiences = [audience] }

    public func check(_ context: VerificationContext) throws(SAMLError) {
        let restrictions = context.assertion.conditions?.audienceRestrictions ?? []
        let expected = audiences.sorted().joined(separator: " or ")
        guard !restrictions.isEmpty else {
            throw SAMLError(.audienceMissing, "the assertion names no audience", expected: "an AudienceRestriction with \(expected)",
                            found: "none")
        }
        for restriction in restrictions where !restriction.contains(where: audiences.contains) {
            throw SAMLError(.audienceMismatch, "the assertion is meant for another audience", expected: expected,
                            found: restriction.isEmpty ? "an empty AudienceRestriction" : restriction.map { "\"\($0)\"" }.joined(separator: ", "))
        }
    }
}
