/// An RSA private key used to sign messages.
public struct SigningKey: Sendable {
    let native: NativeKey

    init(native: NativeKey) { self.native = native }

    /// Reads an unencrypted RSA private key in PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    /// - Parameter pem: The key file's text.
    /// - Throws: ``SAMLError`` with code `key.invalid` when `pem` holds no readable, unencrypted private key, or
    ///   `key.unsupported` when the key is not RSA.
    public init(pem: String) throws(SAMLError) { native = try NativeX509.privateKey(pem: Array(pem.utf8)) }

    /// Reads PEM bytes.
    /// - Parameter pemBytes: The key file's contents, PKCS#1 or PKCS#8 PEM.
    /// - Throws: ``SAMLError`` with code `key.invalid` when `pemBytes` holds no readable, unencrypted private key, or
    ///   `key.unsupported` when the key is not RSA.
    public init(pemBytes: [UInt8]) throws(SAMLError) { native = try NativeX509.privateKey(pem: pemBytes) }

    /// RSA modulus size.
    public var bits: Int { native.bits }

    /// Whether `certificate` publishes this key's public half.
    /// - Parameter certificate: The certificate to compare with.
    public func matches(_ certificate: Certificate) -> Bool { native.samePublicKey(as: certificate.publicKey) }
}
