import Foundation

/// The host names a mock server answers to: what its `Host` header (HTTP/1.1) or `:authority` (HTTP/2) must name.
///
/// A page on `evil.example` whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding) makes the victim's browser send
/// `Host: evil.example[:PORT]` to the loopback server with the page's own origin, so same-origin rules no longer
/// protect it. Refusing every name but the server's own closes that door (the defence RFC 6761 §6.3 relies on and
/// that, for instance, the Chromium and Node.js inspectors apply). Accepted, with any port:
/// - loopback names: `localhost` and `*.localhost` (RFC 6761 §6.3: they resolve to loopback only), every `127.x.y.z`
///   (RFC 1122 §3.2.1.3: all of 127/8 is loopback), `[::1]` (RFC 4291 §2.5.3) and its IPv4-mapped form of 127/8;
/// - the listening address itself when it is not a wildcard (`0.0.0.0`, `::`);
/// - names configured explicitly: mock-entra's `--public-url` host and either server's `--allowed-host`.
///
/// Names are compared case-insensitively (RFC 4343) with a trailing dot removed (`localhost.` is `localhost`). An
/// authority with user information (`user@host`), a bad port, or any character a host name cannot hold is refused
/// rather than guessed at.
public struct AllowedHosts: Sendable, Hashable {
    /// Configured names (lower case, no trailing dot); IPv6 literals are kept in brackets.
    public let names: Set<String>

    /// `bindAddress` is the `--host` the server listens on; `names` are further accepted host names or URLs.
    public init(bindAddress: String, names: [String] = []) {
        var accepted = Set<String>()
        for name in names + [bindAddress] {
            if let host = Self.host(ofConfigured: name), !Self.wildcards.contains(host) { accepted.insert(host) }
        }
        self.names = accepted
    }

    private init(names: Set<String>) { self.names = names }

    /// These names and `more` (host names, `host:port` or URLs).
    public func adding(_ more: [String]) -> AllowedHosts {
        AllowedHosts(names: names.union(more.compactMap { Self.host(ofConfigured: $0) }.filter { !Self.wildcards.contains($0) }))
    }

    /// Addresses that mean "every interface": not a name a client can use.
    static let wildcards: Set<String> = ["0.0.0.0", "[::]", "*", ""]

    /// Why an authority was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// No Host header at all (HTTP/1.1 requires one: RFC 9112 §3.2).
        case missing
        /// Not a `host[:port]` at all (user information, stray characters, a bad port).
        case malformed(String)
        /// A well-formed name this server does not answer to.
        case foreign(String)
    }

    /// Accepts `authority` (the Host header as received), or says why not.
    public func check(_ authority: String?) throws(Refusal) {
        guard let authority, !authority.isEmpty else { throw .missing }
        guard let host = Self.host(ofAuthority: authority) else { throw .malformed(authority) }
        guard Self.isLoopback(host) || names.contains(host) else { throw .foreign(host) }
    }

    /// For messages: the accepted names, loopback first.
    public var summary: String {
        (["localhost", "*.localhost", "127.0.0.0/8", "[::1]"] + names.sorted()).joined(separator: ", ")
    }

    // MARK: - Parsing

    /// The host of a configured value: a bare name or address, `host:port`, or a URL such as `--public-url`'s.
    static func host(ofConfigured value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("://") {
            guard let components = URLComponents(string: trimmed), let host = components.host else { return nil }
            // URLComponents gives an IPv6 host without brackets on Linux and with them elsewhere.
            return host.contains(":") && !host.hasPrefix("[") ? normalised("[" + host + "]") : normalised(host)
        }
        // A bare IPv6 address (`::1`, as `--host` takes it) has colons but no brackets.
        if trimmed.filter({ $0 == ":" }).count > 1 && !trimmed.hasPrefix("[") { return normalised("[" + trimmed + "]") }
        return host(ofAuthority: trimmed)
    }

    /// The host part of `host[:port]` or `[v6][:port]`, normalised; nil when it is not one.
    static func host(ofAuthority authority: String) -> String? {
        var host = Substring(authority)
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && isPort(rest.dropFirst())) else { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard isPort(authority[authority.index(after: colon)...]) else { return nil }
        }
        return normalised(String(host))
    }

    /// 1 to 5 digits, at most 65535 (an empty port after `:` is allowed by RFC 3986 but no client sends one).
    static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber } && (Int(text) ?? Int.max) <= 65535
    }

    /// Lower case, trailing dot removed; nil for anything that is neither a DNS name, an IPv4 address, nor a
    /// bracketed IPv6 literal.
    static func normalised(_ host: String) -> String? {
        var host = host.lowercased()
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2,
                  host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                  ipv6Bytes(String(host.dropFirst().dropLast())) != nil else { return nil }
            return host
        }
        if host.hasSuffix(".") { host.removeLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !host.isEmpty, host.count <= 253,
              labels.allSatisfy({ label in
                  !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                      && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
              }) else { return nil }
        return host
    }

    // MARK: - Loopback

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if let octets = ipv4Octets(host) { return octets[0] == 127 }
        if host.hasPrefix("["), let bytes = ipv6Bytes(String(host.dropFirst().dropLast())) {
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let mapped127 = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            return bytes == loopback || mapped127
        }
        return false
    }

    /// Exactly four decimal octets (`127.0.0.1`); the short and octal forms `inet_aton` also takes are not
    /// addresses a browser sends, so they are not treated as addresses (and, as names, they are not loopback).
    static func ipv4Octets(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The 16 bytes of an IPv6 address in text form (RFC 4291 §2.2, with `::` and a dotted IPv4 tail).
    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains("."), let octets = ipv4Octets(String(piece)) {
                    result += [UInt16(octets[0]) << 8 | UInt16(octets[1]), UInt16(octets[2]) << 8 | UInt16(octets[3])]
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        let head: [UInt16]
        var tail: [UInt16] = []
        if halves.count == 2 {
            guard let h = groups(halves[0], allowIPv4Tail: false), let t = groups(halves[1], allowIPv4Tail: true), h.count + t.count <= 7 else {
                return nil
            }
            (head, tail) = (h, t)
        } else {
            guard let h = groups(halves[0], allowIPv4Tail: true), h.count == 8 else { return nil }
            head = h
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
