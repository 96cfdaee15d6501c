import Foundation
import SAML
import ServerTesting
import Testing

/// The built `saml` executable, run as a user runs it.
enum Tool {
    static let repository = ServerProcess.repository
    static let vectors = repository.appendingPathComponent("TestVectors")
    static let keys = vectors.appendingPathComponent("keys")
    static let judged = "2025-05-01T12:00:30Z"

    /// Runs `saml ARGUMENTS` with `input` on standard input; exit status, standard output, standard error.
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = repository.appendingPathComponent(".build/debug/saml")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    static func temporary(_ name: String) -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("saml-tool-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name)
    }
}

@Suite("saml verify")
struct VerifyCommandTests {
    let valid = Tool.vectors.appendingPathComponent("valid_assertion_signed.xml")
    var aws: [String] { ["verify", "--aws", "--cert", Tool.keys.appendingPathComponent("idp.crt").path, "--at", Tool.judged] }

    /// Every capture form of the same response.
    func forms() throws -> [(String, Data)] {
        let xml = try Data(contentsOf: valid)
        let base64 = xml.base64EncodedString()
        let wrapped = stride(from: 0, to: base64.count, by: 76).map { i -> String in
            let start = base64.index(base64.startIndex, offsetBy: i)
            return String(base64[start..<(base64.index(start, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex)])
        }.joined(separator: "\n")
        let form = PostBinding.formBody(Array(xml), kind: .response, relayState: "https://console.aws.amazon.com/")
        let page = PostBinding.autoSubmitPage(action: "https://signin.aws.amazon.com/saml", Array(xml), kind: .response, relayState: "r")
        let har = try JSONSerialization.data(withJSONObject: ["log": ["version": "1.2", "entries": [
            ["request": ["method": "GET", "url": "https://launcher.myapps.microsoft.com/api/signin/x", "headers": []]],
            ["request": ["method": "POST", "url": "https://signin.aws.amazon.com/saml", "headers": [],
                         "postData": ["mimeType": "application/x-www-form-urlencoded", "text": form]]],
        ]]])
        return [("XML", xml), ("base64", Data(wrapped.utf8)), ("URL-encoded base64", Data(FormEncoding.encode(base64).utf8)),
                ("form body", Data(form.utf8)), ("HTML auto-post form", Data(page.utf8)), ("HAR file", har)]
    }

    @Test("every input form is detected and accepted, from a file and from standard input")
    func inputForms() throws {
        for (label, data) in try forms() {
            let file = Tool.temporary("capture")
            try data.write(to: file)
            let result = try Tool.run(aws + [file.path])
            #expect(result.status == 0 && result.out.contains("Input: \(label)") && result.out.contains("Administrator/test-awsadmin@contoso.com @ 123456789012"),
                    "\(label): \(result.out) \(result.err)")
            let piped = try Tool.run(aws + ["-"], input: data)
            #expect(piped.status == 0, "\(label) on stdin: \(piped.out)")
        }
    }

