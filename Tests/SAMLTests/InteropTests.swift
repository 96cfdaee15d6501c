import Foundation
import SAML
import Testing

/// What we sign verifies with independent implementations, and what they sign verifies with us. The tools come
/// from the README's test command (Debian `xmlsec1`, PyPI `signxml` and `xmlsec`); a missing tool is a failure.
@Suite("Interop with xmlsec1, signxml and python-xmlsec")
struct InteropTests {
    static let script = Fixtures.repository.appendingPathComponent("Tests/Interop/interop.py").path

    static func temporary(_ name: String, _ contents: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swift-saml-interop-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        if let contents { try contents.write(to: url, atomically: true, encoding: .utf8) }
        return url
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Fixtures.run(["python3", script] + arguments)
    }

    @Test("the xmlsec1 command verifies every signature we make", arguments: SigningMode.allCases)
    func xmlsec1(_ mode: SigningMode) throws {
        #expect(Fixtures.which("xmlsec1"), "xmlsec1 is missing: run the README's test command, which installs it")
        let file = try Self.temporary("xmlsec1-\(mode).xml", try Fixtures.signer.sign(Fixtures.response(), mode: mode))
        let cert = Fixtures.keys.appendingPathComponent("idp.crt").path
        var xpaths: [String] = []
        if mode.rawValue != "response" { xpaths.append("/*/*[local-name()='Assertion']/*[local-name()='Signature']") }
        if mode.rawValue != "assertion" { xpaths.append("/*/*[local-name()='Signature']") }
        for xpath in xpaths {
            let result = try Fixtures.run(["xmlsec1", "--verify", "--pubkey-cert-pem", cert, "--enabled-reference-uris", "same-doc",
                                           "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                                           "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                                           "--node-xpath", xpath, file.path])
            #expect(result.status == 0 && result.output.contains("\nOK\n") || result.output.hasPrefix("OK"), "\(result.output)")
        }
        // And the tool is not a rubber stamp: a tampered copy fails.
        let tampered = try Self.temporary("xmlsec1-\(mode)-tampered.xml",
                                          try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "test-awsadmin@", with: "evil@"))
        let bad = try Fixtures.run(["xmlsec1", "--verify", "--pubkey-cert-pem", cert, "--id-attr:ID",
                                    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--id-attr:ID",
                                    "urn:oasis:names:tc:SAML:2.0:protocol:Response", "--node-xpath", xpaths[0], tampered.path])
        #expect(bad.status != 0)
    }

    @Test("signxml verifies every signature we make", arguments: SigningMode.allCases)
    func signxmlVerifies(_ mode: SigningMode) throws {
        let file = try Self.temporary("signxml-\(mode).xml", try Fixtures.signer.sign(Fixtures.response(), mode: mode))
        let result = try Self.python(["verify-signxml", Fixtures.keys.appendingPathComponent("idp.crt").path, file.path])
        #expect(result.status == 0, "\(result.output)")
        let expected = mode == .assertion ? "Assertion" : mode == .response ? "Response" : "Response Assertion"
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(result.output)")
    }

    @Test("responses signed by signxml and python-xmlsec verify here", arguments: ["signxml", "pyxmlsec-assertion", "pyxmlsec-response"])
    func theySignWeVerify(_ tool: String) throws {
        let unsigned = try Self.temporary("unsigned-\(tool).xml", Fixtures.response(seed: 77).xml())
        let out = try Self.temporary("signed-by-\(tool).xml")
        let key = Fixtures.keys.appendingPathComponent("idp.key").path, cert = Fixtures.keys.appendingPathComponent("idp.crt").path
        let arguments = tool == "signxml" ? ["sign-signxml", key, cert, unsigned.path, out.path]
            : ["sign-pyxmlsec", key, cert, unsigned.path, out.path, tool.hasSuffix("assertion") ? "assertion" : "response"]
        let result = try Self.python(arguments)
        #expect(result.status == 0, "\(result.output)")
        let signed = try [UInt8](Data(contentsOf: out))
        let verified = try Fixtures.verifier().verify(signed)
        #expect(verified.nameID?.value == "test-awsadmin@contoso.com")
        #expect(verified.signedElements == (tool == "pyxmlsec-response" ? .response : .assertion))
        #expect(verified.assertion == Fixtures.response(seed: 77).assertion)
        let tampered = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "role/Administrator", with: "role/Root")
        expectError(.signatureDigestMismatch) { try Fixtures.verifier().verify(tampered) }
    }
}
