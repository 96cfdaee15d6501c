import AWSFederation
import Foundation
import TOTP
import SAML

/// What the browser sees next in a sign-in.
public enum SignInStep: Sendable {
    /// The username and password page (again, with the error, after a failed attempt).
    case login(flow: String, username: String?, error: EntraError?)
    /// The verification-code page.
    case mfa(flow: String, user: Tenant.User, error: EntraError?)
    /// Everything passed: sign this and post it. `session` is the SSO session cookie to set.
    case issue(Issuance, flow: String, session: String)
    /// Signed in to My Apps itself.
    case myApps(user: Tenant.User, applications: [Tenant.Application], session: String)
    /// An Entra error page.
    case failed(EntraError)
}

/// The application settings `PATCH /admin/applications/APP` may change; absent fields stay as they are.
public struct ApplicationPatch: Codable, Sendable {
    public var replyURL: String?
    public var additionalReplyURLs: [String]?
    public var signingMode: SigningMode?
    public var signatureAlgorithm: SignatureAlgorithm?
    public var nameIDFormat: String?
    public var sessionDuration: Int?
    /// An empty string removes it.
    public var relayState: String?
    /// An empty string removes it.
    public var logoutURL: String?
    public var requireSignedRequests: Bool?

    public init() {}
}

/// A refusal of the admin API (not a sign-in error, so no AADSTS code).
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public init(_ status: Int, _ message: String) { (self.status, self.message) = (status, message) }
    public var description: String { message }
}

