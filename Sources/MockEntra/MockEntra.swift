import AWSFederation
import Foundation
import Hummingbird
import Logging
import MockServerKit
import SAML

/// mock-entra's request context: the client's address, for the sign-in log, and the tenant a `/{tenant}/…` route
/// names, resolved once for the whole route group by ``TenantMiddleware``.
public struct MockEntraContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteIP: String
    /// Set by ``TenantMiddleware`` on the routes under `/{tenant}`; nil elsewhere.
    public var tenant: Tenant?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The tenant of a route under `/{tenant}` (the group's middleware has resolved it).
    func resolvedTenant() throws(MockEntraFailure) -> Tenant {
        guard let tenant else { throw .page(.tenantNotFound(parameters.get("tenant") ?? "")) }
        return tenant
    }
}

/// mock-entra's HTTP surface, on Entra's paths (aws-entra.md §7): the SAML endpoint `/{tenant}/saml2` (Redirect and
/// POST bindings, logout), federation metadata, the sign-in and MFA pages, My Apps with IdP-initiated launch, the
/// sign-in log, an admin API (Conditional Access, PIM, certificates, role provisioning) and, when enabled, test
/// hooks. The rules live in ``EntraState``, ``AuthnRequestRules`` and ``Issuance``; this type speaks HTTP.
public struct MockEntra: Sendable {
    public let state: EntraState
    public let testHooks: Bool
    public let logger: Logger
    public let ids: any SAMLIDGenerator
    /// The base URL published in metadata; nil takes `http://` + the request's Host.
    public let publicURL: String?
    /// The bearer token every `/admin` request must carry (``AdminGuard``).
    public let adminToken: AdminToken
    /// The names its Host header may carry (DNS rebinding, ``AllowedHosts``); `publicURL`'s host is always one.
    public let allowedHosts: AllowedHosts

    /// Without `adminToken`, a random one nobody knows but ``adminToken``'s reader: the admin API is never open.
    public init(state: EntraState, testHooks: Bool = false, publicURL: String? = nil, adminToken: AdminToken = .generate(),
                allowedHosts: AllowedHosts = AllowedHosts(bindAddress: "127.0.0.1"), ids: any SAMLIDGenerator = RandomIDGenerator(),
                logger: Logger = Logger(label: "mock-entra")) {
        self.state = state
        self.testHooks = testHooks
        self.publicURL = publicURL
        self.adminToken = adminToken
        self.allowedHosts = allowedHosts.adding(publicURL.map { [$0] } ?? [])
        self.ids = ids
        self.logger = logger
    }

    /// Entra's SSO session cookie.
    static let sessionCookie = "ESTSAUTH"
    /// A form-encoded AuthnRequest or sign-in form, with room; bigger bodies get 413.
    static let maxBody = 256 * 1024

    /// The routes, behind the Host check, the 404 page and ``MockEntraFailureMiddleware`` (every refusal's answer).
    func router() -> Router<MockEntraContext> {
        let router = Router(context: MockEntraContext.self)
        // First: a request for another host name is answered before any route or 404 (DNS rebinding).
        router.add(middleware: HostCheckMiddleware(server: "mock-entra", allowed: allowedHosts, logger: logger))
        router.add(middleware: NotFoundMiddleware(server: "mock-entra"))
        router.add(middleware: MockEntraFailureMiddleware(clock: state.clock))
        // Entra's paths under the tenant (GUID or domain): resolved once, AADSTS90002 for an unknown one.
        let tenant = router.group(":tenant").add(middleware: TenantMiddleware(state: state))
        tenant.get("saml2") { request, context in try await self.saml2(request, context, post: false) }
        tenant.post("saml2") { request, context in try await self.saml2(request, context, post: true) }
        // Federation metadata under any case of its path: Microsoft documents the tenant document as
        // `/{tenant}/FederationMetadata/2007-06/FederationMetadata.xml` (entra-docs federation-metadata.md) and the
        // portal's App Federation Metadata Url in lower case, and clients fetch both documents under both spellings.
        tenant.get(":directory/2007-06/:document") { request, context in
            guard Self.isMetadataPath(context.parameters.get("directory"), context.parameters.get("document")) else {
                throw HTTPError(.notFound)
            }
            return try await self.metadata(request, context)
        }
        // The converged sign-in protocol (entra-signin-protocol.md §1): the password post, the credential lookup,
        // the strong-authentication service, "Stay signed in?" (SignInEndpoints.swift).
        tenant.post("login") { request, context in try await self.loginPost(request, context) }
        tenant.post("GetCredentialType") { request, context in try await self.credentialType(request, context) }
        tenant.post("SAS/ProcessAuth") { request, context in try await self.processAuth(request, context) }
        router.post("common/login") { request, context in try await self.loginPost(request, context) }
        router.post("common/GetCredentialType") { request, context in try await self.credentialType(request, context) }
        router.post("common/SAS/BeginAuth") { request, context in try await self.beginAuth(request, context) }
        router.post("common/SAS/EndAuth") { request, context in try await self.endAuth(request, context) }
        router.post("common/SAS/ProcessAuth") { request, context in try await self.processAuth(request, context) }
        router.post("kmsi") { request, context in try await self.kmsi(request, context) }
        router.get("applications/redirecttofederatedapplication.aspx") { request, context in try await self.userAccessURL(request, context) }
        router.get("myapps") { request, context in try await self.myApps(request, context) }
        router.get("api/signin/:appId") { request, context in try await self.launch(request, context) }
        router.get("signin/:appName/:appId") { request, context in try await self.launch(request, context) }
        router.get("health") { _, _ in "ok" }
        AdminAPI(entra: self).register(on: router)
        // Microsoft Graph v1.0 and its OAuth 2.0 client-credentials tokens (Graph/).
        GraphAPI(entra: self).register(on: router, tenant: tenant)
        if testHooks { TestHooks(entra: self).register(on: router) }
        return router
    }

