internal import CXMLSec
internal import CXMLSecShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One pass over the whole parsed document (attacks.md §0.1-§0.3): refuses entity references, processing
/// instructions, relative namespace URIs and duplicate ID values anywhere, and finds every Assertion,
/// EncryptedAssertion and ds:Signature, wherever an attacker put them.
struct DocumentScan {
    var assertions: [XMLNode] = []
    var encryptedAssertions: [XMLNode] = []
    var signatures: [XMLNode] = []

    init(_ document: NativeDocument) throws(SAMLError) {
        var ids = SeenIDs()
        guard var node = document.doc.pointee.children else { return }
        let docNode = UnsafeMutableRawPointer(document.doc).assumingMemoryBound(to: xmlNode.self)
        // The element ancestors of `node` and the namespace declarations they make, for the canonicalisation work:
        // libxml2's C14N looks at every declaration in scope of every element of the document (the invisible ones
        // too, under libxmlsec1's node sets), each look-up and visibility test walking up the tree.
        var depth = 0
        var scope = 0
        var work = (namespaces: 0, depth: 0)
        defer { document.canonicalizationWork = work }
        while true {
            let declarations = try visit(node, ids: &ids)
            if node.pointee.type == XML_ELEMENT_NODE {
                work.namespaces += (depth + 1) * (scope + declarations)
                work.depth += depth + 1
                if let child = node.pointee.children {
                    depth += 1
                    scope += declarations
                    node = child
                    continue
                }
            }
            while node.pointee.next == nil {
                guard let parent = node.pointee.parent, parent != docNode else { return }
                node = parent
                depth -= 1
                scope -= Self.declarations(on: node)
            }
            guard let next = node.pointee.next else { return }
            node = next
        }
    }


    private static func declarations(on node: NodePtr) -> Int {
        var count = 0
        var ns = node.pointee.nsDef
        while let n = ns {
            count += 1
            ns = n.pointee.next
        }
        return count
    }

    /// Checks `node`; returns the namespace declarations it makes (0 for anything but an element).
    private mutating func visit(_ node: NodePtr, ids: inout SeenIDs) throws(SAMLError) -> Int {
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            try checkNamespaces(node)
            try collectIDs(node, into: &ids)
            if node.isElement("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion") {
                assertions.append(XMLNode(node))
            } else if node.isElement("urn:oasis:names:tc:SAML:2.0:assertion", "EncryptedAssertion") {
                encryptedAssertions.append(XMLNode(node))
            } else if node.isElement("http://www.w3.org/2000/09/xmldsig#", "Signature") {
                signatures.append(XMLNode(node))
            }
            return Self.declarations(on: node)
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE:
            return 0
        case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
            throw SAMLError(.parseEntityForbidden, "entity references are not allowed in SAML messages",
                            expected: "plain text", found: "entity reference &\(node.localName);")
        case XML_PI_NODE:
            throw SAMLError(.parseProcessingInstruction, "processing instructions are not allowed in SAML messages",
                            expected: "none", found: "<?\(node.localName) …?>")
        case XML_DTD_NODE, XML_DOCUMENT_TYPE_NODE, XML_ELEMENT_DECL, XML_ATTRIBUTE_DECL, XML_NOTATION_NODE:
            throw SAMLError(.parseDTDForbidden, "DTDs are not allowed in SAML messages", expected: "no DTD",
                            found: "a document type declaration")
        default:
            throw SAMLError(.parseMalformed, "unexpected node in the document", expected: "elements, text and comments",
                            found: "libxml2 node type \(node.pointee.type.rawValue)")
        }
    }

    /// Namespace URIs must be absolute (or empty, to undeclare a default namespace): relative ones are what makes
    /// libxml2's C14N produce empty output ("void canonicalization", attacks.md §5).
    private func checkNamespaces(_ node: NodePtr) throws(SAMLError) {
        var ns = node.pointee.nsDef
        while let n = ns {
            if let href = n.pointee.href, href[0] != 0, !Self.isAbsoluteURI(href) {
                throw SAMLError(.parseNamespace, "namespace URIs must be absolute",
                                expected: "an absolute URI such as urn:… or https://…",
                                found: "xmlns\(n.pointee.prefix.map { ":" + String(cString: $0) } ?? "")=\"\(String(cString: href))\" on <\(node.qualifiedDescription)>")
            }
            ns = n.pointee.next
        }
    }

    private static func isAbsoluteURI(_ s: UnsafePointer<xmlChar>) -> Bool {
        func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        guard isAlpha(s[0]) else { return false }
        var i = 1
        while s[i] != 0 {
            let c = s[i]
            if c == 58 { return true }  // ':' ends a valid scheme
            guard isAlpha(c) || (c >= 48 && c <= 57) || c == 43 || c == 45 || c == 46 else { return false }
            i += 1
        }
        return false
    }

    /// Every ID-like attribute value must be unique in the whole document (attacks.md §4): libxml2 and xmlsec
    /// resolve the first occurrence, an application may read another.
    private func collectIDs(_ node: NodePtr, into ids: inout SeenIDs) throws(SAMLError) {
        var attr = node.pointee.properties
        while let a = attr {
            defer { attr = a.pointee.next }
            let isID: Bool
            if let ns = a.pointee.ns {
                isID = cEquals(ns.pointee.href, "http://www.w3.org/XML/1998/namespace") && cEquals(a.pointee.name, "id")
            } else {
                isID = cEquals(a.pointee.name, "ID") || cEquals(a.pointee.name, "Id") || cEquals(a.pointee.name, "id")
                    || cEquals(a.pointee.name, "AssertionID") || cEquals(a.pointee.name, "ResponseID")
            }
            guard isID else { continue }
            let valueNode = UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self)
            guard ids.insert(valueNode) else {
                throw SAMLError(.structureDuplicateID, "ID values must be unique in the document",
                                expected: "one element with ID \"\(valueNode.textContent)\"",
                                found: "another on <\(node.qualifiedDescription)>")
            }
        }
    }
}

