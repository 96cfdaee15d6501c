import AWSFederation
import Foundation
@testable import MockAWS
import PropertyBased
import SAML
import ServerTesting
import Testing

/// The console as AWS runs it: `POST /saml` answers 302 to the console (the RelayState deep link when it is an AWS
/// console URL, Console Home otherwise), the console page is the session's (cookie), Sign out ends it and only the
/// console's own form may sign out.
@Suite("mock-aws: the console (redirect, deep links, session page, Sign out)")
struct ConsoleTests {
    static let developer = "arn:aws:iam::123456789012:role/Developer"

    // MARK: - Where the redirect goes

    @Test("a RelayState that is an AWS console URL is followed under /console, keeping path, query and fragment")
    func deepLinks() {
        let table: [(String?, String)] = [
            ("https://console.aws.amazon.com/s3/home?region=us-east-1", "/console/s3/home?region=us-east-1"),
            ("https://console.aws.amazon.com/s3/buckets/my-bucket?region=eu-west-1&tab=objects", "/console/s3/buckets/my-bucket?region=eu-west-1&tab=objects"),
            ("https://console.aws.amazon.com/ec2/v2/home?region=us-east-2#Instances:", "/console/ec2/v2/home?region=us-east-2#Instances:"),
            ("https://us-east-2.console.aws.amazon.com/ec2/", "/console/ec2/?region=us-east-2"),
            ("https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1", "/console/s3/home?region=eu-west-1"),
            ("https://eu-west-1.console.aws.amazon.com/iam/home?x=1", "/console/iam/home?x=1&region=eu-west-1"),
            ("https://console.aws.amazon.com/console/home?region=eu-west-2", "/console/home?region=eu-west-2"),
            ("https://console.aws.amazon.com/", "/console/home"), ("https://console.aws.amazon.com", "/console/home"),
            ("https://us-west-2.console.aws.amazon.com", "/console/home?region=us-west-2"),
            ("https://console.amazonaws-us-gov.com/cloudtrail/home", "/console/cloudtrail/home"),
            (nil, "/console/home"), ("", "/console/home"), ("s3", "/console/home"),
        ]
        for (relayState, path) in table { #expect(ConsoleDestination.path(relayState: relayState) == path, "\(relayState ?? "nil")") }
    }

    /// RelayStates that point elsewhere, or that some parser would read as elsewhere: none is followed.
    static let hostile = [
        "https://console.aws.amazon.com.evil.com/", "https://evil.com/?x=console.aws.amazon.com", "https://evil.com/#console.aws.amazon.com",
        "https://console.aws.amazon.com@evil.com/", "https://user:pw@console.aws.amazon.com/", "https://evil.com\\@console.aws.amazon.com/",
        "https://console.aws.amazon.com\\@evil.com/", "https:\\\\console.aws.amazon.com/", "https:/\\evil.com/", "https://evil.com\\console.aws.amazon.com/",
        "HTTPS://console.aws.amazon.com/", "https://CONSOLE.aws.amazon.com/", "https://console.AWS.amazon.com/s3/",
        "https://console%2eaws%2eamazon%2ecom/", "https://%63onsole.aws.amazon.com/", "https://console.aws.amazon.com%2f@evil.com/",
        "javascript:alert(1)", "javascript://console.aws.amazon.com/%0aalert(1)", "data:text/html,<script>alert(1)</script>",
        "//evil.com", "//console.aws.amazon.com/", "///evil.com", "/\\evil.com", "\\\\evil.com", "/console/home", "console.aws.amazon.com/",
        "https://console\u{3002}aws\u{3002}amazon\u{3002}com/", "https://console\u{FF0E}aws\u{FF0E}amazon\u{FF0E}com/",
        "https://console.aws.amazon.com\u{3002}evil.com/", "https://c\u{043E}nsole.aws.amazon.com/", "https://console.aws.amazon.com./",
        "http://console.aws.amazon.com/", "ftp://console.aws.amazon.com/", "https://console.aws.amazon.com:443/", "https://console.aws.amazon.com:8443/",
        "https://evil.console.aws.amazon.com/", "https://us-east-1.evil.console.aws.amazon.com/", "https://xx-east-9.console.aws.amazon.com/",
        " https://console.aws.amazon.com/", "https://console.aws.amazon.com/\r\nSet-Cookie: x=1", "https://console.aws.amazon.com/\t",
        "\u{0}https://console.aws.amazon.com/", "https://console.aws.amazon.com/%2e%2e/", "https://console.aws.amazon.com/../evil",
        "https://console.aws.amazon.com//evil.com/", "https://0x7f.0.0.1/", "https://[::1]/", "https://127.0.0.1/",
    ]

    @Test("the attacker's RelayStates (other hosts, userinfo, backslashes, case, escapes, Unicode dots, schemes) go to Console Home")
    func hostileRelayStates() {
        for relayState in Self.hostile {
            #expect(!AWSConsoleURL.contains(relayState), "\(relayState.debugDescription)")
            #expect(ConsoleDestination.path(relayState: relayState) == ConsoleDestination.home, "\(relayState.debugDescription)")
        }
    }

    /// Pieces spliced into console URLs.
    static let pieces = ["\\", "@", "%2e", "%2f", "%40", ".", "..", "/", "//", ":", ":443", ":80", " ", "\t", "\r\n", "#", "?", "%", "A",
                         "evil.com", "evil.com/", "\u{3002}", "\u{FF0E}", "\u{0}", "[", "]", "-", "0", "javascript:", "https://", "http://",
                         "console.aws.amazon.com", "eu-west-1.", "\"", "<", ">", "'", "`"]
    static let seeds = ["https://console.aws.amazon.com/s3/home?region=us-east-1", "https://eu-west-1.console.aws.amazon.com/ec2/",
                        "https://console.aws.amazon.com/", "https://console.amazonaws.cn/iam/home#/roles"]

    @Test("any RelayState: the Location stays on mock-aws's origin under /console, with nothing a header or URL parser could misread")
    func neverAnOpenRedirect() async {
        let input = zip(Gen.element(of: Self.seeds), Gen.element(of: Self.pieces).array(of: 1...3), Gen.int(in: 0...60), Gen.bool)
        await propertyCheck(count: 3000, input: input) { (input: (String?, [String?], Int, Bool)) in
            guard let seed = input.0 else { return }
            var characters = Array(seed)
            let at = min(input.2, characters.count)
            let piece = Array(input.1.compactMap { $0 }.joined())
            if input.3 || at == characters.count {
                characters.insert(contentsOf: piece, at: at)
            } else {
                characters.replaceSubrange(at...at, with: piece)
            }
            let relayState = String(characters)
            let path = ConsoleDestination.path(relayState: relayState)
            let location = ConsoleDestination.absolute(path, authority: "127.0.0.1:4000")
            #expect(path.hasPrefix("/console") && !path.hasPrefix("//"), "\(relayState.debugDescription) → \(path)")
            #expect(path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }, "\(relayState.debugDescription) → \(path)")
            let parsed = URLComponents(string: location)
            #expect(parsed?.host == "127.0.0.1" && parsed?.port == 4000 && parsed?.user == nil, "\(relayState.debugDescription) → \(location)")
            // Followed only when a browser reads it as an AWS console host.
            if path != ConsoleDestination.home {
                let host = ((try? BrowserURL(relayState)) ?? (try? BrowserURL(relayState + "/")))?.host ?? ""
                #expect(AWSConsoleURL.hosts.contains { host == $0 || host.hasSuffix("." + $0) }, "\(relayState.debugDescription)")
            }
        }
    }

    // MARK: - Through the server

    @Test("one role: 302 to the deep link with the session cookie (HttpOnly, SameSite=Lax, Path=/console); the console shows the session")
    func redirectAndConsole() async throws {
        try await MockAWSApp.test { server in
            let visit = try await server.consoleSignIn([("SAMLResponse", try MockAWSProcess.samlResponse()),
                                                        ("RelayState", "https://console.aws.amazon.com/s3/home?region=eu-west-1")])
            #expect(visit.signIn.status == 302 && visit.location == server.baseURL + "/console/s3/home?region=eu-west-1")
            let setCookie = try #require(visit.signIn.headers["set-cookie"])
            #expect(setCookie.hasPrefix("aws-creds=") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax")
                    && setCookie.contains("Path=/console") && setCookie.contains("Max-Age="), "\(setCookie)")
            #expect(visit.signIn.body.isEmpty && visit.signIn.headers["cache-control"] == "no-store")
            let page = try #require(visit.console)
            #expect(page.status == 200 && visit.session == "Administrator/test-awsadmin@contoso.com @ 123456789012")
            for (id, text) in [("account", "123456789012"), ("role", "Administrator"), ("session-name", "test-awsadmin@contoso.com"),
                               ("assumed-role-arn", "arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com"),
                               ("page-title", "Amazon S3"), ("region", "eu-west-1")] {
                #expect(ConsoleVisit.element(id, in: page.body) == text, "\(id)")
            }
            #expect(ConsoleVisit.element("expiration", in: page.body)?.hasSuffix("Z") == true)
            #expect(page.body.contains("AdministratorAccess") && page.body.contains("data-action=\"iam:CreateUser\" data-decision=\"allowed\""))
            #expect(!page.body.contains("<script") && !page.body.contains("src=\"http") && !page.body.contains("href=\"http"), "no external assets")
        }
    }

