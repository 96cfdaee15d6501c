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
}