    // MARK: - SAML endpoint

    func saml2(_ request: Request, _ context: MockEntraContext, post: Bool) async throws(MockEntraFailure) -> Response {
        let tenant = try context.resolvedTenant()
        let received: ReceivedRequest
        var loginHint: String?
        do {
            if post {
                let message = try PostBinding.decode(formBody: String(decoding: try await Self.body(request), as: UTF8.self))
                guard message.kind == .request else { return Self.html(Pages.signedOut(), status: .ok) }
                received = .post(message)
            } else {
                let query = request.uri.query ?? ""
                let pairs = try FormEncoding.decodePairs(query)
                loginHint = pairs["login_hint"]
                guard pairs["SAMLRequest"] != nil || pairs["SAMLResponse"] != nil else { throw EntraError.redirectBindingMissingMessage }
                let message = try RedirectBinding.decode(query: query)
                // A LogoutResponse coming back after an SP-initiated logout ends here.
                guard message.kind == .request else { return Self.html(Pages.signedOut(), status: .ok) }
                received = .redirect(message)
            }
        } catch let error as EntraError {
            throw .page(error)
        } catch let error as SAMLError {
            throw .page(.invalidMessage(error.message))
        } catch {
            throw .page(.invalidMessage("The request body could not be read: at most \(Self.maxBody) bytes are accepted."),
                        status: .contentTooLarge)
        }
        if let logout = try? LogoutRequest.parse(received.xml) {
            return try await self.logout(logout, received: received, request: request, tenant: tenant)
        }
        let signIn: SignInRequest
        do {
            signIn = try AuthnRequestRules.check(received, in: tenant, loginHint: loginHint)
        } catch {
            logger.notice("AuthnRequest refused", metadata: ["code": "\(error.code)", "source": "\(context.remoteIP)"])
            // A request refused for what it asks goes back to the app as a SAML error Response when its app and ACS
            // are right; otherwise Entra cannot know where to post, and shows its error page.
            if let target = AuthnRequestRules.errorResponseTarget(for: error, received, in: tenant) {
                return try await errorResponse(.unsupported(error, target: target, at: state.clock.now), tenant: tenant)
            }
            throw .page(error)
        }
        let step = await state.begin(signIn, session: request.cookies[Self.sessionCookie]?.value, ip: context.remoteIP)
        if signIn.isPassive, let refusal = await state.refusePassive(step, ip: context.remoteIP) {
            let target = SAMLErrorResponse.Target(requestID: signIn.requestID ?? "", acsURL: signIn.acsURL, relayState: signIn.relayState)
            return try await errorResponse(.noPassive(refusal, target: target, at: state.clock.now), tenant: tenant)
        }
        return try await render(step, tenant: tenant, request: request, ip: context.remoteIP)
    }

    /// A SAML error Response in the "Working..." page that posts it to the app.
    func errorResponse(_ answer: SAMLErrorResponse, tenant: Tenant) async throws(MockEntraFailure) -> Response {
        do throws(EntraError) {
            return Self.html(try answer.page(tenant: tenant, keys: await state.keys, clock: state.clock, ids: ids), status: .ok)
        } catch {
            throw .page(error)
        }
    }

