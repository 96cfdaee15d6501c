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
    /// The element ``open(_:_:)`` wrote last, which ``selfClose()`` ends in canonical mode.
    private var lastOpened = ""
    /// In canonical mode: a character XML 1.0 does not allow was written (C0 controls but tab, newline and carriage
    /// return, U+FFFE, U+FFFF), so that the output cannot be the canonical form of any parsed document.
    private(set) var wroteDisallowedCharacter = false

    init(capacity: Int = 4096, canonical: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.canonical = canonical
    }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// The current length, used to remember where a value will be spliced in later.
    var offset: Int { bytes.count }

    /// `<name a="v" …` (the caller closes with ``close()``, ``end(_:)`` or ``selfClose()``).
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        bytes.append(60)  // <
        raw(name)
        lastOpened = name
        if canonical {
            // Canonical XML 1.0 §4.6/§4.7: the default namespace declaration, then prefixed ones by prefix, then
            // attributes by (namespace URI, local name); every attribute written here is in no namespace.
            var present: [(key: String, value: String)] = []
            for (key, value) in attributes { if let value { present.append((key, value)) } }
            present.sort { a, b in
                let rankA = a.key == "xmlns" ? 0 : a.key.hasPrefix("xmlns:") ? 1 : 2
                let rankB = b.key == "xmlns" ? 0 : b.key.hasPrefix("xmlns:") ? 1 : 2
                return rankA != rankB ? rankA < rankB : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
            }
            for (key, value) in present { attribute(key, value) }
            return
        }
        for (key, value) in attributes {
            guard let value else { continue }
            attribute(key, value)
        }
    }

    private mutating func attribute(_ key: String, _ value: String) {
        bytes.append(32)
        raw(key)
        bytes.append(contentsOf: [61, 34])  // ="
        escapeAttribute(value)
        bytes.append(34)
    }

    mutating func close() { bytes.append(62) }

    /// `/>`, or in canonical mode `></name>` for the element opened last.
    mutating func selfClose() {
        if canonical {
            close()
            end(lastOpened)
        } else {
            bytes.append(contentsOf: [47, 62])
        }
    }

    mutating func end(_ name: String) {
        bytes.append(contentsOf: [60, 47])
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

    /// Appends `s`, escaped. Most values need no escaping at all, so the common case is one bulk append.
    private mutating func append(_ s: String, escapingAttribute: Bool) {
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            for (i, c) in utf8.enumerated() {
                let escape = canonical ? Self.canonicalEscape(c, attribute: escapingAttribute) : Self.serializerEscape(c, attribute: escapingAttribute)
                guard let replacement = escape else {
                    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) and C0 controls but tab, newline and carriage return are not
                    // XML characters: the canonical form of a parsed document never holds them.
                    if canonical && ((c < 32 && c != 9 && c != 10) || ((c == 0xBE || c == 0xBF) && i >= 2 && utf8[i - 2] == 0xEF && utf8[i - 1] == 0xBF)) {
                        wroteDisallowedCharacter = true
                    }
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
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

import Foundation

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

    /// Canonical XML 1.0 §2.3: text escapes `&`, `<`, `>` and CR; attribute values `&`, `<`, `"`, TAB, LF and CR.
    private mutating func appendCanonical(_ s: String, escapingAttribute: Bool) {
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            for (i, c) in utf8.enumerated() {
                let replacement: StaticString
                switch c {
                case 38: replacement = "&amp;"
                case 60: replacement = "&lt;"
                case 62 where !escapingAttribute: replacement = "&gt;"
                case 13: replacement = "&#xD;"
                case 34 where escapingAttribute: replacement = "&quot;"
                case 9 where escapingAttribute: replacement = "&#x9;"
                case 10 where escapingAttribute: replacement = "&#xA;"
                case 0..<32 where c != 9 && c != 10:
                    wroteDisallowedCharacter = true
                    continue
                default:
                    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
                    if (c == 0xBE || c == 0xBF) && i >= 2 && utf8[i - 2] == 0xEF && utf8[i - 1] == 0xBF { wroteDisallowedCharacter = true }
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }
}
