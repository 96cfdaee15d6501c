import Foundation
import SAML
import Testing

@Suite("Entra-shaped serialisation")
struct SerializationTests {
    @Test("an unsigned response has Entra's exact element order, attribute order, prefixes and instants")
    func entraShape() {
        let xml = Fixtures.response(seed: 42).xml()
        #expect(!xml.contains("\n") && !xml.hasPrefix("<?xml"))
        #expect(xml.hasPrefix("<samlp:Response ID=\"_"))
        // Response attributes in Entra's order, samlp declared last.
        #expect(xml.contains("Version=\"2.0\" IssueInstant=\"2025-05-01T12:00:00.245Z\" Destination=\"https://signin.aws.amazon.com/saml\" xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/</Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status><Assertion ID=\"_"))
        // Assertion: ID IssueInstant Version xmlns, stamped 7 ms before the Response.
        #expect(xml.contains("IssueInstant=\"2025-05-01T12:00:00.238Z\" Version=\"2.0\" xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"><Issuer>"))
        // Window: NotBefore −5 min and NotOnOrAfter +60 min from a base 148 ms earlier; the same on the confirmation.
        #expect(xml.contains("<SubjectConfirmationData NotOnOrAfter=\"2025-05-01T13:00:00.090Z\" Recipient=\"https://signin.aws.amazon.com/saml\"/>"))
        #expect(xml.contains("<Conditions NotBefore=\"2025-05-01T11:55:00.090Z\" NotOnOrAfter=\"2025-05-01T13:00:00.090Z\"><AudienceRestriction><Audience>https://signin.aws.amazon.com/saml</Audience></AudienceRestriction></Conditions>"))
        // Claims in Entra's order: the role claim after the methods (Versent/saml2aws pkg/provider/aad/testdata/
        // SAMLResponse.xml), AWS claims after name, SessionDuration last.
        let names = xml.components(separatedBy: "<Attribute Name=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(names == [AttributeName.tenantID, AttributeName.objectIdentifier, AttributeName.displayName,
                          AttributeName.identityProvider, AttributeName.authnMethodsReferences, AttributeName.role, AttributeName.givenName,
                          AttributeName.surname, AttributeName.emailAddress, AttributeName.name, AttributeName.awsRole,
                          AttributeName.awsRoleSessionName, AttributeName.awsSessionDuration])
        let response = Fixtures.response(seed: 42)
        let assertionID = response.assertion?.id ?? "?"
        #expect(xml.hasSuffix("<AuthnStatement AuthnInstant=\"2025-05-01T12:00:00.238Z\" SessionIndex=\"\(assertionID)\"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion></samlp:Response>"))
    }

    @Test("IDs are _ + a lowercase GUID, deterministic per seed")
    func ids() {
        let a = SequentialIDGenerator(seed: 7), b = SequentialIDGenerator(seed: 7)
        let first = a.next()
        #expect(first == b.next())
        #expect(first != a.next())
        #expect(first.range(of: "^_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
        #expect(RandomIDGenerator().next().range(of: "^_[0-9a-f-]{36}$", options: .regularExpression) != nil)
    }

    @Test("text and attribute values are escaped as libxml2 escapes them")
    func escaping() {
        var r = Fixtures.response(seed: 1)
        r.assertion?.attributeStatement = AttributeStatement([Attribute(name: "a\"&<b", values: ["x<y>&\"z\r"])])
        let xml = r.xml()
        #expect(xml.contains("<Attribute Name=\"a&quot;&amp;&lt;b\"><AttributeValue>x&lt;y&gt;&amp;\"z&#13;</AttributeValue></Attribute>"))
    }

    @Test("Entra's failure response carries nested status codes and the AADSTS message")
    func failureStatus() {
        var r = Fixtures.response(seed: 1)
        r.assertion = nil
        r.status = Status(code: SAMLURI.statusRequester, subCode: "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
                          message: "AADSTS75006: An error occurred.")
        #expect(r.xml().contains("<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Requester\"><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported\"/></samlp:StatusCode><samlp:StatusMessage>AADSTS75006: An error occurred.</samlp:StatusMessage></samlp:Status>"))
    }
}

@Suite("xs:dateTime instants")
struct InstantTests {
    @Test("format with milliseconds and Z; parse what IdPs send", arguments: [
        ("2025-05-01T12:00:00.245Z", "2025-05-01T12:00:00.245Z"),
        ("2025-05-01T12:00:00Z", "2025-05-01T12:00:00.000Z"),
        ("2025-05-01T12:00:00.1234567Z", "2025-05-01T12:00:00.123Z"),
        ("2025-05-01T14:00:00+02:00", "2025-05-01T12:00:00.000Z"),
        ("2025-05-01T12:00:00", "2025-05-01T12:00:00.000Z"),
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
        ("1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.500Z"),
        ("2993-10-02T05:57:16Z", "2993-10-02T05:57:16.000Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
    ])
    func roundTrip(_ input: String, _ expected: String) {
        #expect(SAMLInstant.parse(input).map(SAMLInstant.format) == expected)
    }

    @Test("malformed instants are refused", arguments: ["", "2025-05-01", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z",
                                                        "2025-05-01T24:00:00Z", "2025-05-01T12:00:00.Z", "2025-05-01T12:00:00Zjunk",
                                                        "2025-05-01 12:00:00Z", "２０２５-05-01T12:00:00Z"])
    func malformed(_ input: String) {
        #expect(SAMLInstant.parse(input) == nil)
    }

    @Test("years beyond four digits are still written correctly")
    func wideYears() {
        #expect(SAMLInstant.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
    }

    @Test("matches Foundation's ISO 8601 formatter")
    func againstFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for seconds in stride(from: -2_000_000_000.0, to: 4_000_000_000.0, by: 12_345_678.9) {
            let date = Date(timeIntervalSince1970: (seconds * 1000).rounded() / 1000)
            #expect(SAMLInstant.format(date) == formatter.string(from: date))
        }
    }
}
