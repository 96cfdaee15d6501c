import Foundation
import SAML
import SAMLAttacks
import Testing

@Suite("Cost is bounded before libxml2 does any work")
struct ParseLimitsTests {
    static let signed = try! Fixtures.signer.sign(Fixtures.response(), mode: .assertion)

    @Test("each bomb just over its limit is refused with its own code; just under, the response still verifies",
          arguments: [(CostBomb.attributes, 32 - 6, SAMLError.Code.limitAttributes), (.namespaces, 16 - 2, .limitNamespaces),
                      (.siblings, 10_000 - 60, .limitElements), (.depth, 64 - 3, .limitDepth), (.idLength, 256, .limitIDLength)])
    func limits(bomb: CostBomb, under: Int, code: SAMLError.Code) throws {
        // The root already has 6 attributes and 2 namespace declarations; the response about 55 elements and depth 2
        // above Extensions' content.
        let fits = Array(try bomb.apply(to: Self.signed, count: under).utf8)
        let verified = try Fixtures.verifier().verify(fits)
        #expect(verified.nameID?.value == "test-awsadmin@contoso.com")
        let over = Array(try bomb.apply(to: Self.signed, count: under + 100).utf8)
        let error = expectError(code) { try Fixtures.verifier().verify(over) }
        #expect(error?.expected?.contains("at most") == true)
    }

