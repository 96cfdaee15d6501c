import Foundation
import ServerTesting
import Testing

/// IAM groups (their policies reach their members and no one else), permissions boundaries (what an entity may do is
/// what both its policies and its boundary allow), list paging as the AWS CLI follows it, UpdateRole /
/// UpdateAssumeRolePolicy, and tags with the condition keys that read them, through the real AWS CLI, with AWS's texts.
@Suite("mock-aws IAM groups, permissions boundaries, paging, role updates and tags", .serialized)
struct IAMGroupsAndBoundaryTests {
    let edges = PermissionEdgeTests()
    let permissions = PermissionTests()
    static let account = "123456789012"

    func aws(_ server: MockAWSApp, _ arguments: [String], as credentials: [String: String] = MockAWSTests.admin) async throws -> (status: Int32, output: String) {
        try await edges.aws(server, arguments, as: credentials)
    }

    func userWithKey(_ server: MockAWSApp, _ name: String, extra: [String] = []) async throws -> [String: String] {
        #expect(try await aws(server, ["iam", "create-user", "--user-name", name] + extra).status == 0)
        let key = try permissions.json(await aws(server, ["iam", "create-access-key", "--user-name", name]).output)["AccessKey"] as? [String: Any]
        return ["AWS_ACCESS_KEY_ID": key?["AccessKeyId"] as? String ?? "", "AWS_SECRET_ACCESS_KEY": key?["SecretAccessKey"] as? String ?? ""]
    }