    @Test("the Developer's console lists AmazonS3FullAccess and the evaluator's answers: S3 allowed, IAM denied")
    func developerPermissions() async throws {
        try await MockAWSApp.test { server in
            let both = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.adminPair, MockAWSProcess.developerPair])
            let chooser = try await server.post("/saml", form: [("SAMLResponse", both), ("RelayState", "https://console.aws.amazon.com/iam/home")])
            #expect(chooser.status == 200 && chooser.field("RelayState") == "https://console.aws.amazon.com/iam/home")
            for needle in ["id=\"saml_form\"", "name=\"roleIndex\"", "class=\"saml-account-name\"", "class=\"saml-role\"",
                           "id=\"\(Self.developer)\"", "<label for=\"\(Self.developer)\" class=\"saml-role-description\">Developer</label>"] {
                #expect(chooser.body.contains(needle), "\(needle)")
            }
            let visit = try await server.consoleSignIn([("SAMLResponse", both), ("RelayState", chooser.field("RelayState") ?? ""),
                                                        ("roleIndex", Self.developer)])
            #expect(visit.location == server.baseURL + "/console/iam/home")
            let page = try #require(visit.console?.body)
            #expect(page.contains("AmazonS3FullAccess") && page.contains("AWS managed") && !page.contains("AdministratorAccess"))
            #expect(page.contains("data-action=\"s3:ListAllMyBuckets\" data-decision=\"allowed\""))
            #expect(page.contains("data-action=\"s3:PutObject\" data-decision=\"allowed\""))
            #expect(page.contains("data-action=\"iam:CreateUser\" data-decision=\"implicitDeny\""))
            #expect(page.contains("data-action=\"ec2:DescribeInstances\" data-decision=\"implicitDeny\""))
            // An inline policy with an explicit Deny shows, and beats AmazonS3FullAccess.
            try await server.state.putInlinePolicy("NoDelete", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#,
                                                   onRole: "Developer")
            let again = try await server.get(visit.location ?? "", headers: ["Cookie": visit.cookie ?? ""])
            #expect(again.body.contains("NoDelete") && again.body.contains("Customer inline"))
            #expect(again.body.contains("data-action=\"s3:PutObject\" data-decision=\"explicitDeny\""))
            // A permissions boundary is listed and limits what the policies allow (ReadOnlyAccess: no bucket creation).
            try await server.state.withPolicies { store throws(AWSError) in
                try store.setBoundary("arn:aws:iam::aws:policy/ReadOnlyAccess", on: "Developer", .role)
            }
            let bounded = try await server.get(visit.location ?? "", headers: ["Cookie": visit.cookie ?? ""])
            #expect(bounded.body.contains("ReadOnlyAccess") && bounded.body.contains("Permissions boundary"))
            #expect(bounded.body.contains("data-action=\"s3:CreateBucket\" data-decision=\"implicitDeny\""))
            #expect(bounded.body.contains("data-action=\"s3:ListAllMyBuckets\" data-decision=\"allowed\""))
        }
    }

    @Test("a RelayState that is not an AWS console URL lands on Console Home")
    func notFollowed() async throws {
        try await MockAWSApp.test { server in
            for relayState in ["https://evil.com/?x=console.aws.amazon.com", "https://console.aws.amazon.com@evil.com/", "//evil.com"] {
                let visit = try await server.consoleSignIn([("SAMLResponse", try MockAWSProcess.samlResponse()), ("RelayState", relayState)])
                #expect(visit.location == server.baseURL + "/console/home", "\(relayState)")
                #expect(visit.console.map { ConsoleVisit.element("page-title", in: $0.body) } == "Console Home")
            }
        }
    }

    @Test("without a session cookie, with a forged or unknown one, or after Sign out: 403 and no session shown")
    func unauthenticated() async throws {
        try await MockAWSApp.test { server in
            for cookie in [nil, "aws-creds=", "aws-creds=" + String(repeating: "0", count: 64), "aws-creds=../../x", "other=1"] {
                let page = try await server.get("/console/home", headers: cookie.map { ["Cookie": $0] } ?? [:])
                #expect(page.status == 403 && page.body.contains("not-signed-in") && !page.body.contains("nav-usernameMenu"), "\(cookie ?? "none")")
            }
            #expect(try await server.get("/console").status == 403)
            #expect(try await server.get("/console/s3/buckets/x").status == 403)
        }
    }

    @Test("Sign out ends the session; a forged cross-site Sign out is refused and the session lives on")
    func signOut() async throws {
        try await MockAWSApp.test { server in
            let visit = try await server.consoleSignIn([("SAMLResponse", try MockAWSProcess.samlResponse())])
            let cookie = try #require(visit.cookie)
            let token = try #require(visit.console?.field("csrf"))
            #expect(token.count == 64)
            let sameOrigin = server.baseURL
            // The attacker's page: no token, a wrong one, another Origin, another site by Fetch Metadata.
            let forged: [([(String, String)], [String: String])] = [
                ([], ["Cookie": cookie]), ([("csrf", "")], ["Cookie": cookie]), ([("csrf", String(repeating: "a", count: 64))], ["Cookie": cookie]),
                ([("csrf", token.uppercased())], ["Cookie": cookie]),
                ([("csrf", token)], ["Cookie": cookie, "Origin": "http://evil.example"]),
                ([("csrf", token)], ["Cookie": cookie, "Origin": "null"]),
                ([("csrf", token)], ["Cookie": cookie, "Origin": sameOrigin + ".evil.example"]),
                ([("csrf", token)], ["Cookie": cookie, "Sec-Fetch-Site": "cross-site"]),
                ([("csrf", token)], ["Cookie": cookie, "Sec-Fetch-Site": "same-site"]),
                ([("csrf", token)], [:]),
            ]
            for (form, headers) in forged {
                let refused = try await server.post("/console/logout", form: form, headers: headers)
                #expect(refused.status == 403, "\(form) \(headers)")
            }
            let still = try await server.get("/console/home", headers: ["Cookie": cookie])
            #expect(still.status == 200, "the forged posts did not sign out")

            let out = try await server.post("/console/logout", form: [("csrf", token)],
                                            headers: ["Cookie": cookie, "Origin": sameOrigin, "Sec-Fetch-Site": "same-origin"])
            #expect(out.status == 200 && out.body.contains("signed-out"))
            #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
            #expect(try await server.get("/console/home", headers: ["Cookie": cookie]).status == 403)
            #expect(try await server.post("/console/logout", form: [("csrf", token)], headers: ["Cookie": cookie]).status == 403)
        }
    }

    // MARK: - Error pages

    @Test("sign-in error pages carry AWS's texts: STS's with its Service/Status/Error Code, the generic one otherwise")
    func errorTexts() async throws {
        let id = "1f0e"
        let cases: [(AWSError, String)] = [
            (.invalidIdentityToken("RoleSessionName is required in AuthnResponse", cause: SAMLError(.awsRoleSessionName, "missing")),
             "RoleSessionName is required in AuthnResponse (Service: AWSSecurityTokenService; Status Code: 400; Error Code: InvalidIdentityToken; Request ID: 1f0e)"),
            (.accessDenied(), "Not authorized to perform sts:AssumeRoleWithSAML (Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: 1f0e)"),
            (.invalidIdentityToken("Response signature invalid", cause: SAMLError(.signatureUntrustedKey, "x")),
             "Response signature invalid (Service: AWSSecurityTokenService; Status Code: 400; Error Code: InvalidIdentityToken; Request ID: 1f0e)"),
            // The library's catch-all for other refusals reads the same; AWS's page for those is the generic one.
            (.invalidIdentityToken("Response signature invalid", cause: SAMLError(.destinationMismatch, "x")),
             "Your request included an invalid SAML response. To logout, click here."),
            (.invalidIdentityToken("Issuer not present in specified provider"),
             "Failed to assume role: Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: 1f0e)"),
            (.invalidIdentityToken("Specified provider doesn't exist."), "Specified provider doesn't exist."),
            (.validationError("Unable to validate tags", cause: SAMLError(.awsSessionTags, "long")),
             "Unable to validate tags (Service: AWSSecurityTokenV20111201; Status Code: 400; Error Code: ValidationError; Request ID: 1f0e; Proxy: null). Please try again."),
            (.invalidIdentityToken("The SAML assertion contains no https://aws.amazon.com/SAML/Attributes/Role value", cause: SAMLError(.awsRole, "none")),
             "Your request included an invalid SAML response. To logout, click here."),
        ]
        for (error, text) in cases { #expect(MockAWSFailure.signInPageText(error, requestID: id) == text) }

        try await MockAWSApp.test { server in
            // No RoleSessionName in a signed response: the page shows STS's text, as AWS's does.
            let user = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: "test-awsadmin@contoso.com",
                                        displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", roles: [MockAWSProcess.adminPair])
            var unsigned = user.response(clock: SystemClock(), ids: RandomIDGenerator())
            unsigned.assertion?.attributeStatement?.attributes.removeAll { $0.name == AttributeName.awsRoleSessionName }
            let response = Data(try MockAWSProcess.signer.signedBytes(unsigned)).base64EncodedString()
            let page = try await server.post("/saml", form: [("SAMLResponse", response)])
            let message = try #require(ConsoleVisit.element("error_message", in: page.body))
            #expect(page.status == 400 && message.hasPrefix("RoleSessionName is required in AuthnResponse (Service: AWSSecurityTokenService; "
                                                            + "Status Code: 400; Error Code: InvalidIdentityToken; Request ID: "), "\(message)")
            #expect(ConsoleVisit.element("error_code", in: page.body) == "InvalidIdentityToken" && page.headers["set-cookie"] == nil)
        }
    }
}
