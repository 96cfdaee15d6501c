import Foundation

/// What a browser does with mock-aws's sign-in endpoint: posts the SAMLResponse to `/saml`, and when the answer is
/// AWS's 302 to the console, follows `Location` carrying the `aws-creds` cookie it was given.
public struct ConsoleVisit: Sendable {
    /// The answer to `POST /saml`: 302 with the session cookie, the chooser (200), or the error page.
    public var signIn: ServerProcess.HTTPResult
    /// The console page the redirect leads to, nil when there was no redirect.
    public var console: ServerProcess.HTTPResult?
    /// `aws-creds=VALUE`, as the browser sends it back, nil when no session cookie was set.
    public var cookie: String?

    /// The `Location` of the redirect.
    public var location: String? { signIn.headers["location"] }
    /// The text of the console's account menu (`ROLE/SESSION @ ACCOUNT`), nil when no console page was reached.
    public var session: String? { console.flatMap { ConsoleVisit.element("nav-usernameMenu", in: $0.body) } }

    /// The text of the element with `id` in `page` (up to its first tag).
    public static func element(_ id: String, in page: String) -> String? {
        guard let range = page.range(of: "id=\"\(id)\""), let close = page[range.upperBound...].firstIndex(of: ">") else { return nil }
        return String(page[page.index(after: close)...].prefix { $0 != "<" }).replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension HTTPTestServer {
    /// Posts `form` to `/saml` and, on a 302, loads the console page with the cookie set there.
    public func consoleSignIn(_ form: [(String, String)]) async throws -> ConsoleVisit {
        let signIn = try await post("/saml", form: form)
        guard signIn.status == 302, let location = signIn.headers["location"] else { return ConsoleVisit(signIn: signIn) }
        let cookie = signIn.headers["set-cookie"].map { String($0.prefix { $0 != ";" }) }
        let console = try await get(location, headers: cookie.map { ["Cookie": $0] } ?? [:])
        return ConsoleVisit(signIn: signIn, console: console, cookie: cookie)
    }
}
