// Example (c): mock-entra and mock-aws inside a Swift test, in-process, and the federated session asserted.
import Foundation
import LocalFederation
import Testing

@Suite("Example: Entra → AWS sign-in inside a test")
struct FederationExampleTests {
    @Test("both test users reach the AWS console with their role; the sign-in log records MFA")
    func consoleSessions() async throws {
        let sessions = try await LocalFederation.run { federation in
            [try await federation.consoleSignIn("test-awsadmin@contoso.com"),
             try await federation.consoleSignIn("test-awsdeveloper@contoso.com")]
        }
        #expect(sessions == ["Administrator/test-awsadmin@contoso.com @ 123456789012",
                             "Developer/test-awsdeveloper@contoso.com @ 123456789012"])
    }

    @Test("a user assigned two roles chooses one on AWS's role chooser")
    func roleChooser() async throws {
        let session = try await LocalFederation.run { federation in
            _ = try await federation.entra.assign(group: "AWS-Account1-Developers", roles: ["Developer,EntraID", "Administrator,EntraID"],
                                                  appID: "33333333-aaaa-4bbb-8ccc-000000000001")
            return try await federation.consoleSignIn("test-awsdeveloper@contoso.com", role: "Administrator")
        }
        #expect(session == "Administrator/test-awsdeveloper@contoso.com @ 123456789012")
    }

    @Test("what each session may do, as AWS answers: the Developer lists S3 but may not create IAM users")
    func permissions() async throws {
        let answers = try await LocalFederation.run { federation in
            let developer = try await federation.signIn("test-awsdeveloper@contoso.com")
            let admin = try await federation.signIn("test-awsadmin@contoso.com")
            return [try await federation.tryCalls(samlResponse: developer.samlResponse, role: "Developer"),
                    try await federation.tryCalls(samlResponse: admin.samlResponse, role: "Administrator")]
        }
        #expect(answers[0].map(\.call) == ["s3 ListBuckets", "iam CreateUser"])
        #expect(answers[0][0].answer == "allowed")
        #expect(answers[0][1].answer == "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/Developer/test-awsdeveloper@contoso.com "
                + "is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/demo-developer "
                + "because no identity-based policy allows the iam:CreateUser action")
        #expect(answers[1].map(\.answer) == ["allowed", "allowed"])
    }
}
