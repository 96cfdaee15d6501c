import Foundation
import Logging
import PostgresNIO
import SAML
import SAMLPostgres
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The server Tests/run.sh starts (Tests/postgres.sh); without it these tests are skipped, and shown so.
enum Database {
    static let url = ProcessInfo.processInfo.environment["SAML_TEST_POSTGRES_URL"]
    static var available: Bool { url != nil }
    static let skipped: Comment = "needs SAML_TEST_POSTGRES_URL, a PostgreSQL server: Tests/run.sh starts one (Tests/postgres.sh)"

    /// A table of its own for each test, so tests that run at once never see each other's IDs.
    static func freshTable() -> String { "replay_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    /// Runs `body` with a running client on the test server; stops the client after.
    @discardableResult
    static func withClient<T: Sendable>(application: String? = nil, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var configuration = try PostgresReplayCache.configuration(url: url!)
        if let application { configuration.options.additionalStartupParameters = [("application_name", application)] }
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// A cache on a fresh table of the test server.
    @discardableResult
    static func withCache<T: Sendable>(table: String = freshTable(), purgeInterval: Int = 1_000, application: String? = nil,
                                       _ body: @Sendable (PostgresReplayCache, PostgresClient) async throws -> T) async throws -> T {
        try await withClient(application: application) { client in
            try await body(PostgresReplayCache(client: client, tableName: table, purgeInterval: purgeInterval), client)
        }
    }

    static func count(_ table: String, _ client: PostgresClient) async throws -> Int {
        var result = -1
        for try await n in try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \"\(table)\"")).decode(Int.self) {
            result = n
        }
        return result
    }
}

enum Keys {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let directory = repository.appendingPathComponent("TestVectors/keys")
    static let certificatePath = directory.appendingPathComponent("idp.crt").path
    static let certificate = try! Certificate(pem: String(contentsOfFile: certificatePath, encoding: .utf8))
    static let signer = try! Signer(key: SigningKey(pem: String(contentsOf: directory.appendingPathComponent("idp.key"), encoding: .utf8)),
                                    certificate: certificate)
    static let issued = "2025-05-01T12:00:00.245Z"
    static let clock = FixedClock(issued)!
    static let user = EntraAWSResponse(
        tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
        userPrincipalName: "test-awsadmin@contoso.com", displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin",
        roles: ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"])
    static let aws = "https://signin.aws.amazon.com/saml"

    /// A signed response with IDs of its own (`seed`).
    static func signed(seed: UInt64 = .random(in: 1...UInt64.max / 2)) throws(SAMLError) -> String {
        try signer.sign(user.response(clock: clock, ids: SequentialIDGenerator(seed: seed)), mode: .assertion)
    }

    static func verifier(_ cache: any ReplayCache) -> Verifier {
        Verifier(trusting: [certificate], serviceProvider: ServiceProvider(audiences: [aws, "urn:amazon:webservices"], acsURLs: [aws],
                                                                            idpEntityID: user.issuer),
                 replayCache: cache, clock: clock)
    }
}

/// Expects `body` to throw a ``SAMLError`` with `code`; returns it.
@discardableResult
func expectError<T>(_ code: SAMLError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws(SAMLError) -> T) async -> SAMLError? {
    do {
        _ = try await body()
        Issue.record("expected \(code), but it succeeded", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
    return nil
}

/// A TCP port on 127.0.0.1; `listening`: a socket that accepts connections and never answers (a hung server),
/// else nothing listens there (closed at return).
func localPort(listening: Bool) -> (port: Int, socket: Int32) {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            _ = bind(fd, $0, length)
            _ = getsockname(fd, $0, &length)
        }
    }
    let port = Int(UInt16(bigEndian: address.sin_port))
    if listening {
        _ = listen(fd, 16)
        return (port, fd)
    }
    close(fd)
    return (port, -1)
}

@Suite("PostgreSQL replay cache", .enabled(if: Database.available, Database.skipped))
struct PostgresReplayCacheTests {
    let t0 = Date(timeIntervalSince1970: 1_746_100_800)

