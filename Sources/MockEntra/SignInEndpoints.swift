import Foundation
import Hummingbird
import MockServerKit
import SAML

/// The converged sign-in protocol's endpoints (entra-signin-protocol.md §1 steps 1–6): the password post to the
/// page's `urlPost`, GetCredentialType, the SAS BeginAuth/EndAuth/ProcessAuth exchanges, and the "Stay signed in?"
/// post. The rules are ``EntraState``'s; the pages ``ConvergedPages``'.
extension MockEntra {
    /// ConvergedSignIn's `urlPost` (`/{tenant}/login`; `/common/login` too, where Entra's `urlPostAad` points and
    /// davmail O365Authenticator.java posts). With `passwd` the password is checked, whatever else comes
    /// with it (saml2aws pkg/provider/aad/aad.go `processAuthentication` posts `login`, `loginfmt`, `passwd`, `ctx`,
    /// `flowToken`, `canary`, `hpgrequestid` at once); without it, the username step of a browser without JavaScript
    /// was posted, and the password step comes next.
    func loginPost(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        // `/{tenant}/login` has its tenant resolved by the group's middleware; `/common/login` is the one tenant's.
        let tenant: Tenant
        if let resolved = context.tenant { tenant = resolved } else { tenant = await state.tenant }
        let fields = try await Self.form(request)
        let flow = Self.flowToken(fields)
        guard state.contextMatches(flow: flow, ctx: fields["ctx"]) else { throw .page(.flowExpired) }
        let username = fields["loginfmt"] ?? fields["login"] ?? ""
        let step: SignInStep
        if let password = fields["passwd"] {
            step = await state.password(flow: flow, username: username, password: password, ip: context.remoteIP)
        } else {
            step = await state.username(flow: flow, username: username)
        }
        return try await render(step, tenant: tenant, request: request, ip: context.remoteIP)
    }

    /// `POST /common/GetCredentialType` (and `/{tenant}/GetCredentialType`): whether the username exists
    /// (`IfExistsResult` 0 or 1) and that it signs in with a password. JSON in whatever the Content-Type says.
    func credentialType(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = await state.tenant
        guard let body = try? await MockServer.body(request, limit: CredentialType.maxBody),
              let asked = CredentialType.Request(json: body) else {
            return Self.json(CredentialType.Refusal(error: .init(code: "AADSTS90014",
                message: "AADSTS90014: The request body must contain the following parameter: 'username'.")), status: .badRequest)
        }
        let known = tenant.user(asked.username.trimmingCharacters(in: .whitespaces)) != nil
        let apiCanary = state.flowValue("apiCanary", asked.flowToken ?? asked.username)
        return Self.json(CredentialType.Reply(Username: asked.username, Display: asked.username, IfExistsResult: known ? 0 : 1,
                                              FlowToken: asked.flowToken, apiCanary: apiCanary))
    }

    /// `POST /common/SAS/BeginAuth`: a session for the method (only PhoneAppOTP) on a flow past its password.
    func beginAuth(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        guard let asked = await Self.strongAuthRequest(request) else { return Self.strongAuthRefusal() }
        let flow = asked["FlowToken"] ?? ""
        var reply = strongAuthReply(flow: flow, method: asked["AuthMethodId"] ?? "")
        guard state.contextMatches(flow: flow, ctx: asked["Ctx"]) else { return Self.json(Self.failing(reply, .flowExpired)) }
        do throws(EntraError) {
            if let session = try await state.beginStrongAuth(flow: flow, method: reply.AuthMethodId) {
                reply.Success = true
                reply.ResultValue = "Success"
                reply.SessionId = session
            } else {
                reply.ResultValue = "AuthMethodNotSupported"
                reply.Message = "Only a code from an authenticator app (\(StrongAuth.phoneAppOTP)) is offered."
            }
        } catch {
            reply = Self.failing(reply, error)
        }
        return Self.json(reply)
    }