    @Test("values the message chose cannot forge lines: newlines, bidirectional overrides and escapes are shown escaped")
    func forgedLines() throws {
        let text = String(decoding: try Data(contentsOf: valid), as: UTF8.self)
        let forged = "x\n\nAccepted (signed: Assertion).\nIssuer: https://sts.windows.net/\u{202E}moc.osotnoc\\n"
        let edited = text.replacingOccurrences(of: ">test-awsadmin@contoso.com</NameID>", with: ">\(forged)</NameID>")
        #expect(edited != text)
        let file = Tool.temporary("forged.xml")
        try Data(edited.utf8).write(to: file)
        for arguments in [aws, ["verify", "--cert", Tool.keys.appendingPathComponent("idp.crt").path, "--at", Tool.judged]] {
            let result = try Tool.run(arguments + [file.path])
            let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(result.status == 1 && !lines.contains { $0.hasPrefix("Accepted") || $0.hasPrefix("Issuer:") }, "\(result.out)")
            #expect(result.out.contains("NameID x\\n\\nAccepted (signed: Assertion).\\nIssuer: https://sts.windows.net/\\u{202E}moc.osotnoc\\\\n"),
                    "\(result.out)")
            #expect(!result.out.unicodeScalars.contains("\u{202E}"))
        }
        let inspected = try Tool.run(["inspect", "--xml", file.path])
        #expect(inspected.status == 0 && inspected.out.contains("x\\n\\nAccepted") && !inspected.out.unicodeScalars.contains("\u{202E}"),
                "\(inspected.out)")
        // An attribute's name, and an error quoting a value (on standard error), are escaped the same way.
        let named = text.replacingOccurrences(of: "Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\"",
                                              with: "Name=\"x&#10;https://aws.amazon.com/SAML/Attributes/Role: forged\"")
        #expect(named != text)
        try Data(named.utf8).write(to: file)
        let names = try Tool.run(["inspect", file.path])
        #expect(names.status == 0 && !names.out.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("https://aws.amazon.com/SAML/Attributes/Role: forged") }
                && names.out.contains("x\\nhttps://aws.amazon.com/SAML/Attributes/Role: forged"), "\(names.out)")
        let badInstant = text.replacingOccurrences(of: "IssueInstant=\"", with: "IssueInstant=\"x&#10;Status: Success&#10;")
        try Data(badInstant.utf8).write(to: file)
        let failed = try Tool.run(["inspect", file.path])
        #expect(failed.status == 2 && !failed.err.split(separator: "\n").contains { $0.hasPrefix("Status: Success") }
                && failed.err.contains("x\\nStatus: Success"), "\(failed.err)")
    }

    @Test("--json: the accepted object, with the AWS sessions; --metadata as the trust")
    func jsonAccepted() throws {
        let result = try Tool.run(["verify", "--aws", "--metadata", Tool.vectors.appendingPathComponent("entra_federationmetadata.xml").path,
                                   "--at", Tool.judged, "--json", Tool.vectors.appendingPathComponent("valid_multiple_roles.xml").path])
        #expect(result.status == 0, "\(result.out)")
        let json = try Tool.json(result.out)
        #expect(json["accepted"] as? Bool == true && json["error"] == nil)
        // Every step, AWS's order, each passed: the input, the document, the provider, the verifier's, AWS's own.
        let checks = try #require(json["checks"] as? [[String: Any]])
        let names = checks.compactMap { $0["name"] as? String }
        #expect(checks.allSatisfy { $0["result"] as? String == "passed" && $0["code"] == nil } && names.count == checks.count)
        #expect(names.prefix(5) == ["input", "aws.input", "document", "aws.provider", "status"] && names.last == "aws.authorization"
                && names.contains("aws.redemptionWindow") && names.contains("audience") && names.contains("aws.roleSessionName"), "\(names)")
        #expect(json["issuer"] as? String == "https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/" && json["nameID"] as? String == "test-awsadmin@contoso.com")
        #expect((json["attributes"] as? [String: [String]])?["https://aws.amazon.com/SAML/Attributes/RoleSessionName"] == ["test-awsadmin@contoso.com"])
        let aws = try #require(json["aws"] as? [String: Any])
        let roles = try #require(aws["roles"] as? [[String: String]])
        #expect(roles.count == 3 && roles[0]["roleArn"] == "arn:aws:iam::123456789012:role/Administrator"
                && roles[0]["providerArn"] == "arn:aws:iam::123456789012:saml-provider/EntraID")
        #expect(aws["roleSessionName"] as? String == "test-awsadmin@contoso.com" && aws["sessionDuration"] as? Int == 3600)
        #expect(aws["sessions"] as? [String] == ["Administrator/test-awsadmin@contoso.com @ 123456789012",
                                                 "Developer/test-awsadmin@contoso.com @ 123456789012",
                                                 "ReadOnly/test-awsadmin@contoso.com @ 210987654321"])
    }

    @Test("rejections: exit 1, AWS's code and text, the failed check, a fix at the IdP")
    func rejections() throws {
        let cases: [(file: String, code: String, reason: String, hint: String)] = [
            ("wrong_audience.xml", "InvalidIdentityToken", "audience.mismatch", "Identifier (Entity ID)"),
            ("tampered_nameid.xml", "InvalidIdentityToken", "signature.digestMismatch", "changed after Entra signed it"),
            ("unsigned.xml", "InvalidIdentityToken", "signature.missing", "Signing Option"),
            ("xsw3.xml", "InvalidIdentityToken", "structure.multipleAssertions", "signature-wrapping"),
            ("attacker_cert_in_keyinfo.xml", "InvalidIdentityToken", "signature.untrustedKey", "Federation Metadata XML"),
        ]
        for c in cases {
            let result = try Tool.run(aws + ["--json", Tool.vectors.appendingPathComponent(c.file).path])
            #expect(result.status == 1, "\(c.file): \(result.status) \(result.err)")
            let json = try Tool.json(result.out)
            let error = try #require(json["error"] as? [String: Any])
            #expect(json["accepted"] as? Bool == false && error["code"] as? String == c.code, "\(c.file): \(error)")
            #expect((error["reason"] as? String)?.hasPrefix(c.reason) == true && (error["hint"] as? String)?.contains(c.hint) == true,
                    "\(c.file): \(error)")
            #expect(error["message"] as? String != nil && (json["aws"] as? [String: Any])?["sessions"] as? [String] == [])
            // The checks as the verifier reported them: one failed, with the reason's code; the later ones not reached.
            let checks = try #require(json["checks"] as? [[String: Any]])
            let failed = checks.filter { $0["result"] as? String == "failed" }
            #expect(failed.count == 1 && (error["reason"] as? String)?.hasPrefix(failed.first?["code"] as? String ?? "?") == true
                    && failed.first?["message"] as? String != nil, "\(c.file): \(checks)")
            #expect(checks.last?["result"] as? String == "notReached" && checks.allSatisfy { ($0["name"] as? String)?.isEmpty == false })
        }
        // Expired: judged now rather than at the capture's time.
        let now = try Tool.run(["verify", "--aws", "--cert", Tool.keys.appendingPathComponent("idp.crt").path, valid.path])
        #expect(now.status == 1 && now.out.contains("✗ time: time.expired") && now.out.contains("Rejected: ExpiredTokenException: Response has expired")
                && now.out.contains("· aws.role: not reached") && now.out.contains("--at"), "\(now.out)")
    }

    @Test("the AWS claims: a missing Role or RoleSessionName names the Entra claim to fix")
    func claimHints() throws {
        let signer = try Signer(key: SigningKey(pem: String(contentsOf: Tool.keys.appendingPathComponent("idp.key"), encoding: .utf8)),
                                certificate: Certificate(pem: String(contentsOf: Tool.keys.appendingPathComponent("idp.crt"), encoding: .utf8)))
        let clock = FixedClock(SAMLInstant.parse("2025-05-01T12:00:00.245Z") ?? Date())
        for (roles, name, expected) in [([String](), "test-awsadmin@contoso.com", "user.assignedroles"),
                                        (["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"], "has space", "RoleSessionName from user.userprincipalname")] {
            let response = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: name,
                                            displayName: "d", givenName: "g", surname: "s", roles: roles).response(clock: clock, ids: RandomIDGenerator())
            let file = Tool.temporary("response.xml")
            try signer.sign(response).write(to: file, atomically: true, encoding: .utf8)
            let result = try Tool.run(aws + [file.path])
            #expect(result.status == 1 && result.out.contains("Rejected: InvalidIdentityToken") && result.out.contains(expected), "\(result.out)")
        }
    }

    @Test("without --aws: only the checks asked for; SHA-1 needs --allow-sha1")
    func generic() throws {
        let cert = Tool.keys.appendingPathComponent("idp.crt").path
        let plain = try Tool.run(["verify", "--cert", cert, "--at", Tool.judged, valid.path])
        #expect(plain.status == 0 && plain.out.contains("– audience: not checked, no expected audience") && plain.out.contains("– issuer: not checked, no expected issuer"), "\(plain.out)")
        let audience = try Tool.run(["verify", "--cert", cert, "--at", Tool.judged, "--audience", "https://sp.example.com", valid.path])
        #expect(audience.status == 1 && audience.out.contains("✗ audience: audience.mismatch"), "\(audience.out)")
        let sha1 = Tool.vectors.appendingPathComponent("valid_rsa_sha1_legacy.xml").path
        #expect(try Tool.run(["verify", "--cert", cert, "--at", Tool.judged, sha1]).status == 1)
        #expect(try Tool.run(["verify", "--cert", cert, "--at", Tool.judged, "--allow-sha1", sha1]).status == 0)
    }

    @Test("one metadata per provider: the same provider ARN twice is a usage error")
    func repeatedProvider() throws {
        let metadata = Tool.vectors.appendingPathComponent("entra_federationmetadata.xml").path
        let arn = "arn:aws:iam::123456789012:saml-provider/EntraID"
        let result = try Tool.run(["verify", "--aws", "--metadata", "\(arn)=\(metadata)", "--metadata", "\(arn)=\(metadata)", valid.path])
        #expect(result.status == 64 && result.err.contains("given twice"), "\(result)")
    }

    @Test("exit status: 2 when the tool fails, a usage error for missing trust; unreadable content is a rejection")
    func exitStatus() throws {
        let missing = try Tool.run(aws + ["/nonexistent/capture.har"])
        #expect(missing.status == 2 && missing.err.contains("cannot read"), "\(missing)")
        // With --json, a tool failure is an object on standard output too (the message also on standard error).
        let missingJSON = try Tool.run(aws + ["--json", "/nonexistent/capture.har"])
        let failure = try Tool.json(missingJSON.out)
        #expect(missingJSON.status == 2 && failure["accepted"] as? Bool == false
                && ((failure["toolError"] as? [String: Any])?["message"] as? String)?.contains("cannot read") == true
                && missingJSON.err.contains("cannot read"), "\(missingJSON)")
        let badCert = try Tool.run(["verify", "--cert", "/nonexistent/idp.pem", "--json", valid.path])
        let badCertJSON = try Tool.json(badCert.out)
        #expect(badCert.status == 2 && badCertJSON["toolError"] != nil, "\(badCert)")
        let noTrust = try Tool.run(["verify", valid.path])
        #expect(noTrust.status != 0 && noTrust.status != 1 && noTrust.err.contains("--cert"), "\(noTrust)")
        let garbage = try Tool.run(aws + ["--json", "-"], input: Data("this is not a SAML response".utf8))
        let garbageJSON = try Tool.json(garbage.out)
        #expect(garbage.status == 1 && (garbageJSON["error"] as? [String: Any])?["code"] as? String == "InvalidIdentityToken")
        let help = try Tool.run(["verify", "--help"])
        #expect(help.status == 0 && help.out.contains("saml verify --aws --metadata"))
    }
}

