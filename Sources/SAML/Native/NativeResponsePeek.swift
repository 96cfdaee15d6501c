import CXMLSec

enum NativeResponsePeek {
    static func issuer(_ xml: [UInt8], limits: ParseLimits) -> String? {
        guard let document = try? NativeDocument.parse(xml, limits: limits, readOnly: true), (try? DocumentScan(document)) != nil,
              let root = document.root else { return nil }
        defer { withExtendedLifetime(document) {} }
        let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
        return (root.child(saml, "Issuer") ?? root.child(saml, "Assertion")?.child(saml, "Issuer"))?.textContent
    }
}
