import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The XML bodies S3 reads (CompleteMultipartUpload, Delete): a small element tree, bounded before any parse (size,
/// depth, element count), with no DOCTYPE and no entity resolution, as every parse in this project. A body that is
/// not that shape is S3's `MalformedXML`.
struct S3RequestXML: Sendable {
    struct Element: Sendable {
        var name: String
        var text = ""
        var children: [Element] = []

        /// Children named `name` (local name: S3 accepts the elements with or without its namespace).
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        /// The text of the one child named `name`; `nil` when absent.
        func text(_ name: String) -> String? { all(name).first?.text }
    }

    let root: Element

    static let maxBytes = 2 * 1024 * 1024
    static let maxElements = 40_000
    static let maxDepth = 8

    static var malformed: S3Error {
        S3Store.error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400)
    }

    /// Parses `body`, whose root element must be `rootName`.
    init(_ body: [UInt8], root rootName: String) throws(S3Error) {
        let data = Data(body)
        guard !body.isEmpty, body.count <= Self.maxBytes, data.range(of: Data("<!DOCTYPE".utf8)) == nil,
              data.range(of: Data("<!ENTITY".utf8)) == nil else { throw Self.malformed }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), !builder.failed, let root = builder.root, root.name == rootName else { throw Self.malformed }
        self.root = root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        var count = 0
        var failed = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            count += 1
            guard count <= S3RequestXML.maxElements, stack.count < S3RequestXML.maxDepth, root == nil else {
                failed = true
                parser.abortParsing()
                return
            }
            stack.append(Element(name: name))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
