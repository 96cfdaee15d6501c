// Paired ratios: ours against a yardstick as the ratios of adjacent windows, reported as their median and quartiles.
// This VM slows for seconds at a time: a best-of figure for each side can come from different moments, while two
// adjacent windows almost always share one, so the median of the pairs is the steadier estimate (README
// "Performance"). Used by `--paired N` and by the full run, for the floor, the threads, the Python peers and
// `openssl speed`.
import Foundation
import SAML

/// The median, quartiles and range of a set of paired ratios.
struct PairedSummary {
    let count: Int
    let median: Double, q1: Double, q3: Double, low: Double, high: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        // Interpolated between neighbours, so that an even count's median is the mean of the middle two.
        func at(_ q: Double) -> Double {
            let position = Double(sorted.count - 1) * q
            let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
        count = sorted.count
        (median, q1, q3) = (at(0.5), at(0.25), at(0.75))
        (low, high) = (sorted[0], sorted[sorted.count - 1])
    }

    /// Prints one line: `what`, the median of `count` pairs of `windows`, the quartiles and the range.
    func show(_ what: String, windows: String) {
        print(String(format: "%@: median %.3fx of %d pairs of %@ (quartiles %.3f-%.3fx, range %.3f-%.3fx)",
                     what, median, count, windows, q1, q3, low, high))
    }

    /// Adds `key_median`, `key_q1` and `key_q3` to `json`, to three decimals.
    func record(_ key: String, into json: inout [String: Double]) {
        let round3 = { (value: Double) -> Double in (value * 1000).rounded() / 1000 }
        json[key + "_median"] = round3(median)
        json[key + "_q1"] = round3(q1)
        json[key + "_q3"] = round3(q3)
    }
}

/// `peers.py --serve`: python3-saml and signxml in one Python process that measures one window per request, so that
/// each of their windows sits next to one of ours. Pinned with `taskset`, both processes share the core and only one
/// of them runs at a time: the other waits on its pipe.
final class PeerServer {
    private let process = Process()
    private let requests = Pipe()
    private let answers = Pipe()
    private let errors = Pipe()
    private var pending = [UInt8]()

    init(script: URL, response: URL, certificate: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--serve", response.path, certificate.path]
        process.standardInput = requests
        process.standardOutput = answers
        process.standardError = errors
        // A peer that dies would otherwise end this process with SIGPIPE at the next request, instead of an error.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        // The peers verify the response once before answering "ready": a peer that cannot verify it fails here.
        guard try line() == "ready" else { throw SAMLError(.libraryUnavailable, "peers.py did not start") }
    }

    /// The calls per second of `peer` (`python3_saml` or `signxml`) over one window of `seconds`.
    func window(_ peer: String, seconds: Double) throws -> Double {
        do { try requests.fileHandleForWriting.write(contentsOf: Data("\(peer) \(seconds)\n".utf8)) } catch { throw stopped() }
        let answer = try line()
        guard let rate = Double(answer), rate > 0 else {
            throw SAMLError(.libraryUnavailable, "peers.py answered \"\(answer)\" for \(peer)")
        }
        return rate
    }

    /// Ends the Python process (it stops at the end of its input).
    func close() {
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func line() throws -> String {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                let text = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                return text
            }
            let data = answers.fileHandleForReading.availableData
            guard !data.isEmpty else { throw stopped() }
            pending += data
        }
    }

    /// The error for a Python process that has ended: the last line it wrote to stderr (a traceback's last line names
    /// the missing module or the failed check).
    private func stopped() -> SAMLError {
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let last = stderr.split(separator: "\n").last.map(String.init) ?? "no message"
        return SAMLError(.libraryUnavailable, "peers.py stopped (exit \(process.terminationStatus)); python3-saml, signxml and lxml are needed, or --no-peers",
                         found: last)
    }
}

/// Ours against a yardstick over `rounds` pairs of adjacent windows: the ratios ours / theirs, and the best window of
/// each side. With `alternate`, the order alternates, so that a drift within a round favours neither side.
func pairedRatios(rounds: Int, alternate: Bool = true, ours: () throws -> Double, theirs: () throws -> Double) rethrows
    -> (ratios: [Double], bestOurs: Double, bestTheirs: Double) {
    var ratios: [Double] = [], bestOurs = 0.0, bestTheirs = 0.0
    for round in 0..<rounds {
        var a = 0.0, b = 0.0
        if !alternate || round.isMultiple(of: 2) { a = try ours(); b = try theirs() } else { b = try theirs(); a = try ours() }
        ratios.append(a / b)
        bestOurs = max(bestOurs, a)
        bestTheirs = max(bestTheirs, b)
    }
    return (ratios, bestOurs, bestTheirs)
}

/// Signatures per second of `openssl speed rsa2048` over one second. It signs for that second first, then verifies for
/// another: a window of ours run just before it is adjacent to its signing second (so the order is not alternated).
func opensslSignWindow() throws -> Double {
    let speed = try run(["openssl", "speed", "-seconds", "1", "rsa2048"])
    guard let line = speed.split(separator: "\n").last(where: { $0.hasPrefix("rsa 2048") }),
          case let fields = line.split(separator: " "), fields.count >= 2, let signs = Double(fields[fields.count - 2]) else {
        throw SAMLError(.libraryUnavailable, "openssl speed printed no rsa 2048 line")
    }
    return signs
}
