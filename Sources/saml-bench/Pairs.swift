// Paired ratios: ours against a yardstick as the ratios of adjacent windows, reported as their median and quartiles.
// This VM slows for seconds at a time: a best-of figure for each side can come from different moments, while two
// adjacent windows almost always share one, so the median of the pairs is the steadier estimate (README
// "Performance"). Used by `--paired N` and by the full run, for the floor, the threads, the Python peers and
// `openssl speed`.
import Foundation
import SAML

/// The median, quartiles and range of a set of paired ratios (ours / theirs, window by window), and the same median over
/// the steady pairs only: those in which neither window ran more than 10% below its side's best window and both
/// processes had the CPU for 95% of their windows. A slow
/// moment of this VM that falls on one window of a pair moves that pair's ratio (in a busy spell, a trial read
/// python3-saml's median at 2.6× where the steady pairs and the best windows read 3.0–3.1×); the filter treats both
/// sides alike, so a side that is slow by nature (Python's collector) loses its slow windows as ours does.
struct PairedSummary {
    /// A pair is steady when each window's rate is at least this share of its side's best window.
    static let steadyRateShare = 0.9
    let count: Int
    let median: Double, q1: Double, q3: Double, low: Double, high: Double
    let steadyCount: Int
    /// The median over the steady pairs; `nil` when fewer than half of the pairs (or 3) are steady.
    let steadyMedian: Double?

    /// A pair counts as steady only when both processes also had the CPU for this share of their window's time: load
    /// that lands on one side's window (a trial put a busy loop on the core during the peers' windows) is seen there.
    static let steadyCPUShare = 0.95

    /// - Parameters: ours, theirs: the two windows of each pair, in the same order.
    init(ours: [Window], theirs: [Window]) {
        let ratios = zip(ours, theirs).map { $0.rate / $1.rate }
        let bestOurs = ours.map(\.rate).max() ?? 0, bestTheirs = theirs.map(\.rate).max() ?? 0
        let steady = zip(ours, theirs).filter {
            $0.rate >= Self.steadyRateShare * bestOurs && $1.rate >= Self.steadyRateShare * bestTheirs
                && $0.share >= Self.steadyCPUShare && $1.share >= Self.steadyCPUShare
        }.map { $0.rate / $1.rate }
        (count, steadyCount) = (ratios.count, steady.count)
        (median, q1, q3) = (Self.quantile(ratios, 0.5), Self.quantile(ratios, 0.25), Self.quantile(ratios, 0.75))
        (low, high) = (ratios.min() ?? 0, ratios.max() ?? 0)
        steadyMedian = steady.count >= max(3, (ratios.count + 1) / 2) ? Self.quantile(steady, 0.5) : nil
    }

    /// Interpolated between neighbours, so that an even count's median is the mean of the middle two.
    private static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let position = Double(sorted.count - 1) * q
        let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// Prints `what`, the median of `ratio` over `count` pairs of `windows`, the quartiles and range; then (with
    /// `steady`) the steady pairs' median; then, with a `goal`, one verdict over both readings. Fewer than `enough`
    /// pairs are not a reading of a goal, and say so.
    func show(_ what: String, windows: String, enough: Int = 10, ratio: String = "ours/theirs", steady: Bool = true,
              goal: Double? = nil) {
        print(String(format: "%@: %@ median %.3fx of %d pair%@ of %@ (quartiles %.3f-%.3fx, range %.3f-%.3fx)",
                     what, ratio, median, count, count == 1 ? "" : "s", windows, q1, q3, low, high))
        if steady {
            let reading = steadyMedian.map { String(format: "median %.3fx", $0) } ?? "too few to read (fewer than half, or than 3)"
            print("    steady pairs (neither window 10% below its side's best, nor 5% short of the CPU): \(steadyCount) of \(count), \(reading)")
        }
        guard count >= enough else {
            print("    fewer than \(enough) pairs: not a reading of a goal")
            return
        }
        guard let goal else { return }
        // One verdict: met or not met only when every reading agrees; a run without steady pairs is no reading.
        let readings = steady ? [median, steadyMedian].compactMap { $0 } : [median]
        let verdict: String
        if steady && readings.count < 2 {
            verdict = "no reading (too few steady pairs: the run was disturbed)"
        } else if readings.allSatisfy({ $0 >= goal }) {
            verdict = "met" + (steady ? " (all pairs and steady pairs)" : "")
        } else if readings.allSatisfy({ $0 < goal }) {
            verdict = "NOT met" + (steady ? " (all pairs and steady pairs)" : "")
        } else {
            verdict = "undecided (the median of all pairs and of the steady pairs disagree)"
        }
        print(String(format: "    goal ≥ %.2fx: %@", goal, verdict))
    }

