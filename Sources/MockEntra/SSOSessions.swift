import Foundation
import SAML

/// An SSO session: the `ESTSAUTH` cookie's value names it.
public struct SSOSession: Sendable {
    public var id: String
    public var upn: String
    public var authnInstant: Date
    public var mfa: Bool
    public var expires: Date
}

/// The live SSO sessions, bounded in number and in age.
struct SSOSessions: Sendable {
    static let maxSessions = 10_000
    /// How long an SSO session lasts without signing in again.
    static let lifetime: TimeInterval = 12 * 3600

    private var sessions: [String: SSOSession] = [:]

    var count: Int { sessions.count }

    /// The session `id`, if it has not expired at `now`.
    func live(_ id: String, now: Date) -> SSOSession? {
        guard let session = sessions[id], session.expires > now else { return nil }
        return session
    }

    /// Ends a session (SAML logout).
    mutating func end(_ id: String) -> SSOSession? { sessions.removeValue(forKey: id) }

    /// The session after a sign-in step: the one that vouched for the user (MFA added when just done), or a new one.
    mutating func open(upn: String, authnInstant: Date, mfa: Bool, reusing id: String?, now: Date, newID: () -> String) -> String {
        if let id, let session = sessions[id], session.upn == upn {
            // Same strength: same cookie. Stronger (MFA just done): a new cookie, so a planted one never gains MFA.
            if session.mfa || !mfa { return id }
            sessions[id] = nil
        }
        if sessions.count >= Self.maxSessions {
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= Self.maxSessions, let oldest = sessions.values.min(by: { $0.expires < $1.expires }) {
                sessions[oldest.id] = nil
            }
        }
        let id = newID()
        sessions[id] = SSOSession(id: id, upn: upn, authnInstant: authnInstant, mfa: mfa, expires: now.addingTimeInterval(Self.lifetime))
        return id
    }
}
