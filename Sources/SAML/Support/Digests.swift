/// Message digests through OpenSSL, for identifiers derived from SAML values (AWS's NameQualifier, thumbprints).
public enum SAMLDigest {
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { NativeX509.digest(bytes, sha256: false) }
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { NativeX509.digest(bytes, sha256: true) }
}