    /// Adds `key_median`, `key_q1`, `key_q3` and, with `steady`, `key_steady_pairs` and `key_steady_median` (when there
    /// is one) to `json`, to three decimals.
    func record(_ key: String, steady: Bool = true, into json: inout [String: Double]) {
        let round3 = { (value: Double) -> Double in (value * 1000).rounded() / 1000 }
        json[key + "_median"] = round3(median)
        json[key + "_q1"] = round3(q1)
        json[key + "_q3"] = round3(q3)
        guard steady else { return }
        json[key + "_steady_pairs"] = Double(steadyCount)
        if let steadyMedian { json[key + "_steady_median"] = round3(steadyMedian) }
    }
}

/// `peers.py --serve`: python3-saml and signxml in one Python process (the first `python3` on PATH) that measures one
/// window per request, so that each of their windows sits next to one of ours. Pinned with `taskset`, both processes
/// share the core and only one of them runs at a time: the other waits on its pipe.
final class PeerServer {
    private let process = Process()
    private let requests = Pipe()
    private let answers = Pipe()
    private let errors = Pipe()
    private var pending = [UInt8]()

    /// Starts the peers on `response` (written to a temporary file that is removed as soon as they have read it, so
    /// that an interrupted run leaves nothing behind) and waits for them to verify it once.
    init(script: URL, response: [UInt8], certificate: URL) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("saml-bench-response-\(getpid()).xml")
        do { try Data(response).write(to: file) } catch {
            throw SAMLError(.libraryUnavailable, "cannot write the response for the peers", expected: "a writable TMPDIR",
                            found: file.path)
        }
        temporaryFiles.withLock { $0.append(file) }
        defer {
            try? FileManager.default.removeItem(at: file)
            temporaryFiles.withLock { $0.removeAll { $0 == file } }
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--serve", file.path, certificate.path]
        process.standardInput = requests
        process.standardOutput = answers
        process.standardError = errors
        // A peer that dies would otherwise end this process with SIGPIPE at the next request, instead of an error.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        children.withLock { $0.append(process) }
        // The peers import their libraries and verify the response once before answering "ready": a peer that cannot
        // verify it fails here, and one that hangs is stopped.
        let ready = try line(within: 60)
        guard ready == "ready" else { throw failure("answered \"\(ready)\" instead of ready") }
    }

    /// The peers' windows so far: CPU time and wall time, for the share the run reports beside ours.
    private(set) var share = (cpu: 0.0, wall: 0.0)

    /// One window of `peer` (`python3_saml` or `signxml`) of `seconds`: its calls per second and CPU share.
    func window(_ peer: String, seconds: Double) throws -> Window {
        do { try requests.fileHandleForWriting.write(contentsOf: Data("\(peer) \(seconds)\n".utf8)) } catch { throw failure("stopped") }
        let answer = try line(within: seconds + 30)
        let fields = answer.split(separator: " ").compactMap { Double($0) }
        guard fields.count == 2, fields[0] > 0, fields[1] >= 0 else { throw failure("answered \"\(answer)\" for \(peer)") }
        share.cpu += fields[1] * seconds
        share.wall += seconds
        return Window(rate: fields[0], share: min(1, fields[1]))
    }

