import AWSFederation
import Foundation
import SAML
import ServerTesting
import Testing

/// What a session may do, enforced as AWS enforces it, through the real AWS CLI and boto3: the guide's roles
/// (Administrator: AdministratorAccess; Developer: AmazonS3FullAccess), explicit denies, session policies, the
/// policy simulator, and managed and inline policies' lifecycle.
@Suite("mock-aws permissions, through the AWS CLI and boto3", .serialized)
struct PermissionTests {
    typealias P = MockAWSProcess
    static let account = "123456789012"

    func aws(_ server: MockAWSApp, _ arguments: [String], as credentials: [String: String] = MockAWSTests.admin) async throws -> (status: Int32, output: String) {
        try await server.run(["aws", "--endpoint-url", server.baseURL] + arguments + ["--output", "json"], environment: credentials)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    /// AssumeRoleWithSAML for `role` (Administrator or Developer) as the CLI would; the session's credentials.
    func signIn(_ server: MockAWSApp, role: String, extra: [String] = []) async throws -> [String: String] {
        let pair = "arn:aws:iam::\(Self.account):role/\(role),arn:aws:iam::\(Self.account):saml-provider/EntraID"
        let assumed = try await aws(server, ["sts", "assume-role-with-saml", "--role-arn", "arn:aws:iam::\(Self.account):role/\(role)",
                                             "--principal-arn", "arn:aws:iam::\(Self.account):saml-provider/EntraID",
                                             "--saml-assertion", try P.samlResponse(roles: [pair])] + extra, as: [:])
        #expect(assumed.status == 0, "\(assumed.output)")
        let credentials = try #require(try json(assumed.output)["Credentials"] as? [String: String])
        return ["AWS_ACCESS_KEY_ID": credentials["AccessKeyId"] ?? "", "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"] ?? "",
                "AWS_SESSION_TOKEN": credentials["SessionToken"] ?? ""]
    }

    func denial(_ role: String, _ action: String, _ resource: String?, _ reason: String) -> String {
        "User: arn:aws:sts::\(Self.account):assumed-role/\(role)/test-awsadmin@contoso.com is not authorized to perform: \(action)"
            + (resource.map { " on resource: \($0)" } ?? "") + " " + reason
    }

