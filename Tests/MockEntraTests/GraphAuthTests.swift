import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// Every `/v1.0` call needs a valid bearer token (401 `InvalidAuthenticationToken` otherwise) and the permission the
/// call needs in the token's `roles` (403 `Authorization_RequestDenied` otherwise), answered in Graph's error JSON.
@Suite("mock-entra: Graph authentication and permissions")
struct GraphAuthTests {
    typealias H = GraphHarness
    static let reader = GraphClient(appID: "55555555-aaaa-4bbb-8ccc-000000000002", displayName: "user reader",
                                    secret: "reader~Secret-0002-NotForProduction", roles: [GraphPermission.userReadAll])
    static let nothing = GraphClient(appID: "55555555-aaaa-4bbb-8ccc-000000000003", displayName: "no permissions",
                                     secret: "nothing~Secret-0003-NotForProduction", roles: [])

    static func tenant() -> Tenant {
        var tenant = EntraFixtures.tenant()
        tenant.graphClients += [reader, nothing]
        return tenant
    }

    func expectRefused(_ result: ServerProcess.HTTPResult, _ status: Int, _ code: String, _ message: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.status) \(result.body)", sourceLocation: sourceLocation)
        let error = H.object(result.body)["error"] as? [String: Any] ?? [:]
        #expect(error["code"] as? String == code, "\(result.body)", sourceLocation: sourceLocation)
        if let message { #expect(error["message"] as? String == message, sourceLocation: sourceLocation) }
        let inner = error["innerError"] as? [String: Any] ?? [:]
        #expect(inner["request-id"] is String && inner["date"] is String, sourceLocation: sourceLocation)
        #expect(inner["client-request-id"] as? String == "0d3c3d0e-1111-4222-8333-444455556666", sourceLocation: sourceLocation)
        #expect(result.headers["request-id"] != nil, sourceLocation: sourceLocation)
        // Nothing of the directory leaks in a refusal.
        #expect(!result.body.contains("test-awsadmin"), sourceLocation: sourceLocation)
    }

