import Foundation
import PropertyBased
@testable import SAML
import Testing

/// The signer writes an assertion's canonical form itself instead of parsing and canonicalising it with libxml2.
/// That is only right if the two are the same bytes for every value, so each case here signs the same unsigned
/// document both ways and requires identical output (RSA PKCS#1 v1.5 signatures are deterministic), and the
/// verifier (libxmlsec1) accepts it.
@Suite("Direct canonical signing equals libxml2's C14N")
struct DirectSigningTests {
    /// Characters C14N treats specially in text or attributes, XML's own specials, whitespace, non-ASCII.
    static let pieces = ["a", "Z", "0", " ", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\r\n", "]]>", "&amp;", "é", "e\u{301}",
                         "中", "😀", "=", "#", "/", ":", "\u{85}", "\u{2028}", "\u{A0}"]

    static func both(_ response: Response) throws -> (direct: [UInt8], viaLibxml2: [UInt8]) {
        let signer = Fixtures.signer
        let direct = try signer.signedBytes(response, mode: .assertion)
        let (unsigned, slots, _) = EntraSerializer.writeWithSlots(response, templates: SignatureTemplates(assertion: signer.template))
        return (direct, try Signer.sign(unsigned, slots: slots, key: signer.key))
    }

    @Test("generated values in every text and attribute position: the same signature as libxml2's C14N gives, and it verifies",
          .timeLimit(.minutes(3)))
    func equivalence() async throws {
        let text = Gen.element(of: Self.pieces).array(of: 0...6).map { $0.compactMap { $0 }.joined() }
        await propertyCheck(count: 300, input: text, text, text, text) { (name: String, value: String, nameID: String, audience: String) in
            var response = Fixtures.response { r in
                r.assertion?.attributeStatement?.attributes.append(Attribute(name: "urn:x:" + name, values: [value, name]))
                r.assertion?.subject?.nameID?.value = nameID.isEmpty ? "x" : nameID
                r.assertion?.conditions?.audienceRestrictions = [["https://signin.aws.amazon.com/saml", audience]]
                r.assertion?.subject?.confirmations[0].data?.address = value
            }
            response.assertion?.authnStatement?.authnContextClassRef = name
            do {
                let (direct, viaLibxml2) = try Self.both(response)
                #expect(direct == viaLibxml2, "name \(name.debugDescription) value \(value.debugDescription)")
                let verifier = Fixtures.verifier()
                _ = try await verifier.verify(direct)
            } catch {
                Issue.record("name \(name.debugDescription) value \(value.debugDescription): \(error)")
            }
        }
    }

    @Test("a value with a character XML does not allow is refused, as before, not signed directly")
    func disallowedCharacters() throws {
        for bad in ["\u{1}", "a\u{B}b", "\u{FFFE}", "x\u{FFFF}"] {
            let response = Fixtures.response { $0.assertion?.subject?.nameID?.value = bad }
            #expect(throws: SAMLError.self, "\(bad.debugDescription)") { try Fixtures.signer.signedBytes(response) }
        }
    }

    @Test("a stand-alone assertion and the embedded fixtures: identical to the libxml2 path")
    func fixtures() throws {
        let response = Fixtures.response()
        let (direct, viaLibxml2) = try Self.both(response)
        #expect(direct == viaLibxml2)
        let assertion = try #require(response.assertion)
        let signer = Fixtures.signer
        let (unsigned, slots) = EntraSerializer.writeWithSlots(assertion, template: signer.template)
        #expect(try signer.sign(assertion) == String(decoding: try Signer.sign(unsigned, slots: slots, key: signer.key), as: UTF8.self))
    }
}
