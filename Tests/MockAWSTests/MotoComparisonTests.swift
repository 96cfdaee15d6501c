import Foundation
import SAML
import ServerTesting
import Testing

/// The same assertions through moto's STS (what LocalStack uses too) and through mock-aws. moto verifies nothing
/// (aws-entra.md §9); wherever AWS would reject, mock-aws must reject, whatever moto does.
@Suite("mock-aws against moto", .serialized)
struct MotoComparisonTests {
    struct Case {
        var name: String
        var saml: String
        var role = "arn:aws:iam::123456789012:role/Administrator"
        /// AWS's verdict: nil = accepted, else the error code.
        var aws: String?
    }

    static func cases() throws -> [Case] {
        let attacker = try Signer(key: SigningKey(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("attacker.key"), encoding: .utf8)),
                                  certificate: Certificate(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("attacker.crt"), encoding: .utf8)))
        func response(_ edit: (inout Response) -> Void, at clock: any SAMLClock = SystemClock(), signer: Signer = MockAWSProcess.signer) throws -> String {
            let user = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: "test-awsadmin@contoso.com",
                                        displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", roles: [MockAWSProcess.adminPair])
            var r = user.response(clock: clock, ids: RandomIDGenerator())
            edit(&r)
            return Data(try signer.signedBytes(r)).base64EncodedString()
        }
        let valid = try response { _ in }
        var unsigned = String(decoding: Data(base64Encoded: valid) ?? Data(), as: UTF8.self)
        if let start = unsigned.range(of: "<Signature "), let end = unsigned.range(of: "</Signature>") { unsigned.removeSubrange(start.lowerBound..<end.upperBound) }
        return [
            Case(name: "valid Entra response", saml: valid),
            Case(name: "signed by an attacker's key", saml: try response({ _ in }, signer: attacker), aws: "InvalidIdentityToken"),
            Case(name: "signature removed", saml: Data(unsigned.utf8).base64EncodedString(), aws: "InvalidIdentityToken"),
            Case(name: "expired (issued 2 hours ago)", saml: try response({ _ in }, at: FixedClock(Date().addingTimeInterval(-7200))),
                 aws: "ExpiredTokenException"),
            Case(name: "Audience of another service", saml: try response { $0.assertion?.conditions?.audienceRestrictions = [["https://app.example/"]] },
                 aws: "InvalidIdentityToken"),
            Case(name: "Recipient not an AWS endpoint", saml: try response { $0.assertion?.subject?.confirmations[0].data?.recipient = "https://evil.example/saml" },
                 aws: "InvalidIdentityToken"),
            Case(name: "RoleSessionName with a space", saml: try response { $0.assertion?.attributeStatement?.attributes[10].values = ["test awsadmin"] },
                 aws: "InvalidIdentityToken"),
            Case(name: "SessionDuration 99999", saml: try response { $0.assertion?.attributeStatement?.attributes[11].values = ["99999"] },
                 aws: "InvalidIdentityToken"),
            Case(name: "RoleArn not among the Role values", saml: valid, role: "arn:aws:iam::123456789012:role/Developer", aws: "AccessDenied"),
            Case(name: "two Role values (an Entra user in two groups)", saml: try response { r in
                r.assertion?.attributeStatement?.attributes[9].values = [MockAWSProcess.adminPair, MockAWSProcess.developerPair]
            }),
        ]
    }

    @Test("where AWS rejects, mock-aws rejects with AWS's code; moto's verdicts are printed for the README table")
    func compare() async throws {
        let cases = try Self.cases()
        let input = try JSONSerialization.data(withJSONObject: cases.map { ["name": $0.name, "saml": $0.saml, "role": $0.role] })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys
            from moto import mock_aws
            import boto3
            out = {}
            with mock_aws():
                sts = boto3.client('sts', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
                for c in json.load(sys.stdin):
                    try:
                        r = sts.assume_role_with_saml(RoleArn=c['role'], PrincipalArn='arn:aws:iam::123456789012:saml-provider/EntraID',
                                                      SAMLAssertion=c['saml'])
                        out[c['name']] = 'accepted: ' + r['AssumedRoleUser']['Arn']
                    except Exception as e:
                        out[c['name']] = 'error: ' + type(e).__name__
            print(json.dumps(out))
            """]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let moto = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String], "moto did not answer")

        try await MockAWSApp.test { server in
            print("| Assertion | AWS (documented) | moto 5.2 | mock-aws |")
            print("|---|---|---|---|")
            for c in cases {
                let reply = try await server.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"), ("RoleArn", c.role),
                                                              ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"), ("SAMLAssertion", c.saml)])
                let code = reply.body.range(of: "<Code>").flatMap { start in
                    reply.body[start.upperBound...].split(separator: "<").first.map(String.init)
                }
                if let expected = c.aws {
                    #expect(reply.status >= 400 && code == expected, "\(c.name): mock-aws answered \(reply.status) \(code ?? "")")
                } else {
                    #expect(reply.status == 200, "\(c.name): mock-aws refused: \(reply.body.prefix(300))")
                }
                print("| \(c.name) | \(c.aws ?? "accepted") | \(moto[c.name] ?? "?") | \(code ?? "accepted") |")
            }
        }
    }

    /// The same permission scenarios through moto (IAM not enforced unless configured: its default) and mock-aws; the
    /// AWS column is what AWS's evaluation logic gives for the guide's roles.
    static let permissionScenarios: [(name: String, aws: String)] = [
        ("Developer (AmazonS3FullAccess): iam CreateUser", "AccessDenied"),
        ("Developer: s3 CreateBucket and PutObject", "allowed"),
        ("Developer: cloudtrail LookupEvents", "AccessDeniedException"),
        ("Administrator (AdministratorAccess): iam CreateUser", "allowed"),
        ("Developer with an inline Deny s3:DeleteObject: DeleteObject", "AccessDenied"),
        ("simulate-principal-policy Developer iam:CreateUser", "implicitDeny"),
    ]

    @Test("permissions: where AWS denies, mock-aws denies; moto's verdicts (IAM not enforced by default) for the README")
    func permissions() async throws {
        let script = """
            import json, sys, boto3
            from botocore.exceptions import ClientError
            def run(endpoint, admin, developer_saml, admin_saml, setup):
                kw = {"region_name": "us-east-1"}
                if endpoint: kw["endpoint_url"] = endpoint
                adm = dict(aws_access_key_id=admin[0], aws_secret_access_key=admin[1], **kw)
                if setup:
                    iam = boto3.client("iam", **adm)
                    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/EntraID"}, "Action": "sts:AssumeRoleWithSAML"}]})
                    for name, policy in [("Administrator", "AdministratorAccess"), ("Developer", "AmazonS3FullAccess")]:
                        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
                        iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/" + policy)
                def session(role, saml):
                    c = boto3.client("sts", aws_access_key_id="x", aws_secret_access_key="x", **kw).assume_role_with_saml(
                        RoleArn="arn:aws:iam::123456789012:role/" + role, PrincipalArn="arn:aws:iam::123456789012:saml-provider/EntraID",
                        SAMLAssertion=saml)["Credentials"]
                    return dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"], **kw)
                dev, admin_session = session("Developer", developer_saml), session("Administrator", admin_saml)
                out = {}
                def attempt(name, call):
                    try:
                        r = call()
                        out[name] = r if isinstance(r, str) else "allowed"
                    except ClientError as e:
                        out[name] = e.response["Error"]["Code"]
                    except Exception as e:
                        out[name] = "error: " + type(e).__name__
                attempt("Developer (AmazonS3FullAccess): iam CreateUser", lambda: boto3.client("iam", **dev).create_user(UserName="eve"))
                def s3_put():
                    s3 = boto3.client("s3", **dev)
                    s3.create_bucket(Bucket="team-data")
                    s3.put_object(Bucket="team-data", Key="a", Body=b"a")
                attempt("Developer: s3 CreateBucket and PutObject", s3_put)
                attempt("Developer: cloudtrail LookupEvents", lambda: boto3.client("cloudtrail", **dev).lookup_events())
                attempt("Administrator (AdministratorAccess): iam CreateUser", lambda: boto3.client("iam", **admin_session).create_user(UserName="frank"))
                boto3.client("iam", **adm).put_role_policy(RoleName="Developer", PolicyName="KeepData", PolicyDocument=json.dumps(
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}))
                attempt("Developer with an inline Deny s3:DeleteObject: DeleteObject", lambda: boto3.client("s3", **dev).delete_object(Bucket="team-data", Key="a"))
                attempt("simulate-principal-policy Developer iam:CreateUser", lambda: boto3.client("iam", **adm).simulate_principal_policy(
                    PolicySourceArn="arn:aws:iam::123456789012:role/Developer", ActionNames=["iam:CreateUser"])["EvaluationResults"][0]["EvalDecision"])
                return out
            args = json.load(sys.stdin)
            if args["endpoint"]:
                print(json.dumps(run(args["endpoint"], ("AKIAMOCKAWSADMIN0001", "mockAwsAdminSecretKey0000000000000000000"), args["developer"], args["admin"], False)))
            else:
                import os
                os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # moto loads AWS managed policies only when asked
                from moto import mock_aws
                with mock_aws():
                    print(json.dumps(run(None, ("x", "x"), args["developer"], args["admin"], True)))
            """
        let developer = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.developerPair])
        let admin = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.adminPair])
        @Sendable func run(_ endpoint: String?) async throws -> [String: String] {
            let input = try JSONSerialization.data(withJSONObject: ["endpoint": endpoint ?? "", "developer": developer, "admin": admin])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("permissions-\(UUID().uuidString).json")
            try input.write(to: file)
            let result = try await ServerProcess.runDetached(["sh", "-c", "python3 -c \"$0\" < \"$1\"", script, file.path])
            return try #require(try JSONSerialization.jsonObject(with: Data((result.output.split(separator: "\n").last ?? "").utf8)) as? [String: String],
                                "\(result.output)")
        }
        let moto = try await run(nil)
        try await MockAWSApp.test(live: true) { server in
            let ours = try await run(server.baseURL)
            print("| Scenario | AWS | moto 5.2 (default) | mock-aws |")
            print("|---|---|---|---|")
            for (name, expected) in Self.permissionScenarios {
                #expect(ours[name] == expected, "\(name): mock-aws answered \(ours[name] ?? "nothing")")
                print("| \(name) | \(expected) | \(moto[name] ?? "?") | \(ours[name] ?? "?") |")
            }
        }
    }
}
