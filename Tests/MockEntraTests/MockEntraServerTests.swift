import AWSFederation
import Foundation
import MockEntra
import SAML
import ServerTesting
import Testing

/// mock-entra driven over HTTP as a browser, an SP and an administrator would: the built executable
/// (``MockEntraProcess``) or the application in-process (``MockEntraApp``).
protocol MockEntraServing: Sendable {
    associatedtype Server: HTTPTestServer
    var server: Server { get }
    /// Where its configuration and keys are.
    var directory: URL { get }
    /// The admin API's bearer token.
    var adminToken: String { get }
}

extension MockEntraServing {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess
    var baseURL: String { server.baseURL }

    /// The admin API's Authorization header.
    var adminHeaders: [String: String] { ["Authorization": "Bearer \(adminToken)"] }

    func get(_ path: String, cookie: String? = nil) async throws -> ServerProcess.HTTPResult {
        try await server.get(path, headers: cookie.map { ["Cookie": "ESTSAUTH=\($0)"] } ?? [:])
    }

    func post(_ path: String, form: [(String, String)], cookie: String? = nil) async throws -> ServerProcess.HTTPResult {
        try await server.post(path, form: form, headers: cookie.map { ["Cookie": "ESTSAUTH=\($0)"] } ?? [:])
    }

    /// A JSON exchange; `/admin` paths carry the admin token.
    func json(_ method: String, _ path: String, _ body: String = "") async throws -> (status: Int, value: Any?) {
        let result = try await server.request(method, path, body: Data(body.utf8),
                                              headers: ["Content-Type": "application/json"].merging(path.hasPrefix("/admin") ? adminHeaders : [:]) { $1 })
        return (result.status, try? JSONSerialization.jsonObject(with: Data(result.body.utf8)))
    }

    /// The signing certificates the metadata publishes, in order.
    func publishedCertificates() async throws -> [Certificate] {
        let metadata = try await get(P.metadataPath)
        return try IdentityProviderMetadata.parse(Array(metadata.body.utf8)).signingCertificates
    }

    /// A response from the test hooks, base64.
    func hookResponse(_ user: String = "test-awsadmin@contoso.com", fault: String? = nil) async throws -> String {
        let body = "{\"user\":\"\(user)\"" + (fault.map { ",\"fault\":\"\($0)\"" } ?? "") + "}"
        let (_, value) = try await json("POST", "/test/issue", body)
        return try #require((value as? [String: Any])?["samlResponse"] as? String)
    }

