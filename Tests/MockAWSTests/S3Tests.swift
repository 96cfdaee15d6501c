import AWSFederation
import Foundation
import SAML
import ServerTesting
import Testing

/// S3 on mock-aws through the real AWS CLI and boto3: what the guide's Developer (AmazonS3FullAccess) may do, what
/// others may not, S3's errors, ranges, listings with delimiters and pages, and the refusal of unsigned requests.
@Suite("mock-aws S3, through the AWS CLI and boto3", .serialized)
struct S3Tests {
    let permissions = PermissionTests()

    func aws(_ server: MockAWSApp, _ arguments: [String], as credentials: [String: String]) async throws -> (status: Int32, output: String) {
        try await server.run(["aws", "--endpoint-url", server.baseURL, "--region", "us-east-1"] + arguments, environment: credentials)
    }

    @Test("the Developer: mb, cp up and down, ls, s3api ranges and heads, rm, rb; S3's errors with their codes")
    func developer() async throws {
        try await MockAWSApp.test(live: true) { server in
            let developer = try await permissions.signIn(server, role: "Developer")
            #expect(try await aws(server, ["s3", "mb", "s3://team-data"], as: developer).status == 0)
            // us-east-1: creating a bucket one already owns succeeds (S3 API Reference, CreateBucket); elsewhere it is
            // BucketAlreadyOwnedByYou (S3StoreTests).
            #expect(try await aws(server, ["s3", "mb", "s3://team-data"], as: developer).status == 0)
            let invalid = try await aws(server, ["s3", "mb", "s3://Team_Data"], as: developer)
            // The CLI refuses the name itself; the server's rule is S3StoreTests.names and the raw request below.
            #expect(invalid.status != 0 && (invalid.output.contains("InvalidBucketName") || invalid.output.contains("Invalid bucket name")), "\(invalid.output)")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString).txt")
            try Data("hello from the developer\n".utf8).write(to: file)
            #expect(try await aws(server, ["s3", "cp", file.path, "s3://team-data/reports/2026/q4.txt"], as: developer).status == 0)
            #expect(try await aws(server, ["s3", "cp", file.path, "s3://team-data/readme.txt"], as: developer).status == 0)
            let buckets = try await aws(server, ["s3", "ls"], as: developer)
            #expect(buckets.output.contains("team-data"), "\(buckets.output)")
            let top = try await aws(server, ["s3", "ls", "s3://team-data/"], as: developer)
            #expect(top.output.contains("PRE reports/") && top.output.contains("readme.txt") && !top.output.contains("q4.txt"), "\(top.output)")
            let deep = try await aws(server, ["s3", "ls", "--recursive", "s3://team-data/"], as: developer)
            #expect(deep.output.contains("reports/2026/q4.txt"), "\(deep.output)")
            let download = FileManager.default.temporaryDirectory.appendingPathComponent("s3-down-\(UUID().uuidString).txt")
            #expect(try await aws(server, ["s3", "cp", "s3://team-data/reports/2026/q4.txt", download.path], as: developer).status == 0)
            #expect(try String(contentsOf: download, encoding: .utf8) == "hello from the developer\n")
            let ranged = try await aws(server, ["s3api", "get-object", "--bucket", "team-data", "--key", "readme.txt", "--range", "bytes=6-9",
                                                download.path, "--output", "json"], as: developer)
            let part = try String(contentsOf: download, encoding: .utf8)
            #expect(ranged.output.contains("bytes 6-9/25") && part == "from", "\(ranged.output)")
            let beyond = try await aws(server, ["s3api", "get-object", "--bucket", "team-data", "--key", "readme.txt", "--range", "bytes=100-",
                                                download.path], as: developer)
            #expect(beyond.output.contains("InvalidRange"), "\(beyond.output)")
            let head = try await aws(server, ["s3api", "head-object", "--bucket", "team-data", "--key", "readme.txt", "--output", "json"], as: developer)
            let md5 = SAMLDigest.hex(SAMLDigest.md5(Array("hello from the developer\n".utf8)))
            #expect(head.output.contains("\"ContentLength\": 25") && head.output.contains(md5), "the ETag is the MD5: \(head.output)")
            let missingKey = try await aws(server, ["s3api", "get-object", "--bucket", "team-data", "--key", "nope", download.path], as: developer)
            #expect(missingKey.output.contains("NoSuchKey"), "\(missingKey.output)")
            let missingBucket = try await aws(server, ["s3", "ls", "s3://no-such-bucket-here/"], as: developer)
            #expect(missingBucket.output.contains("NoSuchBucket"), "\(missingBucket.output)")
            let notEmpty = try await aws(server, ["s3", "rb", "s3://team-data"], as: developer)
            #expect(notEmpty.status != 0 && notEmpty.output.contains("BucketNotEmpty"), "\(notEmpty.output)")
            #expect(try await aws(server, ["s3", "rm", "--recursive", "s3://team-data/"], as: developer).status == 0)
            #expect(try await aws(server, ["s3", "rb", "s3://team-data"], as: developer).status == 0)
            #expect(!(try await aws(server, ["s3", "ls"], as: developer)).output.contains("team-data"))
        }
    }

