import Foundation

extension SigningKey {
    /// A new RSA key (2048 bits, Entra's size, by default).
    public static func generateRSA(bits: Int = 2048) throws(SAMLError) -> SigningKey {
        SigningKey(native: try NativeKey.generateRSA(bits: bits))
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Keep it secret.
    public func pem() throws(SAMLError) -> String { try native.privateKeyPEM() }
}

extension Certificate {
    /// The subject Entra gives the SAML signing certificates it generates.
    public static let entraSubject = "CN=Microsoft Azure Federated SSO Certificate"

    /// A self-signed certificate for `key`, SHA-256 with RSA, valid from `clock.now` for `years` (Entra: 3).
    /// `subject` is a comma-separated list of `TYPE=value` pairs (`CN=…,O=…`); commas inside values are not supported.
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
