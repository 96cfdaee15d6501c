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
        var record: [VerificationCheck] = []
        do {
            let verified = try verifier.verify(bytes, inResponseTo: vector.options.requestID, diagnostics: { record.append($0) })
            #expect(vector.verdict == .valid, "\(vector.file) was accepted; expected \(vector.code ?? "")")
            if let nameID = vector.nameID { #expect(verified.nameID?.value == nameID) }
            #expect(record.map(\.name) == verifier.plan.map(\.name) && record.allSatisfy { $0.result == .passed })
        } catch {
            #expect(vector.verdict == .reject, "\(vector.file) should verify: \(error)")
            #expect(error.code.rawValue == vector.code, "\(vector.file): \(error)")
            #expect(!error.message.isEmpty && error.expected != nil, "messages name what was expected")
            // The record: the plan in order, one failed step carrying this error, passed before it, not reached after.
            #expect(record.map(\.name) == verifier.plan.map(\.name))
            let failed = record.firstIndex { $0.error != nil }
            #expect(failed.map { record[$0].error } == error && record.filter { $0.error != nil }.count == 1)
            if let failed {
                #expect(record[..<failed].allSatisfy { $0.result == .passed } && record[(failed + 1)...].allSatisfy { $0.result == .notReached })
                #expect(Self.step(of: error.code).map { $0 == record[failed].name } ?? true,
                        "\(vector.file): \(error.code) reported at \(record[failed].name)")
            }
        }
    }

    /// The step a code must be reported at, where the code says it unambiguously (an oracle independent of the
    /// verifier's own bookkeeping).
    static func step(of code: SAMLError.Code) -> String? {
        let raw = code.rawValue
        if raw.hasPrefix("parse.") || raw.hasPrefix("limit.") || raw.hasPrefix("input.") { return "document" }
        if raw.hasPrefix("status.") { return "status" }
        if raw.hasPrefix("audience.") { return "audience" }
        if raw == "issuer.mismatch" { return "issuer" }
        if raw == "issuer.missing" { return "content" }  // the schema requires it: the reader refuses its absence
        if raw.hasPrefix("inResponseTo.") { return "inResponseTo" }
        if raw.hasPrefix("destination.") { return "destination" }
        if raw.hasPrefix("subjectConfirmation.") { return "recipient" }
        if raw == "signature.digestMismatch" || raw == "signature.untrustedKey" || raw == "signature.invalid" { return "signature" }
        if raw == "signature.coverage" { return "signatureCoverage" }
        if raw == "time.expired" || raw == "time.notYetValid" || raw == "time.issuedInFuture" { return "time" }
        if raw == "structure.multipleAssertions" || raw == "structure.misplacedAssertion" { return "structure" }
        return nil
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
