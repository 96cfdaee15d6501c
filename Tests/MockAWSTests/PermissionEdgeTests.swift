import AWSFederation
import Foundation
import SAML
import ServerTesting
import Testing

/// Where an outside probe found mock-aws more lenient than AWS: each case as the probe tried it, now answered as AWS
/// answers it.
@Suite("permission edges an outside probe tried", .serialized)
struct PermissionEdgeTests {
    let permissions = PermissionTests()
    static let admin = MockAWSTests.admin

    func aws(_ server: MockAWSApp, _ arguments: [String], as credentials: [String: String] = admin) async throws -> (status: Int32, output: String) {
        try await server.run(["aws", "--endpoint-url", server.baseURL, "--region", "us-east-1", "--output", "json"] + arguments, environment: credentials)
    }

    /// A user with `policy` inline and an access key; its credentials.
    func user(_ server: MockAWSApp, _ name: String, policy: String) async throws -> [String: String] {
        #expect(try await aws(server, ["iam", "create-user", "--user-name", name]).status == 0)
        #expect(try await aws(server, ["iam", "put-user-policy", "--user-name", name, "--policy-name", "p", "--policy-document", policy]).status == 0)
        let key = try permissions.json(await aws(server, ["iam", "create-access-key", "--user-name", name]).output)["AccessKey"] as? [String: Any]
        return ["AWS_ACCESS_KEY_ID": key?["AccessKeyId"] as? String ?? "", "AWS_SECRET_ACCESS_KEY": key?["SecretAccessKey"] as? String ?? ""]
    }

