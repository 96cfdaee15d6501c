/// An RSA private key used to sign messages.
public struct SigningKey: Sendable {
    let native: NativeKey

    init(native: NativeKey) { self.native = native }

    /// Reads an unencrypted RSA private key in PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    public init(pem: String) throws(SAMLError) { native = try NativeX509.privateKey(pem: Array(pem.utf8)) }

    /// Reads PEM bytes.
    public init(pemBytes: [UInt8]) throws(SAMLError) { native = try NativeX509.privateKey(pem: pemBytes) }

    /// RSA modulus size.
    public var bits: Int { native.bits }

    /// Whether `certificate` publishes this key's public half.
    public func matches(_ certificate: Certificate) -> Bool { native.samePublicKey(as: certificate.publicKey) }
}
