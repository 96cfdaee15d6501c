/// A URL as a browser reads it, accepted only when every parser reads it the same way.
///
/// Rules compare URLs (Recipient, Destination, ACS and Reply URLs, RelayState targets) to decide where a browser
/// will send an assertion. Parsers disagree on odd input: for `https://evil.example\@signin.aws.amazon.com/saml`
/// Foundation's `URLComponents` reads the host `signin.aws.amazon.com`, while a browser, following the WHATWG URL
/// Standard (§4.4, the "special authority ignore slashes" and "authority" states), reads `\` as `/` and posts to
/// `evil.example`. So this type parses only the canonical form, which the WHATWG parser serialises back unchanged
/// and RFC 3986 parsers read alike, and refuses everything else with a typed error:
/// - any byte outside printable ASCII: WHATWG strips leading and trailing C0 controls and spaces and removes tabs and
///   newlines anywhere (§4.4 "basic URL parser", steps 1-3); non-ASCII hosts go through IDNA;
/// - a backslash anywhere (a path separator for special schemes, §4.4);
/// - userinfo (`user:pass@`), an empty or explicit default port (`:443` is dropped by WHATWG), a port with leading zeros;
/// - an uppercase scheme or host (WHATWG lowercases them), a trailing dot, percent-escapes in the host (WHATWG
///   decodes them, §3.5 "host parser"), a host that WHATWG would read as an IPv4 number unless it is already dotted-decimal;
/// - no path (WHATWG serialises `https://host` as `https://host/`), percent-escapes, `.`/`..` segments and empty
///   segments in the path (`%2e` is a dot segment to WHATWG, §4.4 "path state").
/// The query and fragment are kept verbatim (only printable ASCII, no backslash).
public struct BrowserURL: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public let scheme: String
    /// Lowercase host name, dotted-decimal IPv4 address, or bracketed IPv6 address.
    public let host: String
    /// An explicit non-default port.
    public let port: Int?
    /// `/` or more; never empty.
    public let path: String
    public let query: String?
    public let fragment: String?

    public var description: String {
        "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") + path + (query.map { "?" + $0 } ?? "") + (fragment.map { "#" + $0 } ?? "")
    }

    /// The origin: scheme, host and port.
    public var origin: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    /// Parses a URL, accepting only its canonical form.
    /// - Parameter text: The URL, such as a Recipient, Destination or RelayState value.
    /// - Throws: ``SAMLError`` with code `url.notCanonical` when `text` is not an absolute `http` or `https` URL in
    ///   the canonical form described above.
    public init(_ text: String) throws(SAMLError) {
        func refuse(_ why: String) -> SAMLError {
            SAMLError(.urlNotCanonical, "the URL is not one that every parser reads alike",
                      expected: "an absolute http(s) URL in canonical form", found: "\(why) in \"\(text.prefix(200))\"")
        }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw refuse("nothing") }
        for byte in bytes {
            guard byte > 0x20 && byte < 0x7F else { throw refuse(byte == 0x20 ? "a space" : byte >= 0x80 ? "a non-ASCII character" : "a control character") }
            guard byte != 0x5C else { throw refuse("a backslash") }
        }
        var rest = Substring(text)
        if rest.hasPrefix("https://") {
            scheme = "https"
        } else if rest.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw refuse("a scheme other than lowercase https:// or http://")
        }
        rest = rest.dropFirst(scheme.count + 3)
        // Fragment, then query, then authority and path.
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        } else {
            fragment = nil
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        } else {
            query = nil
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let rawPath = rest[slash...]
        guard !authority.contains("@") else { throw refuse("userinfo before '@'") }
        var hostPart = authority
        var portValue: Int?
        // The port follows the last ':' outside an IPv6 literal's brackets.
        let hostEnd = authority.hasPrefix("[") ? authority.firstIndex(of: "]").map { authority.index(after: $0) } ?? authority.endIndex
                                               : authority.firstIndex(of: ":") ?? authority.endIndex
        if hostEnd < authority.endIndex {
            guard authority[hostEnd] == ":" else { throw refuse("characters after an IPv6 address") }
            let digits = authority[authority.index(after: hostEnd)...]
            guard !digits.isEmpty else { throw refuse("an empty port") }
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0",
                  let number = Int(digits), (1...65535).contains(number) else { throw refuse("an invalid port") }
            guard number != (scheme == "https" ? 443 : 80) else { throw refuse("the scheme's default port written out") }
            portValue = number
            hostPart = authority[..<hostEnd]
        }
        port = portValue
        host = try Self.host(hostPart, refuse: refuse)
        guard !rawPath.isEmpty else { throw refuse("no path (browsers add '/')") }
        path = String(rawPath)
        guard !rawPath.contains("%") else { throw refuse("a percent-escape in the path") }
        let segments = rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            guard segment != ".", segment != ".." else { throw refuse("a dot segment in the path") }
            guard !segment.isEmpty || index == segments.count - 1 else { throw refuse("an empty path segment") }
            guard segment.allSatisfy(Self.isPathCharacter) else { throw refuse("a character that must be escaped in the path") }
        }
    }

    private static func host(_ text: Substring, refuse: (String) -> SAMLError) throws(SAMLError) -> String {
        guard !text.isEmpty else { throw refuse("an empty host") }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]"), text.count > 2,
                  text.dropFirst().dropLast().allSatisfy({ $0.isHexDigit && !$0.isUppercase || $0 == ":" }) else {
                throw refuse("an IPv6 address that is not in lowercase hexadecimal")
            }
            return String(text)
        }
        guard !text.hasSuffix("."), !text.hasPrefix(".") else { throw refuse("a host ending or starting with a dot") }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                  label.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
                throw refuse("a host that is not lowercase letters, digits, '-' and '.'")
            }
        }
        // WHATWG's "ends in a number" (§3.5): such a host is an IPv4 address, in any of several notations.
        if let last = labels.last, last.allSatisfy(\.isNumber) || (last.hasPrefix("0x") && last.dropFirst(2).allSatisfy(\.isHexDigit)) {
            guard labels.count == 4, labels.allSatisfy({ label in
                label.allSatisfy(\.isNumber) && (label == "0" || label.first != "0") && (Int(label) ?? 256) <= 255
            }) else { throw refuse("a host that browsers read as an IPv4 number") }
        }
        return String(text)
    }

    /// RFC 3986 `pchar` less `%`: unreserved, sub-delims, `:` and `@`.
    private static func isPathCharacter(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return false }
        switch a {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: return true
        case 0x2D, 0x2E, 0x5F, 0x7E, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D, 0x3A, 0x40: return true
        default: return false
        }
    }
}

extension SAMLError.Code {
    /// A URL that parsers could read differently (``BrowserURL``).
    public static let urlNotCanonical = Self(rawValue: "url.notCanonical")
}
