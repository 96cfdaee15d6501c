/// Message digests and HMAC through OpenSSL (already linked for XML-DSig), for identifiers derived from SAML values
/// (AWS's NameQualifier, thumbprints) and for AWS Signature Version 4 in the mocks.
/// Not SAML API: `package`, for the package's own modules (the mocks, TOTP, the tools).
package enum SAMLDigest {
    /// A hash function for HMAC, by name (not a signature algorithm).
    package enum Hash: Sendable, Hashable { case sha1, sha256, sha512 }

    package static func sha1(_ bytes: [UInt8]) -> [UInt8] { NativeX509.digest(bytes, sha256: false) }
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] { NativeX509.digest(bytes, sha256: true) }
    /// MD5: S3's ETag and Content-MD5 in mock-aws (an integrity check S3 defines with it; never a security decision).
    package static func md5(_ bytes: [UInt8]) -> [UInt8] { NativeX509.md5(bytes) }
    package static func hmacSHA256(key: [UInt8], _ bytes: [UInt8]) -> [UInt8] { NativeX509.hmac(.sha256, key: key, bytes) }
    /// HMAC with SHA-1, SHA-256 or SHA-512 (the digests TOTP allows, RFC 6238).
    package static func hmac(_ hash: Hash, key: [UInt8], _ bytes: [UInt8]) -> [UInt8] {
        NativeX509.hmac(hash, key: key, bytes)
    }

    /// Hex, lowercase by default (AWS SigV4) or uppercase (certificate thumbprints, as the Entra portal shows them).
    package static func hex(_ bytes: [UInt8], uppercase: Bool = false) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Cryptographically secure random bytes from OpenSSL, in one call (per-byte generators cost a system call each).
package enum SAMLRandom {
    package static func bytes(_ count: Int) -> [UInt8] {
        (try? NativeCrypto.randomBytes(count)) ?? (0..<count).map { _ in UInt8.random(in: 0...255) }
    }
}
