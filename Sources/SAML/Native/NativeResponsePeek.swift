internal import CXMLSec
internal import CXMLSecShim

/// Unverified reads for diagnostics (``ResponsePeek``): the same hardened parser, no trust decisions.
enum NativeResponsePeek {
    private static let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    private static let samlp: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    static func issuer(_ xml: [UInt8], limits: ParseLimits) -> String? {
        guard let document = try? NativeDocument.parse(xml, limits: limits, readOnly: true), (try? DocumentScan(document)) != nil,
              let root = document.root else { return nil }
        defer { withExtendedLifetime(document) {} }
        return (root.child(saml, "Issuer") ?? root.child(saml, "Assertion")?.child(saml, "Issuer"))?.textContent
    }

    /// The verifier's `document` step, then the Issuer of the (single, plain) Assertion, else the Response's: the
    /// Assertion's is the one a signature covers in Entra's default mode. An Issuer that is empty or only white space
    /// names no provider and counts as absent. With no Issuer found but an Assertion nested deeper (in Extensions,
    /// say), that misplacement is the answer: "the response names no Issuer" would be untrue of it.
    static func claimedIssuer(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> String? {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        defer { withExtendedLifetime(document) {} }
        let scan = try DocumentScan(document)
        let (root, _) = try CoreVerifier.responseRoot(document)
        let text = (root.child(saml, "Assertion")?.child(saml, "Issuer") ?? root.child(saml, "Issuer"))?.textContent
        if let text, text.contains(where: { !$0.isWhitespace }) { return text }
        if let nested = scan.assertions.first(where: { $0.parent != root }) { throw CoreVerifier.misplacedAssertion(nested) }
        return nil
    }

    /// The root's local name and namespace.
    static func rootName(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> (name: String, namespace: String?) {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        defer { withExtendedLifetime(document) {} }
        guard let root = document.root else { throw SAMLError(.parseMalformed, "the document has no root element") }
        return (root.localName, root.namespaceURI)
    }

    /// The Response and its first Assertion as the message claims them; nil assertion when there is none (or it is
    /// encrypted).
    static func response(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> Response {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        defer { withExtendedLifetime(document) {} }
        guard let root = document.root, root.isElement(samlp, "Response") else {
            throw SAMLError(.structureUnexpectedRoot, "not a SAML Response", expected: "<samlp:Response>",
                            found: document.root.map { "<\($0.qualifiedDescription)>" } ?? "no root")
        }
        let assertion = try root.child(saml, "Assertion").map(ResponseReader.assertion)
        return try ResponseReader.response(root, status: ResponseReader.status(of: root), assertion: assertion)
    }

    /// Every ds:Signature in document order, with what it claims to sign and how.
    static func signatures(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> [SignatureSummary] {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        defer { withExtendedLifetime(document) {} }
        guard let root = document.root else { return [] }
        var found: [SignatureSummary] = []
        func walk(_ node: XMLNode) {
            for child in node.elementChildren {
                if child.isElement(ds, "Signature") {
                    found.append(summary(child, parent: node))
                } else {
                    walk(child)
                }
            }
        }
        walk(root)
        return found
    }

    private static func summary(_ signature: XMLNode, parent: XMLNode) -> SignatureSummary {
        let info = signature.child(ds, "SignedInfo")
        let references = info?.elementChildren.filter { $0.isElement(ds, "Reference") } ?? []
        let transforms = references.first?.child(ds, "Transforms")?.elementChildren.compactMap { $0.attribute("Algorithm") } ?? []
        var certificates: [Certificate] = []
        if let data = signature.child(ds, "KeyInfo")?.child(ds, "X509Data") {
            // A diagnostic, not a trust decision: the first 8 certificates, each read only when of a plausible size
            // (an RSA-4096 certificate is under 3 KB of base64; 600 copies took inspect 400 ms).
            for node in data.elementChildren.lazy.filter({ $0.isElement(ds, "X509Certificate") }).prefix(8) {
                let text = node.textContent
                if text.utf8.count <= 16_384, let certificate = try? Certificate(base64: text) { certificates.append(certificate) }
            }
        }
        return SignatureSummary(element: parent.localName, elementID: parent.attribute("ID"),
                                referenceURIs: references.map { $0.attribute("URI") ?? "" },
                                signatureMethod: info?.child(ds, "SignatureMethod")?.attribute("Algorithm"),
                                digestMethod: references.first?.child(ds, "DigestMethod")?.attribute("Algorithm"),
                                canonicalization: info?.child(ds, "CanonicalizationMethod")?.attribute("Algorithm"),
                                transforms: transforms, certificates: certificates)
    }

    /// The document indented by libxml2 (two spaces a level), for reading.
    static func pretty(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> String {
        let document = try NativeDocument.parse(xml, limits: limits)
        defer { withExtendedLifetime(document) {} }
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemory(document.doc, &buffer, &size, 1)
        defer { cxs_xml_free(buffer) }
        guard let buffer, size > 0 else { throw SAMLError(.parseMalformed, "the document could not be serialised") }
        return String(decoding: UnsafeBufferPointer(start: buffer, count: Int(size)), as: UTF8.self)
    }
}
