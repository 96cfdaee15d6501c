import Foundation
import Synchronization

/// Where the library gets message IDs (`ID="_…"`). Entra uses `_` + a lowercase GUID; inject a
/// ``SequentialIDGenerator`` for deterministic output.
public protocol SAMLIDGenerator: Sendable {
    /// A new ID: an NCName, unique within the generator's life.
    func next() -> String
}

/// `_` + a random lowercase GUID, as Entra writes them (aws-entra.md §6).
public struct RandomIDGenerator: SAMLIDGenerator {
    /// Creates a generator.
    public init() {}
    /// A new ID: `_` and a random lowercase GUID.
    public func next() -> String { "_" + UUID().uuidString.lowercased() }
}

/// Deterministic GUID-shaped IDs derived from a seed and a counter, for golden files and test vectors.
public final class SequentialIDGenerator: SAMLIDGenerator {
    private let seed: UInt64
    private let counter = Mutex<UInt64>(0)

    /// Creates a generator; the same seed always yields the same sequence.
    /// - Parameter seed: Selects the sequence; use different seeds for generators whose IDs must not collide.
    public init(seed: UInt64 = 0) { self.seed = seed }

    /// The next ID of the sequence: `_` and a GUID-shaped value derived from the seed and a counter.
    public func next() -> String {
        let n = counter.withLock { value -> UInt64 in
            value += 1
            return value
        }
        // SplitMix64 spreads the counter over the GUID's bits so consecutive IDs do not look alike.
        var state = seed &+ n &* 0x9E37_79B9_7F4A_7C15
        func mix() -> UInt64 {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let a = mix(), b = mix()
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return "_" + String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a"
            + String(c[17..<20]) + "-" + String(c[20..<32])
    }
}
