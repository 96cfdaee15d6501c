import CXMLSec
import CXMLSecShim

enum NativeSigner {
    /// Parses `xml` (our own serialisation), signs the `<Signature>` child of each element in `elementIDs` in
    /// order, and serialises the result.
    static func sign(_ xml: [UInt8], elementIDs: [String], key: NativeKey) throws(SAMLError) -> [UInt8] {
        let (document, root, _) = try signDocument(xml, elementIDs: elementIDs, key: key)
        return try document.serialize(root)
    }

    /// Signs as ``sign(_:elementIDs:key:)`` and returns, per element ID, the DigestValue and SignatureValue texts.
    static func signatureValues(_ xml: [UInt8], elementIDs: [String], key: NativeKey) throws(SAMLError)
        -> [String: (digestValue: String, signatureValue: String)] {
        let (_, _, values) = try signDocument(xml, elementIDs: elementIDs, key: key)
        return values
    }

    private static func signDocument(_ xml: [UInt8], elementIDs: [String], key: NativeKey) throws(SAMLError)
        -> (NativeDocument, NodePtr, [String: (digestValue: String, signatureValue: String)]) {
        var values: [String: (digestValue: String, signatureValue: String)] = [:]
        let document = try NativeDocument.parse(xml, limits: ParseLimits(maxDocumentBytes: Int.max))
        guard let root = document.root else { throw SAMLError(.signingInvalidInput, "the document has no root") }
        for id in elementIDs {
            guard let element = find(id: id, from: root) else {
                throw SAMLError(.signingInvalidInput, "no element carries the ID to sign", expected: id, found: "none")
            }
            guard let signature = element.child("http://www.w3.org/2000/09/xmldsig#", "Signature") else {
                throw SAMLError(.signingInvalidInput, "the element to sign has no Signature template",
                                expected: "a Signature child of \(element.localName)", found: "none")
            }
            guard let attr = element.attributeNode("ID"), xmlAddID(nil, document.doc, id, attr) != nil else {
                throw SAMLError(.signingInvalidInput, "the ID to sign is not unique", expected: "one element with ID \(id)",
                                found: "a duplicate")
            }
            guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
            defer { xmlSecDSigCtxDestroy(ctx) }
            ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
            // KeyInfo is written by our template; an enabled-list holding only KeyName stops xmlsec rewriting it.
            _ = xmlSecPtrListAdd(&ctx.pointee.keyInfoWriteCtx.enabledKeyData,
                                 UnsafeMutableRawPointer(mutating: UnsafeRawPointer(xmlSecKeyDataNameGetKlass())))
            guard let signKey = key.duplicate() else { throw SAMLError(.libraryUnavailable, "out of memory") }
            ctx.pointee.signKey = signKey
            guard xmlSecDSigCtxSign(ctx, signature) == 0 else {
                throw SAMLError(.signingFailed, "libxmlsec1 could not sign the element", expected: "a signature over #\(id)",
                                found: NativeLibrary.lastError.isEmpty ? "an xmlsec error" : NativeLibrary.lastError)
            }
            let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"
            guard let value = signature.child(ds, "SignatureValue")?.textContent,
                  let digest = signature.child(ds, "SignedInfo")?.child(ds, "Reference")?.child(ds, "DigestValue")?.textContent
            else { throw SAMLError(.signingFailed, "the signed template lacks its values") }
            values[id] = (digest, value)
        }
        return (document, root, values)
    }

    /// The element whose `ID` attribute equals `id` (depth-first, document order).
    private static func find(id: String, from root: NodePtr) -> NodePtr? {
        var stack: [NodePtr] = [root]
        while let node = stack.popLast() {
            if node.attribute("ID") == id { return node }
            stack.append(contentsOf: node.elementChildren.reversed())
        }
        return nil
    }
}