    @Test("first insert true, second false; distinct IDs independent; IDs exact and case-sensitive")
    func firstAndReplay() async throws {
        try await Database.withCache { (cache, _) async throws in
            try await cache.createSchema()
            try await cache.createSchema()   // idempotent
            #expect(try await cache.insert("_a", until: t0 + 60, now: t0))
            #expect(try await !cache.insert("_a", until: t0 + 60, now: t0 + 1))
            #expect(try await cache.insert("_b", until: t0 + 60, now: t0 + 1))
            #expect(try await cache.insert("_A", until: t0 + 60, now: t0 + 1))
            #expect(try await cache.insert("_a ", until: t0 + 60, now: t0 + 1))
            #expect(try await !cache.insert("_b", until: t0 + 60, now: t0 + 2))
            let quote = "_x'); DROP TABLE saml_replay_cache; --"
            #expect(try await cache.insert(quote, until: t0 + 60, now: t0))
            #expect(try await !cache.insert(quote, until: t0 + 60, now: t0))
        }
    }

    @Test("an expired entry is reusable (and then held until its new expiry); purgeExpired deletes expired rows")
    func expiry() async throws {
        let table = Database.freshTable()
        try await Database.withCache(table: table) { (cache, client) async throws in
            #expect(try await cache.insert("_x", until: t0 + 10, now: t0))
            #expect(try await !cache.insert("_x", until: t0 + 70, now: t0 + 9.999))
            #expect(try await cache.insert("_x", until: t0 + 70, now: t0 + 10))   // expires_at <= now: expired
            #expect(try await !cache.insert("_x", until: t0 + 130, now: t0 + 69))
            #expect(try await cache.insert("_y", until: t0 + 20, now: t0))
            #expect(try await cache.insert("_z", until: t0 + 30, now: t0))
            #expect(try await Database.count(table, client) == 3)
            #expect(try await cache.purgeExpired(now: t0 + 20) == 1)   // _y
            #expect(try await cache.purgeExpired(now: t0 + 100, limit: 1) == 1)
            #expect(try await cache.purgeExpired(now: t0 + 100, limit: 1) == 1)
            #expect(try await cache.purgeExpired(now: t0 + 100) == 0)
            #expect(try await Database.count(table, client) == 0)
        }
    }

    @Test("every purgeInterval inserts, the insert also deletes expired rows")
    func occasionalPurge() async throws {
        let table = Database.freshTable()
        try await Database.withCache(table: table, purgeInterval: 2) { (cache, client) async throws in
            #expect(try await cache.insert("_old1", until: t0 + 1, now: t0))
            #expect(try await cache.insert("_old2", until: t0 + 1, now: t0))   // 2nd: purge at t0, nothing expired
            #expect(try await Database.count(table, client) == 2)
            #expect(try await cache.insert("_new1", until: t0 + 200, now: t0 + 100))
            #expect(try await cache.insert("_new2", until: t0 + 200, now: t0 + 100))   // 4th: purges _old1, _old2
            #expect(try await Database.count(table, client) == 2)
        }
    }

    @Test("concurrent inserts of one ID, from many tasks on two separate pools: exactly one is true")
    func atomicity() async throws {
        let table = Database.freshTable()
        try await Database.withCache(table: table) { (first, _) async throws in
            try await Database.withCache(table: table) { (second, _) async throws in
                try await first.createSchema()
                for round in 0..<5 {
                    let id = "_race\(round)"
                    let t0 = t0
                    let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                        for task in 0..<40 {
                            let cache = task.isMultiple(of: 2) ? first : second
                            group.addTask { try await cache.insert(id, until: t0 + 60, now: t0) }
                        }
                        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                    #expect(wins == 1, "round \(round)")
                }
            }
        }
    }

