import Foundation
import Logging
import PostgresNIO
import SAML
import Synchronization

/// A ``SAML/ReplayCache`` in PostgreSQL, shared by every service-provider instance that points at the same table: an
/// assertion accepted by one instance is refused as a replay by all the others (SAML profiles 4.1.4.5).
///
/// ```swift
/// let client = PostgresClient(configuration: try PostgresReplayCache.configuration(url: "postgres://sp@db/sp"))
/// let cache = try PostgresReplayCache(client: client)   // run the client: `await client.run()` in a task group or ServiceGroup
/// let verifier = Verifier(trusting: certificates, serviceProvider: sp, replayCache: cache)   // then `try await verifier.verify(...)`
/// ```
///
/// - One table (default `saml_replay_cache`): `id text PRIMARY KEY, expires_at timestamptz NOT NULL`, plus an index on
///   `expires_at`. ``createSchema()`` creates it; the first ``insert(_:until:now:)`` does so too when it was not called.
/// - One atomic statement per assertion: `INSERT … ON CONFLICT (id) DO UPDATE … WHERE expires_at <= now RETURNING id`.
///   A new ID, or one whose entry has expired, returns a row (accepted); an unexpired one returns none (a replay). Of
///   concurrent inserts of one ID, from any number of processes, exactly one returns a row. Values are bound
///   parameters; IDs are stored exactly as given (case-sensitive).
/// - Times are the caller's (the ``SAML/Verifier``'s clock), not the database server's.
/// - Expired rows are deleted by ``purgeExpired(now:limit:)`` and, every ``purgeInterval`` inserts, by the insert
///   itself (at most ``purgeLimit`` rows at a time).
/// - Fails closed: when the database cannot answer (refused connection, error, or no answer within ``timeout``) the
///   call throws ``SAML/SAMLError/Code/replayCacheUnavailable`` and the sign-in is refused. A statement abandoned at
///   the timeout may still complete later and record its ID; the assertion then stays refused, which is the safe side.
public final class PostgresReplayCache: ReplayCache {
    /// The table used when none is named.
    public static let defaultTableName = "saml_replay_cache"