    @Test("a group's policies reach its members only while they are members; its Deny wins; deletion order as IAM's")
    func groups() async throws {
        try await MockAWSApp.test(live: true) { server in
            let alice = try await userWithKey(server, "alice")
            let created = try await aws(server, ["iam", "create-group", "--group-name", "readers", "--path", "/team/"])
            #expect(created.status == 0 && created.output.contains("\"Arn\": \"arn:aws:iam::\(Self.account):group/team/readers\"")
                    && created.output.contains("\"GroupId\": \"AGPA"), "\(created.output)")
            #expect(try await aws(server, ["iam", "create-group", "--group-name", "READERS"]).output.contains("EntityAlreadyExists"))
            #expect(try await aws(server, ["iam", "attach-group-policy", "--group-name", "readers", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"]).status == 0)
            let before = try await aws(server, ["iam", "list-roles"], as: alice)
            #expect(before.status != 0 && before.output.contains("because no identity-based policy allows the iam:ListRoles action"), "\(before.output)")
            #expect(try await aws(server, ["iam", "add-user-to-group", "--group-name", "readers", "--user-name", "alice"]).status == 0)
            #expect(try await aws(server, ["iam", "list-roles"], as: alice).status == 0)
            let members = try await aws(server, ["iam", "get-group", "--group-name", "readers"])
            #expect(members.output.contains("\"UserName\": \"alice\""), "\(members.output)")
            #expect(try await aws(server, ["iam", "list-groups-for-user", "--user-name", "alice"]).output.contains("\"GroupName\": \"readers\""))
            // A Deny in a group policy beats the user's own Allow.
            #expect(try await aws(server, ["iam", "put-user-policy", "--user-name", "alice", "--policy-name", "own", "--policy-document",
                                           #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#]).status == 0)
            #expect(try await aws(server, ["iam", "put-group-policy", "--group-name", "readers", "--policy-name", "no-users", "--policy-document",
                                           #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"}]}"#]).status == 0)
            let denied = try await aws(server, ["iam", "get-user", "--user-name", "alice"], as: alice)
            #expect(denied.output.contains("with an explicit deny in an identity-based policy"), "\(denied.output)")
            // The simulator sees the group's policies for the user, and the group itself as a source.
            let simulated = try await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):user/alice",
                                                   "--action-names", "iam:ListRoles", "iam:GetUser"])
            #expect(simulated.output.contains("\"EvalDecision\": \"allowed\"") && simulated.output.contains("\"EvalDecision\": \"explicitDeny\"")
                    && simulated.output.contains("group_readers_no-users"), "\(simulated.output)")
            #expect(try await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):group/team/readers",
                                           "--action-names", "iam:ListRoles"]).output.contains("\"EvalDecision\": \"allowed\""))
            // IAM's order of clean-up.
            #expect(try await aws(server, ["iam", "delete-group", "--group-name", "readers"]).output.contains("must remove users from group first"))
            #expect(try await aws(server, ["iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "alice"]).status == 0)
            let after = try await aws(server, ["iam", "list-roles"], as: alice)
            #expect(after.status != 0 && after.output.contains("AccessDenied"), "a former member keeps nothing: \(after.output)")
            #expect(try await aws(server, ["iam", "delete-group", "--group-name", "readers"]).output.contains("DeleteConflict"))
            #expect(try await aws(server, ["iam", "detach-group-policy", "--group-name", "readers", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"]).status == 0)
            #expect(try await aws(server, ["iam", "delete-group-policy", "--group-name", "readers", "--policy-name", "no-users"]).status == 0)
            #expect(try await aws(server, ["iam", "delete-group", "--group-name", "readers"]).status == 0)
            #expect(try await aws(server, ["iam", "get-group", "--group-name", "readers"]).output.contains("NoSuchEntity"))
            // A user still in a group cannot be deleted.
            #expect(try await aws(server, ["iam", "create-group", "--group-name", "g2"]).status == 0)
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "carol"]).status == 0)
            #expect(try await aws(server, ["iam", "add-user-to-group", "--group-name", "g2", "--user-name", "carol"]).status == 0)
            #expect(try await aws(server, ["iam", "delete-user", "--user-name", "carol"]).output.contains("DeleteConflict"))
        }
    }

    @Test("permissions boundaries: AdministratorAccess inside an S3 read-only boundary; a role's boundary limits its sessions; delegation by iam:PermissionsBoundary")
    func boundaries() async throws {
        try await MockAWSApp.test(live: true) { server in
            let readOnly = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
            let bob = try await userWithKey(server, "bob", extra: ["--permissions-boundary", readOnly])
            #expect(try await aws(server, ["iam", "attach-user-policy", "--user-name", "bob", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess"]).status == 0)
            #expect(try await aws(server, ["iam", "get-user", "--user-name", "bob"]).output.contains("\"PermissionsBoundaryArn\": \"\(readOnly)\""))
            let refused = try await aws(server, ["iam", "create-user", "--user-name", "mallory"], as: bob)
            #expect(refused.output.contains("User: arn:aws:iam::\(Self.account):user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::\(Self.account):user/mallory because no permissions boundary allows the iam:CreateUser action"),
                    "\(refused.output)")
            #expect(try await aws(server, ["s3", "ls"], as: bob).status == 0, "what both allow is allowed")
            let simulated = try await aws(server, ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::\(Self.account):user/bob",
                                                   "--action-names", "iam:CreateUser"])
            #expect(simulated.output.contains("\"EvalDecision\": \"implicitDeny\"") && simulated.output.contains("\"AllowedByPermissionsBoundary\": false"),
                    "\(simulated.output)")
            // A boundary in use cannot be deleted; removing it restores what the policies allow.
            let limit = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#
            let policy = try permissions.json(await aws(server, ["iam", "create-policy", "--policy-name", "NoS3", "--policy-document", limit]).output)
            let noS3 = (policy["Policy"] as? [String: Any])?["Arn"] as? String ?? ""
            #expect(try await aws(server, ["iam", "put-user-permissions-boundary", "--user-name", "bob", "--permissions-boundary", noS3]).status == 0)
            let explicit = try await aws(server, ["s3", "ls"], as: bob)
            #expect(explicit.output.contains("AccessDenied"), "\(explicit.output)")
            #expect(try await aws(server, ["iam", "delete-policy", "--policy-arn", noS3]).output.contains("DeleteConflict"))
            #expect(try await aws(server, ["iam", "delete-user-permissions-boundary", "--user-name", "bob"]).status == 0)
            #expect(try await aws(server, ["iam", "delete-user-permissions-boundary", "--user-name", "bob"]).output.contains("NoSuchEntity"))
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "mallory"], as: bob).status == 0)
            // A role's boundary limits every session of the role.
            #expect(try await aws(server, ["iam", "put-role-permissions-boundary", "--role-name", "Developer", "--permissions-boundary", readOnly]).status == 0)
            let developer = try await permissions.signIn(server, role: "Developer")
            let bucket = try await aws(server, ["s3", "mb", "s3://bounded"], as: developer)
            #expect(bucket.output.contains("because no permissions boundary allows the s3:CreateBucket action"), "\(bucket.output)")
            // Delegation: a user may create users only with the boundary its policy names.
            let delegate = try await edges.user(server, "delegate", policy: """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*",
                 "Condition":{"StringEquals":{"iam:PermissionsBoundary":"\(readOnly)"}}}]}
                """)
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "free"], as: delegate).output.contains("AccessDenied"))
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "free", "--permissions-boundary", noS3], as: delegate).output.contains("AccessDenied"))
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "bounded", "--permissions-boundary", readOnly], as: delegate).status == 0)
        }
    }

    @Test("paging: the CLI follows Marker through every page; MaxItems and Marker are checked")
    func paging() async throws {
        try await MockAWSApp.test(live: true) { server in
            for index in 0..<7 { #expect(try await aws(server, ["iam", "create-user", "--user-name", "pager\(index)"]).status == 0) }
            let all = try await aws(server, ["iam", "list-users", "--page-size", "2", "--query", "Users[].UserName", "--output", "text"])
            let names = all.output.split(whereSeparator: { $0 == "\t" || $0 == "\n" }).map(String.init).filter { $0.hasPrefix("pager") }
            #expect(names == (0..<7).map { "pager\($0)" }, "\(all.output)")
            let script = #"""
                import sys, boto3, botocore
                iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
                first = iam.list_users(MaxItems=3)
                print("first", len(first["Users"]), first["IsTruncated"], "Marker" in first)
                second = iam.list_users(MaxItems=3, Marker=first["Marker"])
                print("overlap", set(u["UserName"] for u in first["Users"]) & set(u["UserName"] for u in second["Users"]))
                for bad in [{"MaxItems": 3, "Marker": "bm90LWEtdXNlcg=="}, {"MaxItems": 1001}]:
                    try:
                        iam.list_users(**bad); print("bad ok")
                    except botocore.exceptions.ClientError as e:
                        print("bad", e.response["Error"]["Code"])
                    except botocore.exceptions.ParamValidationError:
                        print("bad client")
                """#
            let output = try await server.run(["python3", "-c", script, server.baseURL], environment: MockAWSTests.admin.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
            #expect(output.output.contains("first 3 True True"), "\(output.output)")
            #expect(output.output.contains("overlap set()"), "\(output.output)")
            #expect(output.output.components(separatedBy: "bad ValidationError").count == 3, "\(output.output)")
        }
    }

    @Test("UpdateRole and UpdateAssumeRolePolicy: description and session length shown; a trust policy for another provider refuses the sign-in")
    func roleUpdates() async throws {
        try await MockAWSApp.test(live: true) { server in
            #expect(try await aws(server, ["iam", "update-role", "--role-name", "Developer", "--description", "S3 work", "--max-session-duration", "7200"]).status == 0)
            let role = try await aws(server, ["iam", "get-role", "--role-name", "Developer"])
            #expect(role.output.contains("\"Description\": \"S3 work\"") && role.output.contains("\"MaxSessionDuration\": 7200"), "\(role.output)")
            #expect(try await aws(server, ["iam", "update-role", "--role-name", "Developer", "--max-session-duration", "43201"]).output.contains("ValidationError"))
            #expect(try await aws(server, ["iam", "update-role", "--role-name", "Nobody"]).output.contains("NoSuchEntity"))
            let other = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Other"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#
            #expect(try await aws(server, ["iam", "update-assume-role-policy", "--role-name", "Developer", "--policy-document", other]).status == 0)
            let pair = "arn:aws:iam::\(Self.account):role/Developer,arn:aws:iam::\(Self.account):saml-provider/EntraID"
            let assumed = try await aws(server, ["sts", "assume-role-with-saml", "--role-arn", "arn:aws:iam::\(Self.account):role/Developer",
                                                 "--principal-arn", "arn:aws:iam::\(Self.account):saml-provider/EntraID",
                                                 "--saml-assertion", try MockAWSProcess.samlResponse(roles: [pair])], as: [:])
            #expect(assumed.status != 0 && assumed.output.contains("AccessDenied"), "\(assumed.output)")
            #expect(try await aws(server, ["iam", "update-assume-role-policy", "--role-name", "Developer", "--policy-document", "{not json"]).output.contains("MalformedPolicyDocument"))
            // IAM's trust-policy quota (2,048 characters without whitespace).
            let padded = other.replacingOccurrences(of: "\"Version\"", with: "\"Sid\":\"\(String(repeating: "x", count: 2048))\",\"Version\"")
            #expect(try await aws(server, ["iam", "update-assume-role-policy", "--role-name", "Developer", "--policy-document", padded]).output
                    .contains("Cannot exceed quota for ACLSizePerRole: 2048"))
        }
    }

    @Test("tags: set, listed, limited and checked as IAM does; aws:ResourceTag, aws:RequestTag/aws:TagKeys and a user's or role's tags as aws:PrincipalTag")
    func tags() async throws {
        try await MockAWSApp.test(live: true) { server in
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "dana", "--tags", "Key=team,Value=blue", "Key=Cost Center,Value=42"]).status == 0)
            let listed = try await aws(server, ["iam", "list-user-tags", "--user-name", "dana"])
            #expect(listed.output.contains("\"Key\": \"team\"") && listed.output.contains("\"Key\": \"Cost Center\""), "\(listed.output)")
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=Team,Value=red"]).status == 0)
            let replaced = try await aws(server, ["iam", "get-user", "--user-name", "dana"])
            #expect(replaced.output.contains("\"Value\": \"red\"") && !replaced.output.contains("\"Value\": \"blue\""), "keys without case: \(replaced.output)")
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=a,Value=1", "Key=A,Value=2"]).output
                    .contains("Duplicate tag keys found. Please note that Tag keys are case insensitive."))
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=aws:x,Value=1"]).output.contains("InvalidInput"))
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=bad*key,Value=1"]).output.contains("ValidationError"))
            let many = (0..<49).map { "Key=k\($0),Value=v" }
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags"] + many).output.contains("LimitExceeded"), "2 + 49 > 50")
            #expect(try await aws(server, ["iam", "untag-user", "--user-name", "dana", "--tag-keys", "COST CENTER"]).status == 0)
            #expect(!(try await aws(server, ["iam", "list-user-tags", "--user-name", "dana"])).output.contains("Cost Center"))
            // aws:ResourceTag: a manager may change only users tagged team=red; aws:RequestTag/aws:TagKeys: and may
            // only set the team tag.
            let manager = try await edges.user(server, "manager", policy: """
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":["iam:GetUser","iam:TagUser"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"red"}}},
                 {"Effect":"Deny","Action":"iam:TagUser","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}}]}
                """)
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "erin", "--tags", "Key=team,Value=blue"]).status == 0)
            #expect(try await aws(server, ["iam", "get-user", "--user-name", "dana"], as: manager).status == 0)
            #expect(try await aws(server, ["iam", "get-user", "--user-name", "erin"], as: manager).output.contains("AccessDenied"))
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=team,Value=red"], as: manager).status == 0)
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "dana", "--tags", "Key=admin,Value=yes"], as: manager).output
                    .contains("with an explicit deny in an identity-based policy"))
            // A user's tags are its aws:PrincipalTag.
            #expect(try await aws(server, ["iam", "tag-user", "--user-name", "manager", "--tags", "Key=level,Value=senior"]).status == 0)
            #expect(try await aws(server, ["iam", "put-user-policy", "--user-name", "manager", "--policy-name", "senior", "--policy-document",
                                           #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/level":"senior"}}}]}"#]).status == 0)
            #expect(try await aws(server, ["iam", "list-roles"], as: manager).status == 0)
            #expect(try await aws(server, ["iam", "untag-user", "--user-name", "manager", "--tag-keys", "level"]).status == 0)
            #expect(try await aws(server, ["iam", "list-roles"], as: manager).output.contains("AccessDenied"))
            // A role's tags reach its sessions as aws:PrincipalTag.
            #expect(try await aws(server, ["iam", "tag-role", "--role-name", "Developer", "--tags", "Key=tier,Value=dev"]).status == 0)
            #expect(try await aws(server, ["iam", "list-role-tags", "--role-name", "Developer"]).output.contains("\"Value\": \"dev\""))
            #expect(try await aws(server, ["iam", "put-role-policy", "--role-name", "Developer", "--policy-name", "tier", "--policy-document",
                                           #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/tier":"dev"}}}]}"#]).status == 0)
            let developer = try await permissions.signIn(server, role: "Developer")
            #expect(try await aws(server, ["iam", "list-roles"], as: developer).status == 0)
        }
    }

    @Test("probe findings: a Deny guarded by the target's existing boundary holds; control characters never reach the XML; a list-and-delete loop pages on")
    func probeFindings() async throws {
        try await MockAWSApp.test(live: true) { server in
            let protected = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "prot", "--permissions-boundary", protected]).status == 0)
            let manager = try await edges.user(server, "mgr", policy: """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
                 {"Effect":"Deny","Action":["iam:AttachUserPolicy","iam:DeleteUserPermissionsBoundary"],"Resource":"*",
                  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"\(protected)"}}}]}
                """)
            #expect(try await aws(server, ["iam", "attach-user-policy", "--user-name", "prot", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess"], as: manager)
                    .output.contains("explicit deny"))
            #expect(try await aws(server, ["iam", "delete-user-permissions-boundary", "--user-name", "prot"], as: manager).output.contains("explicit deny"))
            // Control characters: refused in a role description, never echoed raw.
            #expect(try await aws(server, ["iam", "update-role", "--role-name", "Developer", "--description", "bad\u{1}char"]).output.contains("ValidationError"))
            #expect(try await aws(server, ["iam", "list-roles"]).status == 0)
            let echoed = try await aws(server, ["iam", "create-user", "--user-name", "x\u{1}y"])
            #expect(echoed.output.contains("ValidationError") && !echoed.output.contains("ResponseParserError"), "\(echoed.output)")
            // Paging while deleting what each page returned.
            for index in 0..<6 { #expect(try await aws(server, ["iam", "create-user", "--user-name", "gone\(index)"]).status == 0) }
            let script = #"""
                import sys, boto3
                iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
                seen, marker = [], None
                while True:
                    r = iam.list_users(MaxItems=2, **({"Marker": marker} if marker else {}))
                    for u in r["Users"]:
                        seen.append(u["UserName"])
                        if u["UserName"].startswith("gone"): iam.delete_user(UserName=u["UserName"])
                    if not r["IsTruncated"]: break
                    marker = r["Marker"]
                print("seen", [n for n in seen if n.startswith("gone")])
                """#
            let output = try await server.run(["python3", "-c", script, server.baseURL], environment: MockAWSTests.admin.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
            #expect(output.output.contains("seen ['gone0', 'gone1', 'gone2', 'gone3', 'gone4', 'gone5']"), "\(output.output)")
        }
    }
}
