/// A bearer SubjectConfirmation whose data names one of our ACS URLs as Recipient, has NotOnOrAfter and no
/// NotBefore (SAML profiles 4.1.4.2). AWS also requires it to be the only SubjectConfirmation (aws-entra.md §2.6).
public struct RecipientPolicy: VerificationPolicy {
    public var recipients: Set<String>
    /// Refuse more than one SubjectConfirmation, as AWS does.
    public var requireSingleConfirmation: Bool

    public init(_ recipients: Set<String>, requireSingleConfirmation: Bool = false) {
        self.recipients = recipients
        self.requireSingleConfirmation = requireSingleConfirmation
    }

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
            let expected = recipients.sorted().joined(separator: " or ")
            if let recipient = data?.recipient, recipients.contains(recipient) {
                if let notBefore = data?.notBefore {
                    firstError = firstError ?? SAMLError(.subjectConfirmationNotBefore,
                        "a bearer SubjectConfirmationData must not carry NotBefore", expected: "no NotBefore",
                        found: SAMLInstant.format(notBefore))
                } else if data?.notOnOrAfter == nil {
                    firstError = firstError ?? SAMLError(.timeMissingExpiry, "the bearer confirmation never expires",
                        expected: "SubjectConfirmationData NotOnOrAfter", found: "none")
                } else {
                    return
                }
            } else {
                firstError = firstError ?? SAMLError(.subjectConfirmationRecipient,
                    "the assertion was issued for another recipient", expected: expected,
                    found: data?.recipient.map { "\"\($0)\"" } ?? "no Recipient")
            }
        }
        if let firstError { throw firstError }
    }
}
