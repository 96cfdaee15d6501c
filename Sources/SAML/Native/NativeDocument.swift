internal import CXMLSec
internal import CXMLSecShim

/// A libxml2 document parsed once, with no DTD, no entities and no network (attacks.md §0.1, §5).
final class NativeDocument {
    let doc: DocPtr
    /// The limits it was parsed under (``DocumentScan`` and the signature rules apply the tree-level ones).
    let limits: ParseLimits
    /// Set by ``DocumentScan``: over every element, its depth times the namespace declarations in scope, and its
    /// depth alone (what an InclusiveNamespaces prefix list multiplies); see ``ParseLimits/maxCanonicalizationWork``.
    /// `nil` until the scan ran: the signature rules refuse to run without it.
    var canonicalizationWork: (namespaces: Int, depth: Int)?

    private init(doc: DocPtr, limits: ParseLimits) {
        self.doc = doc
        self.limits = limits
    }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    var root: XMLNode? { xmlDocGetRootElement(doc).map(XMLNode.init) }

    /// Parses `bytes` (see ``parse(_:limits:)-raw``).
    static func parse(_ bytes: [UInt8], limits: ParseLimits, readOnly: Bool = false, prescan: Bool = true) throws(SAMLError) -> NativeDocument {
        let result: Result<NativeDocument, SAMLError> = bytes.withUnsafeBytes { raw in
            do throws(SAMLError) { return .success(try parse(raw, limits: limits, readOnly: readOnly, prescan: prescan)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses `bytes`. Rejects DOCTYPE before parsing (so no DTD is ever processed), then anything not
    /// namespace-well-formed.
    /// `readOnly` adds XML_PARSE_COMPACT (small text stored inline, fewer allocations) for trees that are only read.
    /// `prescan: false` skips ``LexicalPrescan``, only for bytes this library serialised itself (signing), whose limits
    /// are ``ParseLimits/ownOutput`` (unlimited) anyway.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: ParseLimits, readOnly: Bool = false,
                      prescan: Bool = true) throws(SAMLError) -> NativeDocument {
        try NativeLibrary.begin()
        guard bytes.count > 0 else { throw SAMLError(.inputEmpty, "the message is empty") }
        guard bytes.count <= limits.maxDocumentBytes else {
            throw SAMLError(.inputTooLarge, "the document exceeds the size limit",
                            expected: "at most \(limits.maxDocumentBytes) bytes", found: "\(bytes.count) bytes")
        }
        guard let base = bytes.baseAddress else { throw SAMLError(.inputEmpty, "the message is empty") }
        if containsDoctype(bytes) {
            throw SAMLError(.parseDTDForbidden, "DTDs are not allowed in SAML messages",
                            expected: "no <!DOCTYPE>", found: "a <!DOCTYPE> declaration")
        }
        // Bounded cost before libxml2 does any work (ParseLimits).
        if prescan { _ = try LexicalPrescan(bytes, limits: limits) }
        guard let ctxt = xmlNewParserCtxt() else {
            throw SAMLError(.libraryUnavailable, "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        // NONET: no network. IGNORE_ENC with "UTF-8" below: the bytes are read as UTF-8 whatever the XML declaration
        // says, as LexicalPrescan read them (an encoding switch would show libxml2 markup the scan never saw).
        // Deliberately absent: NOENT (substitutes entities, loads external ones), DTDLOAD,
        // DTDATTR, HUGE (lifts libxml2's size limits), RECOVER.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | (readOnly ? XML_PARSE_COMPACT.rawValue : 0))
        let parsed = xmlCtxtReadMemory(ctxt, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8",
                                       options)
        guard let parsed, ctxt.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            throw SAMLError(.parseMalformed, "the message is not well-formed XML", expected: "one XML document",
                            found: NativeLibrary.lastError.isEmpty ? "a parse error" : NativeLibrary.lastError)
        }
        let document = NativeDocument(doc: parsed, limits: limits)
        guard ctxt.pointee.nsWellFormed != 0 else {
            throw SAMLError(.parseNamespace, "the message is not namespace-well-formed",
                            expected: "well-formed qualified names and namespace declarations",
                            found: NativeLibrary.lastError.isEmpty ? "a namespace error" : NativeLibrary.lastError)
        }
        if parsed.pointee.intSubset != nil || parsed.pointee.extSubset != nil {
            throw SAMLError(.parseDTDForbidden, "DTDs are not allowed in SAML messages", expected: "no DTD",
                            found: "a document type declaration")
        }
        return document
    }

    /// A byte scan for `<!DOCTYPE` anywhere (also inside comments: failing closed costs nothing legitimate).
    static func containsDoctype(_ bytes: UnsafeRawBufferPointer) -> Bool {
        cxs_contains(bytes.baseAddress, bytes.count, "<!DOCTYPE") != 0
    }

    /// ``containsDoctype(_:)-(UnsafeRawBufferPointer)`` over an array.
    static func containsDoctype(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { containsDoctype($0) }
    }

    // MARK: - The tree operations the rules need

    /// Registers `id` as the ID of `element` (its `ID` attribute) so that xmlsec resolves `#id` to it; false when
    /// the element has no `ID` attribute or the value is already registered.
    func registerID(_ id: String, on element: XMLNode) -> Bool {
        guard let attribute = element.raw.attributeNode("ID") else { return false }
        // withCString lends a native String's own bytes; passing the String converted it through a new array.
        return id.withCString { xmlAddID(nil, doc, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), attribute) } != nil
    }

    /// The element whose registered ID is `id`, as xmlsec resolves a same-document Reference.
    func element(withID id: String) -> XMLNode? {
        id.withCString { xmlGetID(doc, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }?.pointee.parent.map(XMLNode.init)
    }

    /// Unlinks `node` from the tree and frees it (only on a tree parsed without `readOnly`).
    func remove(_ node: XMLNode) {
        xmlUnlinkNode(node.raw)
        xmlFreeNode(node.raw)
    }

    /// Parses `plaintext` in the context of `context` (so that namespaces declared on its ancestors resolve) and puts
    /// the result in place of `node`, which is freed. The plaintext must be exactly one `{ns}name` element; otherwise
    /// nothing changes and the error says what was found.
    func replace(_ node: XMLNode, withElementParsedFrom plaintext: [UInt8], in context: XMLNode,
                 expecting ns: StaticString, _ name: StaticString) throws(SAMLError) {
        var parsed: NodePtr?
        let rc = plaintext.withUnsafeBytes { raw in
            xmlParseInNodeContext(context.raw, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count),
                                  Int32(XML_PARSE_NONET.rawValue), &parsed)
        }
        guard rc == XML_ERR_OK, let element = parsed, element.pointee.next == nil, element.isElement(ns, name) else {
            if let parsed { xmlFreeNodeList(parsed) }
            throw SAMLError(.encryptionMalformed, "the decrypted data is not one \(name)", expected: "<\(name)>",
                            found: rc == XML_ERR_OK ? "other content" : "XML that does not parse")
        }
        xmlReplaceNode(node.raw, element)
        xmlFreeNode(node.raw)
    }

    /// The document's root element serialised as UTF-8, without XML declaration or added whitespace.
    func serialize(_ node: XMLNode) throws(SAMLError) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { xmlBufferFree(buffer) }
        guard let save = xmlSaveToBuffer(buffer, "UTF-8", Int32(XML_SAVE_NO_DECL.rawValue)) else {
            throw SAMLError(.libraryUnavailable, "libxml2 could not create a serialiser")
        }
        let written = xmlSaveTree(save, node.raw)
        xmlSaveClose(save)
        guard written >= 0, let content = xmlBufferContent(buffer) else {
            throw SAMLError(.signingFailed, "libxml2 could not serialise the document",
                            found: NativeLibrary.lastError)
        }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }
}