    /// The default logger: none (pass one to see failed purges and, for an owned pool, the pool's connection events).
    public static let silent = Logger(label: "saml.replay.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The pool the statements run on. Its `run()` must be running (the caller's, or this cache's when it was built
    /// from a configuration).
    public let client: PostgresClient
    /// The table, as validated (an SQL identifier, optionally qualified by a schema: `[schema.]table`).
    public let tableName: String
    /// The longest any call waits for the database before refusing.
    public let timeout: Duration
    /// Every this many inserts, the insert also deletes expired rows (0: never; call ``purgeExpired(now:limit:)``).
    public let purgeInterval: Int
    /// The most rows one occasional purge deletes.
    public let purgeLimit: Int

    private let quotedTable: String
    private let indexName: String
    private let logger: Logger
    private let state = Mutex(State())
    private let owned: Task<Void, Never>?

    private struct State {
        var schemaReady = false
        var inserts = 0
    }

    /// A cache on `client`, which the caller runs (`await client.run()`, e.g. in a task group or a `ServiceGroup`).
    ///
    /// - Parameters:
    ///   - tableName: `[schema.]table`, each part an unquoted SQL identifier (`[A-Za-z_][A-Za-z0-9_]*`, at most 48
    ///     characters); it is quoted in the statements, so its case is kept.
    ///   - timeout: the longest a call waits for the database; after it the call throws `replay.cacheUnavailable`.
    ///   - purgeInterval: every this many inserts, expired rows are also deleted (0: never).
    ///   - purgeLimit: the most rows one such purge deletes.
    /// - Throws: ``SAML/SAMLError/Code/replayCacheUnavailable`` for a table name that is not an identifier.
    public convenience init(client: PostgresClient, tableName: String = PostgresReplayCache.defaultTableName,
                timeout: Duration = .seconds(5), purgeInterval: Int = 1_000, purgeLimit: Int = 10_000,
                logger: Logger = PostgresReplayCache.silent) throws(SAMLError) {
        try self.init(client: client, owned: nil, tableName: tableName, timeout: timeout, purgeInterval: purgeInterval,
                      purgeLimit: purgeLimit, logger: logger)
    }

    /// A cache with its own connection pool, which it runs until ``shutdown()`` (or until it is released).
    public convenience init(configuration: PostgresClient.Configuration, tableName: String = PostgresReplayCache.defaultTableName,
                            timeout: Duration = .seconds(5), purgeInterval: Int = 1_000, purgeLimit: Int = 10_000,
                            logger: Logger = PostgresReplayCache.silent) throws(SAMLError) {
        _ = try Self.quote(tableName)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let task = Task { await client.run() }
        try self.init(client: client, owned: task, tableName: tableName, timeout: timeout, purgeInterval: purgeInterval,
                      purgeLimit: purgeLimit, logger: logger)
    }

    private init(client: PostgresClient, owned: Task<Void, Never>?, tableName: String, timeout: Duration,
                 purgeInterval: Int, purgeLimit: Int, logger: Logger) throws(SAMLError) {
        self.quotedTable = try Self.quote(tableName)
        self.client = client
        self.owned = owned
        self.tableName = tableName
        self.indexName = "\"" + (tableName.split(separator: ".").last.map(String.init) ?? tableName) + "_expires_at_idx\""
        self.timeout = timeout
        self.purgeInterval = max(0, purgeInterval)
        self.purgeLimit = max(1, purgeLimit)
        self.logger = logger
    }

    deinit { owned?.cancel() }

    /// Stops the connection pool this cache runs (built from a configuration); nothing for a caller's client.
    public func shutdown() { owned?.cancel() }

    /// Creates the table and its index when they do not exist (`CREATE … IF NOT EXISTS`, serialised across processes
    /// by a transaction-scoped advisory lock). Safe to call from every instance at start-up; the first insert calls it
    /// when it has not been called.
    public func createSchema() async throws(SAMLError) {
        let schema = schemaStatements()
        try await bounded("creating the table \(tableName)") { client in try await schema(client) }
        state.withLock { $0.schemaReady = true }
    }

    /// The statements of ``createSchema()``, for running inside one bounded call.
    private func schemaStatements() -> @Sendable (PostgresClient) async throws -> Void {
        let table = quotedTable, index = indexName, name = tableName
        let logger = logger
        return { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(name)))", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL:
                    "CREATE TABLE IF NOT EXISTS \(table) (id text PRIMARY KEY, expires_at timestamptz NOT NULL)"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL:
                    "CREATE INDEX IF NOT EXISTS \(index) ON \(table) (expires_at)"), logger: logger)
            }
        }
    }

    /// Records `id` until `expiry`; `false` when it is recorded and unexpired at `now` (a replay). One statement,
    /// atomic across every process using the table.
    ///
    /// The first call creates the table when ``createSchema()`` was not called, within the same ``timeout``. Every
    /// ``purgeInterval``-th call then also deletes expired rows (bounded by its own ``timeout``; its failure only logs).
    public func insert(_ id: String, until expiry: Date, now: Date) async throws(SAMLError) -> Bool {
        let schema: (@Sendable (PostgresClient) async throws -> Void)? = state.withLock { $0.schemaReady } ? nil : schemaStatements()
        let sql = "INSERT INTO \(quotedTable) AS cache (id, expires_at) VALUES ($1, $2) "
            + "ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE cache.expires_at <= $3 RETURNING id"
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(id)
        bindings.append(expiry)
        bindings.append(now)
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let logger = logger
        let inserted = try await bounded("recording the assertion ID") { client in
            try await schema?(client)
            var rows = 0
            for try await _ in try await client.query(query, logger: logger) { rows += 1 }
            return rows == 1
        }
        if schema != nil { state.withLock { $0.schemaReady = true } }
        let purge = state.withLock { state -> Bool in
            state.inserts &+= 1
            return purgeInterval > 0 && state.inserts % purgeInterval == 0
        }
        if purge {
            // The answer is known; a failed purge changes nothing about it and is retried at the next interval.
            do { _ = try await purgeExpired(now: now, limit: purgeLimit) } catch {
                logger.warning("replay cache purge failed", metadata: ["error": "\(error)"])
            }
        }
        return inserted
    }

    /// Deletes rows expired at `now` (at most `limit` when given); returns how many.
    @discardableResult
    public func purgeExpired(now: Date, limit: Int? = nil) async throws(SAMLError) -> Int {
        if !state.withLock({ $0.schemaReady }) { try await createSchema() }
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(now)
        let selection: String
        if let limit {
            bindings.append(max(0, limit))
            selection = "ctid IN (SELECT ctid FROM \(quotedTable) WHERE expires_at <= $1 LIMIT $2)"
        } else {
            selection = "expires_at <= $1"
        }
        let query = PostgresQuery(unsafeSQL: "WITH purged AS (DELETE FROM \(quotedTable) WHERE \(selection) RETURNING 1) "
                                  + "SELECT count(*)::bigint FROM purged", binds: bindings)
        let logger = logger
        return try await bounded("deleting expired assertion IDs") { client in
            var deleted = 0
            for try await count in try await client.query(query, logger: logger).decode(Int.self) { deleted = count }
            return deleted
        }
    }

    // MARK: - Bounded calls

    /// Runs `operation` on the client, giving up after ``timeout``; every failure becomes `replay.cacheUnavailable`.
    private func bounded<T: Sendable>(_ action: String,
                                      _ operation: @escaping @Sendable (PostgresClient) async throws -> T) async throws(SAMLError) -> T {
        let client = client
        let race = Race<T>()
        let outcome: Result<T, any Error>? = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await operation(client)) } catch { result = .failure(error) }
                    race.finish(result)
                }
                race.attach(work: work)
                // On a Dispatch timer, not a Task: it fires even when every thread of the cooperative pool is busy.
                let timer = DispatchWorkItem { race.finish(nil) }
                race.attach(timer: Timer(item: timer))
                let (seconds, attoseconds) = timeout.components
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)),
                                                  execute: timer)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
        switch outcome {
        case .success(let value)?:
            return value
        case .failure(let error)?:
            throw SAMLError(.replayCacheUnavailable, "the PostgreSQL replay cache could not answer (\(action))",
                            expected: "an answer from PostgreSQL at \(endpoint)", found: Self.describe(error))
        case nil:
            throw SAMLError(.replayCacheUnavailable, "the PostgreSQL replay cache did not answer in time (\(action))",
                            expected: "an answer from PostgreSQL at \(endpoint) within \(timeout)",
                            found: "no answer after \(timeout)")
        }
    }

    private var endpoint: String { "table \(tableName)" }

    /// One line naming the failure: the client's error code, PostgreSQL's SQLSTATE and message, the cause.
    static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "the call was cancelled" }
        if let error = error as? PostgresTransactionError {
            let parts = [("BEGIN", error.beginError), ("statement", error.closureError), ("ROLLBACK", error.rollbackError),
                         ("COMMIT", error.commitError)]
            return parts.compactMap { name, error in error.map { "\(name) failed: " + describe($0) } }.joined(separator: "; ")
        }
        guard let error = error as? PSQLError else { return String(describing: error) }
        var parts = ["PostgresNIO \(error.code)"]
        if let info = error.serverInfo {
            parts.append("SQLSTATE \(info[.sqlState] ?? "?"): \(info[.message] ?? "")")
        }
        if let underlying = error.underlying { parts.append(describe(underlying)) }
        return parts.joined(separator: "; ")
    }

    /// Checks `[schema.]table` and returns it quoted.
    static func quote(_ name: String) throws(SAMLError) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = (1...2).contains(parts.count) && parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, part.unicodeScalars.count <= 48 else { return false }
            func letter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_" }
            return letter(first) && part.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) }
        }
        guard valid else {
            throw SAMLError(.replayCacheUnavailable, "the replay cache's table name is not an SQL identifier",
                            expected: "[schema.]table, each [A-Za-z_][A-Za-z0-9_]* of at most 48 characters",
                            found: "\"\(name)\"")
        }
        return parts.map { "\"\($0)\"" }.joined(separator: ".")
    }
}

