import Foundation

/// The assertion IDs that already opened a console session at `POST /saml`, each kept until its assertion could no
/// longer be presented (NotOnOrAfter plus the clock skew), so that a captured SAMLResponse cannot open a second
/// session. The SAML Web Browser SSO profile requires it of a service provider's assertion consumer: "the service
/// provider MUST ensure that bearer assertions are not replayed, by maintaining the set of used ID values for the
/// length of time for which the assertion would be considered valid based on the NotOnOrAfter attribute in the
/// <SubjectConfirmationData>" (SAML 2.0 profiles, §4.1.4.5).
///
/// STS keeps no such set: AssumeRoleWithSAML takes the same assertion again while it is valid (tools such as
/// saml2aws post it to the sign-in endpoint for the role list, then to STS), so this cache is the console's only.
///
/// Bounded: when full of unexpired IDs it refuses new ones (fails closed) rather than forget one, since forgetting
/// an unexpired ID would re-open it for replay. Value type, held by the ``AWSState`` actor.
struct ConsoleReplayCache: Sendable {
    private var entries: [String: Date] = [:]
    private var earliestExpiry: Date = .distantFuture
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    enum Outcome: Sendable, Equatable { case recorded, replayed, full }

    /// Whether `id` already opened a session and has not expired.
    func contains(_ id: String, now: Date) -> Bool { entries[id].map { $0 > now } ?? false }

    /// Records `id` until `expiry`, unless it is already there (a replay) or the cache is full of live entries.
    mutating func record(_ id: String, until expiry: Date, now: Date) -> Outcome {
        if contains(id, now: now) { return .replayed }
        if entries.count >= capacity && earliestExpiry <= now {
            entries = entries.filter { $0.value > now }
            earliestExpiry = entries.values.min() ?? .distantFuture
        }
        guard entries.count < capacity || entries[id] != nil else { return .full }
        entries[id] = expiry
        earliestExpiry = min(earliestExpiry, expiry)
        return .recorded
    }

    var count: Int { entries.count }
}
