import Foundation
import SAML
import ServerTesting
import Testing

/// Two apps of one Entra tenant as two IAM providers of mock-aws: the same Issuer, each its own key.
@Suite("mock-aws: a Role pair is only as good as its own provider's keys", .serialized)
struct ProviderKeyTests {
    static let keyB = try! Signer(key: SigningKey(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("idp-rollover.key"), encoding: .utf8)),
                                  certificate: Certificate(pem: String(contentsOf: MockAWSProcess.keys.appendingPathComponent("idp-rollover.crt"), encoding: .utf8)))
    static let pairB = "arn:aws:iam::123456789012:role/AppBReader,arn:aws:iam::123456789012:saml-provider/AppB"

    /// A configuration with providers EntraID (idp.crt) and AppB (idp-rollover.crt), and a role for each.
    static func configuration() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mock-aws-two-apps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (file, signer) in [("a.xml", MockAWSProcess.signer), ("b.xml", keyB)] {
            let xml = try EntraMetadata(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", certificates: [signer.certificate])
                .xml(id: "_" + UUID().uuidString.lowercased(), signedWith: signer)
            try Data(xml.utf8).write(to: directory.appendingPathComponent(file))
        }
        let wizard = { (provider: String) in
            ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Principal": ["Federated": "arn:aws:iam::123456789012:saml-provider/\(provider)"],
                                                      "Action": "sts:AssumeRoleWithSAML"]]] as [String: Any]
        }
        let configuration: [String: Any] = [
            "providers": [["name": "EntraID", "metadataFile": "a.xml"], ["name": "AppB", "metadataFile": "b.xml"]],
            "roles": [["name": "Administrator", "trustPolicy": wizard("EntraID")], ["name": "AppBReader", "trustPolicy": wizard("AppB")]],
        ]
        let file = directory.appendingPathComponent("mock-aws.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        return file
    }

    @Test("key B + Administrator,EntraID: refused on the console and STS with AWS's text; the audit names the verifying provider")
    func crossApp() async throws {
        try await MockAWSApp.test(metadata: nil, config: try Self.configuration()) { server in
            let forged = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.adminPair], signer: Self.keyB)
            let console = try await server.post("/saml", form: [("SAMLResponse", forged)])
            #expect(console.status == 400 && console.body.contains("InvalidIdentityToken") && console.body.contains("aws.providerKeyMismatch"),
                    "\(console.body.prefix(800))")
            let sts = try await server.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                                       ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                       ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"), ("SAMLAssertion", forged)])
            #expect(sts.status == 400 && sts.body.contains("<Code>InvalidIdentityToken</Code>") && sts.body.contains("Response signature invalid"),
                    "\(sts.body)")
            // App B's own pair with its own key signs in, and the audit event names AppB and B's certificate.
            let honest = try MockAWSProcess.samlResponse(roles: [Self.pairB], signer: Self.keyB)
            let opened = try await server.consoleSignIn([("SAMLResponse", honest)])
            #expect(opened.signIn.status == 302 && opened.session == "AppBReader/test-awsadmin@contoso.com @ 123456789012", "\(opened.signIn.body.prefix(400))")
            let events = try await server.server.auditEvents()
            let success = try #require(events.last { $0["eventName"] as? String == "ConsoleLogin" && $0["errorCode"] == nil })
            #expect((success["userIdentity"] as? [String: Any])?["identityProvider"] as? String == "arn:aws:iam::123456789012:saml-provider/AppB")
            #expect(success["signingCertificates"] as? [String] == [Self.keyB.certificate.sha256Thumbprint], "\(success)")
        }
    }
}
