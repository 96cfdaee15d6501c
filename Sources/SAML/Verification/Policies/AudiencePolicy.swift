/// The relying party must be named in every AudienceRestriction, and there must be at least one
/// (SAML core 2.5.1.4; AWS: "Response does not contain the required audience.").
public struct AudiencePolicy: VerificationPolicy {
    /// Our entity IDs, any of which satisfies a restriction (AWS: `urn:amazon:webservices`,
    /// `https://signin.aws.amazon.com/saml`).
    public var audiences: Set<String>
    /// Audiences accepted beyond ``audiences``, by rule.
    public var rule: AcceptanceRule?

    /// Creates a policy that accepts any of several audiences.
    /// - Parameters:
    ///   - audiences: The relying party's entity IDs; each AudienceRestriction must name one of them.
    ///   - rule: Audiences accepted beyond `audiences`, by rule; `nil` for none.
    public init(_ audiences: Set<String>, accepting rule: AcceptanceRule? = nil) {
        self.audiences = audiences
        self.rule = rule
    }
    /// Creates a policy that accepts one audience.
    /// - Parameter audience: The relying party's entity ID; each AudienceRestriction must name it.
    public init(_ audience: String) { audiences = [audience] }

    public var name: String { "audience" }
    public var summary: String { "Every AudienceRestriction names this service provider" }
    public var enforcedConditions: Set<ConditionKind> { [.audienceRestriction] }

    /// Checks that the assertion has at least one AudienceRestriction and that each names an accepted audience.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `audience.missing` when the assertion has no AudienceRestriction, or
    ///   `audience.mismatch` when one names none of the accepted audiences.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        let restrictions = context.assertion.conditions?.audienceRestrictions ?? []
        var expected: String { AcceptanceRule.expected(audiences, rule) }  // only for messages
        guard !restrictions.isEmpty else {
            throw SAMLError(.audienceMissing, "the assertion names no audience", expected: "an AudienceRestriction with \(expected)",
                            found: "none")
        }
        for restriction in restrictions where !restriction.contains(where: { audiences.containsConfigured($0) || rule?.accepts($0) == true }) {
            throw SAMLError(.audienceMismatch, "the assertion is meant for another audience", expected: expected,
                            found: restriction.isEmpty ? "an empty AudienceRestriction" : restriction.map { "\"\($0)\"" }.joined(separator: ", "))
        }
    }
}
