import Foundation
import SAML
import Synchronization
import Testing

/// One shared `Verifier` used from many tasks at once: every verdict, and every error message libxml2 or libxmlsec1
/// reported, must be the one a serial run gives. The messages come from the shim's error capture, so this fails if
/// that capture (or any other C-library state) were shared between threads: a refusal would carry another thread's
/// message, or an accepted message would pick up a stale error.
@Suite("Concurrent verification with one Verifier")
struct ConcurrentVerificationTests {
    /// What verifying one input gives: accepted (with the NameID read) or refused (code and the text found).
    enum Verdict: Equatable, Sendable {
        case accepted(nameID: String?, signed: SignedElements)
        case refused(SAMLError.Code, found: String?)
    }

    static func verdict(_ verifier: Verifier, _ xml: [UInt8]) -> Verdict {
        do {
            let verified = try verifier.verify(xml)
            return .accepted(nameID: verified.nameID?.value, signed: verified.signedElements)
        } catch {
            return .refused(error.code, found: error.found)
        }
    }

    /// Accepted inputs and refusals from different stages: the parser (libxml2 messages), xmlsec (its messages),
    /// the signature checks and the policies.
    static func inputs() throws -> [(name: String, xml: [UInt8], expected: SAMLError.Code?)] {
        let signer = Fixtures.signer
        let good = try signer.sign(Fixtures.response(), mode: .assertion)
        let both = try signer.sign(Fixtures.response(seed: 2), mode: .both)
        let attacker = try Signer(key: Fixtures.attackerKey, certificate: Fixtures.attackerCertificate).sign(Fixtures.response())
        guard let valueStart = good.range(of: "SignatureValue>")?.upperBound else { throw SAMLError(.signatureMissing, "no SignatureValue") }
        var badValue = good
        badValue.replaceSubrange(valueStart..<good.index(valueStart, offsetBy: 4), with: "AAAA")
        var notBase64 = good
        notBase64.replaceSubrange(valueStart..<good.index(valueStart, offsetBy: 4), with: "!!!!")
        let wrongAudience = try signer.sign(Fixtures.response(seed: 3) { response in
            response.assertion?.conditions?.audienceRestrictions = [["urn:example:someone-else"]]
        }, mode: .assertion)
        return [
            ("valid, assertion signed", Array(good.utf8), nil),
            ("valid, both signed", Array(both.utf8), nil),
            ("content changed after signing", Array(good.replacingOccurrences(of: "test-awsadmin@", with: "evil@").utf8),
             .signatureDigestMismatch),
            ("signed by an untrusted key", Array(attacker.utf8), .signatureUntrustedKey),
            ("SignatureValue changed", Array(badValue.utf8), .signatureInvalid),
            ("SignatureValue not base64 (an xmlsec error)", Array(notBase64.utf8), .signatureMalformed),
            ("wrong audience", Array(wrongAudience.utf8), .audienceMismatch),
            ("DOCTYPE", Array("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>".utf8), .parseDTDForbidden),
            ("mismatched end tag (a libxml2 error)", Array("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><a></b></samlp:Response>".utf8),
             .parseMalformed),
            ("another mismatched end tag", Array("<r><first-element-name></second-element-name></r>".utf8), .parseMalformed),
            ("undeclared prefix (a libxml2 namespace error)", Array("<r><undeclared:child/></r>".utf8), .parseNamespace),
        ]
    }

    @Test("8 tasks × 200 verifications of good and bad responses with one Verifier: each verdict and message as serially")
    func sharedVerifier() async throws {
        let verifier = Fixtures.verifier(trusting: [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        let inputs = try Self.inputs()
        // Serial reference run; it also checks that each input gives the outcome it was built for.
        let serial = inputs.map { Self.verdict(verifier, $0.xml) }
        for (input, verdict) in zip(inputs, serial) {
            switch (input.expected, verdict) {
            case (nil, .accepted(let nameID, _)):
                #expect(nameID == "test-awsadmin@contoso.com", "\(input.name)")
            case (let code?, .refused(let found, let text)):
                #expect(found == code, "\(input.name): \(text ?? "")")
            default:
                Issue.record("\(input.name): expected \(input.expected.map { "\($0)" } ?? "acceptance"), got \(verdict)")
            }
        }
        let libraryMessages = serial.filter {
            if case .refused(let code, let found?) = $0 { return [.parseMalformed, .parseNamespace, .signatureMalformed].contains(code) && !found.isEmpty }
            return false
        }
        #expect(Set(libraryMessages.map { "\($0)" }).count >= 3, "distinct captured messages from libxml2 and xmlsec")

        final class Mismatches: Sendable { let list = Mutex<[String]>([]) }
        let mismatches = Mismatches()
        let tasks = 8, iterations = 200
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for iteration in 0..<iterations {
                        // Each task walks the inputs from its own offset, so different inputs run at the same time.
                        let index = (task * 5 + iteration) % inputs.count
                        let verdict = Self.verdict(verifier, inputs[index].xml)
                        if verdict != serial[index] {
                            mismatches.list.withLock { $0.append("task \(task), \(inputs[index].name): \(verdict) instead of \(serial[index])") }
                        }
                    }
                }
            }
        }
        let found = mismatches.list.withLock { $0 }
        #expect(found.isEmpty, "\(found.count) verdicts differed from the serial run, first: \(found.first ?? "")")
    }
}
