internal import CXMLSec
internal import CXMLSecShim
import Foundation

/// Fills our own `<Signature>` templates: libxml2's exclusive C14N of the signed element minus its Signature
/// (the enveloped-signature transform), OpenSSL's digest, libxml2's C14N of SignedInfo, OpenSSL's RSA PKCS#1 v1.5
/// signature.
///
/// Signing does not go through libxmlsec1: its input is always our own template of one fixed shape (checked
/// below), and xmlsec's generic transform pipeline cost a quarter more per signature than these direct calls,
/// most of it node-set bookkeeping and repeated key-type queries (measured with callgrind, `saml-bench
/// --profile-sign`). Verification stays on libxmlsec1 as attacks.md §0.4 requires, and the tests verify every
/// signature made here with it, with the xmlsec1 command and with signxml.
enum NativeSigner {
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    /// Signs, in order, the `<Signature>` template that is a direct child of each element named by ID, and returns
    /// each one's DigestValue and SignatureValue.
    /// `ownOutput`: `xml` is this library's own serialisation (Signer), so the lexical pre-scan, whose limits would all
    /// be unlimited here, is skipped.
    static func signatureValues(_ xml: [UInt8], elementIDs: [String], key: NativeKey, ownOutput: Bool = false) throws(SAMLError)
        -> [String: (digestValue: String, signatureValue: String)] {
        let (_, _, values) = try signDocument(xml, elementIDs: elementIDs, key: key, prescan: !ownOutput)
        return values
    }

    /// Signs as ``signatureValues(_:elementIDs:key:)`` and serialises the document with libxml2.
    static func sign(_ xml: [UInt8], elementIDs: [String], key: NativeKey) throws(SAMLError) -> [UInt8] {
        let (document, root, _) = try signDocument(xml, elementIDs: elementIDs, key: key)
        return try document.serialize(XMLNode(root))
    }

    /// Inserts `template` into the root of `xml` (after its Issuer, or first) and signs the root.
    static func signRoot(_ xml: [UInt8], template: SignatureTemplate, key: NativeKey) throws(SAMLError) -> [UInt8] {
        try signInPlace(xml, target: { root in [root] }, template: template, key: key)
    }

