import Foundation
import SAML
import ServerTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `mock-aws` executable, started on a free port, driven by the real AWS CLI, boto3 and plain HTTP.
final class MockAWSProcess: HTTPTestServer, @unchecked Sendable {
    static let repository = ServerProcess.repository
    let server: ServerProcess
    let auditLog: URL
    var baseURL: String { server.baseURL }
    var process: Process { server.process }

    init(arguments extra: [String]? = nil) throws {
        auditLog = FileManager.default.temporaryDirectory.appendingPathComponent("mock-aws-audit-\(UUID().uuidString).jsonl")
        server = try ServerProcess("mock-aws", arguments: (extra ?? ["--idp-metadata",
                                                                     Self.repository.appendingPathComponent("TestVectors/entra_federationmetadata.xml").path])
                                       + ["--audit-log", auditLog.path])
    }

    static let keys = repository.appendingPathComponent("TestVectors/keys")
    static let signer = try! Signer(key: SigningKey(pem: String(contentsOf: keys.appendingPathComponent("idp.key"), encoding: .utf8)),
                                    certificate: Certificate(pem: String(contentsOf: keys.appendingPathComponent("idp.crt"), encoding: .utf8)))
    static let adminPair = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"
    static let developerPair = "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"

    /// A response as Entra issues it now, base64.
    static func samlResponse(roles: [String] = [adminPair], signer: Signer = signer,
                             encryption: AssertionEncryption? = nil) throws -> String {
        let user = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
                                    userPrincipalName: "test-awsadmin@contoso.com", displayName: "Test-AWSAdmin", givenName: "Test",
                                    surname: "AWSAdmin", roles: roles)
        return Data(try signer.signedBytes(user.response(clock: SystemClock(), ids: RandomIDGenerator()), encryptingFor: encryption))
            .base64EncodedString()
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try ServerProcess.run(arguments, environment: environment)
    }

    /// Every request goes to the server it wraps (so `post`, `get` and `signed` come from ``HTTPTestServer``).
    func request(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> ServerProcess.HTTPResult {
        try await server.request(method, path, body: body, headers: headers)
    }
}

@Suite("mock-aws", .serialized)
struct MockAWSTests {
    static let admin = ["AWS_ACCESS_KEY_ID": "AKIAMOCKAWSADMIN0001", "AWS_SECRET_ACCESS_KEY": "mockAwsAdminSecretKey0000000000000000000"]

    @Test("the AWS CLI: AssumeRoleWithSAML, then GetCallerIdentity with the credentials it returned; IAM with SigV4")
    func awsCLI() throws {
        let server = try MockAWSProcess()
        let assumed = try server.run(["aws", "--endpoint-url", server.baseURL, "sts", "assume-role-with-saml",
                                      "--role-arn", "arn:aws:iam::123456789012:role/Administrator",
                                      "--principal-arn", "arn:aws:iam::123456789012:saml-provider/EntraID",
                                      "--saml-assertion", try MockAWSProcess.samlResponse(), "--output", "json"])
        #expect(assumed.status == 0, "\(assumed.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(assumed.output.utf8)) as? [String: Any])
        let user = try #require(json["AssumedRoleUser"] as? [String: String])
        #expect(user["Arn"] == "arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com")
        let credentials = try #require(json["Credentials"] as? [String: String])
        #expect(credentials["AccessKeyId"]?.hasPrefix("ASIA") == true)
        #expect(json["Subject"] as? String == "test-awsadmin@contoso.com" && json["Audience"] as? String == "https://signin.aws.amazon.com/saml")
        let identity = try server.run(["aws", "--endpoint-url", server.baseURL, "sts", "get-caller-identity", "--output", "json"],
                                      environment: ["AWS_ACCESS_KEY_ID": credentials["AccessKeyId"] ?? "",
                                                    "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"] ?? "",
                                                    "AWS_SESSION_TOKEN": credentials["SessionToken"] ?? ""])
        #expect(identity.status == 0, "\(identity.output)")
        #expect(identity.output.contains("\"Arn\": \"arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com\""))
        #expect(identity.output.contains("\"Account\": \"123456789012\""))

