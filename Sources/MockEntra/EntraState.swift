import AWSFederation
import Foundation
import TOTP
import SAML

/// What the browser sees next in a sign-in.
public enum SignInStep: Sendable {
    /// The converged sign-in page at its username step (again, with the error, for an unknown user).
    case login(flow: String, username: String?, error: EntraError?)
    /// The converged sign-in page at its password step, the username kept (again, with the error, after a wrong
    /// password).
    case password(flow: String, username: String, error: EntraError?)
    /// The ConvergedTFA page (the authenticator's code).
    case mfa(flow: String, user: Tenant.User, error: EntraError?)
    /// "Stay signed in?" (KmsiInterrupt), once the user has typed credentials in this flow.
    case kmsi(flow: String, user: Tenant.User)
    /// Everything passed: sign this and post it. `session` is the SSO session cookie to set.
    case issue(Issuance, flow: String, session: String)
    /// Signed in to My Apps itself.
    case myApps(user: Tenant.User, applications: [Tenant.Application], session: String)
    /// An Entra error page.
    case failed(EntraError)
}

/// What a verification code did (EndAuth, or the code form of ConvergedTFA).
public enum CodeCheck: Sendable, Hashable {
    /// Right: the flow has passed MFA and waits for ProcessAuth.
    case accepted
    /// Wrong, another may be tried in this flow (AADSTS500121).
    case rejected(EntraError)
    /// The flow cannot pass MFA any more (too many codes, the user locked out, or no such flow).
    case ended(EntraError)
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
    /// The AuthnContextClassRef of password sign-ins (the full URI).
    public var authnContextClassRef: Tenant.AuthnContextClass?

    public init() {}
}

