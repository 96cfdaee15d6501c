import CXMLSec
import CXMLSecShim
#if canImport(Glibc)
import Glibc
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

extension UnsafeMutablePointer where Pointee == xmlNode {
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }

    /// Whether this is the element `{ns}name`.
    @inline(__always)
    func isElement(_ ns: StaticString, _ name: StaticString) -> Bool {
        pointee.type == XML_ELEMENT_NODE && cEquals(pointee.name, name) && cEquals(pointee.ns?.pointee.href, ns)
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
            return String(cString: content)
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

    var hasElementChildren: Bool {
        var child = pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { return true }
            child = c.pointee.next
        }
        return false
    }
}