        let roles = try server.run(["aws", "--endpoint-url", server.baseURL, "iam", "list-roles", "--query", "Roles[].RoleName",
                                    "--output", "text"], environment: Self.admin)
        #expect(roles.status == 0 && roles.output.trimmingCharacters(in: .whitespacesAndNewlines) == "Administrator\tDeveloper", "\(roles.output)")
        let wrong = try server.run(["aws", "--endpoint-url", server.baseURL, "iam", "list-roles"],
                                   environment: ["AWS_ACCESS_KEY_ID": "AKIAMOCKAWSADMIN0001", "AWS_SECRET_ACCESS_KEY": "wrong"])
        #expect(wrong.status != 0 && wrong.output.contains("SignatureDoesNotMatch"), "\(wrong.output)")
        let denied = try server.run(["aws", "--endpoint-url", server.baseURL, "sts", "assume-role-with-saml",
                                     "--role-arn", "arn:aws:iam::123456789012:role/Developer",
                                     "--principal-arn", "arn:aws:iam::123456789012:saml-provider/EntraID",
                                     "--saml-assertion", try MockAWSProcess.samlResponse()])
        #expect(denied.status != 0 && denied.output.contains("AccessDenied") && denied.output.contains("Not authorized to perform sts:AssumeRoleWithSAML"),
                "\(denied.output)")
    }

    @Test("boto3 against mock-aws")
    func boto3() async throws {
        try await MockAWSApp.test(live: true) { server in
            let script = """
                import boto3, sys, datetime
                sts = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
                r = sts.assume_role_with_saml(RoleArn='arn:aws:iam::123456789012:role/Administrator',
                    PrincipalArn='arn:aws:iam::123456789012:saml-provider/EntraID', SAMLAssertion=sys.argv[2], DurationSeconds=900)
                c = r['Credentials']
                me = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=c['AccessKeyId'],
                    aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken']).get_caller_identity()
                print(me['Arn'], round((c['Expiration'] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))
                """
            let result = try await server.run(["python3", "-c", script, server.baseURL, try MockAWSProcess.samlResponse()])
            #expect(result.status == 0, "\(result.output)")
            let fields = result.output.split(separator: " ")
            #expect(fields.first == "arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com", "\(result.output)")
            let remaining = fields.last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            #expect((880...900).contains(remaining), "DurationSeconds=900 gives 15 minutes: \(remaining) s left")
        }
    }

    @Test("the sign-in endpoint: a redirect to the console for one role, the chooser for two, then the chosen role")
    func signIn() async throws {
        try await MockAWSApp.test { server in
            let one = try await server.consoleSignIn([("SAMLResponse", try MockAWSProcess.samlResponse()), ("RelayState", "")])
            #expect(one.signIn.status == 302 && one.location == server.baseURL + "/console/home")
            #expect(one.console?.status == 200 && one.session == "Administrator/test-awsadmin@contoso.com @ 123456789012")
            let both = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.adminPair, MockAWSProcess.developerPair])
            let chooser = try await server.post("/saml", form: [("SAMLResponse", both)])
            #expect(chooser.status == 200 && chooser.body.contains("<title>Amazon Web Services Login</title>") && chooser.body.contains("Select a role:"))
            #expect(chooser.body.contains("value=\"arn:aws:iam::123456789012:role/Developer\""))
            let chosen = try await server.consoleSignIn([("SAMLResponse", both), ("roleIndex", "arn:aws:iam::123456789012:role/Developer")])
            #expect(chosen.signIn.status == 302 && chosen.session == "Developer/test-awsadmin@contoso.com @ 123456789012")
        }
    }

    @Test("bad input gets a 4xx with AWS's text, the server keeps serving, and every attempt is audited")
    func badInputAndAudit() async throws {
        try await MockAWSApp.test { server in
            let garbage = try await server.post("/saml", form: [("SAMLResponse", "!!!not base64")])
            #expect(garbage.status == 400 && garbage.body.contains("Your request included an invalid SAML response"))
            let forged = try await server.post("/saml", form: [("SAMLResponse", try MockAWSProcess.samlResponse(signer: try Signer(
                key: SigningKey(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("attacker.key"), encoding: .utf8)),
                certificate: Certificate(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("attacker.crt"), encoding: .utf8)))))])
            #expect(forged.status == 400 && forged.body.contains("signature.untrustedKey"))
            let empty = try await server.post("/saml", body: "")
            #expect(empty.status == 400)
            let action = try await server.post("/", form: [("Action", "LaunchRocket")])
            #expect(action.status == 400 && action.body.contains("<Code>InvalidAction</Code>"))
            let malformed = try await server.post("/", body: "Action=AssumeRoleWithSAML&SAMLAssertion=%ZZ")
            #expect(malformed.status == 400 && malformed.body.contains("<Code>MalformedQueryString</Code>"))
            let unsigned = try await server.post("/", form: [("Action", "ListRoles"), ("Version", "2010-05-08")])
            #expect(unsigned.status == 403 && unsigned.body.contains("MissingAuthenticationToken"))
            let stsBad = try await server.post("/", form: [("Action", "AssumeRoleWithSAML"), ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                           ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"), ("SAMLAssertion", "AAAA")])
            #expect(stsBad.status == 400 && stsBad.body.contains("<Code>InvalidIdentityToken</Code>"))
            let huge = try await server.post("/", body: "Action=AssumeRoleWithSAML&SAMLAssertion=" + String(repeating: "A", count: 600_000))
            #expect((400..<500).contains(huge.status))
            let good = try await server.post("/saml", form: [("SAMLResponse", try MockAWSProcess.samlResponse())])
            #expect(good.status == 302, "still serving after bad input")
            let events = try await server.server.auditEvents()
            #expect(events.count == 5, "3 failed sign-ins, 1 failed STS call, 1 sign-in: \(events.count)")
            #expect(events.last?["session"] as? String == "Administrator/test-awsadmin@contoso.com @ 123456789012")
            #expect((events.last?["userIdentity"] as? [String: Any])?["type"] as? String == "SAMLUser")
            #expect(events.filter { $0["errorCode"] != nil }.count == events.count - 1)
            let lines = try String(contentsOf: server.auditLog, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == events.count)
        }
    }
}

