internal import CXMLSecShim
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
    /// Whether the message was DEFLATE-compressed (the HTTP-Redirect binding's encoding): a service provider that
    /// reads only the POST binding, as AWS's sign-in endpoint does, would not have read it.
    public internal(set) var deflated = false

    func deflated(_ value: Bool) -> CapturedMessage {
        var message = self
        message.deflated = value
        return message
    }

    /// Largest HAR file accepted (a browser's capture of a whole sign-in can be big; the message in it is still
    /// bounded by the bindings' limits).
    public static let maxInputBytes = 64 << 20
    /// Largest input in any other form: a 1 MiB message as URL-encoded base64 in a form or a page, with room.
    public static let maxWrappedBytes = 4 << 20
    /// Most fields of a form body or query: a SAML form has a handful (SAMLResponse, RelayState, and a few more).
    public static let maxFormFields = 64
    /// Most HAR entries read: a sign-in is a few hundred requests.
    public static let maxHAREntries = 2_000
    /// Most JSON objects in a HAR file (a browser writes about 60 per request: headers, cookies, timings).
    public static let maxHARObjects = 60_000

    /// Works out the form of a captured message and extracts it, inflating a DEFLATE-compressed one.
    /// - Parameter input: The capture as saved: a file's bytes or pasted text.
    /// - Returns: The message's XML (not parsed yet), the form it was found in, and what the form said about it.
    /// - Throws: ``SAMLError`` with code `input.empty` or `input.tooLarge` for an empty or oversized input,
    ///   `input.base64` when it is in none of the known forms, `binding.missingMessage` when a form, page, URL or HAR
    ///   file carries no SAML message, or a binding code (`binding.*`) when the message in it does not decode.
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
        guard bytes.first == UInt8(ascii: "{") || bytes.count <= maxWrappedBytes else {
            throw SAMLError(.inputTooLarge, "the input exceeds the limit for its form", expected: "at most \(maxWrappedBytes) bytes (HAR files: \(maxInputBytes))",
                            found: "\(bytes.count) bytes")
        }
        if bytes.first == UInt8(ascii: "<") {
            let lower = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
            if lower.contains("<html") || lower.contains("<form") || lower.contains("<!doctype html") {
                return try htmlForm(Array(bytes))
            }
            return CapturedMessage(form: .xml, kind: nil, xml: Array(bytes), relayState: nil, endpoint: nil)
        }
        // Which form, decided on the bytes (String searches over megabytes were most of the work).
        func has(_ needle: String) -> Bool { bytes.withUnsafeBytes { cxs_contains($0.baseAddress, $0.count, needle) != 0 } }
        if bytes.first == UInt8(ascii: "{") {
            // Objects counted before decoding: 330,000 empty entries took 400 ms to decode only to be refused.
            let objects = bytes.reduce(0) { $1 == UInt8(ascii: "{") ? $0 + 1 : $0 }
            guard objects <= maxHARObjects else {
                throw SAMLError(.inputTooLarge, "the HAR file has too many JSON objects", expected: "at most \(maxHARObjects)",
                                found: "\(objects)")
            }
            guard has("SAMLResponse") || has("SAMLRequest") else {
                throw SAMLError(.bindingMissingMessage, "the input has no SAML message", expected: "a request carrying SAMLResponse or SAMLRequest",
                                found: "JSON without either name")
            }
            return try har(String(decoding: bytes, as: UTF8.self))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            guard let query = text.split(separator: "?", maxSplits: 1).last, text.contains("?") else {
                throw SAMLError(.bindingMissingMessage, "the URL has no query", expected: "?SAMLRequest=… or ?SAMLResponse=…",
                                found: String(text.prefix(80)))
            }
            let message = try RedirectBinding.decode(query: String(query))
            return CapturedMessage(form: .redirectQuery, kind: message.kind, xml: message.xml, relayState: message.relayState,
                                   endpoint: String(text.split(separator: "?", maxSplits: 1)[0])).deflated(true)
        }
        if has("SAMLResponse=") || has("SAMLRequest=") {
            return try formOrQuery(text.hasPrefix("?") ? String(text.dropFirst()) : text, form: .formBody, endpoint: nil)
        }
        if bytes.contains(UInt8(ascii: "%")) {
            return try base64(try FormEncoding.decode(Substring(text)), form: .urlEncodedBase64)
        }
        return try base64(text, form: .base64)
    }

    /// A POST body, or a Redirect query (base64 of DEFLATE) when the value does not decode to XML.
    static func formOrQuery(_ text: String, form: Form, endpoint: String?) throws(SAMLError) -> CapturedMessage {
        // Counted before anything is decoded: 250,000 fields took 150 ms to decode only to be refused.
        let fields = text.utf8.reduce(1) { $1 == UInt8(ascii: "&") ? $0 + 1 : $0 }
        guard fields <= maxFormFields else {
            throw SAMLError(.bindingEncoding, "the form has too many fields", expected: "at most \(maxFormFields)", found: "\(fields)")
        }
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
                               relayState: message.relayState, endpoint: endpoint).deflated(true)
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
        return CapturedMessage(form: form, kind: nil, xml: inflated, relayState: nil, endpoint: nil).deflated(true)
    }

    static func looksLikeXML(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF } == UInt8(ascii: "<")
    }

    /// The form field named SAMLResponse or SAMLRequest (and RelayState) of an HTML page, as an HTML parser reads
    /// the page (``NativeHTMLForm``). Refused when the field is not the page's only one of that name (in any letter
    /// case), or when the name occurs in the page's text more often than as fields: inside a script, a textarea or a
    /// comment that libxml2 and a browser end at different places, where which message a browser posts and which one
    /// a reader takes need not agree.
    static func htmlForm(_ page: [UInt8]) throws(SAMLError) -> CapturedMessage {
        // The page as a browser decodes it: UTF-8 only (a <meta charset> naming another encoding, or ISO-2022's
        // escape bytes, would make a browser read other markup than the parser below), one form only (a form inside
        // another is ignored by browsers, so which one posts is theirs to decide).
        let folded = page.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        if let charset = Self.declaredCharsets(folded).first(where: { $0 != "utf-8" && $0 != "utf8" }) {
            throw SAMLError(.bindingEncoding, "the page declares another encoding than UTF-8", expected: "UTF-8",
                            found: "charset=\(charset)")
        }
        guard !page.contains(0x1B) else {
            throw SAMLError(.bindingEncoding, "the page holds an escape byte (an ISO-2022 encoding)", expected: "UTF-8", found: "0x1B")
        }
        // A NUL is U+FFFD to a browser (the value it posts is then no base64); `h:input` or `svg:form` is an unknown
        // element to HTML, which libxml2's HTML parser reads as the input or form it names.
        guard !page.contains(0) else {
            throw SAMLError(.bindingEncoding, "the page holds a NUL byte", expected: "UTF-8 text", found: "0x00")
        }
        if occurrences(of: ":input", in: folded) + occurrences(of: ":form", in: folded) > 0 {
            throw SAMLError(.bindingEncoding, "the page has a namespace-prefixed input or form, which HTML does not submit",
                            expected: "<form> and <input>", found: "a prefixed element such as <h:input>")
        }
        let forms = occurrences(of: "<form", in: folded)
        guard forms <= 1 else {
            throw SAMLError(.bindingEncoding, "the page has more than one form", expected: "one form (save the form field alone)",
                            found: "\(forms) forms")
        }
        let fields = try NativeHTMLForm.fields(page, named: ["SAMLResponse", "SAMLRequest", "RelayState"])
        // Mentions counted with character references decoded too (SAML&#82;esponse is a name a browser reads).
        let decoded = Self.decodingASCIIReferences(folded)
        func named(_ name: String) -> [NativeHTMLForm.Field] {
            fields.filter { $0.name.utf8.count == name.utf8.count && $0.name.lowercased() == name.lowercased() }
        }
        for kind in [SAMLMessageKind.response, .request] {
            let matching = named(kind.rawValue)
            let mentions = max(occurrences(of: kind.rawValue.lowercased(), in: folded), occurrences(of: kind.rawValue.lowercased(), in: decoded))
            if matching.count > 1 || mentions > matching.count {
                throw SAMLError(.bindingEncoding, "the page has more than one \(kind.rawValue) field, or the name elsewhere in it",
                                expected: "one \(kind.rawValue) form field and no other mention (save the form field alone)",
                                found: "\(matching.count) field(s), \(mentions) mention(s) in the page's text")
            }
            guard let field = matching.first else { continue }
            guard field.name == kind.rawValue else {
                throw SAMLError(.bindingEncoding, "the form field is not named \(kind.rawValue)", expected: kind.rawValue,
                                found: "\"\(field.name)\" (posted under that name, which a service provider does not read)")
            }
            if let reason = field.notPosted {
                throw SAMLError(.bindingEncoding, "a browser would not post the page's \(kind.rawValue) field", expected: "a hidden input of a POST form",
                                found: reason)
            }
            let message = try base64(field.value ?? "", form: .htmlForm)
            let relayState = named("RelayState").filter { $0.notPosted == nil }
            guard relayState.count <= 1 else {
                throw SAMLError(.bindingEncoding, "the page has more than one RelayState field", expected: "at most one",
                                found: "\(relayState.count)")
            }
            return CapturedMessage(form: .htmlForm, kind: kind, xml: message.xml, relayState: relayState.first?.value,
                                   endpoint: field.action).deflated(message.deflated)
        }
        throw SAMLError(.bindingMissingMessage, "the HTML page has no SAML form field", expected: "an input named SAMLResponse or SAMLRequest",
                        found: "none")
    }

    /// The values of every `charset=` in `folded` (a lower-cased page), quotes and spaces skipped.
    static func declaredCharsets(_ folded: [UInt8]) -> [String] {
        var result: [String] = []
        var offset = 0
        let needle = Array("charset".utf8)
        while offset + needle.count < folded.count {
            guard let start = folded[offset...].firstRange(of: needle)?.lowerBound else { break }
            var i = start + needle.count
            while i < folded.count, folded[i] == 0x20 || folded[i] == 0x09 || folded[i] == 0x0A || folded[i] == 0x0D { i += 1 }
            offset = i
            guard i < folded.count, folded[i] == 0x3D else { continue }  // '='
            i += 1
            while i < folded.count, [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27].contains(folded[i]) { i += 1 }
            var value: [UInt8] = []
            while i < folded.count, value.count < 40,
                  (0x61...0x7A).contains(folded[i]) || (0x30...0x39).contains(folded[i]) || folded[i] == 0x2D || folded[i] == 0x5F {
                value.append(folded[i])
                i += 1
            }
            result.append(String(decoding: value, as: UTF8.self))
            offset = i
        }
        return result
    }

    /// `folded` with numeric character references to ASCII letters and digits (`&#83;`, `&#x53`, with or without the
    /// `;`, as HTML reads them) replaced by the character, lower-cased: the spelling a browser decodes a name from.
    static func decodingASCIIReferences(_ folded: [UInt8]) -> [UInt8] {
        guard folded.contains(0x26) else { return folded }  // '&'
        var out: [UInt8] = []
        out.reserveCapacity(folded.count)
        var i = 0
        while i < folded.count {
            if folded[i] == 0x26, i + 2 < folded.count, folded[i + 1] == 0x23 {  // "&#"
                var j = i + 2
                let hex = folded[j] == 0x78  // 'x' (folded)
                if hex { j += 1 }
                var value = 0
                let digitsStart = j
                while j < folded.count, j - digitsStart < 8 {
                    let c = folded[j]
                    if (0x30...0x39).contains(c) { value = value * (hex ? 16 : 10) + Int(c - 0x30) }
                    else if hex, (0x61...0x66).contains(c) { value = value * 16 + Int(c - 0x61 + 10) }
                    else { break }
                    j += 1
                }
                if j > digitsStart, value < 0x80 {
                    let byte = UInt8(value)
                    out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                    i = j < folded.count && folded[j] == 0x3B ? j + 1 : j  // ';'
                    continue
                }
            }
            out.append(folded[i])
            i += 1
        }
        return out
    }

    /// How many times `needle` (ASCII) occurs in `haystack` (overlaps not counted).
    static func occurrences(of needle: String, in haystack: [UInt8]) -> Int {
        haystack.withUnsafeBytes { raw in
            var count = 0
            var offset = 0
            while offset < raw.count {
                let found = cxs_index(raw.baseAddress?.advanced(by: offset), raw.count - offset, needle)
                guard found >= 0 else { break }
                count += 1
                offset += Int(found) + needle.utf8.count
            }
            return count
        }
    }

    /// The parts of a HAR file (HTTP Archive 1.2) read here; everything else is skipped by the decoder.
    struct HARFile: Decodable {
        struct Log: Decodable { var entries: [Entry] }
        struct Entry: Decodable { var request: Request? }
        struct Request: Decodable {
            var method: String?
            var url: String?
            var postData: PostData?
        }
        struct PostData: Decodable {
            var text: String?
            var params: [Param]?
        }
        struct Param: Decodable {
            var name: String?
            var value: String?
        }
        var log: Log
    }

    /// A HAR file (HTTP Archive): the one SAML response its requests carry (POST bodies and Redirect-binding URLs;
    /// the same message twice counts once, two different ones are refused), else its one request.
    static func har(_ text: String) throws(SAMLError) -> CapturedMessage {
        let file: HARFile
        do {
            file = try JSONDecoder().decode(HARFile.self, from: Data(text.utf8))
        } catch {
            throw SAMLError(.inputBase64, "the JSON input is not a HAR file", expected: "{\"log\": {\"entries\": […]}}",
                            found: "\(error)".prefix(160).description)
        }
        guard file.log.entries.count <= maxHAREntries else {
            throw SAMLError(.inputTooLarge, "the HAR file has too many requests", expected: "at most \(maxHAREntries)",
                            found: "\(file.log.entries.count)")
        }
        // Every message the file carries: POST bodies (its text and its params, when both are given), then the
        // Redirect binding's URLs. The same message sent again (a reload, a retry, the role chooser's re-post) is one.
        var messages: [CapturedMessage] = []
        // Hashed, not compared pairwise: 1,500 entries of near-identical 30 KB messages were a million comparisons.
        struct Seen: Hashable { let kind: SAMLMessageKind?; let xml: [UInt8] }
        var seen = Set<Seen>()
        func add(_ message: CapturedMessage) {
            if seen.insert(Seen(kind: message.kind, xml: message.xml)).inserted { messages.append(message) }
        }
        // Field names as the server decodes them (SAML%52esponse is SAMLResponse); a body that does not decode is
        // looked at as written, and then refused by the decoding that follows.
        func carries(_ text: String) -> Bool {
            guard text.contains("SAML") || text.contains("%") else { return false }
            if let pairs = try? FormEncoding.decodePairs(text) { return pairs["SAMLResponse"] != nil || pairs["SAMLRequest"] != nil }
            return text.contains("SAMLResponse=") || text.contains("SAMLRequest=")
        }
        for entry in file.log.entries {
            guard let request = entry.request, let url = request.url else { continue }
            if request.method?.uppercased() == "POST", let post = request.postData {
                // The body as sent (`text`) is what the server read; `params` is the browser's own parse of it, which
                // Chrome leaves percent-encoded and Firefox decodes, so it is read only when there is no text.
                var bodies: [String] = []
                if let text = post.text, !text.isEmpty {
                    if carries(text) { bodies.append(text) }
                } else if let params = post.params {
                    let body = params.prefix(maxFormFields + 1).map { "\(FormEncoding.encode($0.name ?? ""))=\(FormEncoding.encode($0.value ?? ""))" }
                        .joined(separator: "&")
                    if carries(body) { bodies.append(body) }
                }
                for body in bodies {
                    let message = try formOrQuery(body, form: .har, endpoint: url)
                    add(CapturedMessage(form: .har, kind: message.kind, xml: message.xml, relayState: message.relayState,
                                        endpoint: url).deflated(message.deflated))
                }
            }
            if let query = url.split(separator: "?", maxSplits: 1).dropFirst().first, carries(String(query)) {
                let message = try RedirectBinding.decode(query: String(query))
                add(CapturedMessage(form: .har, kind: message.kind, xml: message.xml, relayState: message.relayState,
                                    endpoint: String(url.split(separator: "?", maxSplits: 1)[0])).deflated(true))
            }
        }
        // The response, when there is one: a sign-in's HAR also holds its AuthnRequest and perhaps a LogoutRequest.
        // Two different responses (two sign-ins, or a page that posted elsewhere first) are refused: which one the
        // user means is not the reader's guess to make. Requests alone, likewise.
        let responses = messages.filter { $0.kind != .request }
        // A sign-in's Response before the LogoutResponse of a sign-out that followed it (both are SAMLResponse fields).
        let signIns = responses.filter { message in
            (try? NativeResponsePeek.rootName(message.xml, limits: .default)).map {
                $0.name == "Response" && $0.namespace == "urn:oasis:names:tc:SAML:2.0:protocol"
            } ?? true
        }
        let candidates = !signIns.isEmpty ? signIns : responses.isEmpty ? messages : responses
        if candidates.count > 1 {
            let what = responses.isEmpty ? "requests" : "responses"
            throw SAMLError(.bindingEncoding, "the HAR file holds \(candidates.count) different SAML \(what)",
                            expected: "one (save the HAR of a single sign-in, or give the SAMLResponse field alone)",
                            found: "\(what) sent to " + candidates.map { $0.endpoint ?? "?" }.joined(separator: ", "))
        }
        if let message = candidates.first { return message }
        throw SAMLError(.bindingMissingMessage, "the HAR file has no SAML message", expected: "a request carrying SAMLResponse or SAMLRequest",
                        found: "\(file.log.entries.count) requests without one")
    }
}
