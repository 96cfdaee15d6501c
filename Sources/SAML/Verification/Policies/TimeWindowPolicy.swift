import Foundation

/// Conditions NotBefore <= now < NotOnOrAfter, bearer SubjectConfirmationData NotOnOrAfter, and IssueInstants not
/// in the future, each with an explicit clock skew (attacks.md §8). At least one expiry must be present.
public struct TimeWindowPolicy: VerificationPolicy {
    /// Tolerance for clock differences between IdP and SP. Default 180 s; AWS's own is unpublished
    /// (aws-entra.md §11.1).
    public var skew: TimeInterval
    /// Refuse assertions issued longer ago than this (plus skew), whatever their NotOnOrAfter; `nil` = no limit.
    public var maxAge: TimeInterval?

    /// Creates a policy.
    /// - Parameters:
    ///   - skew: How far, in seconds, the IdP's clock may differ from ours.
    ///   - maxAge: The oldest an assertion may be, in seconds since its IssueInstant; `nil` for no limit.
    public init(skew: TimeInterval = 180, maxAge: TimeInterval? = nil) {
        self.skew = skew
        self.maxAge = maxAge
    }

    public var name: String { "time" }
    public var summary: String { "NotBefore ≤ now < NotOnOrAfter (Conditions and bearer confirmation), with the clock skew; issued in the past" }

    /// Checks the validity windows of the Conditions and the bearer confirmations, and the IssueInstants.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `time.notYetValid` before a NotBefore, `time.expired` or
    ///   `time.subjectConfirmationExpired` at or after a NotOnOrAfter, `time.missingExpiry` when there is no
    ///   NotOnOrAfter at all, `time.issuedInFuture` for an IssueInstant ahead of now, or `time.tooOld` for an
    ///   assertion older than ``maxAge``.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        let now = context.now
        var nowText: String { SAMLInstant.format(now) }  // only for messages: formatting costs on every accepted response
        let conditions = context.assertion.conditions
        if let notBefore = conditions?.notBefore, now.addingTimeInterval(skew) < notBefore {
            throw SAMLError(.timeNotYetValid, "the assertion is not valid yet",
                            expected: "now (\(nowText)) + \(Int(skew)) s skew ≥ NotBefore", found: "NotBefore \(SAMLInstant.format(notBefore))")
        }
        if let notOnOrAfter = conditions?.notOnOrAfter, now.addingTimeInterval(-skew) >= notOnOrAfter {
            throw SAMLError(.timeExpired, "the assertion has expired",
                            expected: "now (\(nowText)) - \(Int(skew)) s skew < NotOnOrAfter",
                            found: "NotOnOrAfter \(SAMLInstant.format(notOnOrAfter))")
        }
        var confirmationExpiry: Date?
        for bearer in context.bearerConfirmations {
            if let notBefore = bearer.data?.notBefore, now.addingTimeInterval(skew) < notBefore {
                throw SAMLError(.timeNotYetValid, "the bearer confirmation is not valid yet",
                                expected: "now (\(nowText)) + \(Int(skew)) s skew ≥ SubjectConfirmationData NotBefore",
                                found: "NotBefore \(SAMLInstant.format(notBefore))")
            }
            guard let expiry = bearer.data?.notOnOrAfter else { continue }
            confirmationExpiry = expiry
            if now.addingTimeInterval(-skew) >= expiry {
                throw SAMLError(.timeSubjectConfirmationExpired, "the bearer confirmation has expired",
                                expected: "now (\(nowText)) - \(Int(skew)) s skew < SubjectConfirmationData NotOnOrAfter",
                                found: "NotOnOrAfter \(SAMLInstant.format(expiry))")
            }
        }
        guard conditions?.notOnOrAfter != nil || confirmationExpiry != nil else {
            throw SAMLError(.timeMissingExpiry, "the assertion never expires",
                            expected: "Conditions or SubjectConfirmationData NotOnOrAfter", found: "neither")
        }
        // Two checks rather than a loop over an array literal, which was allocated on every accepted response.
        func checkIssued(_ name: String, _ instant: Date) throws(SAMLError) {
            guard instant > now.addingTimeInterval(skew) else { return }
            throw SAMLError(.timeIssuedInFuture, "the \(name) was issued in the future",
                            expected: "IssueInstant ≤ now (\(nowText)) + \(Int(skew)) s", found: SAMLInstant.format(instant))
        }
        try checkIssued("Assertion", context.assertion.issueInstant)
        try checkIssued("Response", context.response.issueInstant)
        if let maxAge, now.timeIntervalSince(context.assertion.issueInstant) > maxAge + skew {
            throw SAMLError(.timeTooOld, "the assertion is too old to be accepted",
                            expected: "issued within \(Int(maxAge)) s (+\(Int(skew)) s skew) of now (\(nowText))",
                            found: "IssueInstant \(SAMLInstant.format(context.assertion.issueInstant))")
        }
    }
}
