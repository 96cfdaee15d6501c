import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// The OAuth 2.0 client-credentials grant as Entra answers it, the keys its tokens are signed with, and the
/// OpenID configuration that announces both.
@Suite("mock-entra: Graph tokens (client credentials)")
struct GraphTokenTests {
    typealias H = GraphHarness
    static let scope = ("scope", "https://graph.microsoft.com/.default")
    static let grant = ("grant_type", "client_credentials")

    @Test("a token for the administration app: Entra's JSON, an RS256 JWT with app-only Graph claims")
    func issues() async throws {
        try await H.run { h in
            let result = try await h.tokenResult([("client_id", H.admin.appID), ("client_secret", H.admin.secret), Self.scope, Self.grant])
            #expect(result.status == 200, "\(result.body)")
            #expect(result.headers["cache-control"]?.contains("no-store") == true)
            let body = H.object(result.body)
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 3599 && body["ext_expires_in"] as? Int == 3599)
            let jwt = try #require(body["access_token"] as? String)
            let header = H.header(jwt)
            #expect(header["alg"] as? String == "RS256" && header["typ"] as? String == "JWT")
            // The tenant's own token-signing key, not an application's SAML certificate.
            let kid = TokenKeys.kid(h.state.tenantKeys.active.certificate)
            #expect(header["kid"] as? String == kid && header["x5t"] as? String == kid && kid != TokenKeys.kid(EntraFixtures.idp.certificate))
            let claims = H.claims(jwt)
            #expect(claims["aud"] as? String == "https://graph.microsoft.com")
            #expect(claims["iss"] as? String == "https://sts.windows.net/\(H.tenantID)/")
            #expect(claims["tid"] as? String == H.tenantID && claims["appid"] as? String == H.admin.appID)
            #expect(claims["app_displayname"] as? String == H.admin.displayName && claims["idtyp"] as? String == "app")
            #expect(claims["ver"] as? String == "1.0" && claims["oid"] as? String == H.admin.servicePrincipalID && claims["sub"] as? String == H.admin.servicePrincipalID)
            #expect(Set(claims["roles"] as? [String] ?? []) == Set(GraphPermission.administration))
            let now = Int(EntraFixtures.start.timeIntervalSince1970)
            #expect(claims["exp"] as? Int == now + 3599 && claims["nbf"] as? Int == now - 300 && claims["iat"] as? Int == now - 300)
            // HTTP Basic client authentication (RFC 6749 §2.3.1) and the tenant's domain in the path work too.
            let basic = Data("\(H.admin.appID):\(FormEncoding.encode(H.admin.secret))".utf8).base64EncodedString()
            let viaBasic = try await h.tokenResult([Self.scope, Self.grant], path: "/contoso.com/oauth2/v2.0/token",
                                                   headers: ["Authorization": "Basic \(basic)"])
            #expect(viaBasic.status == 200, "\(viaBasic.body)")
        }
    }

    /// Entra's error JSON: every member, the description's trailer, the status.
    func expectOAuthError(_ result: ServerProcess.HTTPResult, status: Int, error: String, code: Int, _ text: String) {
        #expect(result.status == status, "\(code): \(result.status) \(result.body)")
        let body = H.object(result.body)
        #expect(body["error"] as? String == error, "\(result.body)")
        #expect(body["error_codes"] as? [Int] == [code])
        let description = body["error_description"] as? String ?? ""
        #expect(description.hasPrefix("AADSTS\(code): \(text)"), "\(description)")
        #expect(description.contains("\r\nTrace ID: ") && description.contains("\r\nCorrelation ID: ") && description.contains("\r\nTimestamp: "))
        let timestamp = body["timestamp"] as? String ?? ""
        #expect(timestamp.count == 20 && timestamp.hasSuffix("Z") && timestamp.contains(" "), "\(timestamp)")
        #expect(body["trace_id"] is String && body["correlation_id"] is String)
        #expect((body["error_uri"] as? String)?.hasSuffix("/error?code=\(code)") == true)
        #expect(!result.body.contains(GraphClient.administration.secret))
    }

    @Test("refusals: wrong secret 7000215 (401), unknown client 700016, no secret 7000218, grant, scope, resource, duplicates")
    func refusals() async throws {
        try await H.run { h in
            let id = ("client_id", H.admin.appID), secret = ("client_secret", H.admin.secret)
            for wrong in [H.admin.secret + "x", String(H.admin.secret.dropLast()), H.admin.secret.uppercased(), " " + H.admin.secret] {
                expectOAuthError(try await h.tokenResult([id, ("client_secret", wrong), Self.scope, Self.grant]), status: 401,
                                 error: "invalid_client", code: 7000215, "Invalid client secret provided.")
            }
            expectOAuthError(try await h.tokenResult([("client_id", "99999999-0000-0000-0000-000000000000"), secret, Self.scope, Self.grant]),
                             status: 400, error: "unauthorized_client", code: 700016, "Application with identifier '99999999-0000-0000-0000-000000000000' was not found")
            expectOAuthError(try await h.tokenResult([id, Self.scope, Self.grant]), status: 401, error: "invalid_client", code: 7000218,
                             "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
            expectOAuthError(try await h.tokenResult([id, secret, Self.scope]), status: 400, error: "invalid_request", code: 900144,
                             "The request body must contain the following parameter: 'grant_type'.")
            expectOAuthError(try await h.tokenResult([id, secret, Self.scope, ("grant_type", "authorization_code")]), status: 400,
                             error: "unsupported_grant_type", code: 70003, "The app requested an unsupported grant type 'authorization_code'.")
            expectOAuthError(try await h.tokenResult([id, secret, ("scope", "https://graph.microsoft.com/User.Read.All"), Self.grant]),
                             status: 400, error: "invalid_scope", code: 1002012, "The provided value for scope https://graph.microsoft.com/User.Read.All is not valid.")
            expectOAuthError(try await h.tokenResult([id, secret, ("scope", "https://graph.microsoft.com/.default openid"), Self.grant]),
                             status: 400, error: "invalid_scope", code: 1002012, "The provided value for scope")
            expectOAuthError(try await h.tokenResult([id, secret, ("scope", "https://evil.example/.default"), Self.grant]),
                             status: 400, error: "invalid_resource", code: 500011, "The resource principal named https://evil.example was not found")
            expectOAuthError(try await h.tokenResult([id, secret, Self.grant]), status: 400, error: "invalid_request", code: 900144,
                             "The request body must contain the following parameter: 'scope'.")
            expectOAuthError(try await h.tokenResult([id, secret, secret, Self.scope, Self.grant]), status: 400, error: "invalid_request",
                             code: 9000411, "The request is not properly formatted. The parameter 'client_secret' is duplicated.")
            // A JSON body is not a token request (RFC 6749 §4.4.2: form-encoded).
            let json = try await h.server.request("POST", H.tokenPath, body: Data("{\"grant_type\":\"client_credentials\"}".utf8),
                                                  headers: ["Content-Type": "application/json"])
            #expect(json.status == 400 && H.object(json.body)["error"] as? String == "invalid_request")
            // Another tenant: Entra's AADSTS90002 page, no token.
            let other = try await h.tokenResult([id, secret, Self.scope, Self.grant], path: "/fabrikam.com/oauth2/v2.0/token")
            expectOAuthError(other, status: 400, error: "invalid_request", code: 90002, "Tenant 'fabrikam.com' not found.")
            // The client's correlation ID is echoed as Entra does.
            let correlated = try await h.tokenResult([id, ("client_secret", "nope"), Self.scope, Self.grant],
                                                     headers: ["client-request-id": "0d3c3d0e-1111-4222-8333-444455556666"])
            #expect(H.object(correlated.body)["correlation_id"] as? String == "0d3c3d0e-1111-4222-8333-444455556666")
        }
    }

    @Test("configuration: without graphClients the administration app; with them, exactly those")
    func configuration() throws {
        let encoded = try JSONEncoder().encode(Tenant.contoso())
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object.removeValue(forKey: "graphClients")
        let old = try JSONDecoder().decode(Tenant.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.graphClients == [.administration])
        object["graphClients"] = [["appID": "a", "displayName": "d", "secret": "s", "roles": ["User.Read.All"]]]
        let custom = try JSONDecoder().decode(Tenant.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(custom.graphClients == [GraphClient(appID: "a", displayName: "d", secret: "s", roles: ["User.Read.All"])])
    }

    @Test("graphClients [] turns Graph off: the administration app is unknown (700016)")
    func graphOff() async throws {
        var tenant = EntraFixtures.tenant()
        tenant.graphClients = []
        try await H.run(tenant: tenant) { h in
            expectOAuthError(try await h.tokenResult([("client_id", H.admin.appID), ("client_secret", H.admin.secret), Self.scope, Self.grant]),
                             status: 400, error: "unauthorized_client", code: 700016, "Application with identifier")
        }
    }

    @Test("JWKS and OpenID configuration: the tenant's token-signing keys by kid (no application certificate), the token endpoint and jwks_uri announced")
    func keysAndDiscovery() async throws {
        try await H.run { h in
            _ = try await h.state.addCertificate(EntraFixtures.rollover)
            let keys = try await h.server.get("/\(H.tenantID)/discovery/v2.0/keys")
            #expect(keys.status == 200)
            let list = H.object(keys.body)["keys"] as? [[String: Any]] ?? []
            let tenant = h.state.tenantKeys
            #expect(list.map { $0["kid"] as? String } == tenant.credentials.map { TokenKeys.kid($0.certificate) })
            #expect(!keys.body.contains(TokenKeys.kid(EntraFixtures.idp.certificate)) && !keys.body.contains(TokenKeys.kid(EntraFixtures.rollover.certificate)))
            for key in list {
                #expect(key["kty"] as? String == "RSA" && key["use"] as? String == "sig" && key["e"] as? String == "AQAB")
                #expect(key["kid"] as? String == key["x5t"] as? String && ((key["n"] as? String)?.count ?? 0) >= 342)
                #expect((key["x5c"] as? [String])?.count == 1)
            }
            #expect((list.first?["x5c"] as? [String])?.first == tenant.active.certificate.base64)
            let config = try await h.server.get("/contoso.com/v2.0/.well-known/openid-configuration")
            #expect(config.status == 200)
            let document = H.object(config.body)
            #expect(document["token_endpoint"] as? String == "http://localhost/\(H.tenantID)/oauth2/v2.0/token")
            #expect(document["jwks_uri"] as? String == "http://localhost/\(H.tenantID)/discovery/v2.0/keys")
            #expect(document["issuer"] as? String == "http://localhost/\(H.tenantID)/v2.0")
            #expect((document["token_endpoint_auth_methods_supported"] as? [String])?.contains("client_secret_post") == true)
        }
    }
}
