@testable import AWSFederation
import Foundation
import SAML
import Testing

@Suite("Signature Version 4")
struct SigV4Tests {
    static let credentials = SigV4.Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                               secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    /// A query-protocol request signed by botocore (the AWS CLI's and boto3's signer), as the server receives it.
    static func botocore(service: String, body: String, token: String? = nil) throws -> (request: SigV4.Request, date: Date) {
        let script = """
            import json, sys
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            a = json.loads(sys.stdin.read())
            req = AWSRequest(method='POST', url='http://127.0.0.1:4566/', data=a['body'],
                             headers={'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
            SigV4Auth(Credentials(a['key'], a['secret'], a.get('token')), a['service'], 'us-east-1').add_auth(req)
            print(json.dumps(dict(req.headers.items())))
            """
        var input: [String: String] = ["key": credentials.accessKeyID, "secret": credentials.secretAccessKey, "service": service, "body": body]
        if let token { input["token"] = token }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let headers = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String], "botocore signed nothing")
        var list = headers.map { (name: $0.key, value: $0.value) }
        list.append((name: "Host", value: "127.0.0.1:4566"))  // what the HTTP client adds on the wire
        let date = try #require(headers["X-Amz-Date"].flatMap { SigV4.parseDate($0) })
        return (SigV4.Request(method: "POST", path: "/", headers: list, body: Array(body.utf8)), date)
    }

    @Test("botocore's signatures verify here, and ours equal botocore's byte for byte", arguments: [
        ("iam", "Action=ListRoles&Version=2010-05-08", nil as String?),
        ("sts", "Action=GetCallerIdentity&Version=2011-06-15", "FQoGZXIvYXdzEXAMPLESESSIONTOKEN+/="),
        ("iam", "Action=CreateSAMLProvider&Name=EntraID&SAMLMetadataDocument=%3CEntityDescriptor%2F%3E&Version=2010-05-08", nil),
    ])
    func botocoreInterop(_ service: String, _ body: String, _ token: String?) throws {
        var credentials = Self.credentials
        credentials.sessionToken = token
        let (received, date) = try Self.botocore(service: service, body: body, token: token)
        let verified = try SigV4.verify(received, now: date) { key throws(AWSError) in key == credentials.accessKeyID ? credentials : nil }
        #expect(verified.accessKeyID == credentials.accessKeyID && verified.service == service && verified.region == "us-east-1")
        let unsigned = SigV4.Request(method: "POST", path: "/", headers: [
            (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"), (name: "Host", value: "127.0.0.1:4566"),
        ], body: Array(body.utf8))
        let ours = SigV4.sign(unsigned, credentials: credentials, region: "us-east-1", service: service, date: date)
        let authorization = { (r: SigV4.Request) in r.headers.first { $0.name.lowercased() == "authorization" }?.value }
        #expect(authorization(ours) != nil && authorization(ours) == authorization(received))
    }

    @Test("AWS's errors for unsigned, tampered, foreign, stale and token-less requests")
    func errors() throws {
        let (received, date) = try Self.botocore(service: "iam", body: "Action=ListRoles&Version=2010-05-08")
        let lookup: (String) throws(AWSError) -> SigV4.Credentials? = { key throws(AWSError) in key == Self.credentials.accessKeyID ? Self.credentials : nil }
        var tampered = received
        tampered.body = Array("Action=DeleteRole&RoleName=Administrator&Version=2010-05-08".utf8)
        do { _ = try SigV4.verify(tampered, now: date, lookup: lookup) } catch { #expect(error.code == "SignatureDoesNotMatch" && error.httpStatus == 403) }
        do {
            _ = try SigV4.verify(received, now: date) { _ throws(AWSError) in SigV4.Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wrong") }
            Issue.record("a wrong secret verified")
        } catch { #expect(error.code == "SignatureDoesNotMatch") }
        do { _ = try SigV4.verify(received, now: date) { _ throws(AWSError) in nil }; Issue.record("unknown key verified") }
        catch { #expect(error.code == "InvalidClientTokenId" && error.message == "The security token included in the request is invalid.") }
        do { _ = try SigV4.verify(received, now: date.addingTimeInterval(1000), lookup: lookup); Issue.record("stale request verified") }
        catch { #expect(error.code == "SignatureDoesNotMatch" && error.message.hasPrefix("Signature expired:")) }
        var unsigned = received
        unsigned.headers.removeAll { $0.name.lowercased() == "authorization" }
        do { _ = try SigV4.verify(unsigned, now: date, lookup: lookup); Issue.record("unsigned verified") }
        catch { #expect(error.code == "MissingAuthenticationToken") }
        // A claimed payload hash does not replace the body's own: a signed request's body cannot be swapped.
        var swapped = received
        swapped.headers.append((name: "X-Amz-Content-SHA256", value: SAMLDigest.hex(SAMLDigest.sha256(received.body))))
        swapped.body = Array("Action=DeleteRole&RoleName=Administrator&Version=2010-05-08".utf8)
        do { _ = try SigV4.verify(swapped, now: date, lookup: lookup); Issue.record("a swapped body verified") }
        catch { #expect(error.code == "XAmzContentSHA256Mismatch") }
        // The date must be a signed header: otherwise an old request could be made to look fresh.
        var undated = SigV4.Request(method: "POST", path: "/", headers: [
            (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"), (name: "Host", value: "127.0.0.1:4566"),
            (name: "X-Amz-Date", value: SigV4.amzDate(date)),
        ], body: Array("Action=ListRoles&Version=2010-05-08".utf8))
        let scope = "\(SigV4.amzDate(date).prefix(8))/us-east-1/iam/aws4_request"
        let signature = SigV4.signature(undated, signedHeaders: ["content-type", "host"], amzDate: SigV4.amzDate(date), scope: scope,
                                        secret: Self.credentials.secretAccessKey, region: "us-east-1", service: "iam")
        undated.headers.append((name: "Authorization", value:
            "AWS4-HMAC-SHA256 Credential=\(Self.credentials.accessKeyID)/\(scope), SignedHeaders=content-type;host, Signature=\(signature)"))
        do { _ = try SigV4.verify(undated, now: date, lookup: lookup); Issue.record("an unsigned date verified") }
        catch { #expect(error.code == "IncompleteSignature") }
        // Temporary credentials need their session token.
        do {
            _ = try SigV4.verify(received, now: date) { _ throws(AWSError) in
                SigV4.Credentials(accessKeyID: Self.credentials.accessKeyID, secretAccessKey: Self.credentials.secretAccessKey, sessionToken: "T")
            }
            Issue.record("a request without the session token verified")
        } catch { #expect(error.code == "InvalidClientTokenId") }
    }
}
