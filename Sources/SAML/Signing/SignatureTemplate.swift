/// An unsigned `<Signature>` in Entra's exact shape; libxmlsec fills DigestValue and SignatureValue.
///
/// Written as text rather than with xmlsec's template functions because those insert newline text nodes, and
/// Entra's signatures have no whitespace at all. KeyInfo carries the certificate; it is outside SignedInfo, so
/// xmlsec leaves it as written (its key-info writer is disabled in ``NativeSigner``).
struct SignatureTemplate: Sendable {
    var algorithm: SignatureAlgorithm
    var certificateBase64: String?

    /// Writes the template; returns where the empty DigestValue and SignatureValue contents are.
    @discardableResult
    func write(into w: inout XMLWriter, referenceID: String) -> SignatureSlot {
        w.open("Signature")
        w.attribute("xmlns", SAMLNamespace.xmldsig)
        w.close()
        let digestOffset = writeSignedInfo(into: &w, referenceID: referenceID, digestValue: "")
        w.raw("<SignatureValue>")
        let signatureValueOffset = w.offset
        w.raw("</SignatureValue>")
        if let certificateBase64 {
            w.raw("<KeyInfo><X509Data><X509Certificate>")
            w.raw(certificateBase64)
            w.raw("</X509Certificate></X509Data></KeyInfo>")
        }
        w.end("Signature")
        return SignatureSlot(elementID: referenceID, digestOffset: digestOffset, signatureValueOffset: signatureValueOffset)
    }

    /// `<SignedInfo>` with `digestValue`; returns where the DigestValue's content starts. In a canonical writer it is
    /// written as exclusive C14N renders it as the apex: with the xmldsig default namespace (declared on Signature,
    /// and visibly used by SignedInfo) on its start tag, and empty elements as start and end tags.
    @discardableResult
    func writeSignedInfo(into w: inout XMLWriter, referenceID: String, digestValue: String) -> Int {
        if w.canonical {
            w.open("SignedInfo")
            w.attribute("xmlns", SAMLNamespace.xmldsig)
            w.close()
        } else {
            w.raw("<SignedInfo>")
        }
        w.open("CanonicalizationMethod")
        w.attribute("Algorithm", TransformURI.exclusiveC14N)
        w.selfClose()
        w.open("SignatureMethod")
        w.attribute("Algorithm", algorithm.signatureMethod)
        w.selfClose()
        w.open("Reference")
        w.attribute("URI", "#" + referenceID)
        w.close()
        w.raw("<Transforms>")
        w.open("Transform")
        w.attribute("Algorithm", TransformURI.enveloped)
        w.selfClose()
        w.open("Transform")
        w.attribute("Algorithm", TransformURI.exclusiveC14N)
        w.selfClose()
        w.raw("</Transforms>")
        w.open("DigestMethod")
        w.attribute("Algorithm", algorithm.digestMethod)
        w.selfClose()
        w.raw("<DigestValue>")
        let digestOffset = w.offset
        w.raw(digestValue)
        w.raw("</DigestValue></Reference></SignedInfo>")
        return digestOffset
    }
}

/// Where a template's values go in the serialised bytes.
struct SignatureSlot: Sendable {
    var elementID: String
    var digestOffset: Int
    var signatureValueOffset: Int
}

/// Which elements get a signature template.
struct SignatureTemplates: Sendable {
    var response: SignatureTemplate?
    var assertion: SignatureTemplate?
    static let none = SignatureTemplates()
}
