import Foundation

/// An X.509 certificate: a trust anchor for verification, or the certificate published with a signing key.
///
/// The verifier trusts exactly the certificates it is given (several at once during a key rollover) and never a
/// key carried in a message (attacks.md §3). Validity dates are reported, not enforced: IdP signing certificates
/// are routinely self-signed and used past `notAfter` (crewjam's OneLogin capture even predates its certificate).
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    /// The certificate's fields, behind one reference: a certificate is copied into every verification's context and
    /// result, and a copy of five separately counted fields cost five atomic reference-count updates each time.
    private final class Storage: Sendable {
        let der: [UInt8]
        let subject: String
        let issuer: String
        let notBefore: Date?
        let notAfter: Date?
        let publicKey: NativeKey
        let base64Bytes: [UInt8]

        init(_ info: NativeCertificateInfo) {
            der = info.der
            subject = info.subject
            issuer = info.issuer
            notBefore = info.notBefore
            notAfter = info.notAfter
            publicKey = info.publicKey
            base64Bytes = Array(Data(info.der).base64EncodedString().utf8)
        }
    }

    private let storage: Storage

    /// DER encoding; equality and trust are decided on these bytes.
    public var der: [UInt8] { storage.der }
    /// Subject in RFC 2253 form, e.g. `CN=Microsoft Azure Federated SSO Certificate`.
    public var subject: String { storage.subject }
    public var issuer: String { storage.issuer }
    public var notBefore: Date? { storage.notBefore }
    public var notAfter: Date? { storage.notAfter }
    var publicKey: NativeKey { storage.publicKey }
    /// The base64 of ``der`` as UTF-8, kept to recognise the certificate in a message's KeyInfo without decoding it.
    var base64Bytes: [UInt8] { storage.base64Bytes }

    /// Reads a certificate in PEM (the first `CERTIFICATE` block) or DER.
    /// - Parameter bytes: The certificate file's contents.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `bytes` is not a readable X.509 certificate, or
    ///   `key.unsupported` when its key is not RSA.
    public init(bytes: [UInt8]) throws(SAMLError) {
        storage = Storage(try NativeX509.parse(bytes))
    }

    /// Reads a PEM certificate.
    /// - Parameter pem: The PEM text; its first `CERTIFICATE` block is read.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `pem` is not a readable X.509 certificate, or
    ///   `key.unsupported` when its key is not RSA.
    public init(pem: String) throws(SAMLError) { try self.init(bytes: Array(pem.utf8)) }

    /// Reads a DER certificate.
    /// - Parameter der: The certificate's DER encoding.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `der` is not a readable X.509 certificate, or
    ///   `key.unsupported` when its key is not RSA.
    public init(der: Data) throws(SAMLError) { try self.init(bytes: Array(der)) }

    /// Reads the base64 text of an `X509Certificate` element (whitespace ignored).
    /// - Parameter base64: The base64 of the certificate's DER encoding, as in metadata or a signature's KeyInfo.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `base64` is empty, not base64, or not a readable
    ///   X.509 certificate, or `key.unsupported` when its key is not RSA.
    public init(base64: String) throws(SAMLError) {
        guard let data = Data(base64Encoded: base64.filter { !$0.isWhitespace }), !data.isEmpty else {
            throw SAMLError(.certificateInvalid, "the certificate is not valid base64", expected: "base64 DER",
                            found: "\(base64.prefix(32))…")
        }
        try self.init(bytes: Array(data))
    }

    /// Reads every `CERTIFICATE` block of a PEM file (a rollover bundle).
    /// - Parameter pem: The PEM text, with one or more `CERTIFICATE` blocks.
    /// - Returns: The certificates in the order of the file.
    /// - Throws: ``SAMLError`` with code `certificate.invalid` when `pem` has no `CERTIFICATE` block or one is not a
    ///   readable certificate, or `key.unsupported` when a certificate's key is not RSA.
    public static func all(pem: String) throws(SAMLError) -> [Certificate] {
        var result: [Certificate] = []
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        var rest = Substring(pem)
        while let start = rest.range(of: begin), let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) {
            result.append(try Certificate(pem: String(rest[start.lowerBound..<stop.upperBound])))
            rest = rest[stop.upperBound...]
        }
        if result.isEmpty {
            throw SAMLError(.certificateInvalid, "no certificate found", expected: "a PEM CERTIFICATE block",
                            found: "\(pem.utf8.count) bytes without one")
        }
        return result
    }

    /// Base64 of the DER, on one line as Entra writes `X509Certificate`.
    public var base64: String { String(decoding: base64Bytes, as: UTF8.self) }

    /// PEM with 64-column lines.
    public var pem: String {
        let b64 = Array(base64)
        var lines = ["-----BEGIN CERTIFICATE-----"]
        var i = 0
        while i < b64.count {
            lines.append(String(b64[i..<min(i + 64, b64.count)]))
            i += 64
        }
        lines.append("-----END CERTIFICATE-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// SHA-1 thumbprint in uppercase hex without separators, as the Entra portal shows it.
    public var sha1Thumbprint: String { SAMLDigest.hex(NativeX509.digest(der, sha256: false), uppercase: true) }

    /// SHA-256 thumbprint in uppercase hex.
    public var sha256Thumbprint: String { SAMLDigest.hex(NativeX509.digest(der, sha256: true), uppercase: true) }

    /// RSA modulus size.
    public var keyBits: Int { publicKey.bits }

    public var description: String { "\(subject) (SHA-256 \(sha256Thumbprint.prefix(16))…)" }

    /// Whether two certificates are the same, judged on their DER bytes.
    /// - Parameters:
    ///   - a: A certificate.
    ///   - b: Another certificate.
    public static func == (a: Certificate, b: Certificate) -> Bool { a.storage === b.storage || a.der == b.der }
    /// The DER bytes hashed as one block (combining an array hashes it byte by byte, ten times slower).
    /// - Parameter hasher: The hasher to feed the DER bytes to.
    public func hash(into hasher: inout Hasher) { der.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
