// saml-bench's timing: the windows every figure is measured in (one thread and N), the best-of rounds of the full run,
// the child processes it runs (`openssl speed`) and what it prints for scripts.
import Foundation
import Synchronization
import SAML

/// How many CPUs this process may run on (Linux: `Cpus_allowed_list` in /proc/self/status), or `nil` elsewhere.
func allowedCPUs() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
    var count = 0
    for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
        let bounds = range.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let first = bounds.first else { return nil }
        count += (bounds.last ?? first) - first + 1
    }
    return count
}

/// The CPU time this process was given during its own one-thread windows, against their wall time: below about 0.9,
/// another process shared the core, which pairing cannot undo when it lasts the whole run (a trial with a busy loop
/// on the pinned core read our verify at half its rate). The host's own contention does not show here: this VM's
/// steal time does not move.
let windowShare = Mutex((cpu: 0.0, wall: 0.0))

/// The CPU share of our windows so far (1 when no window was measured).
func cpuShareOfWindows() -> Double {
    windowShare.withLock { $0.wall > 0 ? $0.cpu / $0.wall : 1 }
}

private func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// One measured window: calls per second, and the share of its wall time the measuring process had the CPU (1 when
/// it cannot be known, as for `openssl speed` and the threads).
struct Window {
    var rate: Double
    var share: Double = 1
}

/// One window of `seconds` of `body` (the library's one timing loop), with the CPU time it was given, also added to
/// `windowShare`.
func measureWindow(_ seconds: Double, _ body: () throws -> Void) throws -> Window {
    let cpu = processCPUSeconds()
    let clock = ContinuousClock(), start = clock.now
    let rate = try NativeBaseline.callsPerSecond(seconds, body)
    let d = clock.now - start
    let wall = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    let used = processCPUSeconds() - cpu
    windowShare.withLock { $0.cpu += used; $0.wall += max(wall, used) }
    return Window(rate: rate, share: min(1, used / max(wall, 1e-9)))
}

/// Calls per second of `body` over one window of `window` seconds (see `measureWindow`).
func measure(_ window: Double, _ body: () throws -> Void) throws -> Double {
    try measureWindow(window, body).rate
}

/// Temporary files to remove if the run is interrupted (the response handed to the peers).
let temporaryFiles = Mutex([URL]())

/// The child processes running now (the Python peers, `openssl speed`), so that an interrupted run stops them.
let children = Mutex([Process]())

/// Stops the children and exits with 128 + the signal on SIGINT and SIGTERM. Through `exit`, so that what was printed
/// before the interruption is flushed rather than lost with stdout's buffer (the default action loses it).
func handleInterruptions() {
    for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            for child in children.withLock({ $0 }) where child.isRunning { child.terminate() }
            for file in temporaryFiles.withLock({ $0 }) { try? FileManager.default.removeItem(at: file) }
            FileHandle.standardError.write(Data("saml-bench: interrupted\n".utf8))
            exit(128 + number)
        }
        source.resume()
        interruptSources.append(source)
    }
}

/// The signal sources, kept alive for the life of the process (set once, at start, on the main thread).
nonisolated(unsafe) private var interruptSources: [any DispatchSourceSignal] = []

/// Prints `value` as one line of JSON with sorted keys: the last line of every mode, for scripts.
func printJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Operations per second of `body`: the best of 5 rounds of `seconds / 5` each. Best-of filters the transient
/// slowdowns of a shared virtual machine (two runs of the same binary differed by 40% here); every figure in one
/// run is measured the same way, so the ratios compare like with like.
func rate(_ label: String, seconds: Double, _ body: () throws -> Void) throws -> Double {
    try body()
    var best = 0.0
    for _ in 0..<5 { best = max(best, try measure(seconds / 5, body)) }
    print(label.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.0f /s", best))
    return best
}

/// Per-thread counters, each on its own cache line so that counting does not make the threads share one.
final class Counters: @unchecked Sendable {
    static let stride = 8  // 8 × 8 bytes = one 64-byte cache line per thread
    let slots: UnsafeMutablePointer<Int>
    let count: Int
    init(_ count: Int) {
        self.count = count
        slots = .allocate(capacity: count * Self.stride)
        slots.initialize(repeating: 0, count: count * Self.stride)
    }
    deinit { slots.deallocate() }
    func add(_ thread: Int, _ n: Int) { slots[thread * Self.stride] += n }
    var total: Int { (0..<count).reduce(0) { $0 + slots[$1 * Self.stride] } }
}

/// The sum of the rates `body` returns when run on `threads` threads at once, best of 3 (for the floor, whose loop is
/// its own).
func concurrentRates(_ label: String, threads: Int, _ body: @escaping @Sendable () throws -> Double) throws -> Double {
    var best = 0.0
    for _ in 0..<3 {
        let rates = Mutex([Double]())
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            let thread = Thread {
                let value = (try? body()) ?? 0
                rates.withLock { $0.append(value) }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        done.wait()
        best = max(best, rates.withLock { $0.reduce(0, +) })
    }
    print(label.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.0f /s", best))
    return best
}

/// Operations per second of `body` run on `threads` threads at once (each its own loop, all sharing whatever `body`
/// captures): the best of 5 rounds of `seconds / 5`, the total over all threads divided by the round's wall time.
func threadedRate(_ label: String, threads: Int, seconds: Double, _ body: @escaping @Sendable () throws -> Void) throws -> Double {
    try body()
    var best = 0.0
    for _ in 0..<5 { best = max(best, try threadedWindow(threads: threads, seconds: seconds / 5, body)) }
    print(label.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.0f /s", best))
    return best
}

/// Operations per second of `body` on `threads` threads at once over one window of `seconds` (for `--paired`).
func threadedWindow(threads: Int, seconds: Double, _ body: @escaping @Sendable () throws -> Void) throws -> Double {
    let counters = Counters(threads)
    let failed = Counters(1)
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
    let done = DispatchGroup()
    for index in 0..<threads {
        done.enter()
        let thread = Thread {
            var n = 0
            repeat {
                for _ in 0..<10 {
                    do { try body() } catch { failed.add(0, 1) }
                }
                n += 10
            } while ContinuousClock().now < deadline
            counters.add(index, n)
            done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    done.wait()
    let d = clock.now - start
    guard failed.total == 0 else { throw SAMLError(.libraryUnavailable, "\(failed.total) operations failed on \(threads) threads") }
    return Double(counters.total) / (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}

func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    children.withLock { $0.append(process) }
    defer { children.withLock { $0.removeAll { $0 === process } } }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw SAMLError(.libraryUnavailable, "\(arguments[0]) failed") }
    return String(decoding: data, as: UTF8.self)
}
