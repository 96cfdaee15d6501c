import AWSFederation
import SAML

/// Where the sign-in endpoint sends the browser once a console session is open: the RelayState when it is an AWS
/// console URL (a "deep link", AWS Security Blog, "How to Use SAML to Automatically Direct Federated Users to a
/// Specific AWS Management Console Page"; IAM Identity Center guide, "Set relay state": "https://console.aws.amazon.com/ec2/",
/// or "https://us-east-2.console.aws.amazon.com/ec2/" for a Region), Console Home otherwise.
///
/// mock-aws is offline, so it serves the console itself under `/console` on its own origin: the deep link's path
/// goes under `/console` (AWS's own `/console/...` paths, Console Home `/console/home` among them, stay as they are),
/// its query and fragment are kept, and a regional console host becomes `region=REGION` in the query when the query
/// names no region (the console's own way of naming one). Anything that is not an AWS console URL, as
/// ``AWSConsoleURL`` reads it (which reads it as browsers do), is not followed: never an open redirect.
enum ConsoleDestination {
    /// Console Home, AWS's `https://console.aws.amazon.com/console/home`.
    static let home = "/console/home"

    /// The path (with query and fragment) on mock-aws's origin that `relayState` leads to.
    /// - Parameter relayState: The RelayState posted with the SAMLResponse, if any.
    static func path(relayState: String?) -> String {
        guard let relayState, let url = consoleURL(relayState) else { return home }
        var path = url.path
        if path == "/" {
            path = home
        } else if path != "/console" && !path.hasPrefix("/console/") {
            path = "/console" + path
        }
        var query = url.query
        if let region = region(ofHost: url.host), !(query ?? "").split(separator: "&").contains(where: { $0.hasPrefix("region=") }) {
            query = (query.map { $0.isEmpty ? "" : $0 + "&" } ?? "") + "region=" + region
        }
        return path + (query.map { "?" + $0 } ?? "") + (url.fragment.map { "#" + $0 } ?? "")
    }

    /// `text` read as an AWS console URL, or nil. A bare origin (`https://us-west-2.console.aws.amazon.com`, the IAM
    /// Identity Center guide's own relay state example) is read as its root, as browsers read it; it can only be
    /// that, since `BrowserURL` takes `text + "/"` only when nothing follows the host.
    static func consoleURL(_ text: String) -> BrowserURL? {
        if AWSConsoleURL.contains(text) { return try? BrowserURL(text) }
        guard AWSConsoleURL.contains(text + "/"), let url = try? BrowserURL(text + "/"), url.path == "/", url.query == nil,
              url.fragment == nil, text == "https://" + url.host else { return nil }
        return url
    }

    /// The absolute URL of `path` on the origin the browser reached mock-aws at (`authority` is the Host header,
    /// which ``HostCheckMiddleware`` has already checked against the names mock-aws answers to).
    /// - Parameters:
    ///   - path: A path starting with `/`.
    ///   - authority: The request's Host.
    static func absolute(_ path: String, authority: String) -> String { "http://\(authority)\(path)" }

    /// `REGION` of a regional console host (`REGION.console.aws.amazon.com`), nil for a global one.
    static func region(ofHost host: String) -> String? {
        for suffix in AWSConsoleURL.hosts where host.hasSuffix("." + suffix) {
            return String(host.dropLast(suffix.count + 1))
        }
        return nil
    }

    /// The Region a console page shows: its `region=` query parameter when it is one AWS lists, else `fallback`.
    /// - Parameters:
    ///   - query: The page's query string.
    ///   - fallback: mock-aws's own Region.
    static func region(inQuery query: String?, fallback: String) -> String {
        for pair in (query ?? "").split(separator: "&") where pair.hasPrefix("region=") {
            let value = String(pair.dropFirst("region=".count))
            if AWSSignInEndpoint.regions.contains(value) { return value }
        }
        return fallback
    }

    /// The console service a page belongs to (`s3` for `/console/s3/home`), nil on Console Home.
    static func service(ofPath path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "console", parts[1] != "home" else { return nil }
        return parts[1]
    }
}
