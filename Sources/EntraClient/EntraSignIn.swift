import Foundation
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Signs in to an application through Entra's converged sign-in protocol (entra-signin-protocol.md §1–§3), as
/// saml2aws's AAD provider does it (pkg/provider/aad/aad.go), so the same client works against mock-entra and Entra:
/// the user access URL, then each page by what it is (``ConvergedPage/Kind``): GetCredentialType and the password on
/// ConvergedSignIn; BeginAuth, EndAuth with the authenticator's code and ProcessAuth on ConvergedTFA; "Stay signed
/// in?" answered No; the launcher's SAMLRequest page and its hidden forms followed; until the "Working..." form
/// carries a SAMLResponse. Used by `saml login`, the offline demo and the examples.
public struct EntraSignIn: Sendable {
    public var baseURL: String
    public var tenant: String
    public var appID: String
    /// Where the sign-in starts; nil: the app's user access URL on `baseURL`
    /// (`/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn&applicationId=APP`), naming the
    /// tenant too (`tenantId`, as the launcher's `/api/signin/APP?tenantId=` form does), which mock-entra checks.
    public var startURL: String?

    /// A sign-in is a handful of pages; a page that keeps coming back (saml2aws loops forever on some) ends it.
    static let maxSteps = 20

    public init(baseURL: String, tenant: String = "aaaabbbb-0000-cccc-1111-dddd2222eeee",
                appID: String = "33333333-aaaa-4bbb-8ccc-000000000001", startURL: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.tenant = tenant
        self.appID = appID
        self.startURL = startURL
    }

