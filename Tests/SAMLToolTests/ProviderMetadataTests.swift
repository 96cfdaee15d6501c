import Foundation
import SAML
import Testing

/// `saml verify --aws` with one metadata file per IAM provider, as IAM holds them.
@Suite("saml verify --aws --metadata PROVIDER-ARN=FILE")
struct ProviderMetadataTests {
    static let providerA = "arn:aws:iam::123456789012:saml-provider/EntraID"
    static let providerB = "arn:aws:iam::123456789012:saml-provider/AppB"

    /// Entra-shaped metadata of one app: the tenant's issuer, that app's certificate.
    static func metadata(_ name: String, key: String, certificate: String) throws -> URL {
        let signer = try Signer(key: SigningKey(pem: String(contentsOf: Tool.keys.appendingPathComponent(key), encoding: .utf8)),
                                certificate: Certificate(pem: String(contentsOf: Tool.keys.appendingPathComponent(certificate), encoding: .utf8)))
        let xml = try EntraMetadata(tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", certificates: [signer.certificate])
            .xml(id: "_" + UUID().uuidString.lowercased(), signedWith: signer)
        let file = Tool.temporary(name)
        try Data(xml.utf8).write(to: file)
        return file
    }

    @Test("key B with app A's Role pair is refused; each app's own pair is accepted; two plain metadata files are ambiguous")
    func twoProviders() throws {
        let a = try Self.metadata("a.xml", key: "idp.key", certificate: "idp.crt")
        let b = try Self.metadata("b.xml", key: "idp-rollover.key", certificate: "idp-rollover.crt")
        let both = ["verify", "--aws", "--at", Tool.judged, "--metadata", "\(Self.providerA)=\(a.path)", "--metadata", "\(Self.providerB)=\(b.path)"]
        // From the corpus: app B's key signs Administrator,EntraID.
        let forged = try Tool.run(both + ["--json", Tool.vectors.appendingPathComponent("aws_cross_app_key.xml").path])
        #expect(forged.status == 1, "\(forged.out) \(forged.err)")
        let verdict = try Tool.json(forged.out)
        let error = try #require(verdict["error"] as? [String: Any])
        #expect(error["code"] as? String == "InvalidIdentityToken" && error["message"] as? String == "Response signature invalid")
        #expect((error["reason"] as? String)?.hasPrefix("aws.providerKeyMismatch") == true, "\(error)")
        // App A's own response, and app B's key signing app B's pair.
        let honestA = try Tool.run(both + [Tool.vectors.appendingPathComponent("valid_assertion_signed.xml").path])
        #expect(honestA.status == 0 && honestA.out.contains("Administrator/test-awsadmin@contoso.com @ 123456789012"), "\(honestA.out)")
        let honestB = try Tool.run(both + [Tool.vectors.appendingPathComponent("aws_app_b_own_role.xml").path])
        #expect(honestB.status == 0 && honestB.out.contains("AppBReader/test-awsadmin@contoso.com @ 123456789012"), "\(honestB.out)")
        // With one trust set for every provider (the old way), the forged response would pass: refuse the ambiguity.
        let ambiguous = try Tool.run(["verify", "--aws", "--metadata", a.path, "--metadata", b.path, Tool.vectors.appendingPathComponent("aws_cross_app_key.xml").path])
        #expect(ambiguous.status == 64 && ambiguous.err.contains("PROVIDER-ARN=SOURCE"), "\(ambiguous.err)")
        let unbound = try Tool.run(["verify", "--metadata", "\(Self.providerA)=\(a.path)", Tool.vectors.appendingPathComponent("valid_assertion_signed.xml").path])
        #expect(unbound.status == 64, "needs --aws: \(unbound.err)")
        let empty = try Tool.run(["verify", "--aws", "--metadata", "\(Self.providerA)=", Tool.vectors.appendingPathComponent("valid_assertion_signed.xml").path])
        #expect(empty.status == 64 && empty.err.contains("no metadata file or URL"), "\(empty.err)")
        let badAt = try Tool.run(["inspect", "--at", "2025-13-45T99:99:99Z", Tool.vectors.appendingPathComponent("valid_assertion_signed.xml").path])
        #expect(badAt.status == 64 && badAt.err.contains("--at"), "inspect --at: \(badAt.err)")
    }
}