    @Test("policy variables, s3:prefix, a missing key without ListBucket, Unicode spellings of a key")
    func s3Edges() async throws {
        try await MockAWSApp.test(live: true) { server in
            #expect(try await aws(server, ["s3", "mb", "s3://shared"]).status == 0)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("edge-\(UUID().uuidString)")
            try Data("secret".utf8).write(to: file)
            for key in ["home/limited/f.txt", "home/other/f.txt", "private/s.txt", "r\u{e9}sum\u{e9}s/ceo.txt"] {
                #expect(try await aws(server, ["s3", "cp", file.path, "s3://shared/\(key)"]).status == 0)
            }
            let policy = #"""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::shared/*"},
                 {"Effect":"Deny","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::shared/home/${aws:username}/*","arn:aws:s3:::shared/r\u00e9sum\u00e9s/*"]},
                 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::shared"},
                 {"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::shared","Condition":{"StringLike":{"s3:prefix":"private*"}}}]}
                """#
            let limited = try await user(server, "limited", policy: policy)
            let own = try await aws(server, ["s3", "cp", "s3://shared/home/limited/f.txt", "-"], as: limited)
            // `s3 cp` asks HeadObject first: a 403 without a body, which the CLI prints as "Forbidden".
            #expect(own.status != 0 && (own.output.contains("AccessDenied") || own.output.contains("403")), "the policy variable resolves to the caller: \(own.output)")
            #expect(try await aws(server, ["s3", "cp", "s3://shared/home/other/f.txt", "-"], as: limited).output == "secret")
            let privateListing = try await aws(server, ["s3api", "list-objects-v2", "--bucket", "shared", "--prefix", "private/"], as: limited)
            #expect(privateListing.status != 0 && privateListing.output.contains("AccessDenied"), "s3:prefix is a condition key: \(privateListing.output)")
            let decomposed = try await aws(server, ["s3", "cp", "s3://shared/re\u{301}sume\u{301}s/ceo.txt", "-"], as: limited)
            #expect(decomposed.status != 0 && !decomposed.output.contains("secret"), "another spelling is another key: \(decomposed.output)")

            // Without s3:ListBucket a missing key is AccessDenied, not NoSuchKey.
            let getOnly = try await user(server, "getter", policy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
            let missing = try await aws(server, ["s3api", "get-object", "--bucket", "shared", "--key", "nope", "/dev/null"], as: getOnly)
            #expect(missing.output.contains("AccessDenied") && !missing.output.contains("NoSuchKey"), "\(missing.output)")
            let withList = try await aws(server, ["s3api", "get-object", "--bucket", "shared", "--key", "nope", "/dev/null"], as: limited)
            #expect(withList.output.contains("NoSuchKey"), "\(withList.output)")

            // A repeated query parameter is refused, not dropped; a range past the end is InvalidRange.
            let base = URL(string: server.baseURL)
            var request = SigV4.Request(method: "GET", path: "/shared", query: "list-type=2&list-type=2&prefix=private%2F", headers: [
                (name: "Host", value: "127.0.0.1:\(base?.port ?? 0)"), (name: "x-amz-content-sha256", value: SAMLDigest.hex(SAMLDigest.sha256([]))),
            ], body: [])
            request = SigV4.sign(request, credentials: SigV4.Credentials(accessKeyID: Self.admin["AWS_ACCESS_KEY_ID"] ?? "",
                                                                         secretAccessKey: Self.admin["AWS_SECRET_ACCESS_KEY"] ?? ""),
                                 region: "us-east-1", service: "s3", date: Date())
            var headers = Dictionary(request.headers.map { ($0.name, $0.value) }) { $1 }
            let repeated = try await server.request("GET", "/shared?list-type=2&list-type=2&prefix=private%2F", body: nil, headers: headers)
            #expect(repeated.status == 400 && repeated.body.contains("InvalidArgument"), "\(repeated.status) \(repeated.body)")
            // An x-amz-* header added after signing is refused.
            headers["x-amz-meta-injected"] = "yes"
            let unsigned = try await server.request("GET", "/shared?list-type=2&list-type=2&prefix=private%2F", body: nil, headers: headers)
            #expect(unsigned.status == 403 && unsigned.body.contains("There were headers present in the request which were not signed"), "\(unsigned.body)")
            let beyond = try await aws(server, ["s3api", "get-object", "--bucket", "shared", "--key", "private/s.txt", "--range", "bytes=100-200", "/dev/null"])
            #expect(beyond.output.contains("InvalidRange"), "\(beyond.output)")
        }
    }

    @Test("sessions: aws:TokenIssueTime revokes older ones; a recreated role is another identity")
    func sessions() async throws {
        try await MockAWSApp.test(live: true) { server in
            let before = try await permissions.signIn(server, role: "Developer")
            #expect(try await aws(server, ["s3", "ls"], as: before).status == 0)
            try await Task.sleep(for: .seconds(1.2))
            let now = ISO8601DateFormatter().string(from: Date())
            // AWS's "revoke active sessions" policy (IAM User Guide, "Revoking IAM role temporary security credentials").
            let revoke = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"NOW"}}}]}"#
                .replacingOccurrences(of: "NOW", with: now)
            #expect(try await aws(server, ["iam", "put-role-policy", "--role-name", "Developer", "--policy-name", "AWSRevokeOlderSessions",
                                           "--policy-document", revoke]).status == 0)
            let revoked = try await aws(server, ["s3", "ls"], as: before)
            #expect(revoked.status != 0 && revoked.output.contains("with an explicit deny"), "\(revoked.output)")
            try await Task.sleep(for: .seconds(1.2))
            let after = try await permissions.signIn(server, role: "Developer")
            #expect(try await aws(server, ["s3", "ls"], as: after).status == 0)
            // Delete and recreate the role under the same name: the old session is not the new role's.
            for step in [["iam", "delete-role-policy", "--role-name", "Developer", "--policy-name", "AWSRevokeOlderSessions"],
                         ["iam", "detach-role-policy", "--role-name", "Developer", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"],
                         ["iam", "delete-role", "--role-name", "Developer"],
                         ["iam", "create-role", "--role-name", "Developer", "--assume-role-policy-document",
                          #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/EntraID"},"Action":"sts:AssumeRoleWithSAML"}]}"#],
                         ["iam", "attach-role-policy", "--role-name", "Developer", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"]] {
                let result = try await aws(server, step)
                #expect(result.status == 0, "\(step): \(result.output)")
            }
            let stale = try await aws(server, ["s3", "ls"], as: after)
            #expect(stale.status != 0 && stale.output.contains("AccessDenied"), "\(stale.output)")
        }
    }

    @Test("IAM: paths kept and authorized, names validated and unique without case, two access keys, IAM's policy grammar")
    func iamEdges() async throws {
        try await MockAWSApp.test(live: true) { server in
            let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/EntraID"},"Action":"sts:AssumeRoleWithSAML"}]}"#
            let role = try permissions.json(await aws(server, ["iam", "create-role", "--role-name", "teamrole", "--path", "/team/", "--assume-role-policy-document", trust]).output)
            #expect((role["Role"] as? [String: Any])?["Arn"] as? String == "arn:aws:iam::123456789012:role/team/teamrole")
            #expect((role["Role"] as? [String: Any])?["Path"] as? String == "/team/")
            let limited = try await user(server, "limited", policy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/team/*"}]}"#)
            let attach = try await aws(server, ["iam", "attach-role-policy", "--role-name", "teamrole", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess"], as: limited)
            #expect(attach.status != 0 && attach.output.contains("with an explicit deny"), "\(attach.output)")
            for bad in ["x\ty", String(repeating: "a", count: 65), "\u{fc}ser", "a b"] {
                let refused = try await aws(server, ["iam", "create-user", "--user-name", bad])
                #expect(refused.status != 0 && refused.output.contains("ValidationError"), "\(bad.debugDescription): \(refused.output)")
            }
            #expect(try await aws(server, ["iam", "list-users"]).status == 0)
            #expect(try await aws(server, ["iam", "create-user", "--user-name", "Admin"]).output.contains("EntityAlreadyExists"))
            #expect(try await aws(server, ["iam", "create-role", "--role-name", "developer", "--assume-role-policy-document", trust]).output.contains("EntityAlreadyExists"))
            _ = try await aws(server, ["iam", "create-access-key", "--user-name", "limited"])
            let third = try await aws(server, ["iam", "create-access-key", "--user-name", "limited"])
            #expect(third.output.contains("LimitExceeded") && third.output.contains("AccessKeysPerUser: 2"), "\(third.output)")
            for (policy, text) in [
                (#"{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, "alpha-numeric"),
                (#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, "must be unique"),
                (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#, "prefaced by a vendor"),
                (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/*"}]}"#, "must be in ARN format"),
                (#"{"Version":"2012-10-17","Foo":1,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, "Syntax errors"),
            ] {
                let result = try await aws(server, ["iam", "create-policy", "--policy-name", "bad", "--policy-document", policy])
                #expect(result.output.contains("MalformedPolicyDocument") && result.output.contains(text), "\(text): \(result.output)")
            }
            let big = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["# + (0..<80).map { "\"arn:aws:s3:::bucket-\($0)/*\"" }.joined(separator: ",") + "]}]}"
            let tooBig = try await aws(server, ["iam", "put-user-policy", "--user-name", "limited", "--policy-name", "big", "--policy-document", big])
            #expect(tooBig.output.contains("LimitExceeded") && tooBig.output.contains("UserPolicySize: 2048"), "\(tooBig.output)")
        }
    }

    @Test("a user's life: GetUser (also of oneself), ListAccessKeys, DeleteUser refused while keys or policies remain, then done")
    func userLifecycle() async throws {
        try await MockAWSApp.test(live: true) { server in
            let eve = try await user(server, "eve", policy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#)
            let me = try permissions.json(await aws(server, ["iam", "get-user"], as: eve).output)
            #expect((me["User"] as? [String: Any])?["Arn"] as? String == "arn:aws:iam::123456789012:user/eve", "\(me)")
            let keys = try permissions.json(await aws(server, ["iam", "list-access-keys", "--user-name", "eve"]).output)
            let ids = (keys["AccessKeyMetadata"] as? [[String: Any]])?.compactMap { $0["AccessKeyId"] as? String } ?? []
            #expect(ids == [eve["AWS_ACCESS_KEY_ID"] ?? ""], "\(keys)")
            let withKeys = try await aws(server, ["iam", "delete-user", "--user-name", "eve"])
            #expect(withKeys.output.contains("DeleteConflict") && withKeys.output.contains("must delete access keys first"), "\(withKeys.output)")
            #expect(try await aws(server, ["iam", "delete-access-key", "--user-name", "eve", "--access-key-id", ids.first ?? ""]).status == 0)
            let withPolicy = try await aws(server, ["iam", "delete-user", "--user-name", "eve"])
            #expect(withPolicy.output.contains("must detach all policies first"), "\(withPolicy.output)")
            #expect(try await aws(server, ["iam", "delete-user-policy", "--user-name", "eve", "--policy-name", "p"]).status == 0)
            #expect(try await aws(server, ["iam", "delete-user", "--user-name", "eve"]).status == 0)
            #expect(try await aws(server, ["iam", "get-user", "--user-name", "eve"]).output.contains("NoSuchEntity"))
            let gone = try await aws(server, ["sts", "get-caller-identity"], as: eve)
            #expect(gone.status != 0 && gone.output.contains("InvalidClientTokenId"), "a deleted key stops working: \(gone.output)")
        }
    }
}
