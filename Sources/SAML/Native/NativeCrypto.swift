internal import CXMLSec
import Foundation

/// Symmetric and RSA encryption through OpenSSL's EVP interface, for XML Encryption of assertions.
enum NativeCrypto {
    static func randomBytes(_ count: Int) throws(SAMLError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw SAMLError(.libraryUnavailable, "no randomness available") }
        return bytes
    }

    private static func cipher(_ algorithm: ContentEncryption) -> OpaquePointer? {
        switch algorithm {
        case .aes128GCM: return EVP_aes_128_gcm()
        case .aes256GCM: return EVP_aes_256_gcm()
        case .aes128CBC: return EVP_aes_128_cbc()
        case .aes256CBC: return EVP_aes_256_cbc()
        }
    }

    /// XML Encryption's octets: GCM `IV(12) ‖ ciphertext ‖ tag(16)`, CBC `IV(16) ‖ ciphertext` (XML Enc padding).
    static func encrypt(_ plaintext: [UInt8], key: [UInt8], algorithm: ContentEncryption) throws(SAMLError) -> [UInt8] {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let iv = try randomBytes(algorithm.isGCM ? 12 : 16)
        var out = [UInt8](repeating: 0, count: plaintext.count + 32)
        var length: Int32 = 0, final: Int32 = 0
        var ok = EVP_EncryptInit_ex(ctx, cipher(algorithm), nil, key, iv) == 1
        ok = ok && plaintext.withUnsafeBufferPointer { EVP_EncryptUpdate(ctx, &out, &length, $0.baseAddress, Int32($0.count)) } == 1
        ok = ok && out.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress.map { $0 + Int(length) }, &final) } == 1
        var result = iv + out.prefix(Int(length + final))
        if algorithm.isGCM {
            var tag = [UInt8](repeating: 0, count: 16)
            ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, &tag) == 1
            result += tag
        }
        guard ok else { throw SAMLError(.signingFailed, "OpenSSL could not encrypt the assertion") }
        return result
    }

    /// Decrypts XML Encryption octets. Every failure is the same error (no padding or tag oracle).
    static func decrypt(_ data: [UInt8], key: [UInt8], algorithm: ContentEncryption) throws(SAMLError) -> [UInt8] {
        let failure = SAMLError(.encryptionDecryptionFailed, "the encrypted assertion could not be decrypted",
                                expected: "data encrypted for one of the configured keys", found: "data none of them decrypts")
        let ivLength = algorithm.isGCM ? 12 : 16, tagLength = algorithm.isGCM ? 16 : 0
        guard key.count == algorithm.keyLength, data.count > ivLength + tagLength,
              let ctx = EVP_CIPHER_CTX_new() else { throw failure }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let iv = Array(data.prefix(ivLength))
        let body = Array(data[ivLength..<(data.count - tagLength)])
        var tag = Array(data.suffix(tagLength))
        var out = [UInt8](repeating: 0, count: body.count + 32)
        var length: Int32 = 0, final: Int32 = 0
        var ok = EVP_DecryptInit_ex(ctx, cipher(algorithm), nil, key, iv) == 1
        if !algorithm.isGCM { ok = ok && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 }
        ok = ok && body.withUnsafeBufferPointer { EVP_DecryptUpdate(ctx, &out, &length, $0.baseAddress, Int32($0.count)) } == 1
        if algorithm.isGCM { ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, &tag) == 1 }
        ok = ok && out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress.map { $0 + Int(length) }, &final) } == 1
        guard ok else { throw failure }
        var plaintext = Array(out.prefix(Int(length + final)))
        if !algorithm.isGCM {
            // XML Encryption 5.2: the last octet is the padding length (1...16); the other padding octets are arbitrary.
            guard let pad = plaintext.last, pad >= 1, pad <= 16, Int(pad) <= plaintext.count else { throw failure }
            plaintext.removeLast(Int(pad))
        }
        return plaintext
    }

    /// RSA key transport of a content key to `recipient`.
    static func wrapKey(_ key: [UInt8], for recipient: NativeKey, transport: KeyTransport) throws(SAMLError) -> [UInt8] {
        try rsa(recipient, transport: transport, input: key, encrypt: true)
    }

    /// Unwraps a content key with one of `keys`. Every failure is the same error.
    static func unwrapKey(_ wrapped: [UInt8], with keys: [NativeKey], transport: KeyTransport) throws(SAMLError) -> [UInt8] {
        for key in keys {
            if let unwrapped = try? rsa(key, transport: transport, input: wrapped, encrypt: false) { return unwrapped }
        }
        throw SAMLError(.encryptionDecryptionFailed, "the encrypted assertion could not be decrypted",
                        expected: "data encrypted for one of the configured keys", found: "data none of them decrypts")
    }

    private static func rsa(_ key: NativeKey, transport: KeyTransport, input: [UInt8], encrypt: Bool) throws(SAMLError) -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new(key.pkey, nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var ok = (encrypt ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx)) == 1
        switch transport {
        case .rsaOAEP(let digest, let mgf):
            ok = ok && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1
            ok = ok && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, digest.md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf.md) == 1
        case .rsa15:
            ok = ok && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1
        }
        var length = 0
        let run: (UnsafeMutablePointer<UInt8>?, inout Int) -> Bool = { out, length in
            input.withUnsafeBufferPointer { buffer in
                (encrypt ? EVP_PKEY_encrypt(ctx, out, &length, buffer.baseAddress, buffer.count)
                         : EVP_PKEY_decrypt(ctx, out, &length, buffer.baseAddress, buffer.count)) == 1
            }
        }
        ok = ok && run(nil, &length)
        var output = [UInt8](repeating: 0, count: length)
        ok = ok && output.withUnsafeMutableBufferPointer { run($0.baseAddress, &length) }
        guard ok else {
            ERR_clear_error()
            throw SAMLError(.encryptionDecryptionFailed, "RSA key transport failed")
        }
        return Array(output.prefix(length))
    }
}
