import Foundation
import PropertyBased
import SAML
import Testing

/// The Response's own children and the Status around a signed Assertion: SAML core's order (3.2.2, 3.3.3) or a
/// refusal. The signature covers only the Assertion here, so everything these tests move is what an attacker can
/// change freely: a second Issuer or Status must not be read by one verifier and skipped by another.
@Suite("The Response envelope and its Status are SAML core's shape")
struct EnvelopeTests {
    /// The parts of an assertion-signed Entra response: the start tag, the Issuer, the Status, the Assertion.
    struct Parts {
        var start: String, issuer: String, status: String, assertion: String
        init() throws {
            let text = String(decoding: try Fixtures.signer.signedBytes(Fixtures.response()), as: UTF8.self)
            let issuerStart = try #require(text.range(of: "<Issuer"))
            let statusStart = try #require(text.range(of: "<samlp:Status>"))
            let assertionStart = try #require(text.range(of: "<Assertion "))
            let end = try #require(text.range(of: "</samlp:Response>", options: .backwards))
            start = String(text[..<issuerStart.lowerBound])
            issuer = String(text[issuerStart.lowerBound..<statusStart.lowerBound])
            status = String(text[statusStart.lowerBound..<assertionStart.lowerBound])
            assertion = String(text[assertionStart.lowerBound..<end.lowerBound])
        }

        func response(_ children: [String]) -> [UInt8] { Array((start + children.joined() + "</samlp:Response>").utf8) }
    }

    /// One child of the Response.
    enum Child: CaseIterable, Sendable {
        case issuer, evilIssuer, extensions, status, responderStatus, unknown, assertion
    }

    func xml(_ child: Child, _ parts: Parts) -> String {
        switch child {
        case .issuer: return parts.issuer
        case .evilIssuer: return "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://evil.example/</Issuer>"
        case .extensions: return "<samlp:Extensions><x xmlns=\"urn:example:ext\"/></samlp:Extensions>"
        case .status: return parts.status
        case .responderStatus:
            return parts.status.replacingOccurrences(of: "status:Success", with: "status:Responder")
        case .unknown: return "<samlp:Unknown/>"
        case .assertion: return parts.assertion
        }
    }

    /// The schema's sequence: Issuer?, Extensions?, a Success Status, then the one Assertion (no Response Signature
    /// here: the Assertion carries it).
    static func isSchemaOrder(_ children: [Child]) -> Bool {
        var rest = children[...]
        if rest.first == .issuer { rest.removeFirst() }
        if rest.first == .extensions { rest.removeFirst() }
        return Array(rest) == [.status, .assertion]
    }

    @Test("any sequence of Response children is accepted exactly when it is the schema's order, with one Success Status")
    func envelopeProperty() async throws {
        let parts = try Parts()
        let verifier = Fixtures.verifier()
        let sequences = Gen.element(of: Child.allCases).map { $0 ?? .unknown }.array(of: 1...6)
        await propertyCheck(count: 300, input: sequences) { children in
            let accepted = (try? await verifier.verify(parts.response(children.map { xml($0, parts) }))) != nil
            #expect(accepted == Self.isSchemaOrder(children), "\(children)")
        }
        // The accepted shapes themselves, which random sequences reach rarely.
        for children: [Child] in [[.issuer, .status, .assertion], [.status, .assertion], [.issuer, .extensions, .status, .assertion]] {
            #expect(throws: Never.self, "\(children)") { try verifier.verify(parts.response(children.map { xml($0, parts) })) }
        }
    }

