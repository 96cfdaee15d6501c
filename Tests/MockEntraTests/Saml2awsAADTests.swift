import Foundation
import MockEntra
import SAML
import ServerTesting
import Testing

/// saml2aws's Entra (AAD) provider, its logic reproduced here in Swift from entra-signin-protocol.md §2–§3 (what
/// Versent/saml2aws pkg/provider/aad/aad.go does, restated; no code of it), run against mock-entra with only the
/// base URL changed: the user access URL, the loop that classifies each page by plain substring in saml2aws's
/// order, GetCredentialType, the password post, BeginAuth/EndAuth/ProcessAuth, KMSI with redirects off, and the
/// SAMLResponse of the hidden form.
struct Saml2awsAAD {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let server: any HTTPTestServer
    let username: String
    let password: String
    /// saml2aws's `mfa` setting: `Auto` takes the proof marked `isDefault`.
    let mfa = "Auto"
    let code: @Sendable () -> String

    /// `urlPost` and other `/…` URLs go on the scheme and host of the page they came from (aad.go `fullUrl`).
    static func fullURL(_ url: String, current: String) -> String {
        guard url.hasPrefix("/"), let page = URL(string: current), let scheme = page.scheme, let host = page.host else { return url }
        return "\(scheme)://\(host)\(page.port.map { ":\($0)" } ?? "")\(url)"
    }

    /// `$Config` as aad.go `getJsonFromConfig` finds it.
    static func config(_ body: String) throws -> [String: Any] {
        guard let start = body.range(of: "$Config="), let end = body.range(of: "//]]>", range: start.upperBound..<body.endIndex) else {
            throw Failure(description: "no $Config")
        }
        let text = body[start.upperBound..<body.index(before: end.lowerBound)]
        guard let close = text.lastIndex(of: "}"),
              let object = try JSONSerialization.jsonObject(with: Data(text[...close].utf8)) as? [String: Any] else {
            throw Failure(description: "unmarshal error")
        }
        return object
    }

    /// aad.go `isHiddenForm`.
    static func isHiddenForm(_ body: String) -> Bool {
        body.hasPrefix("<html><head><title>Working...</title></head>") && body.contains("name=\"hiddenform\"")
    }

    func form(_ url: String, _ fields: [(String, String)], referer: String? = nil) async throws -> ServerProcess.HTTPResult {
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        headers["Referer"] = referer
        return try await server.request("POST", url, body: Data(ServerProcess.formBody(fields).utf8), headers: headers)
    }

    func json(_ url: String, _ body: [String: Any], headers: [String: String]) async throws -> [String: Any] {
        let result = try await server.request("POST", url, body: try JSONSerialization.data(withJSONObject: body), headers: headers)
        guard let object = try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [String: Any] else {
            throw Failure(description: "not JSON from \(url): \(result.body.prefix(200))")
        }
        return object
    }

