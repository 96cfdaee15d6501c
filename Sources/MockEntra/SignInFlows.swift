import Foundation

/// Sign-ins in progress (between the converged sign-in page, the code page, the "Stay signed in?" page and
/// issuance): bounded in number and in age. A flow's id is the page's flow token (`sFT`).
struct SignInFlows: Sendable {
    struct Pending: Sendable {
        var id: String
        /// nil: signing in to My Apps itself.
        var request: SignInRequest?
        var created: Date
        /// Set once the password was right (or an SSO session vouched for the user).
        var upn: String?
        var authnInstant: Date?
        /// The SSO session that vouched for the user, kept (and upgraded after MFA) rather than replaced.
        var session: String?
        var mfaAttempts = 0
        /// The user typed a password or passed MFA in this flow: Entra then asks "Stay signed in?" before issuing
        /// (an SSO session alone skips it).
        var credentialsEntered = false
        /// MFA passed in this flow (EndAuth or the code form), waiting for ProcessAuth or KMSI.
        var mfaDone = false
        /// The KmsiInterrupt page was shown; only then does `/kmsi` continue the flow.
        var awaitingKMSI = false
        /// "Stay signed in?" was answered: the flow goes on to issuance.
        var kmsiAnswered = false
        /// The SAS session BeginAuth opened; EndAuth must name it.
        var strongAuthSession: String?
        /// What the user did so far, for the sign-in log's `authenticationDetails`.
        var steps: [SignInLogEntry.AuthenticationDetail] = []
    }

    static let maxPending = 10_000
    static let lifetime: TimeInterval = 15 * 60

    private var pending: [String: Pending] = [:]

    /// A sign-in in progress, if it has not outlived ``lifetime`` (an expired one is dropped).
    mutating func live(_ id: String, now: Date) -> Pending? {
        guard let flow = pending[id] else { return nil }
        guard now.timeIntervalSince(flow.created) < Self.lifetime else {
            pending[id] = nil
            return nil
        }
        return flow
    }

    /// Keeps `flow` (replacing its earlier state); the oldest goes when the bound is reached.
    mutating func remember(_ flow: Pending, now: Date) {
        if pending.count >= Self.maxPending { expire(now) }
        if pending.count >= Self.maxPending, let oldest = pending.values.min(by: { $0.created < $1.created }) {
            pending[oldest.id] = nil
        }
        pending[flow.id] = flow
    }

    /// A sign-in already kept moved on (a wrong code counted).
    mutating func update(_ flow: Pending) { pending[flow.id] = flow }

    /// The sign-in ended (issued, failed or abandoned).
    mutating func end(_ id: String) { pending[id] = nil }

    /// Drops expired sign-ins once there are many.
    mutating func expire(_ now: Date) {
        if pending.count > Self.maxPending / 2 {
            pending = pending.filter { now.timeIntervalSince($0.value.created) < Self.lifetime }
        }
    }
}
