import Foundation

/// A minimal append-only XML writer for the fixed shapes this library emits.
///
/// Written by hand because the output must be byte-exact (attribute order, prefixes, no whitespace, no XML
/// declaration) and fast; libxml2's tree or text writer would need the same amount of code to control order and
/// would allocate per node. Escaping matches libxml2's serialiser, so a document signed through libxml2 and the
/// same document written here are identical bytes.
///
/// In `canonical` mode it writes Exclusive XML Canonicalization's form of the same calls instead (W3C
/// xml-exc-c14n, over Canonical XML 1.0 §2.3 and §4): namespace declarations first, then attributes in lexicographic
/// order; an empty element as a start and an end tag; C14N's escapes (`&#xD;`, `&#x9;`, `&#xA;`, `>` kept in
/// attribute values). ``Signer`` digests and signs that output directly when the signed element is written here
/// alone, so no parse and no C14N pass is needed; the tests compare every such signature with the one libxml2's C14N
/// gives for the parsed document.
struct XMLWriter {
    private(set) var bytes: [UInt8] = []
    let canonical: Bool
    /// The element ``open(_:)`` wrote last, which ``selfClose()`` ends in canonical mode.
    private var lastOpened = ""
    /// In canonical mode: a character XML 1.0 does not allow was written (C0 controls but tab, newline and carriage
    /// return, U+FFFE, U+FFFF), so that the output cannot be the canonical form of any parsed document.
    private(set) var wroteDisallowedCharacter = false
    /// In canonical mode, the attributes of the start tag being written, put in canonical order when it closes. One
    /// array reused for every element, so that writing an element allocates nothing.
    private var pending: [(key: String, value: Value)] = []

    /// An attribute value: text to escape, or an instant written as its 24 bytes.
    private enum Value {
        case text(String)
        case instant(Date)
    }

    init(capacity: Int = 4096, canonical: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.canonical = canonical
    }