    @Test("a repeated, misplaced or unknown child of the Response is refused with what was expected",
          arguments: [
              ([Child.issuer, .evilIssuer, .status, .assertion], "structure.duplicateElement", "more than one Issuer"),
              ([Child.issuer, .status, .issuer, .assertion], "structure.unexpectedContent", "out of place"),
              ([Child.issuer, .status, .responderStatus, .assertion], "structure.duplicateElement", "more than one Status"),
              ([Child.status, .issuer, .assertion], "structure.unexpectedContent", "out of place"),
              ([Child.issuer, .assertion, .status], "structure.unexpectedContent", "before the Status"),
              ([Child.issuer, .status, .assertion, .unknown], "structure.unexpectedContent", "unsupported element"),
              ([Child.issuer, .extensions, .extensions, .status, .assertion], "structure.duplicateElement", "more than one Extensions"),
          ])
    func envelopeRefusals(children: [Child], code: String, message: String) throws {
        let parts = try Parts()
        var steps: [VerificationCheck] = []
        let error = try #require(throws: SAMLError.self) {
            try Fixtures.verifier().verify(parts.response(children.map { xml($0, parts) }), diagnostics: { steps.append($0) })
        }
        #expect(error.code.rawValue == code && error.message.contains(message), "\(error)")
        #expect(steps.first { $0.error != nil }?.name == "structure")
    }

    @Test("the Status: one StatusCode first, then StatusMessage? and StatusDetail?, one nested StatusCode at most",
          arguments: [
              ("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"/>",
               "structure.duplicateElement"),
              ("<samlp:StatusMessage>m</samlp:StatusMessage><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
               "structure.unexpectedContent"),
              ("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/><samlp:Unknown/>", "structure.unexpectedContent"),
              ("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/><samlp:StatusDetail/><samlp:StatusMessage>m</samlp:StatusMessage>",
               "structure.unexpectedContent"),
              ("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"><samlp:StatusCode Value=\"a\"/><samlp:StatusCode Value=\"b\"/></samlp:StatusCode>",
               "structure.unexpectedContent"),
              ("<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"><x xmlns=\"urn:x\"/></samlp:StatusCode>",
               "structure.unexpectedContent"),
          ])
    func statusShape(inner: String, code: String) throws {
        let parts = try Parts()
        var steps: [VerificationCheck] = []
        let status = "<samlp:Status>" + inner + "</samlp:Status>"
        let error = try #require(throws: SAMLError.self) {
            try Fixtures.verifier().verify(parts.response([parts.issuer, status, parts.assertion]), diagnostics: { steps.append($0) })
        }
        #expect(error.code.rawValue == code, "\(error)")
        #expect(steps.first { $0.error != nil }?.name == "status")
    }

    @Test("text between the Response's or the Status's elements, or elements in a StatusMessage, are refused; white space is not")
    func strayText() throws {
        let parts = try Parts()
        let success = "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
        for (children, step) in [([parts.issuer, "Success", parts.status, parts.assertion], "structure"),
                                 ([parts.issuer, "<![CDATA[x]]>", parts.status, parts.assertion], "structure"),
                                 ([parts.issuer, "<samlp:Status>x" + success + "</samlp:Status>", parts.assertion], "status"),
                                 ([parts.issuer, "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\">x</samlp:StatusCode></samlp:Status>", parts.assertion], "status"),
                                 ([parts.issuer, "<samlp:Status>" + success + "<samlp:StatusMessage>a<b xmlns=\"urn:x\"/></samlp:StatusMessage></samlp:Status>", parts.assertion], "status")] {
            var steps: [VerificationCheck] = []
            let error = try #require(throws: SAMLError.self) {
                try Fixtures.verifier().verify(parts.response(children), diagnostics: { steps.append($0) })
            }
            #expect(error.code == .structureUnexpectedContent && steps.first { $0.error != nil }?.name == step, "\(error)")
        }
        #expect(throws: Never.self) {
            try Fixtures.verifier().verify(parts.response([parts.issuer, " \n\t", "<samlp:Status>\n " + success + "\n</samlp:Status>", "\n", parts.assertion]))
        }
    }

    @Test("the Status shapes SAML core allows are accepted")
    func statusShapesAccepted() throws {
        let parts = try Parts()
        let success = "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\">"
        for inner in [success + "</samlp:StatusCode><samlp:StatusMessage>ok</samlp:StatusMessage><samlp:StatusDetail><x xmlns=\"urn:x\"/></samlp:StatusDetail>",
                      success + "<samlp:StatusCode Value=\"urn:x:a\"><samlp:StatusCode Value=\"urn:x:b\"/></samlp:StatusCode></samlp:StatusCode>",
                      success + "</samlp:StatusCode><samlp:StatusDetail/>"] {
            let status = "<samlp:Status>" + inner + "</samlp:Status>"
            #expect(throws: Never.self, "\(inner)") { try Fixtures.verifier().verify(parts.response([parts.issuer, status, parts.assertion])) }
        }
    }
}