    /// Signs in through the converged pages as a browser without JavaScript does: the username step, the password
    /// step, the code form of ConvergedTFA (posted to ProcessAuth), then "Stay signed in?" (`keep`: Yes). Returns
    /// the "Working..." page.
    func interactiveSignIn(start: ServerProcess.HTTPResult, user: String, password: String, secret: String,
                           keep: Bool = false) async throws -> ServerProcess.HTTPResult {
        #expect(start.body.contains("<meta name=\"PageID\" content=\"ConvergedSignIn\" />"), "\(start.body.prefix(300))")
        let flow = try #require(start.field("flowToken")), ctx = try #require(start.field("ctx"))
        let passwordStep = try await post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", user)])
        #expect(passwordStep.status == 200 && passwordStep.body.contains("name=\"passwd\"")
                && passwordStep.body.contains("name=\"loginfmt\" class=\"moveOffScreen\""), "\(passwordStep.body.prefix(300))")
        let afterPassword = try await post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", user), ("passwd", password)])
        #expect(afterPassword.status == 200 && afterPassword.body.contains("id=\"idTxtBx_SAOTCC_OTC\""), "\(afterPassword.body.prefix(300))")
        let kmsi = try await post("/common/SAS/ProcessAuth", form: [("flowToken", try #require(afterPassword.field("flowToken"))),
                                                                    ("request", try #require(afterPassword.field("request"))),
                                                                    ("otc", F.code(secret, at: Date()))])
        #expect(kmsi.status == 200 && kmsi.body.contains("id=\"KmsiDescription\""), "\(kmsi.body.prefix(300))")
        return try await post("/kmsi", form: [("flowToken", try #require(kmsi.field("flowToken"))), ("ctx", try #require(kmsi.field("ctx"))),
                                              ("LoginOptions", keep ? "1" : "3")])
    }
}

/// The built `mock-entra` executable driven over HTTP as a browser, an SP and an administrator would.
final class MockEntraProcess: MockEntraServing, @unchecked Sendable {
    typealias F = EntraFixtures
    let server: ServerProcess
    let directory: URL
    /// The admin API's bearer token, as `mock-entra --print-admin-token` gives it with the same arguments.
    let adminToken: String
    static let tenantPath = "/\(EntraFixtures.tenantID)"
    static let launchPath = "/api/signin/\(EntraFixtures.appID)?tenantId=\(EntraFixtures.tenantID)"
    static let metadataPath = tenantPath + "/federationmetadata/2007-06/federationmetadata.xml?appid=\(EntraFixtures.appID)"

    /// `configuration` is written to a fresh directory (the keys are generated beside it) unless nil.
    init(configuration: String? = nil, directory: URL? = nil, testHooks: Bool = true, extra: [String] = []) throws {
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("mock-entra-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        var arguments = extra + (testHooks ? ["--test-hooks"] : [])
        if let configuration {
            let file = self.directory.appendingPathComponent("tenant.json")
            try Data(configuration.utf8).write(to: file)
            arguments += ["--config", file.path]
        } else {
            arguments += ["--keys-dir", self.directory.appendingPathComponent("keys").path]
        }
        server = try ServerProcess("mock-entra", arguments: arguments)
        let printed = try ServerProcess.run([ServerProcess.repository.appendingPathComponent(".build/debug/mock-entra").path]
                                            + arguments + ["--print-admin-token"])
        adminToken = printed.output.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// The session cookie a response set.
    static func cookie(_ result: ServerProcess.HTTPResult) -> String? {
        guard let header = result.headers["set-cookie"], let range = header.range(of: "ESTSAUTH=") else { return nil }
        let value = header[range.upperBound...].prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }
}

@Suite("mock-entra over HTTP", .serialized)
struct MockEntraServerTests {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess

    @Test("My Apps → password (a wrong one first) → stay signed in → AWS tile → code (a wrong one first) → auto-post; mock-aws opens the console; SSO, logs")
    func interactiveLogin() async throws {
        let entra = try P()
        let aws = try ServerProcess("mock-aws", arguments: ["--idp-metadata", entra.baseURL + P.metadataPath])
        let myApps = try await entra.get("/myapps")
        #expect(myApps.status == 200 && myApps.body.contains("name=\"loginfmt\"") && myApps.body.contains("id=\"idSIButton9\""))
        let flow = try #require(myApps.field("flowToken")), ctx = try #require(myApps.field("ctx"))
        let credentials = [("flowToken", flow), ("ctx", ctx), ("login", "test-awsadmin@contoso.com"), ("loginfmt", "test-awsadmin@contoso.com")]
        // A wrong password: the password step again, HTTP 200 as Entra answers, the error in $Config and on the page.
        let wrong = try await entra.post(P.tenantPath + "/login", form: credentials + [("passwd", "guess")])
        #expect(wrong.status == 200 && wrong.body.contains("<div id=\"passwordError\" class=\"alert-error\" role=\"alert\">AADSTS50126: Error validating credentials due to invalid username or password.</div>"))
        #expect(wrong.body.contains("\"sErrorCode\":\"50126\"") && wrong.body.contains("\"sErrTxt\":\"AADSTS50126: Error validating credentials"))
        // My Apps itself needs no MFA (the policy targets the AWS app): "Stay signed in?", then the tiles and the session.
        let kmsi = try await entra.post(P.tenantPath + "/login", form: credentials + [("passwd", "Adm1n-Passw0rd!")])
        #expect(kmsi.status == 200 && kmsi.body.contains("<meta name=\"PageID\" content=\"KmsiInterrupt\" />") && kmsi.body.contains("\"urlPost\":\"/kmsi\""))
        let tiles = try await entra.post("/kmsi", form: [("flowToken", flow), ("ctx", ctx), ("LoginOptions", "1")])
        #expect(tiles.status == 200 && tiles.body.contains("AWS Single-Account Access") && tiles.body.contains("/api/signin/\(F.appID)?tenantId=\(F.tenantID)"))
        let cookie = try #require(P.cookie(tiles), "My Apps sets the SSO session")
        #expect(tiles.headers["set-cookie"]?.contains("Max-Age=43200") == true, "Yes to 'Stay signed in?': a persistent cookie")
        #expect(try await entra.post("/kmsi", form: [("flowToken", flow), ("ctx", ctx), ("LoginOptions", "1")]).status == 400, "a flow answers KMSI once")

        // The AWS tile: Conditional Access wants MFA, which this session has not done.
        let challenge = try await entra.get(P.launchPath, cookie: cookie)
        #expect(challenge.status == 200 && challenge.body.contains("<meta name=\"PageID\" content=\"ConvergedTFA\" />") && challenge.body.contains("name=\"otc\""))
        let mfaFlow = try #require(challenge.field("flowToken")), request = try #require(challenge.field("request"))
        let badCode = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", mfaFlow), ("request", request), ("otc", "12345x")])
        #expect(badCode.status == 200 && badCode.body.contains("AADSTS500121") && badCode.body.contains("\"sErrorCode\":\"500121\""))
        let stay = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", mfaFlow), ("request", request),
                                                                          ("otc", F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: Date()))])
        #expect(stay.status == 200 && stay.body.contains("id=\"KmsiDescription\""))
        let launch = try await entra.post("/kmsi", form: [("flowToken", mfaFlow), ("ctx", try #require(stay.field("ctx"))), ("LoginOptions", "3")])
        #expect(launch.status == 200 && launch.body.hasPrefix("<html><head><title>Working...</title></head>")
                && launch.body.contains("action=\"https://signin.aws.amazon.com/saml\"") && launch.field("RelayState") == nil)
        let mfaCookie = try #require(P.cookie(launch))
        #expect(launch.headers["set-cookie"]?.contains("Max-Age") == false, "No to 'Stay signed in?': a browser-session cookie")
        let samlResponse = try #require(launch.field("SAMLResponse"))
        let certificates = try await entra.publishedCertificates()
        let verified = try await F.verifier(certificates, clock: SystemClock()).verify(base64: samlResponse)
        #expect(verified.attribute(AttributeName.awsRole) == [F.adminPair])
        #expect(verified.attribute(AttributeName.authnMethodsReferences)?.last == "http://schemas.microsoft.com/claims/multipleauthn")

        // The browser posts the form to AWS's sign-in endpoint: here mock-aws, which trusts mock-entra's metadata.
        let console = try await aws.consoleSignIn([("SAMLResponse", samlResponse)])
        #expect(console.signIn.status == 302 && console.session == "Administrator/test-awsadmin@contoso.com @ 123456789012", "\(console.signIn.body.prefix(400))")

        // The session now carries MFA: the tile posts at once, without "Stay signed in?".
        let again = try await entra.get(P.launchPath, cookie: mfaCookie)
        #expect(again.field("SAMLResponse") != nil && again.body.hasPrefix("<html><head><title>Working...</title></head>"))

        let logs = try await entra.json("GET", "/admin/signins")
        let entries = try #require(logs.value as? [[String: Any]])
        #expect(entries.map { $0["result"] as? String ?? "" } == ["failure", "interrupted", "success", "interrupted", "failure", "interrupted", "success", "success"],
                "\(entries)")
        #expect(entries.last?["awsSessions"] as? [String] == ["Administrator/test-awsadmin@contoso.com @ 123456789012"])
        #expect(entries.map { $0["aadstsCode"] as? String ?? "-" } == ["AADSTS50126", "AADSTS50140", "-", "AADSTS50076", "AADSTS500121", "AADSTS50140", "-", "-"])
        #expect(entries[2]["appDisplayName"] as? String == "My Apps")
        let steps = (entries[6]["authenticationDetails"] as? [[String: Any]])?.map { "\($0["authenticationMethod"] as? String ?? "") \($0["succeeded"] as? Bool ?? false)" }
        #expect(steps == ["Mobile app verification code false", "Mobile app verification code true", "Keep me signed in true"], "\(entries[6])")
        let page = try await entra.server.get("/admin/signins/page", headers: entra.adminHeaders)
        #expect(page.status == 200 && page.body.contains("<table id=\"signins\">") && page.body.contains("Administrator/test-awsadmin@contoso.com @ 123456789012"))
        #expect(page.body.contains("<td>Mobile app verification code: Invalid verification code<br>Mobile app verification code: MFA successfully completed<br>Keep me signed in: LoginOptions=3</td>"))
    }

    @Test("SP-initiated over Redirect and POST: InResponseTo and the ACS; AADSTS pages for bad requests; logout ends the session")
    func spInitiated() async throws {
        try await MockEntraApp.test { entra in
            let request = AuthnRequest(id: "_sp-request-1", issueInstant: Date(), destination: entra.baseURL + P.tenantPath + "/saml2",
                                       assertionConsumerServiceURL: F.awsSignIn, protocolBinding: AuthnRequest.httpPOST, issuer: Issuer(F.awsSignIn))
            let redirect = try RedirectBinding.url(entra.baseURL + P.tenantPath + "/saml2", Array(request.xml().utf8), kind: .request,
                                                   relayState: "sp-state")
            let login = try await entra.get(redirect + "&login_hint=test-awsdeveloper%40contoso.com")
            #expect(login.status == 200 && login.body.contains("value=\"test-awsdeveloper@contoso.com\" required"))
            let posted = try await entra.interactiveSignIn(start: login, user: "test-awsdeveloper@contoso.com", password: "Dev3loper-Passw0rd!",
                                                           secret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
            #expect(posted.status == 200 && posted.field("RelayState") == "sp-state")
            let response = try await F.verifier(try await entra.publishedCertificates(), clock: SystemClock())
                .verify(base64: try #require(posted.field("SAMLResponse")), inResponseTo: "_sp-request-1")
            #expect(response.attribute(AttributeName.awsRole) == [F.developerPair])
            let cookie = try #require(P.cookie(posted))

            // POST binding, with the session: no pages at all.
            let form = PostBinding.formBody(Array(request.xml().utf8), kind: .request, relayState: "again")
            let direct = try await entra.server.post(P.tenantPath + "/saml2", body: form,
                                                     headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "ESTSAUTH=\(cookie)"])
            #expect(direct.status == 200 && direct.field("RelayState") == "again" && direct.field("SAMLResponse") != nil)

            for (path, status, code) in [
                (P.tenantPath + "/saml2", 400, "AADSTS750054"),
                (P.tenantPath + "/saml2?SAMLRequest=%%%not-base64", 400, "AADSTS75005"),
                ("/contoso.org/saml2?SAMLRequest=x", 404, "AADSTS90002"),
                ("/api/signin/00000000-0000-0000-0000-000000000000?tenantId=\(F.tenantID)", 404, "AADSTS700016"),
                (P.tenantPath + "/federationmetadata/2007-06/federationmetadata.xml?appid=nope", 404, "AADSTS700016"),
            ] {
                let page = try await entra.get(path)
                #expect(page.status == status && page.body.contains("data-code=\"\(code)\""), "\(path): \(page.status) \(page.body.prefix(300))")
            }
            let wrongACS = AuthnRequest(id: "_r2", issueInstant: Date(), assertionConsumerServiceURL: "https://evil.example/acs", issuer: Issuer(F.awsSignIn))
            let refused = try await entra.get(try RedirectBinding.url(entra.baseURL + P.tenantPath + "/saml2", Array(wrongACS.xml().utf8), kind: .request))
            #expect(refused.status == 400 && refused.body.contains("AADSTS50011"))
            let tooBig = try await entra.server.post(P.tenantPath + "/saml2", body: String(repeating: "A", count: 300_000))
            #expect(tooBig.status == 413)

            // A LogoutRequest naming someone else does not end this browser's session.
            let forged = LogoutRequest(id: "_logout0", issueInstant: Date(), issuer: Issuer(F.awsSignIn), nameID: NameID("test-awsadmin@contoso.com"))
            _ = try await entra.get(try RedirectBinding.url(entra.baseURL + P.tenantPath + "/saml2", Array(forged.xml().utf8), kind: .request),
                                    cookie: cookie)
            #expect(try await entra.get(P.launchPath, cookie: cookie).field("SAMLResponse") != nil, "the session survives")
            // Logout: the session ends and the cookie is cleared; the next launch asks for the password.
            let logout = LogoutRequest(id: "_logout1", issueInstant: Date(), issuer: Issuer(F.awsSignIn), nameID: NameID("test-awsdeveloper@contoso.com"))
            let out = try await entra.get(try RedirectBinding.url(entra.baseURL + P.tenantPath + "/saml2", Array(logout.xml().utf8), kind: .request),
                                          cookie: cookie)
            #expect(out.status == 200 && out.body.contains("You signed out") && out.headers["set-cookie"]?.contains("Max-Age=0") == true)
            let after = try await entra.get(P.launchPath, cookie: cookie)
            #expect(after.status == 200 && after.field("flowToken") != nil && after.field("SAMLResponse") == nil)
            #expect(try await entra.get("/health").body == "ok")
        }
    }

    @Test("rollover through the admin API: publish both, switch, retire; the keys survive a restart")
    func rolloverAPI() async throws {
        let first = try P()
        let original = try await first.publishedCertificates()
        #expect(original.count == 1 && original[0].subject.contains("Microsoft Azure Federated SSO Certificate"))
        let added = try await first.json("POST", "/admin/keys")
        #expect(added.status == 201 && (added.value as? [[String: Any]])?.count == 2)
        let both = try await first.publishedCertificates()
        #expect(both.count == 2 && both[0] == original[0])
        let stillOld = try await first.hookResponse()
        #expect(throws: Never.self) { try F.verifier([original[0]], clock: SystemClock()).verify(base64: stillOld) }
        let newThumbprint = both[1].sha1Thumbprint
        #expect(try await first.json("POST", "/admin/keys/\(newThumbprint)/activate").status == 200)
        let switched = try await first.hookResponse()
        #expect(throws: SAMLError.self) { try F.verifier([original[0]], clock: SystemClock()).verify(base64: switched) }
        #expect(throws: Never.self) { try F.verifier([both[1]], clock: SystemClock()).verify(base64: switched) }
        #expect(try await first.publishedCertificates() == [both[1], original[0]])
        let retireActive = try await first.json("DELETE", "/admin/keys/\(newThumbprint)")
        #expect(retireActive.status == 400 && "\(retireActive.value ?? "")".contains("cannot be retired"))
        #expect(try await first.json("DELETE", "/admin/keys/\(original[0].sha1Thumbprint)").status == 200)
        #expect(try await first.publishedCertificates() == [both[1]])
        #expect(try await first.json("POST", "/admin/keys", "{\"key\": \"not a key\", \"certificate\": \"x\"}").status == 400)
        #expect(first.server.stop() == 0, "SIGTERM: a clean exit")
        let restarted = try P(directory: first.directory)
        #expect(try await restarted.publishedCertificates() == [both[1]])
    }

    @Test("rollover through the configuration: both certificates published, the marked one signs; python3-saml and xmlsec1 agree")
    func rolloverConfigurationAndIndependentVerifiers() async throws {
        let keys = F.keys.path
        try await MockEntraApp.test(configuration: """
                {"signingCertificates": [{"key": "\(keys)/idp.key", "certificate": "\(keys)/idp.crt"},
                                         {"key": "\(keys)/idp-rollover.key", "certificate": "\(keys)/idp-rollover.crt", "active": true}]}
                """) { entra in
            #expect(try await entra.publishedCertificates() == [F.rollover.certificate, F.idp.certificate])
            let metadataFile = entra.directory.appendingPathComponent("metadata.xml")
            try Data(try await entra.get(P.metadataPath).body.utf8).write(to: metadataFile)
            let metadataCheck = try await ServerProcess.runDetached(["xmlsec1", "--verify", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                                                       "--pubkey-cert-pem", F.keys.appendingPathComponent("idp-rollover.crt").path, metadataFile.path])
            #expect(metadataCheck.status == 0 && metadataCheck.output.contains("OK"), "\(metadataCheck.output)")
            let script = ServerProcess.repository.appendingPathComponent("Tests/Interop/mock_entra_sp.py").path
            for (fault, accepted) in [(nil, true), ("tampered", false), ("unknownKey", false), ("xsw3", false)] as [(String?, Bool)] {
                let response = try await entra.hookResponse(fault: fault)
                let file = entra.directory.appendingPathComponent("response-\(fault ?? "ok").b64")
                try Data(response.utf8).write(to: file)
                let verdict = try await ServerProcess.runDetached(["python3", script, metadataFile.path, file.path])
                let json = try #require(try JSONSerialization.jsonObject(with: Data(verdict.output.utf8)) as? [String: Any], "\(verdict.output)")
                #expect(json["authenticated"] as? Bool == accepted, "python3-saml on \(fault ?? "a clean response"): \(verdict.output)")
                if accepted {
                    #expect(json["certificates"] as? Int == 2 && json["nameid"] as? String == "test-awsadmin@contoso.com")
                    let xml = entra.directory.appendingPathComponent("response.xml")
                    try Data(base64Encoded: response)?.write(to: xml)
                    let check = try await ServerProcess.runDetached(["xmlsec1", "--verify", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                                                       "--pubkey-cert-pem", F.keys.appendingPathComponent("idp-rollover.crt").path, xml.path])
                    #expect(check.status == 0 && check.output.contains("OK"), "\(check.output)")
                }
            }
        }
    }

    @Test("role provisioning from mock-aws (SigV4 ListRoles), assignment, then two roles reach AWS's role chooser")
    func provisioning() async throws {
        try await MockEntraApp.test(live: true) { entra in
            // mock-aws in-process, on a port (mock-entra and the AWS CLI call it), trusting mock-entra's metadata.
            let metadata = try await entra.server.get(P.metadataPath).body
            try await MockAWSApp.test(metadataXML: metadata, live: true) { aws in
                let admin = ["AWS_ACCESS_KEY_ID": "AKIAMOCKAWSADMIN0001", "AWS_SECRET_ACCESS_KEY": "mockAwsAdminSecretKey0000000000000000000"]
                let trust = """
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/EntraID"},\
                    "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}
                    """
                let created = try await ServerProcess.runDetached(["aws", "--endpoint-url", aws.baseURL, "iam", "create-role", "--role-name", "ReadOnly",
                                                     "--assume-role-policy-document", trust], environment: admin)
                #expect(created.status == 0, "\(created.output)")
                let body = "{\"endpoint\": \"\(aws.baseURL)\", \"accessKeyId\": \"AKIAMOCKAWSADMIN0001\", \"secretAccessKey\": \"mockAwsAdminSecretKey0000000000000000000\"}"
                let provisioned = try await entra.json("POST", "/admin/applications/\(F.appID)/provisioning", body)
                let result = try #require(provisioned.value as? [String: Any])
                let imported = (result["imported"] as? [[String: Any]])?.compactMap { $0["displayName"] as? String }
                #expect(provisioned.status == 200 && imported == ["Administrator,EntraID", "Developer,EntraID", "ReadOnly,EntraID"], "\(result)")
                let wrongSecret = try await entra.json("POST", "/admin/applications/\(F.appID)/provisioning",
                                                       body.replacingOccurrences(of: "mockAwsAdminSecretKey", with: "wrongSecretKeyxxxxxxx"))
                #expect(wrongSecret.status == 502 && "\(wrongSecret.value ?? "")".contains("SignatureDoesNotMatch"))
                let assigned = try await entra.json("PUT", "/admin/applications/\(F.appID)/assignments",
                                                    "{\"AWS-Account1-Developers\": [\"Developer,EntraID\", \"ReadOnly,EntraID\"]}")
                #expect(assigned.status == 200)
                let response = try await entra.hookResponse("test-awsdeveloper@contoso.com")
                let chooser = try await aws.post("/saml", form: [("SAMLResponse", response)])
                #expect(chooser.status == 200 && chooser.body.contains("arn:aws:iam::123456789012:role/ReadOnly") && chooser.body.contains("arn:aws:iam::123456789012:role/Developer"),
                        "\(chooser.body.prefix(500))")
                let readOnly = try await aws.consoleSignIn([("SAMLResponse", response), ("roleIndex", "arn:aws:iam::123456789012:role/ReadOnly")])
                #expect(readOnly.session == "ReadOnly/test-awsdeveloper@contoso.com @ 123456789012")
                let badAssignment = try await entra.json("PUT", "/admin/applications/\(F.appID)/assignments", "{\"AWS-Account1-Developers\": [\"Nope,EntraID\"]}")
                #expect(badAssignment.status == 404)
            }
        }
    }

    @Test("every read endpoint answers; the legacy launch link; unknown paths and methods get 4xx and the server keeps serving")
    func endpoints() async throws {
        try await MockEntraApp.test { entra in
            let tenant = try await entra.json("GET", "/admin/tenant")
            #expect(tenant.status == 200 && (tenant.value as? [String: Any])?["tenantID"] as? String == F.tenantID)
            let keys = try await entra.json("GET", "/admin/keys")
            #expect(keys.status == 200 && ((keys.value as? [[String: Any]])?.first?["active"] as? Bool) == true)
            #expect(try await entra.json("GET", "/admin/pim/activations").status == 200)
            let legacy = try await entra.get("/signin/AWS%20Single-Account%20Access/\(F.appID)?tenantId=\(F.tenantID)")
            #expect(legacy.status == 200 && legacy.field("flowToken") != nil)
            for domain in ["contoso.com", "contoso.onmicrosoft.com"] {
                #expect(try await entra.get("/\(domain)/federationmetadata/2007-06/federationmetadata.xml").status == 200)
            }
            #expect(try await entra.get("/nowhere").status == 404)
            #expect(try await entra.server.request("DELETE", P.tenantPath + "/saml2").status >= 400)
            #expect(try await entra.json("PUT", "/admin/conditional-access", "not json").status == 400)
            let expired = try await entra.post(P.tenantPath + "/login", form: [("flowToken", "forged"), ("loginfmt", "a"), ("passwd", "b")])
            #expect(expired.status == 400 && expired.body.contains("AADSTS50058"))
            #expect(try await entra.get("/health").body == "ok")
        }
    }

    @Test("the Reply URL moved to a local mock-aws, which accepts its own /saml and nothing else local; per-app settings at runtime")
    func localReplyURL() async throws {
        try await MockEntraApp.test(live: true) { entra in
            // mock-aws in-process, on a port (mock-entra and the AWS CLI call it), trusting mock-entra's metadata.
            let metadata = try await entra.server.get(P.metadataPath).body
            try await MockAWSApp.test(metadataXML: metadata, live: true) { aws in
                let patched = try await entra.json("PATCH", "/admin/applications/\(F.appID)",
                                                   "{\"replyURL\": \"\(aws.baseURL)/saml\", \"signingMode\": \"both\", \"sessionDuration\": 7200}")
                #expect(patched.status == 200 && (patched.value as? [String: Any])?["replyURL"] as? String == aws.baseURL + "/saml")
                let page = try await entra.server.post("/test/issue", body: "{\"user\":\"test-awsadmin@contoso.com\",\"format\":\"page\"}",
                                                       headers: ["Content-Type": "application/json"])
                #expect(page.body.contains("action=\"\(aws.baseURL)/saml\""))
                let response = try #require(page.field("SAMLResponse"))
                let verified = try await Verifier(trusting: try await entra.publishedCertificates(),
                                            serviceProvider: ServiceProvider(audiences: [F.awsSignIn], acsURLs: [aws.baseURL + "/saml"]),
                                            clock: SystemClock()).verify(base64: response)
                #expect(verified.signedElements == [.response, .assertion] && verified.attribute(AttributeName.awsSessionDuration) == ["7200"])
                let console = try await aws.consoleSignIn([("SAMLResponse", response)])
                #expect(console.signIn.status == 302 && console.session == "Administrator/test-awsadmin@contoso.com @ 123456789012", "\(console.signIn.body.prefix(300))")
                // Another local URL is not a sign-in endpoint.
                #expect(try await entra.json("PATCH", "/admin/applications/\(F.appID)", "{\"replyURL\": \"http://127.0.0.1:1/saml\"}").status == 200)
                let elsewhere = try await entra.hookResponse()
                let refused = try await aws.post("/saml", form: [("SAMLResponse", elsewhere)])
                #expect(refused.status == 400 && refused.body.contains("Your request included an invalid SAML response"), "\(refused.body.suffix(700))")
                // Reply URLs a browser would read otherwise (BrowserURL): backslash, userinfo, a dot segment, an explicit :443.
                for bad in ["{\"sessionDuration\": 60}", "{\"replyURL\": \"not a url\"}", "{\"signatureAlgorithm\": \"rsa-sha512\"}", "{\"signingMode\": \"sometimes\"}",
                            "{\"replyURL\": \"https://evil.example\\\\@signin.aws.amazon.com/saml\"}", "{\"replyURL\": \"https://u@signin.aws.amazon.com/saml\"}",
                            "{\"additionalReplyURLs\": [\"https://signin.aws.amazon.com/x/../saml\"]}", "{\"replyURL\": \"https://signin.aws.amazon.com:443/saml\"}"] {
                    #expect(try await entra.json("PATCH", "/admin/applications/\(F.appID)", bad).status == 400, "\(bad)")
                }
                #expect(try await entra.json("PATCH", "/admin/applications/nope", "{}").status == 404)
            }
        }
    }

    @Test("test hooks: off by default; every fault is refused by mock-aws's STS, a clean response accepted; CA and PIM through the API")
    func hooksAndPolicies() async throws {
        try await MockEntraApp.test(testHooks: false) { plain in
            #expect(try await plain.json("POST", "/test/issue", "{\"user\":\"test-awsadmin@contoso.com\"}").status == 404)
            try await MockEntraApp.test(live: true) { entra in
                // mock-aws in-process, on a port (mock-entra and the AWS CLI call it), trusting mock-entra's metadata.
                let metadata = try await entra.server.get(P.metadataPath).body
                try await MockAWSApp.test(metadataXML: metadata, live: true) { aws in
                    func assume(_ response: String) async throws -> ServerProcess.HTTPResult {
                        try await aws.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                                       ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                       ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"), ("SAMLAssertion", response)])
                    }
                    #expect(try await assume(try await entra.hookResponse()).status == 200)
                    for fault in ResponseFault.allCases {
                        let result = try await assume(try await entra.hookResponse(fault: fault.rawValue))
                        #expect((400..<500).contains(result.status) && result.body.contains("<Code>"), "\(fault): \(result.status) \(result.body.prefix(300))")
                    }
                    let unknownFault = try await entra.json("POST", "/test/issue", "{\"user\":\"test-awsadmin@contoso.com\",\"fault\":\"gremlins\"}")
                    #expect(unknownFault.status == 400)
                    let page = try await entra.server.post("/test/issue", body: "{\"user\":\"test-awsadmin@contoso.com\",\"format\":\"page\",\"relayState\":\"r1\"}",
                                                           headers: ["Content-Type": "application/json"])
                    #expect(page.body.contains("name=\"RelayState\" value=\"r1\""))

                    // Conditional Access: block the developers; PIM: the admin role for the developer, on activation only.
                    let policies = """
                        [{"name": "Block developers", "groups": ["AWS-Account1-Developers"], "applications": ["\(F.appID)"], "grant": "block"}]
                        """
                    #expect(try await entra.json("PUT", "/admin/conditional-access", policies).status == 200)
                    let blocked = try await entra.json("POST", "/test/issue", "{\"user\":\"test-awsdeveloper@contoso.com\"}")
                    #expect(blocked.status == 403 && (blocked.value as? [String: Any])?["error"] as? String == "AADSTS53003")
                    #expect(try await entra.json("PUT", "/admin/conditional-access", "[]").status == 200)
                    let notEligible = try await entra.json("POST", "/admin/pim/activations", """
                        {"user": "test-awsdeveloper@contoso.com", "password": "Dev3loper-Passw0rd!", "group": "AWS-Account1-Administrators", "justification": "x", "minutes": 10}
                        """)
                    #expect(notEligible.status == 403)
                    #expect(try await entra.json("POST", "/admin/pim/activations", "{\"user\": 1}").status == 400)
                }
            }
        }
    }
}
