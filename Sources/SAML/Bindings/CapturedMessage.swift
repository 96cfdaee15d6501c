import Foundation

/// A SAML message as people capture it, in whatever form it was saved: the XML itself, its base64 (plain or
/// URL-encoded, line breaks allowed), a form body `SAMLResponse=…&RelayState=…`, a URL or query string of the
/// Redirect binding, an HTML page holding the auto-post form, or a browser's HAR file. ``decode(_:)`` works out
/// which, with the same limits as the bindings (nothing is inflated or parsed beyond them).
public struct CapturedMessage: Sendable {
    public enum Form: String, Sendable, Hashable, Codable {
        case xml
        case base64
        case urlEncodedBase64
        case formBody
        case redirectQuery
        case htmlForm
        case har
    }

    public let form: Form
    /// `SAMLResponse` or `SAMLRequest`, when the form names it.
    public let kind: SAMLMessageKind?
    public let xml: [UInt8]
    public let relayState: String?
    /// HAR and HTML forms: where the message was sent.
    public let endpoint: String?

    /// Largest input accepted (a HAR file can be big; the message in it is still bounded by the bindings' limits).
    public static let maxInputBytes = 64 << 20

    public static func decode(_ input: [UInt8]) throws(SAMLError) -> CapturedMessage {
        guard input.count <= maxInputBytes else {
            throw SAMLError(.inputTooLarge, "the input exceeds the limit", expected: "at most \(maxInputBytes) bytes",
                            found: "\(input.count) bytes")
        }
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // Trimmed on bytes: XML, the common case, is passed on without a String round trip (a 1 MiB capture costs
        // a copy, not a transcoding).
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            throw SAMLError(.inputEmpty, "the input is empty", expected: "a SAML message", found: "nothing")
        }
        bytes = bytes[first...last]
        if bytes.first == UInt8(ascii: "<") {
            let lower = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
            if lower.contains("<html") || lower.contains("<form") || lower.contains("<!doctype html") {
                return try htmlForm(String(decoding: bytes, as: UTF8.self))
            }
            return CapturedMessage(form: .xml, kind: nil, xml: Array(bytes), relayState: nil, endpoint: nil)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("{") { return try har(text) }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            guard let query = text.split(separator: "?", maxSplits: 1).last, text.contains("?") else {
                throw SAMLError(.bindingMissingMessage, "the URL has no query", expected: "?SAMLRequest=… or ?SAMLResponse=…",
                                found: String(text.prefix(80)))
            }
            let message = try RedirectBinding.decode(query: String(query))
            return CapturedMessage(form: .redirectQuery, kind: message.kind, xml: message.xml, relayState: message.relayState,
                                   endpoint: String(text.split(separator: "?", maxSplits: 1)[0]))
        }
        if text.contains("SAMLResponse=") || text.contains("SAMLRequest=") {
            return try formOrQuery(text.hasPrefix("?") ? String(text.dropFirst()) : text, form: .formBody, endpoint: nil)
        }
        if text.contains("%") {
            return try base64(try FormEncoding.decode(Substring(text)), form: .urlEncodedBase64)
        }
        return try base64(text, form: .base64)
    }

    /// A POST body, or a Redirect query (base64 of DEFLATE) when the value does not decode to XML.
    static func formOrQuery(_ text: String, form: Form, endpoint: String?) throws(SAMLError) -> CapturedMessage {
        do {
            let message = try PostBinding.decode(formBody: text, maxBodyBytes: maxInputBytes)
            if Self.looksLikeXML(message.xml) {
                return CapturedMessage(form: form, kind: message.kind, xml: message.xml, relayState: message.relayState, endpoint: endpoint)
            }
        } catch {
            if error.code == .bindingMissingMessage { throw error }
        }
        let message = try RedirectBinding.decode(query: text, limits: .init(maxQueryBytes: maxInputBytes))
        return CapturedMessage(form: form == .formBody ? .redirectQuery : form, kind: message.kind, xml: message.xml,
                               relayState: message.relayState, endpoint: endpoint)
    }

    /// Base64 of the XML, or of its raw DEFLATE (a Redirect-binding value copied alone).
    static func base64(_ text: String, form: Form) throws(SAMLError) -> CapturedMessage {
        guard let decoded = Base64.decode(text) else {
            throw SAMLError(.inputBase64, "the input is not XML, base64, a form body, an HTML page or a HAR file",
                            expected: "a SAML message in one of those forms", found: "\"\(text.prefix(40))…\"")
        }
        if looksLikeXML(decoded) { return CapturedMessage(form: form, kind: nil, xml: decoded, relayState: nil, endpoint: nil) }
        let inflated = try NativeDeflate.inflate(decoded, limit: RedirectBinding.Limits().maxInflatedBytes)
        guard looksLikeXML(inflated) else {
            throw SAMLError(.inputBase64, "the base64 does not hold XML", expected: "<…", found: "binary data")
        }
        return CapturedMessage(form: form, kind: nil, xml: inflated, relayState: nil, endpoint: nil)
    }

    static func looksLikeXML(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF } == UInt8(ascii: "<")
    }

    /// The first form input named SAMLResponse or SAMLRequest (and RelayState) of an HTML page.
    static func htmlForm(_ page: String) throws(SAMLError) -> CapturedMessage {
        for kind in [SAMLMessageKind.response, .request] {
            guard let value = inputValue(page, named: kind.rawValue) else { continue }
            let message = try base64(value, form: .htmlForm)
            let action = attribute("action", inTagBefore: page.range(of: "name=\"\(kind.rawValue)\"")?.lowerBound, in: page, tag: "<form")
            return CapturedMessage(form: .htmlForm, kind: kind, xml: message.xml, relayState: inputValue(page, named: "RelayState"),
                                   endpoint: action)
        }
        throw SAMLError(.bindingMissingMessage, "the HTML page has no SAML form field", expected: "an input named SAMLResponse or SAMLRequest",
                        found: "none")
    }

    static func inputValue(_ page: String, named name: String) -> String? {
        for quote in ["\"", "'"] {
            guard let nameRange = page.range(of: "name=\(quote)\(name)\(quote)") else { continue }
            // The value attribute of the same tag, before or after the name.
            let tagStart = page[..<nameRange.lowerBound].range(of: "<", options: .backwards)?.lowerBound ?? page.startIndex
            let tagEnd = page[nameRange.upperBound...].firstIndex(of: ">") ?? page.endIndex
            let tag = page[tagStart..<tagEnd]
            for q in ["\"", "'"] {
                if let v = tag.range(of: "value=\(q)") {
                    return Markup.unescape(String(tag[v.upperBound...].prefix { String($0) != q }))
                }
            }
        }
        return nil
    }

    static func attribute(_ name: String, inTagBefore index: String.Index?, in page: String, tag: String) -> String? {
        guard let index, let open = page[..<index].range(of: tag, options: [.backwards, .caseInsensitive]) else { return nil }
        let end = page[open.upperBound...].firstIndex(of: ">") ?? page.endIndex
        let text = page[open.upperBound..<end]
        guard let range = text.range(of: "\(name)=\"") else { return nil }
        return Markup.unescape(String(text[range.upperBound...].prefix { $0 != "\"" }))
    }

    /// A HAR file (HTTP Archive): the first request that carries a SAML message, a POST body first, else a
    /// Redirect-binding URL.
    static func har(_ text: String) throws(SAMLError) -> CapturedMessage {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let log = json["log"] as? [String: Any], let entries = log["entries"] as? [[String: Any]] else {
            throw SAMLError(.inputBase64, "the JSON input is not a HAR file", expected: "{\"log\": {\"entries\": […]}}", found: "other JSON")
        }
        var redirect: (url: String, query: String)?
        for entry in entries {
            guard let request = entry["request"] as? [String: Any], let url = request["url"] as? String else { continue }
            if (request["method"] as? String)?.uppercased() == "POST", let post = request["postData"] as? [String: Any] {
                var body = post["text"] as? String ?? ""
                if !body.contains("SAMLResponse=") && !body.contains("SAMLRequest="), let params = post["params"] as? [[String: Any]] {
                    body = params.compactMap { p in
                        (p["name"] as? String).map { "\(FormEncoding.encode($0))=\(FormEncoding.encode(p["value"] as? String ?? ""))" }
                    }.joined(separator: "&")
                }
                if body.contains("SAMLResponse=") || body.contains("SAMLRequest=") {
                    let message = try formOrQuery(body, form: .har, endpoint: url)
                    return CapturedMessage(form: .har, kind: message.kind, xml: message.xml, relayState: message.relayState, endpoint: url)
                }
            }
            if redirect == nil, let query = url.split(separator: "?", maxSplits: 1).dropFirst().first,
               query.contains("SAMLRequest=") || query.contains("SAMLResponse=") {
                redirect = (url, String(query))
            }
        }
        if let redirect {
            let message = try RedirectBinding.decode(query: redirect.query)
            return CapturedMessage(form: .har, kind: message.kind, xml: message.xml, relayState: message.relayState,
                                   endpoint: String(redirect.url.split(separator: "?", maxSplits: 1)[0]))
        }
        throw SAMLError(.bindingMissingMessage, "the HAR file has no SAML message", expected: "a request carrying SAMLResponse or SAMLRequest",
                        found: "\(entries.count) requests without one")
    }
}