/// Text between the elements of the signed Assertion's element-only parts: refused wherever it is put.
@Suite("No stray text inside the Assertion")
struct AssertionStrayTextTests {
    @Test("text after each element-only start tag of the Assertion is refused at the content step", arguments: [
        "<Assertion ", "<Subject>", "<SubjectConfirmation ", "<Conditions ", "<AudienceRestriction>", "<AttributeStatement>", "<Attribute ",
    ])
    func refused(element: String) throws {
        let response = Fixtures.response()
        let text = String(decoding: try Fixtures.signer.signedBytes(response), as: UTF8.self)
        let open = try #require(text.range(of: element))
        let end = element.hasSuffix(">") ? open : try #require(text.range(of: ">", range: open.upperBound..<text.endIndex))
        let edited = String(text[..<end.upperBound]) + "EVIL" + String(text[end.upperBound...])
        let signed = try Signer.signTemplates(in: Array(edited.utf8), elementIDs: [try #require(response.assertion?.id)], key: Fixtures.idpKey)
        var steps: [VerificationCheck] = []
        let error = try #require(throws: SAMLError.self) { try Fixtures.verifier().verify(signed, diagnostics: { steps.append($0) }) }
        #expect(error.code == .structureUnexpectedContent && steps.first { $0.error != nil }?.name == "content", "\(element): \(error)")
    }
}

/// The AuthnStatement inside the signed Assertion: SubjectLocality?, one AuthnContext, and in it ClassRef?,
/// Decl or DeclRef?, AuthenticatingAuthority* (SAML core 2.7.2); anything else is refused, as elsewhere in the Assertion.
@Suite("The AuthnStatement is SAML core's shape")
struct AuthnStatementShapeTests {
    /// The fixture response with its AuthnStatement's content replaced, signed again over the new content.
    static func signed(authnContent: String) throws -> [UInt8] {
        let response = Fixtures.response()
        let text = String(decoding: try Fixtures.signer.signedBytes(response), as: UTF8.self)
        let open = try #require(text.range(of: "<AuthnStatement "))
        let contentStart = try #require(text.range(of: ">", range: open.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "</AuthnStatement>"))
        let edited = String(text[..<contentStart.upperBound]) + authnContent + String(text[close.lowerBound...])
        let id = try #require(response.assertion?.id)
        return try Signer.signTemplates(in: Array(edited.utf8), elementIDs: [id], key: Fixtures.idpKey)
    }

    static let classRef = "<AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef>"

    @Test("the shapes SAML core allows are read", arguments: [
        "<AuthnContext>\(classRef)</AuthnContext>",
        "<SubjectLocality Address=\"10.0.0.1\"/><AuthnContext>\(classRef)</AuthnContext>",
        "<AuthnContext>\(classRef)<AuthnContextDeclRef>urn:x</AuthnContextDeclRef><AuthenticatingAuthority>urn:a</AuthenticatingAuthority><AuthenticatingAuthority>urn:b</AuthenticatingAuthority></AuthnContext>",
        "<AuthnContext><AuthnContextDeclRef>urn:x</AuthnContextDeclRef></AuthnContext>",
    ])
    func accepted(content: String) throws {
        let verified = try Fixtures.verifier().verify(try Self.signed(authnContent: content))
        #expect(verified.assertion.authnStatement?.authnContextClassRef == (content.contains(Self.classRef)
            ? "urn:oasis:names:tc:SAML:2.0:ac:classes:Password" : nil))
    }

    @Test("anything else is refused at the content step", arguments: [
        ("<AuthnContext>\(classRef)</AuthnContext><Unknown/>", "structure.unexpectedContent"),
        ("<Unknown/><AuthnContext>\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext>\(classRef)</AuthnContext><SubjectLocality/>", "structure.unexpectedContent"),
        ("<AuthnContext>\(classRef)</AuthnContext><AuthnContext>\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<SubjectLocality/><SubjectLocality/><AuthnContext>\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<SubjectLocality/>", "structure.missingElement"),
        ("<AuthnContext>\(classRef)\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext><AuthnContextDeclRef>urn:x</AuthnContextDeclRef>\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext>\(classRef)<x xmlns=\"urn:x\"/></AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext/>", "structure.missingElement"),
        ("<AuthnContext><AuthenticatingAuthority>urn:a</AuthenticatingAuthority></AuthnContext>", "structure.missingElement"),
        ("x<AuthnContext>\(classRef)</AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext>\(classRef)x</AuthnContext>", "structure.unexpectedContent"),
        ("<AuthnContext>\(classRef)<![CDATA[x]]></AuthnContext>", "structure.unexpectedContent"),
    ])
    func refused(content: String, code: String) throws {
        var steps: [VerificationCheck] = []
        let signed = try Self.signed(authnContent: content)
        let error = try #require(throws: SAMLError.self) { try Fixtures.verifier().verify(signed, diagnostics: { steps.append($0) }) }
        #expect(error.code.rawValue == code, "\(error)")
        #expect(steps.first { $0.error != nil }?.name == "content")
    }
}