@Suite("saml inspect, sign, keygen, metadata")
struct ToolCommandsTests {
    @Test("inspect: fields, times, signatures and certificates of a response; a Redirect URL's AuthnRequest; metadata; --xml")
    func inspect() throws {
        let response = try Tool.run(["inspect", "--at", Tool.judged, Tool.vectors.appendingPathComponent("valid_both_signed.xml").path])
        #expect(response.status == 0, "\(response.err)")
        for text in ["Message: Response", "IssueInstant: 2025-05-01T12:00:00.245Z (30 s ago)", "NotOnOrAfter: 2025-05-01T13:00:00.090Z (in 59 min 30 s)",
                     "Signature on <Response", "Signature on <Assertion", "SHA-1 thumbprint: ", "Valid at 2025-05-01T12:00:30.000Z: no, not yet valid", "https://aws.amazon.com/SAML/Attributes/Role: arn:aws:iam::123456789012:role/Administrator"] {
            #expect(response.out.contains(text), "missing \(text)")
        }
        let request = AuthnRequest(id: "_req42", issueInstant: Date(), assertionConsumerServiceURL: "https://signin.aws.amazon.com/saml",
                                   issuer: Issuer("https://signin.aws.amazon.com/saml"))
        let url = try RedirectBinding.url("https://login.microsoftonline.com/t/saml2", Array(request.xml().utf8), kind: .request, relayState: "rs")
        let inspected = try Tool.run(["inspect", "-"], input: Data(url.utf8))
        #expect(inspected.status == 0 && inspected.out.contains("Message: AuthnRequest") && inspected.out.contains("ID: _req42")
                && inspected.out.contains("RelayState: rs") && inspected.out.contains("Input: Redirect-binding query"), "\(inspected.out)")
        let metadata = try Tool.run(["inspect", "--xml", Tool.vectors.appendingPathComponent("entra_federationmetadata.xml").path])
        #expect(metadata.status == 0 && metadata.out.contains("Signing certificate 2") && metadata.out.contains("\n  <IDPSSODescriptor"), "\(metadata.out.prefix(400))")
        #expect(try Tool.run(["inspect", "-"], input: Data("nope".utf8)).status == 2)
    }

    @Test("round trip: keygen → metadata → sign → verify --aws against that metadata; each signing mode")
    func roundTrip() throws {
        let key = Tool.temporary("idp.key"), cert = key.deletingLastPathComponent().appendingPathComponent("idp.crt")
        let generated = try Tool.run(["keygen", "--key", key.path, "--cert", cert.path])
        #expect(generated.status == 0 && generated.out.contains("CN=Microsoft Azure Federated SSO Certificate"), "\(generated)")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try Tool.run(["keygen", "--key", key.path, "--cert", cert.path]).status == 2, "no overwrite without --force")
        let metadata = key.deletingLastPathComponent().appendingPathComponent("metadata.xml")
        let written = try Tool.run(["metadata", "--key", key.path, "--cert", cert.path, "--tenant-id", "aaaabbbb-0000-cccc-1111-dddd2222eeee", "-o", metadata.path])
        #expect(written.status == 0, "\(written.err)")
        let xmlsec = try ServerProcess.run(["xmlsec1", "--verify", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                                            "--pubkey-cert-pem", cert.path, metadata.path])
        #expect(xmlsec.status == 0, "\(xmlsec.output)")

        // An unsigned Entra-shaped response issued now, signed by the tool in each mode, then judged as AWS would.
        let unsigned = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: "test-awsdeveloper@contoso.com",
                                        displayName: "Test-AWSDeveloper", givenName: "Test", surname: "AWSDeveloper",
                                        roles: ["arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"])
            .response(clock: SystemClock(), ids: RandomIDGenerator()).xml()
        let source = key.deletingLastPathComponent().appendingPathComponent("unsigned.xml")
        try unsigned.write(to: source, atomically: true, encoding: .utf8)
        for mode in ["assertion", "response", "both"] {
            let signed = key.deletingLastPathComponent().appendingPathComponent("signed-\(mode).xml")
            let sign = try Tool.run(["sign", "--key", key.path, "--cert", cert.path, "--mode", mode, source.path, "-o", signed.path])
            #expect(sign.status == 0, "\(sign.err)")
            let verdict = try Tool.run(["verify", "--aws", "--metadata", metadata.path, "--json", signed.path])
            let json = try Tool.json(verdict.out)
            #expect(verdict.status == 0 && (json["aws"] as? [String: Any])?["sessions"] as? [String] == ["Developer/test-awsdeveloper@contoso.com @ 123456789012"],
                    "\(mode): \(verdict.out)")
        }
        let twice = try Tool.run(["sign", "--key", key.path, "--cert", cert.path, key.deletingLastPathComponent().appendingPathComponent("signed-assertion.xml").path])
        #expect(twice.status == 2 && twice.err.contains("already signed"))
        let otherKey = try Tool.run(["sign", "--key", Tool.keys.appendingPathComponent("attacker.key").path, "--cert", cert.path, source.path])
        #expect(otherKey.status == 2 && otherKey.err.contains("does not belong"))
    }
}