    /// `s` as it is. Through its contiguous UTF-8 (one copy), not the generic sequence append, which copied byte by
    /// byte and was a quarter of the time of writing an element.
    mutating func raw(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: s.utf8) }
    }

    /// The current length, used to remember where a value will be spliced in later.
    var offset: Int { bytes.count }

    /// `<name` (then ``attribute(_:_:)`` for each attribute, and ``close()``, ``end(_:)`` or ``selfClose()``).
    mutating func open(_ name: String) {
        bytes.append(60)  // <
        raw(name)
        if canonical { lastOpened = name }
    }

    /// `<name a="v" …` (the caller closes with ``close()``, ``end(_:)`` or ``selfClose()``).
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
        open(name)
        for (key, value) in attributes { attribute(key, value) }
    }

    /// ` key="value"` on the start tag being written, escaped; nothing for a `nil` value. In canonical mode the
    /// attribute is held until the tag closes, to be written in canonical order.
    mutating func attribute(_ key: String, _ value: String?) {
        guard let value else { return }
        if canonical {
            pending.append((key, .text(value)))
        } else {
            write(key, .text(value))
        }
    }

    /// ` key="2025-05-01T12:00:00.245Z"` (``SAMLInstant``) on the start tag being written; nothing for `nil`.
    mutating func attribute(_ key: String, instant: Date?) {
        guard let instant else { return }
        if canonical {
            pending.append((key, .instant(instant)))
        } else {
            write(key, .instant(instant))
        }
    }

    private mutating func write(_ key: String, _ value: Value) {
        bytes.append(32)
        raw(key)
        bytes.append(61)  // =
        bytes.append(34)  // "
        switch value {
        case .text(let text): escapeAttribute(text)
        case .instant(let date): SAMLInstant.append(date, to: &bytes)
        }
        bytes.append(34)
    }

    /// Canonical XML 1.0 §4.6/§4.7: the default namespace declaration, then prefixed ones by prefix, then attributes
    /// by (namespace URI, local name); every attribute written here is in no namespace. An element has a handful of
    /// attributes, often given in that order already: an insertion sort in place.
    private mutating func writePending() {
        guard !pending.isEmpty else { return }
        for index in pending.indices.dropFirst() {
            var slot = index
            while slot > 0 && Self.canonicallyPrecedes(pending[slot].key, pending[slot - 1].key) {
                pending.swapAt(slot, slot - 1)
                slot -= 1
            }
        }
        for index in pending.indices { write(pending[index].key, pending[index].value) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Canonical XML 1.0 §4.6/§4.7's order for attributes in no namespace: `xmlns`, then `xmlns:*`, then the rest,
    /// each group by name.
    private static func canonicallyPrecedes(_ a: String, _ b: String) -> Bool {
        let rankA = rank(a), rankB = rank(b)
        return rankA != rankB ? rankA < rankB : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func rank(_ key: String) -> Int {
        let utf8 = key.utf8
        // "xmlns" is 78 6D 6C 6E 73; compared by bytes (hasPrefix compares by Unicode canonical equivalence).
        guard utf8.count >= 5, utf8.starts(with: [0x78, 0x6D, 0x6C, 0x6E, 0x73]) else { return 2 }
        return utf8.count == 5 ? 0 : utf8.dropFirst(5).first == 0x3A ? 1 : 2  // "xmlns", "xmlns:"
    }

    mutating func close() {
        if canonical { writePending() }
        bytes.append(62)
    }

    /// `/>`, or in canonical mode `></name>` for the element opened last.
    mutating func selfClose() {
        if canonical {
            close()
            end(lastOpened)
        } else {
            bytes.append(47)
            bytes.append(62)
        }
    }

    mutating func end(_ name: String) {
        bytes.append(60)
        bytes.append(47)
        raw(name)
        bytes.append(62)
    }

    /// `<name attrs>text</name>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) {
        open(name, attributes)
        close()
        escapeText(text)
        end(name)
    }

    mutating func escapeText(_ s: String) {
        append(s, escapingAttribute: false)
    }

    mutating func escapeAttribute(_ s: String) {
        append(s, escapingAttribute: true)
    }

    /// The bytes ``append(_:escapingAttribute:)`` must look at: those either mode escapes (`"`, `&`, `<`, `>`, tab,
    /// newline, carriage return), the other C0 controls, and the last bytes of U+FFFE and U+FFFF. Every other byte is
    /// copied as it is, so the loop tests one table entry per byte and copies runs in bulk.
    private static let special: [Bool] = (0...255).map { c in c < 32 || c == 34 || c == 38 || c == 60 || c == 62 || c == 0xBE || c == 0xBF }

    /// Appends `s`, escaped. Most values need no escaping at all, so the common case is one bulk append.
    private mutating func append(_ s: String, escapingAttribute: Bool) {
        // Native strings are contiguous UTF-8 already; only a bridged or lazy one is copied first.
        if s.utf8.withContiguousStorageIfAvailable({ append($0, escapingAttribute: escapingAttribute) }) == nil {
            var s = s
            s.withUTF8 { append($0, escapingAttribute: escapingAttribute) }
        }
    }

    private mutating func append(_ utf8: UnsafeBufferPointer<UInt8>, escapingAttribute: Bool) {
        Self.special.withUnsafeBufferPointer { special in
            append(utf8, escapingAttribute: escapingAttribute, special: special)
        }
    }

    private mutating func append(_ utf8: UnsafeBufferPointer<UInt8>, escapingAttribute: Bool, special: UnsafeBufferPointer<Bool>) {
        var runStart = 0
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            guard special[Int(c)] else {
                i += 1
                continue
            }
            if let replacement = canonical ? Self.canonicalEscape(c, attribute: escapingAttribute)
                : Self.serializerEscape(c, attribute: escapingAttribute) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = i + 1
            } else if canonical && ((c < 32 && c != 9 && c != 10)
                                    || ((c == 0xBE || c == 0xBF) && i >= 2 && utf8[i - 2] == 0xEF && utf8[i - 1] == 0xBF)) {
                // U+FFFE and U+FFFF (EF BF BE, EF BF BF) and C0 controls but tab, newline and carriage return are not
                // XML characters: the canonical form of a parsed document never holds them.
                wroteDisallowedCharacter = true
            }
            i += 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }

    /// libxml2's serialiser's escapes, so that our bytes equal what a document signed through libxml2 serialises to.
    private static func serializerEscape(_ c: UInt8, attribute: Bool) -> StaticString? {
        switch c {
        case 38: return "&amp;"
        case 60: return "&lt;"
        case 62: return "&gt;"
        case 13: return "&#13;"
        case 34 where attribute: return "&quot;"
        case 10 where attribute: return "&#10;"
        case 9 where attribute: return "&#9;"
        default: return nil
        }
    }

    /// Canonical XML 1.0 §2.3: text escapes `&`, `<`, `>` and CR; attribute values `&`, `<`, `"`, TAB, LF and CR (and
    /// not `>`).
    private static func canonicalEscape(_ c: UInt8, attribute: Bool) -> StaticString? {
        switch c {
        case 38: return "&amp;"
        case 60: return "&lt;"
        case 62 where !attribute: return "&gt;"
        case 13: return "&#xD;"
        case 34 where attribute: return "&quot;"
        case 9 where attribute: return "&#x9;"
        case 10 where attribute: return "&#xA;"
        default: return nil
        }
    }
}


extension XMLWriter {
    /// A protocol message (`samlp:<name>`): both prefixes declared, then ID, Version, IssueInstant, Destination,
    /// the message's own attributes, the optional `saml:Issuer`, the body, and the end tag. One line of XML.
    static func protocolMessage(_ name: String, id: String, version: String, issueInstant: Date, destination: String?,
                                attributes: KeyValuePairs<String, String?> = [:], issuer: Issuer?,
                                body: (inout XMLWriter) -> Void) -> String {
        var w = XMLWriter(capacity: 1024)
        w.open("samlp:" + name, [
            "xmlns:samlp": SAMLNamespace.protocol_,
            "xmlns:saml": SAMLNamespace.assertion,
            "ID": id,
            "Version": version,
            "IssueInstant": SAMLInstant.format(issueInstant),
            "Destination": destination,
        ])
        for (key, value) in attributes {
            guard let value else { continue }
            w.raw(" " + key + "=\"")
            w.escapeAttribute(value)
            w.raw("\"")
        }
        w.close()
        if let issuer { w.element("saml:Issuer", ["Format": issuer.format], text: issuer.value) }
        body(&w)
        w.end("samlp:" + name)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
