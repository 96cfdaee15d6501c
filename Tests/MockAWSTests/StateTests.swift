import AWSFederation
import Foundation
@testable import MockAWS
import SAML
import Testing

@Suite("mock-aws state")
struct StateTests {
    @Test("temporary credentials are refused with AWS's ExpiredToken once they expire")
    func expiredCredentials() async throws {
        let state = try AWSState(account: DefaultAccount.account)
        try await DefaultAccount.seed(state, metadata: String(contentsOf: MockAWSProcess.repository
            .appendingPathComponent("TestVectors/entra_federationmetadata.xml"), encoding: .utf8))
        let issued = try #require(FixedClock("2025-05-01T12:00:00Z"))
        let user = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: "test-awsadmin@contoso.com",
                                    displayName: "T", givenName: "T", surname: "A", roles: [MockAWSProcess.adminPair])
        let saml = Data(try MockAWSProcess.signer.signedBytes(user.response(clock: issued, ids: RandomIDGenerator()))).base64EncodedString()
        let result = try await state.federation(clock: FixedClock("2025-05-01T12:00:10Z")!).assumeRoleWithSAML(AssumeRoleWithSAMLRequest(
            samlAssertion: saml, roleARN: "arn:aws:iam::123456789012:role/Administrator", principalARN: DefaultAccount.providerARN,
            durationSeconds: 900))
        let session = await state.issueSession(for: result)
        let valid = try await state.caller(accessKeyID: session.credentials.accessKeyID, now: result.expiration.addingTimeInterval(-1))
        #expect(valid?.arn == "arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com")
        do {
            _ = try await state.caller(accessKeyID: session.credentials.accessKeyID, now: result.expiration)
            Issue.record("expired credentials accepted")
        } catch {
            #expect(error.code == "ExpiredToken" && error.message == "The security token included in the request is expired" && error.httpStatus == 403)
        }
    }
}

@Suite("mock-aws memory bounds")
struct BoundsTests {
    @Test("the oldest sessions and in-memory audit events are dropped beyond the bounds")
    func bounds() async throws {
        let state = try AWSState(account: DefaultAccount.account, maxSessions: 3, maxAuditEventsInMemory: 2)
        try await DefaultAccount.seed(state, metadata: String(contentsOf: MockAWSProcess.repository
            .appendingPathComponent("TestVectors/entra_federationmetadata.xml"), encoding: .utf8))
        let user = EntraAWSResponse(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "o", userPrincipalName: "test-awsadmin@contoso.com",
                                    displayName: "T", givenName: "T", surname: "A", roles: [MockAWSProcess.adminPair])
        let issued = try #require(FixedClock("2025-05-01T12:00:00Z"))
        let saml = Data(try MockAWSProcess.signer.signedBytes(user.response(clock: issued, ids: RandomIDGenerator()))).base64EncodedString()
        let result = try await state.federation(clock: FixedClock("2025-05-01T12:00:10Z")!).assumeRoleWithSAML(AssumeRoleWithSAMLRequest(
            samlAssertion: saml, roleARN: "arn:aws:iam::123456789012:role/Administrator", principalARN: DefaultAccount.providerARN))
        var keys: [String] = []
        for _ in 0..<5 { keys.append(await state.issueSession(for: result).credentials.accessKeyID) }
        let now = result.expiration.addingTimeInterval(-10)
        #expect(try await state.caller(accessKeyID: keys[0], now: now) == nil)
        #expect(try await state.caller(accessKeyID: keys[1], now: now) == nil)
        #expect(try await state.caller(accessKeyID: keys[4], now: now) != nil)
        #expect(await state.sessions.count == 3)
        let event = AuditEvent(eventTime: "t", eventSource: "s", eventName: "n", awsRegion: "r", sourceIPAddress: "i",
                               userIdentity: .init(type: "SAMLUser"), requestID: "x")
        for _ in 0..<3000 { await state.record(event) }
        #expect(await state.auditEvents.count <= 2 + 1024)
    }
}

@Suite("S3 store")
struct S3StoreTests {
    @Test("objects kept in a directory come back after a restart, with their metadata; deleted ones do not")
    func directory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s3-store-\(UUID().uuidString)")
        let first = try AWSState(account: DefaultAccount.account, s3Directory: directory)
        try await first.withS3 { (store) throws(S3Error) in
            try store.createBucket("kept", now: Date())
            _ = try store.put(Array("one".utf8), bucket: "kept", key: "a/b c+d.txt", contentType: "text/plain", metadata: ["team": "blue"], now: Date())
            _ = try store.put(Array("two".utf8), bucket: "kept", key: "gone", contentType: nil, metadata: [:], now: Date())
            try store.delete(bucket: "kept", key: "gone")
        }
        let second = try AWSState(account: DefaultAccount.account, s3Directory: directory)
        let object = try await second.s3.object(bucket: "kept", key: "a/b c+d.txt")
        #expect(object.data == Array("one".utf8) && object.contentType == "text/plain" && object.metadata == ["team": "blue"])
        #expect(await second.s3.buckets["kept"]?.objects.keys.sorted().map(\.string) == ["a/b c+d.txt"])
    }

    @Test("a bucket one already owns: 200 in us-east-1, BucketAlreadyOwnedByYou elsewhere; keys compared byte for byte")
    func ownership() throws {
        var store = S3Store()
        try store.createBucket("b-one", now: Date(), region: "us-east-1")
        try store.createBucket("b-one", now: Date(), region: "us-east-1")
        #expect(throws: S3Error.self) { try store.createBucket("b-one", now: Date(), region: "eu-west-1") }
        _ = try store.put(Array("pre".utf8), bucket: "b-one", key: "r\u{e9}sum\u{e9}", contentType: nil, metadata: [:], now: Date())
        _ = try store.put(Array("de".utf8), bucket: "b-one", key: "re\u{301}sume\u{301}", contentType: nil, metadata: [:], now: Date())
        #expect(try store.object(bucket: "b-one", key: "r\u{e9}sum\u{e9}").data == Array("pre".utf8), "two keys, as S3 has them")
        #expect(store.buckets["b-one"]?.objects.count == 2)
    }

    @Test("bucket names follow S3's rules")
    func names() {
        for good in ["abc", "my-bucket.logs", "a1b", String(repeating: "a", count: 63)] { #expect(S3Store.isValidBucketName(good), "\(good)") }
        for bad in ["ab", "ABC", "my_bucket", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc", "abc-s3alias", String(repeating: "a", count: 64)] {
            #expect(!S3Store.isValidBucketName(bad), "\(bad)")
        }
    }
}