    /// Returns the SAMLResponse (base64) and the page kinds met, in order.
    func authenticate(url: String, appID: String) async throws -> (samlResponse: String, steps: [String]) {
        var current = "\(url)/applications/redirecttofederatedapplication.aspx?Operation=LinkedSignIn&applicationId=\(appID)"
        var result = try await server.request("GET", current, body: nil, headers: [:])
        var steps: [String] = []
        // saml2aws itself has no bound; a test must end.
        for _ in 0..<20 {
            let body = result.body
            if body.contains("ConvergedSignIn") {
                steps.append("ConvergedSignIn")
                (result, current) = try await convergedSignIn(body, current: current)
            } else if body.contains("ConvergedProofUpRedirect") {
                throw Failure(description: "ConvergedProofUpRedirect: no skip URL expected from mock-entra")
            } else if body.contains("KmsiInterrupt") {
                steps.append("KmsiInterrupt")
                let config = try Self.config(body)
                let target = Self.fullURL(config["urlPost"] as? String ?? "", current: current)
                // Redirects are off for this one request: the answer must be the page itself.
                result = try await form(target, [(config["sFTName"] as? String ?? "flowToken", config["sFT"] as? String ?? ""),
                                                 ("ctx", config["sCtx"] as? String ?? ""), ("LoginOptions", "1")])
                guard !(300..<400).contains(result.status) else { throw Failure(description: "KMSI answered a redirect: unknown page for saml2aws") }
                current = target
            } else if body.contains("ConvergedTFA") {
                steps.append("ConvergedTFA")
                (result, current) = try await convergedTFA(body, current: current)
            } else if body.contains("SAMLRequest") {
                // aad.go looks only for https:// here; mock-entra never sends this page (IdP-initiated straight away).
                throw Failure(description: "a SAMLRequest page")
            } else if Self.isHiddenForm(body) {
                steps.append("hiddenform")
                if let response = result.field("SAMLResponse"), !response.isEmpty { return (response, steps) }
                throw Failure(description: "a hidden form without SAMLResponse")
            } else {
                let pgid = (try? Self.config(body))?["pgid"] as? String
                throw Failure(description: pgid.map { "unknown process step found: \($0)" } ?? "reached an unknown page: \(body.prefix(300))")
            }
        }
        throw Failure(description: "no end")
    }

    func convergedSignIn(_ body: String, current: String) async throws -> (ServerProcess.HTTPResult, String) {
        let config = try Self.config(body)
        if let error = config["sErrorCode"] as? String, !error.isEmpty, error != "50058" { throw Failure(description: "login error \(error)") }
        // GetCredentialType: every field of saml2aws's request struct, zero values included, and no Content-Type.
        let request: [String: Any] = [
            "username": username, "isOtherIdpSupported": true, "checkPhones": false, "isRemoteNGCSupported": false, "isCookieBannerShown": false,
            "isFidoSupported": false, "originalRequest": config["sCtx"] as? String ?? "", "country": "", "forceotclogin": false,
            "isExternalFederationDisallowed": false, "isRemoteConnectSupported": false, "federationFlags": 0, "isSignup": false,
            "flowToken": config["sFT"] as? String ?? "", "isAccessPassSupported": false,
        ]
        let headers = ["canary": config["apiCanary"] as? String ?? "", "client-request-id": config["correlationId"] as? String ?? "",
                       "hpgact": "\(config["hpgact"] ?? "")", "hpgid": "\(config["hpgid"] ?? "")",
                       "hpgrequestid": config["sessionId"] as? String ?? "", "Referer": current]
        let credentialType = try await json(config["urlGetCredentialType"] as? String ?? "", request, headers: headers)
        if let credentials = credentialType["Credentials"] as? [String: Any], credentials["FederationRedirectUrl"] != nil {
            throw Failure(description: "ADFS: not expected from mock-entra")
        }
        let target = Self.fullURL(config["urlPost"] as? String ?? "", current: current)
        let result = try await form(target, [("canary", config["canary"] as? String ?? ""), ("hpgrequestid", config["sessionId"] as? String ?? ""),
                                             (config["sFTName"] as? String ?? "flowToken", config["sFT"] as? String ?? ""),
                                             ("ctx", config["sCtx"] as? String ?? ""), ("login", username), ("loginfmt", username), ("passwd", password)],
                                    referer: current)
        return (result, target)
    }

