internal import CXMLSec
internal import CXMLSecShim
import Foundation
import Synchronization

/// An xmlsec key holding only a bare RSA key value (no X.509 data).
///
/// Kept bare on purpose: xmlsec duplicates the signing key into every signature context, and duplicating a
/// certificate-backed key copies the certificate stacks, which costs about half of a verification. A bare
/// EVP_PKEY duplicates by reference count. Immutable after creation, so sharing across threads is safe.
final class NativeKey: @unchecked Sendable {
    private let key: xmlSecKeyPtr
    /// The OpenSSL key, kept for comparisons (the xmlsec key owns its own reference).
    let pkey: OpaquePointer
    /// An OpenSSL signing context (`EVP_PKEY_CTX`), handed to one thread at a time through ``signingContexts``.
    private struct SigningContext: @unchecked Sendable { let raw: OpaquePointer }
    /// Signing contexts set up once (``sign(_:algorithm:)``), each used by one thread at a time.
    private let signingContexts = Mutex<[SignatureAlgorithm: [SigningContext]]>([:])
    /// How many idle contexts are kept per algorithm: one per thread signing at once, within reason.
    private static let maxIdleContexts = 8

    /// Takes ownership of one reference to `pkey`.
    init(adopting pkey: OpaquePointer) throws(SAMLError) {
        guard EVP_PKEY_up_ref(pkey) == 1 else {
            EVP_PKEY_free(pkey)
            throw SAMLError(.keyInvalid, "OpenSSL could not reference the key")
        }
        guard let data = xmlSecOpenSSLEvpKeyAdopt(pkey) else {
            EVP_PKEY_free(pkey)
            EVP_PKEY_free(pkey)
            throw SAMLError(.keyInvalid, "xmlsec could not adopt the key", found: NativeLibrary.lastError)
        }
        guard let key = xmlSecKeyCreate() else {
            xmlSecKeyDataDestroy(data)
            EVP_PKEY_free(pkey)
            throw SAMLError(.libraryUnavailable, "out of memory")
        }
        guard xmlSecKeySetValue(key, data) == 0 else {
            xmlSecKeyDataDestroy(data)
            xmlSecKeyDestroy(key)
            EVP_PKEY_free(pkey)
            throw SAMLError(.keyInvalid, "xmlsec could not use the key", found: NativeLibrary.lastError)
        }
        self.key = key
        self.pkey = pkey
    }

    deinit {
        signingContexts.withLock { pools in
            for context in pools.values.joined() { EVP_PKEY_CTX_free(context.raw) }
        }
        xmlSecKeyDestroy(key)
        EVP_PKEY_free(pkey)
    }

    /// Lends the key to a signature context for the duration of `body`, without copying it, and takes it back
    /// before the context can free it. xmlsec only reads `signKey` (its transform takes its own reference to the
    /// EVP_PKEY); a deep copy per call cost about half of a verification (OpenSSL 3 exports and re-imports the
    /// key's numbers).
    func lend<T>(to ctx: xmlSecDSigCtxPtr, _ body: () throws(SAMLError) -> T) throws(SAMLError) -> T {
        ctx.pointee.signKey = key
        defer { ctx.pointee.signKey = nil }
        return try body()
    }

    /// An RSA PKCS#1 v1.5 signature of `data` with the algorithm's digest: the digest, then `EVP_PKEY_sign` with a
    /// context prepared once (PKCS#1 padding, the digest named for its DigestInfo), as `openssl speed` signs. The
    /// same bytes as `EVP_DigestSign` (PKCS#1 v1.5 is deterministic), without fetching the algorithms and building a
    /// context on every call, which was a tenth of the time outside the RSA operation itself.
    func sign(_ data: [UInt8], algorithm: SignatureAlgorithm) throws(SAMLError) -> [UInt8] {
        let digest = NativeX509.digest(data, algorithm: algorithm)
        let context = try takeSigningContext(algorithm)
        var length = Int(EVP_PKEY_get_size(pkey))
        var signature = [UInt8](repeating: 0, count: length)
        let ok = digest.withUnsafeBufferPointer { digest in
            EVP_PKEY_sign(context, &signature, &length, digest.baseAddress, digest.count) == 1
        }
        guard ok else {
            EVP_PKEY_CTX_free(context)
            throw SAMLError(.signingFailed, "OpenSSL could not sign", expected: "an RSA private key",
                            found: ERR_reason_error_string(ERR_get_error()).map { String(cString: $0) } ?? "an OpenSSL error")
        }
        signingContexts.withLock { pools in
            if pools[algorithm, default: []].count < Self.maxIdleContexts {
                pools[algorithm, default: []].append(SigningContext(raw: context))
            } else {
                EVP_PKEY_CTX_free(context)
            }
        }
        return Array(signature.prefix(length))
    }

