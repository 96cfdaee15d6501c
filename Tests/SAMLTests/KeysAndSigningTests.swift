import Foundation
import SAML
import Testing

@Suite("Keys, certificates and signing")
struct KeysAndSigningTests {
    @Test("PKCS#1 and PKCS#8 keys give identical signatures; PEM and DER certificates are the same certificate")
    func keyFormats() throws {
        let pkcs8 = try SigningKey(pem: Fixtures.key("idp.key"))
        let pkcs1 = try SigningKey(pem: Fixtures.key("idp-pkcs1.key"))
        let der = try Certificate(der: Data(contentsOf: Fixtures.keys.appendingPathComponent("idp.der")))
        #expect(der == Fixtures.idpCertificate)
        #expect(pkcs1.bits == 2048 && pkcs1.matches(der))
        let response = Fixtures.response()
        #expect(try Signer(key: pkcs8, certificate: der).sign(response) == Signer(key: pkcs1, certificate: der).sign(response))
    }

    @Test("certificate facts as Entra shows them")
    func certificateFacts() throws {
        let c = Fixtures.idpCertificate
        #expect(c.subject == "CN=Microsoft Azure Federated SSO Certificate")
        #expect(c.sha1Thumbprint.count == 40 && c.sha256Thumbprint.count == 64)
        let openssl = try Fixtures.run(["openssl", "x509", "-in", Fixtures.keys.appendingPathComponent("idp.crt").path,
                                        "-noout", "-fingerprint", "-sha1"])
        #expect(openssl.output.replacingOccurrences(of: ":", with: "").contains(c.sha1Thumbprint))
        #expect(try Certificate(pem: c.pem) == c)
        #expect(try Certificate(base64: c.base64) == c)
        let validity = (c.notAfter ?? .distantPast).timeIntervalSince(c.notBefore ?? .distantFuture)
        #expect(validity > 3 * 365 * 86_400 - 86_400)
        #expect(try Certificate.all(pem: Fixtures.key("idp.crt") + Fixtures.key("idp-rollover.crt")).count == 2)
    }

    @Test("bad keys and certificates give typed errors")
    func badInput() {
        expectError(.keyInvalid) { try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        expectError(.keyInvalid) { try SigningKey(pem: "") }
        expectError(.certificateInvalid) { try Certificate(pem: "not a certificate") }
        expectError(.certificateInvalid) { try Certificate(base64: "!!!") }
        expectError(.keyInvalid) { try Signer(key: Fixtures.attackerKey, certificate: Fixtures.idpCertificate) }
        expectError(.signatureAlgorithmNotAllowed) {
            try Signer(key: Fixtures.idpKey, certificate: Fixtures.idpCertificate, algorithm: .rsaSHA1)
        }
        var noAssertion = Fixtures.response()
        noAssertion.assertion = nil
        expectError(.signingInvalidInput) { try Fixtures.signer.sign(noAssertion, mode: .assertion) }
    }

    @Test("each signing mode places the Signature right after the Issuer of the signed element", arguments: SigningMode.allCases)
    func modes(_ mode: SigningMode) throws {
        let response = Fixtures.response()
        let xml = try Fixtures.signer.sign(response, mode: mode)
        let issuer = "https://sts.windows.net/\(Fixtures.tenant)/</Issuer>"
        #expect(xml.contains(issuer + "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"))
        #expect(xml.components(separatedBy: "<Signature ").count - 1 == (mode == .both ? 2 : 1))
        #expect(xml.contains("<Reference URI=\"#\(mode == .response ? response.id : response.assertion?.id ?? "")\">"))
        #expect(xml.contains("<Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"))
        #expect(xml.contains("<KeyInfo><X509Data><X509Certificate>\(Fixtures.idpCertificate.base64)</X509Certificate></X509Data></KeyInfo></Signature>"))
        #expect(!xml.contains("\n"))
        let verified = try Fixtures.verifier().verify(xml)
        #expect(verified.signedElements == (mode == .both ? [.assertion, .response] : mode == .response ? .response : .assertion))
        // The signed document is the unsigned one plus the Signature elements, byte for byte.
        var stripped = xml
        while let start = stripped.range(of: "<Signature "), let end = stripped.range(of: "</Signature>") {
            stripped.removeSubrange(start.lowerBound..<end.upperBound)
        }
        #expect(stripped == response.xml())
    }

    @Test("a signed stand-alone assertion verifies its signature")
    func standaloneAssertion() throws {
        guard let assertion = Fixtures.response().assertion else { Issue.record("no assertion"); return }
        let xml = try Fixtures.signer.sign(assertion)
        #expect(try Fixtures.verifier().verifySignatures(Array(xml.utf8)) == .assertion)
    }
}