/// mock-entra's mutable state, kept by one actor: the tenant (Conditional Access and app roles change through the
/// admin API, `EntraState+Admin.swift`), the signing keys, PIM activations, and three value types of their own:
/// sign-ins in progress (``SignInFlows``) with the code rules across them (``MFALockout``), SSO sessions
/// (``SSOSessions``) and the sign-in log (``SignInLog``). Everything in memory and bounded; the keys and, when
/// asked, the log also go to disk. Signing happens outside the actor, so it never serialises issuance.
public actor EntraState {
    public internal(set) var tenant: Tenant
    /// The applications' signing certificates (Entra's per-app "SAML Signing Certificate"): they sign responses and
    /// the `?appid=` metadata.
    public internal(set) var keys: KeyRing
    /// The tenant's own token-signing keys: they sign the tenant-wide federation metadata, which publishes them
    /// (MicrosoftDocs/entra-docs federation-metadata.md: "the certificates that the tenants use for token signing").
    public nonisolated let tenantKeys: KeyRing
    public internal(set) var activations: [Tenant.Activation] = []
    public nonisolated let clock: any SAMLClock
    let keyDirectory: KeyRingDirectory?

    public typealias Session = SSOSession
    typealias Pending = SignInFlows.Pending

    private var flows = SignInFlows()
    private var lockout = MFALockout()
    private var sessions = SSOSessions()
    private var log: SignInLog
    /// The steps of flows just issued, for the success entry written after signing (``issued(_:_:flow:ip:interactive:)``).
    private var finishedSteps: [String: [SignInLogEntry.AuthenticationDetail]] = [:]
    /// Keys the request context and canaries of a flow to its token, so they need no storage and cannot be guessed.
    private nonisolated let flowSecret: [UInt8] = SAMLRandom.bytes(32)

    public static let maxPending = SignInFlows.maxPending
    public static let maxSessions = SSOSessions.maxSessions
    public static let maxLogs = SignInLog.maxEntries
    public static let pendingLifetime = SignInFlows.lifetime
    /// How long an SSO session lasts without signing in again.
    public static let sessionLifetime = SSOSessions.lifetime
    static let maxCodeAttempts = MFALockout.maxAttemptsPerSignIn
    /// Wrong codes in a row, over any number of sign-ins, before the user is locked out for ``codeLockout``.
    public static let maxCodeFailures = MFALockout.maxFailures
    public static let codeLockout = MFALockout.lockout

    /// - Parameters:
    ///   - tenant: The directory.
    ///   - keys: The applications' signing certificates.
    ///   - tenantKeys: The tenant's own signing keys; nil uses keys made once per process.
    ///   - keyDirectory: Where `keys` are saved when the admin API changes them.
    ///   - clock: The clock of every rule.
    ///   - signInLog: A file the sign-in log is appended to.
    public init(tenant: Tenant, keys: KeyRing, tenantKeys: KeyRing? = nil, keyDirectory: KeyRingDirectory? = nil,
                clock: any SAMLClock = SystemClock(), signInLog: URL? = nil) throws {
        self.tenant = tenant
        self.keys = keys
        self.tenantKeys = try tenantKeys ?? KeyRing.ephemeralTenantKeys.get()
        self.keyDirectory = keyDirectory
        self.clock = clock
        self.log = try SignInLog(file: signInLog)
    }

    // MARK: - Sign-in

    /// Starts a sign-in to `request`'s app (nil: My Apps). A live SSO session skips the password page.
    public func begin(_ request: SignInRequest?, session: String?, ip: String) -> SignInStep {
        let now = clock.now
        flows.expire(now)
        var flow = Pending(id: Self.newID(), request: request, created: now)
        if let id = session, let live = sessions.live(id, now: now), request?.forceAuthn != true,
           let user = tenant.user(live.upn) {
            flow.upn = live.upn
            flow.authnInstant = live.authnInstant
            flow.session = id
            return authenticated(flow, user: user, mfa: live.mfa, ip: ip)
        }
        flows.remember(flow, now: now)
        return .login(flow: flow.id, username: request?.loginHint, error: nil)
    }

    /// The username step of the converged page was posted without a password (a browser without JavaScript): the
    /// password step for a known user, the username error (AADSTS50034) otherwise. Nothing is logged, as Entra logs
    /// nothing for its GetCredentialType lookup either.
    public func username(flow id: String, username: String) -> SignInStep {
        guard flows.live(id, now: clock.now) != nil else { return .failed(.flowExpired) }
        guard tenant.user(username.trimmingCharacters(in: .whitespaces)) != nil else {
            return .login(flow: id, username: username, error: .unknownUser(username, tenant: tenant))
        }
        return .password(flow: id, username: username, error: nil)
    }

    /// The password was posted (with the username, as saml2aws and the password step both send them).
    public func password(flow id: String, username: String, password: String, ip: String) -> SignInStep {
        guard var flow = flows.live(id, now: clock.now) else { return .failed(.flowExpired) }
        guard let user = tenant.user(username.trimmingCharacters(in: .whitespaces)) else {
            let error = EntraError.unknownUser(username, tenant: tenant)
            record(flow, user: nil, result: "failure", error: error, ip: ip)
            return .login(flow: id, username: username, error: error)
        }
        if let error = checkPassword(user, password) {
            flow.steps.append(detail("Password", succeeded: false, error == .accountLocked ? "Account locked" : "Invalid password"))
            flows.update(flow)
            record(flow, user: user, result: "failure", error: error, ip: ip)
            return .password(flow: id, username: username, error: error)
        }
        flow.upn = user.userPrincipalName
        flow.authnInstant = clock.now
        flow.credentialsEntered = true
        flow.steps.append(detail("Password", succeeded: true, "Correct password"))
        return authenticated(flow, user: user, mfa: false, ip: ip)
    }

    /// The code form of ConvergedTFA was posted (a browser): the code is checked, then as ProcessAuth.
    public func verifyCode(flow id: String, code: String, ip: String) -> SignInStep {
        guard var flow = flows.live(id, now: clock.now), let upn = flow.upn, let user = tenant.user(upn) else { return .failed(.flowExpired) }
        switch checkCode(&flow, user: user, code: code, ip: ip) {
        case .accepted: return authenticated(flow, user: user, mfa: true, ip: ip)
        case .rejected(let error): return .mfa(flow: id, user: user, error: error)
        case .ended(let error): return .failed(error)
        }
    }

    /// SAS BeginAuth: opens a strong-authentication session for `method` on a flow past its password. nil when the
    /// user cannot use `method` (only an authenticator app's code, PhoneAppOTP, is offered).
    public func beginStrongAuth(flow id: String, method: String) throws(EntraError) -> String? {
        guard var flow = flows.live(id, now: clock.now), let upn = flow.upn, let user = tenant.user(upn) else { throw .flowExpired }
        guard method == StrongAuth.phoneAppOTP, user.totpSecret != nil else { return nil }
        let session = Self.newID()
        flow.strongAuthSession = session
        flows.update(flow)
        return session
    }

    /// SAS EndAuth: the code typed for the session BeginAuth opened.
    public func endStrongAuth(flow id: String, session: String?, code: String, ip: String) -> CodeCheck {
        guard var flow = flows.live(id, now: clock.now), let upn = flow.upn, let user = tenant.user(upn),
              let open = flow.strongAuthSession, let session, Self.constantTimeEqual(open, session) else { return .ended(.flowExpired) }
        return checkCode(&flow, user: user, code: code, ip: ip)
    }

    /// SAS ProcessAuth: continues a flow whose MFA EndAuth accepted (the code page again otherwise).
    public func processAuth(flow id: String, ip: String) -> SignInStep {
        guard let flow = flows.live(id, now: clock.now), let upn = flow.upn, let user = tenant.user(upn) else { return .failed(.flowExpired) }
        guard flow.mfaDone else { return .mfa(flow: id, user: user, error: .mfaNotPassed) }
        return authenticated(flow, user: user, mfa: true, ip: ip)
    }

    /// The "Stay signed in?" page was answered (`keep`: LoginOptions=1); either answer continues to issuance.
    public func staySignedIn(flow id: String, keep: Bool, ip: String) -> SignInStep {
        guard var flow = flows.live(id, now: clock.now), flow.awaitingKMSI, let upn = flow.upn, let user = tenant.user(upn) else {
            return .failed(.flowExpired)
        }
        flow.awaitingKMSI = false
        flow.kmsiAnswered = true
        flow.steps.append(detail("Keep me signed in", succeeded: true, keep ? "LoginOptions=1" : "LoginOptions=3"))
        return authenticated(flow, user: user, mfa: flow.mfaDone, ip: ip)
    }

    /// A code against the user's authenticator. A code is accepted once (RFC 6238 §5.2); wrong ones count within
    /// the flow (AADSTS50074 at the limit) and across flows (AADSTS50053, ``MFALockout``).
    private func checkCode(_ flow: inout Pending, user: Tenant.User, code: String, ip: String) -> CodeCheck {
        let now = clock.now
        let upn = user.userPrincipalName
        if lockout.isLocked(upn, now: now) {
            flows.end(flow.id)
            record(flow, user: user, result: "failure", error: .accountLocked, ip: ip, access: .failed)
            return .ended(.accountLocked)
        }
        let step = user.totpSecret.flatMap { TOTP(base32: $0) }?.matchingStep(code.filter { !$0.isWhitespace }, at: now)
        guard let step, lockout.isFresh(step, for: upn) else {
            lockout.recordFailure(upn, now: now)
            flow.mfaAttempts += 1
            flow.steps.append(detail(StrongAuth.methodName, succeeded: false, "Invalid verification code"))
            record(flow, user: user, result: "failure", error: .mfaFailed, ip: ip, access: .failed)
            if flow.mfaAttempts >= Self.maxCodeAttempts {
                flows.end(flow.id)
                record(flow, user: user, result: "failure", error: .mfaNotPassed, ip: ip, access: .failed)
                return .ended(.mfaNotPassed)
            }
            flows.update(flow)
            return .rejected(.mfaFailed)
        }
        lockout.accept(step, for: upn)
        flow.mfaDone = true
        flow.credentialsEntered = true
        flow.steps.append(detail(StrongAuth.methodName, succeeded: true, "MFA successfully completed"))
        flows.update(flow)
        return .accepted
    }

    private func detail(_ method: String, succeeded: Bool, _ result: String) -> SignInLogEntry.AuthenticationDetail {
        .init(authenticationMethod: method, succeeded: succeeded, authenticationStepResultDetail: result,
              authenticationStepDateTime: SAMLInstant.format(clock.now))
    }

    /// The request context (`sCtx`) and canaries of a flow: keyed hashes of its token, checked when posted back.
    public nonisolated func flowValue(_ label: String, _ id: String) -> String {
        SAMLDigest.hex(SAMLDigest.sha256(flowSecret + Array("\(label)|\(id)".utf8)))
    }

    /// Whether a posted request context belongs to the flow (an absent one is accepted: minimal clients send only the
    /// flow token, which alone is the secret).
    public nonisolated func contextMatches(flow id: String, ctx: String?) -> Bool {
        guard let ctx else { return true }
        return Self.constantTimeEqual(ctx, flowValue("ctx", id))
    }

    /// An `IsPassive` request whose sign-in needs a page (the sign-in page: no session; the code page: a session
    /// without the MFA the app's policy wants) ends here: the error its NoPassive Response carries. nil when no page
    /// is needed (the step issues).
    public func refusePassive(_ step: SignInStep, ip: String) -> EntraError? {
        let id: String, user: Tenant.User?, error: EntraError
        switch step {
        case .login(let flow, _, _), .password(let flow, _, _):
            (id, user, error) = (flow, nil, .silentSignInFailed)
        case .mfa(let flow, let mfaUser, _):
            guard let application = flows.live(flow, now: clock.now)?.request.flatMap({ tenant.application($0.appID) }) else { return nil }
            (id, user, error) = (flow, mfaUser, .mfaRequired(application: application))
        default:
            return nil
        }
        if let flow = flows.live(id, now: clock.now) { record(flow, user: user, result: "failure", error: error, ip: ip) }
        flows.end(id)
        return error
    }

    /// The user gave up on the code page ("I can't use my authenticator app right now").
    public func cancelMFA(flow id: String, ip: String) -> SignInStep {
        guard let flow = flows.live(id, now: clock.now), let upn = flow.upn, let user = tenant.user(upn),
              let application = flow.request.flatMap({ tenant.application($0.appID) }) else { return .failed(.flowExpired) }
        flows.end(id)
        let error = EntraError.mfaRequired(application: application)
        record(flow, user: user, result: "failure", error: error, ip: ip, access: .failed)
        return .failed(error)
    }

    /// After the user is known: assignment (AADSTS50105), then Conditional Access (53003 block; MFA, or 50079 when
    /// the user has no authenticator), then issuance (aws-entra.md §8: all before any token is issued).
    private func authenticated(_ flow: Pending, user: Tenant.User, mfa: Bool, ip: String) -> SignInStep {
        let now = clock.now
        let authnInstant = flow.authnInstant ?? now
        guard let request = flow.request else {
            if flow.credentialsEntered && !flow.kmsiAnswered { return interruptForKMSI(flow, user: user, mfa: mfa, ip: ip) }
            flows.end(flow.id)
            record(flow, user: user, result: "success", error: nil, ip: ip, mfa: mfa)
            let session = openSession(user: user, authnInstant: authnInstant, mfa: mfa, reusing: flow.session)
            return .myApps(user: user, applications: tenant.applications(assignedTo: user.userPrincipalName, activations: activations, at: now),
                           session: session)
        }
        guard let application = tenant.application(request.appID) else {
            flows.end(flow.id)
            return .failed(.applicationNotFound(request.appID, tenant: tenant))
        }
        guard tenant.isAssigned(user.userPrincipalName, to: application, activations: activations, at: now) else {
            let error = EntraError.notAssigned(user: user.userPrincipalName, application: application)
            record(flow, user: user, result: "failure", error: error, ip: ip)
            flows.end(flow.id)
            return .failed(error)
        }
        switch tenant.conditionalAccess(for: user.userPrincipalName, application: application, activations: activations, at: now) {
        case .block:
            record(flow, user: user, result: "failure", error: .blockedByConditionalAccess, ip: ip, access: .failed)
            flows.end(flow.id)
            return .failed(.blockedByConditionalAccess)
        case .requireMFA where !mfa:
            guard user.totpSecret != nil else {
                let error = EntraError.mfaEnrollmentRequired(application: application)
                record(flow, user: user, result: "failure", error: error, ip: ip, access: .failed)
                flows.end(flow.id)
                return .failed(error)
            }
            record(flow, user: user, result: "interrupted", error: .mfaRequired(application: application), ip: ip, access: .pending)
            flows.remember(flow, now: now)
            return .mfa(flow: flow.id, user: user, error: nil)
        default:
            if flow.credentialsEntered && !flow.kmsiAnswered {
                return interruptForKMSI(flow, user: user, mfa: mfa, ip: ip, access: .satisfied)
            }
            flows.end(flow.id)
            if !flow.steps.isEmpty {
                if finishedSteps.count >= SignInFlows.maxPending { finishedSteps.removeAll() }
                finishedSteps[flow.id] = flow.steps
            }
            let session = openSession(user: user, authnInstant: authnInstant, mfa: mfa, reusing: flow.session)
            return .issue(Issuance(tenant: tenant, application: application, user: user, request: request, mfa: mfa,
                                   authnInstant: authnInstant, activations: activations), flow: flow.id, session: session)
        }
    }

    /// Entra's "Stay signed in?" interrupt (AADSTS50140, logged as interrupted as Entra's sign-in log shows it).
    private func interruptForKMSI(_ flow: Pending, user: Tenant.User, mfa: Bool, ip: String,
                                  access: SignInLogEntry.AccessStage = .notEvaluated) -> SignInStep {
        var flow = flow
        flow.awaitingKMSI = true
        flow.mfaDone = mfa
        record(flow, user: user, result: "interrupted", error: .kmsiInterrupt, ip: ip, mfa: mfa, access: access)
        flows.remember(flow, now: clock.now)
        return .kmsi(flow: flow.id, user: user)
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
            record(flow, user: user, result: "failure", error: error, ip: ip, interactive: false)
            throw error
        }
        switch tenant.conditionalAccess(for: user.userPrincipalName, application: application, activations: activations, at: now) {
        case .block:
            record(flow, user: user, result: "failure", error: .blockedByConditionalAccess, ip: ip, interactive: false, access: .failed)
            throw .blockedByConditionalAccess
        case .requireMFA where !mfa:
            let error = EntraError.mfaRequired(application: application)
            record(flow, user: user, result: "failure", error: error, ip: ip, interactive: false, access: .failed)
            throw error
        default:
            return (Issuance(tenant: tenant, application: application, user: user, request: .idpInitiated(application, relayState: relayState),
                             mfa: mfa, authnInstant: now, activations: activations, fault: fault), flow.id)
        }
    }

    /// Records a successful issuance (after signing, outside the actor).
    public func issued(_ issuance: Issuance, _ response: IssuedResponse, flow: String, ip: String, interactive: Bool = true) {
        var pending = Pending(id: flow, request: issuance.request, created: clock.now, upn: issuance.user.userPrincipalName)
        pending.steps = finishedSteps.removeValue(forKey: flow) ?? []
        record(pending, user: issuance.user, result: "success", error: nil, ip: ip, interactive: interactive, mfa: issuance.mfa,
            access: .satisfied, roles: response.roles, sessions: response.awsSessions)
    }

    // MARK: - SSO sessions

    /// Live SSO sessions (for tests and the bounds).
    var sessionCount: Int { sessions.count }

    public func session(_ id: String) -> Session? { sessions.live(id, now: clock.now) }

    /// Ends an SSO session (SAML logout): the next sign-in asks for the password again.
    public func endSession(_ id: String) -> Session? { sessions.end(id) }

    /// The user of a live session and their My Apps tiles.
    public func myApps(session id: String?) -> (user: Tenant.User, applications: [Tenant.Application])? {
        guard let id, let session = session(id), let user = tenant.user(session.upn) else { return nil }
        return (user, tenant.applications(assignedTo: user.userPrincipalName, activations: activations, at: clock.now))
    }

    private func openSession(user: Tenant.User, authnInstant: Date, mfa: Bool, reusing id: String?) -> String {
        sessions.open(upn: user.userPrincipalName, authnInstant: authnInstant, mfa: mfa, reusing: id, now: clock.now, newID: Self.newID)
    }

    // MARK: - Sign-in log

    /// The newest `limit` entries, oldest first.
    public func signInLogs(limit: Int = maxLogs) -> [SignInLogEntry] { log.newest(limit) }

    // MARK: - Passwords

    /// Wrong passwords in a row before the account is locked for ``passwordLockout`` (Entra smart lockout: locked
    /// for a minute after 10 failed attempts by default, AADSTS50053; learn.microsoft.com "Microsoft Entra smart
    /// lockout"). Keyed by lower-cased UPN, shared by the sign-in pages and the token endpoint's password grant.
    static let maxPasswordFailures = 10
    static let passwordLockout: TimeInterval = 60
    private var passwordFailures: [String: (count: Int, last: Date)] = [:]

    /// `nil` when `password` is the user's and the account is not locked; else the refusal (AADSTS50053 while
    /// locked, whatever the password; AADSTS50126 for a wrong one, counted).
    func checkPassword(_ user: Tenant.User, _ password: String) -> EntraError? {
        let key = user.userPrincipalName.lowercased()
        let now = clock.now
        let recent = passwordFailures[key].flatMap { now.timeIntervalSince($0.last) < Self.passwordLockout ? $0.count : nil } ?? 0
        if recent >= Self.maxPasswordFailures { return .accountLocked }
        guard Self.constantTimeEqual(user.password, password) else {
            passwordFailures[key] = (recent + 1, now)
            return .invalidCredentials
        }
        passwordFailures[key] = nil
        return nil
    }

    /// The token endpoint's password grant: the same check and lockout as the pages, and each attempt in the
    /// sign-in log (non-interactive), as Entra records ROPC sign-ins.
    func passwordGrant(_ username: String, password: String, ip: String) -> Result<Tenant.User, EntraError> {
        let flow = Pending(id: Self.newID(), request: nil, created: clock.now)
        guard let user = tenant.user(username.trimmingCharacters(in: .whitespaces)) else {
            let error = EntraError.unknownUser(username, tenant: tenant)
            record(flow, user: nil, result: "failure", error: error, ip: ip, interactive: false)
            return .failure(error)
        }
        if let error = checkPassword(user, password) {
            record(flow, user: user, result: "failure", error: error, ip: ip, interactive: false)
            return .failure(error)
        }
        record(flow, user: user, result: "success", error: nil, ip: ip, interactive: false)
        return .success(user)
    }

    private func record(_ flow: Pending, user: Tenant.User?, result: String, error: EntraError?, ip: String, interactive: Bool = true,
                        mfa: Bool = false, access: SignInLogEntry.AccessStage = .notEvaluated, roles: [String] = [],
                        sessions: [String] = []) {
        log.append(SignInLogEntry(flow: flow, tenant: tenant, activations: activations, user: user, result: result, error: error, ip: ip,
                                  interactive: interactive, mfa: mfa, access: access, roles: roles, sessions: sessions, now: clock.now))
    }

    // MARK: - Identifiers

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
