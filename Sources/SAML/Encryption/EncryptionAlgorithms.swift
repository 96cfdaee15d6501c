/// Content encryption of an EncryptedAssertion (XML Encryption 1.1). GCM is authenticated; CBC is only for peers
/// that cannot do better and is refused when decrypting unless allowed (attacks.md §9: CBC padding oracles).
public enum ContentEncryption: String, Sendable, Hashable, CaseIterable {
    case aes256GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    case aes128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
    case aes256CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
    case aes128CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"

    var isGCM: Bool { self == .aes256GCM || self == .aes128GCM }
    var keyLength: Int { self == .aes256GCM || self == .aes256CBC ? 32 : 16 }
}

/// RSA key transport of the content key. OAEP by default; PKCS#1 v1.5 is refused when decrypting unless allowed
/// (attacks.md §9: Bleichenbacher).
public enum KeyTransport: Sendable, Hashable {
    public enum Digest: String, Sendable, Hashable {
        case sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
        case sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        var mgfURI: String {
            self == .sha1 ? "http://www.w3.org/2009/xmlenc11#mgf1sha1" : "http://www.w3.org/2009/xmlenc11#mgf1sha256"
        }
    }

    /// RSA-OAEP with the given OAEP digest and MGF1 digest. `(.sha1, .sha1)` is `xmlenc#rsa-oaep-mgf1p`, the form
    /// every SAML stack reads; others are written as `xmlenc11#rsa-oaep`.
    case rsaOAEP(digest: Digest, mgf: Digest)
    /// `xmlenc#rsa-1_5`.
    case rsa15

    public static let oaep = KeyTransport.rsaOAEP(digest: .sha1, mgf: .sha1)

    static let oaepMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    static let oaep11 = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    static let rsa15URI = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"

    var uri: String {
        switch self {
        case .rsaOAEP(.sha1, .sha1): return Self.oaepMGF1P
        case .rsaOAEP: return Self.oaep11
        case .rsa15: return Self.rsa15URI
        }
    }
}

/// How a service provider decrypts EncryptedAssertions: its private keys (two during a rollover, as AWS allows)
/// and which legacy algorithms it tolerates.
public struct Decryption: Sendable {
    public var keys: [SigningKey]
    /// Accept AES-CBC content encryption. Default `false`.
    public var allowCBC: Bool
    /// Accept RSA PKCS#1 v1.5 key transport. Default `false`.
    public var allowRSA15: Bool

    /// Creates a decryption configuration.
    /// - Parameters:
    ///   - keys: The service provider's private keys; an assertion encrypted for any of them is decrypted.
    ///   - allowCBC: Whether AES-CBC content encryption is accepted.
    ///   - allowRSA15: Whether RSA PKCS#1 v1.5 key transport is accepted.
    public init(keys: [SigningKey], allowCBC: Bool = false, allowRSA15: Bool = false) {
        self.keys = keys
        self.allowCBC = allowCBC
        self.allowRSA15 = allowRSA15
    }
}

/// How an IdP encrypts assertions for a service provider (its encryption certificate).
public struct AssertionEncryption: Sendable {
    public var recipient: Certificate
    public var content: ContentEncryption
    public var keyTransport: KeyTransport

    /// Creates an encryption configuration.
    /// - Parameters:
    ///   - recipient: The service provider's encryption certificate; only its private key can decrypt.
    ///   - content: How the assertion itself is encrypted.
    ///   - keyTransport: How the content key is wrapped for `recipient`.
    public init(recipient: Certificate, content: ContentEncryption = .aes256GCM, keyTransport: KeyTransport = .oaep) {
        self.recipient = recipient
        self.content = content
        self.keyTransport = keyTransport
    }
}
