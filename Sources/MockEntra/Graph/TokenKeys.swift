import Foundation
import JWTKit
import SAML

/// The tenant's token-signing keys as OAuth publishes them: ``EntraState/tenantKeys`` (the keys the tenant-wide
/// federation metadata publishes, never an application's SAML certificate) as a JWKS, each named by `kid` = `x5t` =
/// the base64url SHA-1 thumbprint of its certificate, as Entra's `discovery/v2.0/keys` names its keys. The active
/// credential signs; every published one verifies.
struct TokenKeys: Sendable {
    let ring: KeyRing

    /// The `kid` and `x5t` of a certificate.
    static func kid(_ certificate: Certificate) -> String { Base64URL.encode(SAMLDigest.sha1(certificate.der)) }

    /// A key collection with the active private key and every published public key, by `kid`.
    func collection() async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        for credential in ring.credentials {
            let kid = JWKIdentifier(string: Self.kid(credential.certificate))
            if credential.thumbprint == ring.activeThumbprint {
                await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: try credential.key.pem()), digestAlgorithm: .sha256, kid: kid)
            } else {
                await keys.add(rsa: try Insecure.RSA.PublicKey(certificatePEM: credential.certificate.pem), digestAlgorithm: .sha256, kid: kid)
            }
        }
        return keys
    }

    /// `claims` as a JWT signed RS256 by the active key, its header naming the key (`kid`, `x5t`) as Entra's do.
    func sign(_ claims: GraphAccessToken) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        header.x5t = activeKID
        return try await collection().sign(claims, kid: JWKIdentifier(string: activeKID), header: header)
    }

    /// The `kid` of the key that signs.
    var activeKID: String { Self.kid(ring.active.certificate) }

    /// Whether `kid` names a published key.
    func publishes(_ kid: String) -> Bool { ring.credentials.contains { Self.kid($0.certificate) == kid } }

    /// One key of the JWKS (RFC 7517 §4), with Entra's `issuer` member.
    struct JWK: Encodable {
        var kty = "RSA"
        var use = "sig"
        var kid: String
        var x5t: String
        var n: String
        var e: String
        var x5c: [String]
        var issuer: String
    }

    struct JWKS: Encodable { var keys: [JWK] }

    /// The published keys, the active one first (the order the metadata lists certificates in).
    func jwks(tenantID: String, issuerBase: String) throws -> JWKS {
        let ordered = [ring.active] + ring.credentials.filter { $0.thumbprint != ring.activeThumbprint }
        return JWKS(keys: try ordered.map { credential in
            let (modulus, exponent) = try Insecure.RSA.PublicKey(certificatePEM: credential.certificate.pem).getKeyPrimitives()
            let kid = Self.kid(credential.certificate)
            return JWK(kid: kid, x5t: kid, n: Base64URL.encode(modulus), e: Base64URL.encode(exponent),
                       x5c: [credential.certificate.base64], issuer: "\(issuerBase)/\(tenantID)/v2.0")
        })
    }
}
