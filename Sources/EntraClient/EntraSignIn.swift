import Foundation
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Signs in through mock-entra's pages as a browser does: the My Apps launch URL of an application, the password
/// page, the verification-code page when Conditional Access asks for MFA. The result is the auto-post form Entra
/// returns (the SAMLResponse and where it goes). Used by `saml login`, the offline demo and the examples.
public struct EntraSignIn: Sendable {
    public var baseURL: String
    public var tenant: String
    public var appID: String

    public init(baseURL: String, tenant: String = "aaaabbbb-0000-cccc-1111-dddd2222eeee",
                appID: String = "33333333-aaaa-4bbb-8ccc-000000000001") {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.tenant = tenant
        self.appID = appID
    }

    /// A refused sign-in: the AADSTS line of Entra's error page (or of the form's alert).
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public let code: String?
        public let message: String
        public init(code: String?, message: String) { (self.code, self.message) = (code, message) }
        public var description: String { message }
    }

    /// Signs `username` in; `code` is asked for only when the MFA page comes (return the authenticator's code).
    public func signIn(username: String, password: String, code: @Sendable () throws -> String) async throws -> CapturedMessage {
        var page = try await Self.send("\(baseURL)/api/signin/\(appID)?tenantId=\(tenant)", form: nil)
        guard let flow = Self.field("flow", in: page.body) else { throw Self.refusal(page) }
        page = try await Self.send("\(baseURL)/\(tenant)/login", form: [("flow", flow), ("loginfmt", username), ("passwd", password)])
        if page.body.contains("name=\"otc\"") {
            page = try await Self.send("\(baseURL)/\(tenant)/mfa", form: [("flow", flow), ("otc", try code())])
        }
        guard page.body.contains("name=\"SAMLResponse\"") else { throw Self.refusal(page) }
        return try CapturedMessage.decode(Array(page.body.utf8))
    }

    /// Posts `form` to `url` (or GETs it) and returns the status and page; no cookies, no redirects needed.
    public static func send(_ url: String, form: [(String, String)]?) async throws -> (status: Int, body: String) {
        guard let target = URL(string: url) else { throw Refused(code: nil, message: "not a URL: \(url)") }
        var request = URLRequest(url: target)
        if let form {
            request.httpMethod = "POST"
            request.httpBody = Data(form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        request.timeoutInterval = 30
        request.httpShouldHandleCookies = false
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

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