/// A pending timeout. `DispatchWorkItem.cancel()` may be called from any thread.
private struct Timer: @unchecked Sendable {
    let item: DispatchWorkItem
}

/// The first of a statement's result, the timeout and a cancellation resumes the caller; the others are ignored.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<T, any Error>?, Never>?
        var pending: Result<T, any Error>?? = nil
        var done = false
        var work: Task<Void, Never>?
        var timer: Timer?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Result<T, any Error>?, Never>) {
        let early: Result<T, any Error>?? = state.withLock { state in
            if let pending = state.pending { return .some(pending) }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func attach(work: Task<Void, Never>) {
        let cancel = state.withLock { state in
            state.work = work
            return state.done
        }
        if cancel { work.cancel() }
    }

    func attach(timer: Timer) {
        let cancel = state.withLock { state in
            state.timer = timer
            return state.done
        }
        if cancel { timer.item.cancel() }
    }

    /// `nil`: the timeout.
    func finish(_ result: Result<T, any Error>?) {
        let (continuation, work, timer) = state.withLock { state -> (CheckedContinuation<Result<T, any Error>?, Never>?, Task<Void, Never>?, Timer?) in
            guard !state.done else { return (nil, nil, nil) }
            state.done = true
            if state.continuation == nil { state.pending = .some(result) }
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        continuation?.resume(returning: result)
        timer?.item.cancel()
        work?.cancel()
    }
}
