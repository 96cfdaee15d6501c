import Foundation
import SAML
import SAMLTestVectors
import Testing

@Suite("TestVectors/ manifest")
struct TestVectorManifestTests {
    static func manifest() throws -> [TestVector] {
        let data = try Data(contentsOf: Fixtures.testVectors.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode([TestVector].self, from: data)
    }

    @Test("the manifest covers every rule with at least 30 rejections and all three signing modes")
    func coverage() throws {
        let manifest = try Self.manifest()
        let rejects = manifest.filter { $0.verdict == .reject }
        #expect(rejects.count >= 30)
        #expect(Set(rejects.compactMap(\.code)).count >= 30)
        for file in ["valid_assertion_signed.xml", "valid_response_signed.xml", "valid_both_signed.xml"] {
            #expect(manifest.contains { $0.file == file && $0.verdict == .valid })
        }
    }

    @Test("each entry is judged as the manifest says (AWS entries: AWSFederationTests)", arguments: try manifest().filter { $0.options.aws != true })
    func entry(_ vector: TestVector) throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.testVectors.appendingPathComponent(vector.file)))
        let certificates = try vector.trust.map { try Certificate(pem: Fixtures.key($0)) }
        let verifier = vector.verifier(certificates: certificates)
        do {
            let verified = try verifier.verify(bytes, inResponseTo: vector.options.requestID)
            #expect(vector.verdict == .valid, "\(vector.file) was accepted; expected \(vector.code ?? "")")
            if let nameID = vector.nameID { #expect(verified.nameID?.value == nameID) }
        } catch {
            #expect(vector.verdict == .reject, "\(vector.file) should verify: \(error)")
            #expect(error.code.rawValue == vector.code, "\(vector.file): \(error)")
            #expect(!error.message.isEmpty && error.expected != nil, "messages name what was expected")
        }
    }

    @Test("the committed files are exactly what the generator makes")
    func deterministic() throws {
        let (files, manifest) = try TestVectorCatalog(keysDirectory: Fixtures.keys).generate()
        for file in files {
            let committed = try Data(contentsOf: Fixtures.testVectors.appendingPathComponent(file.name))
            #expect(committed == Data(file.bytes), "TestVectors/\(file.name) differs from the generator's output")
        }
        #expect(try Self.manifest() == manifest)
    }
}