    /// `POST /common/SAS/EndAuth`: the code (`AdditionalAuthData`) for the session BeginAuth opened. Right: Success;
    /// wrong: `OathCodeIncorrect` with no retry (saml2aws then stops; a browser posts the code form again); the
    /// flow over (too many codes, lockout): the AADSTS number in `ErrCode`.
    func endAuth(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        guard let asked = await Self.strongAuthRequest(request) else { return Self.strongAuthRefusal() }
        let flow = asked["FlowToken"] ?? ""
        var reply = strongAuthReply(flow: flow, method: asked["AuthMethodId"] ?? StrongAuth.phoneAppOTP)
        reply.SessionId = asked["SessionId"]
        guard state.contextMatches(flow: flow, ctx: asked["Ctx"]) else { return Self.json(Self.failing(reply, .flowExpired)) }
        switch await state.endStrongAuth(flow: flow, session: asked["SessionId"], code: asked["AdditionalAuthData"] ?? "", ip: context.remoteIP) {
        case .accepted:
            reply.Success = true
            reply.ResultValue = "Success"
        case .rejected(let error):
            reply.ResultValue = "OathCodeIncorrect"
            reply.Message = error.description
        case .ended(let error):
            reply = Self.failing(reply, error)
        }
        return Self.json(reply)
    }

    /// ConvergedTFA's `urlPost` (`/common/SAS/ProcessAuth`): after EndAuth accepted a code, the flow token and
    /// `request` (the context) go on (all saml2aws sends, with `login`); the page's own form brings the code as `otc`
    /// and it is checked here; `cancel` gives up (AADSTS50076).
    func processAuth(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = await state.tenant
        let fields = try await Self.form(request)
        let flow = Self.flowToken(fields)
        guard state.contextMatches(flow: flow, ctx: fields["request"] ?? fields["ctx"]) else { throw .page(.flowExpired) }
        let step: SignInStep
        if fields["cancel"] != nil {
            step = await state.cancelMFA(flow: flow, ip: context.remoteIP)
        } else if let code = fields["otc"] {
            step = await state.verifyCode(flow: flow, code: code, ip: context.remoteIP)
        } else {
            step = await state.processAuth(flow: flow, ip: context.remoteIP)
        }
        return try await render(step, tenant: tenant, request: request, ip: context.remoteIP)
    }

    /// `POST /kmsi`: "Stay signed in?" answered. Always 200 with the page that follows (the "Working..." form):
    /// saml2aws turns redirects off for this one request (aad.go `processKmsiInterrupt`). LoginOptions=1 (Yes) makes
    /// the SSO cookie persistent.
    func kmsi(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = await state.tenant
        let fields = try await Self.form(request)
        let flow = Self.flowToken(fields)
        guard state.contextMatches(flow: flow, ctx: fields["ctx"]) else { throw .page(.flowExpired) }
        let keep = fields["LoginOptions"] == "1"
        let step = await state.staySignedIn(flow: flow, keep: keep, ip: context.remoteIP)
        return try await render(step, tenant: tenant, request: request, ip: context.remoteIP, persistent: keep)
    }

    // MARK: - Wire formats

    /// A sign-in form post, bounded like every body here.
    static func form(_ request: Request) async throws(MockEntraFailure) -> [String: String] {
        do {
            return try FormEncoding.decodePairs(String(decoding: try await body(request), as: UTF8.self))
        } catch {
            throw .page(.invalidMessage("The form could not be read."))
        }
    }

    /// The flow token under the page's `sFTName` (`flowToken`), or lower-cased as davmail's re-process posts it.
    static func flowToken(_ fields: [String: String]) -> String { fields["flowToken"] ?? fields["flowtoken"] ?? "" }

    static func strongAuthRequest(_ request: Request) async -> StrongAuth.Request? {
        guard let body = try? await MockServer.body(request, limit: StrongAuth.maxBody) else { return nil }
        return StrongAuth.Request(json: body)
    }

    static func strongAuthRefusal() -> Response {
        json(CredentialType.Refusal(error: .init(code: "AADSTS90014",
            message: "AADSTS90014: The request body must be a JSON object with AuthMethodId, FlowToken and Ctx.")), status: .badRequest)
    }

    func strongAuthReply(flow: String, method: String) -> StrongAuth.Reply {
        StrongAuth.Reply(Success: false, ResultValue: "", Message: nil, AuthMethodId: method, ErrCode: 0, Retry: false, FlowToken: flow,
                         Ctx: state.flowValue("ctx", flow), SessionId: nil, CorrelationId: Self.guid(state.flowValue("correlation", flow)),
                         Timestamp: SAMLInstant.format(state.clock.now))
    }

    /// A reply for a flow that cannot go on: `ErrCode` is the AADSTS number (saml2aws stops on any non-zero one).
    static func failing(_ reply: StrongAuth.Reply, _ error: EntraError) -> StrongAuth.Reply {
        var reply = reply
        reply.Success = false
        reply.Retry = false
        reply.ResultValue = error.name
        reply.ErrCode = Int(ConvergedPages.number(error)) ?? -1
        reply.Message = error.description
        return reply
    }
}