    /// Inserts `template` into each element `target` picks from the root (after its Issuer, or first) and signs
    /// them in that order: inner elements first, so that an outer signature covers the inner one.
    static func signInPlace(_ xml: [UInt8], target: (NodePtr) throws(SAMLError) -> [NodePtr], template: SignatureTemplate,
                            key: NativeKey) throws(SAMLError) -> [UInt8] {
        let document = try NativeDocument.parse(xml, limits: ParseLimits.ownOutput)
        guard let root = document.root?.raw else { throw SAMLError(.signingInvalidInput, "the document has no root") }
        var ids: [String] = []
        for element in try target(root) {
            guard let id = element.attribute("ID"), isSafeID(id) else {
                throw SAMLError(.signingInvalidInput, "the element to sign has no usable ID", expected: "ID=\"_…\"",
                                found: "<\(element.qualifiedDescription)> without one")
            }
            guard element.child(ds, "Signature") == nil else {
                throw SAMLError(.signingInvalidInput, "the element is already signed", expected: "an unsigned <\(element.localName)>",
                                found: "a Signature")
            }
            var writer = XMLWriter(capacity: 2048)
            template.write(into: &writer, referenceID: id)
            var parsed: NodePtr?
            let rc = writer.bytes.withUnsafeBytes { raw in
                xmlParseInNodeContext(element, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), 0, &parsed)
            }
            guard rc == XML_ERR_OK, let signature = parsed else {
                throw SAMLError(.signingFailed, "the Signature template could not be inserted", found: NativeLibrary.lastError)
            }
            let children = element.elementChildren
            if let first = children.first, first.isElement("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer") {
                xmlAddNextSibling(first, signature)
            } else if let first = element.pointee.children {
                xmlAddPrevSibling(first, signature)
            } else {
                xmlAddChild(element, signature)
            }
            ids.append(id)
        }
        _ = try fill(document, root: root, elementIDs: ids, key: key)
        return try document.serialize(XMLNode(root))
    }

    /// Signs a Response document's assertion, root, or both (assertion first); a bare Assertion is signed itself.
    static func signResponse(_ xml: [UInt8], mode: SigningMode, template: SignatureTemplate, key: NativeKey) throws(SAMLError) -> [UInt8] {
        try signInPlace(xml, target: { root throws(SAMLError) in
            let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
            if root.isElement(saml, "Assertion") { return [root] }
            guard root.isElement("urn:oasis:names:tc:SAML:2.0:protocol", "Response") else {
                throw SAMLError(.signingInvalidInput, "not a Response or an Assertion", expected: "<samlp:Response> or <Assertion>",
                                found: "<\(root.qualifiedDescription)>")
            }
            if mode == .response { return [root] }
            let assertions = root.elementChildren.filter { $0.isElement(saml, "Assertion") }
            guard assertions.count == 1, let assertion = assertions.first else {
                throw SAMLError(.signingInvalidInput, "the Response must carry one Assertion to sign", expected: "1", found: "\(assertions.count)")
            }
            return mode == .both ? [assertion, root] : [assertion]
        }, template: template, key: key)
    }

    private static func signDocument(_ xml: [UInt8], elementIDs: [String], key: NativeKey, prescan: Bool = true) throws(SAMLError)
        -> (NativeDocument, NodePtr, [String: (digestValue: String, signatureValue: String)]) {
        let document = try NativeDocument.parse(xml, limits: ParseLimits.ownOutput, prescan: prescan)
        guard let root = document.root?.raw else { throw SAMLError(.signingInvalidInput, "the document has no root") }
        return (document, root, try fill(document, root: root, elementIDs: elementIDs, key: key))
    }

    /// Fills, in order, the templates of the elements named by ID.
    private static func fill(_ document: NativeDocument, root: NodePtr, elementIDs: [String], key: NativeKey) throws(SAMLError)
        -> [String: (digestValue: String, signatureValue: String)] {
        var values: [String: (digestValue: String, signatureValue: String)] = [:]
        for id in elementIDs {
            guard let element = find(id: id, from: root) else {
                throw SAMLError(.signingInvalidInput, "no element carries the ID to sign", expected: id, found: "none")
            }
            let template = try Template(element: element, id: id)
            let canonical = try NativeC14N.exclusive(document, apex: element, excluding: template.signature)
            let digest = Data(NativeX509.digest(canonical, algorithm: template.algorithm)).base64EncodedString()
            xmlNodeSetContent(template.digestValue, digest)
            let signedInfo = try NativeC14N.exclusive(document, apex: template.signedInfo, excluding: nil)
            let signature = Data(try key.sign(signedInfo, algorithm: template.algorithm)).base64EncodedString()
            xmlNodeSetContent(template.signatureValue, signature)
            values[id] = (digest, signature)
        }
        return values
    }

    /// The template this signer fills, and nothing else: exclusive C14N, one Reference to `#id` with exactly the
    /// enveloped-signature and exclusive C14N transforms, an RSA SignatureMethod with its matching digest.
    private struct Template {
        var signature: NodePtr
        var signedInfo: NodePtr
        var digestValue: NodePtr
        var signatureValue: NodePtr
        var algorithm: SignatureAlgorithm

        init(element: NodePtr, id: String) throws(SAMLError) {
            func invalid(_ what: String) -> SAMLError {
                SAMLError(.signingInvalidInput, "the Signature template is not one this signer fills", expected: what,
                          found: "something else in <\(element.localName) ID=\"\(id)\">")
            }
            guard let signature = element.child(ds, "Signature"),
                  let signedInfo = signature.child(ds, "SignedInfo"),
                  let signatureValue = signature.child(ds, "SignatureValue"),
                  signedInfo.child(ds, "CanonicalizationMethod")?.attribute("Algorithm") == TransformURI.exclusiveC14N,
                  let method = signedInfo.child(ds, "SignatureMethod")?.attribute("Algorithm"),
                  let algorithm = SignatureAlgorithm.allCases.first(where: { $0.signatureMethod == method }),
                  let reference = signedInfo.child(ds, "Reference"), reference.attribute("URI") == "#" + id,
                  signedInfo.elementChildren.filter({ $0.isElement(ds, "Reference") }).count == 1,
                  reference.child(ds, "DigestMethod")?.attribute("Algorithm") == algorithm.digestMethod,
                  let digestValue = reference.child(ds, "DigestValue"),
                  let transforms = reference.child(ds, "Transforms")?.elementChildren,
                  transforms.map({ $0.attribute("Algorithm") ?? "" }) == [TransformURI.enveloped, TransformURI.exclusiveC14N]
            else {
                throw invalid("an exc-c14n, RSA, single-Reference enveloped Signature template as a direct child")
            }
            self.signature = signature
            self.signedInfo = signedInfo
            self.digestValue = digestValue
            self.signatureValue = signatureValue
            self.algorithm = algorithm
        }
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
