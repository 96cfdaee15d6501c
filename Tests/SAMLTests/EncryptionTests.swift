import Foundation
import SAML
import Testing

@Suite("Encrypted assertions")
struct EncryptionTests {
    static let spCertificate = try! Certificate(pem: Fixtures.key("sp-encryption.crt"))
    static let spKey = try! SigningKey(pem: Fixtures.key("sp-encryption.key"))
    static let decryption = Decryption(keys: [spKey])

    static func verifier(_ decryption: Decryption? = Self.decryption, coverage: SignatureCoveragePolicy.Coverage = .any) -> Verifier {
        var sp = Fixtures.serviceProvider()
        sp.requiredSignature = coverage
        return Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: sp, clock: Fixtures.clock, decryption: decryption)
    }

    @Test("encrypted in every signing mode, decrypted and verified by every rule", arguments: SigningMode.allCases)
    func roundTrip(_ mode: SigningMode) throws {
        let xml = try Fixtures.signer.sign(Fixtures.response(), mode: mode, encryptingFor: AssertionEncryption(recipient: Self.spCertificate))
        #expect(xml.contains("<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"><xenc:EncryptedData"))
        #expect(xml.contains("Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\""))
        #expect(xml.contains("Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\""))
        #expect(!xml.contains("test-awsadmin@contoso.com"), "nothing of the assertion is in clear")
        let verified = try Self.verifier().verify(xml)
        #expect(verified.wasEncrypted && verified.nameID?.value == "test-awsadmin@contoso.com")
        #expect(verified.assertion == Fixtures.response().assertion)
        #expect(verified.signedElements == (mode == .both ? [.assertion, .response] : mode == .assertion ? .assertion : .response))
        expectError(.structureEncryptedAssertion) { try Self.verifier(nil).verify(xml) }
        expectError(.encryptionDecryptionFailed) { try Self.verifier(Decryption(keys: [Fixtures.attackerKey])).verify(xml) }
        // Key rollover: the second configured key decrypts.
        #expect(try Self.verifier(Decryption(keys: [Fixtures.attackerKey, Self.spKey])).verify(xml).wasEncrypted)
    }

    @Test("algorithm allowlists: CBC and RSA 1.5 only when allowed; OAEP with SHA-256 works", arguments: [
        (ContentEncryption.aes256CBC, KeyTransport.oaep, SAMLError.Code?.some(.encryptionAlgorithmNotAllowed)),
        (.aes128CBC, .oaep, .encryptionAlgorithmNotAllowed),
        (.aes256GCM, .rsa15, .encryptionAlgorithmNotAllowed),
        (.aes128GCM, .oaep, nil),
        (.aes256GCM, .rsaOAEP(digest: .sha256, mgf: .sha256), nil),
    ])
    func algorithms(_ content: ContentEncryption, _ transport: KeyTransport, _ refusal: SAMLError.Code?) throws {
        let xml = try Fixtures.signer.sign(Fixtures.response(), encryptingFor: AssertionEncryption(
            recipient: Self.spCertificate, content: content, keyTransport: transport))
        if let refusal {
            expectError(refusal) { try Self.verifier().verify(xml) }
            let lenient = Decryption(keys: [Self.spKey], allowCBC: true, allowRSA15: true)
            #expect(try Self.verifier(lenient).verify(xml).nameID?.value == "test-awsadmin@contoso.com")
        } else {
            #expect(try Self.verifier().verify(xml).wasEncrypted)
        }
    }

    @Test("encryption is not authentication: unsigned, foreign-signed and tampered encrypted assertions are refused")
    func notAuthentication() throws {
        let encryption = AssertionEncryption(recipient: Self.spCertificate)
        // Anyone can encrypt for the SP's public key: an attacker's own assertion, signed by the attacker.
        let forged = try Signer(key: Fixtures.attackerKey, certificate: Fixtures.attackerCertificate)
            .sign(Fixtures.response(), encryptingFor: encryption)
        expectError(.signatureUntrustedKey) { try Self.verifier().verify(forged) }
        // Response-signed only, with that signature stripped: nothing signs the decrypted assertion.
        var stripped = try Fixtures.signer.sign(Fixtures.response(), mode: .response, encryptingFor: encryption)
        if let start = stripped.range(of: "<Signature "), let end = stripped.range(of: "</Signature>") {
            stripped.removeSubrange(start.lowerBound..<end.upperBound)
        }
        expectError(.signatureMissing) { try Self.verifier().verify(stripped) }
        // Ciphertext altered: GCM authentication fails, with the same error as a wrong key.
        let xml = try Fixtures.signer.sign(Fixtures.response(), encryptingFor: encryption)
        let marker = "</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>"
        let position = try #require(xml.range(of: marker)).upperBound
        var tampered = xml
        let target = tampered.index(position, offsetBy: 40)
        tampered.replaceSubrange(target...target, with: tampered[target] == "A" ? "B" : "A")
        expectError(.encryptionDecryptionFailed) { try Self.verifier().verify(tampered) }
        // Both signed: the Response signature over the encrypted form catches the change first.
        let both = try Fixtures.signer.sign(Fixtures.response(), mode: .both, encryptingFor: encryption)
        let bothPosition = try #require(both.range(of: marker)).upperBound
        var tamperedBoth = both
        let bothTarget = tamperedBoth.index(bothPosition, offsetBy: 40)
        tamperedBoth.replaceSubrange(bothTarget...bothTarget, with: tamperedBoth[bothTarget] == "A" ? "B" : "A")
        expectError(.signatureDigestMismatch) { try Self.verifier().verify(tamperedBoth) }
    }

    @Test("indirection and external data are refused")
    func indirection() throws {
        let xml = try Fixtures.signer.sign(Fixtures.response(), encryptingFor: AssertionEncryption(recipient: Self.spCertificate))
        let retrieval = xml.replacingOccurrences(of: "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">",
                                                 with: "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:RetrievalMethod URI=\"#k\"/>")
        expectError(.encryptionMalformed) { try Self.verifier().verify(retrieval) }
        let external = try #require(xml.range(of: "</ds:KeyInfo><xenc:CipherData>"))
        var cipherReference = xml
        let tail = try #require(cipherReference.range(of: "</xenc:CipherData></xenc:EncryptedData>", range: external.upperBound..<xml.endIndex))
        cipherReference.replaceSubrange(external.upperBound..<tail.lowerBound, with: "<xenc:CipherReference URI=\"http://127.0.0.1:9/x\"/>")
        expectError(.encryptionMalformed) { try Self.verifier().verify(cipherReference) }
    }

    @Test("the xmlsec1 command decrypts what we encrypt")
    func xmlsec1Decrypts() throws {
        let xml = try Fixtures.signer.sign(Fixtures.response(), encryptingFor: AssertionEncryption(recipient: Self.spCertificate))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swift-saml-enc-\(ProcessInfo.processInfo.processIdentifier).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let result = try Fixtures.run(["xmlsec1", "--decrypt", "--privkey-pem", Fixtures.keys.appendingPathComponent("sp-encryption.key").path,
                                       file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("<NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">test-awsadmin@contoso.com</NameID>"))
    }
}
