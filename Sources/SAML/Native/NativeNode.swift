internal import CXMLSec
internal import CXMLSecShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

typealias NodePtr = UnsafeMutablePointer<xmlNode>
typealias DocPtr = UnsafeMutablePointer<xmlDoc>

/// Compares a libxml2 string with a static ASCII string without allocating.
@inline(__always)
func cEquals(_ p: UnsafePointer<xmlChar>?, _ s: StaticString) -> Bool {
    guard let p else { return false }
    return s.withUTF8Buffer { buffer in
        var i = 0
        while i < buffer.count {
            if p[i] != buffer[i] { return false }
            i += 1
        }
        return p[i] == 0
    }
}

/// ``cEquals(_:_:)`` for long strings such as namespace URIs: glibc's strncmp (vectorised, stops at the first NUL)
/// instead of a byte loop.
@inline(__always)
func cEqualsLong(_ p: UnsafePointer<xmlChar>?, _ s: StaticString) -> Bool {
    guard let p else { return false }
    let count = s.utf8CodeUnitCount
    guard count >= 16 else { return cEquals(p, s) }
    return strncmp(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self),
                   UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self), count) == 0 && p[count] == 0
}

extension UnsafeMutablePointer where Pointee == xmlNode {
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }

    /// Whether this is the element `{ns}name`.
    @inline(__always)
    func isElement(_ ns: StaticString, _ name: StaticString) -> Bool {
        pointee.type == XML_ELEMENT_NODE && cEquals(pointee.name, name) && cEqualsLong(pointee.ns?.pointee.href, ns)
    }

    var localName: String { pointee.name.map { String(cString: $0) } ?? "" }
    var namespaceURI: String? { pointee.ns?.pointee.href.map { String(cString: $0) } }
    var qualifiedDescription: String {
        if let prefix = pointee.ns?.pointee.prefix { return String(cString: prefix) + ":" + localName }
        return localName
    }

    /// Element children in document order.
    var elementChildren: [NodePtr] {
        var result: [NodePtr] = []
        var child = pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(c) }
            child = c.pointee.next
        }
        return result
    }

    /// The first element child `{ns}name`.
    func child(_ ns: StaticString, _ name: StaticString) -> NodePtr? {
        var child = pointee.children
        while let c = child {
            if c.isElement(ns, name) { return c }
            child = c.pointee.next
        }
        return nil
    }

    /// The value of an attribute without namespace, as full text.
    func attribute(_ name: StaticString) -> String? {
        var attr = pointee.properties
        while let a = attr {
            if a.pointee.ns == nil && cEquals(a.pointee.name, name) {
                return UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self).textContent
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// The attribute node itself (for ID registration).
    func attributeNode(_ name: StaticString) -> UnsafeMutablePointer<xmlAttr>? {
        var attr = pointee.properties
        while let a = attr {
            if a.pointee.ns == nil && cEquals(a.pointee.name, name) { return a }
            attr = a.pointee.next
        }
        return nil
    }

    /// All text and CDATA descendants concatenated (comments excluded), so a comment cannot truncate a value
    /// (attacks.md §5, comment injection).
    var textContent: String {
        // Fast path: a single text child (the usual case) is read in place, without libxml2's copy.
        if let only = pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE,
           let content = only.pointee.content {
            return KnownStrings.string(UnsafeBufferPointer(start: content, count: strlen(content)))
        }
        if pointee.children == nil && pointee.type != XML_TEXT_NODE { return "" }
        guard let value = xmlNodeGetContent(self) else { return "" }
        defer { cxs_xml_free(value) }
        return String(cString: value)
    }

    /// ``textContent`` as UTF-8 bytes.
    var textBytes: [UInt8] {
        if let only = pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE,
           let content = only.pointee.content {
            return Array(UnsafeBufferPointer(start: content, count: strlen(content)))
        }
        guard let value = xmlNodeGetContent(self) else { return [] }
        defer { cxs_xml_free(value) }
        return Array(UnsafeBufferPointer(start: value, count: strlen(value)))
    }

    var hasElementChildren: Bool { firstElementChild != nil }
}

/// Whether the NUL-terminated libxml2 string `p` is exactly the bytes `s` (no allocation).
@inline(__always)
func cEquals(_ p: UnsafePointer<xmlChar>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < s.count {
        let c = p[i]
        if c == 0 || c != s[i] { return false }
        i += 1
    }
    return p[i] == 0
}

/// Whether two byte buffers hold the same bytes (memcmp).
@inline(__always)
func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard a.count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
    return memcmp(x, y, a.count) == 0
}

