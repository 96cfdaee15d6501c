/// Percent-encoding for query strings and `application/x-www-form-urlencoded` bodies.
///
/// Hand-written because Foundation's `URLComponents` decodes `+` inconsistently across platforms and hides the raw
/// (still encoded) parameter text, which the Redirect binding's signature is computed over (SAML bindings 3.4.4.1).
/// Not SAML API: `package`, for the package's own modules (bindings, the mocks, the tools).
package enum FormEncoding {
    /// Encodes everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
    package static func encode(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count * 3 / 2)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            switch byte {
            case 65...90, 97...122, 48...57, 45, 46, 95, 126: out.append(byte)
            default:
                out.append(37)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` only, `+` staying a plus: a URI path's own encoding (RFC 3986), as SigV4 canonicalises it and
    /// S3 reads bucket names and keys. Throws on a malformed escape or invalid UTF-8.
    package static func decodePath(_ text: Substring) throws(SAMLError) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for c in text { if c == "+" { escaped += "%2B" } else { escaped.append(c) } }
        return try decode(Substring(escaped))
    }

    /// Decodes `%XX` and `+` (space). Throws on a malformed escape or invalid UTF-8.
    package static func decode(_ text: Substring) throws(SAMLError) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        func hexValue(_ c: UInt8?) -> UInt8? {
            guard let c else { return nil }
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while let byte = iterator.next() {
            switch byte {
            case 43: out.append(32)
            case 37:
                guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else {
                    throw SAMLError(.bindingEncoding, "malformed percent-encoding", expected: "%XX with two hex digits",
                                    found: "\"\(text.prefix(40))…\"")
                }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else {
            throw SAMLError(.bindingEncoding, "the decoded text is not UTF-8", expected: "UTF-8", found: "invalid bytes")
        }
        return string
    }

    /// The `name=value` pairs of a query string or form body, values still encoded, in order.
    package static func rawPairs(_ text: String) -> [(name: Substring, value: Substring)] {
        var body = Substring(text)
        if body.first == "?" { body = body.dropFirst() }
        return body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") { return (pair[..<eq], pair[pair.index(after: eq)...]) }
            return (pair, pair[pair.endIndex...])
        }
    }

    /// Decoded pairs; names appearing twice are refused (an ambiguity a signature check must not meet).
    package static func decodePairs(_ text: String) throws(SAMLError) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in rawPairs(text) {
            let key = try decode(name)
            guard result[key] == nil else {
                throw SAMLError(.bindingEncoding, "a parameter appears twice", expected: "one \(key)", found: "two")
            }
            result[key] = try decode(value)
        }
        return result
    }
}