    @Test("first use creates the table, also when many instances start at once; table names are identifiers")
    func schema() async throws {
        let table = Database.freshTable()
        try await Database.withClient { client async throws in
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for task in 0..<8 {
                    let cache = try PostgresReplayCache(client: client, tableName: table)
                    let t0 = t0
                    group.addTask { try await cache.insert("_s\(task % 2)", until: t0 + 60, now: t0) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 2)
            #expect(try await Database.count(table, client) == 2)
            let qualified = try PostgresReplayCache(client: client, tableName: "public." + Database.freshTable())
            #expect(try await qualified.insert("_q", until: t0 + 60, now: t0))
        }
    }

    @Test("Verifier with the PostgreSQL cache: a fresh response is accepted once, its second use is replay.detected")
    func verifierEndToEnd() async throws {
        let xml = try Keys.signed()
        try await Database.withCache { (cache, _) async throws in
            let verifier = Keys.verifier(cache)
            let verified = try await verifier.verify(xml)
            #expect(verified.nameID?.value == "test-awsadmin@contoso.com")
            await expectError(.replayDetected) { () async throws(SAMLError) in try await verifier.verify(xml) }
            // Another verifier (another instance) on the same table.
            await expectError(.replayDetected) { () async throws(SAMLError) in try await Keys.verifier(cache).verify(xml) }
            // The synchronous verify cannot wait on a database and says so.
            await expectError(.replayCacheAsynchronous) { () throws(SAMLError) in try Self.synchronously(verifier, try Keys.signed()) }
        }
    }

    /// The synchronous verify, from synchronous code (it is unavailable in async code, where overload resolution
    /// would otherwise be the only thing standing between a database cache and it).
    static func synchronously(_ verifier: Verifier, _ xml: String) throws(SAMLError) -> VerifiedResponse {
        try verifier.verify(xml)
    }

    @Test("two separate processes (replay-fleet-member) on one database: the first accepts, the other refuses as a replay")
    func twoProcesses() async throws {
        let member = try Fleet.binary()
        let table = Database.freshTable()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("response.b64")
        try Data(Data(try Keys.signed().utf8).base64EncodedString().utf8).write(to: file)

        let first = try Fleet.run(member, file: file, table: table)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.hasPrefix("accepted: test-awsadmin@contoso.com"), "\(first.output)")
        let second = try Fleet.run(member, file: file, table: table)
        #expect(second.status == 1, "\(second.output)")
        #expect(second.output.hasPrefix("refused: replay.detected"), "\(second.output)")

        // Four processes at once on one new response: exactly one accepts.
        let other = directory.appendingPathComponent("other.xml")
        try Data(try Keys.signed().utf8).write(to: other)
        let results = try await withThrowingTaskGroup(of: (status: Int32, output: String).self) { group in
            for _ in 0..<4 { group.addTask { try Fleet.run(member, file: other, table: table) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0.status == 0 }.count == 1, "\(results)")
        #expect(results.filter { $0.output.hasPrefix("refused: replay.detected") }.count == 3, "\(results)")
    }

    @Test("a database nobody listens on: the insert and the sign-in are refused (replay.cacheUnavailable), within the timeout")
    func refusedConnection() async throws {
        let (port, _) = localPort(listening: false)
        let url = "postgres://saml_test@127.0.0.1:\(port)/saml_test?sslmode=disable&connect_timeout=1"
        let cache = try PostgresReplayCache(configuration: PostgresReplayCache.configuration(url: url), tableName: Database.freshTable(),
                                            timeout: .seconds(2))
        defer { cache.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await expectError(.replayCacheUnavailable) { () async throws(SAMLError) in
            try await cache.insert("_a", until: t0 + 60, now: t0)
        }
        #expect(clock.now - start < .seconds(4))
        #expect(error?.expected?.contains("PostgreSQL") == true, "\(String(describing: error))")
        let xml = try Keys.signed()
        let verifyStart = clock.now
        await expectError(.replayCacheUnavailable) { () async throws(SAMLError) in try await Keys.verifier(cache).verify(xml) }
        #expect(clock.now - verifyStart < .seconds(4))
    }

    @Test("a database that accepts connections and never answers: refused after the timeout, not hung")
    func hungServer() async throws {
        let (port, socket) = localPort(listening: true)
        defer { close(socket) }
        let url = "postgres://saml_test@127.0.0.1:\(port)/saml_test?sslmode=disable"
        let cache = try PostgresReplayCache(configuration: PostgresReplayCache.configuration(url: url), tableName: Database.freshTable(),
                                            timeout: .milliseconds(1500))
        defer { cache.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await expectError(.replayCacheUnavailable) { () async throws(SAMLError) in
            try await Keys.verifier(cache).verify(try Keys.signed())
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(1400) && elapsed < .seconds(4), "\(elapsed)")
        #expect(error?.found?.contains("no answer") == true, "\(String(describing: error))")
    }

    @Test("a query error (the table dropped under the cache) and killed connections: refused or answered, never a false 'new'")
    func databaseFailures() async throws {
        let table = Database.freshTable()
        let application = "saml_test_" + table
        try await Database.withCache(table: table, application: application) { (cache, _) async throws in
            #expect(try await cache.insert("_k", until: t0 + 60, now: t0))
            // The cache's connections are terminated (by another client: tests running at the same time keep theirs).
            try await Database.withClient { admin in
                try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(application)")
            }
            for _ in 0..<3 {
                do throws(SAMLError) {
                    let inserted = try await cache.insert("_k", until: t0 + 60, now: t0 + 1)
                    #expect(!inserted)
                } catch {
                    #expect(error.code == .replayCacheUnavailable, "\(error)")
                }
            }
            try await Database.withClient { admin in try await admin.query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(table)\"")) }
            let error = await expectError(.replayCacheUnavailable) { () async throws(SAMLError) in
                try await cache.insert("_k", until: t0 + 60, now: t0 + 2)
            }
            #expect(error?.found?.contains("42P01") == true, "\(String(describing: error))")
        }
    }
}

/// What needs no server: URLs and table names.
@Suite("PostgreSQL replay cache: configuration")
struct PostgresReplayCacheConfigurationTests {
    @Test("URLs: user, password, port, database and sslmode read; a bad URL refused without showing its password")
    func urls() throws {
        let configuration = try PostgresReplayCache.configuration(url: "postgresql://sp%40x:s3cret@db.example:6543/replay%20db?sslmode=disable")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "sp@x")
        #expect(configuration.password == "s3cret")
        #expect(configuration.database == "replay db")
        for bad in ["http://u@h/db", "postgres://h/db", "postgres://u:s3cret@/db", "postgres://u:s3cret@h/db?sslmode=sometimes"] {
            do {
                _ = try PostgresReplayCache.configuration(url: bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == .replayCacheUnavailable)
                #expect(!error.message.contains("s3cret"), "\(error)")
            }
        }
    }