    /// An idle signing context for `algorithm`, or a new one.
    private func takeSigningContext(_ algorithm: SignatureAlgorithm) throws(SAMLError) -> OpaquePointer {
        if let idle = signingContexts.withLock({ $0[algorithm]?.popLast() }) { return idle.raw }
        guard let context = EVP_PKEY_CTX_new(pkey, nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        guard EVP_PKEY_sign_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
              EVP_PKEY_CTX_set_signature_md(context, NativeX509.messageDigest(algorithm)) == 1 else {
            EVP_PKEY_CTX_free(context)
            throw SAMLError(.signingFailed, "OpenSSL could not prepare to sign", expected: "an RSA private key",
                            found: ERR_reason_error_string(ERR_get_error()).map { String(cString: $0) } ?? "an OpenSSL error")
        }
        return context
    }

    /// Whether `signature` is a valid RSA PKCS#1 v1.5 signature of `data` by this key (OpenSSL EVP_DigestVerify).
    func verify(_ signature: [UInt8], of data: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        return data.withUnsafeBufferPointer { input in
            signature.withUnsafeBufferPointer { sig in
                EVP_DigestVerifyInit(ctx, nil, NativeX509.messageDigest(algorithm), nil, pkey) == 1
                    && EVP_DigestVerify(ctx, sig.baseAddress, sig.count, input.baseAddress, input.count) == 1
            }
        }
    }

    /// Whether both hold the same public key.
    func samePublicKey(as other: NativeKey) -> Bool { EVP_PKEY_eq(pkey, other.pkey) == 1 }

    var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    var isRSA: Bool { EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA }
}

/// What OpenSSL tells us about a certificate.
struct NativeCertificateInfo {
    var der: [UInt8]
    var subject: String
    var issuer: String
    var notBefore: Date?
    var notAfter: Date?
    var publicKey: NativeKey
}

enum NativeX509 {
    /// Parses one certificate, PEM (first block) or DER.
    static func parse(_ bytes: [UInt8]) throws(SAMLError) -> NativeCertificateInfo {
        try NativeLibrary.begin()
        let isPEM = bytes.starts(with: Array("-----BEGIN".utf8)) || String(decoding: bytes.prefix(4096), as: UTF8.self)
            .contains("-----BEGIN CERTIFICATE-----")
        let x509: OpaquePointer? = bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            if isPEM {
                guard let bio = BIO_new_mem_buf(base, Int32(raw.count)) else { return nil }
                defer { BIO_free(bio) }
                return PEM_read_bio_X509(bio, nil, nil, nil)
            }
            var p: UnsafePointer<UInt8>? = base.assumingMemoryBound(to: UInt8.self)
            return d2i_X509(nil, &p, raw.count)
        }
        guard let x509 else {
            throw SAMLError(.certificateInvalid, "the certificate could not be read",
                            expected: "an X.509 certificate in PEM or DER", found: describe(bytes))
        }
        defer { X509_free(x509) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(x509, &out)
        guard length > 0, let out else { throw SAMLError(.certificateInvalid, "the certificate could not be encoded") }
        let der = Array(UnsafeBufferPointer(start: out, count: Int(length)))
        CRYPTO_free(out, #file, #line)
        guard let pkey = X509_get_pubkey(x509) else {
            throw SAMLError(.certificateInvalid, "the certificate's public key could not be read")
        }
        let key = try NativeKey(adopting: pkey)
        guard key.isRSA else {
            throw SAMLError(.keyUnsupported, "unsupported certificate key type", expected: "an RSA key",
                            found: "key type \(EVP_PKEY_get_base_id(pkey))")
        }
        return NativeCertificateInfo(der: der, subject: name(x509, cxs_x509_subject), issuer: name(x509, cxs_x509_issuer),
                                     notBefore: date(X509_get0_notBefore(x509)), notAfter: date(X509_get0_notAfter(x509)),
                                     publicKey: key)
    }

    private static func name(_ x509: OpaquePointer,
                             _ read: (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBufferPointer { read(x509, $0.baseAddress, Int32($0.count)) }
        guard n >= 0 else { return "" }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    /// Reads an RSA private key from PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`). Encrypted keys are
    /// refused instead of prompting on a terminal.
    static func privateKey(pem bytes: [UInt8]) throws(SAMLError) -> NativeKey {
        try NativeLibrary.begin()
        let pkey: OpaquePointer? = bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let base = raw.baseAddress, raw.count > 0, let bio = BIO_new_mem_buf(base, Int32(raw.count)) else {
                return nil
            }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let pkey else {
            throw SAMLError(.keyInvalid, "the private key could not be read",
                            expected: "an unencrypted RSA private key in PEM (PKCS#1 or PKCS#8)", found: describe(bytes))
        }
        let key = try NativeKey(adopting: pkey)
        guard key.isRSA else {
            throw SAMLError(.keyUnsupported, "unsupported private key type", expected: "an RSA key",
                            found: "key type \(EVP_PKEY_get_base_id(pkey))")
        }
        return key
    }

    /// SHA-1 or SHA-256 of `bytes`, via OpenSSL.
    static func digest(_ bytes: [UInt8], sha256: Bool) -> [UInt8] {
        digest(bytes, md: sha256 ? EVP_sha256() : EVP_sha1())
    }

    /// MD5, for S3's ETag and Content-MD5 in mock-aws only (never for a security decision).
    static func md5(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, md: EVP_md5()) }

    /// The digest an XML-DSig algorithm uses, of `bytes`.
    static func digest(_ bytes: [UInt8], algorithm: SignatureAlgorithm) -> [UInt8] {
        digest(bytes, md: messageDigest(algorithm))
    }

    static func hmac(_ hash: SAMLDigest.Hash, key: [UInt8], _ bytes: [UInt8]) -> [UInt8] {
        let algorithm: OpaquePointer? = switch hash {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { k in
            bytes.withUnsafeBufferPointer { d in
                HMAC(algorithm, k.baseAddress, Int32(k.count), d.baseAddress, d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func messageDigest(_ algorithm: SignatureAlgorithm) -> OpaquePointer? {
        switch algorithm {
        case .rsaSHA256: return EVP_sha256()
        case .rsaSHA384: return EVP_sha384()
        case .rsaSHA512: return EVP_sha512()
        case .rsaSHA1: return EVP_sha1()
        }
    }

    private static func digest(_ bytes: [UInt8], md: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { raw in EVP_Digest(raw.baseAddress, raw.count, &out, &length, md, nil) }
        return Array(out.prefix(Int(length)))
    }

    private static func describe(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "no data" }
        let head = String(decoding: bytes.prefix(40), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return "\(bytes.count) bytes starting \"\(head)\""
    }
}