    @Test("who may not: an IAM-only user is refused with S3's text; an explicit Deny beats AmazonS3FullAccess on a real call")
    func denials() async throws {
        try await MockAWSApp.test(live: true) { server in
            let admin = MockAWSTests.admin
            #expect(try await aws(server, ["s3", "mb", "s3://prod-logs"], as: admin).status == 0)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString).txt")
            try Data("log\n".utf8).write(to: file)
            #expect(try await aws(server, ["s3", "cp", file.path, "s3://prod-logs/a.log"], as: admin).status == 0)
            _ = try await aws(server, ["iam", "create-user", "--user-name", "auditor"], as: admin)
            _ = try await aws(server, ["iam", "attach-user-policy", "--user-name", "auditor", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"], as: admin)
            let key = try permissions.json(await aws(server, ["iam", "create-access-key", "--user-name", "auditor", "--output", "json"], as: admin).output)["AccessKey"] as? [String: Any]
            let auditor = ["AWS_ACCESS_KEY_ID": key?["AccessKeyId"] as? String ?? "", "AWS_SECRET_ACCESS_KEY": key?["SecretAccessKey"] as? String ?? ""]
            let listing = try await aws(server, ["s3", "ls"], as: auditor)
            #expect(listing.status != 0 && listing.output.contains("AccessDenied")
                    && listing.output.contains("User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: s3:ListAllMyBuckets on resource: \"*\" because no identity-based policy allows the s3:ListAllMyBuckets action"),
                    "\(listing.output)")
            let deny = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::prod-*/*"}]}"#
            #expect(try await aws(server, ["iam", "put-role-policy", "--role-name", "Developer", "--policy-name", "KeepProd", "--policy-document", deny], as: admin).status == 0)
            let developer = try await permissions.signIn(server, role: "Developer")
            let refused = try await aws(server, ["s3", "rm", "s3://prod-logs/a.log"], as: developer)
            #expect(refused.status != 0 && refused.output.contains("AccessDenied")
                    && refused.output.contains("s3:DeleteObject on resource: \"arn:aws:s3:::prod-logs/a.log\" with an explicit deny in an identity-based policy"),
                    "\(refused.output)")
            #expect(try await aws(server, ["s3", "cp", "s3://prod-logs/a.log", "-"], as: developer).output == "log\n", "reading stays allowed")
            // Unsigned: S3 answers anonymous requests with AccessDenied.
            let anonymous = try await server.get("/prod-logs/a.log")
            #expect(anonymous.status == 403 && anonymous.body.contains("<Code>AccessDenied</Code>"), "\(anonymous.body)")
            // Signed for another region (raw, since botocore's S3 region redirector would retry for the right one), a
            // malformed escape, and a bucket name S3 refuses.
            func signed(_ method: String, _ path: String, region: String = "us-east-1") async throws -> ServerProcess.HTTPResult {
                var request = SigV4.Request(method: method, path: path, query: "", headers: [
                    (name: "Host", value: "127.0.0.1:\(URL(string: server.baseURL)?.port ?? 0)"),
                    (name: "x-amz-content-sha256", value: SAMLDigest.hex(SAMLDigest.sha256([]))),
                ], body: [])
                request = SigV4.sign(request, credentials: SigV4.Credentials(accessKeyID: admin["AWS_ACCESS_KEY_ID"] ?? "",
                                                                             secretAccessKey: admin["AWS_SECRET_ACCESS_KEY"] ?? ""),
                                     region: region, service: "s3", date: Date())
                return try await server.request(method, path, body: nil, headers: Dictionary(request.headers.map { ($0.name, $0.value) }) { $1 })
            }
            let wrongRegion = try await signed("GET", "/prod-logs", region: "eu-west-1")
            #expect(wrongRegion.status == 400 && wrongRegion.body.contains("<Code>AuthorizationHeaderMalformed</Code>")
                    && wrongRegion.body.contains("the region &#39;eu-west-1&#39; is wrong; expecting &#39;us-east-1&#39;"), "\(wrongRegion.body)")
            // A malformed escape in the path is refused (InvalidURI), never read as raw text; the HTTP client here
            // re-encodes a stray `%`, so the decoder is checked directly.
            #expect(throws: SAMLError.self) { try FormEncoding.decodePath("a%ZZ") }
            #expect(try FormEncoding.decodePath("a+b%2Fc") == "a+b/c")
            let badName = try await signed("PUT", "/Bad_Name")
            #expect(badName.status == 400 && badName.body.contains("<Code>InvalidBucketName</Code>"), "\(badName.status) \(badName.body)")
        }
    }

    @Test("boto3: put/get with metadata, ListObjectsV2 pages and delimiters, a virtual-hosted request signed for BUCKET.localhost")
    func boto3() async throws {
        try await MockAWSApp.test(live: true) { server in
            let script = """
                import sys, boto3
                s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
                s3.create_bucket(Bucket="pages")
                for i in range(7):
                    s3.put_object(Bucket="pages", Key=f"k/{i:02d} file+name.txt", Body=b"x" * i, Metadata={"team": "blue"})
                s3.put_object(Bucket="pages", Key="top.txt", Body=b"top", ContentType="text/plain")
                got = s3.get_object(Bucket="pages", Key="k/03 file+name.txt")
                print("meta", got["Metadata"], got["ContentLength"])
                keys, token, pages = [], None, 0
                while True:
                    args = {"Bucket": "pages", "Prefix": "k/", "MaxKeys": 3}
                    if token: args["ContinuationToken"] = token
                    r = s3.list_objects_v2(**args)
                    pages += 1
                    keys += [c["Key"] for c in r.get("Contents", [])]
                    if not r["IsTruncated"]: break
                    token = r["NextContinuationToken"]
                print("pages", pages, len(keys), keys[0], keys[-1])
                r = s3.list_objects_v2(Bucket="pages", Delimiter="/")
                print("top", [c["Key"] for c in r.get("Contents", [])], [p["Prefix"] for p in r.get("CommonPrefixes", [])], r["KeyCount"])
                print("type", s3.head_object(Bucket="pages", Key="top.txt")["ContentType"])
                """
            let output = try await server.run(["python3", "-c", script, server.baseURL], environment: MockAWSTests.admin.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
            #expect(output.output.contains("meta {'team': 'blue'} 3"), "\(output.output)")
            #expect(output.output.contains("pages 3 7 k/00 file+name.txt k/06 file+name.txt"), "\(output.output)")
            #expect(output.output.contains("top ['top.txt'] ['k/'] 2"), "\(output.output)")
            #expect(output.output.contains("type text/plain"), "\(output.output)")
            // Virtual-hosted addressing: the bucket in the Host header, signed as such.
            let base = URL(string: server.baseURL)
            let host = "pages.localhost:\(base?.port ?? 0)"
            var request = SigV4.Request(method: "GET", path: "/top.txt", query: "", headers: [
                (name: "Host", value: host), (name: "x-amz-content-sha256", value: SAMLDigest.hex(SAMLDigest.sha256([]))),
            ], body: [])
            request = SigV4.sign(request, credentials: SigV4.Credentials(accessKeyID: MockAWSTests.admin["AWS_ACCESS_KEY_ID"] ?? "",
                                                                         secretAccessKey: MockAWSTests.admin["AWS_SECRET_ACCESS_KEY"] ?? ""),
                                 region: "us-east-1", service: "s3", date: Date())
            let answer = try await server.request("GET", "/top.txt", body: nil, headers: Dictionary(request.headers.map { ($0.name, $0.value) }) { $1 })
            #expect(answer.status == 200 && answer.body == "top", "\(answer.status) \(answer.body)")
        }
    }

    @Test("Expect: 100-continue gets the interim 100 Continue before the body is sent, as botocore waits for on uploads")
    func expectContinue() async throws {
        try await MockAWSApp.test(live: true) { server in
            let port = URL(string: server.baseURL)?.port ?? 0
            // The head alone, then read: a server that does not answer 100 leaves the client waiting (botocore: 1 s).
            let script = """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
                s.sendall(b"PUT /bucket/key HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 3\\r\\nExpect: 100-continue\\r\\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\\r\\n\\r\\n")
                first = s.recv(200).split(b"\\r\\n")[0].decode()
                s.sendall(b"abc")
                rest = s.recv(2000).decode(errors="replace")
                print(first)
                print(rest.split("\\r\\n")[0])
                """
            let result = try await server.run(["python3", "-c", script, "\(port)"])
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.first == "HTTP/1.1 100 Continue", "\(result.output)")
            #expect(lines.dropFirst().first?.hasPrefix("HTTP/1.1 4") == true, "the forged signature is refused: \(result.output)")
            // No credential at all: refused on the head, with no invitation to send the body (as S3 does).
            let unsigned = """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
                s.sendall(b"PUT /bucket/key HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 3\\r\\nExpect: 100-continue\\r\\n\\r\\n")
                print(s.recv(200).split(b"\\r\\n")[0].decode())
                """
            let refused = try await server.run(["python3", "-c", unsigned, "\(port)"])
            #expect(refused.output.hasPrefix("HTTP/1.1 403"), "\(refused.output)")
        }
    }
}
