import Foundation
import Synchronization

/// Remembers assertion IDs until they expire, so a captured assertion cannot be posted twice (SAML profiles
/// 4.1.4.5). Implementations must be safe to call from many tasks at once.
public protocol ReplayCache: Sendable {
    /// Records `id` until `expiry`. Returns `false` when `id` is already recorded and unexpired (a replay).
    /// Throws ``SAMLError/Code/replayCacheFull`` rather than forget an unexpired entry.
    func insert(_ id: String, until expiry: Date, now: Date) throws(SAMLError) -> Bool
}

/// A bounded in-memory ``ReplayCache``.
///
/// When full of unexpired entries it refuses new ones (fails closed) instead of evicting, because evicting an
/// unexpired ID would re-open it for replay. Size it for your sign-in rate times the assertion lifetime.
public final class InMemoryReplayCache: ReplayCache {
    private struct State {
        var entries: [String: Date] = [:]
        var earliestExpiry: Date = .distantFuture
    }

    private let state = Mutex(State())
    /// The most entries held at once.
    public let capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    public func insert(_ id: String, until expiry: Date, now: Date) throws(SAMLError) -> Bool {
        let result: Result<Bool, SAMLError> = state.withLock { state in
            if let existing = state.entries[id], existing > now { return .success(false) }
            if state.entries.count >= capacity && state.earliestExpiry <= now {
                state.entries = state.entries.filter { $0.value > now }
                state.earliestExpiry = state.entries.values.min() ?? .distantFuture
            }
            guard state.entries.count < capacity || state.entries[id] != nil else {
                return .failure(SAMLError(.replayCacheFull, "the replay cache is full of unexpired assertions",
                                          expected: "fewer than \(capacity) live entries", found: "\(state.entries.count)"))
            }
            state.entries[id] = expiry
            state.earliestExpiry = min(state.earliestExpiry, expiry)
            return .success(true)
        }
        return try result.get()
    }

    /// Whether `id` is recorded and unexpired (a second `insert` would be a replay), without recording it.
    public func contains(_ id: String, now: Date) -> Bool { state.withLock { $0.entries[id].map { $0 > now } ?? false } }

    /// Entries currently held (expired ones included until the next purge).
    public var count: Int { state.withLock { $0.entries.count } }
}