    @Test("table names: [schema.]identifier only, quoted; anything else refused before any statement")
    func tableNames() async throws {
        let client = PostgresClient(configuration: try PostgresReplayCache.configuration(url: "postgres://u@127.0.0.1:1/db"))
        for good in ["saml_replay_cache", "Replay2", "_t", "public.saml_replay_cache", String(repeating: "n", count: 48)] {
            #expect(try PostgresReplayCache(client: client, tableName: good).tableName == good)
        }
        for bad in ["", "x;DROP TABLE y", "a.b.c", ".t", "t.", "1abc", "name\"", "a b", String(repeating: "n", count: 49), "é"] {
            await expectError(.replayCacheUnavailable) { () throws(SAMLError) in try PostgresReplayCache(client: client, tableName: bad) }
        }
    }
}

enum Fleet {
    /// The built `replay-fleet-member`, beside the test bundle or in .build/debug.
    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("replay-fleet-member"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("replay-fleet-member"),
            Keys.repository.appendingPathComponent(".build/debug/replay-fleet-member"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw SAMLError(.libraryUnavailable, "replay-fleet-member is not built", expected: "swift build --build-tests",
                            found: candidates.map(\.path).joined(separator: ", "))
        }
        return found
    }

    static func run(_ binary: URL, file: URL, table: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--postgres", Database.url!, "--table", table, "--certificate", Keys.certificatePath,
                             "--issuer", Keys.user.issuer, "--now", "2025-05-01T12:00:30Z", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