/// The element children of a node, in document order, without building an array.
struct ElementChildren: Sequence, IteratorProtocol {
    var cursor: NodePtr?

    mutating func next() -> NodePtr? {
        while let c = cursor {
            cursor = c.pointee.next
            if c.pointee.type == XML_ELEMENT_NODE { return c }
        }
        return nil
    }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
    /// ``elementChildren`` as a lazy sequence (no allocation).
    var elements: ElementChildren { ElementChildren(cursor: pointee.children) }

    /// The first element child, if any.
    var firstElementChild: NodePtr? {
        var child = pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { return c }
            child = c.pointee.next
        }
        return nil
    }

    /// The text of a node whose only child is one text node, in place (the usual shape of attribute and element
    /// values); `nil` for any other shape.
    @inline(__always)
    var inPlaceText: UnsafePointer<xmlChar>? {
        if let only = pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE,
           let content = only.pointee.content {
            return UnsafePointer(content)
        }
        return nil
    }

    /// Calls `body` with the UTF-8 bytes of the attribute `name` (without namespace), read in place when it is one
    /// text node and otherwise as ``textContent``; `nil` when the attribute is absent. Same value as ``attribute(_:)``.
    @inline(__always)
    func withAttributeBytes<R>(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        withAttributeBytes(name) { bytes, _ in body(bytes) }
    }

    /// As ``withAttributeBytes(_:_:)``, also telling `body` whether the bytes are the document's own (then valid as
    /// long as the document) or a temporary copy (an attribute value that is not one text node).
    @inline(__always)
    func withAttributeBytes<R>(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>, _ inDocument: Bool) -> R) -> R? {
        guard let attr = attributeNode(name) else { return nil }
        let node = UnsafeMutableRawPointer(attr).assumingMemoryBound(to: xmlNode.self)
        if let text = node.inPlaceText { return body(UnsafeBufferPointer(start: text, count: strlen(text)), true) }
        var value = node.textContent
        return value.withUTF8 { body($0, false) }
    }

    /// Whether the attribute `name` is present and equal to `value` (``attribute(_:)`` `== value`, without a copy).
    func attribute(_ name: StaticString, equals value: String) -> Bool {
        var value = value
        return value.withUTF8 { expected in
            withAttributeBytes(name) { bytesEqual($0, expected) } ?? false
        }
    }

    /// Whether the attribute `name` is present and one of `values`.
    func attribute(_ name: StaticString, isOneOf values: ByteStrings) -> Bool {
        withAttributeBytes(name) { values.contains($0) } ?? false
    }
}

/// A small set of strings as UTF-8 in one buffer, to test membership of bytes read in place: comparing against a
/// `Set<String>` copied (and reference-counted) each candidate on every test.
struct ByteStrings: Sendable {
    private let bytes: [UInt8]
    /// Per string, in the order given: where it starts in `bytes` and its length.
    private let spans: [(start: Int, count: Int)]
    /// The indices of the strings of each length below 128, in the order given; longer ones are in `long`.
    /// Why: a lookup compared the candidate's length with every string (about 30, some 40 times per verification);
    /// now it compares bytes only with the strings of its own length, usually one.
    private let byLength: [[Int]]
    private let long: [Int]

    init(_ strings: some Sequence<String>) {
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        var byLength = [[Int]](repeating: [], count: 128)
        var long: [Int] = []
        for (index, string) in strings.enumerated() {
            spans.append((bytes.count, string.utf8.count))
            bytes.append(contentsOf: string.utf8)
            if string.utf8.count < 128 { byLength[string.utf8.count].append(index) } else { long.append(index) }
        }
        self.bytes = bytes
        self.spans = spans
        self.byLength = byLength
        self.long = long
    }

    func contains(_ candidate: UnsafeBufferPointer<UInt8>) -> Bool { index(of: candidate) != nil }

    /// The position of `candidate` in the strings given at creation (the first, if given twice).
    func index(of candidate: UnsafeBufferPointer<UInt8>) -> Int? {
        let indices = candidate.count < 128 ? byLength[candidate.count] : long
        guard !indices.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { all in
            for index in indices {
                let span = spans[index]
                if span.count == candidate.count
                    && bytesEqual(UnsafeBufferPointer(rebasing: all[span.start..<span.start + span.count]), candidate) {
                    return index
                }
            }
            return nil
        }
    }
}
