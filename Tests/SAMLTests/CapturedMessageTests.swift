import Foundation
import SAML
import Testing

@Suite("Captured messages: every form people save")
struct CapturedMessageTests {
    let xml = Array(Fixtures.response().xml().utf8)

    @Test("HAR with params, HTML with entities and single quotes, a bare Redirect value, a query with ?, a URL")
    func forms() throws {
        let base64 = Data(xml).base64EncodedString()
        let har = try JSONSerialization.data(withJSONObject: ["log": ["entries": [
            ["request": ["method": "POST", "url": "https://signin.aws.amazon.com/saml",
                         "postData": ["mimeType": "application/x-www-form-urlencoded",
                                      "params": [["name": "SAMLResponse", "value": base64], ["name": "RelayState", "value": "r&s"]]]]],
        ]]])
        let viaHAR = try CapturedMessage.decode(Array(har))
        #expect(viaHAR.form == .har && viaHAR.xml == xml && viaHAR.relayState == "r&s" && viaHAR.endpoint == "https://signin.aws.amazon.com/saml")

        let escaped = base64.replacingOccurrences(of: "+", with: "&#43;").replacingOccurrences(of: "=", with: "&#x3D;")
        let page = "<html><body><form method='post' action='https://signin.aws.amazon.com/saml'><input type='hidden' value='\(escaped)' name='SAMLResponse'/></form></body></html>"
        let viaPage = try CapturedMessage.decode(Array(page.utf8))
        #expect(viaPage.form == .htmlForm && viaPage.xml == xml)

        let request = AuthnRequest(id: "_r1", issueInstant: Fixtures.issued, issuer: Issuer(Fixtures.awsSignIn))
        let query = try RedirectBinding.query(Array(request.xml().utf8), kind: .request, relayState: "x")
        let viaQuery = try CapturedMessage.decode(Array(("?" + query).utf8))
        #expect(viaQuery.form == .redirectQuery && viaQuery.kind == .request && viaQuery.relayState == "x")
        let viaURL = try CapturedMessage.decode(Array(("https://login.microsoftonline.com/t/saml2?" + query).utf8))
        #expect(viaURL.endpoint == "https://login.microsoftonline.com/t/saml2" && viaURL.xml == viaQuery.xml)
        let value = try FormEncoding.decode(Substring(query.split(separator: "&")[0].dropFirst("SAMLRequest=".count)))
        let viaValue = try CapturedMessage.decode(Array(value.utf8))
        #expect(viaValue.form == .base64 && String(decoding: viaValue.xml, as: UTF8.self).contains("_r1"))
        let bom = try CapturedMessage.decode([0xEF, 0xBB, 0xBF] + Array("  \n".utf8) + xml)
        #expect(bom.form == .xml && bom.xml == xml)
    }

    @Test("what is not a message says why")
    func refusals() {
        #expect(throws: SAMLError.self) { try CapturedMessage.decode([]) }
        func refusal(_ text: String) -> SAMLError.Code? {
            #expect(throws: SAMLError.self, "\(text.prefix(30))") { try CapturedMessage.decode(Array(text.utf8)) }?.code
        }
        #expect(refusal("!!not base64!!") == .inputBase64)
        #expect(refusal(#"{"log": {"entries": []}}"#) == .bindingMissingMessage)
        #expect(refusal("<html><body>no form</body></html>") == .bindingMissingMessage)
        #expect([.bindingInflate, .inputBase64].contains(refusal(Data("just text".utf8).base64EncodedString())))
    }

