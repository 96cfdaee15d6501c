import Foundation
import SAML

let dir = URL(fileURLWithPath: "TestVectors/keys")
let key = try SigningKey(pem: String(contentsOf: dir.appendingPathComponent("idp.key"), encoding: .utf8))
let cert = try Certificate(pem: String(contentsOf: dir.appendingPathComponent("idp.crt"), encoding: .utf8))
let signer = try Signer(key: key, certificate: cert)
let t = SAMLInstant.parse("2025-05-01T12:00:00.245Z")!
let a = Assertion(id: "_c1f686d0-cdd5-4233-9ef4-e3db8deb4200", issueInstant: t, issuer: Issuer("https://sts.windows.net/x/"),
  subject: Subject(nameID: NameID("josé@contoso.com", format: SAMLURI.nameIDEmail), confirmations: [SubjectConfirmation(data: SubjectConfirmationData(notOnOrAfter: t, recipient: "https://signin.aws.amazon.com/saml"))]),
  attributeStatement: AttributeStatement([Attribute("a&b", "x<y>\"z")]))
let r = Response(id: "_28594fdf", issueInstant: t, destination: "https://signin.aws.amazon.com/saml", issuer: Issuer("https://sts.windows.net/x/"), assertion: a)
print(try signer.sign(r, mode: .both))
print(r.xml())