    func convergedTFA(_ body: String, current: String) async throws -> (ServerProcess.HTTPResult, String) {
        let config = try Self.config(body)
        if let skip = config["urlSkipMfaRegistration"] as? String, !skip.isEmpty {
            return (try await server.request("GET", skip, body: nil, headers: [:]), skip)
        }
        let proofs = config["arrUserProofs"] as? [[String: Any]] ?? []
        let chosen = (mfa == "Auto" ? proofs.first { $0["isDefault"] as? Bool == true } : proofs.first { $0["authMethodId"] as? String == mfa }) ?? proofs.first
        guard let chosen, let method = chosen["authMethodId"] as? String else { throw Failure(description: "no proofs") }
        let json = ["Content-Type": "application/json"]
        let began = try await self.json(config["urlBeginAuth"] as? String ?? "", ["AuthMethodId": method, "Method": "BeginAuth",
                                                                                  "Ctx": config["sCtx"] as? String ?? "", "FlowToken": config["sFT"] as? String ?? ""],
                                        headers: json)
        guard began["Success"] as? Bool == true else { throw Failure(description: "MFA BeginAuth is not success: \(began)") }
        var previous = began
        var done = false
        for _ in 0..<10 {
            var request: [String: Any] = ["AuthMethodId": previous["AuthMethodId"] as? String ?? method, "Method": "EndAuth",
                                          "Ctx": previous["Ctx"] as? String ?? "", "FlowToken": previous["FlowToken"] as? String ?? "",
                                          "SessionId": previous["SessionId"] as? String ?? ""]
            if method == "PhoneAppOTP" || method == "OneWaySMS" { request["AdditionalAuthData"] = code() }
            let ended = try await self.json(config["urlEndAuth"] as? String ?? "", request, headers: json)
            if let err = ended["ErrCode"] as? Int, err != 0 { throw Failure(description: "error processing MFA, errcode: \(err)") }
            previous["Ctx"] = ended["Ctx"] ?? previous["Ctx"]
            previous["FlowToken"] = ended["FlowToken"] ?? previous["FlowToken"]
            if ended["Success"] as? Bool == true { done = true; break }
            if ended["Retry"] as? Bool != true { break }
            let interval = (config["oPerAuthPollingInterval"] as? [String: Any])?[method] as? Double ?? 1
            try await Task.sleep(for: .seconds(interval))
        }
        guard done else { throw Failure(description: "error processing MFA") }
        // ProcessAuth: the URL as given, three fields only.
        let target = config["urlPost"] as? String ?? ""
        let result = try await form(target, [(config["sFTName"] as? String ?? "flowToken", previous["FlowToken"] as? String ?? ""),
                                             ("request", previous["Ctx"] as? String ?? ""), ("login", config["sPOST_Username"] as? String ?? "")])
        return (result, target)
    }
}

@Suite("saml2aws's Entra provider against mock-entra", .serialized)
struct Saml2awsAADTests {
    typealias F = EntraFixtures

    @Test("Test-AWSAdmin through saml2aws's AAD loop: sign-in page, code page (CA wants MFA), stay signed in, the SAMLResponse")
    func signIn() async throws {
        try await MockEntraApp.test(live: true) { entra in
            let client = Saml2awsAAD(server: entra.server, username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!") {
                F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: Date())
            }
            let (response, steps) = try await client.authenticate(url: entra.baseURL, appID: F.appID)
            #expect(steps == ["ConvergedSignIn", "ConvergedTFA", "KmsiInterrupt", "hiddenform"])
            let verified = try await F.verifier(try await entra.publishedCertificates(), clock: SystemClock()).verify(base64: response)
            #expect(verified.attribute(AttributeName.awsRole) == [F.adminPair])
            #expect(verified.attribute(AttributeName.authnMethodsReferences)?.last == "http://schemas.microsoft.com/claims/multipleauthn")
            #expect(verified.nameID?.value == "test-awsadmin@contoso.com")
            // A wrong password: the sign-in page again, with saml2aws's "login error 50126".
            let wrong = Saml2awsAAD(server: entra.server, username: "test-awsdeveloper@contoso.com", password: "nope") { "000000" }
            await #expect { _ = try await wrong.authenticate(url: entra.baseURL, appID: F.appID) } throws: {
                "\($0)" == "login error 50126"
            }
            // A wrong code: EndAuth says no, and saml2aws stops.
            let badCode = Saml2awsAAD(server: entra.server, username: "test-awsdeveloper@contoso.com", password: "Dev3loper-Passw0rd!") { "000000" }
            await #expect { _ = try await badCode.authenticate(url: entra.baseURL, appID: F.appID) } throws: {
                "\($0)" == "error processing MFA"
            }
        }
    }
}
