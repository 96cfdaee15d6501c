import Foundation
import SAML
import Testing

/// Refusals that name what is wrong with the message, not an internal text of the library under us.
@Suite("Refusals say what is wrong")
struct RefusalTextTests {
    static let signed = String(decoding: try! Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)

    @Test("an empty or missing SignatureValue is named before libxmlsec1 sees it")
    func signatureValue() throws {
        let value = try #require(Self.signed.range(of: #"<SignatureValue>[^<]*</SignatureValue>"#, options: .regularExpression))
        for (replacement, message) in [("<SignatureValue></SignatureValue>", "the SignatureValue is empty"),
                                       ("<SignatureValue> \n </SignatureValue>", "the SignatureValue is empty"),
                                       ("<SignatureValue/>", "the SignatureValue is empty"),
                                       ("", "no SignatureValue after SignedInfo")] {
            let xml = Self.signed.replacingCharacters(in: value, with: replacement)
            let error = try #require(throws: SAMLError.self) { try Fixtures.verifier().verify(Array(xml.utf8)) }
            #expect(error.code == .signatureMalformed && error.message.contains(message), "\(replacement): \(error)")
        }
    }

    @Test("a message cut short inside an end tag says so")
    func truncated() throws {
        let end = try #require(Self.signed.range(of: "</Assertion>"))
        let cut = String(Self.signed[..<Self.signed.index(end.lowerBound, offsetBy: 10)])  // "</Assertio"
        let error = try #require(throws: SAMLError.self) { try Fixtures.verifier().verify(Array(cut.utf8)) }
        #expect(error.code == .parseMalformed && error.found?.contains("cut short") == true, "\(error)")
        // An end tag with nothing open is still that.
        let stray = try #require(throws: SAMLError.self) { try Fixtures.verifier().verify(Array("</a>".utf8)) }
        #expect(stray.found?.contains("an end tag without its start") == true, "\(stray)")
    }
}
