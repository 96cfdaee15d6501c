import CXMLSec
import CXMLSecShim
import Foundation

/// Measures libxmlsec1 on its own, for `saml-bench`: the yardstick the library's verification is compared with.
/// Not public API: it skips every check the library exists to make.
package enum NativeBaseline {
    /// Verifications per second of the first signature in `xml` by `xmlSecDSigCtxVerify` alone, on a document
    /// parsed once. `naiveKey` copies a certificate-backed key into each context, as a first integration would.
    package static func xmlsecVerifyRate(_ xml: [UInt8], certificate: Certificate, naiveKey: Bool,
                                         seconds: Double) throws(SAMLError) -> Double {
        let document = try NativeDocument.parse(xml, limits: .default)
        guard let signature = try DocumentScan(document).signatures.first, let element = signature.pointee.parent,
              let id = element.attribute("ID"), let attr = element.attributeNode("ID"),
              xmlAddID(nil, document.doc, id, attr) != nil else {
            throw SAMLError(.signatureMissing, "the baseline document has no signature")
        }
        var certKey: xmlSecKeyPtr?
        if naiveKey {
            certKey = certificate.der.withUnsafeBytes {
                xmlSecOpenSSLAppKeyLoadMemory($0.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32($0.count),
                                              xmlSecKeyDataFormatCertDer, nil, nil, nil)
            }
            guard certKey != nil else { throw SAMLError(.certificateInvalid, "xmlsec could not load the certificate") }
        }
        defer { if let certKey { xmlSecKeyDestroy(certKey) } }
        func once() throws(SAMLError) {
            guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
            defer { xmlSecDSigCtxDestroy(ctx) }
            ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
            let rc: Int32
            if let certKey {
                ctx.pointee.signKey = xmlSecKeyDuplicate(certKey)
                rc = xmlSecDSigCtxVerify(ctx, signature)
            } else {
                rc = try certificate.publicKey.lend(to: ctx) { () throws(SAMLError) in xmlSecDSigCtxVerify(ctx, signature) }
            }
            guard rc == 0, ctx.pointee.status == xmlSecDSigStatusSucceeded else {
                throw SAMLError(.signatureInvalid, "the baseline signature does not verify", found: NativeLibrary.lastError)
            }
        }
        try once()
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<20 { try once() }
            count += 20
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        } while elapsed < seconds
        return Double(count) / elapsed
    }
}
