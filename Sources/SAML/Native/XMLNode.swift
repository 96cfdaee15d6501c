internal import CXMLSec
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A node of a parsed ``NativeDocument``, as the plain-Swift rules in `Rules/` see it: names, attributes, text and
/// the tree around it, with no libxml2 type in sight.
///
/// A borrowed reference, never an owner: it is valid while the document that holds it is alive, which is why the
/// callers keep that document in `withExtendedLifetime` to the end of their scope. Reads are in place (no copy of
/// libxml2's strings on the accepting path), as the verifier's hot path needs.
struct XMLNode: Hashable {
    let raw: NodePtr

    @inline(__always) init(_ raw: NodePtr) { self.raw = raw }

    /// Whether this is an element (not text, a comment or an attribute).
    @inline(__always) var isElement: Bool { raw.isElement }

    /// Whether this is the element `{ns}name`.
    @inline(__always) func isElement(_ ns: StaticString, _ name: StaticString) -> Bool { raw.isElement(ns, name) }

    var localName: String { raw.localName }
    var namespaceURI: String? { raw.namespaceURI }
    /// `prefix:name` as written, for messages.
    var qualifiedDescription: String { raw.qualifiedDescription }

    /// The parent element (or the document node above the root, which is never an element).
    @inline(__always) var parent: XMLNode? { raw.pointee.parent.map(XMLNode.init) }

    /// Element children in document order.
    var elementChildren: [XMLNode] { raw.elementChildren.map(XMLNode.init) }

    /// ``elementChildren`` as a lazy sequence (no allocation).
    @inline(__always) var elements: Children { Children(base: raw.elements) }

    /// The element children of a node, in document order, read one at a time.
    struct Children: Sequence, IteratorProtocol {
        fileprivate var base: ElementChildren
        @inline(__always) mutating func next() -> XMLNode? { base.next().map(XMLNode.init) }
    }

    /// The first element child, if any.
    @inline(__always) var firstElementChild: XMLNode? { raw.firstElementChild.map(XMLNode.init) }

    /// Whether a direct child is text (or CDATA) other than white space: content an element-only type does not have,
    /// which one reader skips and another may take for the element's value.
    var hasStrayText: Bool {
        var child = raw.pointee.children
        while let node = child {
            if node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE, let content = node.pointee.content {
                var p = content
                while p.pointee != 0 {
                    let c = p.pointee
                    if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { return true }
                    p += 1
                }
            }
            child = node.pointee.next
        }
        return false
    }

    /// The next sibling that is an element.
    var nextElementSibling: XMLNode? {
        var next = raw.pointee.next
        while let node = next {
            if node.isElement { return XMLNode(node) }
            next = node.pointee.next
        }
        return nil
    }

    var hasElementChildren: Bool { raw.hasElementChildren }

    /// The first element child `{ns}name`.
    @inline(__always) func child(_ ns: StaticString, _ name: StaticString) -> XMLNode? { raw.child(ns, name).map(XMLNode.init) }

    /// The value of an attribute without namespace, as full text.
    func attribute(_ name: StaticString) -> String? { raw.attribute(name) }

    /// Whether the attribute `name` is present and equal to `value`, compared in place.
    @inline(__always) func attribute(_ name: StaticString, equals value: String) -> Bool { raw.attribute(name, equals: value) }

    /// Whether the attribute `name` is present and one of `values`.
    @inline(__always) func attribute(_ name: StaticString, isOneOf values: ByteStrings) -> Bool { raw.attribute(name, isOneOf: values) }

    /// Calls `body` with the UTF-8 bytes of the attribute `name`; `nil` when it is absent.
    @inline(__always)
    func withAttributeBytes<R>(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        raw.withAttributeBytes(name, body)
    }

    /// Calls `body` with the UTF-8 bytes of the attribute `name` and whether they are the document's own (valid as
    /// long as the document is alive) rather than a temporary copy; `nil` when it is absent.
    @inline(__always)
    func withAttributeBytes<R>(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>, _ inDocument: Bool) -> R) -> R? {
        raw.withAttributeBytes(name, body)
    }

    /// The first attribute, in document order, of this element or an element below it that is in a namespace
    /// (`ns0:URI`), as `<element prefix:name>` for messages; `nil` when there is none.
    var firstQualifiedAttribute: String? {
        // In document order, walking back up through the parents rather than keeping a stack (no allocation).
        var node = raw
        while true {
            var attribute = node.pointee.properties
            while let a = attribute {
                if let ns = a.pointee.ns {
                    let prefix = ns.pointee.prefix.map { String(cString: $0) + ":" } ?? ""
                    return "<\(node.qualifiedDescription) \(prefix)\(a.pointee.name.map { String(cString: $0) } ?? "")>"
                }
                attribute = a.pointee.next
            }
            if let first = node.firstElementChild { node = first; continue }
            var current = node
            while true {
                if current == raw { return nil }
                if let next = XMLNode(current).nextElementSibling { node = next.raw; break }
                guard let parent = current.pointee.parent else { return nil }
                current = parent
            }
        }
    }

    /// All text and CDATA descendants concatenated (comments excluded).
    var textContent: String { raw.textContent }

    /// ``textContent`` as UTF-8 bytes.
    var textBytes: [UInt8] { raw.textBytes }

    /// Calls `body` with the text of a node whose only child is one text node, in place; `nil` for any other shape.
    @inline(__always)
    func withInPlaceText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let text = raw.inPlaceText else { return nil }
        return body(UnsafeBufferPointer(start: text, count: strlen(text)))
    }
}