@Suite("saml login", .serialized)
struct LoginCommandTests {
    static let tenant = "/aaaabbbb-0000-cccc-1111-dddd2222eeee"
    static let app = "33333333-aaaa-4bbb-8ccc-000000000001"

    /// mock-entra whose AWS app posts to a local mock-aws that trusts it.
    func servers() async throws -> (entra: ServerProcess, aws: ServerProcess) {
        let keys = Tool.temporary("keys")
        let entra = try ServerProcess("mock-entra", arguments: ["--keys-dir", keys.path, "--test-hooks"])
        let aws = try ServerProcess("mock-aws", arguments: ["--idp-metadata",
                                                            entra.baseURL + Self.tenant + "/federationmetadata/2007-06/federationmetadata.xml?appid=\(Self.app)"])
        let token = try String(contentsOf: keys.appendingPathComponent("admin-token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let patched = try await entra.request("PATCH", "/admin/applications/\(Self.app)", body: Data("{\"replyURL\": \"\(aws.baseURL)/saml\"}".utf8),
                                              headers: ["Content-Type": "application/json", "Authorization": "Bearer \(token)"])
        #expect(patched.status == 200)
        return (entra, aws)
    }

    @Test("password and TOTP secret → credential_process JSON that the AWS CLI accepts; a profile written beside others")
    func login() async throws {
        let (entra, aws) = try await servers()
        let developer = ["login", "--idp-url", entra.baseURL, "--username", "test-awsdeveloper@contoso.com", "--password", "Dev3loper-Passw0rd!",
                         "--totp-secret", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"]
        let process = try Tool.run(developer + ["--credential-process", "--duration", "7200"])
        #expect(process.err.contains("7200 s exceeds the role's MaxSessionDuration"), "\(process.err)")
        #expect(process.status == 0, "\(process.err)")
        let json = try Tool.json(process.out)
        #expect(json["Version"] as? Int == 1 && (json["AccessKeyId"] as? String)?.hasPrefix("ASIA") == true && json["Expiration"] as? String != nil)
        let identity = try ServerProcess.run(["aws", "--endpoint-url", aws.baseURL, "sts", "get-caller-identity", "--output", "text", "--query", "Arn"],
                                             environment: ["AWS_ACCESS_KEY_ID": json["AccessKeyId"] as? String ?? "",
                                                           "AWS_SECRET_ACCESS_KEY": json["SecretAccessKey"] as? String ?? "",
                                                           "AWS_SESSION_TOKEN": json["SessionToken"] as? String ?? ""])
        #expect(identity.output.trimmingCharacters(in: .whitespacesAndNewlines) == "arn:aws:sts::123456789012:assumed-role/Developer/test-awsdeveloper@contoso.com",
                "\(identity.output)")

        let file = Tool.temporary("credentials")
        try "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = keep-me\n".write(to: file, atomically: true, encoding: .utf8)
        // The code computed here, as an authenticator app would show it (a second login reuses no code: the next window's).
        let admin = try Tool.run(["login", "--idp-url", entra.baseURL, "--username", "test-awsadmin@contoso.com", "--password", "Adm1n-Passw0rd!",
                                  "--totp-secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "--role", "Administrator",
                                  "--profile", "contoso", "--credentials-file", file.path])
        #expect(admin.status == 0 && admin.err.contains("Signed in: Administrator/test-awsadmin@contoso.com @ 123456789012"), "\(admin.err)")
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        #expect(written.contains("[default]\naws_access_key_id = AKIAEXAMPLE") && written.contains("[contoso]\naws_access_key_id = ASIA"), "\(written)")
        let profile = try ServerProcess.run(["aws", "--endpoint-url", aws.baseURL, "--profile", "contoso", "sts", "get-caller-identity",
                                             "--output", "text", "--query", "Arn"], environment: ["AWS_SHARED_CREDENTIALS_FILE": file.path])
        #expect(profile.output.contains("assumed-role/Administrator/test-awsadmin@contoso.com"), "\(profile.output)")
    }

    @Test("verify --metadata URL: mock-entra's metadata fetched over HTTP; its response posted to a local mock-aws needs --recipient")
    func metadataURL() async throws {
        let (entra, aws) = try await servers()
        let issued = try await entra.request("POST", "/test/issue", body: Data(#"{"user": "test-awsadmin@contoso.com"}"#.utf8),
                                             headers: ["Content-Type": "application/json"])
        let response = try #require((try JSONSerialization.jsonObject(with: Data(issued.body.utf8)) as? [String: Any])?["samlResponse"] as? String)
        let metadata = entra.baseURL + Self.tenant + "/federationmetadata/2007-06/federationmetadata.xml?appid=\(Self.app)"
        let refused = try Tool.run(["verify", "--aws", "--metadata", metadata, "-"], input: Data(response.utf8))
        #expect(refused.status == 1 && refused.out.contains("✗ destination: destination.mismatch") && refused.out.contains("Reply URL"), "\(refused.out)")
        let accepted = try Tool.run(["verify", "--aws", "--metadata", metadata, "--recipient", aws.baseURL + "/saml", "-"], input: Data(response.utf8))
        #expect(accepted.status == 0 && accepted.out.contains("Administrator/test-awsadmin@contoso.com @ 123456789012"), "\(accepted.out)")
        let unreachable = try Tool.run(["verify", "--aws", "--metadata", "http://127.0.0.1:1/metadata.xml", "-"], input: Data(response.utf8))
        #expect(unreachable.status == 2)
    }

    @Test("refusals: a wrong password is AADSTS50126 (exit 1); an unknown role; nothing to ask on without a terminal (exit 2)")
    func refusals() async throws {
        let (entra, _) = try await servers()
        let wrong = try Tool.run(["login", "--idp-url", entra.baseURL, "--username", "test-awsadmin@contoso.com", "--password", "nope",
                                  "--credential-process"])
        #expect(wrong.status == 1 && wrong.err.contains("AADSTS50126"), "\(wrong)")
        let role = try Tool.run(["login", "--idp-url", entra.baseURL, "--username", "test-awsdeveloper@contoso.com", "--password", "Dev3loper-Passw0rd!",
                                 "--totp-secret", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", "--role", "Administrator", "--credential-process"])
        #expect(role.status == 1 && role.err.contains("not among"), "\(role)")
        let noCode = try Tool.run(["login", "--idp-url", entra.baseURL, "--username", "test-awsadmin@contoso.com", "--password", "Adm1n-Passw0rd!",
                                   "--credential-process"])
        #expect(noCode.status == 2 && noCode.err.contains("Verification code is needed and standard input is not a terminal"), "\(noCode)")
    }
}
