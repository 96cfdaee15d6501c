import Foundation
import SAML
import Testing

/// Runs every folder of `../shared/vectors/` against its MANIFEST.md: each VALID file verifies at its "Valid at"
/// instant with the listed certificate and SP parameters, each REJECT (and POLICY, whose recommended answer is to
/// reject) is rejected. Shown as skipped (not passed) where `../shared` is absent.
@Suite("Third-party vectors (../shared/vectors)", .enabled(if: Fixtures.sharedVectorsAvailable, "../shared/vectors is absent"))
struct SharedVectorsTests {
    struct Entry: CustomStringConvertible {
        var folder: String
        var file: String
        var verdict: String
        var certificate: String?
        var instant: Date?
        var windowStart: Date?
        var audiences: [String] = []
        var acs: [String] = []
        var inResponseTo: String?
        var expectedNameID: String?
        var bareAssertion = false
        var signatureOnly = false
        var description: String { "\(folder)/\(file)" }
    }

    static var available: Bool { Fixtures.sharedVectorsAvailable }

    static func entries() throws -> [Entry] {
        guard available else { return [] }
        var all: [Entry] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: Fixtures.sharedVectors.path).sorted() {
            let manifest = Fixtures.sharedVectors.appendingPathComponent(folder).appendingPathComponent("MANIFEST.md")
            guard let text = try? Fixtures.text(manifest) else { continue }
            switch folder {
            case "generated": all += generated(text)
            case "entra-identitymodel": all += entra(text)
            default: all += sections(text, folder: folder)
            }
        }
        return all
    }

    /// `### \`file\`` sections with Verdict / Verify with / Valid at lines.
    static func sections(_ text: String, folder: String) -> [Entry] {
        var result: [Entry] = []
        for block in text.components(separatedBy: "\n### `").dropFirst() {
            let file = String(block.prefix { $0 != "`" })
            var entry = Entry(folder: folder, file: file, verdict: "")
            for line in block.split(separator: "\n").map(String.init) {
                if let v = capture(line, #"\*\*Verdict: ([A-Z\-/]+)"#) { entry.verdict = v }
                if line.contains("Verify with:"), let c = capture(line, #"Verify with: `([^`]+)`"#) { entry.certificate = c }
                if line.contains("Valid at:") {
                    entry.instant = capture(line, #"Valid at: `([^`]+)`"#).flatMap(SAMLInstant.parse)
                    entry.windowStart = capture(line, #"\(window ([0-9T:\-]+Z) \.\."#).flatMap(SAMLInstant.parse)
                    entry.audiences = param(line, "aud").map { $0.split(separator: ",").map(String.init) } ?? []
                    entry.acs = [param(line, "dest"), param(line, "rcpt")].compactMap { $0 }
                    entry.inResponseTo = param(line, "irt")
                }
                if line.contains("NameID:"), entry.verdict.hasPrefix("VALID"), let n = capture(line, #"NameID: `([^`]+)`"#), n != "-" {
                    entry.expectedNameID = n
                }
            }
            if entry.file.hasPrefix("okta_") { entry.signatureOnly = true }  // EncryptedAssertion; key not published
            result.append(entry)
        }
        return result
    }

    /// The generated folder: one table; bases R (google_idp.crt) and S (onelogin_settings1_idp.crt).
    static func generated(_ text: String) -> [Entry] {
        var result: [Entry] = []
        for line in text.split(separator: "\n").map(String.init) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 2 else { continue }
            let file = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let cert = cells[2]
            var entry = Entry(folder: "generated", file: file, verdict: file == "comment_benign_nameid.xml" ? "VALID" : "REJECT",
                              certificate: cert)
            if cert == "google_idp.crt" {
                entry.instant = SAMLInstant.parse("2016-01-05T16:55:39Z")
                entry.audiences = ["https://29ee6d2e.ngrok.io/saml/metadata"]
                entry.acs = ["https://29ee6d2e.ngrok.io/saml/acs"]
                entry.inResponseTo = "id-fd419a5ab0472645427f8e07d87a3a5dd0b2e9a6"
                if entry.verdict == "VALID" { entry.expectedNameID = "ross@octolabs.io" }
            } else {
                entry.instant = SAMLInstant.parse("2014-03-31T00:37:16Z")
                entry.audiences = ["https://pitbulk.no-ip.org/newonelogin/demo1/metadata.php"]
                entry.acs = ["https://pitbulk.no-ip.org/newonelogin/demo1/index.php?acs"]
                entry.inResponseTo = "ONELOGIN_612bbf9b1645294aa0b4637b1bc5f39de8b79ceb"
            }
            result.append(entry)
        }
        return result
    }

    /// Genuine Entra assertions: bare `<saml:Assertion>`s (WS-Federation audience, no SubjectConfirmationData).
    static func entra(_ text: String) -> [Entry] {
        var result: [Entry] = []
        for line in text.split(separator: "\n").map(String.init) where line.hasPrefix("| `entra_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let file = String(cells[0].dropFirst().prefix { $0 != "`" })
            let instant = capture(cells[3], #"^([0-9T:\-]+Z)"#).flatMap(SAMLInstant.parse)
            result.append(Entry(folder: "entra-identitymodel", file: file, verdict: "VALID",
                                certificate: "entra_accounts_accesscontrol_2017.crt", instant: instant,
                                audiences: ["spn:fe78e0b4-6fe7-47e6-812c-fb75cee266a4"],
                                expectedNameID: "RrX3SPSxDw6z4KHaKB2V_mnv0G-LbRZdYvo1RQa1L7s", bareAssertion: true))
        }
        return result
    }

    static func capture(_ s: String, _ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
              let r = Range(m.range(at: 1), in: s) else { return nil }
        return String(s[r])
    }

    static func param(_ line: String, _ name: String) -> String? {
        guard let v = capture(line, name + #"=([^;]*)"#)?.trimmingCharacters(in: .whitespaces), v != "-" else { return nil }
        return v
    }

    /// Reads the message (raw XML or base64) of an entry.
    static func message(_ entry: Entry) throws -> [UInt8] {
        let url = Fixtures.sharedVectors.appendingPathComponent(entry.folder).appendingPathComponent(entry.file)
        let data = try Data(contentsOf: url)
        if entry.file.hasSuffix(".b64") || entry.file.hasSuffix(".base64") {
            let compact = data.filter { ![10, 13, 32, 9].contains($0) }
            return [UInt8](Data(base64Encoded: compact) ?? Data())
        }
        return [UInt8](data)
    }

    /// The trusted certificate: a PEM/DER file, or the signing certificate of an IdP metadata file.
    static func certificates(_ entry: Entry) throws -> [Certificate] {
        guard let name = entry.certificate, name != "-" else { return [Fixtures.attackerCertificate] }
        let url = Fixtures.sharedVectors.appendingPathComponent(entry.folder).appendingPathComponent(name)
        let text = try Fixtures.text(url)
        if text.contains("EntityDescriptor") {
            return try IdentityProviderMetadata.parse(Array(text.utf8)).signingCertificates
        }
        return try Certificate.all(pem: text)
    }

    static func verifier(_ entry: Entry) throws -> Verifier {
        var instant = entry.instant ?? Date(timeIntervalSince1970: 0)
        if entry.verdict.hasPrefix("VALID"), let start = entry.windowStart, instant < start.addingTimeInterval(-180) {
            print("NOTICE: \(entry): manifest instant precedes the validity window; judged at its start \(SAMLInstant.format(start))")
            instant = start
        }
        var policies: [any VerificationPolicy] = [SignatureCoveragePolicy(.any)]
        if !entry.audiences.isEmpty { policies.append(AudiencePolicy(Set(entry.audiences))) }
        if !entry.acs.isEmpty {
            policies.append(DestinationPolicy(Set(entry.acs)))
            policies.append(RecipientPolicy(Set(entry.acs)))
        }
        policies.append(TimeWindowPolicy(skew: 180))
        if !entry.bareAssertion { policies.append(InResponseToPolicy()) }
        return Verifier(unsafeTrusting: try certificates(entry), policies: policies, algorithms: AlgorithmPolicy(allowSHA1: true),
                        clock: FixedClock(instant))
    }

    @Test("every VALID verifies and every REJECT is rejected", arguments: try entries())
    func vector(_ entry: Entry) throws {
        let bytes = try Self.message(entry)
        let verifier = try Self.verifier(entry)
        var outcome: Result<VerifiedResponse?, SAMLError>
        do {
            if entry.signatureOnly {
                _ = try verifier.verifySignatures(bytes)
                outcome = .success(nil)
            } else if entry.bareAssertion {
                // Entra's default shape: an assertion-signed, unsigned Response around it.
                #expect(try verifier.verifySignatures(bytes) == .assertion)
                var xml = String(decoding: bytes, as: UTF8.self)
                if xml.hasPrefix("<?xml"), let end = xml.range(of: "?>") { xml = String(xml[end.upperBound...]) }
                let wrapped = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_wrapper\" Version=\"2.0\" IssueInstant=\"2017-01-01T00:00:00Z\"><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>\(xml)</samlp:Response>"
                outcome = .success(try verifier.verify(wrapped, inResponseTo: nil))
            } else {
                outcome = .success(try verifier.verify(bytes, inResponseTo: entry.inResponseTo))
            }
        } catch {
            outcome = .failure(error)
        }
        switch (entry.verdict.hasPrefix("VALID"), outcome) {
        case (true, .success(let verified)):
            if let expected = entry.expectedNameID, let verified {
                #expect(verified.nameID?.value.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
            }
        case (true, .failure(let error)):
            Issue.record("\(entry) should verify: \(error)")
        case (false, .success):
            Issue.record("\(entry) (\(entry.verdict)) was accepted")
        case (false, .failure(let error)):
            print("rejected \(entry): \(error.code) — \(error.message.prefix(160))")
        }
    }

    @Test("an expired fixture is rejected at the real time")
    func expiredAtRealTime() throws {
        guard var entry = try Self.entries().first(where: { $0.file == "double_signed_response_expired.xml.base64" }) else {
            Issue.record("fixture missing from the manifest")
            return
        }
        entry.instant = Date()
        entry.windowStart = nil
        expectError(.timeExpired) {
            try Self.verifier(entry).verify(try Self.message(entry), inResponseTo: entry.inResponseTo)
        }
    }
}
