internal import CXMLSec
internal import CXMLSecShim
import Foundation

/// Measures libxmlsec1 on its own, for `saml-bench`: the yardsticks the library's verification is compared with.
/// Not public API: it skips every check the library exists to make.
package enum NativeBaseline {
    package enum Mode: Sendable {
        /// `xmlSecDSigCtxVerify` with the bare key lent, on a document parsed once (hot tree).
        case xmlsecOnly
        /// As `xmlsecOnly`, but a certificate-backed key copied into each context, as a first integration would.
        case xmlsecNaiveKey
        /// A libxml2 parse per call, then `xmlSecDSigCtxVerify` with the bare key: the floor for any verifier that
        /// parses each message once and lets libxmlsec1 check it, before any SAML rule.
        case parseAndXMLSec
    }

    /// Verifications per second of the first signature in `xml`; with `iterations`, exactly that many (for
    /// instruction-count profiles) and the result is 0.
    package static func verifyRate(_ xml: [UInt8], certificate: Certificate, mode: Mode, seconds: Double,
                                   iterations: Int? = nil) throws(SAMLError) -> Double {
        var document = try NativeDocument.parse(xml, limits: .default)
        var (signature, _) = try prepare(document)
        var certKey: xmlSecKeyPtr?
        if mode == .xmlsecNaiveKey {
            certKey = certificate.der.withUnsafeBytes {
                xmlSecOpenSSLAppKeyLoadMemory($0.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32($0.count),
                                              xmlSecKeyDataFormatCertDer, nil, nil, nil)
            }
            guard certKey != nil else { throw SAMLError(.certificateInvalid, "xmlsec could not load the certificate") }
        }
        defer { if let certKey { xmlSecKeyDestroy(certKey) } }
        func once() throws(SAMLError) {
            if mode == .parseAndXMLSec {
                document = try NativeDocument.parse(xml, limits: .default, readOnly: true)
                (signature, _) = try prepare(document)
            }
            try verifyBare(signature, certificate: certificate, copying: certKey)
        }
        if let iterations {
            for _ in 0..<iterations { try once() }
            return 0
        }
        try once()
        return try callsPerSecond(seconds, once)
    }

    /// One floor verification of `xml`: a libxml2 parse (with the pre-scan and the document scan), then
    /// `xmlSecDSigCtxVerify` with the bare key; for measuring the floor on several threads at once.
    /// - Parameter directIDLookup: resolve the Reference with xmlGetID rather than xmlsec's default XPointer, as the
    ///   library's own context does (``SignatureContext``): not the floor, a yardstick beside it that leaves only what
    ///   the SAML rules cost over the same libxmlsec1 work.
    package static func parseAndVerifyOnce(_ xml: [UInt8], certificate: Certificate, directIDLookup: Bool = false) throws(SAMLError) {
        let document = try NativeDocument.parse(xml, limits: .default, readOnly: true)
        let (signature, _) = try prepare(document)
        try verifyBare(signature, certificate: certificate, copying: nil, directIDLookup: directIDLookup)
        withExtendedLifetime(document) {}
    }

    /// `xmlSecDSigCtxVerify` of `signature` in a bare context: same-document References only, nothing else set, with
    /// the certificate's key lent, or a copy of `certKey` when given.
    private static func verifyBare(_ signature: NodePtr, certificate: Certificate, copying certKey: xmlSecKeyPtr?,
                                   directIDLookup: Bool = false) throws(SAMLError) {
        guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { xmlSecDSigCtxDestroy(ctx) }
        ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        if directIDLookup { ctx.pointee.flags = UInt32(XMLSEC_DSIG_FLAGS_USE_VISA3D_HACK) }
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

    /// Calls per second of `body` over one window of at least `seconds` (in batches of ten, so that reading the clock
    /// stays out of the figure): the one timing loop of the benchmark and its yardsticks.
    package static func callsPerSecond<E: Error>(_ seconds: Double, _ body: () throws(E) -> Void) throws(E) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<10 { try body() }
            count += 10
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        } while elapsed < seconds
        return Double(count) / elapsed
    }

    private static func prepare(_ document: NativeDocument) throws(SAMLError) -> (NodePtr, NodePtr) {
        guard let signature = try DocumentScan(document).signatures.first?.raw, let element = signature.pointee.parent,
              let id = element.attribute("ID"), let attr = element.attributeNode("ID"),
              xmlAddID(nil, document.doc, id, attr) != nil else {
            throw SAMLError(.signatureMissing, "the baseline document has no signature")
        }
        return (signature, element)
    }
}