/// mock-entra's mutable state: the tenant (Conditional Access and app roles change through the admin API), the
/// signing keys, PIM activations, sign-ins in progress, SSO sessions, and the sign-in log. Everything in memory and
/// bounded; the keys and, when asked, the log also go to disk. Signing happens outside the actor, so it never
/// serialises issuance.
public actor EntraState {
    public private(set) var tenant: Tenant
    public private(set) var keys: KeyRing
    public private(set) var activations: [Tenant.Activation] = []
    public nonisolated let clock: any SAMLClock
    private let keyDirectory: KeyRingDirectory?
    private let logFile: FileHandle?

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
    }

    public struct Session: Sendable {
        public var id: String
        public var upn: String
        public var authnInstant: Date
        public var mfa: Bool
        public var expires: Date
    }

    private var pending: [String: Pending] = [:]
    private var sessions: [String: Session] = [:]
    private var logs: [SignInLogEntry] = []
    private var lastTOTPStep: [String: Int64] = [:]
    /// Consecutive wrong codes per user, across sign-ins, and when the last one came (the lockout below).
    private var codeFailures: [String: (count: Int, last: Date)] = [:]

    public static let maxPending = 10_000
    public static let maxSessions = 10_000
    public static let maxLogs = 10_000
    public static let pendingLifetime: TimeInterval = 15 * 60
    /// How long an SSO session lasts without signing in again.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    static let maxCodeAttempts = 5
    /// Wrong codes in a row, over any number of sign-ins, before the user is locked out for ``codeLockout``: five
    /// tries per sign-in alone would let someone with the password try all 10^6 codes by starting new sign-ins.
    public static let maxCodeFailures = 10
    public static let codeLockout: TimeInterval = 60

    public init(tenant: Tenant, keys: KeyRing, keyDirectory: KeyRingDirectory? = nil, clock: any SAMLClock = SystemClock(),
                signInLog: URL? = nil) throws {
        self.tenant = tenant
        self.keys = keys
        self.keyDirectory = keyDirectory
        self.clock = clock
        if let signInLog {
            if !FileManager.default.fileExists(atPath: signInLog.path) {
                FileManager.default.createFile(atPath: signInLog.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: signInLog)
            try handle.seekToEnd()
            logFile = handle
        } else {
            logFile = nil
        }
    }

    // MARK: - Sign-in

    /// Starts a sign-in to `request`'s app (nil: My Apps). A live SSO session skips the password page.
    public func begin(_ request: SignInRequest?, session: String?, ip: String) -> SignInStep {
        let now = clock.now
        expire(now)
        var flow = Pending(id: Self.newID(), request: request, created: now)
        if let id = session, let live = sessions[id], live.expires > now, request?.forceAuthn != true,
           let user = tenant.user(live.upn) {
            flow.upn = live.upn
            flow.authnInstant = live.authnInstant
            flow.session = id
            return authenticated(flow, user: user, mfa: live.mfa, ip: ip)
        }
        remember(flow)
        return .login(flow: flow.id, username: request?.loginHint, error: nil)
    }

    /// The password page was submitted.
    public func password(flow id: String, username: String, password: String, ip: String) -> SignInStep {
        guard var flow = live(id) else { return .failed(.flowExpired) }
        guard let user = tenant.user(username.trimmingCharacters(in: .whitespaces)) else {
            let error = EntraError.unknownUser(username, tenant: tenant)
            log(flow, user: nil, result: "failure", error: error, ip: ip)
            return .login(flow: id, username: username, error: error)
        }
        guard Self.constantTimeEqual(user.password, password) else {
            log(flow, user: user, result: "failure", error: .invalidCredentials, ip: ip)
            return .login(flow: id, username: username, error: .invalidCredentials)
        }
        flow.upn = user.userPrincipalName
        flow.authnInstant = clock.now
        return authenticated(flow, user: user, mfa: false, ip: ip)
    }

    /// The verification-code page was submitted. A code is accepted once (RFC 6238 §5.2).
    public func verifyCode(flow id: String, code: String, ip: String) -> SignInStep {
        guard var flow = live(id), let upn = flow.upn, let user = tenant.user(upn) else { return .failed(.flowExpired) }
        let now = clock.now
        let key = upn.lowercased()
        if let failures = codeFailures[key], failures.count >= Self.maxCodeFailures, now.timeIntervalSince(failures.last) < Self.codeLockout {
            pending[id] = nil
            log(flow, user: user, result: "failure", error: .accountLocked, ip: ip, access: .failed)
            return .failed(.accountLocked)
        }
        let step = user.totpSecret.flatMap { TOTP(base32: $0) }?.matchingStep(code.filter { !$0.isWhitespace }, at: now)
        guard let step, step > (lastTOTPStep[key] ?? .min) else {
            let previous = codeFailures[key].map { now.timeIntervalSince($0.last) < Self.codeLockout ? $0.count : 0 } ?? 0
            codeFailures[key] = (previous + 1, now)
            flow.mfaAttempts += 1
            log(flow, user: user, result: "failure", error: .mfaFailed, ip: ip, access: .failed)
            if flow.mfaAttempts >= Self.maxCodeAttempts {
                pending[id] = nil
                log(flow, user: user, result: "failure", error: .mfaNotPassed, ip: ip, access: .failed)
                return .failed(.mfaNotPassed)
            }
            pending[id] = flow
            return .mfa(flow: id, user: user, error: .mfaFailed)
        }
        lastTOTPStep[key] = step
        codeFailures[key] = nil
        return authenticated(flow, user: user, mfa: true, ip: ip)
    }

    /// The user gave up on the code page ("I can't use my authenticator app right now").
    public func cancelMFA(flow id: String, ip: String) -> SignInStep {
        guard let flow = live(id), let upn = flow.upn, let user = tenant.user(upn),
              let application = flow.request.flatMap({ tenant.application($0.appID) }) else { return .failed(.flowExpired) }
        pending[id] = nil
        let error = EntraError.mfaRequired(application: application)
        log(flow, user: user, result: "failure", error: error, ip: ip, access: .failed)
        return .failed(error)
    }

    /// After the user is known: assignment (AADSTS50105), then Conditional Access (53003 block; MFA, or 50079 when
    /// the user has no authenticator), then issuance (aws-entra.md §8: all before any token is issued).
    private func authenticated(_ flow: Pending, user: Tenant.User, mfa: Bool, ip: String) -> SignInStep {
        let now = clock.now
        let authnInstant = flow.authnInstant ?? now
        guard let request = flow.request else {
            pending[flow.id] = nil
            log(flow, user: user, result: "success", error: nil, ip: ip, mfa: mfa)
            let session = openSession(user: user, authnInstant: authnInstant, mfa: mfa, reusing: flow.session)
            return .myApps(user: user, applications: tenant.applications(assignedTo: user.userPrincipalName, activations: activations, at: now),
                           session: session)
        }
        guard let application = tenant.application(request.appID) else {
            pending[flow.id] = nil
            return .failed(.applicationNotFound(request.appID, tenant: tenant))
        }
        guard tenant.isAssigned(user.userPrincipalName, to: application, activations: activations, at: now) else {
            let error = EntraError.notAssigned(user: user.userPrincipalName, application: application)
            log(flow, user: user, result: "failure", error: error, ip: ip)
            pending[flow.id] = nil
            return .failed(error)
        }
        switch tenant.conditionalAccess(for: user.userPrincipalName, application: application, activations: activations, at: now) {
        case .block:
            log(flow, user: user, result: "failure", error: .blockedByConditionalAccess, ip: ip, access: .failed)
            pending[flow.id] = nil
            return .failed(.blockedByConditionalAccess)
        case .requireMFA where !mfa:
            guard user.totpSecret != nil else {
                let error = EntraError.mfaEnrollmentRequired(application: application)
                log(flow, user: user, result: "failure", error: error, ip: ip, access: .failed)
                pending[flow.id] = nil
                return .failed(error)
            }
            log(flow, user: user, result: "interrupted", error: .mfaRequired(application: application), ip: ip, access: .pending)
            remember(flow)
            return .mfa(flow: flow.id, user: user, error: nil)
        default:
            pending[flow.id] = nil
            let session = openSession(user: user, authnInstant: authnInstant, mfa: mfa, reusing: flow.session)
            return .issue(Issuance(tenant: tenant, application: application, user: user, request: request, mfa: mfa,
                                   authnInstant: authnInstant, activations: activations), flow: flow.id, session: session)
        }
    }

    /// Non-interactive issuance for the test hooks: the same assignment and Conditional Access rules, with `mfa`
    /// standing for a completed MFA (AADSTS50076 when a policy needs it and it is false).
    public func hookIssuance(user upn: String, appID: String, relayState: String?, mfa: Bool, fault: ResponseFault?,
                             ip: String) throws(EntraError) -> (Issuance, flow: String) {
        let now = clock.now
        guard let user = tenant.user(upn) else { throw .unknownUser(upn, tenant: tenant) }
        guard let application = tenant.application(appID) else { throw .applicationNotFound(appID, tenant: tenant) }
        let flow = Pending(id: Self.newID(), request: .idpInitiated(application, relayState: relayState), created: now, upn: upn,
                           authnInstant: now)
        guard tenant.isAssigned(user.userPrincipalName, to: application, activations: activations, at: now) else {
            let error = EntraError.notAssigned(user: user.userPrincipalName, application: application)
            log(flow, user: user, result: "failure", error: error, ip: ip, interactive: false)
            throw error
        }
        switch tenant.conditionalAccess(for: user.userPrincipalName, application: application, activations: activations, at: now) {
        case .block:
            log(flow, user: user, result: "failure", error: .blockedByConditionalAccess, ip: ip, interactive: false, access: .failed)
            throw .blockedByConditionalAccess
        case .requireMFA where !mfa:
            let error = EntraError.mfaRequired(application: application)
            log(flow, user: user, result: "failure", error: error, ip: ip, interactive: false, access: .failed)
            throw error
        default:
            return (Issuance(tenant: tenant, application: application, user: user, request: .idpInitiated(application, relayState: relayState),
                             mfa: mfa, authnInstant: now, activations: activations, fault: fault), flow.id)
        }
    }

    /// Records a successful issuance (after signing, outside the actor).
    public func issued(_ issuance: Issuance, _ response: IssuedResponse, flow: String, ip: String, interactive: Bool = true) {
        let pending = Pending(id: flow, request: issuance.request, created: clock.now, upn: issuance.user.userPrincipalName)
        log(pending, user: issuance.user, result: "success", error: nil, ip: ip, interactive: interactive, mfa: issuance.mfa,
            access: .satisfied, roles: response.roles, sessions: response.awsSessions)
    }

    /// Live SSO sessions (for tests and the bounds).
    var sessionCount: Int { sessions.count }

    public func session(_ id: String) -> Session? {
        guard let session = sessions[id], session.expires > clock.now else { return nil }
        return session
    }

    /// Ends an SSO session (SAML logout): the next sign-in asks for the password again.
    public func endSession(_ id: String) -> Session? { sessions.removeValue(forKey: id) }

    /// The user of a live session and their My Apps tiles.
    public func myApps(session id: String?) -> (user: Tenant.User, applications: [Tenant.Application])? {
        guard let id, let session = session(id), let user = tenant.user(session.upn) else { return nil }
        return (user, tenant.applications(assignedTo: user.userPrincipalName, activations: activations, at: clock.now))
    }

    // MARK: - Sign-in log

    /// The newest `limit` entries, oldest first.
    public func signInLogs(limit: Int = maxLogs) -> [SignInLogEntry] { Array(logs.suffix(limit)) }

    /// How far Conditional Access got in an attempt: policies are evaluated only after the password is right.
    enum AccessStage { case notEvaluated, pending, satisfied, failed }

    private func log(_ flow: Pending, user: Tenant.User?, result: String, error: EntraError?, ip: String, interactive: Bool = true,
                     mfa: Bool = false, access: AccessStage = .notEvaluated, roles: [String] = [], sessions: [String] = []) {
        let now = clock.now
        let application = flow.request.flatMap { tenant.application($0.appID) }
        var policies: [SignInLogEntry.AppliedPolicy] = []
        if let application, let user {
            let groups = Set(tenant.effectiveGroups(of: user.userPrincipalName, activations: activations, at: now).map(\.displayName))
            policies = tenant.conditionalAccess.map { policy in
                let applies = policy.applications.contains(application.appID) && !groups.isDisjoint(with: policy.groups)
                let outcome: String
                switch access {
                case _ where !applies, .notEvaluated, .pending: outcome = "notApplied"
                case .satisfied: outcome = "success"
                case .failed: outcome = "failure"
                }
                return .init(displayName: policy.name, result: outcome, enforcedGrantControls: policy.grant == .block ? ["Block"] : ["Mfa"])
            }
        }
        let applied = policies.filter { $0.result != "notApplied" }
        let caStatus = applied.isEmpty ? "notApplied" : (applied.contains { $0.result == "failure" } ? "failure" : "success")
        let requiresMFA = mfa || access == .pending || policies.contains { $0.enforcedGrantControls == ["Mfa"] && $0.result != "notApplied" }
        let entry = SignInLogEntry(
            id: UUID().uuidString.lowercased(), createdDateTime: SAMLInstant.format(now), userPrincipalName: user?.userPrincipalName,
            userDisplayName: user?.displayName, userId: user?.objectID, appId: application?.appID,
            appDisplayName: application?.displayName ?? (flow.request == nil ? "My Apps" : nil), ipAddress: ip, correlationId: flow.id, result: result,
            status: .init(errorCode: error.map { Int($0.code.dropFirst(6)) ?? -1 } ?? 0, failureReason: error?.message),
            aadstsCode: error?.code, isInteractive: interactive,
            authenticationRequirement: requiresMFA ? "multiFactorAuthentication" : "singleFactorAuthentication",
            mfaDone: mfa, conditionalAccessStatus: caStatus, appliedConditionalAccessPolicies: policies,
            samlRequestId: flow.request?.requestID, roles: roles, awsSessions: sessions)
        logs.append(entry)
        if logs.count > 2 * Self.maxLogs { logs.removeFirst(logs.count - Self.maxLogs) }
        if let logFile, var line = try? JSONEncoder().encode(entry) {
            line.append(10)
            logFile.write(line)
        }
    }

    // MARK: - Administration

    /// Replaces the Conditional Access policies.
    public func setConditionalAccess(_ policies: [Tenant.ConditionalAccessPolicy]) throws(AdminError) {
        for policy in policies {
            for group in policy.groups where tenant.group(group) == nil { throw AdminError(400, "no group named '\(group)'") }
            for app in policy.applications where tenant.application(app) == nil { throw AdminError(400, "no application '\(app)'") }
        }
        tenant.conditionalAccess = policies
    }

    /// PIM: `upn` (re-entering their password) activates an eligible membership for `minutes`, with a justification.
    public func activate(upn: String, password: String, group name: String, justification: String,
                         minutes: Int) throws(AdminError) -> Tenant.Activation {
        guard let user = tenant.user(upn), Self.constantTimeEqual(user.password, password) else {
            throw AdminError(401, "\(EntraError.invalidCredentials)")
        }
        guard let group = tenant.group(name) else { throw AdminError(404, "no group named '\(name)'") }
        guard group.eligibleMembers.contains(where: { $0.lowercased() == upn.lowercased() }) else {
            throw AdminError(403, "\(user.userPrincipalName) is not eligible for '\(name)'")
        }
        guard !justification.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AdminError(400, "a justification is required")
        }
        guard (1...group.maxActivationMinutes).contains(minutes) else {
            throw AdminError(400, "the activation must last 1 to \(group.maxActivationMinutes) minutes; \(minutes) was asked")
        }
        let now = clock.now
        activations.removeAll { $0.expires <= now || ($0.user.lowercased() == upn.lowercased() && $0.group == name) }
        let activation = Tenant.Activation(user: user.userPrincipalName, group: name, justification: justification,
                                           expires: now.addingTimeInterval(TimeInterval(minutes * 60)))
        activations.append(activation)
        return activation
    }

    /// Publishes another certificate (generated unless given).
    public func addCertificate(_ credential: SigningCredential?) throws -> SigningCredential {
        let credential = try credential ?? SigningCredential.generate(clock: clock)
        var ring = keys
        try ring.add(credential)
        try commit(ring)
        return credential
    }

    public func activateCertificate(_ thumbprint: String) throws {
        var ring = keys
        try ring.activate(thumbprint)
        try commit(ring)
    }

    public func retireCertificate(_ thumbprint: String) throws {
        var ring = keys
        try ring.retire(thumbprint)
        try commit(ring)
    }

    private func commit(_ ring: KeyRing) throws {
        try keyDirectory?.save(ring)
        keys = ring
    }

    /// Role provisioning's result: the app's AWS roles become `pairs`, as `Role,Provider` app roles; roles without
    /// a value (msiam_access, User) stay, as do the IDs of roles that were already there.
    public func importRoles(_ pairs: [AWSRolePair], into appID: String) throws(AdminError) -> [Tenant.AppRole] {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else {
            throw AdminError(404, "\(EntraError.applicationNotFound(appID, tenant: tenant))")
        }
        let existing = tenant.applications[index].appRoles
        let imported = pairs.map { pair in
            let name = "\(pair.roleName),\(pair.providerName)"
            let id = existing.first { $0.value == pair.value || $0.displayName == name }?.id ?? Self.roleID(appID: appID, value: pair.value)
            return Tenant.AppRole(id: id, displayName: name, value: pair.value)
        }
        tenant.applications[index].appRoles = imported + existing.filter { $0.value.isEmpty }
        return imported
    }

    /// Changes an application's SAML settings (the portal's "Basic SAML configuration" and "SAML certificates").
    public func updateApplication(_ appID: String, _ patch: ApplicationPatch) throws(AdminError) -> Tenant.Application {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw AdminError(404, "no application '\(appID)'") }
        var app = tenant.applications[index]
        // Reply URLs are where browsers post assertions: only URLs every parser reads alike (BrowserURL), so the
        // exact comparison with an AuthnRequest's AssertionConsumerServiceURL means the same to a browser.
        for url in [patch.replyURL].compactMap({ $0 }) + (patch.additionalReplyURLs ?? []) {
            do {
                _ = try BrowserURL(url)
            } catch {
                throw AdminError(400, "Reply URLs must be absolute http(s) URLs in canonical form: \(error.message)")
            }
        }
        if let replyURL = patch.replyURL { app.replyURL = replyURL }
        if let urls = patch.additionalReplyURLs { app.additionalReplyURLs = urls }
        if let mode = patch.signingMode { app.signingMode = mode }
        if let algorithm = patch.signatureAlgorithm {
            guard algorithm == .rsaSHA256 || algorithm == .rsaSHA1 else {
                throw AdminError(400, "Entra signs with rsa-sha256 or rsa-sha1; got \(algorithm.rawValue)")
            }
            app.signatureAlgorithm = algorithm
        }
        if let format = patch.nameIDFormat { app.nameIDFormat = format }
        if let duration = patch.sessionDuration {
            guard (900...43200).contains(duration) else { throw AdminError(400, "sessionDuration must be 900 to 43200 seconds; got \(duration)") }
            app.sessionDuration = duration
        }
        if let relayState = patch.relayState { app.relayState = relayState.isEmpty ? nil : relayState }
        if let logoutURL = patch.logoutURL { app.logoutURL = logoutURL.isEmpty ? nil : logoutURL }
        if let required = patch.requireSignedRequests { app.requireSignedRequests = required }
        tenant.applications[index] = app
        return app
    }

    /// Assigns app roles to a group (the portal's "Users and groups" blade).
    public func assign(group name: String, roles displayNames: [String], appID: String) throws(AdminError) {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw AdminError(404, "no application '\(appID)'") }
        guard tenant.group(name) != nil else { throw AdminError(404, "no group named '\(name)'") }
        var ids: [String] = []
        for displayName in displayNames {
            guard let role = tenant.applications[index].appRoles.first(where: { $0.displayName == displayName }) else {
                throw AdminError(404, "the application has no role '\(displayName)'")
            }
            ids.append(role.id)
        }
        tenant.applications[index].assignments[name] = ids
    }

    // MARK: - Housekeeping

    /// A sign-in in progress, if it has not outlived ``pendingLifetime``.
    private func live(_ id: String) -> Pending? {
        guard let flow = pending[id] else { return nil }
        guard clock.now.timeIntervalSince(flow.created) < Self.pendingLifetime else {
            pending[id] = nil
            return nil
        }
        return flow
    }

    private func remember(_ flow: Pending) {
        if pending.count >= Self.maxPending { expire(clock.now) }
        if pending.count >= Self.maxPending, let oldest = pending.values.min(by: { $0.created < $1.created }) {
            pending[oldest.id] = nil
        }
        pending[flow.id] = flow
    }

    /// The SSO session after a sign-in step: the one that vouched for the user (MFA added when just done), or a new one.
    private func openSession(user: Tenant.User, authnInstant: Date, mfa: Bool, reusing id: String?) -> String {
        let now = clock.now
        if let id, let session = sessions[id], session.upn == user.userPrincipalName {
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
        let id = Self.newID()
        sessions[id] = Session(id: id, upn: user.userPrincipalName, authnInstant: authnInstant, mfa: mfa,
                               expires: now.addingTimeInterval(Self.sessionLifetime))
        return id
    }

    private func expire(_ now: Date) {
        if pending.count > Self.maxPending / 2 {
            pending = pending.filter { now.timeIntervalSince($0.value.created) < Self.pendingLifetime }
        }
    }

    static func newID() -> String { SAMLDigest.hex(SAMLRandom.bytes(16)) }

    static func roleID(appID: String, value: String) -> String {
        let h = SAMLDigest.hex(SAMLDigest.sha256(Array("\(appID)|\(value)".utf8)))
        let c = Array(h)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-8\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(SAMLDigest.sha256(Array(a.utf8))), y = Array(SAMLDigest.sha256(Array(b.utf8)))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
