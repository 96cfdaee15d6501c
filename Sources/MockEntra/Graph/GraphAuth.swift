import Foundation
import Hummingbird
import JWTKit
import SAML

/// Who calls Graph: the app of a verified access token, with the permissions its token carries.
struct GraphCaller: Sendable {
    let appID: String
    /// The token's permissions: an app's `roles`, or a user's delegated `scp`.
    let roles: Set<String>
    /// The signed-in user (UPN) of a delegated token; nil for an app-only token.
    var user: String? = nil

    /// Passes when the token carries one of `accepted` (a call's least-privileged permission and those above it),
    /// Graph's 403 `Authorization_RequestDenied` otherwise.
    func require(_ accepted: [String]) throws(GraphError) {
        guard accepted.contains(where: roles.contains) else { throw .insufficientPrivileges }
    }
}

/// Checks the bearer token of a Graph request as Graph does, failing closed: a JWT whose header names RS256 and
/// the `kid` of a key the tenant publishes, whose signature verifies with that key (jwt-kit), issued by the
/// tenant for Graph, and within its lifetime (five minutes of clock skew, IdentityModel's default). Anything else is
/// 401 `InvalidAuthenticationToken`: `alg: none`, HS256 keyed with the public key, another key, an edited payload.
struct GraphAuth: Sendable {
    let state: EntraState

    /// IdentityModel's default `ClockSkew` (5 minutes).
    static let clockSkew = 300
    /// Longer than any token Entra issues; a bigger header is refused before any parsing.
    static let maxTokenLength = 16 * 1024

    struct Header: Decodable {
        var alg: String?
        var kid: String?
        var crit: [String]?
    }

    func authenticate(_ request: Request) async throws(GraphError) -> GraphCaller {
        guard let token = AdminGuard.bearer(request.headers[.authorization]) else { throw .tokenMissing }
        guard token.utf8.count <= Self.maxTokenLength else { throw .tokenMalformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
              let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else { throw .tokenMalformed }
        let tenant = await state.tenant
        let keys = TokenKeys(ring: state.tenantKeys)
        // Only what Entra signs with: RS256 under a published kid. `none`, HS256 (the public key as an HMAC secret),
        // a missing or foreign kid, and critical header extensions are refused before any key is touched.
        guard header.alg == "RS256", let kid = header.kid, keys.publishes(kid), header.crit == nil else { throw .tokenSignature }
        let claims: GraphAccessToken
        do {
            claims = try await keys.collection().verify(token, as: GraphAccessToken.self)
        } catch {
            throw .tokenSignature
        }
        guard claims.aud == GraphAccessToken.graphAudience || claims.aud == GraphAccessToken.graphAppID else { throw .tokenAudience }
        guard claims.iss == tenant.issuer, claims.tid == tenant.tenantID else { throw .tokenIssuer }
        let now = Int(state.clock.now.timeIntervalSince1970)
        guard now < claims.exp + Self.clockSkew else { throw .tokenExpired }
        guard now + Self.clockSkew >= claims.nbf else { throw .tokenNotYetValid }
        // A client removed from the configuration since its token was issued has no rights left; nor has a user who
        // was deleted.
        guard tenant.graphClients.contains(where: { $0.appID == claims.appID }) else { throw .tokenSignature }
        switch claims.idtyp {
        case "app":
            return GraphCaller(appID: claims.appID, roles: Set(claims.roles ?? []))
        case "user":
            guard let upn = claims.upn, let user = tenant.user(upn), user.objectID == claims.oid else { throw .tokenSignature }
            return GraphCaller(appID: claims.appID, roles: Set((claims.scp ?? "").split(separator: " ").map(String.init)),
                               user: user.userPrincipalName)
        default:
            throw .tokenSignature
        }
    }
}
