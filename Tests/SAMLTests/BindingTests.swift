import Foundation
import SAML
import Testing

@Suite("HTTP-Redirect and HTTP-POST bindings")
struct BindingTests {
    static let request = AuthnRequest(
        id: "id4f1b7f0c-9a2e-4b8e-9d51-0c6e1d1f2a3b", issueInstant: Fixtures.issued,
        destination: "https://login.microsoftonline.com/\(Fixtures.tenant)/saml2",
        assertionConsumerServiceURL: Fixtures.awsSignIn, isPassive: false, issuer: Issuer("https://signin.aws.amazon.com/saml"),
        nameIDPolicy: .init(format: SAMLURI.nameIDEmail))
    static var xml: [UInt8] { Array(request.xml().utf8) }

    @Test("Redirect round trip, unsigned and signed, with a RelayState that needs escaping")
    func redirectRoundTrip() throws {
        let relay = "https://console.aws.amazon.com/?a=1&b=é ü+/"
        let unsigned = try RedirectBinding.decode(query: RedirectBinding.query(Self.xml, kind: .request, relayState: relay))
        #expect(unsigned.xml == Self.xml && unsigned.relayState == relay && unsigned.kind == .request && unsigned.signature == nil)
        expectError(.bindingUnsigned) { try unsigned.verifySignature(trusting: [Fixtures.idpCertificate]) }

        let url = try RedirectBinding.url("https://idp.example/saml2?tenant=x", Self.xml, kind: .request, relayState: relay,
                                          key: Fixtures.idpKey)
        #expect(url.hasPrefix("https://idp.example/saml2?tenant=x&SAMLRequest="))
        let query = String(url.split(separator: "?", maxSplits: 1)[1])
        let signed = try RedirectBinding.decode(query: query)
        #expect(signed.signature?.algorithm == .rsaSHA256)
        try signed.verifySignature(trusting: [Fixtures.attackerCertificate, Fixtures.idpCertificate])
        expectError(.bindingSignatureInvalid) { try signed.verifySignature(trusting: [Fixtures.attackerCertificate]) }
        // The signature covers RelayState: changing it breaks the signature.
        let tampered = try RedirectBinding.decode(query: query.replacingOccurrences(of: "RelayState=https", with: "RelayState=http"))
        expectError(.bindingSignatureInvalid) { try tampered.verifySignature(trusting: [Fixtures.idpCertificate]) }
    }

    @Test("independent peers: python's raw DEFLATE and lowercase escapes, signed by the openssl command over those exact bytes")
    func exactQueryBytes() throws {
        let deflated = try Fixtures.run(["python3", "-c", """
            import re, sys, zlib, base64, urllib.parse
            c = zlib.compressobj(9, zlib.DEFLATED, -15); d = c.compress(sys.stdin.buffer.read()) + c.flush()
            q = urllib.parse.quote(base64.b64encode(d).decode(), safe='')
            print('SAMLRequest=' + re.sub('%[0-9A-F]{2}', lambda m: m.group(0).lower(), q), end='')
            """], input: Data(Self.xml))
        #expect(deflated.status == 0)
        func lowercaseEscapes(_ s: String) -> String {
            var out = "", pending = 0
            for c in s {
                if c == "%" { pending = 2; out.append(c) } else if pending > 0 { pending -= 1; out += c.lowercased() } else { out.append(c) }
            }
            return out
        }
        var query = deflated.output + "&SigAlg=" + lowercaseEscapes(FormEncoding.encode(SignatureAlgorithm.rsaSHA256.signatureMethod))
        let signed = try Fixtures.run(["sh", "-c", "openssl dgst -sha256 -sign '\(Fixtures.keys.appendingPathComponent("idp.key").path)' | base64 -w0"],
                                      input: Data(query.utf8))
        #expect(signed.status == 0)
        query += "&Signature=" + lowercaseEscapes(FormEncoding.encode(signed.output))
        #expect(query.contains("%2f") || query.contains("%3a"), "the escapes really are lowercase")
        let message = try RedirectBinding.decode(query: query)
        #expect(message.xml == Self.xml, "python's raw DEFLATE inflates here")
        try message.verifySignature(trusting: [Fixtures.idpCertificate])
        // And python inflates ours.
        let ours = try RedirectBinding.query(Self.xml, kind: .request)
        let inflated = try Fixtures.run(["python3", "-c", """
            import sys, zlib, base64, urllib.parse
            q = urllib.parse.parse_qs(sys.stdin.read())
            sys.stdout.write(zlib.decompress(base64.b64decode(q['SAMLRequest'][0]), -15).decode())
            """], input: Data(ours.utf8))
        #expect(inflated.output == Self.request.xml())
    }

