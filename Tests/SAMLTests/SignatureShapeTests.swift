import Foundation
import PropertyBased
import SAML
import Testing

/// What libxmlsec1 reads in a Signature must be what the SignedInfo rules checked. xmlsec reads `URI` and `Algorithm`
/// with xmlGetProp, which takes the first attribute of that name in any namespace, so a prefixed copy placed before
/// the checked one was what it dereferenced (found by a differential trial at stop 25: an XPath in `ns0:URI`,
/// evaluated before the signature check, cost 30 s for 13.7 KB; `#xpointer(/)` verified over the whole document).
@Suite("A Signature is read by libxmlsec1 as the rules checked it: no namespace-qualified attribute")
struct SignatureShapeTests {
    static let elements = ["Signature", "SignedInfo", "CanonicalizationMethod", "SignatureMethod", "Reference", "Transforms",
                           "Transform", "DigestMethod", "DigestValue", "SignatureValue", "KeyInfo", "X509Data", "X509Certificate"]
    static let names = ["URI", "Algorithm", "Id", "Type", "PrefixList", "x"]

    /// The assertion-signed fixture with `attribute` (declaring `ns0`) added to the `occurrence`-th start tag of
    /// `element` inside the Signature, first or last among its attributes.
    static func edited(_ text: String, element: String, occurrence: Int, attribute: String, first: Bool) -> String? {
        guard let signature = text.range(of: "<Signature ") else { return nil }
        var searchFrom = signature.lowerBound
        var found: Range<String.Index>?
        var seen = 0
        while found == nil, let next = text.range(of: "<\(element)", range: searchFrom..<text.endIndex) {
            searchFrom = next.upperBound
            // Only the element itself (`<Transform` also starts `<Transforms`).
            let after = text[next.upperBound]
            guard after == " " || after == ">" || after == "/" else { continue }
            if seen == occurrence { found = next }
            seen += 1
        }
        guard let found else { return nil }
        var edited = text
        if first {
            edited.insert(contentsOf: " xmlns:ns0=\"urn:example:x\" \(attribute)", at: found.upperBound)
        } else {
            guard let close = edited[found.upperBound...].firstIndex(where: { $0 == ">" }) else { return nil }
            let at = edited[edited.index(before: close)] == "/" ? edited.index(before: close) : close
            edited.insert(contentsOf: " xmlns:ns0=\"urn:example:x\" \(attribute) ", at: at)
        }
        return edited
    }

    @Test("a prefixed attribute anywhere in the Signature is refused before libxmlsec1 runs, whatever its name and place")
    func qualifiedAttributes() async throws {
        let text = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)
        let verifier = Fixtures.verifier()
        #expect(throws: Never.self) { try verifier.verify(Array(text.utf8)) }
        await propertyCheck(count: 300, input: Gen.element(of: Self.elements), Gen.element(of: Self.names), Gen.int(in: 0...1),
                            Gen.element(of: ["#xpointer(/)", "#_other", "#", "http://evil.example/"])) {
            (element: String?, name: String?, position: Int, value: String?) in
            guard let element, let name, let value else { return }
            let prefixed = "ns0:\(name)=\"\(value)\""
            guard let edited = Self.edited(text, element: element, occurrence: element == "Transform" ? position : 0,
                                           attribute: prefixed, first: position == 0) else {
                Issue.record("no <\(element)> in the fixture's Signature"); return
            }
            let error = #expect(throws: SAMLError.self, "\(element) \(prefixed)") { try verifier.verify(Array(edited.utf8)) }
            #expect(error?.code == .signatureMalformed && error?.message.contains("namespace-qualified") == true
                    && error?.found?.contains("ns0:\(name)") == true, "\(String(describing: error))")
        }
        // The xml: namespace is a namespace too (xml:space, xml:id).
        let xmlSpace = try #require(Self.edited(text, element: "SignatureValue", occurrence: 0, attribute: "xml:space=\"preserve\"", first: true))
        let error = #expect(throws: SAMLError.self) { try verifier.verify(Array(xmlSpace.utf8)) }
        #expect(error?.found?.contains("xml:space") == true)
    }

    @Test("the trial's XPath in a prefixed URI, with 800 elements to count, is refused at the signature step, not evaluated")
    func unauthenticatedXPath() throws {
        let text = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)
        // The cubic expression, its SignatureValue left as signed (it no longer matters: nothing reaches xmlsec).
        var edited = try #require(Self.edited(text, element: "Reference", occurrence: 0,
                                              attribute: "ns0:URI=\"#xpointer(//*[count(//*[count(//*)>0])>0])\"", first: true))
        let status = try #require(edited.range(of: "<samlp:Status>"))
        edited.insert(contentsOf: "<samlp:Extensions xmlns:x=\"urn:example:x\">" + String(repeating: "<x:e/>", count: 800)
                      + "</samlp:Extensions>", at: status.lowerBound)
        var record: [VerificationCheck] = []
        let error = #expect(throws: SAMLError.self) {
            try Fixtures.verifier().verify(Array(edited.utf8), diagnostics: { record.append($0) })
        }
        #expect(error?.code == .signatureMalformed, "\(String(describing: error))")
        let failed = record.first { if case .failed = $0.result { true } else { false } }
        #expect(failed?.name == "signature", "\(record)")
    }
}
