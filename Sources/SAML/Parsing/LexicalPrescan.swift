/// A single pass over the raw bytes of a message, before libxml2 sees them, that enforces ``ParseLimits`` (elements,
/// depth, attributes and namespace declarations per element, namespace declarations in all, ID length).
///
/// Why by hand: no XML library offers these limits before its own (super-linear) work starts, and libxml2's
/// `XML_PARSE_HUGE`-less defaults allow ten million attributes. The scan follows XML 1.0's lexical grammar just far
/// enough to find tags (comments, CDATA sections and processing instructions are skipped; quoted attribute values
/// may hold `>`); anything it cannot follow is not well-formed XML, which libxml2 would refuse too, so refusing it
/// here changes no verdict. The bytes are read as UTF-8: ``NativeDocument`` makes libxml2 read them the same way
/// (declared encodings are ignored), so an encoding switch cannot show libxml2 markup this scan did not see.
/// Linear in the input, no allocation.
struct LexicalPrescan {
    private(set) var elements = 0
    private(set) var maxDepth = 0
    private(set) var namespaceDeclarations = 0
    private(set) var attributes = 0
    private(set) var comments = 0

    init(_ bytes: UnsafeRawBufferPointer, limits: ParseLimits) throws(SAMLError) {
        var scanner = Scanner(bytes: bytes)
        var depth = 0
        while let lt = scanner.next(0x3C) {  // '<'
            scanner.position = lt + 1
            guard let c = scanner.peek() else { throw Self.malformed("a '<' at the end", at: lt) }
            switch c {
            case 0x21:  // '!': comment, CDATA section (DOCTYPE is refused before this scan)
                let isComment = scanner.consume("!--")
                guard isComment || scanner.consume("![CDATA[") else {
                    throw Self.malformed("'<!' that opens neither a comment nor a CDATA section", at: lt)
                }
                comments += 1
                guard comments <= limits.maxComments else {
                    throw SAMLError(.limitComments, "the message has too many comments or CDATA sections",
                                    expected: "at most \(limits.maxComments)", found: "more, the last at byte \(lt)")
                }
                if isComment {
                    guard scanner.skip(past: "-->") else { throw Self.malformed("an unterminated comment", at: lt) }
                } else {
                    guard depth > 0, scanner.skip(past: "]]>") else { throw Self.malformed("a CDATA section outside the root or unterminated", at: lt) }
                }
            case 0x3F:  // '?': the XML declaration, only at the very start (XML 1.0 §2.8); no processing instructions
                // anywhere (DocumentScan refuses them after parsing; refusing here spares parsing 200,000 of them).
                let declaration = (lt == 0 || (lt == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))) && scanner.consume("?xml")
                    && scanner.peek().map(Scanner.isWhitespace) == true
                guard declaration else {
                    throw SAMLError(.parseProcessingInstruction, "processing instructions are not allowed in SAML messages",
                                    expected: "none (an XML declaration only at the start)", found: "'<?' at byte \(lt)")
                }
                guard scanner.skip(past: "?>") else { throw Self.malformed("an unterminated XML declaration", at: lt) }
            case 0x2F:  // '/': end tag
                guard depth > 0 else { throw Self.malformed("an end tag without its start", at: lt) }
                guard let gt = scanner.next(0x3E) else { throw Self.malformed("an unterminated end tag (the message is cut short?)", at: lt) }
                depth -= 1
                scanner.position = gt + 1
            default:
                elements += 1
                guard elements <= limits.maxElements else {
                    throw SAMLError(.limitElements, "the message has too many elements", expected: "at most \(limits.maxElements)",
                                    found: "more, the \(elements)th at byte \(lt)")
                }
                let selfClosing = try startTag(&scanner, at: lt, limits: limits)
                if !selfClosing {
                    depth += 1
                    guard depth <= limits.maxDepth else {
                        throw SAMLError(.limitDepth, "elements are nested too deeply", expected: "at most \(limits.maxDepth) levels",
                                        found: "\(depth) levels at byte \(lt)")
                    }
                    maxDepth = max(maxDepth, depth)
                }
            }
        }
    }

    /// Reads one start tag after its `<`; returns whether it ends with `/>`.
    private mutating func startTag(_ scanner: inout Scanner, at start: Int, limits: ParseLimits) throws(SAMLError) -> Bool {
        _ = scanner.name()
        var attributes = 0
        var declarations = 0
        while true {
            scanner.skipWhitespace()
            guard let c = scanner.peek() else { throw Self.malformed("an unterminated start tag", at: start) }
            if c == 0x3E { scanner.position += 1; return false }  // '>'
            if c == 0x2F {  // "/>"
                scanner.position += 1
                guard scanner.peek() == 0x3E else { throw Self.malformed("'/' not followed by '>' in a start tag", at: scanner.position) }
                scanner.position += 1
                return true
            }
            let name = scanner.name()
            guard name.count > 0 else { throw Self.malformed("an attribute without a name", at: scanner.position) }
            attributes += 1
            self.attributes += 1
            guard attributes <= limits.maxAttributesPerElement else {
                throw SAMLError(.limitAttributes, "an element has too many attributes",
                                expected: "at most \(limits.maxAttributesPerElement) per element",
                                found: "more on the element at byte \(start)")
            }
            guard self.attributes <= limits.maxAttributes else {
                throw SAMLError(.limitAttributes, "the message has too many attributes", expected: "at most \(limits.maxAttributes) in all",
                                found: "more, the last on the element at byte \(start)")
            }
            if Self.isNamespaceDeclaration(name) {
                declarations += 1
                namespaceDeclarations += 1
                guard declarations <= limits.maxNamespaceDeclarationsPerElement else {
                    throw SAMLError(.limitNamespaces, "an element declares too many namespaces",
                                    expected: "at most \(limits.maxNamespaceDeclarationsPerElement) per element",
                                    found: "more on the element at byte \(start)")
                }
                guard namespaceDeclarations <= limits.maxNamespaceDeclarations else {
                    throw SAMLError(.limitNamespaces, "the message declares too many namespaces",
                                    expected: "at most \(limits.maxNamespaceDeclarations) in all",
                                    found: "more, the last on the element at byte \(start)")
                }
            }
            scanner.skipWhitespace()
            guard scanner.peek() == 0x3D else { throw Self.malformed("an attribute without '='", at: scanner.position) }  // '='
            scanner.position += 1
            scanner.skipWhitespace()
            guard let quote = scanner.peek(), quote == 0x22 || quote == 0x27,
                  let end = scanner.next(quote, from: scanner.position + 1) else {
                throw Self.malformed("an attribute value without quotes", at: scanner.position)
            }
            let length = end - scanner.position - 1
            if length > limits.maxIDLength, Self.isIDAttribute(name) {
                throw SAMLError(.limitIDLength, "an ID attribute is too long", expected: "at most \(limits.maxIDLength) bytes",
                                found: "\(length) bytes at byte \(scanner.position)")
            }
            scanner.position = end + 1
        }
    }

    /// `xmlns` or `xmlns:…`.
    private static func isNamespaceDeclaration(_ name: UnsafeRawBufferPointer) -> Bool {
        name.starts(with: "xmlns".utf8) && (name.count == 5 || name[5] == 0x3A)
    }

    /// The names ``DocumentScan`` treats as IDs.
    private static func isIDAttribute(_ name: UnsafeRawBufferPointer) -> Bool {
        ["ID", "Id", "id", "xml:id", "AssertionID", "ResponseID"].contains { name.elementsEqual($0.utf8) }
    }

    private static func malformed(_ what: String, at offset: Int) -> SAMLError {
        SAMLError(.parseMalformed, "the message is not well-formed XML", expected: "one XML document", found: "\(what) (byte \(offset))")
    }

    /// A cursor over the bytes.
    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        /// The offset of the next `byte` at or after `from` (default: the cursor).
        func next(_ byte: UInt8, from: Int? = nil) -> Int? {
            var i = from ?? position
            while i < bytes.count {
                if bytes[i] == byte { return i }
                i += 1
            }
            return nil
        }

        /// Consumes `literal` if the bytes at the cursor are exactly it.
        mutating func consume(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count else { return false }
            let base = literal.utf8Start
            for k in 0..<count where bytes[position + k] != base[k] { return false }
            position += count
            return true
        }

        /// Moves the cursor past the next occurrence of `terminator`; false when there is none.
        mutating func skip(past terminator: StaticString) -> Bool {
            let first = terminator.utf8Start[0]
            while let i = next(first) {
                position = i
                if consume(terminator) { return true }
                position = i + 1
            }
            position = bytes.count
            return false
        }

        mutating func skipWhitespace() {
            while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        }

        /// The bytes of a name: up to whitespace, `=`, `/`, `>` or `<`.
        mutating func name() -> UnsafeRawBufferPointer {
            let start = position
            while position < bytes.count {
                let c = bytes[position]
                if Self.isWhitespace(c) || c == 0x3D || c == 0x2F || c == 0x3E || c == 0x3C { break }
                position += 1
            }
            return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        }

        static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    }
}
