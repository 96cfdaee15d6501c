// saml-bench --replay-postgres URL [--replay-pool N]: replay-checked verifies/s, with the PostgreSQL replay cache
// (SAMLPostgres) beside the same with InMemoryReplayCache. Every verify records a new assertion ID: a pool of N
// distinct responses (default 2,000) is signed first, so signing is not measured. The PostgreSQL figures are one
// verify at a time (each waits for its INSERT) and 8 at a time (a server's concurrent sign-ins, on one pool); the
// table is a new one, dropped after. Lines as the other figures, then one JSON object.
import Foundation
import PostgresNIO
import SAML
import SAMLPostgres

struct ReplayBench {
    let signer: Signer
    let certificate: Certificate
    var user: EntraAWSResponse
    let clock: any SAMLClock
    let judged: any SAMLClock
    let pool: Int

    /// Runs the async measurement from the benchmark's synchronous top level.
    func run(url: String) throws {
        final class Outcome: @unchecked Sendable { var result: Result<[String: Double], any Error>? }   // handed over by `done`
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let bench = self
        Task {
            do { outcome.result = .success(try await bench.measure(url: url)) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        let json = try outcome.result!.get()
        try printJSONLine(json)
    }

    private func responses(_ count: Int, seed: UInt64) throws -> [[UInt8]] {
        var user = user
        user.roles = ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID",
                      "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"]
        let ids = SequentialIDGenerator(seed: seed)
        return try (0..<count).map { _ in try signer.signedBytes(user.response(clock: clock, ids: ids)) }
    }

    private func verifier(_ cache: any ReplayCache) -> Verifier {
        Verifier(trusting: [certificate], serviceProvider: ServiceProvider(
            audiences: ["https://signin.aws.amazon.com/saml"], acsURLs: ["https://signin.aws.amazon.com/saml"],
            idpEntityID: user.issuer), replayCache: cache, clock: judged)
    }

    /// Verifies every response once, `concurrency` at a time; verifies/s. Each must be accepted.
    private func rate(_ label: String, _ verifier: Verifier, _ pool: [[UInt8]], concurrency: Int) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for index in stride(from: lane, to: pool.count, by: concurrency) { _ = try await verifier.verify(pool[index]) }
                }
            }
            try await group.waitForAll()
        }
        let d = ContinuousClock.now - start
        let perSecond = Double(pool.count) / (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        print(label.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.0f /s", perSecond))
        return perSecond
    }

    func measure(url: String) async throws -> [String: Double] {
        print("replay-checked verify of response (a): \(pool) distinct pre-signed responses per figure")
        let warmUp = try responses(200, seed: 100)
        let memoryPool = try responses(pool, seed: 101), postgresPool = try responses(pool, seed: 102)
        let concurrentPool = try responses(pool, seed: 103)
        var json: [String: Double] = ["replay_pool": Double(pool)]
        _ = try await rate("(warm-up, in-memory)", verifier(InMemoryReplayCache()), warmUp, concurrency: 1)
        json["verify_replay_memory_per_s"] = try await rate("verify + InMemoryReplayCache", verifier(InMemoryReplayCache()), memoryPool,
                                                            concurrency: 1).rounded()

        let client = PostgresClient(configuration: try PostgresReplayCache.configuration(url: url))
        let table = "saml_bench_replay_\(getpid())"
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let cache = try PostgresReplayCache(client: client, tableName: table)
            try await cache.createSchema()
            _ = try await rate("(warm-up, PostgreSQL)", verifier(cache), warmUp, concurrency: 1)
            json["verify_replay_postgres_per_s"] = try await rate("verify + PostgresReplayCache", verifier(cache), postgresPool,
                                                                  concurrency: 1).rounded()
            json["verify_replay_postgres_8_tasks_per_s"] = try await rate("verify + PostgresReplayCache, 8 at a time", verifier(cache),
                                                                          concurrentPool, concurrency: 8).rounded()
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(table)\""))
            if let memory = json["verify_replay_memory_per_s"], let postgres = json["verify_replay_postgres_per_s"], postgres > 0 {
                print(String(format: "PostgreSQL / in-memory: %.2fx", postgres / memory))
            }
            return json
        }
    }
}