    /// Ends the Python process (it stops at the end of its input).
    func close() {
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
        children.withLock { $0.removeAll { $0 === process } }
    }

    /// The next line of the peers' answers, waiting at most `timeout` seconds for it.
    private func line(within timeout: Double) throws -> String {
        let deadline = ContinuousClock().now.advanced(by: .milliseconds(Int(timeout * 1000)))
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                let text = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                return text
            }
            let left = deadline - ContinuousClock().now
            var poller = pollfd(fd: answers.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard left > .zero, poll(&poller, 1, waitMs) > 0 else {
                process.terminate()
                throw failure("did not answer within \(Int(timeout)) s")
            }
            let data = answers.fileHandleForReading.availableData
            guard !data.isEmpty else { throw failure("stopped") }
            pending += data
        }
    }

    /// The error for a peer process that failed: how it ended and the last line it wrote to stderr (a traceback's last
    /// line names the missing module or the failed check).
    private func failure(_ what: String) -> SAMLError {
        // A peer that answered nonsense may still be waiting for the next request: stop it, or waiting would hang.
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stderr = String(decoding: drain(errors.fileHandleForReading), as: UTF8.self)
        let last = stderr.split(separator: "\n").last.map(String.init) ?? "nothing on stderr"
        // A signal came from outside (or from our timeout); an exit is the peers' own failure, usually a missing module.
        let ended = process.terminationReason == .uncaughtSignal
            ? "ended by signal \(process.terminationStatus)"
            : "exit \(process.terminationStatus); they need python3-saml, signxml and lxml for the first python3 on PATH, or run with --no-peers"
        return SAMLError(.libraryUnavailable, "the Python peers (peers.py) \(what), \(ended)", found: last)
    }
}

/// What `handle` has to read now or within a second: not to the end of the file, which a child the peer left behind
/// could hold open.
private func drain(_ handle: FileHandle) -> Data {
    var data = Data()
    var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
    while data.count < 1 << 16, poll(&poller, 1, 1000) > 0 {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        data += chunk
    }
    return data
}

/// Ours against a yardstick over `rounds` pairs of adjacent windows: the rates of both windows of each pair, and their
/// summary. With `alternate`, the order alternates, so that a drift within a round favours neither side.
func pairedRates(rounds: Int, alternate: Bool = true, ours: () throws -> Window, theirs: () throws -> Window) rethrows
    -> (ours: [Window], theirs: [Window], summary: PairedSummary) {
    var a: [Window] = [], b: [Window] = []
    for round in 0..<rounds {
        if !alternate || round.isMultiple(of: 2) {
            a.append(try ours()); b.append(try theirs())
        } else {
            b.append(try theirs()); a.append(try ours())
        }
    }
    return (a, b, PairedSummary(ours: a, theirs: b))
}

/// Signatures per second of `openssl speed -elapsed rsa2048` over one second. It signs for that second first, then verifies for
/// another: a window of ours run just before it is adjacent to its signing second (so the order is not alternated).
func opensslSignWindow() throws -> Window {
    // -elapsed: signatures per second of wall time, as ours are counted. Without it `openssl speed` divides by its CPU
    // time, which a process sharing the core does not reduce (a trial read 3,908/s by CPU time, 2,038/s by the clock).
    let speed = try run(["openssl", "speed", "-elapsed", "-seconds", "1", "rsa2048"])
    guard let line = speed.split(separator: "\n").last(where: { $0.hasPrefix("rsa 2048") }),
          case let fields = line.split(separator: " "), fields.count >= 2, let signs = Double(fields[fields.count - 2]) else {
        throw SAMLError(.libraryUnavailable, "openssl speed printed no rsa 2048 line")
    }
    return Window(rate: signs)
}
