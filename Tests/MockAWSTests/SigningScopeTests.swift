import AWSFederation
import Foundation
import ServerTesting
import Testing

/// The credential scope of a SigV4 signature must name the service and region the request is for, as on AWS, and
/// the audit trail is read only with a signature (the README's "Security rules").
@Suite("mock-aws: signing scope and the audit trail", .serialized)
struct SigningScopeTests {
    static let listRoles = "Action=ListRoles&Version=2010-05-08"
    static let callerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"

    func code(_ result: ServerProcess.HTTPResult) -> String {
        guard let start = result.body.range(of: "<Code>"), let end = result.body.range(of: "</Code>") else { return "" }
        return String(result.body[start.upperBound..<end.lowerBound])
    }

    func message(_ result: ServerProcess.HTTPResult) -> String {
        guard let start = result.body.range(of: "<Message>"), let end = result.body.range(of: "</Message>") else { return "" }
        return String(result.body[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&#39;", with: "'")
    }

    @Test("IAM signed for sts, or for eu-west-1, is refused with AWS's texts; for iam in us-east-1 it is served")
    func iamScope() async throws {
        try await MockAWSApp.test { app in
            let aws = app.server
            let good = try await aws.signed("POST", "/", body: Self.listRoles, service: "iam")
            #expect(good.status == 200 && good.body.contains("<RoleName>Administrator</RoleName>"), "\(good.body.prefix(300))")

            let wrongService = try await aws.signed("POST", "/", body: Self.listRoles, service: "sts")
            #expect(wrongService.status == 403 && code(wrongService) == "SignatureDoesNotMatch", "\(wrongService.body)")
            #expect(message(wrongService) == "Credential should be scoped to correct service: 'iam'. ")
            #expect(wrongService.body.contains("<Type>Sender</Type>") && wrongService.body.contains("https://iam.amazonaws.com/doc/2010-05-08/"))

            let wrongRegion = try await aws.signed("POST", "/", body: Self.listRoles, region: "eu-west-1", service: "iam")
            #expect(wrongRegion.status == 403 && code(wrongRegion) == "SignatureDoesNotMatch", "\(wrongRegion.body)")
            #expect(message(wrongRegion) == "Credential should be scoped to a valid region, not 'eu-west-1'. ")

            let both = try await aws.signed("POST", "/", body: Self.listRoles, region: "eu-west-1", service: "s3")
            #expect(message(both) == "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'iam'. ")
            // A write action too, not only ListRoles.
            let create = try await aws.signed("POST", "/", body: "Action=CreateUser&Version=2010-05-08&UserName=mallory", service: "sts")
            #expect(create.status == 403 && message(create) == "Credential should be scoped to correct service: 'iam'. ")
        }
    }

    @Test("STS GetCallerIdentity signed for iam, or for another region, is refused; signed for sts in its region it is served")
    func stsScope() async throws {
        try await MockAWSApp.test { app in
            let aws = app.server
            let good = try await aws.signed("POST", "/", body: Self.callerIdentity, service: "sts")
            #expect(good.status == 200 && good.body.contains("<Arn>arn:aws:iam::123456789012:user/admin</Arn>"), "\(good.body)")

            let wrongService = try await aws.signed("POST", "/", body: Self.callerIdentity, service: "iam")
            #expect(wrongService.status == 403 && code(wrongService) == "SignatureDoesNotMatch", "\(wrongService.body)")
            #expect(message(wrongService) == "Credential should be scoped to correct service: 'sts'. ")
            #expect(wrongService.body.contains("https://sts.amazonaws.com/doc/2011-06-15/"))

            let wrongRegion = try await aws.signed("POST", "/", body: Self.callerIdentity, region: "eu-west-1", service: "sts")
            #expect(wrongRegion.status == 403 && message(wrongRegion) == "Credential should be scoped to a valid region. ", "\(wrongRegion.body)")
        }
    }

    @Test("--region eu-west-1: STS takes eu-west-1 and the global endpoint's us-east-1, not eu-central-1; IAM stays us-east-1")
    func servedRegion() async throws {
        try await MockAWSApp.test(region: "eu-west-1") { app in
            let aws = app.server
            for region in ["eu-west-1", "us-east-1"] {
                let result = try await aws.signed("POST", "/", body: Self.callerIdentity, region: region, service: "sts")
                #expect(result.status == 200, "\(region): \(result.body)")
            }
            let other = try await aws.signed("POST", "/", body: Self.callerIdentity, region: "eu-central-1", service: "sts")
            #expect(other.status == 403 && message(other) == "Credential should be scoped to a valid region. ")
            let iam = try await aws.signed("POST", "/", body: Self.listRoles, region: "eu-west-1", service: "iam")
            #expect(iam.status == 403 && message(iam) == "Credential should be scoped to a valid region, not 'eu-west-1'. ")
            #expect(try await aws.auditEvents(region: "eu-west-1").isEmpty)
        }
    }

    @Test("GET /audit: unsigned 403 MissingAuthenticationToken; signed for cloudtrail 200 (IAM key or STS session); other scopes refused")
    func auditTrail() async throws {
        try await MockAWSApp.test { app in
            let aws = app.server
            let unsigned = try await aws.get("/audit")
            #expect(unsigned.status == 403 && code(unsigned) == "MissingAuthenticationToken", "\(unsigned.body)")
            #expect(message(unsigned) == "Request is missing Authentication Token" && !unsigned.body.contains("eventName"))

            // One event, so there is something to read.
            let assumed = try await aws.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                                         ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                         ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"),
                                                         ("SAMLAssertion", try MockAWSProcess.samlResponse())])
            #expect(assumed.status == 200, "\(assumed.body.prefix(300))")
            let signed = try await aws.signed("GET", "/audit", service: "cloudtrail")
            #expect(signed.status == 200 && signed.body.contains("\"eventName\":\"AssumeRoleWithSAML\""), "\(signed.body.prefix(300))")

            // Any credential of the account: the session STS just issued.
            func tag(_ name: String) -> String {
                guard let start = assumed.body.range(of: "<\(name)>"), let end = assumed.body.range(of: "</\(name)>") else { return "" }
                return String(assumed.body[start.upperBound..<end.lowerBound])
            }
            let session = SigV4.Credentials(accessKeyID: tag("AccessKeyId"), secretAccessKey: tag("SecretAccessKey"), sessionToken: tag("SessionToken"))
            #expect(try await aws.auditEvents(credentials: session).count == 1)

            for (region, service) in [("us-east-1", "sts"), ("us-east-1", "iam"), ("eu-west-1", "cloudtrail")] {
                let refused = try await aws.signed("GET", "/audit", region: region, service: service)
                #expect(refused.status == 403 && code(refused) == "SignatureDoesNotMatch" && !refused.body.contains("eventName"),
                        "\(region)/\(service): \(refused.body)")
            }
            let wrongKey = try await aws.signed("GET", "/audit", credentials: SigV4.Credentials(accessKeyID: "AKIAMOCKAWSADMIN0001", secretAccessKey: "wrong"),
                                                service: "cloudtrail")
            #expect(wrongKey.status == 403 && code(wrongKey) == "SignatureDoesNotMatch")
        }
    }
}
