/// Unverified reads of a Response, for diagnostics only: choosing which rejection to report, showing what a
/// captured message claims. Never use these values to sign anyone in.
public enum ResponsePeek {
    /// The Issuer the Response (or else its first Assertion) claims, read with the hardened parser; `nil` when the
    /// document does not parse or names none.
    /// - Parameters:
    ///   - xml: The Response document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    public static func issuer(_ xml: [UInt8], limits: ParseLimits = .default) -> String? {
        NativeResponsePeek.issuer(xml, limits: limits)
    }

    /// The Issuer the Response (or else its first Assertion) claims, after the hardened parse and document scan that
    /// ``Verifier`` runs first (its `document` step): throws that step's error, `nil` when the message names none.
    /// For choosing which trusted keys a message is to be judged with (AWS: the providers with this Issuer).
    /// - Parameters:
    ///   - xml: The Response document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Throws: ``SAMLError`` with the `document` step's code: when the document is empty, exceeds `limits`, is not
    ///   well-formed XML without a DTD (`input.*`, `limit.*`, `parse.*`), repeats an ID (`structure.duplicateID`), or
    ///   its root is not a SAML 2.0 Response with an ID (`structure.*`).
    public static func claimedIssuer(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> String? {
        try NativeResponsePeek.claimedIssuer(xml, limits: limits)
    }

    /// The Response and its first Assertion as the message claims them, nothing verified.
    /// - Parameters:
    ///   - xml: The Response document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The Response, with its first plain Assertion (`nil` when there is none or it is encrypted).
    /// - Throws: ``SAMLError`` when the document is empty, exceeds `limits`, or is not well-formed XML without a DTD
    ///   (`input.*`, `limit.*`, `parse.*`), its root is not a `<samlp:Response>` (`structure.unexpectedRoot`), or the
    ///   Response or Assertion lacks a required element or attribute (`structure.*`).
    public static func response(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> Response {
        try NativeResponsePeek.response(xml, limits: limits)
    }

    /// Every `ds:Signature` of any SAML message or metadata, in document order.
    /// - Parameters:
    ///   - xml: The message or metadata document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: What each signature claims, nothing verified; empty for an unsigned document.
    /// - Throws: ``SAMLError`` when the document is empty, exceeds `limits`, or is not well-formed XML without a DTD
    ///   (`input.*`, `limit.*`, `parse.*`).
    public static func signatures(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> [SignatureSummary] {
        try NativeResponsePeek.signatures(xml, limits: limits)
    }

    /// The document indented for reading (any SAML message or metadata), parsed with the hardened parser.
    /// - Parameters:
    ///   - xml: The message or metadata document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Throws: ``SAMLError`` when the document is empty, exceeds `limits`, or is not well-formed XML without a DTD
    ///   (`input.*`, `limit.*`, `parse.*`).
    public static func prettyXML(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> String {
        try NativeResponsePeek.pretty(xml, limits: limits)
    }

    /// The root element's local name and namespace (`Response`, `AuthnRequest`, `EntityDescriptor`, …).
    /// - Parameters:
    ///   - xml: The message or metadata document, as UTF-8 bytes.
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The root's local name and namespace URI (`nil` when it has none).
    /// - Throws: ``SAMLError`` when the document is empty, exceeds `limits`, or is not well-formed XML without a DTD
    ///   (`input.*`, `limit.*`, `parse.*`).
    public static func rootElement(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> (name: String, namespace: String?) {
        try NativeResponsePeek.rootName(xml, limits: limits)
    }
}

/// What one `ds:Signature` claims: the element it sits in, its references, algorithms and KeyInfo certificates.
/// Nothing here is verified.
public struct SignatureSummary: Sendable, Hashable {
    /// Local name of the element holding the Signature (`Response`, `Assertion`, `EntityDescriptor`, …).
    public let element: String
    public let elementID: String?
    public let referenceURIs: [String]
    public let signatureMethod: String?
    public let digestMethod: String?
    public let canonicalization: String?
    public let transforms: [String]
    /// KeyInfo's X509Certificates (a hint only: trust comes from configuration, never from here).
    public let certificates: [Certificate]
}
