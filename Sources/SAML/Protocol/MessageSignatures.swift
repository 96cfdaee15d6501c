/// Enveloped XML-DSig on AuthnRequest, LogoutRequest, LogoutResponse and metadata (HTTP-POST binding and signed
/// metadata), checked with the verifier's hardened core: one parse, no DTD, no duplicate IDs, the Signature a
/// direct child of the root, one Reference to the root's ID, allowlisted algorithms, configured certificates only.
public enum MessageSignatures {
    /// Verifies the root's signature; returns the configured certificate that made it. Throws
    /// ``SAMLError/Code/signatureMissing`` when the root is unsigned.
    /// - Parameters:
    ///   - xml: The signed message or metadata document.
    ///   - certificates: The signer's certificates, from configuration; a signature by any other key is refused.
    ///   - algorithms: Which signature and digest algorithms are accepted.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The trusted certificate whose key made the signature.
    /// - Throws: ``SAMLError`` when the document does not parse within `limits` or is not a signable SAML message
    ///   (`structure.unexpectedRoot`), is unsigned (`signature.missing`), or a signature is misplaced, not allowed,
    ///   made by an untrusted key or invalid (`signature.*`).
    @discardableResult
    public static func verify(_ xml: [UInt8], trusting certificates: [Certificate], algorithms: AlgorithmPolicy = .strict,
                              limits: ParseLimits = .default) throws(SAMLError) -> Certificate {
        try CoreVerifier.verifySignatures(xml, limits: limits, algorithms: algorithms, trusted: certificates).certificate
    }

    /// Signs the root of `xml` (any message with an `ID`): the Signature goes right after its Issuer, or first when
    /// it has none (metadata). Returns one line of XML serialised by libxml2.
    /// - Parameters:
    ///   - xml: The unsigned message or metadata document.
    ///   - signer: The key, certificate and algorithm to sign with.
    /// - Returns: The signed document as one line of XML.
    /// - Throws: ``SAMLError`` with code `signing.invalidInput` when the root has no usable `ID` or is already signed,
    ///   a parse error code when `xml` is not well-formed, or `signing.failed` when libxmlsec cannot sign.
    public static func sign(_ xml: [UInt8], with signer: Signer) throws(SAMLError) -> [UInt8] {
        try NativeSigner.signRoot(xml, template: SignatureTemplate(algorithm: signer.algorithm,
                                                                   certificateBase64: signer.includesCertificate ? signer.certificate.base64 : nil),
                                  key: signer.key.native)
    }

    /// Signs an existing Response (or bare Assertion) document in place, as Entra's signing option does: the
    /// assertion, the response, or both (assertion first, so the response signature covers it). The rest of the
    /// document is kept as it is; the result is one line of XML serialised by libxml2.
    /// - Parameters:
    ///   - xml: The unsigned Response or Assertion document.
    ///   - mode: Which elements to sign: the assertion, the response, or both.
    ///   - signer: The key, certificate and algorithm to sign with.
    /// - Returns: The signed document as one line of XML.
    /// - Throws: ``SAMLError`` with code `signing.invalidInput` when the root is not a Response or Assertion, a
    ///   Response does not carry exactly one Assertion, or an element to sign lacks an `ID` or is already signed; a
    ///   parse error code when `xml` is not well-formed; `signing.failed` when libxmlsec cannot sign.
    public static func sign(_ xml: [UInt8], mode: SigningMode, with signer: Signer) throws(SAMLError) -> [UInt8] {
        let template = SignatureTemplate(algorithm: signer.algorithm,
                                         certificateBase64: signer.includesCertificate ? signer.certificate.base64 : nil)
        return try NativeSigner.signResponse(xml, mode: mode, template: template, key: signer.key.native)
    }
}