    @Test("Developer (AmazonS3FullAccess): STS works, IAM is denied with AWS's text; Administrator may do both")
    func embeddedRoles() async throws {
        try await MockAWSApp.test(live: true) { server in
            let developer = try await signIn(server, role: "Developer")
            #expect(try await aws(server, ["sts", "get-caller-identity"], as: developer).status == 0)
            for (arguments, action, resource) in [
                (["iam", "create-user", "--user-name", "eve"], "iam:CreateUser", "arn:aws:iam::\(Self.account):user/eve"),
                (["iam", "list-roles"], "iam:ListRoles", "arn:aws:iam::\(Self.account):role/"),
                (["iam", "get-role", "--role-name", "Administrator"], "iam:GetRole", "role Administrator"),
                (["iam", "create-access-key", "--user-name", "admin"], "iam:CreateAccessKey", "user admin"),
                (["iam", "attach-role-policy", "--role-name", "Developer", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess"],
                 "iam:AttachRolePolicy", "role Developer"),
                (["iam", "list-policies"], "iam:ListPolicies", "policy path /"),
                (["iam", "list-saml-providers"], "iam:ListSAMLProviders", nil),
            ] as [([String], String, String?)] {
                let result = try await aws(server, arguments, as: developer)
                let expected = denial("Developer", action, resource, "because no identity-based policy allows the \(action) action")
                #expect(result.status != 0 && result.output.contains("(AccessDenied)") && result.output.contains(expected), "\(arguments): \(result.output)")
            }
            let administrator = try await signIn(server, role: "Administrator")
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "eve"], as: administrator).status == 0)
            #expect(try await aws(server, ["iam", "list-roles"], as: administrator).status == 0)
            // The Developer cannot give itself more: the attachment above never happened.
            let attached = try json(await aws(server, ["iam", "list-attached-role-policies", "--role-name", "Developer"]).output)
            #expect((attached["AttachedPolicies"] as? [[String: String]])?.map { $0["PolicyName"] ?? "" } == ["AmazonS3FullAccess"])
        }
    }

    @Test("an explicit Deny beats AdministratorAccess and AmazonS3FullAccess; the simulator names the statement")
    func explicitDeny() async throws {
        try await MockAWSApp.test(live: true) { server in
            let noUsers = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoNewUsers","Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}"#
            #expect(try await aws(server, ["iam", "put-role-policy", "--role-name", "Administrator", "--policy-name", "NoNewUsers",
                                           "--policy-document", noUsers]).status == 0)
            let administrator = try await signIn(server, role: "Administrator")
            let refused = try await aws(server, ["iam", "create-user", "--user-name", "eve"], as: administrator)
            #expect(refused.status != 0 && refused.output.contains(denial("Administrator", "iam:CreateUser", "arn:aws:iam::\(Self.account):user/eve",
                                                                             "with an explicit deny in an identity-based policy")), "\(refused.output)")
            #expect(try await aws(server, ["iam", "list-roles"], as: administrator).status == 0, "everything else stays allowed")

            let noDelete = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteBucket\", \"Resource\": \"arn:aws:s3:::prod-*\"}\n  ]\n}"
            #expect(try await aws(server, ["iam", "put-role-policy", "--role-name", "Developer", "--policy-name", "NoProdDeletes",
                                           "--policy-document", noDelete]).status == 0)
            let simulated = try json(await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                                        "--action-names", "s3:DeleteBucket", "s3:PutObject", "iam:CreateUser", "ec2:RunInstances",
                                                        "--resource-arns", "arn:aws:s3:::prod-data"]).output)
            let results = try #require(simulated["EvaluationResults"] as? [[String: Any]])
            #expect(results.map { $0["EvalDecision"] as? String ?? "" } == ["explicitDeny", "allowed", "implicitDeny", "implicitDeny"], "\(results)")
            let matched = try #require((results.first?["MatchedStatements"] as? [[String: Any]])?.first)
            #expect(matched["SourcePolicyId"] as? String == "role_Developer_NoProdDeletes")
            #expect((matched["StartPosition"] as? [String: Int]) == ["Line": 4, "Column": 5])
            #expect(((results[1]["MatchedStatements"] as? [[String: Any]])?.first?["SourcePolicyId"] as? String) == "AmazonS3FullAccess")
            // Another bucket: the Deny does not apply.
            let other = try json(await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                                    "--action-names", "s3:DeleteBucket", "--resource-arns", "arn:aws:s3:::dev-data"]).output)
            #expect((other["EvaluationResults"] as? [[String: Any]])?.first?["EvalDecision"] as? String == "allowed")
            // The simulator itself needs permission: the Developer may not call it.
            let developer = try await signIn(server, role: "Developer")
            let forbidden = try await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                                   "--action-names", "s3:GetObject"], as: developer)
            #expect(forbidden.status != 0 && forbidden.output.contains("iam:SimulatePrincipalPolicy on resource: arn:aws:iam::\(Self.account):role/Developer"))
        }
    }

    @Test("session policies passed with AssumeRoleWithSAML limit the session to their intersection with the role's")
    func sessionPolicy() async throws {
        try await MockAWSApp.test(live: true) { server in
            let listOnly = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","iam:Get*"],"Resource":"*"}]}"#
            let limited = try await signIn(server, role: "Administrator", extra: ["--policy", listOnly])
            #expect(try await aws(server, ["iam", "list-roles"], as: limited).status == 0)
            let refused = try await aws(server, ["iam", "create-user", "--user-name", "eve"], as: limited)
            #expect(refused.output.contains(denial("Administrator", "iam:CreateUser", "arn:aws:iam::\(Self.account):user/eve",
                                                   "because no session policy allows the iam:CreateUser action")), "\(refused.output)")
            // A managed policy as the session policy, and one the role does not allow: still only the intersection.
            let readOnly = try await signIn(server, role: "Developer", extra: ["--policy-arns", "arn=arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
            let stillDenied = try await aws(server, ["iam", "list-roles"], as: readOnly)
            #expect(stillDenied.output.contains("because no identity-based policy allows the iam:ListRoles action"), "\(stillDenied.output)")
            let bad = try await aws(server, ["sts", "assume-role-with-saml", "--role-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                             "--principal-arn", "arn:aws:iam::\(Self.account):saml-provider/EntraID",
                                             "--saml-assertion", try P.samlResponse(roles: [P.developerPair]), "--policy", "{\"Statement\": 1}"], as: [:])
            #expect(bad.status != 0 && bad.output.contains("MalformedPolicyDocument"), "\(bad.output)")
        }
    }

    @Test("managed policies: AWS's with their documents, customer ones with versions, attachments and IAM's refusals")
    func managedPolicies() async throws {
        try await MockAWSApp.test(live: true) { server in
            let aws = try json(await aws(server, ["iam", "get-policy", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess"]).output)
            let admin = try #require(aws["Policy"] as? [String: Any])
            #expect(admin["PolicyId"] as? String == "ANPAIWMBCKSKIEE64ZLYK" && admin["AttachmentCount"] as? Int == 2, "\(admin)")
            let s3 = try json(await self.aws(server, ["iam", "get-policy-version", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3FullAccess", "--version-id", "v2"]).output)
            let document = (s3["PolicyVersion"] as? [String: Any])?["Document"] as? [String: Any]
            #expect(((document?["Statement"] as? [[String: Any]])?.first?["Action"] as? [String]) == ["s3:*", "s3-object-lambda:*"], "\(s3)")
            let listed = try json(await self.aws(server, ["iam", "list-policies", "--scope", "AWS"]).output)
            let names = (listed["Policies"] as? [[String: Any]])?.compactMap { $0["PolicyName"] as? String } ?? []
            #expect(Set(names).isSuperset(of: ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess",
                                              "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess"]), "\(names)")

            let v1 = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
            let created = try json(await self.aws(server, ["iam", "create-policy", "--policy-name", "Readers", "--policy-document", v1]).output)
            let arn = try #require((created["Policy"] as? [String: Any])?["Arn"] as? String)
            #expect((created["Policy"] as? [String: Any])?["DefaultVersionId"] as? String == "v1")
            let duplicate = try await self.aws(server, ["iam", "create-policy", "--policy-name", "readers", "--policy-document", v1])
            #expect(duplicate.output.contains("EntityAlreadyExists") && duplicate.output.contains("A policy called readers already exists. Duplicate names are not allowed."))
            for _ in 2...5 {
                #expect(try await self.aws(server, ["iam", "create-policy-version", "--policy-arn", arn, "--policy-document", v1, "--set-as-default"]).status == 0)
            }
            let sixth = try await self.aws(server, ["iam", "create-policy-version", "--policy-arn", arn, "--policy-document", v1])
            #expect(sixth.status != 0 && sixth.output.contains("LimitExceeded"))
            let current = try json(await self.aws(server, ["iam", "get-policy", "--policy-arn", arn]).output)
            #expect((current["Policy"] as? [String: Any])?["DefaultVersionId"] as? String == "v5")
            #expect(try await self.aws(server, ["iam", "attach-role-policy", "--role-name", "Developer", "--policy-arn", arn]).status == 0)
            let conflict = try await self.aws(server, ["iam", "delete-policy", "--policy-arn", arn])
            #expect(conflict.output.contains("DeleteConflict") && conflict.output.contains("Cannot delete a policy attached to entities."))
            let roleConflict = try await self.aws(server, ["iam", "delete-role", "--role-name", "Developer"])
            #expect(roleConflict.output.contains("Cannot delete entity, must detach all policies first."), "\(roleConflict.output)")
            let defaultVersion = try await self.aws(server, ["iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v5"])
            #expect(defaultVersion.output.contains("DeleteConflict"))
            #expect(try await self.aws(server, ["iam", "detach-role-policy", "--role-name", "Developer", "--policy-arn", arn]).status == 0)
            for version in ["v1", "v2", "v3", "v4"] {
                #expect(try await self.aws(server, ["iam", "delete-policy-version", "--policy-arn", arn, "--version-id", version]).status == 0)
            }
            #expect(try await self.aws(server, ["iam", "delete-policy", "--policy-arn", arn]).status == 0)
            let unknown = try await self.aws(server, ["iam", "attach-role-policy", "--role-name", "Developer", "--policy-arn", "arn:aws:iam::aws:policy/Nope"])
            #expect(unknown.output.contains("Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable."))
            let malformed = try await self.aws(server, ["iam", "put-user-policy", "--user-name", "admin", "--policy-name", "x",
                                                        "--policy-document", #"{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#])
            #expect(malformed.output.contains("MalformedPolicyDocument"), "\(malformed.output)")
            // Inline policies read back URL-decoded by the CLI.
            #expect(try await self.aws(server, ["iam", "put-user-policy", "--user-name", "admin", "--policy-name", "x", "--policy-document", v1]).status == 0)
            let inline = try json(await self.aws(server, ["iam", "get-user-policy", "--user-name", "admin", "--policy-name", "x"]).output)
            #expect(((inline["PolicyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]])?.first?["Action"] as? String == "s3:GetObject")
        }
    }

    @Test("boto3: a denial is a ClientError AccessDenied (403); SimulateCustomPolicy answers for any action")
    func boto3() async throws {
        try await MockAWSApp.test(live: true) { server in
            let developer = try await signIn(server, role: "Developer")
            let script = """
                import sys, boto3, botocore
                iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
                try:
                    iam.create_user(UserName="eve")
                    print("ALLOWED")
                except botocore.exceptions.ClientError as e:
                    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"])
                """
            let denied = try await server.run(["python3", "-c", script, server.baseURL], environment: developer.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
            #expect(denied.output.hasPrefix("AccessDenied 403 User: arn:aws:sts::\(Self.account):assumed-role/Developer/"), "\(denied.output)")
            let simulate = """
                import sys, json, boto3
                iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
                doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
                r = iam.simulate_custom_policy(PolicyInputList=[doc], ActionNames=["ec2:DescribeInstances", "ec2:RunInstances"],
                    ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}])
                print(json.dumps([(e["EvalActionName"], e["EvalDecision"]) for e in r["EvaluationResults"]]))
                r = iam.simulate_custom_policy(PolicyInputList=[doc], ActionNames=["ec2:DescribeInstances"])
                print(json.dumps([(e["EvalDecision"], e["MissingContextValues"]) for e in r["EvaluationResults"]]))
                """
            let answers = try await server.run(["python3", "-c", simulate, server.baseURL], environment: MockAWSTests.admin.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
            #expect(answers.output.contains(#"[["ec2:DescribeInstances", "allowed"], ["ec2:RunInstances", "implicitDeny"]]"#), "\(answers.output)")
            #expect(answers.output.contains(#"[["implicitDeny", ["aws:SourceIp"]]]"#), "\(answers.output)")
        }
    }

    @Test("CloudTrail: lookup-events finds the sign-ins (SAMLUser) and the IAM calls, refusals with their error; it needs cloudtrail:LookupEvents")
    func lookupEvents() async throws {
        try await MockAWSApp.test(live: true) { server in
            let developer = try await signIn(server, role: "Developer")
            _ = try await aws(server, ["iam", "create-user", "--user-name", "eve"], as: developer)
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "frank"]).status == 0)
            let signIns = try json(await aws(server, ["cloudtrail", "lookup-events", "--region", "us-east-1", "--lookup-attributes",
                                                      "AttributeKey=EventName,AttributeValue=AssumeRoleWithSAML"]).output)
            let events = try #require(signIns["Events"] as? [[String: Any]])
            #expect(events.count == 1 && events.first?["EventSource"] as? String == "sts.amazonaws.com", "\(signIns)")
            let record = try json(try #require(events.first?["CloudTrailEvent"] as? String))
            #expect((record["userIdentity"] as? [String: Any])?["type"] as? String == "SAMLUser")
            #expect((record["requestParameters"] as? [String: Any])?["roleArn"] as? String == "arn:aws:iam::\(Self.account):role/Developer")
            #expect(((record["responseElements"] as? [String: Any])?["assumedRoleUser"] as? [String: Any])?["arn"] as? String
                    == "arn:aws:sts::\(Self.account):assumed-role/Developer/test-awsadmin@contoso.com")
            let calls = try json(await aws(server, ["cloudtrail", "lookup-events", "--region", "us-east-1", "--lookup-attributes",
                                                    "AttributeKey=EventName,AttributeValue=CreateUser"]).output)
            let records = try (calls["Events"] as? [[String: Any]] ?? []).map { try json($0["CloudTrailEvent"] as? String ?? "") }
            #expect(records.count == 2, "newest first: the administrator's, then the Developer's refused one")
            #expect(records.first?["errorCode"] == nil && (records.first?["userIdentity"] as? [String: Any])?["type"] as? String == "IAMUser")
            #expect(records.last?["errorCode"] as? String == "AccessDenied" && (records.last?["userIdentity"] as? [String: Any])?["type"] as? String == "AssumedRole")
            #expect((records.last?["requestParameters"] as? [String: Any])?["userName"] as? String == "eve")
            // A role session: no top-level userName, the role as the session's issuer (CloudTrail's userIdentity).
            let sessionIdentity = try #require(records.last?["userIdentity"] as? [String: Any])
            let issuer = (sessionIdentity["sessionContext"] as? [String: Any])?["sessionIssuer"] as? [String: Any]
            #expect(sessionIdentity["userName"] == nil && issuer?["type"] as? String == "Role" && issuer?["userName"] as? String == "Developer"
                    && issuer?["arn"] as? String == "arn:aws:iam::\(Self.account):role/Developer"
                    && (issuer?["principalId"] as? String)?.hasPrefix("AROA") == true, "\(sessionIdentity)")
            // The query protocol's lists are recorded as lists.
            _ = try await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                       "--action-names", "s3:GetObject", "iam:CreateUser"])
            let simulated = try json(await aws(server, ["cloudtrail", "lookup-events", "--region", "us-east-1", "--lookup-attributes",
                                                        "AttributeKey=EventName,AttributeValue=SimulatePrincipalPolicy"]).output)
            let simulation = try json((simulated["Events"] as? [[String: Any]])?.first?["CloudTrailEvent"] as? String ?? "")
            #expect((simulation["requestParameters"] as? [String: Any])?["actionNames"] as? [String] == ["s3:GetObject", "iam:CreateUser"], "\(simulation)")
            let paged = try json(await aws(server, ["cloudtrail", "lookup-events", "--region", "us-east-1", "--max-items", "1"]).output)
            #expect((paged["Events"] as? [[String: Any]])?.count == 1 && paged["NextToken"] != nil, "\(paged)")
            let refused = try await aws(server, ["cloudtrail", "lookup-events", "--region", "us-east-1"], as: developer)
            #expect(refused.status != 0 && refused.output.contains("AccessDeniedException")
                    && refused.output.contains("is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action"),
                    "\(refused.output)")
        }
    }

    @Test("identifiers and dates as AWS shapes them: AROA/AIDA/ANPA + 17 of A-Z2-7, AKIA/ASIA keys of 20, tokens, real CreateDates")
    func identifiers() async throws {
        try await MockAWSApp.test(live: true) { server in
            func matches(_ text: String?, _ pattern: String) -> Bool { text?.range(of: pattern, options: .regularExpression) != nil }
            let roles = try json(await aws(server, ["iam", "list-roles"]).output)["Roles"] as? [[String: Any]] ?? []
            #expect(roles.count == 2 && roles.allSatisfy { matches($0["RoleId"] as? String, "^AROA[A-Z2-7]{17}$") }, "\(roles)")
            let user = try json(await aws(server, ["iam", "create-user", "--user-name", "eve"]).output)["User"] as? [String: Any]
            #expect(matches(user?["UserId"] as? String, "^AIDA[A-Z2-7]{17}$"))
            let created = ISO8601DateFormatter().date(from: user?["CreateDate"] as? String ?? "")
            #expect(created.map { abs($0.timeIntervalSinceNow) < 120 } == true, "CreateDate is the creation time: \(String(describing: user))")
            let key = try json(await aws(server, ["iam", "create-access-key", "--user-name", "eve"]).output)["AccessKey"] as? [String: Any]
            #expect(matches(key?["AccessKeyId"] as? String, "^AKIA[A-Z2-7]{16}$") && (key?["SecretAccessKey"] as? String)?.count == 40)
            let session = try await signIn(server, role: "Developer")
            #expect(matches(session["AWS_ACCESS_KEY_ID"], "^ASIA[A-Z2-7]{16}$"))
            #expect(session["AWS_SESSION_TOKEN"]?.hasPrefix("IQoJb3JpZ2luX2Vj") == true && (session["AWS_SESSION_TOKEN"]?.count ?? 0) > 500)
            let policy = try json(await aws(server, ["iam", "create-policy", "--policy-name", "P",
                                                     "--policy-document", #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#]).output)
            #expect(matches((policy["Policy"] as? [String: Any])?["PolicyId"] as? String, "^ANPA[A-Z2-7]{17}$"))
        }
    }
}
