import Foundation
import JWTKit

/// The claims of an app-only access token for Microsoft Graph, as Entra issues them to the client-credentials grant
/// (Microsoft identity platform docs, "Access token claims reference": v1.0 tokens for Graph, `idtyp` `app`,
/// `roles` the application permissions granted; absent when none are).
struct GraphAccessToken: JWTPayload, Hashable {
    /// Graph's resource URI.
    static let graphAudience = "https://graph.microsoft.com"
    /// Graph's application ID (a token for `00000003-…/.default` carries the URI all the same).
    static let graphAppID = "00000003-0000-0000-c000-000000000000"

    var aud: String
    var iss: String
    var iat: Int
    var nbf: Int
    var exp: Int
    var appDisplayName: String
    var appID: String
    /// `1`: the client authenticated with a secret.
    var appIDAcr: String
    var idp: String
    var idtyp: String
    var oid: String
    var roles: [String]?
    /// Delegated tokens (the password grant): the signed-in user, the delegated permissions, how they signed in.
    var upn: String?
    var name: String?
    var scp: String?
    var amr: [String]?
    var sub: String
    var tid: String
    /// A unique token ID.
    var uti: String
    var ver: String

    enum CodingKeys: String, CodingKey {
        case aud, iss, iat, nbf, exp, idp, idtyp, oid, roles, sub, tid, uti, ver, upn, name, scp, amr
        case appDisplayName = "app_displayname"
        case appID = "appid"
        case appIDAcr = "appidacr"
    }

    /// jwt-kit calls this after the signature verified; the time, audience and issuer checks are ``GraphAuth``'s,
    /// on mock-entra's injectable clock, so each refusal has Graph's own message.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The token Entra issues to `client` for Graph at `now`, valid `lifetime` seconds.
    static func issue(to client: GraphClient, tenantID: String, now: Date, lifetime: Int, id: String) -> GraphAccessToken {
        let seconds = Int(now.timeIntervalSince1970)
        let issuer = "https://sts.windows.net/\(tenantID)/"
        // Entra back-dates iat and nbf by five minutes (clock skew between it and the resource); exp counts from now.
        return GraphAccessToken(aud: graphAudience, iss: issuer, iat: seconds - 300, nbf: seconds - 300, exp: seconds + lifetime, appDisplayName: client.displayName, appID: client.appID,
                                appIDAcr: "1", idp: issuer, idtyp: "app", oid: client.servicePrincipalID,
                                roles: client.roles.isEmpty ? nil : client.roles, sub: client.servicePrincipalID, tid: tenantID,
                                uti: id, ver: "1.0")
    }

    /// The delegated token of `user` signed in through `client` (`idtyp` `user`, `scp` the delegated permissions,
    /// no `roles`; `sub` pairwise for the app, as Entra's).
    static func issue(to client: GraphClient, user: Tenant.User, scopes: [String], tenantID: String, now: Date, lifetime: Int,
                      id: String) -> GraphAccessToken {
        var token = issue(to: client, tenantID: tenantID, now: now, lifetime: lifetime, id: id)
        token.idtyp = "user"
        token.oid = user.objectID
        token.sub = GraphIDs.derived("pairwise", "\(client.appID)|\(user.objectID)")
        token.roles = nil
        (token.upn, token.name, token.scp, token.amr) = (user.userPrincipalName, user.displayName, scopes.joined(separator: " "), ["pwd"])
        return token
    }
}