@Suite("mock-aws IAM", .serialized)
struct MockAWSIAMTests {
    static let metadata = MockAWSProcess.repository.appendingPathComponent("TestVectors/entra_federationmetadata.xml").path

    func aws(_ server: MockAWSApp, _ arguments: [String], as credentials: [String: String] = MockAWSTests.admin) async throws -> (status: Int32, output: String) {
        try await server.run(["aws", "--endpoint-url", server.baseURL] + arguments + ["--output", "json"], environment: credentials)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("provisioning user, provider, role, encryption keys and deletion, through the AWS CLI")
    func lifecycle() async throws {
        try await MockAWSApp.test(live: true) { server in
            // A provisioning user and its key (what Entra's role import uses) can list roles.
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "provisioner"]).status == 0)
            let key = try json(await aws(server, ["iam", "create-access-key", "--user-name", "provisioner"]).output)["AccessKey"] as? [String: Any]
            let provisioner = ["AWS_ACCESS_KEY_ID": key?["AccessKeyId"] as? String ?? "", "AWS_SECRET_ACCESS_KEY": key?["SecretAccessKey"] as? String ?? ""]
            // A new user may do nothing until a policy allows it (Microsoft's AWS tutorial gives the provisioning user a
            // policy allowing iam:ListRoles).
            let before = try await aws(server, ["iam", "list-roles"], as: provisioner)
            let expected = "User: arn:aws:iam::123456789012:user/provisioner is not authorized to perform: iam:ListRoles on resource: "
                + "arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action"
            #expect(before.status != 0 && before.output.contains("AccessDenied") && before.output.contains(expected), "\(before.output)")
            let listRoles = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#
            let listing = try json(await aws(server, ["iam", "create-policy", "--policy-name", "ListRolesOnly", "--policy-document", listRoles]).output)
            let policyARN = (listing["Policy"] as? [String: Any])?["Arn"] as? String
            #expect(policyARN == "arn:aws:iam::123456789012:policy/ListRolesOnly")
            #expect(try await aws(server, ["iam", "attach-user-policy", "--user-name", "provisioner", "--policy-arn", policyARN ?? ""]).status == 0)
            let roles = try json(await aws(server, ["iam", "list-roles"], as: provisioner).output)["Roles"] as? [[String: Any]]
            #expect(roles?.count == 2)
            // A second provider and a role trusting it, with a longer session.
            let created = try await aws(server, ["iam", "create-saml-provider", "--name", "Second", "--saml-metadata-document", "file://\(Self.metadata)"])
            #expect(created.status == 0 && created.output.contains("arn:aws:iam::123456789012:saml-provider/Second"), "\(created.output)")
            let duplicate = try await aws(server, ["iam", "create-saml-provider", "--name", "Second", "--saml-metadata-document", "file://\(Self.metadata)"])
            #expect(duplicate.status != 0 && duplicate.output.contains("EntityAlreadyExists"))
            let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Second"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#
            let role = try await aws(server, ["iam", "create-role", "--role-name", "Auditor", "--assume-role-policy-document", policy, "--max-session-duration", "7200"])
            #expect(role.status == 0 && role.output.contains("arn:aws:iam::123456789012:role/Auditor"), "\(role.output)")
            let malformed = try await aws(server, ["iam", "create-role", "--role-name", "Broken", "--assume-role-policy-document", "{not json"])
            #expect(malformed.status != 0 && malformed.output.contains("MalformedPolicyDocument"))
            let pair = "arn:aws:iam::123456789012:role/Auditor,arn:aws:iam::123456789012:saml-provider/Second"
            func assume(_ saml: String) async throws -> (status: Int32, output: String) {
                try await aws(server, ["sts", "assume-role-with-saml", "--role-arn", "arn:aws:iam::123456789012:role/Auditor",
                                 "--principal-arn", "arn:aws:iam::123456789012:saml-provider/Second", "--saml-assertion", saml,
                                 "--duration-seconds", "7200"], as: [:])
            }
            let assumed = try await assume(try MockAWSProcess.samlResponse(roles: [pair]))
            #expect(assumed.status == 0 && assumed.output.contains("assumed-role/Auditor/test-awsadmin@contoso.com"), "\(assumed.output)")
            let credentials = try json(assumed.output)["Credentials"] as? [String: Any]
            let me = try await aws(server, ["sts", "get-caller-identity"], as: [
                "AWS_ACCESS_KEY_ID": credentials?["AccessKeyId"] as? String ?? "", "AWS_SECRET_ACCESS_KEY": credentials?["SecretAccessKey"] as? String ?? "",
                "AWS_SESSION_TOKEN": credentials?["SessionToken"] as? String ?? ""])
            #expect(me.status == 0 && me.output.contains("arn:aws:sts::123456789012:assumed-role/Auditor/test-awsadmin@contoso.com"), "\(me.output)")
            // Encrypted assertions required, with the provider's private key.
            let keyFile = MockAWSProcess.keys.appendingPathComponent("sp-encryption.key").path
            let update = try await aws(server, ["iam", "update-saml-provider", "--saml-provider-arn", "arn:aws:iam::123456789012:saml-provider/Second",
                                          "--assertion-encryption-mode", "Required", "--add-private-key", "file://\(keyFile)"])
            #expect(update.status == 0, "\(update.output)")
            let provider = try json(await aws(server, ["iam", "get-saml-provider", "--saml-provider-arn", "arn:aws:iam::123456789012:saml-provider/Second"]).output)
            #expect(provider["AssertionEncryptionMode"] as? String == "Required" && (provider["PrivateKeyList"] as? [Any])?.count == 1)
            let plain = try await assume(try MockAWSProcess.samlResponse(roles: [pair]))
            #expect(plain.status != 0 && plain.output.contains("requires encrypted assertions"), "\(plain.output)")
            let spCertificate = try Certificate(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("sp-encryption.crt"), encoding: .utf8))
            let encrypted = try await assume(try MockAWSProcess.samlResponse(roles: [pair], encryption: AssertionEncryption(recipient: spCertificate)))
            #expect(encrypted.status == 0, "\(encrypted.output)")
            // Deletion.
            #expect(try await aws(server, ["iam", "delete-role", "--role-name", "Auditor"]).status == 0)
            let gone = try await aws(server, ["iam", "get-role", "--role-name", "Auditor"])
            #expect(gone.status != 0 && gone.output.contains("NoSuchEntity"))
            #expect(try await aws(server, ["iam", "delete-saml-provider", "--saml-provider-arn", "arn:aws:iam::123456789012:saml-provider/Second"]).status == 0)
            let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString).xml")
            try ("<x>" + String(repeating: "y", count: 1200) + "</x>").write(to: garbage, atomically: true, encoding: .utf8)
            let unparsable = try await aws(server, ["iam", "create-saml-provider", "--name", "Bad", "--saml-metadata-document", "file://\(garbage.path)"])
            #expect(unparsable.status != 0 && unparsable.output.contains("Could not parse metadata."), "\(unparsable.output)")
        }
    }

    @Test("a configuration file seeds the account, users, providers and roles")
    func configuration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mock-aws-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.metadata, toPath: directory.appendingPathComponent("idp.xml").path)
        let config = """
            {"account": "210987654321",
             "users": [{"name": "ops", "accessKeyId": "AKIAOPSEXAMPLE000001", "secretAccessKey": "opsSecret000000000000000000000000000000",
                        "policies": ["IAMReadOnlyAccess"]}],
             "providers": [{"name": "Corp", "metadataFile": "idp.xml"}],
             "roles": [{"name": "ReadOnly", "maxSessionDuration": 7200}]}
            """
        try config.write(to: directory.appendingPathComponent("mock-aws.json"), atomically: true, encoding: .utf8)
        try await MockAWSApp.test(metadata: nil, config: directory.appendingPathComponent("mock-aws.json"), live: true) { server in
            let roles = try await aws(server, ["iam", "list-roles"], as: ["AWS_ACCESS_KEY_ID": "AKIAOPSEXAMPLE000001",
                                                                   "AWS_SECRET_ACCESS_KEY": "opsSecret000000000000000000000000000000"])
            #expect(roles.status == 0 && roles.output.contains("arn:aws:iam::210987654321:role/ReadOnly") && roles.output.contains("saml-provider/Corp"),
                    "\(roles.output)")
            let pair = "arn:aws:iam::210987654321:role/ReadOnly,arn:aws:iam::210987654321:saml-provider/Corp"
            let assumed = try await aws(server, ["sts", "assume-role-with-saml", "--role-arn", "arn:aws:iam::210987654321:role/ReadOnly",
                                           "--principal-arn", "arn:aws:iam::210987654321:saml-provider/Corp",
                                           "--saml-assertion", try MockAWSProcess.samlResponse(roles: [pair])], as: [:])
            #expect(assumed.status == 0 && assumed.output.contains("arn:aws:sts::210987654321:assumed-role/ReadOnly/test-awsadmin@contoso.com"))
        }
    }
}

