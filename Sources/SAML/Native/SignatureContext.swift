internal import CXMLSec
internal import CXMLSecShim
import Foundation

/// The owner of one libxmlsec1 signature context (`xmlSecDSigCtx`), configured as attacks.md §11 requires: manifests
/// ignored, same-document References only, only the allowlisted transforms instantiable, the key set by us so that
/// KeyInfo can never supply one. It runs xmlsec once and reports what xmlsec established; what that means (which
/// Reference, which node, whether the canonical forms were empty) is decided in `Rules/SignatureVerifier.swift`.
final class SignatureContext {
    /// What one run of xmlsec established.
    struct Outcome {
        enum Status { case valid, digestMismatch, signatureMismatch }
        var status: Status
        /// How many References xmlsec processed in SignedInfo.
        var referenceCount: Int
        /// Whether the single processed Reference's URI is exactly `#` and the expected ID (compared in place).
        var referenceMatches: Bool
        /// The URI of the single processed Reference, read only when it does not match (for the message).
        var referenceURI: String?
        /// The size of SignedInfo's canonical form, which the SignatureValue covers.
        var signedInfoBytes: Int
        /// The size of the Reference's canonical form; `nil` unless the context stores References.
        var referenceBytes: Int?
        /// Whether xmlsec resolved the Reference by its ID directly (no XPointer evaluation): what `init` configures.
        var resolvedByID: Bool
        /// SignedInfo's canonical form, kept only when the digest verified and the signature did not
        /// (``Status/signatureMismatch``): it does not depend on the key, so another key needs only the RSA check.
        var signedInfo: [UInt8]?
    }

    private let ctx: xmlSecDSigCtxPtr
    private let storesReferences: Bool

    /// - Parameters:
    ///   - allowSHA1: whether rsa-sha1 and sha1 may be instantiated (``AlgorithmPolicy/allowSHA1``).
    ///   - storeReferences: keep the Reference's canonical form in memory to measure it (xmlsec then copies and
    ///     wipes a buffer of the whole signed element).
    ///   - resolveByID: resolve the Reference with xmlGetID (see below); `false` only to compare with xmlsec's
    ///     XPointer route in tests.
    init(allowSHA1: Bool, storeReferences: Bool, resolveByID: Bool = true) throws(SAMLError) {
        guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        self.ctx = ctx
        self.storesReferences = storeReferences
        // Store SignedInfo's canonical form, to refuse empty C14N output (attacks.md §5, void canonicalisation).
        // Resolve the Reference's "#id" with xmlGetID instead of an XPointer expression `xpointer(id('…'))` built from
        // the URI and run through a new XPath context per verification: about a twentieth of a verification. xmlsec
        // names the flag after the Visa 3-D Secure messages it was added for (IDs that are not NCNames); for a bare
        // "#id" it selects the same node set, the element's tree without comments, as its XPointer route
        // (1.2.37 `src/transforms.c` `xmlSecTransformCtxSetUri`, `src/xpath.c` `xmlSecTransformVisa3DHackExecute`).
        // It is safe here because the SignedInfo rules run first: the URI must be exactly "#" + the ID of the element
        // that carries the Signature, letters, digits, `_ . -` only, registered by us once; "#xpointer(…)" is refused
        // before xmlsec sees it. No text of the message is ever evaluated as XPath (attacks.md §4, URI injection).
        ctx.pointee.flags = UInt32(XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS) | UInt32(XMLSEC_DSIG_FLAGS_STORE_SIGNATURE)
            | (resolveByID ? UInt32(XMLSEC_DSIG_FLAGS_USE_VISA3D_HACK) : 0)
            | (storeReferences ? UInt32(XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES) : 0)
        ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        try enableTransforms(allowSHA1: allowSHA1)
        // With signKey set, xmlsec ignores KeyInfo; the key-data list is still narrowed to KeyName, which can
        // yield no key without a keys manager, so nothing in the message can ever supply one.
        _ = xmlSecPtrListAdd(&ctx.pointee.keyInfoReadCtx.enabledKeyData,
                             UnsafeMutableRawPointer(mutating: UnsafeRawPointer(xmlSecKeyDataNameGetKlass())))
    }

    deinit { xmlSecDSigCtxDestroy(ctx) }

