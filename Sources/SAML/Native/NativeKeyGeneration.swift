internal import CXMLSec
internal import CXMLSecShim
import Foundation

extension NativeKey {
    /// A new RSA key pair.
    static func generateRSA(bits: Int) throws(SAMLError) -> NativeKey {
        try NativeLibrary.begin()
        guard bits >= 2048, bits <= 8192, let pkey = cxs_rsa_generate(UInt32(bits)) else {
            throw SAMLError(.keyUnsupported, "RSA key generation failed", expected: "2048 to 8192 bits", found: "\(bits)")
        }
        return try NativeKey(adopting: pkey)
    }

    /// The private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted.
    func privateKeyPEM() throws(SAMLError) -> String {
        try NativeX509.withMemoryBIO { bio in PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) == 1 }
    }

    /// A self-signed X.509 v3 certificate for this key, SHA-256 with RSA.
    func selfSignedCertificate(subject: [(String, String)], notBefore: Date, notAfter: Date) throws(SAMLError) -> [UInt8] {
        guard let x509 = X509_new() else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { X509_free(x509) }
        var serial = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&serial, 16) == 1 else { throw SAMLError(.libraryUnavailable, "no randomness for the serial number") }
        serial[0] &= 0x7F  // positive
        let name = X509_NAME_new()
        defer { X509_NAME_free(name) }
        var ok = X509_set_version(x509, 2) == 1
        ok = ok && BN_bin2bn(serial, 16, nil).map { bn in
            defer { BN_free(bn) }
            return BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil
        } == true
        for (field, value) in subject {
            ok = ok && X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1
        }
        ok = ok && X509_set_subject_name(x509, name) == 1 && X509_set_issuer_name(x509, name) == 1
        ok = ok && ASN1_TIME_set(X509_getm_notBefore(x509), time_t(notBefore.timeIntervalSince1970)) != nil
        ok = ok && ASN1_TIME_set(X509_getm_notAfter(x509), time_t(notAfter.timeIntervalSince1970)) != nil
        ok = ok && X509_set_pubkey(x509, pkey) == 1 && X509_sign(x509, pkey, EVP_sha256()) > 0
        guard ok else {
            throw SAMLError(.certificateInvalid, "the certificate could not be created",
                            found: ERR_reason_error_string(ERR_get_error()).map { String(cString: $0) } ?? "an OpenSSL error")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(x509, &out)
        guard length > 0, let out else { throw SAMLError(.certificateInvalid, "the certificate could not be encoded") }
        defer { CRYPTO_free(out, #file, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}

extension NativeX509 {
    /// Runs `write` against a memory BIO and returns what it wrote.
    static func withMemoryBIO(_ write: (OpaquePointer) -> Bool) throws(SAMLError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw SAMLError(.keyInvalid, "OpenSSL could not write PEM") }
        var pointer: UnsafeMutableRawPointer?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
