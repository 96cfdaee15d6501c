import Foundation

extension SigningKey {
    /// A new RSA key (2048 bits, Entra's size, by default).
    /// - Parameter bits: The modulus size, from 2048 to 8192.
    /// - Throws: ``SAMLError`` with code `key.unsupported` when `bits` is out of range or OpenSSL cannot generate
    ///   the key.
    public static func generateRSA(bits: Int = 2048) throws(SAMLError) -> SigningKey {
        SigningKey(native: try NativeKey.generateRSA(bits: bits))
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Keep it secret.
    /// - Throws: ``SAMLError`` with code `key.invalid` when OpenSSL cannot write the key, or `library.unavailable`
    ///   when it cannot allocate memory.
    public func pem() throws(SAMLError) -> String { try native.privateKeyPEM() }
}

extension Certificate {
    /// The subject Entra gives the SAML signing certificates it generates.
    public static let entraSubject = "CN=Microsoft Azure Federated SSO Certificate"

    /// A self-signed certificate for `key`, SHA-256 with RSA, valid from `clock.now` for `years` (Entra: 3).
    /// `subject` is a comma-separated list of `TYPE=value` pairs (`CN=…,O=…`); commas inside values are not supported.
    /// - Parameters:
    ///   - key: The key to certify and to sign the certificate with.
    ///   - subject: The subject (and issuer) name, such as `CN=Microsoft Azure Federated SSO Certificate`.
    ///   - years: How many years the certificate is valid for.
    ///   - clock: The source of the start of validity; replace it only in tests.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `subject` is not `TYPE=value` pairs or OpenSSL
    ///   cannot create the certificate, or `library.unavailable` when it cannot allocate memory or randomness.
    public static func selfSigned(key: SigningKey, subject: String = entraSubject, years: Int = 3,
                                  clock: any SAMLClock = SystemClock()) throws(SAMLError) -> Certificate {
        var fields: [(String, String)] = []
        for part in subject.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw SAMLError(.certificateInvalid, "the subject is not TYPE=value pairs", expected: "CN=…[,O=…]",
                                found: "\"\(subject)\"")
            }
            fields.append((pair[0], pair[1]))
        }
        let start = clock.now
        let end = Calendar(identifier: .gregorian).date(byAdding: .year, value: years, to: start) ?? start
        return try Certificate(bytes: try key.native.selfSignedCertificate(subject: fields, notBefore: start, notAfter: end))
    }
}