    @Test("the limits are configurable, and apply to every parse: requests, peeks, metadata")
    func configurable() throws {
        let bomb = Array(try CostBomb.attributes.apply(to: Self.signed, count: 100).utf8)
        var verifier = Fixtures.verifier()
        verifier.limits.maxAttributesPerElement = 200
        #expect(try verifier.verify(bomb).nameID != nil)
        expectError(.limitAttributes) { try ResponsePeek.response(bomb) }
        #expect(ResponsePeek.issuer(bomb) == nil)
        let request = Array(("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"" + String(repeating: " a=\"1\"", count: 1)
                             + (0..<40).map { " b\($0)=\"1\"" }.joined() + " ID=\"_1\" Version=\"2.0\" IssueInstant=\"2025-05-01T12:00:00Z\"/>").utf8)
        expectError(.limitAttributes) { try AuthnRequest.parse(request) }
        expectError(.limitDepth) { try IdentityProviderMetadata.parse(Array((String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)).utf8)) }
    }

    @Test("bombs at the full size limit are refused by the pre-scan, whatever their kind", arguments: CostBomb.allCases)
    func fullSize(bomb: CostBomb) throws {
        let budget = ParseLimits.default.maxDocumentBytes - Self.signed.utf8.count - 64
        let xml = Array(try bomb.apply(to: Self.signed, count: bomb.count(forBytes: budget)).utf8)
        #expect(xml.count <= ParseLimits.default.maxDocumentBytes)
        #expect(throws: SAMLError.self) { try Fixtures.verifier().verify(xml) }
    }

    @Test("another encoding cannot hide markup from the pre-scan: declared encodings are ignored, UTF-16 is not XML here")
    func encodings() throws {
        // A UTF-16 document declaring itself so: the bytes are read as UTF-8 and are not well-formed.
        let utf16 = Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?>".utf8) + Array(("<r" + String(repeating: " a=\"1\"", count: 1) + "/>").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        expectError(.parseMalformed) { try Fixtures.verifier().verify(utf16) }
        let bom16: [UInt8] = [0xFF, 0xFE] + Array("<r/>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(throws: SAMLError.self) { try Fixtures.verifier().verify(bom16) }
        // A declaration naming another ASCII-compatible encoding changes nothing about what was scanned.
        let latin1 = Array(("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + Self.signed).utf8)
        #expect(try Fixtures.verifier().verify(latin1).nameID != nil)
        // UTF-7 hides markup from a byte scan ("+ADw-" is "<"): declared, it is still read as UTF-8, so no element appears.
        let utf7 = Array("<?xml version=\"1.0\" encoding=\"UTF-7\"?><r>+ADw-a+AD4-+ADw-/a+AD4-</r>".utf8)
        let pretty = try ResponsePeek.prettyXML(utf7)
        #expect(pretty.contains("+ADw-a+AD4-") && !pretty.contains("<a"), "\(pretty)")
        // EBCDIC (IBM037) "<?xml": libxml2 would switch to it on its own; read as UTF-8 it is not XML.
        let ebcdic: [UInt8] = [0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40] + Array(repeating: 0x40, count: 10)
        expectError(.parseMalformed) { try Fixtures.verifier().verify(ebcdic) }
    }

    @Test("what the pre-scan cannot follow is refused as malformed, as libxml2 would",
          arguments: ["<r a=1/>", "<r a=\"1/>", "<r", "<r><!-- x", "<r><![CDATA[x", "<r><?pi", "<r a/>", "<![CDATA[x]]><r/>", "<r/ >", "<r><!ENTITY x></r>"])
    func malformed(text: String) {
        #expect(throws: SAMLError.self) { try ResponsePeek.rootElement(Array(text.utf8)) }
    }

    @Test("processing instructions are refused before parsing, wherever they are; the XML declaration only at the start")
    func processingInstructions() throws {
        for text in ["<?a b?><r/>", "<r/><?a b?>", "<r><?a b?></r>", "<?xml-stylesheet href=\"x\"?><r/>", " <?xml version=\"1.0\"?><r/>",
                     "<r/><?xml version=\"1.0\"?>"] {
            expectError(.parseProcessingInstruction) { try ResponsePeek.rootElement(Array(text.utf8)) }
        }
        #expect(try ResponsePeek.rootElement(Array("<?xml version=\"1.0\"?><r/>".utf8)).name == "r")
        #expect(try ResponsePeek.rootElement([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\"?><r/>".utf8)).name == "r")
        // 140,000 of them in 1 MiB: refused at the first.
        let many = Array((String(repeating: "<?a b?>", count: 140_000) + "<r/>").utf8)
        expectError(.parseProcessingInstruction) { try Fixtures.verifier().verify(many) }
    }

    @Test("comments and CDATA sections are counted: a response padded with 140,000 comments is refused before parsing")
    func comments() throws {
        let padded = Array((String(repeating: "<!---->", count: 140_000) + Self.signed).utf8)
        expectError(.limitComments) { try Fixtures.verifier().verify(padded) }
        let some = Array((String(repeating: "<!---->", count: 1_000) + Self.signed).utf8)
        #expect(try Fixtures.verifier().verify(some).nameID != nil)
        let nameID = Array(Self.signed.replacingOccurrences(of: ">test-awsadmin@", with: ">test-awsadmin" + String(repeating: "<!---->", count: 1_001) + "@").utf8)
        expectError(.limitComments) { try Fixtures.verifier().verify(nameID) }
    }

    @Test("quoted '>' and '/>' in values, comments and CDATA do not confuse the pre-scan")
    func lexical() throws {
        var limits = ParseLimits()
        limits.maxElements = 3
        let text = "<?xml version=\"1.0\"?><!-- <a><a><a> --><r x='>' y=\"/>\"><![CDATA[<a><a><a>]]><b/><c></c></r>"
        #expect(try ResponsePeek.rootElement(Array(text.utf8), limits: limits).name == "r")
        limits.maxElements = 2
        expectError(.limitElements) { try ResponsePeek.rootElement(Array(text.utf8), limits: limits) }
    }
}

@Suite("Capture wrappers are bounded before they are decoded")
struct CaptureLimitTests {
    static let xml = try! Fixtures.signer.signedBytes(Fixtures.response(), mode: .assertion)

    @Test("form fields, HAR objects and non-HAR sizes are counted first; a PrefixList is bounded")
    func wrappers() throws {
        let form = Array(((0..<100).map { "a\($0)=1" }.joined(separator: "&") + "&SAMLResponse=" + FormEncoding.encode(Data(Self.xml).base64EncodedString())).utf8)
        let error = expectError(.bindingEncoding) { try CapturedMessage.decode(form) }
        #expect(error?.message.contains("too many fields") == true)
        // 70,000 objects outside the entries: only the object count refuses it before decoding.
        let har = Array(("{\"log\":{\"entries\":[]},\"x\":[" + String(repeating: "{},", count: 70_000) + "{}],\"y\":\"SAMLResponse\"}").utf8)
        expectError(.inputTooLarge) { try CapturedMessage.decode(har) }
        expectError(.bindingMissingMessage) { try CapturedMessage.decode(Array("{\"log\":{\"entries\":[]}}".utf8)) }
        expectError(.inputTooLarge) { try CapturedMessage.decode(Array(repeating: UInt8(ascii: "A"), count: CapturedMessage.maxWrappedBytes + 1)) }
        // A page with 20,000 other inputs before the field still yields the message.
        let page = "<html><body><form action=\"https://signin.aws.amazon.com/saml\" method=\"post\">" + String(repeating: "<input name=\"x\" value=\"y\"/>", count: 20_000)
            + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(Data(Self.xml).base64EncodedString())\"/></form></body></html>"
        let captured = try CapturedMessage.decode(Array(page.utf8))
        #expect(captured.form == .htmlForm && captured.xml == Self.xml && captured.endpoint == "https://signin.aws.amazon.com/saml")
    }

    @Test("an InclusiveNamespaces PrefixList of more than 32 prefixes is refused before xmlsec")
    func prefixList() throws {
        let text = String(decoding: Self.xml, as: UTF8.self)
        let list = (0..<40).map { "p\($0)" }.joined(separator: " ")
        let edited = text.replacingOccurrences(of: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                                               with: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><InclusiveNamespaces xmlns=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"\(list)\"/></Transform>")
        #expect(edited != text)
        let error = expectError(.signatureTransformNotAllowed) { try Fixtures.verifier().verify(Array(edited.utf8)) }
        #expect(error?.message.contains("PrefixList") == true)
    }
}

@Suite("The decrypted document is held to the caller's limits")
struct DecryptedLimitTests {
    @Test("a limit that the encrypted form and the plaintext each pass, but the decrypted whole exceeds, refuses it")
    func wholeDocument() throws {
        let spCertificate = try Certificate(pem: Fixtures.key("sp-encryption.crt"))
        let spKey = try SigningKey(pem: Fixtures.key("sp-encryption.key"))
        let encrypted = Array(try Fixtures.signer.sign(Fixtures.response(), mode: .assertion,
                                                       encryptingFor: AssertionEncryption(recipient: spCertificate)).utf8)
        // The decrypted document is the plain signed response: count its start tags.
        let plain = Array(try Fixtures.signer.sign(Fixtures.response(), mode: .assertion).utf8)
        let total = zip(plain, plain.dropFirst()).filter { $0.0 == UInt8(ascii: "<") && ![UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?")].contains($0.1) }.count
        func verifier(maxElements: Int) -> Verifier {
            var limits = ParseLimits()
            limits.maxElements = maxElements
            return Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: Fixtures.serviceProvider(), limits: limits,
                            clock: Fixtures.clock, decryption: Decryption(keys: [spKey]))
        }
        #expect(try verifier(maxElements: total).verify(encrypted).wasEncrypted)
        // Just below: the encrypted form (about 20 elements) and the plaintext assertion (about 50) each pass the
        // pre-scan, so only the whole decrypted document can refuse it.
        expectError(.limitElements) { try verifier(maxElements: total - 1).verify(encrypted) }
    }
}
