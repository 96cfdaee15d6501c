import Foundation
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One sign-in's HTTP client: its own cookies, kept for this sign-in only (Entra keeps state in cookies as well as in
/// the pages; a sign-in never inherits another's SSO session), redirects followed as a browser follows them.
final class Browser: @unchecked Sendable {
    /// Entra's pages are tens of kilobytes; anything far bigger is not a sign-in page.
    static let maxPage = 4 << 20
    private let lock = NSLock()
    private var cookies: [HTTPCookie] = []

    /// Posts `form` to `url` (or GETs it); the page, its status and the URL it finally came from (after redirects),
    /// which relative URLs in it resolve against.
    func send(_ url: String, form: [(String, String)]?) async throws -> (status: Int, body: String, url: URL) {
        guard let target = URL(string: url) else { throw EntraSignIn.Refused(code: nil, message: "not a URL: \(url)") }
        var request = URLRequest(url: target)
        if let form {
            request.httpMethod = "POST"
            request.httpBody = Data(form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await perform(request)
        return (response.statusCode, String(decoding: data, as: UTF8.self), response.url ?? target)
    }

    /// Posts a JSON object and reads a JSON object back (nil when the answer is not one).
    func json(_ url: String, _ body: [String: Any], headers: [String: String] = [:]) async throws -> [String: Any]? {
        guard let target = URL(string: url) else { throw EntraSignIn.Refused(code: nil, message: "not a URL: \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers where !value.isEmpty { request.setValue(value, forHTTPHeaderField: name) }
        let (data, _) = try await perform(request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private func perform(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        var request = request
        request.timeoutInterval = 30
        request.httpShouldHandleCookies = false
        if let url = request.url {
            let matching = lock.withLock { cookies.filter { Self.applies($0, to: url) } }
            for (name, value) in HTTPCookie.requestHeaderFields(with: matching) { request.setValue(value, forHTTPHeaderField: name) }
        }
        let (data, response) = try await EntraSignIn.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw EntraSignIn.Refused(code: nil, message: "not an HTTP answer") }
        guard data.count <= Self.maxPage else {
            throw EntraSignIn.Refused(code: nil, message: "the answer from \(request.url?.host ?? "the IdP") is \(data.count) bytes, more than a sign-in page")
        }
        if let url = http.url {
            let headers = http.allHeaderFields.reduce(into: [String: String]()) { result, pair in
                if let name = pair.key as? String, let value = pair.value as? String { result[name] = value }
            }
            let received = HTTPCookie.cookies(withResponseHeaderFields: headers, for: url)
            lock.withLock {
                for cookie in received {
                    cookies.removeAll { $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path }
                    cookies.append(cookie)
                }
            }
        }
        return (data, http)
    }

    /// A cookie goes back to its own host (or domain) and path only.
    static func applies(_ cookie: HTTPCookie, to url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        let domain = cookie.domain.lowercased()
        let hostMatches = domain.hasPrefix(".") ? (host == String(domain.dropFirst()) || host.hasSuffix(domain)) : host == domain
        return hostMatches && url.path.hasPrefix(cookie.path) && (!cookie.isSecure || url.scheme == "https")
    }
}