@Suite("mock-aws lifecycle", .serialized)
struct MockAWSLifecycleTests {
    @Test("SIGTERM shuts the server down cleanly, with exit status 0")
    func cleanShutdown() async throws {
        let server = try MockAWSProcess()
        #expect(try await server.get("/health").status == 200)
        server.process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while server.process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.process.isRunning && server.process.terminationStatus == 0 && server.process.terminationReason == .exit)
    }

    @Test("--idp-metadata takes a URL (as mock-entra serves it)")
    func metadataURL() async throws {
        let web = Process()
        web.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        web.arguments = ["python3", "-c", """
            import http.server, functools, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            s = http.server.HTTPServer(('127.0.0.1', 0), handler)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """, MockAWSProcess.repository.appendingPathComponent("TestVectors").path]
        let out = Pipe()
        web.standardOutput = out
        web.standardError = FileHandle.nullDevice
        try web.run()
        defer { web.terminate() }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try MockAWSProcess(arguments: ["--idp-metadata", "http://127.0.0.1:\(port)/entra_federationmetadata.xml"])
        let signIn = try await server.consoleSignIn([("SAMLResponse", try MockAWSProcess.samlResponse())])
        #expect(signIn.signIn.status == 302 && signIn.session == "Administrator/test-awsadmin@contoso.com @ 123456789012")
    }
}