    @Test("a page is read as an HTML parser reads it; a second field, or the name anywhere else in the page, is refused")
    func ambiguousPages() throws {
        let base64 = Data(xml).base64EncodedString()
        let decoy = Data("<x/>".utf8).base64EncodedString()
        func page(_ inputs: String) -> [UInt8] {
            Array("<html><body><form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(inputs)</form></body></html>".utf8)
        }
        // One field, spelt as HTML allows: read.
        for field in ["<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(base64)\"/>",
                      "<INPUT TYPE=HIDDEN NAME=SAMLResponse VALUE=\"\(base64)\">",
                      "<input name = \"SAMLResponse\" value = '\(base64)'>",
                      "<input value=\"\(base64)\" name=\"SAML&#82;esponse\">",
                      "<input name=SAMLResponse value=\(base64)>"] {
            let captured = try CapturedMessage.decode(page(field))
            #expect(captured.xml == xml && captured.endpoint == "https://signin.aws.amazon.com/saml", "\(field.prefix(50))")
        }
        // The name also outside that field (a comment, a script, a textarea, a second field in any spelling): refused,
        // since which message a browser would post is not the reader's to guess.
        let real = "<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(base64)\"/>"
        for other in ["<!-- <input type=\"hidden\" name=\"SAMLResponse\" value=\"\(decoy)\"/> -->",
                      "<!---><input name=\"SAMLResponse\" value=\"\(decoy)\"><!-- -->",
                      "<!-- --!><input name=\"SAMLResponse\" value=\"\(decoy)\"><!-- -->",
                      "<script>var f = '<input name=\"SAMLResponse\" value=\"\(decoy)\">';</script>",
                      "<textarea><input name=\"SAMLResponse\" value=\"\(decoy)\"></textarea>",
                      "<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(decoy)\"/>",
                      "<input type=\"hidden\" NAME=\"samlresponse\" value=\"\(decoy)\"/>",
                      "<input name=\"SAML&#82;esponse\" value=\"\(decoy)\">",
                      "<input name\n=\"SAMLResponse\" value=\"\(decoy)\">"] {
            for inputs in [other + real, real + other] {
                let error = #expect(throws: SAMLError.self, "\(inputs.prefix(60))") { try CapturedMessage.decode(page(inputs)) }
                #expect(error?.code == .bindingEncoding && error?.message.contains("more than one SAMLResponse") == true)
            }
        }
        // Decoys spelt with character references count as mentions (a browser posts them as SAMLResponse).
        for decoyName in ["&#83;AMLResponse", "SAML&#x52;esponse", "&#x53;&#x41;MLResponse", "&#83AMLResponse"] {
            let inputs = real + "<input name=\"\(decoyName)\" value=\"\(decoy)\">"
            #expect(throws: SAMLError.self, "\(decoyName)") { try CapturedMessage.decode(page(inputs)) }
            // Also where libxml2 builds no field but a browser does (HTML reads '/' between attributes as a space):
            // the spelling counts.
            let hidden = real + "<input/type=\"hidden\"/name=\"\(decoyName)\"/value=\"\(decoy)\">"
            #expect(throws: SAMLError.self, "\(decoyName) with slashes") { try CapturedMessage.decode(page(hidden)) }
        }
        // The one field, where a browser would not post it: refused, saying why.
        let field = "name=\"SAMLResponse\" value=\"\(base64)\""
        for (html, reason) in [("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><input type=\"hidden\" disabled \(field)></form>", "disabled"),
                               ("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><fieldset disabled><input type=\"hidden\" \(field)></fieldset></form>", "fieldset is disabled"),
                               ("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><template><input type=\"hidden\" \(field)></template></form>", "inside <template>"),
                               ("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><noscript><input type=\"hidden\" \(field)></noscript></form>", "inside <noscript>"),
                               ("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><input type=\"checkbox\" \(field)></form>", "type is checkbox"),
                               ("<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><input type=\"hidden\" form=\"other\" \(field)></form>", "another form"),
                               ("<form action=\"https://signin.aws.amazon.com/saml\"><input type=\"hidden\" \(field)></form>", "method is GET"),
                               ("<div><input type=\"hidden\" \(field)></div>", "outside any form"),
                               ("<form method=\"post\" enctype=\"text/plain\" action=\"https://signin.aws.amazon.com/saml\"><input type=\"hidden\" \(field)></form>", "text/plain")] {
            let error = #expect(throws: SAMLError.self, "\(reason)") { try CapturedMessage.decode(Array("<html><body>\(html)</body></html>".utf8)) }
            #expect(error?.message.contains("would not post") == true && error?.found?.contains(reason) == true, "\(String(describing: error))")
        }
        // A field named in another case is posted under that name, which no service provider reads.
        let lower = #expect(throws: SAMLError.self) { try CapturedMessage.decode(page("<input type=\"hidden\" name=\"samlresponse\" value=\"\(base64)\">")) }
        #expect(lower?.message.contains("not named SAMLResponse") == true)
        // Two forms, an encoding other than UTF-8, a NUL, prefixed elements: which markup a browser reads is not the parser's.
        for html in ["<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\"><h:input type=\"hidden\" \(field)></form>",
                     "<h:form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real)</h:form>",
                     "<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real.replacingOccurrences(of: "value=\"", with: "value=\"\u{0}"))</form>",
                     // A NUL inside or at the end of the value, where libxml2 drops it and a browser posts U+FFFD.
                     "<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real.replacingOccurrences(of: String(base64.prefix(40)), with: String(base64.prefix(40)) + "\u{0}"))</form>",
                     "<form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real.replacingOccurrences(of: base64 + "\"", with: base64 + "\u{0}\""))</form>","<form method=\"post\" action=\"https://evil.example/\"><form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real)</form></form>",
                     "<meta charset=\"iso-2022-jp\"><form method=\"post\" action=\"https://signin.aws.amazon.com/saml\">\(real)</form>",
                     "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><form method=\"post\" action=\"x\">\(real)</form>"] {
            #expect(throws: SAMLError.self, "\(html.prefix(40))") { try CapturedMessage.decode(Array("<html><body>\(html)</body></html>".utf8)) }
        }
        #expect(try CapturedMessage.decode(Array("<html><head><meta charset=\"UTF-8\"></head><body><form method=\"POST\" action=\"https://signin.aws.amazon.com/saml\">\(real)</form></body></html>".utf8)).xml == xml)
        // The form the package writes itself reads back.
        let own = PostBinding.autoSubmitPage(action: "https://signin.aws.amazon.com/saml", xml, kind: .response, relayState: "r")
        let captured = try CapturedMessage.decode(Array(own.utf8))
        #expect(captured.xml == xml && captured.relayState == "r")
    }

    @Test("a HAR file: its one response, with the sign-in's requests beside it; the same message twice is one; two different ones are refused, naming where each went")
    func ambiguousHAR() throws {
        let base64 = Data(xml).base64EncodedString()
        let other = Data(Fixtures.response(seed: 2).xml().utf8).base64EncodedString()
        func post(_ url: String, _ value: String) -> [String: Any] {
            ["request": ["method": "POST", "url": url,
                         "postData": ["mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=" + FormEncoding.encode(value)]]]
        }
        func har(_ entries: [[String: Any]]) throws -> [UInt8] {
            Array(try JSONSerialization.data(withJSONObject: ["log": ["entries": entries]]))
        }
        let aws = "https://signin.aws.amazon.com/saml"
        let twice = try CapturedMessage.decode(try har([post(aws, base64), post(aws, base64)]))
        #expect(twice.xml == xml && twice.endpoint == aws)
        for entries in [[post("https://evil.example/", other), post(aws, base64)], [post(aws, base64), post(aws, other)]] {
            let error = #expect(throws: SAMLError.self) { try CapturedMessage.decode(try har(entries)) }
            #expect(error?.code == .bindingEncoding && error?.message.contains("2 different SAML") == true, "\(String(describing: error))")
        }
        #expect(Fixtures.response(seed: 2).xml() != Fixtures.response().xml())
        // A sign-in's requests travel with its response: the response is the message (SP-initiated with a POSTed
        // AuthnRequest, a logout after it, a Redirect-binding request).
        let request = AuthnRequest(id: "_r1", issueInstant: Fixtures.issued, issuer: Issuer(Fixtures.awsSignIn))
        let requestBase64 = Data(request.xml().utf8).base64EncodedString()
        func postRequest(_ url: String, _ value: String) -> [String: Any] {
            ["request": ["method": "POST", "url": url,
                         "postData": ["mimeType": "application/x-www-form-urlencoded", "text": "SAMLRequest=" + FormEncoding.encode(value)]]]
        }
        let redirectRequest = "https://login.microsoftonline.com/t/saml2?" + (try RedirectBinding.query(Array(request.xml().utf8), kind: .request))
        for entries in [[postRequest("https://login.microsoftonline.com/t/saml2", requestBase64), post(aws, base64)],
                        [post(aws, base64), postRequest("https://login.microsoftonline.com/t/saml2", Data("<samlp:LogoutRequest/>".utf8).base64EncodedString())],
                        [["request": ["method": "GET", "url": redirectRequest]], post(aws, base64)]] {
            let captured = try CapturedMessage.decode(try har(entries))
            #expect(captured.kind == .response && captured.xml == xml)
        }
        // A Redirect-binding response beside a posted one, one entry whose text and params disagree, two requests:
        // refused.
        let redirectResponse = "https://sp.example/acs?" + (try RedirectBinding.query(Array(Fixtures.response(seed: 2).xml().utf8), kind: .response))
        let disagreeing: [String: Any] = ["request": ["method": "POST", "url": aws, "postData": [
            "mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=" + FormEncoding.encode(base64),
            "params": [["name": "SAMLResponse", "value": other]]]]]
        // The body as sent wins over the browser's parse of it (params: Chrome leaves it percent-encoded).
        #expect(try CapturedMessage.decode(try har([disagreeing])).xml == xml)
        let chrome: [String: Any] = ["request": ["method": "POST", "url": aws, "postData": [
            "mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=" + FormEncoding.encode(base64),
            "params": [["name": "SAMLResponse", "value": FormEncoding.encode(base64)]]]]]
        #expect(try CapturedMessage.decode(try har([chrome, chrome])).xml == xml)
        // A sign-out after the sign-in: its LogoutResponse is a SAMLResponse field too, and not the sign-in's message.
        let logout = Data("<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_l\" Version=\"2.0\"/>".utf8).base64EncodedString()
        #expect(try CapturedMessage.decode(try har([post(aws, base64), post("https://login.microsoftonline.com/t/saml2", logout)])).xml == xml)
        // A field name the server decodes to SAMLResponse counts as one, wherever the message went.
        let encodedName: [String: Any] = ["request": ["method": "POST", "url": aws, "postData": [
            "mimeType": "application/x-www-form-urlencoded", "text": "SAML%52esponse=" + FormEncoding.encode(other)]]]
        for entries in [[["request": ["method": "GET", "url": redirectResponse]], post(aws, base64)], [encodedName, post("https://example.com/x", base64)],
                        [postRequest("https://a.example/", requestBase64), postRequest("https://b.example/", Data("<samlp:LogoutRequest/>".utf8).base64EncodedString())]] {
            let error = #expect(throws: SAMLError.self) { try CapturedMessage.decode(try har(entries)) }
            #expect(error?.code == .bindingEncoding && error?.message.contains("2 different SAML") == true, "\(String(describing: error))")
        }
        // Many near-identical messages (each differs only at its end) are told apart by hashing, within the cost
        // bound: pairwise comparison was quadratic in the entries times the message size.
        let filler = String(repeating: "a", count: 8_000)
        let many = try har((0..<1_200).map { i in post(aws, Data("<x>\(filler)</x><!--\(i)-->".utf8).base64EncodedString()) })
        let clock = ContinuousClock()
        let started = clock.now
        let crowd = #expect(throws: SAMLError.self) { try CapturedMessage.decode(many) }
        #expect(crowd?.message.contains("1200 different SAML responses") == true, "\(String(describing: crowd))")
        #expect(clock.now - started < .seconds(10), "\(clock.now - started)")
        // Text and params carrying the same message (as browsers export a form post) are one.
        let agreeing: [String: Any] = ["request": ["method": "POST", "url": aws, "postData": [
            "mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=" + FormEncoding.encode(base64),
            "params": [["name": "SAMLResponse", "value": base64]]]]]
        #expect(try CapturedMessage.decode(try har([agreeing])).xml == xml)
    }

    @Test("signing in place: assertion, response or both, the rest of the document kept; peeks report each signature")
    func signInPlace() throws {
        let unsigned = Array(Fixtures.response().xml().utf8)
        for mode in SigningMode.allCases {
            let signed = try MessageSignatures.sign(unsigned, mode: mode, with: Fixtures.signer)
            let verified = try Fixtures.verifier().verify(signed)
            #expect(verified.signedElements.contains(.assertion) == (mode != .response) && verified.signedElements.contains(.response) == (mode != .assertion))
            let summaries = try ResponsePeek.signatures(signed)
            #expect(summaries.map(\.element) == (mode == .both ? ["Response", "Assertion"] : mode == .response ? ["Response"] : ["Assertion"]))
            #expect(summaries.allSatisfy { $0.certificates == [Fixtures.idpCertificate] && $0.signatureMethod?.hasSuffix("rsa-sha256") == true })
        }
        #expect(throws: SAMLError.self) { try MessageSignatures.sign(try MessageSignatures.sign(unsigned, mode: .assertion, with: Fixtures.signer), mode: .assertion, with: Fixtures.signer) }
        let peeked = try ResponsePeek.response(unsigned)
        #expect(peeked.assertion?.subject?.nameID?.value == "test-awsadmin@contoso.com")
        #expect(try ResponsePeek.prettyXML(unsigned).contains("\n  <Issuer"))
    }
}
