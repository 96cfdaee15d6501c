import Foundation

/// The verification-code rules that span sign-ins: a code is accepted once (RFC 6238 §5.2), and ``maxFailures``
/// wrong codes in a row lock the user out for ``lockout`` (AADSTS50053). Keyed by lower-cased UPN.
struct MFALockout: Sendable {
    /// Wrong codes in a row, over any number of sign-ins, before the user is locked out for ``lockout``: five tries
    /// per sign-in alone would let someone with the password try all 10^6 codes by starting new sign-ins.
    static let maxFailures = 10
    static let lockout: TimeInterval = 60
    /// Wrong codes within one sign-in before it ends (AADSTS50074).
    static let maxAttemptsPerSignIn = 5

    private var lastStep: [String: Int64] = [:]
    /// Consecutive wrong codes per user, across sign-ins, and when the last one came.
    private var failures: [String: (count: Int, last: Date)] = [:]

    /// Whether `upn` is locked out at `now`.
    func isLocked(_ upn: String, now: Date) -> Bool {
        guard let failure = failures[upn.lowercased()] else { return false }
        return failure.count >= Self.maxFailures && now.timeIntervalSince(failure.last) < Self.lockout
    }

    /// Whether `step` (the TOTP step the code matched) is newer than the last one accepted for `upn`.
    func isFresh(_ step: Int64, for upn: String) -> Bool { step > (lastStep[upn.lowercased()] ?? .min) }

    /// A wrong (or reused) code: one more failure in a row, unless the last one is older than ``lockout``.
    mutating func recordFailure(_ upn: String, now: Date) {
        let key = upn.lowercased()
        let previous = failures[key].map { now.timeIntervalSince($0.last) < Self.lockout ? $0.count : 0 } ?? 0
        failures[key] = (previous + 1, now)
    }

    /// A right code: it cannot be used again, and the failures are forgotten.
    mutating func accept(_ step: Int64, for upn: String) {
        let key = upn.lowercased()
        lastStep[key] = step
        failures[key] = nil
    }
}
