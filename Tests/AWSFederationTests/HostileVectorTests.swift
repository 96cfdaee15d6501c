import AWSFederation
import Foundation
import SAML
import Testing

/// The manifest's `aws` entries, judged as AWS's sign-in endpoint judges them in the corpus account (MANIFEST.md).
@Suite("TestVectors/ manifest: AWS entries")
struct HostileVectorTests {
    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        struct Options: Decodable, Sendable { var aws: Bool?; var awsCode: String?; var sessions: [String]? }
        var file: String
        var verdict: String
        var code: String?
        var instant: String
        var options: Options
        var testDescription: String { file }
    }

    /// The corpus account's Developer: trusts EntraID for AssumeRoleWithSAML and TagSession, no condition.
    static let developer = IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/Developer")!, uniqueID: "AROADEVELOPEREXAMPLE",
                                   trustPolicy: try! TrustPolicy(json: """
                                       {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\(AWSFixtures.providerARN)"},\
                                       "Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}]}
                                       """))

    static func entries() throws -> [Entry] {
        let data = try Data(contentsOf: AWSFixtures.keys.deletingLastPathComponent().appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode([Entry].self, from: data).filter { $0.options.aws == true }
    }

    @Test("at least 100 entries for issue 11's rules, across their categories")
    func coverage() throws {
        let data = try Data(contentsOf: AWSFixtures.keys.deletingLastPathComponent().appendingPathComponent("manifest.json"))
        let all = try JSONDecoder().decode([Entry].self, from: data)
        let categories = ["aws_", "limit_", "lex_", "encoding_", "url_", "destination_", "session_", "tag_"]
        let new = all.filter { entry in categories.contains { entry.file.hasPrefix($0) } }
        #expect(new.count >= 100)
        for category in categories { #expect(new.contains { $0.file.hasPrefix(category) }, "\(category)") }
    }

    @Test("each AWS entry is judged as the manifest says", arguments: try entries())
    func entry(_ entry: Entry) throws {
        let bytes = try Data(contentsOf: AWSFixtures.keys.deletingLastPathComponent().appendingPathComponent(entry.file))
        let federation = AWSFederation(providers: [TwoApps.providerA, TwoApps.providerB],
                                       roles: [AWSFixtures.role("Administrator"), Self.developer, TwoApps.roleB],
                                       clock: FixedClock(entry.instant)!)
        do {
            let sessions = try federation.signIn(samlResponse: bytes.base64EncodedString())
            #expect(entry.verdict == "VALID", "\(entry.file) was accepted; expected \(entry.code ?? "")")
            if let expected = entry.options.sessions { #expect(sessions.map(\.session.consoleDisplay) == expected) }
        } catch {
            #expect(entry.verdict == "REJECT", "\(entry.file) should be accepted: \(error)")
            #expect(error.cause?.code.rawValue == entry.code, "\(entry.file): \(error)")
            #expect(error.code == entry.options.awsCode, "\(entry.file): \(error)")
        }
    }
}
