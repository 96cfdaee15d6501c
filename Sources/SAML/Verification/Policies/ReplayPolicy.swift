import Foundation

/// Records the assertion ID until it expires and refuses a second use (SAML profiles 4.1.4.5). Put it last, so
/// that only assertions that passed every other rule are recorded.
public struct ReplayPolicy: VerificationPolicy {
    public var cache: any ReplayCache
    /// Kept as long as the time policy could still accept the assertion: its expiry plus this skew.
    public var skew: TimeInterval

    public init(cache: any ReplayCache, skew: TimeInterval = 180) {
        self.cache = cache
        self.skew = skew
    }

    public func check(_ context: VerificationContext) throws(SAMLError) {
        let expiries = [context.assertion.conditions?.notOnOrAfter] + context.bearerConfirmations.map { $0.data?.notOnOrAfter }
        guard let expiry = expiries.compactMap({ $0 }).max() else {
            throw SAMLError(.timeMissingExpiry, "an assertion without expiry cannot be protected against replay",
                            expected: "a NotOnOrAfter", found: "none")
        }
        guard try cache.insert(context.assertion.id, until: expiry.addingTimeInterval(skew), now: context.now) else {
            throw SAMLError(.replayDetected, "this assertion was already used", expected: "a new assertion ID",
                            found: "ID \"\(context.assertion.id)\" seen before")
        }
    }
}