    /// Verifies `signature` with `key` (lent to the context for this call only); `id` is the ID its single Reference
    /// must name.
    /// - Throws: ``SAMLError`` `signature.canonicalization` or `signature.malformed` when xmlsec cannot process the
    ///   Signature at all (as opposed to a signature that does not verify, which is an ``Outcome``).
    func verify(_ signature: XMLNode, with key: NativeKey, expecting id: String) throws(SAMLError) -> Outcome {
        let rc = try key.lend(to: ctx) { () throws(SAMLError) in xmlSecDSigCtxVerify(ctx, signature.raw) }
        let count = Int(xmlSecPtrListGetSize(&ctx.pointee.signedInfoReferences))
        let reference = count == 1
            ? xmlSecPtrListGetItem(&ctx.pointee.signedInfoReferences, 0)?.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self)
            : nil
        guard rc == 0 else {
            let detail = NativeLibrary.lastError
            let c14n = detail.localizedCaseInsensitiveContains("c14n")
            throw SAMLError(c14n ? .signatureCanonicalization : .signatureMalformed,
                            c14n ? "canonicalisation failed" : "libxmlsec1 could not process the Signature",
                            expected: "a well-formed enveloped signature", found: detail.isEmpty ? "an xmlsec error" : detail)
        }
        let status: Outcome.Status
        if ctx.pointee.status == xmlSecDSigStatusSucceeded {
            status = .valid
        } else if let reference, reference.pointee.status == xmlSecDSigStatusInvalid {
            status = .digestMismatch
        } else {
            status = .signatureMismatch
        }
        let uri = reference?.pointee.uri
        var expected = id
        let matches = uri.map { uri in expected.withUTF8 { id in uri[0] == 0x23 && cEquals(uri + 1, id) } } ?? false
        return Outcome(
            status: status, referenceCount: count, referenceMatches: matches,
            referenceURI: matches ? nil : uri.map { String(cString: $0) },
            signedInfoBytes: xmlSecDSigCtxGetPreSignBuffer(ctx).map { Int(xmlSecBufferGetSize($0)) } ?? 0,
            referenceBytes: storesReferences
                ? (reference.flatMap { xmlSecDSigReferenceCtxGetPreDigestBuffer($0) }.map { Int(xmlSecBufferGetSize($0)) } ?? 0)
                : nil,
            resolvedByID: reference?.pointee.transformCtx.first?.pointee.id == xmlSecTransformVisa3DHackGetKlass(),
            signedInfo: status == .signatureMismatch && reference?.pointee.status == xmlSecDSigStatusSucceeded
                ? xmlSecDSigCtxGetPreSignBuffer(ctx).flatMap { buffer in
                    xmlSecBufferGetData(buffer).map { Array(UnsafeBufferPointer(start: $0, count: Int(xmlSecBufferGetSize(buffer)))) }
                } : nil)
    }

    /// Allowlists the transforms xmlsec may instantiate, mirroring the SignedInfo rules.
    private static let referenceTransforms: [cxs_transform] = [
        CXS_TRANSFORM_ENVELOPED, CXS_TRANSFORM_EXC_C14N, CXS_TRANSFORM_INCL_C14N,
        CXS_TRANSFORM_SHA256, CXS_TRANSFORM_SHA384, CXS_TRANSFORM_SHA512]
    private static let signatureTransforms: [cxs_transform] = [
        CXS_TRANSFORM_EXC_C14N, CXS_TRANSFORM_INCL_C14N, CXS_TRANSFORM_RSA_SHA256, CXS_TRANSFORM_RSA_SHA384,
        CXS_TRANSFORM_RSA_SHA512]
    private static let referenceTransformsSHA1 = referenceTransforms + [CXS_TRANSFORM_SHA1]
    private static let signatureTransformsSHA1 = signatureTransforms + [CXS_TRANSFORM_RSA_SHA1]

    private func enableTransforms(allowSHA1: Bool) throws(SAMLError) {
        let reference = allowSHA1 ? Self.referenceTransformsSHA1 : Self.referenceTransforms
        let signature = allowSHA1 ? Self.signatureTransformsSHA1 : Self.signatureTransforms
        for t in reference where xmlSecDSigCtxEnableReferenceTransform(ctx, cxs_transform_id(t)) < 0 {
            throw SAMLError(.libraryUnavailable, "xmlsec refused to enable a transform", found: NativeLibrary.lastError)
        }
        for t in signature where xmlSecDSigCtxEnableSignatureTransform(ctx, cxs_transform_id(t)) < 0 {
            throw SAMLError(.libraryUnavailable, "xmlsec refused to enable a transform", found: NativeLibrary.lastError)
        }
    }
}
