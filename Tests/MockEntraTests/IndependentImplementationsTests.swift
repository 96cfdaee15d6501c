import Foundation
import SAML
import ServerTesting
import Testing

/// Parts nobody here wrote, on both sides: pysaml2 as an SP of mock-entra and as an IdP for mock-aws, and moto's STS
/// redeeming mock-entra's responses (python3-saml and xmlsec1 are in MockEntraServerTests).
@Suite("independent implementations around mock-entra and mock-aws", .serialized)
struct IndependentImplementationsTests {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess
    static let script = ServerProcess.repository.appendingPathComponent("Tests/Interop/pysaml2_interop.py").path

    @Test("pysaml2 as the SP, configured from mock-entra's metadata: accepts its response, refuses XSW3 and a foreign key")
    func pysaml2SP() async throws {
        try await MockEntraApp.test { entra in
            let metadata = entra.directory.appendingPathComponent("metadata.xml")
            try Data(try await entra.get(P.metadataPath).body.utf8).write(to: metadata)
            for (fault, accepted) in [(nil, true), ("xsw3", false), ("unknownKey", false), ("expired", false)] as [(String?, Bool)] {
                let file = entra.directory.appendingPathComponent("response-\(fault ?? "ok").b64")
                try Data(try await entra.hookResponse(fault: fault).utf8).write(to: file)
                let run = try await ServerProcess.runDetached(["python3", "-W", "ignore", Self.script, "sp", metadata.path, file.path])
                // The verdict is the last line; pysaml2 may log before it.
                let last = run.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
                let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(run.output)")
                #expect(json["ok"] as? Bool == accepted, "pysaml2 on \(fault ?? "a clean response"): \(run.output.prefix(300))")
                if accepted {
                    let ava = try #require(json["ava"] as? [String: [String]])
                    #expect(json["name_id"] as? String == "test-awsadmin@contoso.com" && ava["https://aws.amazon.com/SAML/Attributes/Role"] == [F.adminPair])
                }
            }
        }
    }

    @Test("pysaml2 as the IdP: its response verifies in the library and mock-aws, trusting its metadata, opens the session")
    func pysaml2IdP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pysaml2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("idp.key"), cert = directory.appendingPathComponent("idp.crt")
        let signing = try SigningKey.generateRSA()
        try signing.pem().write(to: key, atomically: true, encoding: .utf8)
        try Certificate.selfSigned(key: signing, subject: "CN=pysaml2.idp.example").pem.write(to: cert, atomically: true, encoding: .utf8)
        let metadata = directory.appendingPathComponent("metadata.xml"), response = directory.appendingPathComponent("response.xml")
        let made = try ServerProcess.run(["python3", "-W", "ignore", Self.script, "idp", key.path, cert.path, metadata.path, response.path])
        #expect(made.status == 0, "\(made.output)")
        let idp = try IdentityProviderMetadata.parse(Array(try Data(contentsOf: metadata)))
        #expect(idp.entityID == "https://pysaml2.idp.example/")
        let xml = Array(try Data(contentsOf: response))
        let verified = try await Verifier(trusting: idp.signingCertificates,
                                    serviceProvider: ServiceProvider(audiences: [F.awsSignIn], acsURLs: [F.awsSignIn], idpEntityID: idp.entityID))
            .verify(xml)
        #expect(verified.nameID?.value == "alice@pysaml2.example")
        // mock-aws with the provider "PySAML2" holding pysaml2's metadata; the Administrator role trusts it.
        let config = directory.appendingPathComponent("aws.json")
        try Data(#"{"providers": [{"name": "PySAML2", "metadataFile": "metadata.xml"}], "roles": [{"name": "Administrator"}]}"#.utf8).write(to: config)
        let aws = try ServerProcess("mock-aws", arguments: ["--config", config.path])
        let console = try await aws.consoleSignIn([("SAMLResponse", Data(xml).base64EncodedString())])
        #expect(console.signIn.status == 302 && console.session == "Administrator/alice@pysaml2.example @ 123456789012", "\(console.signIn.body.prefix(300))")
        let assumed = try await aws.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                                     ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                                     ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/PySAML2"),
                                                     ("SAMLAssertion", Data(xml).base64EncodedString())])
        #expect(assumed.status == 200 && assumed.body.contains("assumed-role/Administrator/alice@pysaml2.example"))
    }

    @Test("moto's STS redeems mock-entra's responses")
    func moto() async throws {
        try await MockEntraApp.test { entra in
            let response = try await entra.hookResponse("test-awsdeveloper@contoso.com")
            let script = """
                import sys, boto3
                from moto import mock_aws
                with mock_aws():
                    sts = boto3.client('sts', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
                    r = sts.assume_role_with_saml(RoleArn='arn:aws:iam::123456789012:role/Developer',
                                                  PrincipalArn='arn:aws:iam::123456789012:saml-provider/EntraID', SAMLAssertion=sys.argv[1])
                    print(r['AssumedRoleUser']['Arn'])
                """
            let run = try await ServerProcess.runDetached(["python3", "-W", "ignore", "-c", script, response])
            #expect(run.status == 0 && run.output.contains("assumed-role/Developer/test-awsdeveloper@contoso.com"), "\(run.output)")
        }
    }
}