/// The ID values seen so far in one document. The usual handful of ASCII values are compared in place, pairwise (a
/// Set of Strings made two strings and a hash table per verification). Past 16, for a value that is not one text
/// node, or once any value is not ASCII, every value is kept as a String in a Set: Swift compares Strings by
/// canonical equivalence, so `_K…` and `_\u{212A}…` (KELVIN SIGN) or a composed and a decomposed `é` stay duplicates,
/// as they always were here (an application comparing IDs as Strings would take them for the same); for ASCII the
/// bytes decide exactly as the Strings do.
private struct SeenIDs {
    private var inPlace: [UnsafeBufferPointer<UInt8>] = []
    private var strings: Set<String>?

    /// Records the value of the attribute node `value`; false when it was seen before.
    mutating func insert(_ value: NodePtr) -> Bool {
        if strings == nil, inPlace.count < 16, let text = value.inPlaceText,
           case let bytes = UnsafeBufferPointer(start: text, count: strlen(text)), bytes.allSatisfy({ $0 < 0x80 }) {
            if inPlace.isEmpty { inPlace.reserveCapacity(4) }
            for seen in inPlace where bytesEqual(seen, bytes) { return false }
            inPlace.append(bytes)
            return true
        }
        var set = strings ?? Set(inPlace.map { String(decoding: $0, as: UTF8.self) })
        strings = nil  // so that the insert below does not copy the set
        let inserted = set.insert(value.textContent).inserted
        strings = set
        return inserted
    }
}

/// Whether `s` is acceptable as a signed element's ID: `[A-Za-z0-9_][A-Za-z0-9_.-]*`. xs:ID demands an NCName,
/// but real IdPs issue bare UUIDs starting with a digit; what matters is that the value is a bare name: xmlsec
/// resolves it with xmlGetID (``SignatureContext``), and even its default route, which builds `xpointer(id('…'))`
/// from the Reference URI, could not be broken out of (attacks.md §4, URI injection).
func isSafeID(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { isSafeID($0) }
}

/// ``isSafeID(_:)`` over UTF-8 bytes.
func isSafeID(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var first = true
    for c in s {
        let ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95
            || (!first && (c == 45 || c == 46))
        if !ok { return false }
        first = false
    }
    return !first
}
