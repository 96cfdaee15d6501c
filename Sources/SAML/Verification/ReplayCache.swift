import Foundation
import Synchronization

/// Remembers assertion IDs until they expire, so a captured assertion cannot be posted twice (SAML profiles
/// 4.1.4.5). Implementations must be safe to call from many tasks at once.
///
/// ``Verifier`` calls ``insert(_:until:now:)`` last, after every other check passed, so only assertions that would
/// otherwise be accepted are recorded. One instance per service provider is ``InMemoryReplayCache``; a fleet of
/// instances behind a load balancer shares one through a database (`PostgresReplayCache` in the `SAMLPostgres`
/// product), so that an assertion accepted by one instance is refused by every other.
public protocol ReplayCache: Sendable {
    /// Records `id` until `expiry`, atomically: of two concurrent calls with the same unexpired `id`, exactly one
    /// returns `true`. Returns `false` when `id` is already recorded and unexpired (a replay).
    ///
    /// Throws rather than answer when the answer is unknown (a full cache: ``SAMLError/Code/replayCacheFull``; a
    /// store that cannot be reached: ``SAMLError/Code/replayCacheUnavailable``): the sign-in is then refused.
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - expiry: Until when the ID is kept; a later insert of it before then is a replay.
    ///   - now: The current time, from the verifier's clock.
    /// - Returns: `true` when `id` was recorded, `false` when it is already recorded and unexpired (a replay).
    /// - Throws: ``SAMLError`` with code `replay.cacheFull` or `replay.cacheUnavailable` when the cache cannot tell
    ///   whether `id` was used before.
    func insert(_ id: String, until expiry: Date, now: Date) async throws(SAMLError) -> Bool
}

/// A ``ReplayCache`` that answers without suspending, so that the synchronous `verify`
/// can use it (``InMemoryReplayCache``). Caches that wait on I/O are used through the `async` `verify`.
public protocol SynchronousReplayCache: ReplayCache {
    /// ``ReplayCache/insert(_:until:now:)``, without suspending.
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - expiry: Until when the ID is kept; a later insert of it before then is a replay.
    ///   - now: The current time, from the verifier's clock.
    /// - Returns: `true` when `id` was recorded, `false` when it is already recorded and unexpired (a replay).
    /// - Throws: ``SAMLError`` with code `replay.cacheFull` or `replay.cacheUnavailable` when the cache cannot tell
    ///   whether `id` was used before.
    func insertImmediately(_ id: String, until expiry: Date, now: Date) throws(SAMLError) -> Bool
}

extension SynchronousReplayCache {
    /// ``ReplayCache/insert(_:until:now:)`` through ``SynchronousReplayCache/insertImmediately(_:until:now:)``.
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - expiry: Until when the ID is kept; a later insert of it before then is a replay.
    ///   - now: The current time, from the verifier's clock.
    /// - Returns: `true` when `id` was recorded, `false` when it is already recorded and unexpired (a replay).
    /// - Throws: ``SAMLError`` when the cache cannot answer, as ``insertImmediately(_:until:now:)`` does.
    public func insert(_ id: String, until expiry: Date, now: Date) async throws(SAMLError) -> Bool {
        try insertImmediately(id, until: expiry, now: now)
    }
}

/// A bounded in-memory ``ReplayCache``, the embedded default.
///
/// When full of unexpired entries it refuses new ones (fails closed) instead of evicting, because evicting an
/// unexpired ID would re-open it for replay. Size it for your sign-in rate times the assertion lifetime.
public final class InMemoryReplayCache: SynchronousReplayCache {
    private struct State {
        var entries: [String: Date] = [:]
        var earliestExpiry: Date = .distantFuture
    }

    private let state = Mutex(State())
    /// The most entries held at once.
    public let capacity: Int

    /// Creates an empty cache.
    /// - Parameter capacity: The most unexpired IDs held at once (at least 1); beyond it new IDs are refused.
    public init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// Records `id` until `expiry`, after purging expired entries when the cache is full.
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - expiry: Until when the ID is kept; a later insert of it before then is a replay.
    ///   - now: The current time, from the verifier's clock.
    /// - Returns: `true` when `id` was recorded, `false` when it is already recorded and unexpired (a replay).
    /// - Throws: ``SAMLError`` with code `replay.cacheFull` when ``capacity`` unexpired IDs are already held.
    public func insertImmediately(_ id: String, until expiry: Date, now: Date) throws(SAMLError) -> Bool {
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

    /// Records `id` until `expiry`; `false` for a replay (``insertImmediately(_:until:now:)``, callable without `await`).
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - expiry: Until when the ID is kept; a later insert of it before then is a replay.
    ///   - now: The current time, from the verifier's clock.
    /// - Returns: `true` when `id` was recorded, `false` when it is already recorded and unexpired (a replay).
    /// - Throws: ``SAMLError`` with code `replay.cacheFull` when ``capacity`` unexpired IDs are already held.
    public func insert(_ id: String, until expiry: Date, now: Date) throws(SAMLError) -> Bool {
        try insertImmediately(id, until: expiry, now: now)
    }

    /// Whether `id` is recorded and unexpired (a second `insert` would be a replay), without recording it.
    /// - Parameters:
    ///   - id: The assertion's `ID`.
    ///   - now: The time at which expiry is judged.
    public func contains(_ id: String, now: Date) -> Bool { state.withLock { $0.entries[id].map { $0 > now } ?? false } }

    /// Entries currently held (expired ones included until the next purge).
    public var count: Int { state.withLock { $0.entries.count } }
}
