import Foundation
import PropertyBased
@testable import SAML
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

/// libxmlsec1 canonicalises the whole document for each Reference and each SignedInfo, looking at every namespace
/// declaration in scope of every element (an InclusiveNamespaces prefix list, at every element again), before any
/// signature is checked; each parse limit allowed its part, not their product (stop 25's second trial: 5 s for 48 KB,
/// then again for each trusted certificate).
@Suite("Canonicalisation work is bounded before libxmlsec1 runs, and paid once per signature")
struct CanonicalizationWorkTests {
    /// The assertion-signed fixture with `levels` nested elements in Extensions, each declaring `declarations`
    /// namespaces, and `children` empty elements at the bottom.
    static func nested(levels: Int, declarations: Int, children: Int) throws -> [UInt8] {
        let text = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)
        var open = "", close = ""
        for level in 0..<levels {
            open += "<n" + (0..<declarations).map { " xmlns:p\(level)x\($0)=\"urn:p\(level)x\($0)\"" }.joined() + ">"
            close += "</n>"
        }
        let body = "<samlp:Extensions><x xmlns=\"urn:example:x\">" + open + String(repeating: "<e/>", count: children) + close
            + "</x></samlp:Extensions>"
        let status = try #require(text.range(of: "<samlp:Status>"))
        var edited = text
        edited.insert(contentsOf: body, at: status.lowerBound)
        return Array(edited.utf8)
    }

    /// `xml` with the Reference's exclusive C14N transform replaced by C14N 1.0 (the signature no longer verifies,
    /// which does not matter to a rule that runs before libxmlsec1).
    static func inclusive(_ xml: [UInt8]) -> [UInt8] {
        Array(String(decoding: xml, as: UTF8.self).replacingOccurrences(
            of: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            with: "<Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>").utf8)
    }

    @Test("C14N 1.0 is charged the declarations in scope, exclusive C14N only its depth: the trial's nest is refused under the first, verified under the second")
    func namespaceScopeTimesDepth() throws {
        // 60 levels of 4 declarations over 3,000 elements: about 45 million under C14N 1.0, 190,000 under exclusive C14N.
        let nest = try Self.nested(levels: 60, declarations: 4, children: 3_000)
        var record: [VerificationCheck] = []
        let error = #expect(throws: SAMLError.self) {
            try Fixtures.verifier().verify(Self.inclusive(nest), diagnostics: { record.append($0) })
        }
        #expect(error?.code == .limitCanonicalization && error?.expected?.contains("C14N 1.0") == true, "\(String(describing: error))")
        let failed = record.first { if case .failed = $0.result { true } else { false } }
        #expect(failed?.name == "signature")
        // Each limit alone allows it: 240 declarations (of 256), 3,060 elements (of 10,000), depth 64.
        #expect(ParseLimits.default.maxNamespaceDeclarations >= 240 && ParseLimits.default.maxDepth >= 63)
        // The same nest under the fixture's exclusive C14N: verified (it is in the Response's Extensions, outside the
        // signed Assertion), and so is the trial's 9,800-element one refused (its depth work alone is 610,000).
        #expect(throws: Never.self) { try Fixtures.verifier().verify(nest) }
        let trial = #expect(throws: SAMLError.self) { try Fixtures.verifier().verify(try Self.nested(levels: 60, declarations: 4, children: 9_800)) }
        #expect(trial?.code == .limitCanonicalization && trial?.expected?.contains("exclusive") == true, "\(String(describing: trial))")
        // An Entra response with 1,000 Role values counts about 10,000 depth and 31,000 in all.
        let user = EntraAWSResponse(tenantID: Fixtures.tenant, objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
                                    userPrincipalName: "u@contoso.com", displayName: "U", givenName: "U", surname: "V",
                                    roles: (0..<1000).map { "arn:aws:iam::123456789012:role/R\($0),arn:aws:iam::123456789012:saml-provider/P" })
        let large = try Fixtures.signer.signedBytes(user.response(clock: Fixtures.clock, ids: SequentialIDGenerator(seed: 1)))
        let document = try NativeDocument.parse(large, limits: .default, readOnly: true)
        _ = try DocumentScan(document)
        let work = try #require(document.canonicalizationWork)
        #expect(work.namespaces + work.depth < 40_000, "\(work)")
        #expect(throws: Never.self) { try Fixtures.verifier(trusting: [Fixtures.idpCertificate]).verify(large) }
        // The limit is the caller's: raised, the C14N 1.0 nest reaches libxmlsec1 (whose digest then fails: the
        // transform was changed after signing).
        var limits = ParseLimits.default
        limits.maxCanonicalizationWork = .max
        let raised = #expect(throws: SAMLError.self) {
            try Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: Fixtures.serviceProvider(), limits: limits,
                         clock: Fixtures.clock).verify(Self.inclusive(try Self.nested(levels: 10, declarations: 4, children: 100)))
        }
        #expect(raised?.code != .limitCanonicalization, "\(String(describing: raised))")
    }

    @Test("the work is counted as it is done: each element's depth times the declarations in scope, and its depth")
    func counting() throws {
        // Root (depth 1, 1 declaration) > a (depth 2, 2 declarations) > b (depth 3, none), and c (depth 2) after a.
        let xml = "<r xmlns=\"urn:r\"><a xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"><b/></a><c/></r>"
        let document = try NativeDocument.parse(Array(xml.utf8), limits: .default, readOnly: true)
        _ = try DocumentScan(document)
        let work = try #require(document.canonicalizationWork)
        #expect(work.namespaces == 1 * 1 + 2 * 3 + 3 * 3 + 2 * 1 && work.depth == 1 + 2 + 3 + 2, "\(work)")
        // Unscanned, a document's signatures are not checked at all.
        let unscanned = try NativeDocument.parse(try Fixtures.signer.signedBytes(Fixtures.response()), limits: .default, readOnly: true)
        let assertion = try #require(unscanned.root?.elementChildren.first { $0.localName == "Assertion" })
        let signature = try #require(assertion.child("http://www.w3.org/2000/09/xmldsig#", "Signature"))
        let error = #expect(throws: SAMLError.self) {
            try SignatureVerifier(document: unscanned, algorithms: .strict, trusted: [Fixtures.idpCertificate])
                .verify(signature: signature, of: assertion, id: try ResponseReader.requiredID(assertion))
        }
        #expect(error?.message.contains("not scanned") == true, "\(String(describing: error))")
    }

    @Test("an InclusiveNamespaces prefix list multiplies the depth work: refused at the signature step when the product is over")
    func prefixList() throws {
        let text = String(decoding: try Self.nested(levels: 50, declarations: 0, children: 600), as: UTF8.self)
        // The scan alone passes (no declarations in the nest); 32 prefixes looked up at each of 600 elements 53 deep do not.
        let prefixes = (0..<32).map { "p\($0)" }.joined(separator: " ")
        let edited = text.replacingOccurrences(
            of: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            with: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><InclusiveNamespaces xmlns=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"\(prefixes)\"/></Transform>")
        #expect(edited != text, "the fixture's Reference has an exclusive C14N transform")
        var record: [VerificationCheck] = []
        let error = #expect(throws: SAMLError.self) { try Fixtures.verifier().verify(Array(edited.utf8), diagnostics: { record.append($0) }) }
        #expect(error?.code == .limitCanonicalization && error?.expected?.contains("32 InclusiveNamespaces prefixes") == true,
                "\(String(describing: error))")
        let failed = record.first { if case .failed = $0.result { true } else { false } }
        #expect(failed?.name == "signature")
    }

    @Test("with several trusted certificates, the signing one is found whatever its place; a bad SignatureValue is refused after one canonicalisation")
    func certificatesInTurn() throws {
        let others = try (0..<3).map { _ in try Certificate.selfSigned(key: SigningKey.generateRSA(), subject: "CN=Other") }
        var text = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)
        // No KeyInfo, so no hint: the certificates are tried in the configured order.
        if let start = text.range(of: "<KeyInfo>"), let end = text.range(of: "</KeyInfo>") { text.removeSubrange(start.lowerBound..<end.upperBound) }
        // libxmlsec1 runs once for the first certificate and once for the one whose RSA check passes: 2 at most.
        for (trusted, runs) in [(others + [Fixtures.idpCertificate], 2), ([others[0], Fixtures.idpCertificate] + others.dropFirst(), 2),
                                ([Fixtures.idpCertificate] + others, 1)] {
            let counter = SignatureVerifier.RunCounter()
            let verified = try SignatureVerifier.$runCounter.withValue(counter) { try Fixtures.verifier(trusting: trusted).verify(Array(text.utf8)) }
            #expect(verified.signingCertificate == Fixtures.idpCertificate && counter.runs == runs, "\(counter.runs) runs")
        }
        // The digest right, the SignatureValue another message's: every certificate refuses it.
        let other = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response(seed: 2)), as: UTF8.self)
        let value = { (s: String) in s.range(of: "<SignatureValue>").flatMap { a in s.range(of: "</SignatureValue>").map { a.upperBound..<$0.lowerBound } } }
        let forged = text.replacingCharacters(in: try #require(value(text)), with: String(other[try #require(value(other))]))
        let counter = SignatureVerifier.RunCounter()
        let error = #expect(throws: SAMLError.self) {
            try SignatureVerifier.$runCounter.withValue(counter) {
                try Fixtures.verifier(trusting: others + [Fixtures.idpCertificate]).verify(Array(forged.utf8))
            }
        }
        #expect(error?.code == .signatureInvalid && counter.runs == 1, "\(String(describing: error)), \(counter.runs) runs")
    }
}
