@testable import AWSFederation
import Foundation
import PropertyBased
import SAML
import Testing

/// Presigned URLs (SigV4 in the query string): what botocore's `generate_presigned_url` makes verifies here, ours
/// equals it, and every edit of a presigned URL, a stale or future one, or one valid longer than a week is refused.
@Suite("Signature Version 4 presigned URLs")
struct PresignedURLTests {
    static let credentials = SigV4Tests.credentials
    static let host = "127.0.0.1:4566"

    static func request(_ url: String) throws -> SigV4.Request {
        let components = try #require(URLComponents(string: url))
        return SigV4.Request(method: "GET", path: components.percentEncodedPath, query: components.percentEncodedQuery ?? "",
                             headers: [(name: "Host", value: host)])
    }

    static func verify(_ request: SigV4.Request, now: Date) throws(AWSError) -> SigV4.Verified {
        try SigV4.verifyPresigned(request, now: now, scope: { _, _ throws(AWSError) in }) { id in
            id == credentials.accessKeyID ? credentials : nil
        }
    }

    @Test("botocore's presigned URL verifies here, and ours is byte for byte botocore's")
    func botocore() throws {
        let script = """
            import sys
            import botocore.session
            from botocore.config import Config
            s = botocore.session.get_session()
            c = s.create_client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:4566", aws_access_key_id=sys.argv[1],
                                aws_secret_access_key=sys.argv[2], config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
            print(c.generate_presigned_url("get_object", Params={"Bucket": "team", "Key": "r\\u00e9sum\\u00e9 +1/a b.txt"}, ExpiresIn=600))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, Self.credentials.accessKeyID, Self.credentials.secretAccessKey]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let url = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        let theirs = try Self.request(url)
        let amzDate = try #require(theirs.query.split(separator: "&").first { $0.hasPrefix("X-Amz-Date=") }?.dropFirst("X-Amz-Date=".count))
        let signedAt = try #require(SigV4.parseDate(String(amzDate)))
        #expect(throws: Never.self) { _ = try Self.verify(theirs, now: signedAt.addingTimeInterval(599)) }
        let ours = SigV4.presign(SigV4.Request(method: "GET", path: theirs.path, headers: [(name: "Host", value: Self.host)]),
                                 credentials: Self.credentials, region: "us-east-1", service: "s3", date: signedAt, expires: 600)
        let signature = { (query: String) in query.split(separator: "&").first { $0.hasPrefix("X-Amz-Signature=") } }
        #expect(signature(ours.query) != nil && signature(ours.query) == signature(theirs.query), "\(ours.query) vs \(theirs.query)")
        #expect(throws: AWSError.self) { _ = try Self.verify(theirs, now: signedAt.addingTimeInterval(601)) }
    }

    @Test("any one-character edit of a presigned URL's path or query is refused", .timeLimit(.minutes(2)))
    func edits() async {
        let signedAt = Date(timeIntervalSince1970: 1_795_000_000)
        let url = SigV4.presign(SigV4.Request(method: "GET", path: "/team/reports/q4.txt", headers: [(name: "Host", value: Self.host)]),
                                credentials: Self.credentials, region: "us-east-1", service: "s3", date: signedAt, expires: 3600)
        let whole = Array((url.path + "?" + url.query).utf8)
        let replacements = Array("aZ0/%&=.-_~+".utf8)
        await propertyCheck(count: 1500, input: Gen.int(in: 0...(whole.count - 1)), Gen.element(of: replacements)) { (index: Int, byte: UInt8?) in
            guard let byte, whole[index] != byte else { return }
            var edited = whole
            edited[index] = byte
            let text = String(decoding: edited, as: UTF8.self)
            let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let request = SigV4.Request(method: "GET", path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                                        headers: [(name: "Host", value: Self.host)])
            #expect(throws: AWSError.self, "edited at \(index): \(text)") { _ = try Self.verify(request, now: signedAt.addingTimeInterval(10)) }
        }
    }

    @Test("S3's refusals: not yet valid, expired, over a week, repeated or missing parameters, a header beside the query, a session without its token")
    func refusals() throws {
        let signedAt = Date(timeIntervalSince1970: 1_795_000_000)
        func presigned(expires: Int = 60, credentials: SigV4.Credentials = Self.credentials) -> SigV4.Request {
            SigV4.presign(SigV4.Request(method: "GET", path: "/b/k", headers: [(name: "Host", value: Self.host)]),
                          credentials: credentials, region: "us-east-1", service: "s3", date: signedAt, expires: expires)
        }
        func code(_ request: SigV4.Request, at now: Date, lookup: SigV4.Credentials = Self.credentials) -> String {
            do {
                _ = try SigV4.verifyPresigned(request, now: now, scope: { _, _ throws(AWSError) in }) { $0 == lookup.accessKeyID ? lookup : nil }
                return "ok"
            } catch { return "\(error.code): \(error.message)" }
        }
        #expect(code(presigned(), at: signedAt.addingTimeInterval(60)) == "ok")
        #expect(code(presigned(), at: signedAt.addingTimeInterval(61)) == "AccessDenied: Request has expired")
        #expect(code(presigned(), at: signedAt.addingTimeInterval(-901)) == "AccessDenied: Request is not yet valid")
        #expect(code(presigned(expires: 604_801), at: signedAt).hasPrefix("AuthorizationQueryParametersError: X-Amz-Expires must be less than a week"))
        #expect(code(presigned(expires: 0), at: signedAt).hasPrefix("AuthorizationQueryParametersError"))
        var repeated = presigned()
        repeated.query += "&X-Amz-Expires=604800"
        #expect(code(repeated, at: signedAt).hasPrefix("AuthorizationQueryParametersError"))
        var missing = presigned()
        missing.query = missing.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Date=") }.joined(separator: "&")
        #expect(code(missing, at: signedAt).hasPrefix("AuthorizationQueryParametersError: Query-string authentication version 4 requires"))
        var doubled = presigned()
        doubled.headers.append((name: "Authorization", value: "AWS4-HMAC-SHA256 Credential=x"))
        #expect(code(doubled, at: signedAt).hasPrefix("InvalidArgument: Only one auth mechanism allowed"))
        // A session's URL carries its token; removing it is refused even with a valid signature over the rest.
        let session = SigV4.Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s", sessionToken: "token-1")
        #expect(code(presigned(credentials: session), at: signedAt, lookup: session) == "ok")
        let stripped = presigned(credentials: SigV4.Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s"))
        #expect(code(stripped, at: signedAt, lookup: session).hasPrefix("InvalidToken"))
        #expect(code(presigned(), at: signedAt, lookup: SigV4.Credentials(accessKeyID: "other", secretAccessKey: "x")).hasPrefix("InvalidAccessKeyId"))
    }
}
