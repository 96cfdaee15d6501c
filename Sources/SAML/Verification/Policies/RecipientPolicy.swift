/// A bearer SubjectConfirmation whose data names one of our ACS URLs as Recipient (SAML profiles 4.1.4.2).
/// AWS also requires it to be the only SubjectConfirmation and to carry NotOnOrAfter (aws-entra.md §2.6); both
/// are options here because deployed IdPs omit the latter when Conditions already bound the assertion's life
/// (ruby-saml's signed fixture). Its NotBefore/NotOnOrAfter are judged by ``TimeWindowPolicy``.
public struct RecipientPolicy: VerificationPolicy {
    public var recipients: Set<String>
    /// Refuse more than one SubjectConfirmation, as AWS does.
    public var requireSingleConfirmation: Bool
    /// Require NotOnOrAfter on the bearer SubjectConfirmationData, as AWS does.
    public var requireConfirmationExpiry: Bool

    /// Recipients accepted beyond `recipients`, by rule (AWS accepts every regional sign-in endpoint).
    public var rule: AcceptanceRule?

    /// Creates a policy.
    /// - Parameters:
    ///   - recipients: The service provider's ACS URLs, accepted as a bearer confirmation's Recipient.
    ///   - requireSingleConfirmation: Whether more than one SubjectConfirmation is refused, as AWS does.
    ///   - requireConfirmationExpiry: Whether the accepted bearer confirmation must carry NotOnOrAfter, as AWS does.
    ///   - rule: Recipients accepted beyond `recipients`, by rule; `nil` for none.
    public init(_ recipients: Set<String>, requireSingleConfirmation: Bool = false, requireConfirmationExpiry: Bool = false,
                accepting rule: AcceptanceRule? = nil) {
        self.recipients = recipients
        self.requireSingleConfirmation = requireSingleConfirmation
        self.requireConfirmationExpiry = requireConfirmationExpiry
        self.rule = rule
    }

    public var name: String { "recipient" }
    public var summary: String { "A bearer SubjectConfirmation whose Recipient is this service provider's ACS URL" }

    /// Checks that a bearer SubjectConfirmation names an accepted Recipient.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `subject.missing` when the assertion has no Subject;
    ///   `subjectConfirmation.count`, `subjectConfirmation.method` or `subjectConfirmation.missing` when the
    ///   confirmations are not one bearer confirmation as required; `subjectConfirmation.recipientMismatch` when no
    ///   bearer confirmation names an accepted Recipient; `time.missingExpiry` when the one that does lacks a required
    ///   NotOnOrAfter.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        guard let subject = context.assertion.subject else {
            throw SAMLError(.subjectMissing, "the assertion has no Subject", expected: "<Subject>", found: "none")
        }
        if requireSingleConfirmation && subject.confirmations.count != 1 {
            throw SAMLError(.subjectConfirmationCount, "exactly one SubjectConfirmation is required",
                            expected: "1", found: "\(subject.confirmations.count)")
        }
        let bearers = context.bearerConfirmations
        guard !bearers.isEmpty else {
            if let other = subject.confirmations.first {
                throw SAMLError(.subjectConfirmationMethod, "Web SSO requires a bearer confirmation",
                                expected: SAMLURI.bearer, found: other.method.isEmpty ? "no Method" : other.method)
            }
            throw SAMLError(.subjectConfirmationMissing, "the Subject has no SubjectConfirmation",
                            expected: "a bearer SubjectConfirmation", found: "none")
        }
        var firstError: SAMLError?
        for bearer in bearers {
            let data = bearer.data
            var expected: String { AcceptanceRule.expected(recipients, rule) }  // only for messages
            if let recipient = data?.recipient, recipients.containsConfigured(recipient) || rule?.accepts(recipient) == true {
                if requireConfirmationExpiry && data?.notOnOrAfter == nil {
                    firstError = firstError ?? SAMLError(.timeMissingExpiry, "the bearer confirmation never expires",
                        expected: "SubjectConfirmationData NotOnOrAfter", found: "none")
                } else {
                    return
                }
            } else {
                firstError = firstError ?? SAMLError(.subjectConfirmationRecipient,
                    data?.recipient == nil ? "the bearer confirmation names no Recipient" : "the assertion was issued for another recipient",
                    expected: expected, found: data?.recipient.map { "\"\($0)\"" } ?? "no Recipient")
            }
        }
        if let firstError { throw firstError }
    }
}
