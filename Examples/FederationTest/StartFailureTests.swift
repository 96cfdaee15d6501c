import Foundation
import LocalFederation
import Testing

@Suite("LocalFederation: a server that cannot listen fails the run promptly (within 10 s, on a busy 2-core machine too)")
struct StartFailureTests {
    /// Runs `configuration` expecting a ``LocalFederation/StartFailure``; returns it and how long it took. The run
    /// gets a thread of its own (its tasks and the state actors run there), so that what is measured is the run and
    /// not the wait for Swift concurrency's two shared threads, which the other suites keep busy with signing.
    static func failure(_ configuration: LocalFederation.Configuration) async throws -> (LocalFederation.StartFailure, Duration) {
        try await withTaskExecutorPreference(OwnThread()) {
            let clock = ContinuousClock()
            let start = clock.now
            do {
                _ = try await LocalFederation.run(configuration) { _ in
                    Issue.record("the body ran although a server could not listen")
                }
            } catch let error as LocalFederation.StartFailure {
                return (error, clock.now - start)
            }
            throw StartFailureExpected()
        }
    }

    /// A task executor on one serial queue of its own.
    final class OwnThread: TaskExecutor, @unchecked Sendable {
        let queue = DispatchQueue(label: "start-failure-tests")

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    struct StartFailureExpected: Error {}

    /// Signing keys made by the running federation and loaded by the failing one, so that the time measured is the
    /// start and its failure, not RSA key generation on a busy machine.
    static func keys() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("start-failure-keys-\(UUID().uuidString)")
    }

    @Test("a port in use: mock-entra's bind fails, the run throws within seconds naming the server, the address and the reason")
    func portInUse() async throws {
        let keys = Self.keys()
        try await LocalFederation.run(LocalFederation.Configuration(keysDirectory: keys)) { running in
            let port = try #require(URLComponents(string: running.entraURL)?.port)
            let (error, elapsed) = try await Self.failure(LocalFederation.Configuration(entraPort: port, keysDirectory: keys))
            #expect(elapsed < .seconds(10), "took \(elapsed)")
            #expect(error.server == "mock-entra" && error.address == "127.0.0.1:\(port)", "\(error)")
            #expect(error.description.lowercased().contains("address already in use"), "\(error)")
            // The servers that were running are not disturbed.
            #expect(try await running.consoleSignIn("test-awsadmin@contoso.com") == "Administrator/test-awsadmin@contoso.com @ 123456789012")
        }
    }

    @Test("mock-aws's port in use is named as mock-aws's")
    func awsPortInUse() async throws {
        let keys = Self.keys()
        try await LocalFederation.run(LocalFederation.Configuration(keysDirectory: keys)) { running in
            let port = try #require(URLComponents(string: running.awsURL)?.port)
            let (error, elapsed) = try await Self.failure(LocalFederation.Configuration(awsPort: port, keysDirectory: keys))
            #expect(elapsed < .seconds(10), "took \(elapsed)")
            #expect(error.server == "mock-aws" && error.address == "127.0.0.1:\(port)", "\(error)")
        }
    }

    @Test("an address that is not this machine's: the run throws within seconds with the system's reason")
    func foreignAddress() async throws {
        let keys = Self.keys()
        _ = try await LocalFederation.run(LocalFederation.Configuration(keysDirectory: keys)) { _ in }
        // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never a local address.
        let (error, elapsed) = try await Self.failure(LocalFederation.Configuration(host: "203.0.113.7", keysDirectory: keys))
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        #expect(error.address.hasPrefix("203.0.113.7:"), "\(error)")
        #expect(error.description.lowercased().contains("cannot assign requested address"), "\(error)")
    }
}
