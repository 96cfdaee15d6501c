import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// mock-entra's converged sign-in protocol over HTTP, checked against what clients read (entra-signin-protocol.md):
/// the pages' markers in saml2aws's order, `$Config` as each client cuts it out, GetCredentialType, the SAS
/// exchanges, KMSI and the "Working..." page.
@Suite("mock-entra: the converged sign-in protocol", .serialized)
struct ConvergedProtocolTests {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess
    static let base = "https://login.contoso.test"

    /// The `$Config` object of a page as saml2aws cuts it out (pkg/provider/aad/aad.go `getJsonFromConfig`).
    static func config(_ page: String) throws -> [String: Any] {
        let json = try #require(ConvergedConfig.extract(from: page), "no $Config in \(page.prefix(300))")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// The first capture group of `pattern` in `page`, as the other clients' regular expressions take it.
    static func capture(_ pattern: String, _ page: String, options: NSRegularExpression.Options = []) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: options),
              let match = regex.firstMatch(in: page, range: NSRange(page.startIndex..., in: page)),
              let range = Range(match.range(at: 1), in: page) else { return nil }
        return String(page[range])
    }

    /// The same object, cut out the ways davmail, grizzly and ROADtools do (§2.1), must parse to the same thing.
    static func checkExtractions(_ page: String, pgid: String) throws {
        let reference = try config(page)
        #expect(reference["pgid"] as? String == pgid)
        let davmail = try #require(capture("Config=([^\\n]+);", page), "davmail's expression")
        let grizzly = try #require(capture("Config=\\{(.*?)\\};", page, options: [.dotMatchesLineSeparators]), "grizzly's expression")
        let start = try #require(page.range(of: "$Config="))
        let end = try #require(page.range(of: "//]]></script>"))
        let road = String(page[start.upperBound..<page.index(end.lowerBound, offsetBy: -2)])
        for (client, json) in [("davmail", davmail), ("grizzly", "{" + grizzly + "}"), ("ROADtools", road)] {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
            #expect(object == reference as NSDictionary, "\(client) reads another $Config")
        }
    }

    /// saml2aws's page markers, in its order; a page of kind `own` (an index, or nil for a page of none) contains its
    /// own marker and none before it.
    static func checkMarkers(_ name: String, _ page: String, own: Int?) {
        let markers = ConvergedPages.pageMarkers
        let earlier = markers.prefix(own ?? markers.count)
        for marker in earlier { #expect(!page.contains(marker), "the \(name) page contains \(marker)") }
        if let own { #expect(page.contains(markers[own]), "the \(name) page lacks its marker \(markers[own])") }
    }

    @Test("every page in saml2aws's marker order, $Config cut out alike by four clients, a hostile username kept inside it")
    func pagesAndMarkers() async throws {
        try await MockEntraApp.test(publicURL: Self.base) { entra in
            let request = AuthnRequest(id: "_sp1", issueInstant: Date(), assertionConsumerServiceURL: F.awsSignIn, issuer: Issuer(F.awsSignIn))
            let start = try await entra.get(try RedirectBinding.url(Self.base + P.tenantPath + "/saml2", Array(request.xml().utf8), kind: .request,
                                                                    relayState: "sp-state"))
            let flow = try #require(start.field("flowToken")), ctx = try #require(start.field("ctx"))
            let hostile = "x};</script>//]]>'&\"<b>@contoso.com"
            let unknown = try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", hostile)])
            #expect(unknown.status == 200 && unknown.body.contains("<div id=\"usernameError\" class=\"alert-error\" role=\"alert\">AADSTS50034"))
            #expect(try Self.config(unknown.body)["sPOST_Username"] as? String == hostile)
            #expect(try Self.config(unknown.body)["sErrorCode"] as? String == "50034")
            // The password step, through /common/login (Entra's urlPostAad) as well as the page's urlPost.
            let passwordStep = try await entra.post("/common/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", "test-awsadmin@contoso.com")])
            #expect(!passwordStep.body.contains("id=\"i0116\"") && passwordStep.body.contains("id=\"i0118\""))
            let wrong = try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", "test-awsadmin@contoso.com"),
                                                                           ("passwd", "guess")])
            let tfa = try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", "test-awsadmin@contoso.com"),
                                                                         ("passwd", "Adm1n-Passw0rd!")])
            let request2 = try #require(tfa.field("request"))
            let tfaError = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", flow), ("request", request2), ("otc", "000000")])
            let kmsi = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", flow), ("request", request2),
                                                                              ("otc", F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: Date()))])
            let final = try await entra.post("/kmsi", form: [("flowToken", flow), ("ctx", ctx), ("LoginOptions", "1")])
            let error = try await entra.get("/api/signin/nope?tenantId=\(F.tenantID)")
            let finalCookie: String = try #require(P.cookie(final))
            let myApps = try await entra.get("/myapps", cookie: finalCookie)

            for (name, page, own) in [("username", start.body, 0), ("unknown user", unknown.body, 0), ("password", passwordStep.body, 0),
                                      ("wrong password", wrong.body, 0), ("code", tfa.body, 3), ("wrong code", tfaError.body, 3),
                                      ("stay signed in", kmsi.body, 2)] as [(String, String, Int)] {
                Self.checkMarkers(name, page, own: own)
                try Self.checkExtractions(page, pgid: ConvergedPages.pageMarkers[own])
                #expect(page.contains("<meta name=\"PageID\" content=\"\(ConvergedPages.pageMarkers[own])\" />"))
            }
            for (name, page) in [("Working...", final.body), ("error", error.body), ("My Apps", myApps.body)] {
                Self.checkMarkers(name, page, own: nil)
            }
            #expect(final.status == 200 && final.body.hasPrefix("<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"https://signin.aws.amazon.com/saml\">"))
            #expect(final.body.contains("<noscript>") && final.body.contains("document.forms[0].submit()") && final.field("RelayState") == "sp-state")
            #expect(final.headers["set-cookie"]?.contains("Max-Age=43200") == true)
            #expect(error.status == 404 && error.body.contains("<div id=\"service_exception_message\"><p id=\"errorCode\" data-code=\"AADSTS700016\">AADSTS700016: "))
            let errorConfig = try Self.config(error.body)
            #expect(errorConfig["pgid"] as? String == "ConvergedError" && errorConfig["sErrorCode"] as? String == "700016"
                    && (errorConfig["strServiceExceptionMessage"] as? String)?.hasPrefix("AADSTS700016: Application with identifier 'nope'") == true)

            // What each page says, in $Config and in the markup the browser tools use.
            let signIn = try Self.config(start.body)
            #expect(signIn["urlPost"] as? String == Self.base + P.tenantPath + "/login")
            #expect(signIn["urlGetCredentialType"] as? String == Self.base + "/common/GetCredentialType?mkt=en-US")
            #expect(signIn["sErrorCode"] as? String == "50058" && signIn["sFT"] as? String == flow && signIn["sCtx"] as? String == ctx)
            #expect(signIn["sFTName"] as? String == "flowToken" && signIn["canary"] as? String == start.field("canary"))
            #expect(start.body.contains("name=\"loginfmt\" id=\"i0116\"") && start.body.contains("id=\"idSIButton9\""))
            let wrongConfig = try Self.config(wrong.body)
            #expect(wrongConfig["sErrorCode"] as? String == "50126" && wrongConfig["arrValErrs"] as? [String] == ["50126"])
            #expect((wrongConfig["sErrTxt"] as? String)?.hasPrefix("AADSTS50126: ") == true && wrong.body.contains("id=\"passwordError\""))
            let code = try Self.config(tfa.body)
            #expect(code["urlPost"] as? String == Self.base + "/common/SAS/ProcessAuth")
            #expect(code["urlBeginAuth"] as? String == Self.base + "/common/SAS/BeginAuth" && code["urlEndAuth"] as? String == Self.base + "/common/SAS/EndAuth")
            #expect(code["sPOST_Username"] as? String == "test-awsadmin@contoso.com")
            let proofs = try #require(code["arrUserProofs"] as? [[String: Any]])
            #expect(proofs.count == 1 && proofs[0]["authMethodId"] as? String == "PhoneAppOTP" && proofs[0]["isDefault"] as? Bool == true
                    && proofs[0]["phoneAppOtpTypes"] as? [String] == ["SoftwareTokenBasedTOTP"])
            #expect(tfa.body.contains("id=\"idDiv_SAOTCC_Description\">Enter the code displayed in the authenticator app on your mobile device<")
                    && tfa.body.contains("id=\"idSubmit_SAOTCC_Continue\"") && tfa.field("mfaAuthMethod") == "PhoneAppOTP" && tfa.field("type") == "19")
            #expect(try Self.config(tfaError.body)["sErrorCode"] as? String == "500121")
            let stay = try Self.config(kmsi.body)
            #expect(stay["urlPost"] as? String == "/kmsi" && stay["sCanaryTokenName"] as? String == "canary")
            #expect(kmsi.body.contains("id=\"KmsiDescription\">Stay signed in?<") && kmsi.body.contains("id=\"KmsiCheckboxField\"")
                    && kmsi.body.contains("value=\"1\" id=\"idSIButton9\"") && kmsi.body.contains("value=\"3\" id=\"idBtn_Back\""))
        }
    }

    @Test("GetCredentialType: JSON with or without a Content-Type, keys in any case; IfExistsResult 0 or 1")
    func credentialType() async throws {
        try await MockEntraApp.test(publicURL: Self.base) { entra in
            for (path, body, exists) in [
                ("/common/GetCredentialType?mkt=en-US", #"{"username":"test-awsadmin@contoso.com","isOtherIdpSupported":true,"flowToken":"ft1","originalRequest":"c","federationFlags":0}"#, 0),
                ("/common/GetCredentialType", #"{"Username":"Test-AWSAdmin@contoso.com"}"#, 0),
                (P.tenantPath + "/GetCredentialType", #"{"username":"ghost@contoso.com"}"#, 1),
            ] {
                let result = try await entra.server.request("POST", path, body: Data(body.utf8), headers: [:])
                let json = try #require(try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [String: Any], "\(result.body)")
                #expect(result.status == 200 && json["IfExistsResult"] as? Int == exists && json["ThrottleStatus"] as? Int == 0)
                let credentials = json["Credentials"] as? [String: Any], properties = json["EstsProperties"] as? [String: Any]
                #expect(credentials?["PrefCredential"] as? Int == 1 && credentials?["HasPassword"] as? Bool == true && properties?["DomainType"] as? Int == 3)
                #expect(json["Username"] as? String == json["Display"] as? String && (json["apiCanary"] as? String)?.isEmpty == false)
            }
            let echoed = try await entra.json("POST", "/common/GetCredentialType", #"{"username":"a@contoso.com","flowToken":"ft1"}"#)
            #expect((echoed.value as? [String: Any])?["FlowToken"] as? String == "ft1")
        }
    }

    @Test("SAS: BeginAuth and EndAuth in any key case, a wrong code (OathCodeIncorrect), ProcessAuth only after EndAuth; KMSI answers 200")
    func strongAuth() async throws {
        try await MockEntraApp.test(publicURL: Self.base) { entra in
            let start = try await entra.get(P.launchPath)
            let flow = try #require(start.field("flowToken")), ctx = try #require(start.field("ctx"))
            let tfa = try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("login", "test-awsadmin@contoso.com"),
                                                                         ("loginfmt", "test-awsadmin@contoso.com"), ("passwd", "Adm1n-Passw0rd!")])
            #expect(tfa.body.contains("ConvergedTFA"))
            // ProcessAuth before any code: the code page again, AADSTS50074.
            let early = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", flow), ("request", ctx), ("login", "test-awsadmin@contoso.com")])
            #expect(early.status == 200 && early.body.contains("ConvergedTFA") && early.body.contains("AADSTS50074"))
            func sas(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
                let data = try JSONSerialization.data(withJSONObject: body)
                let result = try await entra.server.request("POST", path, body: data, headers: ["Content-Type": "application/json"])
                return try #require(try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [String: Any], "\(result.body)")
            }
            let sms = try await sas("/common/SAS/BeginAuth", ["AuthMethodId": "OneWaySMS", "Method": "BeginAuth", "Ctx": ctx, "FlowToken": flow])
            #expect(sms["Success"] as? Bool == false)
            let forged = try await sas("/common/SAS/BeginAuth", ["AuthMethodId": "PhoneAppOTP", "Method": "BeginAuth", "Ctx": "x", "FlowToken": flow])
            #expect(forged["Success"] as? Bool == false && forged["ErrCode"] as? Int == 50058)
            let began = try await sas("/common/SAS/BeginAuth", ["authMethodId": "PhoneAppOTP", "method": "BeginAuth", "ctx": ctx, "flowToken": flow])
            #expect(began["Success"] as? Bool == true && began["ResultValue"] as? String == "Success" && began["FlowToken"] as? String == flow
                    && began["Ctx"] as? String == ctx && began["ErrCode"] as? Int == 0)
            let session = try #require(began["SessionId"] as? String)
            var end: [String: Any] = ["AuthMethodId": "PhoneAppOTP", "Method": "EndAuth", "Ctx": ctx, "FlowToken": flow, "SessionId": session]
            end["AdditionalAuthData"] = "000000"
            let wrong = try await sas("/common/SAS/EndAuth", end)
            #expect(wrong["Success"] as? Bool == false && wrong["Retry"] as? Bool == false && wrong["ResultValue"] as? String == "OathCodeIncorrect"
                    && wrong["ErrCode"] as? Int == 0 && (wrong["Message"] as? String)?.hasPrefix("AADSTS500121") == true)
            end["SessionId"] = "another"
            end["AdditionalAuthData"] = F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: Date())
            #expect(try await sas("/common/SAS/EndAuth", end)["Success"] as? Bool == false, "EndAuth names the session BeginAuth opened")
            end["SessionId"] = session
            let right = try await sas("/common/SAS/EndAuth", end)
            #expect(right["Success"] as? Bool == true && right["ResultValue"] as? String == "Success", "\(right)")
            let kmsi = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", flow), ("request", ctx), ("login", "test-awsadmin@contoso.com")])
            #expect(kmsi.status == 200 && kmsi.body.contains("KmsiInterrupt"))
            let final = try await entra.post("/kmsi", form: [("flowToken", flow), ("ctx", ctx), ("LoginOptions", "1")])
            #expect(final.status == 200 && final.body.hasPrefix("<html><head><title>Working...</title></head>") && final.field("RelayState") == nil)
            let response = try await F.verifier(try await entra.publishedCertificates(), clock: SystemClock()).verify(base64: try #require(final.field("SAMLResponse")))
            #expect(response.attribute(AttributeName.authnMethodsReferences)?.last == "http://schemas.microsoft.com/claims/multipleauthn")
            // The log: each step, the wrong code among them.
            let logs = try #require(try await entra.json("GET", "/admin/signins").value as? [[String: Any]])
            #expect(logs.map { $0["aadstsCode"] as? String ?? "-" } == ["AADSTS50076", "AADSTS500121", "AADSTS50140", "-"], "\(logs)")

            // Five wrong codes through EndAuth end the sign-in as the code form does (AADSTS50074): ErrCode, no retry.
            let second = try await entra.get(P.launchPath)
            let f2 = try #require(second.field("flowToken")), c2 = try #require(second.field("ctx"))
            _ = try await entra.post(P.tenantPath + "/login", form: [("flowToken", f2), ("ctx", c2), ("loginfmt", "test-awsdeveloper@contoso.com"),
                                                                   ("passwd", "Dev3loper-Passw0rd!")])
            let opened = try await sas("/common/SAS/BeginAuth", ["AuthMethodId": "PhoneAppOTP", "Method": "BeginAuth", "Ctx": c2, "FlowToken": f2])
            var wrongCode: [String: Any] = ["AuthMethodId": "PhoneAppOTP", "Method": "EndAuth", "Ctx": c2, "FlowToken": f2,
                                            "SessionId": try #require(opened["SessionId"] as? String)]
            wrongCode["AdditionalAuthData"] = "000000"
            for attempt in 1...EntraState.maxCodeAttempts {
                let reply = try await sas("/common/SAS/EndAuth", wrongCode)
                let last = attempt == EntraState.maxCodeAttempts
                #expect(reply["Success"] as? Bool == false && reply["Retry"] as? Bool == false && reply["ErrCode"] as? Int == (last ? 50074 : 0),
                        "attempt \(attempt): \(reply)")
            }
            let gone = try await entra.post("/common/SAS/ProcessAuth", form: [("flowToken", f2), ("request", c2)])
            #expect(gone.status == 400 && gone.body.contains("AADSTS50058"), "the sign-in ended")
        }
    }

    @Test("the user access URL starts the app's sign-in; an SSO session goes straight to the Working... page, or to the code page")
    func userAccessURLAndSSO() async throws {
        try await MockEntraApp.test(publicURL: Self.base) { entra in
            let access = "/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn&applicationId=\(F.appID)"
            let start = try await entra.get(access)
            #expect(start.status == 200 && start.body.contains("ConvergedSignIn"))
            let final = try await entra.interactiveSignIn(start: start, user: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!",
                                                          secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            let cookie = try #require(P.cookie(final))
            #expect(final.field("SAMLResponse") != nil)
            let again = try await entra.get(access, cookie: cookie)
            #expect(again.body.hasPrefix("<html><head><title>Working...</title></head>") && again.field("SAMLResponse") != nil)
            // A password-only session (My Apps) meets the AWS app's MFA policy at the code page, without KMSI first.
            let myApps = try await entra.get("/myapps")
            let f2 = try #require(myApps.field("flowToken")), c2 = try #require(myApps.field("ctx"))
            _ = try await entra.post(P.tenantPath + "/login", form: [("flowToken", f2), ("ctx", c2), ("loginfmt", "test-awsadmin@contoso.com"),
                                                                   ("passwd", "Adm1n-Passw0rd!")])
            let tiles = try await entra.post("/kmsi", form: [("flowToken", f2), ("ctx", c2), ("LoginOptions", "3")])
            let passwordOnly: String = try #require(P.cookie(tiles))
            let adminTFA = try await entra.get(access, cookie: passwordOnly)
            #expect(adminTFA.body.contains("ConvergedTFA") && !adminTFA.body.contains("KmsiInterrupt"))
        }
    }

    @Test("SAML error Responses to the ACS: IsPassive without a session (Responder/NoPassive, AADSTS50058), an unsupported request (Requester/RequestUnsupported)")
    func samlErrorResponses() async throws {
        try await MockEntraApp.test(publicURL: Self.base) { entra in
            func send(_ request: AuthnRequest, relayState: String?, cookie: String? = nil) async throws -> ServerProcess.HTTPResult {
                try await entra.get(try RedirectBinding.url(Self.base + P.tenantPath + "/saml2", Array(request.xml().utf8), kind: .request,
                                                            relayState: relayState), cookie: cookie)
            }
            let certificates = try await entra.publishedCertificates()
            /// The Response the "Working..." page posts to the ACS, its signature checked.
            func answer(_ page: ServerProcess.HTTPResult) throws -> Response {
                #expect(page.status == 200 && page.body.hasPrefix("<html><head><title>Working...</title></head>")
                        && page.body.contains("action=\"\(F.awsSignIn)\""), "\(page.body.prefix(300))")
                let encoded = try #require(page.field("SAMLResponse"))
                let xml = Array(try #require(Data(base64Encoded: encoded)))
                #expect(throws: Never.self) { try MessageSignatures.verify(xml, trusting: certificates) }
                return try ResponsePeek.response(xml)
            }
            let passive = AuthnRequest(id: "_passive1", issueInstant: Date(), assertionConsumerServiceURL: F.awsSignIn, isPassive: true,
                                       issuer: Issuer(F.awsSignIn))
            let noSessionPage = try await send(passive, relayState: "r1")
            let noSession = try answer(noSessionPage)
            #expect(noSession.status.code == SAMLURI.statusResponder && noSession.status.subCode == "urn:oasis:names:tc:SAML:2.0:status:NoPassive")
            #expect(noSession.status.message?.hasPrefix("AADSTS50058: A silent sign-in request was sent but no user is signed in.\r\nTrace ID: ") == true)
            #expect(noSession.inResponseTo == "_passive1" && noSession.assertion == nil && noSession.issuer?.value == "https://sts.windows.net/\(F.tenantID)/")
            #expect(noSessionPage.field("RelayState") == "r1")

            // A session without MFA (My Apps) still needs the code page for the AWS app: NoPassive, AADSTS50076.
            let myApps = try await entra.get("/myapps")
            let flow = try #require(myApps.field("flowToken")), ctx = try #require(myApps.field("ctx"))
            _ = try await entra.post(P.tenantPath + "/login", form: [("flowToken", flow), ("ctx", ctx), ("loginfmt", "test-awsadmin@contoso.com"),
                                                                   ("passwd", "Adm1n-Passw0rd!")])
            let tiles = try await entra.post("/kmsi", form: [("flowToken", flow), ("ctx", ctx), ("LoginOptions", "3")])
            let passwordOnly: String = try #require(P.cookie(tiles))
            let needsCode = try answer(try await send(passive, relayState: nil, cookie: passwordOnly))
            #expect(needsCode.status.subCode == "urn:oasis:names:tc:SAML:2.0:status:NoPassive" && needsCode.status.message?.hasPrefix("AADSTS50076: ") == true)

            // With a session that has done MFA: signed in silently.
            let posted = try await entra.interactiveSignIn(start: try await entra.get(P.launchPath), user: "test-awsadmin@contoso.com",
                                                           password: "Adm1n-Passw0rd!", secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            let session: String = try #require(P.cookie(posted))
            let silent = try await send(passive, relayState: nil, cookie: session)
            let verified = try await F.verifier(certificates, clock: SystemClock()).verify(base64: try #require(silent.field("SAMLResponse")),
                                                                                          inResponseTo: "_passive1")
            #expect(verified.attribute(AttributeName.awsRole) == [F.adminPair])

            // What Entra does not do: a Response to the ACS, the refusal's AADSTS text after AADSTS75006.
            for (code, request) in [
                ("AADSTS75016", AuthnRequest(id: "_bogus", issueInstant: Date(), assertionConsumerServiceURL: F.awsSignIn, issuer: Issuer(F.awsSignIn),
                                             nameIDPolicy: .init(format: "urn:example:bogus"))),
                ("AADSTS900236", AuthnRequest(id: "_minimum", issueInstant: Date(), assertionConsumerServiceURL: F.awsSignIn, issuer: Issuer(F.awsSignIn),
                                              requestedAuthnContext: .init(comparison: "minimum", classRefs: ["urn:oasis:names:tc:SAML:2.0:ac:classes:Password"]))),
            ] {
                let page = try await send(request, relayState: "r2")
                let refused = try answer(page)
                #expect(refused.status.code == SAMLURI.statusRequester && refused.status.subCode == "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported")
                #expect(refused.status.message?.hasPrefix("AADSTS75006: An error occurred while processing a SAML2 Authentication request. \(code): ") == true,
                        "\(refused.status.message ?? "")")
                #expect(refused.inResponseTo == request.id && page.field("RelayState") == "r2")
            }
            // The same refusal with an ACS that is no Reply URL: nowhere to post, Entra's error page.
            let nowhere = AuthnRequest(id: "_bogus2", issueInstant: Date(), assertionConsumerServiceURL: "https://evil.example/acs", issuer: Issuer(F.awsSignIn),
                                       nameIDPolicy: .init(format: "urn:example:bogus"))
            let page = try await send(nowhere, relayState: nil)
            #expect(page.status == 400 && page.field("SAMLResponse") == nil && page.body.contains("data-code=\"AADSTS75016\""))
            let logs = try #require(try await entra.json("GET", "/admin/signins").value as? [[String: Any]])
            #expect(logs.first?["aadstsCode"] as? String == "AADSTS50058" && logs.first?["result"] as? String == "failure")
        }
    }
}
