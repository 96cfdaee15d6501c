import Foundation
import ServerTesting
import Testing

/// mock-entra's admin API takes a bearer token and JSON only, and nothing a web page can make a browser send
/// (cookies, forms) gets through (the README's "Security rules").
@Suite("mock-entra: the admin API needs its token", .serialized)
struct AdminAccessTests {
    typealias P = MockEntraProcess

    func get(_ entra: some MockEntraServing, _ path: String, _ headers: [String: String] = [:]) async throws -> ServerProcess.HTTPResult {
        try await entra.server.get(path, headers: headers)
    }

    @Test("GET /admin/tenant: no token 401 without a password or TOTP secret, wrong token 401, the token 200")
    func tenantNeedsToken() async throws {
        try await MockEntraApp.test { entra in
            #expect(entra.adminToken.count == 43, "32 random bytes, base64url: \(entra.adminToken)")
            let secrets = ["Adm1n-Passw0rd!", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Dev3loper-Passw0rd!"]

            let none = try await get(entra, "/admin/tenant")
            #expect(none.status == 401 && none.headers["www-authenticate"] == "Bearer realm=\"mock-entra admin\"", "\(none.status) \(none.headers)")
            #expect(none.headers["content-type"] == "application/json" && none.body.contains("Authorization: Bearer"))
            #expect(secrets.allSatisfy { !none.body.contains($0) })

            for wrong in ["Bearer x", "Bearer \(entra.adminToken)x", "Bearer \(entra.adminToken.dropLast())", "Basic \(entra.adminToken)",
                          entra.adminToken, "Bearer"] {
                let refused = try await get(entra, "/admin/tenant", ["Authorization": wrong])
                #expect(refused.status == 401 && secrets.allSatisfy { !refused.body.contains($0) }, "\(wrong): \(refused.status)")
            }
            let invalid = try await get(entra, "/admin/tenant", ["Authorization": "Bearer nope"])
            #expect(invalid.headers["www-authenticate"]?.contains("error=\"invalid_token\"") == true)

            let granted = try await get(entra, "/admin/tenant", entra.adminHeaders)
            #expect(granted.status == 200 && secrets.allSatisfy { granted.body.contains($0) })
            // The scheme is case-insensitive (RFC 9110 §11.1).
            #expect(try await get(entra, "/admin/tenant", ["Authorization": "bearer \(entra.adminToken)"]).status == 200)
        }
    }

    @Test("every /admin route needs the token: reads, writes, the sign-in log page")
    func everyRoute() async throws {
        try await MockEntraApp.test { entra in
            let routes: [(String, String)] = [
                ("GET", "/admin/signins"), ("GET", "/admin/signins/page"), ("GET", "/admin/pim/activations"), ("GET", "/admin/keys"),
                ("PUT", "/admin/conditional-access"), ("POST", "/admin/pim/activations"), ("POST", "/admin/keys"),
                ("POST", "/admin/keys/ABC/activate"), ("DELETE", "/admin/keys/ABC"),
                ("POST", "/admin/applications/\(EntraFixtures.appID)/provisioning"), ("PATCH", "/admin/applications/\(EntraFixtures.appID)"),
                ("PUT", "/admin/applications/\(EntraFixtures.appID)/assignments"),
            ]
            for (method, path) in routes {
                let result = try await entra.server.request(method, path, body: method == "GET" ? nil : Data("{}".utf8),
                                                            headers: ["Content-Type": "application/json"])
                #expect(result.status == 401, "\(method) \(path): \(result.status) \(result.body.prefix(200))")
            }
            let page = try await entra.server.get("/admin/signins/page", headers: entra.adminHeaders)
            #expect(page.status == 200 && page.body.contains("<table id=\"signins\">"))
        }
    }

    @Test("cookies are no credential: a signed-in browser's SSO cookie without the token is 401")
    func cookiesIgnored() async throws {
        try await MockEntraApp.test { entra in
            let start = try await entra.get(P.launchPath)
            let posted = try await entra.interactiveSignIn(start: start, user: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!",
                                                           secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            let cookie = try #require(P.cookie(posted))
            let withCookie = try await entra.get("/admin/tenant", cookie: cookie)
            #expect(withCookie.status == 401 && !withCookie.body.contains("Adm1n-Passw0rd!"))
            let forged = try await entra.server.request("PUT", "/admin/conditional-access", body: Data("[]".utf8),
                                                        headers: ["Content-Type": "application/json", "Cookie": "ESTSAUTH=\(cookie)"])
            #expect(forged.status == 401)
            // With the token a cookie changes nothing either way.
            let both = try await entra.server.get("/admin/tenant", headers: entra.adminHeaders.merging(["Cookie": "ESTSAUTH=\(cookie)"]) { $1 })
            #expect(both.status == 200)
        }
    }

    @Test("writes take JSON only: form, multipart and text bodies get 415 even with the token; bodiless writes pass")
    func jsonOnly() async throws {
        try await MockEntraApp.test { entra in
            let policies = #"[{"name": "Block", "groups": ["AWS-Account1-Developers"], "applications": ["\#(EntraFixtures.appID)"], "grant": "block"}]"#
            for type in ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", "application/jsonx"] {
                let result = try await entra.server.request("PUT", "/admin/conditional-access", body: Data(policies.utf8),
                                                            headers: entra.adminHeaders.merging(["Content-Type": type]) { $1 })
                #expect(result.status == 415 && result.body.contains("takes JSON only"), "\(type): \(result.status) \(result.body)")
            }
            // Nothing changed: the guide's MFA policy is still the only one.
            let tenant = try await entra.json("GET", "/admin/tenant")
            let policiesNow = (tenant.value as? [String: Any])?["conditionalAccess"] as? [[String: Any]]
            #expect(policiesNow?.count == 1 && policiesNow?.first?["grant"] as? String == "requireMFA", "\(policiesNow ?? [])")
            let json = try await entra.server.request("PUT", "/admin/conditional-access", body: Data("[]".utf8),
                                                      headers: entra.adminHeaders.merging(["Content-Type": "application/json; charset=utf-8"]) { $1 })
            #expect(json.status == 200, "\(json.body)")
            // A write with no body and no Content-Type (curl -X POST) is not refused for its type.
            let keys = try await entra.json("GET", "/admin/keys")
            let thumbprint = try #require(((keys.value as? [[String: Any]])?.first)?["thumbprint"] as? String)
            let bodiless = try await entra.server.request("POST", "/admin/keys/\(thumbprint)/activate", headers: entra.adminHeaders)
            #expect(bodiless.status == 200, "\(bodiless.status) \(bodiless.body)")
        }
    }

    @Test("the token: made once with mode 0600 beside the keys, kept across restarts; the configuration's adminToken wins")
    func tokenFile() async throws {
        let first = try P()
        let file = first.directory.appendingPathComponent("keys/admin-token")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == first.adminToken)
        first.server.stop()
        let restarted = try P(directory: first.directory)
        #expect(restarted.adminToken == first.adminToken)
        #expect(try await restarted.json("GET", "/admin/keys").status == 200)
        restarted.server.stop()
        // A file others can read is refused at start-up rather than trusted.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(throws: ServerProcess.StartFailure.self) { try P(directory: first.directory) }

        let configured = try P(configuration: #"{"adminToken": "a-configured-token-0123456789"}"#)
        #expect(configured.adminToken == "a-configured-token-0123456789")
        #expect(try await configured.json("GET", "/admin/keys").status == 200)
        #expect(!FileManager.default.fileExists(atPath: configured.directory.appendingPathComponent("tenant.keys/admin-token").path))
        #expect(throws: ServerProcess.StartFailure.self) { try P(configuration: #"{"adminToken": "short"}"#) }
    }
}