    /// SAML logout (Redirect or POST): ends the SSO session, then answers the app's Logout URL with a signed
    /// LogoutResponse, or shows the signed-out page when the app has none (the AWS app has none).
    func logout(_ logout: LogoutRequest, received: ReceivedRequest, request: Request, tenant: Tenant) async throws(MockEntraFailure) -> Response {
        guard let issuer = logout.issuer?.value, let application = tenant.application(identifier: issuer) else {
            throw .page(.applicationNotFound(logout.issuer?.value ?? "", tenant: tenant))
        }
        // The browser's own session ends, and only when the request names its user (or no one): an unsigned
        // LogoutRequest must not sign out somebody else.
        if let id = request.cookies[Self.sessionCookie]?.value, let session = await state.session(id),
           logout.nameID.map({ $0.value.lowercased() == session.upn.lowercased() }) ?? true {
            _ = await state.endSession(id)
        }
        var response: Response
        if let url = application.logoutURL {
            let answer = LogoutResponse(id: ids.next(), issueInstant: state.clock.now, destination: url, inResponseTo: logout.id,
                                        issuer: Issuer(tenant.issuer), status: .success)
            let location = try? RedirectBinding.url(url, Array(answer.xml().utf8), kind: .response, relayState: received.relayState,
                                                    key: await state.keys.active.key)
            response = Response(status: .found, headers: [.location: location ?? url])
        } else {
            response = Self.html(Pages.signedOut(), status: .ok)
        }
        response.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true))
        return response
    }

    // MARK: - Sign-in pages

    /// My Apps: the tiles of the signed-in user, or the sign-in page first.
    func myApps(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = await state.tenant
        if let (user, applications) = await state.myApps(session: request.cookies[Self.sessionCookie]?.value) {
            return Self.html(Pages.myApps(user: user, applications: applications, tenant: tenant), status: .ok)
        }
        return try await render(await state.begin(nil, session: nil, ip: context.remoteIP), tenant: tenant, request: request, ip: context.remoteIP)
    }

    /// IdP-initiated launch: `/api/signin/{appId}?tenantId=…` (and the legacy `/signin/{name}/{appId}`).
    func launch(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        try await launch(appID: context.parameters.get("appId") ?? "", request, context)
    }

    /// The enterprise app's user access URL, where saml2aws starts (pkg/provider/aad/aad.go `Authenticate`):
    /// `/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn&applicationId=APP`. Entra's launcher
    /// goes through an OIDC sign-in and its own SAMLRequest page before the SAML sign-in; mock-entra starts the SAML
    /// sign-in for the app at once (IdP-initiated), which saml2aws reaches the same way, by the converged pages.
    func userAccessURL(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let query = (try? FormEncoding.decodePairs(request.uri.query ?? "")) ?? [:]
        guard query["Operation"] == "LinkedSignIn", let appID = query["applicationId"] else {
            throw .page(.invalidMessage("The user access URL needs Operation=LinkedSignIn and an applicationId."))
        }
        return try await launch(appID: appID, request, context)
    }

    func launch(appID: String, _ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = await state.tenant
        let query = (try? FormEncoding.decodePairs(request.uri.query ?? "")) ?? [:]
        if let named = query["tenantId"], !tenant.isNamed(named) { throw .page(.tenantNotFound(named)) }
        guard let application = tenant.application(appID) else { throw .page(.applicationNotFound(appID, tenant: tenant)) }
        let step = await state.begin(.idpInitiated(application, relayState: query["RelayState"]),
                                     session: request.cookies[Self.sessionCookie]?.value, ip: context.remoteIP)
        return try await render(step, tenant: tenant, request: request, ip: context.remoteIP)
    }

    /// The page for a sign-in step; issuance signs here, outside the state actor. The converged pages re-shown with
    /// an error answer 200 as Entra's do; Entra's error page has the error's status. `persistent`: the user chose
    /// "Stay signed in" (LoginOptions=1), so the SSO cookie outlives the browser.
    func render(_ step: SignInStep, tenant: Tenant, request: Request, ip: String, persistent: Bool = false) async throws(MockEntraFailure) -> Response {
        let endpoints = ConvergedPages.Endpoints(base: baseURL(request), tenantID: tenant.tenantID)
        switch step {
        case .login(let flow, let username, let error):
            return Self.html(ConvergedPages.signIn(flow: pageFlow(flow), endpoints: endpoints, username: username, passwordStep: false,
                                                   error: error, domain: tenant.domain), status: .ok)
        case .password(let flow, let username, let error):
            return Self.html(ConvergedPages.signIn(flow: pageFlow(flow), endpoints: endpoints, username: username, passwordStep: true,
                                                   error: error, domain: tenant.domain), status: .ok)
        case .mfa(let flow, let user, let error):
            return Self.html(ConvergedPages.tfa(flow: pageFlow(flow), endpoints: endpoints, user: user, error: error), status: .ok)
        case .kmsi(let flow, let user):
            return Self.html(ConvergedPages.kmsi(flow: pageFlow(flow), endpoints: endpoints, user: user), status: .ok)
        case .myApps(let user, let applications, let session):
            var response = Self.html(Pages.myApps(user: user, applications: applications, tenant: tenant), status: .ok)
            response.setCookie(Self.cookie(session, persistent: persistent))
            return response
        case .failed(let error):
            throw .page(error)
        case .issue(let issuance, let flow, let session):
            do throws(EntraError) {
                let issued = try issuance.issue(keys: await state.keys, clock: state.clock, ids: ids)
                await state.issued(issuance, issued, flow: flow, ip: ip)
                // Entra's "Working..." page: a hidden form that posts SAMLResponse (and RelayState when the request had
                // one) to the reply URL; saml2aws knows it by its exact first bytes (aad.go `isHiddenForm`).
                var response = Self.html(issued.autoPostPage, status: .ok)
                response.setCookie(Self.cookie(session, persistent: persistent))
                return response
            } catch {
                logger.error("issuance failed", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
                throw .page(error)
            }
        }
    }

    /// The flow token with the request context and canaries the pages carry for it.
    func pageFlow(_ token: String) -> ConvergedPages.Flow {
        ConvergedPages.Flow(token: token, ctx: state.flowValue("ctx", token), canary: state.flowValue("canary", token),
                            apiCanary: state.flowValue("apiCanary", token), correlationId: Self.guid(state.flowValue("correlation", token)),
                            sessionId: Self.guid(state.flowValue("session", token)))
    }

    /// 32 hex digits as a GUID (Entra's correlation and session ids).
    static func guid(_ hex: String) -> String {
        let c = Array(hex.prefix(32))
        guard c.count == 32 else { return hex }
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    // MARK: - Metadata

    /// Whether `directory/2007-06/document` names the federation metadata, in any letter case (ASCII only: a
    /// look-alike such as a dotless ı or a Kelvin sign is another path).
    static func isMetadataPath(_ directory: String?, _ document: String?) -> Bool {
        func asciiLower(_ s: String?) -> String? {
            guard let s, s.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
            return s.lowercased()
        }
        return asciiLower(directory) == "federationmetadata" && asciiLower(document) == "federationmetadata.xml"
    }

    /// Signed federation metadata in Entra's shape with every published certificate, the active one first. With
    /// `appid`, the application's: its certificates, signed with its active one. Without, the tenant's: the tenant's
    /// own token-signing certificates, signed with the tenant's key, never an application's (federation-metadata.md:
    /// the document carries "the certificates that the tenants use for token signing").
    func metadata(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = try context.resolvedTenant()
        let appID = (try? FormEncoding.decodePairs(request.uri.query ?? ""))?["appid"]
        if let appID, tenant.application(appID) == nil {
            throw .page(.applicationNotFound(appID, tenant: tenant))
        }
        let keys = appID == nil ? state.tenantKeys : await state.keys
        let document = EntraMetadata(tenantID: tenant.tenantID, certificates: keys.publishedCertificates,
                                     loginBaseURL: baseURL(request))
        do {
            let xml = try document.xml(id: ids.next(), signedWith: keys.signer(.rsaSHA256))
            return Response(status: .ok, headers: [.contentType: "application/samlmetadata+xml"],
                            body: .init(byteBuffer: ByteBuffer(string: xml)))
        } catch {
            throw .page(EntraError(code: "AADSTS50003", name: "MissingSigningKey", message: error.message, httpStatus: 500))
        }
    }

    func baseURL(_ request: Request) -> String {
        publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")"
    }

    // MARK: - Wire formats

    /// The SSO cookie: for the browser session, or for the session's lifetime when the user chose to stay signed in.
    static func cookie(_ session: String, persistent: Bool = false) -> Cookie {
        if persistent {
            return Cookie(name: sessionCookie, value: session, maxAge: Int(SSOSessions.lifetime), path: "/", httpOnly: true, sameSite: .lax)
        }
        return Cookie(name: sessionCookie, value: session, path: "/", httpOnly: true, sameSite: .lax)
    }

    static func body(_ request: Request) async throws -> [UInt8] { try await MockServer.body(request, limit: maxBody) }

    static func html(_ page: String, status: HTTPResponse.Status) -> Response { MockServer.html(page, status: status) }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

}
