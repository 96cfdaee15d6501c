/// RSA signature algorithms with their matching digest.
///
/// RSA-SHA256 is Entra's default and ours. RSA-SHA1 exists only for legacy peers and must be allowed explicitly
/// when signing (``Signer/init(key:certificate:algorithm:allowLegacySHA1:)``) and when verifying
/// (``AlgorithmPolicy/allowSHA1``) (attacks.md §6, algorithm downgrade).
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case rsaSHA256 = "rsa-sha256"
    case rsaSHA384 = "rsa-sha384"
    case rsaSHA512 = "rsa-sha512"
    case rsaSHA1 = "rsa-sha1"

    /// `SignatureMethod/@Algorithm`.
    public var signatureMethod: String {
        switch self {
        case .rsaSHA256: return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        case .rsaSHA384: return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
        case .rsaSHA512: return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
        case .rsaSHA1: return "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
        }
    }

    /// `DigestMethod/@Algorithm` used with it.
    public var digestMethod: String {
        switch self {
        case .rsaSHA256: return DigestURI.sha256
        case .rsaSHA384: return DigestURI.sha384
        case .rsaSHA512: return DigestURI.sha512
        case .rsaSHA1: return DigestURI.sha1
        }
    }

    /// Whether this is the SHA-1 legacy algorithm.
    public var isLegacy: Bool { self == .rsaSHA1 }
}

/// XML-DSig algorithm and transform URIs.
enum DigestURI {
    static let sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    static let sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"
}

enum TransformURI {
    static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let inclusiveC14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
}