    @Test("bad Redirect input gives typed errors")
    func redirectBadInput() throws {
        let good = try RedirectBinding.query(Self.xml, kind: .request)
        expectError(.bindingMissingMessage) { try RedirectBinding.decode(query: "RelayState=x") }
        expectError(.bindingMissingMessage) { try RedirectBinding.decode(query: good + "&SAMLResponse=AAAA") }
        expectError(.bindingEncoding) { try RedirectBinding.decode(query: good + "&" + good) }
        expectError(.bindingEncoding) { try RedirectBinding.decode(query: "SAMLRequest=%ZZ") }
        expectError(.bindingBase64) { try RedirectBinding.decode(query: "SAMLRequest=%21%21%21notbase64") }
        let value = good.dropFirst("SAMLRequest=".count)
        expectError(.bindingInflate) { try RedirectBinding.decode(query: "SAMLRequest=" + FormEncoding.encode(Data([1, 2, 3, 4, 5, 6]).base64EncodedString())) }
        let truncated = try FormEncoding.decode(value)
        expectError(.bindingInflate) {
            try RedirectBinding.decode(query: "SAMLRequest=" + FormEncoding.encode(String(truncated.prefix(truncated.count / 2 / 4 * 4))))
        }
        expectError(.bindingSignatureAlgorithm) {
            try RedirectBinding.decode(query: good + "&SigAlg=" + FormEncoding.encode("http://www.w3.org/2000/09/xmldsig#hmac-sha1") + "&Signature=AAAA")
        }
        expectError(.bindingSignatureAlgorithm) { try RedirectBinding.decode(query: good + "&Signature=AAAA") }
        let sha1 = try RedirectBinding.decode(query: RedirectBinding.query(Self.xml, kind: .request, key: Fixtures.idpKey, algorithm: .rsaSHA1))
        expectError(.signatureAlgorithmNotAllowed) { try sha1.verifySignature(trusting: [Fixtures.idpCertificate]) }
        try sha1.verifySignature(trusting: [Fixtures.idpCertificate], algorithms: AlgorithmPolicy(allowSHA1: true))
        expectError(.bindingTooLarge) { try RedirectBinding.decode(query: good, limits: .init(maxQueryBytes: 100)) }
    }

    @Test("a deflate bomb is refused at the inflate limit")
    func deflateBomb() throws {
        let bomb = try RedirectBinding.query([UInt8](repeating: 0x20, count: 20_000_000), kind: .request)
        #expect(bomb.utf8.count < 64 * 1024, "20 MB of spaces deflates to \(bomb.utf8.count) bytes")
        let error = expectError(.bindingTooLarge) { try RedirectBinding.decode(query: bomb) }
        #expect(error?.expected == "at most 262144 bytes")
    }

    @Test("POST: fields, Entra's auto-submit page, and tolerant decoding")
    func post() throws {
        let response = Array("<samlp:Response/>".utf8)
        let page = PostBinding.autoSubmitPage(action: Fixtures.awsSignIn, response, kind: .response, relayState: "a\"<b>")
        #expect(page == "<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"https://signin.aws.amazon.com/saml\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"PHNhbWxwOlJlc3BvbnNlLz4=\" /><input type=\"hidden\" name=\"RelayState\" value=\"a&quot;&lt;b&gt;\" /><noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form><script language=\"javascript\">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>")
        let body = PostBinding.formBody(response, kind: .response, relayState: "x y")
        #expect(body == "SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState=x%20y")
        let decoded = try PostBinding.decode(formBody: body)
        #expect(decoded.xml == response && decoded.relayState == "x y" && decoded.kind == .response)
        // What browsers and capture tools send: '+' for spaces, CRLF-wrapped base64, lowercase escapes.
        let signed = Data(try Fixtures.signer.sign(Fixtures.response()).utf8)
        let wrapped = signed.base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let browserBody = "SAMLResponse=" + FormEncoding.encode(wrapped).replacingOccurrences(of: "%2B", with: "%2b") + "&RelayState=a+b"
        let fromBrowser = try PostBinding.decode(formBody: browserBody)
        #expect(fromBrowser.relayState == "a b")
        #expect(try Fixtures.verifier().verify(fromBrowser.xml).nameID?.value == "test-awsadmin@contoso.com")
        expectError(.bindingBase64) { try PostBinding.decode(formBody: "SAMLResponse=" + FormEncoding.encode(String(wrapped.dropLast(3)))) }
        expectError(.bindingBase64) { try PostBinding.decode(formBody: "SAMLResponse=%3C%3Fxml") }
        expectError(.bindingMissingMessage) { try PostBinding.decode(formBody: "RelayState=x") }
        expectError(.bindingMissingMessage) { try PostBinding.decode(formBody: "SAMLResponse=") }
        expectError(.bindingTooLarge) { try PostBinding.decode(formBody: String(repeating: "A", count: 2000), maxBodyBytes: 1000) }
    }
}

