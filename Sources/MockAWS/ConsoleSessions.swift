import AWSFederation
import Foundation
import SAML

/// The console sessions the sign-in endpoint opened: each is the browser's `aws-creds` cookie (an opaque random
/// token), the STS session behind it (its credentials are what the console acts with, as AWS's sign-in assumes the
/// role for the console), and a token the Sign out form must carry (a forged cross-site post has no way to read it).
/// Bounded: the oldest session goes first once `capacity` are open; an expired one is forgotten when next presented.
actor ConsoleSessions {
    /// One open console session.
    struct Entry: Sendable {
        /// The cookie's value: 32 random bytes, hex.
        let token: String
        /// What the Sign out form posts back (`csrf`): 32 random bytes, hex.
        let signOutToken: String
        /// The access key ID of the STS session the console acts with.
        let accessKeyID: String
        let account: String
        let roleName: String
        let roleARN: String
        let roleSessionName: String
        let assumedRoleARN: String
        let issued: Date
        let expiration: Date

        /// `ROLE/SESSION @ ACCOUNT`, the console's account menu for a federated session.
        var display: String { "\(roleName)/\(roleSessionName) @ \(account)" }
    }

    /// The console's session cookie (`aws-creds` on `console.aws.amazon.com`).
    static let cookieName = "aws-creds"

    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Opens a session for `result`, acting with the STS session `session`.
    func open(_ result: AssumeRoleWithSAMLResult, session: AWSState.Session, now: Date) -> Entry {
        let entry = Entry(token: Self.randomToken(), signOutToken: Self.randomToken(), accessKeyID: session.credentials.accessKeyID,
                          account: result.session.account, roleName: result.session.roleName,
                          roleARN: result.session.role.roleARN.description, roleSessionName: result.session.roleSessionName,
                          assumedRoleARN: result.session.assumedRoleARN, issued: now, expiration: result.expiration)
        entries[entry.token] = entry
        order.append(entry.token)
        while entries.count > capacity, !order.isEmpty { entries[order.removeFirst()] = nil }
        if order.count > capacity * 2 { order.removeAll { entries[$0] == nil } }
        return entry
    }

    /// The open, unexpired session whose cookie is `token`; an expired one is forgotten.
    func find(_ token: String?, now: Date) -> Entry? {
        guard let token, let entry = entries[token] else { return nil }
        guard entry.expiration > now else {
            entries[token] = nil
            return nil
        }
        return entry
    }

    /// Ends the session of `token` (Sign out).
    func close(_ token: String) { entries[token] = nil }

    /// How many sessions are open (for tests).
    var count: Int { entries.count }

    static func randomToken() -> String { SAMLDigest.hex(SAMLRandom.bytes(32)) }
}