    /// A refused sign-in: the AADSTS line of Entra's error page (or of the page's `$Config` error fields).
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public let code: String?
        public let message: String
        public init(code: String?, message: String) { (self.code, self.message) = (code, message) }
        public var description: String { message }
    }

    /// Signs `username` in; `code` is asked for only when the MFA page comes (return the authenticator's code).
    public func signIn(username: String, password: String, code: @Sendable () throws -> String) async throws -> CapturedMessage {
        let browser = Browser()
        let start = startURL ?? "\(baseURL)/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn"
            + "&applicationId=\(FormEncoding.encode(appID))&tenantId=\(FormEncoding.encode(tenant))"
        var page = try await browser.send(start, form: nil)
        var passwordSent = false
        for _ in 0..<Self.maxSteps {
            let converged = ConvergedPage(page.body)
            switch converged.kind {
            case .signIn:
                let config = try converged.config()
                // "50058" (not signed in yet) is the normal first-visit value; anything else is the error of the last
                // post (aad.go stops with "login error N").
                if let error = config.sErrorCode, !error.isEmpty, error != "50058" {
                    throw Refused(code: "AADSTS\(error)", message: config.sErrTxt.flatMap { $0.isEmpty ? nil : $0 } ?? "login error \(error)")
                }
                guard !passwordSent else { throw Refused(code: nil, message: "the sign-in page came back after the password") }
                try await checkUsername(username, config: config, page: page.url, browser: browser)
                let form: [(String, String)] = [("canary", config.canary ?? ""), ("hpgrequestid", config.sessionId ?? ""),
                                                (config.flowTokenName, config.sFT ?? ""), ("ctx", config.sCtx ?? ""),
                                                ("login", username), ("loginfmt", username), ("passwd", password)]
                page = try await browser.send(try Self.resolve(config.urlPost, against: page.url), form: form)
                passwordSent = true
            case .kmsi:
                let config = try converged.config()
                // No (LoginOptions=3): this client keeps no cookies once the sign-in is over.
                page = try await browser.send(try Self.resolve(config.urlPost, against: page.url),
                                              form: [(config.flowTokenName, config.sFT ?? ""), ("ctx", config.sCtx ?? ""),
                                                     ("canary", config.canary ?? ""), ("LoginOptions", "3")])
            case .tfa:
                page = try await strongAuth(try converged.config(), page: page.url, browser: browser, code: code)
            case .samlRequest:
                guard let next = converged.samlRequestURL() else { throw Refused(code: nil, message: "no SAMLRequest URL on the launcher's page") }
                page = try await browser.send(next, form: nil)
            case .hiddenForm:
                if converged.inputs().contains(where: { $0.name == "SAMLResponse" }) {
                    return try CapturedMessage.decode(Array(page.body.utf8))
                }
                guard let action = converged.formAction() else { throw Refused(code: nil, message: "a hidden form without an action") }
                page = try await browser.send(try Self.resolve(action, against: page.url), form: converged.inputs().map { ($0.name, $0.value) })
            case .proofUpRedirect:
                throw Refused(code: "AADSTS50079", message: "Entra asks to register a method for multi-factor authentication first; do it in a browser")
            case .other:
                throw Self.refusal((page.status, page.body))
            }
        }
        throw Refused(code: nil, message: "the sign-in did not end after \(Self.maxSteps) pages")
    }

    /// GetCredentialType, as the page's script calls it: an unknown username ends here (AADSTS50034) rather than
    /// after the password. An answer that cannot be read changes nothing: the password post decides.
    func checkUsername(_ username: String, config: ConvergedPage.Config, page: URL, browser: Browser) async throws {
        guard let url = config.urlGetCredentialType, !url.isEmpty else { return }
        let body: [String: Any] = ["username": username, "isOtherIdpSupported": true, "checkPhones": false, "isRemoteNGCSupported": false,
                                   "isCookieBannerShown": false, "isFidoSupported": false, "originalRequest": config.sCtx ?? "",
                                   "flowToken": config.sFT ?? "", "isAccessPassSupported": false]
        let reply = try await browser.json(try Self.resolve(url, against: page), body,
                                           headers: ["canary": config.apiCanary ?? "", "client-request-id": config.correlationId ?? "",
                                                     "hpgrequestid": config.sessionId ?? "", "Referer": page.absoluteString])
        if reply?["IfExistsResult"] as? Int == 1 {
            throw Refused(code: "AADSTS50034", message: "AADSTS50034: The user account \(username) does not exist in the directory.")
        }
    }

    /// ConvergedTFA: BeginAuth for the authenticator app's code (PhoneAppOTP), EndAuth with the code, then ProcessAuth
    /// with the flow token and context EndAuth returned (aad.go `processMfaBeginAuth`, `processMfa`,
    /// `processMfaAuth`).
    func strongAuth(_ config: ConvergedPage.Config, page: URL, browser: Browser,
                    code: @Sendable () throws -> String) async throws -> (status: Int, body: String, url: URL) {
        let proofs = config.arrUserProofs ?? []
        guard let proof = proofs.first(where: { $0.authMethodId == "PhoneAppOTP" && $0.isDefault == true })
                ?? proofs.first(where: { $0.authMethodId == "PhoneAppOTP" }) else {
            throw Refused(code: "AADSTS50076", message: "Entra asks for multi-factor authentication by \(proofs.map(\.authMethodId).joined(separator: ", ")); "
                          + "only a code from an authenticator app (PhoneAppOTP) is supported")
        }
        guard let begin = config.urlBeginAuth, let end = config.urlEndAuth, let processAuth = config.urlPost else {
            throw Refused(code: nil, message: "the code page names no BeginAuth, EndAuth or ProcessAuth URL")
        }
        let began = try await browser.json(try Self.resolve(begin, against: page),
                                           ["AuthMethodId": proof.authMethodId, "Method": "BeginAuth", "Ctx": config.sCtx ?? "", "FlowToken": config.sFT ?? ""])
        guard let began, began["Success"] as? Bool == true else { throw Self.strongAuthRefusal(began, step: "BeginAuth") }
        var body: [String: Any] = ["AuthMethodId": began["AuthMethodId"] as? String ?? proof.authMethodId, "Method": "EndAuth",
                                   "Ctx": began["Ctx"] as? String ?? "", "FlowToken": began["FlowToken"] as? String ?? "",
                                   "SessionId": began["SessionId"] as? String ?? ""]
        body["AdditionalAuthData"] = try code()
        let ended = try await browser.json(try Self.resolve(end, against: page), body)
        guard let ended, ended["Success"] as? Bool == true else { throw Self.strongAuthRefusal(ended, step: "EndAuth") }
        return try await browser.send(try Self.resolve(processAuth, against: page),
                                      form: [(config.flowTokenName, ended["FlowToken"] as? String ?? ""), ("request", ended["Ctx"] as? String ?? ""),
                                             ("login", config.sPOST_Username ?? "")])
    }

    static func strongAuthRefusal(_ reply: [String: Any]?, step: String) -> Refused {
        let message = reply?["Message"] as? String
        let errCode = reply?["ErrCode"] as? Int ?? 0
        let code = message.flatMap { $0.hasPrefix("AADSTS") ? String($0.prefix { $0 != ":" }) : nil } ?? (errCode != 0 ? "AADSTS\(errCode)" : nil)
        return Refused(code: code, message: message ?? "\(step) failed: \(reply?["ResultValue"] as? String ?? "no answer")")
    }

    /// `url` as the page gave it; one starting with `/` is on the scheme and host of the page (aad.go `fullUrl`).
    static func resolve(_ url: String?, against page: URL) throws(Refused) -> String {
        guard let url, !url.isEmpty else { throw Refused(code: nil, message: "the page names no URL to post to") }
        guard url.hasPrefix("/") else { return url }
        guard let resolved = URL(string: url, relativeTo: page)?.absoluteString else { throw Refused(code: nil, message: "not a URL: \(url)") }
        return resolved
    }

    /// Posts `form` to `url` (or GETs it) and returns the status and page; no cookies, no redirects needed.
    public static func send(_ url: String, form: [(String, String)]?) async throws -> (status: Int, body: String) {
        let (data, response) = try await session.data(for: try request(url, form: form, cookie: nil))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// One exchange as a browser's single hop sees it: `form` posted (or a GET), `cookie` sent as the Cookie header,
    /// no redirect followed (the caller follows `location`, carrying the cookie it was given, as a browser does
    /// after AWS's sign-in endpoint answers 302 with the console session cookie).
    /// - Parameters:
    ///   - url: The absolute URL.
    ///   - form: Fields to post, or nil for a GET.
    ///   - cookie: A `NAME=VALUE` to send, or nil.
    /// - Returns: The status, the headers (names in lowercase) and the page.
    /// - Throws: ``Refused`` for a URL that is not one; URLSession's error when the server cannot be reached.
    public static func exchange(_ url: String, form: [(String, String)]?, cookie: String? = nil) async throws
        -> (status: Int, headers: [String: String], body: String) {
        let (data, response) = try await noRedirectSession.data(for: try request(url, form: form, cookie: cookie))
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http?.statusCode ?? 0, headers, String(decoding: data, as: UTF8.self))
    }

    /// A GET, or a POST of `form` URL-encoded, with `cookie` as the only cookie (none of URLSession's own).
    private static func request(_ url: String, form: [(String, String)]?, cookie: String?) throws -> URLRequest {
        guard let target = URL(string: url) else { throw Refused(code: nil, message: "not a URL: \(url)") }
        var request = URLRequest(url: target)
        if let form {
            request.httpMethod = "POST"
            request.httpBody = Data(form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        request.timeoutInterval = 30
        request.httpShouldHandleCookies = false
        return request
    }

    /// ``session`` that does not follow redirects: swift-corelibs-foundation ignores a delegate passed to
    /// `data(for:delegate:)`, so the refusal is the session's own delegate.
    static let noRedirectSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    /// No cookie store: each sign-in is a fresh browser, so one user's SSO session never signs the next one in.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }()

    /// The value of the input named `name` in a page.
    public static func field(_ name: String, in page: String) -> String? {
        guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return Markup.unescape(String(page[range.upperBound...].prefix { $0 != "\"" }))
    }

    /// The text of the element with `id` in a page (`nav-usernameMenu` on mock-aws's console page, for instance).
    public static func element(id: String, in page: String) -> String? {
        guard let range = page.range(of: "id=\"\(id)\""), let close = page[range.upperBound...].firstIndex(of: ">") else { return nil }
        return Markup.unescape(String(page[page.index(after: close)...].prefix { $0 != "<" }))
    }

    static func refusal(_ page: (status: Int, body: String)) -> Refused {
        if let range = page.body.range(of: "data-code=\""), let text = page.body.range(of: "\">", range: range.upperBound..<page.body.endIndex) {
            let code = String(page.body[range.upperBound...].prefix { $0 != "\"" })
            return Refused(code: code, message: Markup.unescape(String(page.body[text.upperBound...].prefix { $0 != "<" })))
        }
        if let range = page.body.range(of: "role=\"alert\">") {
            let message = Markup.unescape(String(page.body[range.upperBound...].prefix { $0 != "<" }))
            return Refused(code: message.hasPrefix("AADSTS") ? String(message.prefix { $0 != ":" }) : nil, message: message)
        }
        return Refused(code: nil, message: "unexpected answer from the IdP: HTTP \(page.status)")
    }
}

/// Stops URLSession from following a redirect, so the caller sees the 3xx and its headers.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