    @Test("401 InvalidAuthenticationToken: none, garbage, expired, not yet valid, wrong audience/issuer, foreign key, tampered, alg none, HS256 confusion")
    func invalidTokens() async throws {
        try await H.run(tenant: Self.tenant()) { h in
            let valid = try await h.token()
            #expect(try await h.graph("GET", "users", token: valid).status == 200)

            expectRefused(try await h.graph("GET", "users", token: nil), 401, "InvalidAuthenticationToken", "Access token is empty.")
            expectRefused(try await h.graph("GET", "users", token: nil, headers: ["Authorization": "Basic \(valid)"]), 401, "InvalidAuthenticationToken")
            for garbage in ["x", "a.b", "a.b.c", "..", valid + ".x", String(repeating: "A", count: 20_000)] {
                expectRefused(try await h.graph("GET", "users", token: garbage), 401, "InvalidAuthenticationToken")
            }
            // An unknown path is not revealed before authentication either.
            expectRefused(try await h.graph("GET", "nothingHere", token: nil), 401, "InvalidAuthenticationToken")

            let parts = valid.split(separator: ".").map(String.init)
            let claims = H.claims(valid)
            func payload(_ change: (inout [String: Any]) -> Void) -> String {
                var copy = claims
                change(&copy)
                return String(decoding: (try? JSONSerialization.data(withJSONObject: copy)) ?? Data(), as: UTF8.self)
            }
            // Tampered: more roles, same signature.
            let tampered = "\(parts[0]).\(Base64URL.encode(Array(payload { $0["roles"] = ["Directory.ReadWrite.All"] }.utf8))).\(parts[2])"
            expectRefused(try await h.graph("GET", "users", token: tampered), 401, "InvalidAuthenticationToken", "Access token validation failure.")
            // alg none, with and without the kid.
            let kid = TokenKeys.kid(h.state.tenantKeys.active.certificate)
            for header in ["{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"none\",\"kid\":\"\(kid)\"}", "{\"alg\":\"None\",\"kid\":\"\(kid)\"}"] {
                let none = H.jwt(header: header, payload: payload { _ in }, signature: [])
                expectRefused(try await h.graph("GET", "users", token: none), 401, "InvalidAuthenticationToken")
                expectRefused(try await h.graph("GET", "users", token: String(none.dropLast())), 401, "InvalidAuthenticationToken")
            }
            // HS256 with the public key (PEM and DER) as the HMAC secret.
            for secret in [Array(h.state.tenantKeys.active.certificate.pem.utf8), h.state.tenantKeys.active.certificate.der] {
                let header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"\(kid)\"}"
                let input = "\(Base64URL.encode(Array(header.utf8))).\(Base64URL.encode(Array(payload { _ in }.utf8)))"
                let forged = "\(input).\(Base64URL.encode(SAMLDigest.hmacSHA256(key: secret, Array(input.utf8))))"
                expectRefused(try await h.graph("GET", "users", token: forged), 401, "InvalidAuthenticationToken")
            }
            // Signed by a key the tenant does not publish for tokens (an application's SAML key, published only in the
            // app's metadata), under its own kid and under the tenant's kid.
            let foreign = TokenKeys(ring: await h.state.keys)
            let good = GraphAccessToken.issue(to: H.admin, tenantID: H.tenantID, now: h.clock.now, lifetime: 3599, id: "u")
            expectRefused(try await h.graph("GET", "users", token: try await foreign.sign(good)), 401, "InvalidAuthenticationToken")
            let foreignSigned = try await foreign.sign(good).split(separator: ".").map(String.init)
            let relabelled = "\(Base64URL.encode(Array("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"\(kid)\"}".utf8))).\(foreignSigned[1]).\(foreignSigned[2])"
            expectRefused(try await h.graph("GET", "users", token: relabelled), 401, "InvalidAuthenticationToken")
            // Properly signed by the tenant, wrong claims.
            let keys = TokenKeys(ring: h.state.tenantKeys)
            var audience = good
            audience.aud = "https://management.azure.com"
            expectRefused(try await h.graph("GET", "users", token: try await keys.sign(audience)), 401, "InvalidAuthenticationToken",
                          "Access token validation failure. Invalid audience.")
            var issuer = good
            issuer.iss = "https://sts.windows.net/ffffffff-0000-0000-0000-000000000000/"
            expectRefused(try await h.graph("GET", "users", token: try await keys.sign(issuer)), 401, "InvalidAuthenticationToken")
            var future = good
            future.nbf += 3600
            expectRefused(try await h.graph("GET", "users", token: try await keys.sign(future)), 401, "InvalidAuthenticationToken",
                          "Lifetime validation failed, the token is not yet valid.")
            var user = good
            user.idtyp = "user"
            expectRefused(try await h.graph("GET", "users", token: try await keys.sign(user)), 401, "InvalidAuthenticationToken")

            // Expired: valid within the five minutes of skew after exp, refused after.
            h.clock.advance(3599 + 299)
            #expect(try await h.graph("GET", "users", token: valid).status == 200)
            h.clock.advance(2)
            expectRefused(try await h.graph("GET", "users", token: valid), 401, "InvalidAuthenticationToken",
                          "Lifetime validation failed, the token is expired.")
        }
    }

    @Test("an application's SAML certificate rollover leaves Graph tokens alone: they are the tenant's keys")
    func rollover() async throws {
        try await H.run { h in
            let old = try await h.token()
            _ = try await h.state.addCertificate(EntraFixtures.rollover)
            try await h.state.activateCertificate(EntraFixtures.rollover.thumbprint)
            try await h.state.retireCertificate(EntraFixtures.idp.thumbprint)
            let new = try await h.token()
            #expect(H.header(new)["kid"] as? String == H.header(old)["kid"] as? String)
            #expect(try await h.graph("GET", "users", token: old).status == 200)
            #expect(try await h.graph("GET", "users", token: new).status == 200)
        }
    }

    @Test("403 Authorization_RequestDenied when the token's roles lack the call's permission")
    func permissions() async throws {
        try await H.run(tenant: Self.tenant()) { h in
            let reader = try await h.token(Self.reader)
            #expect(H.claims(reader)["roles"] as? [String] == ["User.Read.All"])
            #expect(try await h.graph("GET", "users", token: reader).status == 200)
            #expect(try await h.graph("GET", "users/test-awsadmin@contoso.com", token: reader).status == 200)
            let denied: [(String, String, Any?)] = [
                ("POST", "users", ["accountEnabled": true, "displayName": "X", "mailNickname": "x", "userPrincipalName": "x@contoso.com",
                                   "passwordProfile": ["password": "Passw0rd!x"]]),
                ("DELETE", "users/test-awsadmin@contoso.com", nil), ("GET", "groups", nil),
                ("POST", "groups/22222222-aaaa-4bbb-8ccc-000000000001/members/$ref", ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/x"]),
                ("GET", "servicePrincipals", nil), ("GET", "applications", nil), ("GET", "directoryObjects/x", nil),
                ("POST", "servicePrincipals/x/appRoleAssignedTo", ["principalId": "x", "resourceId": "x", "appRoleId": "x"]),
                ("GET", "identity/conditionalAccess/policies", nil), ("DELETE", "identity/conditionalAccess/policies/x", nil),
                ("GET", "auditLogs/signIns", nil), ("GET", "groups/$count", nil),
                ("POST", "identityGovernance/privilegedAccess/group/eligibilityScheduleRequests", ["accessId": "member"]),
                ("POST", "identityGovernance/privilegedAccess/group/assignmentScheduleRequests", ["accessId": "member"]),
                ("POST", "servicePrincipals/x/addTokenSigningCertificate", ["displayName": "CN=x"]),
                ("PATCH", "servicePrincipals/x", ["preferredTokenSigningKeyThumbprint": "x"]),
            ]
            for (method, path, body) in denied {
                expectRefused(try await h.graph(method, path, token: reader, json: body), 403, "Authorization_RequestDenied",
                              "Insufficient privileges to complete the operation.")
            }
            // No permissions at all: a token without `roles`, refused everywhere.
            let nothing = try await h.token(Self.nothing)
            #expect(H.claims(nothing)["roles"] == nil)
            expectRefused(try await h.graph("GET", "users", token: nothing), 403, "Authorization_RequestDenied")
            // The refusal did not write anything.
            #expect(await h.state.tenant.user("test-awsadmin@contoso.com") != nil)
        }
    }
}
