/// Which XML-DSig algorithms the verifier accepts (attacks.md §6, §11).
///
/// Fixed: CanonicalizationMethod exclusive C14N or C14N 1.0 (both without comments); Reference transforms
/// enveloped-signature, optionally followed by one of those two; nothing else (no XPath, XSLT, Base64, XPointer,
/// decryption, or a second enveloped). Configurable: SHA-1, which Entra still offers and AWS is believed to accept
/// (aws-entra.md §11.2), so it is a documented opt-in.
public struct AlgorithmPolicy: Sendable, Hashable {
    /// Accept `rsa-sha1` signatures and `sha1` digests. Default `false`.
    public var allowSHA1: Bool

    /// Creates a policy.
    /// - Parameter allowSHA1: Whether `rsa-sha1` signatures and `sha1` digests are accepted.
    public init(allowSHA1: Bool = false) { self.allowSHA1 = allowSHA1 }

    public static let strict = AlgorithmPolicy()

    var signatureMethods: Set<String> {
        var set: Set<String> = [SignatureAlgorithm.rsaSHA256.signatureMethod, SignatureAlgorithm.rsaSHA384.signatureMethod,
                                SignatureAlgorithm.rsaSHA512.signatureMethod]
        if allowSHA1 { set.insert(SignatureAlgorithm.rsaSHA1.signatureMethod) }
        return set
    }

    var digestMethods: Set<String> {
        var set: Set<String> = [DigestURI.sha256, DigestURI.sha384, DigestURI.sha512]
        if allowSHA1 { set.insert(DigestURI.sha1) }
        return set
    }

    static let canonicalizationMethods: Set<String> = [TransformURI.exclusiveC14N, TransformURI.inclusiveC14N]
}

/// The elements whose signatures verified.
public struct SignedElements: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    /// Creates a set from its bits.
    /// - Parameter rawValue: The bits: 1 for ``response``, 2 for ``assertion``.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The `samlp:Response` root.
    public static let response = SignedElements(rawValue: 1)
    /// The single `Assertion`.
    public static let assertion = SignedElements(rawValue: 2)

    public var description: String {
        switch (contains(.response), contains(.assertion)) {
        case (true, true): return "Response and Assertion"
        case (true, false): return "Response"
        case (false, true): return "Assertion"
        case (false, false): return "nothing"
        }
    }
}
