/// A minimal append-only XML writer for the fixed shapes this library emits.
///
/// Written by hand because the output must be byte-exact (attribute order, prefixes, no whitespace, no XML
/// declaration) and fast; libxml2's tree or text writer would need the same amount of code to control order and
/// would allocate per node. Escaping matches libxml2's serialiser, so a document signed through libxml2 and the
/// same document written here are identical bytes.
struct XMLWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// The current length, used to remember where a value will be spliced in later.
    var offset: Int { bytes.count }

    /// `<name a="v" …` (the caller closes with ``close()``, ``end(_:)`` or ``selfClose()``).
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        bytes.append(60)  // <
        raw(name)
        for (key, value) in attributes {
            guard let value else { continue }
            bytes.append(32)
            raw(key)
            bytes.append(contentsOf: [61, 34])  // ="
            escapeAttribute(value)
            bytes.append(34)
        }
    }

    mutating func close() { bytes.append(62) }
    mutating func selfClose() { bytes.append(contentsOf: [47, 62]) }

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
                let replacement: StaticString
                switch c {
                case 38: replacement = "&amp;"
                case 60: replacement = "&lt;"
                case 62: replacement = "&gt;"
                case 13: replacement = "&#13;"
                case 34 where escapingAttribute: replacement = "&quot;"
                case 10 where escapingAttribute: replacement = "&#10;"
                case 9 where escapingAttribute: replacement = "&#9;"
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
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
}
