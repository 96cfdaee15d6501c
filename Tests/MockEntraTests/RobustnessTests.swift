import Foundation
import SAML
import ServerTesting
import Testing

/// Hostile and careless input against every endpoint of both servers: each answered with a 4xx and a clear message,
/// the server still serving afterwards, and the sign-in log and audit trail complete.
@Suite("bad input and concurrency against mock-entra and mock-aws", .serialized)
struct RobustnessTests {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess

    /// base64 of `xml` deflated, URL-encoded: a Redirect-binding SAMLRequest value.
    static func redirectValue(_ xml: String) throws -> String {
        let query = try RedirectBinding.query(Array(xml.utf8), kind: .request)
        return String(query.dropFirst("SAMLRequest=".count))
    }

    static let billionLaughs = """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" IssueInstant="2025-01-01T00:00:00Z">&lol3;</samlp:AuthnRequest>
        """

    @Test("mock-entra: oversize, truncated, garbage, bombs, wrong methods, unknown tenants and apps: 4xx with the reason")
    func entraBadInput() async throws {
        try await MockEntraApp.test { entra in
            let t = P.tenantPath
            let bomb = String(repeating: "<a>", count: 2_000_000 / 3)
            let requests: [(String, String, String?, Int, String)] = [
                ("POST", t + "/saml2", String(repeating: "A", count: 400_000), 413, "at most 262144 bytes"),
                ("POST", t + "/login", "flow=x&loginfmt=" + String(repeating: "a", count: 400_000), 400, "AADSTS75005"),
                ("GET", t + "/saml2?SAMLRequest=" + String(try Self.redirectValue(AuthnRequest(id: "_a", issueInstant: Date(), issuer: Issuer(F.awsSignIn)).xml()).prefix(40)), nil, 400, "AADSTS75005"),
                ("GET", t + "/saml2?SAMLRequest=%FF%FE%00garbage!!", nil, 400, "AADSTS75005"),
                ("GET", t + "/saml2?SAMLRequest=" + (try Self.redirectValue(String(repeating: " ", count: 5_000_000))), nil, 400, "AADSTS75005"),
                ("POST", t + "/saml2", "SAMLRequest=" + FormEncoding.encode(Data(Self.billionLaughs.utf8).base64EncodedString()), 400, "AADSTS75005"),
                ("POST", t + "/saml2", "SAMLRequest=" + FormEncoding.encode(String(Data(bomb.utf8).base64EncodedString().prefix(120_000))), 400, "AADSTS75005"),
                ("GET", t + "/saml2?SAMLRequest=a&SAMLRequest=b", nil, 400, "AADSTS75005"),
                ("PUT", t + "/saml2", "", 404, "mock-entra has no PUT"),
                ("DELETE", "/myapps", nil, 404, "mock-entra has no DELETE /myapps"),
                ("GET", "/no-such-tenant/saml2?SAMLRequest=x", nil, 404, "AADSTS90002"),
                ("GET", "/no-such-tenant/federationmetadata/2007-06/federationmetadata.xml", nil, 404, "AADSTS90002"),
                ("GET", "/api/signin/no-such-app?tenantId=\(F.tenantID)", nil, 404, "AADSTS700016"),
                ("GET", "/api/signin/\(F.appID)?tenantId=fabrikam.com", nil, 404, "AADSTS90002"),
                ("POST", "/common/SAS/ProcessAuth", "flowToken=forged&request=forged&otc=123456", 400, "AADSTS50058"),
                ("POST", "/kmsi", "flowToken=forged&LoginOptions=1", 400, "AADSTS50058"),
                ("POST", t + "/mfa", "flow=forged&otc=123456", 404, "mock-entra has no POST"),
                ("POST", "/common/GetCredentialType", "{\"username\": " + String(repeating: "a", count: 40_000), 400, "AADSTS90014"),
                ("POST", "/common/GetCredentialType", "[1, 2]", 400, "AADSTS90014"),
                ("POST", "/common/SAS/BeginAuth", "not json", 400, "AADSTS90014"),
                ("GET", "/applications/redirecttofederatedapplication.aspx?Operation=Other&applicationId=\(F.appID)", nil, 400, "AADSTS75005"),
                ("GET", "/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn&applicationId=nope", nil, 404, "AADSTS700016"),
                ("POST", "/admin/pim/activations", "{\"user\": ", 400, "not the expected JSON"),
                ("PUT", "/admin/conditional-access", "[{\"name\": \"x\", \"groups\": [\"Nope\"], \"applications\": [], \"grant\": \"block\"}]", 400, "no group"),
                ("POST", "/test/issue", "{\"user\": \"ghost@contoso.com\"}", 401, "AADSTS50034"),
            ]
            for (method, path, body, status, text) in requests {
                var headers = ["Content-Type": path.hasPrefix("/admin") || path.hasPrefix("/test") ? "application/json" : "application/x-www-form-urlencoded"]
                if path.hasPrefix("/admin") { headers["Authorization"] = "Bearer \(entra.adminToken)" }
                let result = try await entra.server.request(method, path, body: body.map { Data($0.utf8) }, headers: headers)
                #expect(result.status == status && result.body.contains(text), "\(method) \(path.prefix(80)): \(result.status) \(result.body.prefix(200))")
            }
            // Still serving: a whole sign-in works afterwards.
            let start = try await entra.get(P.launchPath)
            let posted = try await entra.interactiveSignIn(start: start, user: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!",
                                                           secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            #expect(posted.field("SAMLResponse") != nil)
        }
    }

    @Test("one user from many connections at once: every password page, every tile launch and every hook answered and logged")
    func concurrentSameUser() async throws {
        try await MockEntraApp.test(live: true) { entra in
            let n = 60
            let passwords = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        let start = try await entra.get(P.launchPath)
                        let flow = start.field("flowToken") ?? ""
                        return try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("loginfmt", "test-awsadmin@contoso.com"),
                                                                                  ("passwd", "Adm1n-Passw0rd!")]).body.contains("name=\"otc\"") ? 1 : 0
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(passwords == n, "every concurrent password submission reaches the code page")
            // One MFA sign-in gives a session; the same session used from many connections at once.
            let start = try await entra.get(P.launchPath)
            let posted = try await entra.interactiveSignIn(start: start, user: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!",
                                                           secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            let cookie = try #require(P.cookie(posted))
            let launches = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<n { group.addTask { try await entra.get(P.launchPath, cookie: cookie).field("SAMLResponse") != nil ? 1 : 0 } }
                return try await group.reduce(0, +)
            }
            #expect(launches == n)
            let hooks = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<n { group.addTask { try await entra.json("POST", "/test/issue", "{\"user\": \"test-awsadmin@contoso.com\"}").status == 200 ? 1 : 0 } }
                return try await group.reduce(0, +)
            }
            #expect(hooks == n)
            let logs = try #require(try await entra.json("GET", "/admin/signins").value as? [[String: Any]])
            // n password attempts interrupted for MFA, one more interrupted for MFA and for "Stay signed in?" then
            // completed, n tile launches, n hooks.
            #expect(logs.filter { $0["result"] as? String == "interrupted" }.count == n + 2)
            #expect(logs.filter { $0["result"] as? String == "success" }.count == 1 + n + n, "\(logs.count) entries")
        }
    }

    @Test("mock-aws: oversize, garbage and bombs in every parameter, wrong methods; every call in the audit trail")
    func awsBadInput() async throws {
        let aws = try ServerProcess("mock-aws", arguments: ["--idp-metadata", ServerProcess.repository.appendingPathComponent("TestVectors/entra_federationmetadata.xml").path])
        let assume = "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdministrator"
            + "&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&SAMLAssertion="
        let requests: [(String, String, String?, Int, String)] = [
            ("POST", "/", assume + String(repeating: "A", count: 600_000), 400, "The request could not be read"),
            ("POST", "/", assume + "%FF%FE!!garbage", 400, "not UTF-8"),
            ("POST", "/", assume + FormEncoding.encode(Data(Self.billionLaughs.utf8).base64EncodedString()), 400, "InvalidIdentityToken"),
            ("POST", "/", assume + String(Data("<samlp:Response".utf8).base64EncodedString().dropLast(2)), 400, "InvalidIdentityToken"),
            ("POST", "/", "Action=NoSuchAction", 400, "InvalidAction"),
            ("POST", "/", "%%%", 400, "malformed percent-encoding"),
            ("POST", "/saml", "SAMLResponse=%%%", 400, "could not be read"),
            ("POST", "/saml", "SAMLResponse=" + FormEncoding.encode(Data(Self.billionLaughs.utf8).base64EncodedString()), 400, "invalid SAML response"),
            ("POST", "/saml", "RelayState=x", 400, "invalid SAML response"),
            ("GET", "/saml", nil, 404, "mock-aws has no GET /saml"),
            // S3 shares the endpoint: an unsigned request outside mock-aws's own paths is S3's anonymous refusal.
            ("DELETE", "/", nil, 403, "<Code>AccessDenied</Code>"),
            ("GET", "/some-bucket/some-key", nil, 403, "<Code>AccessDenied</Code>"),
        ]
        for (method, path, body, status, text) in requests {
            let result = try await aws.request(method, path, body: body.map { Data($0.utf8) }, headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(result.status == status && result.body.contains(text), "\(method) \(path) \(body?.prefix(60) ?? ""): \(result.status) \(result.body.prefix(200))")
        }
        // Many sign-ins at once with one response, then the audit trail: one event for each AssumeRoleWithSAML and /saml call.
        let response = Data(try MockAWSSigner.signedResponse()).base64EncodedString()
        let n = 40
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<n {
                group.addTask { try await aws.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                                               ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                               ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"),
                                                               ("SAMLAssertion", response)]).status == 200 ? 1 : 0 }
            }
            return try await group.reduce(0, +)
        }
        #expect(accepted == n)
        let events = try await aws.auditEvents()
        // Every call that reached AssumeRoleWithSAML or the sign-in endpoint: the n successes, the two refused
        // assertions (the bomb, the truncated one) and the three refused sign-ins. Requests that cannot be read at
        // all (oversize, bad encoding) never reach an action and are not events, as in CloudTrail.
        #expect(events.count == n + 5, "\(events.count) events")
        #expect(events.filter { $0["errorCode"] == nil }.count == n)
        #expect(try await aws.get("/health").body == "ok")
    }
}

/// An Entra-style response issued now by the repository's test IdP key (the key mock-aws trusts via its metadata file).
enum MockAWSSigner {
    static func signedResponse() throws -> [UInt8] {
        let keys = ServerProcess.repository.appendingPathComponent("TestVectors/keys")
        let signer = try Signer(key: SigningKey(pem: String(contentsOf: keys.appendingPathComponent("idp.key"), encoding: .utf8)),
                                certificate: Certificate(pem: String(contentsOf: keys.appendingPathComponent("idp.crt"), encoding: .utf8)))
        let response = EntraAWSResponse(tenantID: EntraFixtures.tenantID, objectID: "o", userPrincipalName: "test-awsadmin@contoso.com",
                                        displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", roles: [EntraFixtures.adminPair])
        return try signer.signedBytes(response.response(clock: SystemClock(), ids: RandomIDGenerator()))
    }
}
