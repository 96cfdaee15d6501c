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
        for c in s.utf8 {
            switch c {
            case 38: bytes.append(contentsOf: Array("&amp;".utf8))
            case 60: bytes.append(contentsOf: Array("&lt;".utf8))
            case 62: bytes.append(contentsOf: Array("&gt;".utf8))
            case 13: bytes.append(contentsOf: Array("&#13;".utf8))
            default: bytes.append(c)
            }
        }
    }

    mutating func escapeAttribute(_ s: String) {
        for c in s.utf8 {
            switch c {
            case 38: bytes.append(contentsOf: Array("&amp;".utf8))
            case 60: bytes.append(contentsOf: Array("&lt;".utf8))
            case 62: bytes.append(contentsOf: Array("&gt;".utf8))
            case 34: bytes.append(contentsOf: Array("&quot;".utf8))
            case 10: bytes.append(contentsOf: Array("&#10;".utf8))
            case 13: bytes.append(contentsOf: Array("&#13;".utf8))
            case 9: bytes.append(contentsOf: Array("&#9;".utf8))
            default: bytes.append(c)
            }
        }
    }
}
