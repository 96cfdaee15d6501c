
/// Reads AuthnRequest and Logout messages from one hardened parse (the same parser and document scan as responses).
enum ProtocolReader {
    private static let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    private static let samlp: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"

    /// Parses and scans `xml`; its root must be `samlp:<name>` with Version 2.0.
    private static func root(_ xml: [UInt8], _ name: StaticString, limits: ParseLimits) throws(SAMLError) -> (NativeDocument, XMLNode) {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        _ = try DocumentScan(document)
        guard let root = document.root, root.isElement(samlp, name) else {
            throw SAMLError(.messageUnexpected, "the message is not the expected kind", expected: "<samlp:\(name)>",
                            found: document.root.map { "<\($0.qualifiedDescription)> in \($0.namespaceURI ?? "no namespace")" } ?? "no root")
        }
        guard root.attribute("Version") == "2.0" else {
            throw SAMLError(.structureVersion, "unsupported SAML version", expected: "Version=\"2.0\"",
                            found: root.attribute("Version").map { "Version=\"\($0)\"" } ?? "no Version")
        }
        return (document, root)
    }

    private static func bool(_ node: XMLNode, _ name: StaticString) throws(SAMLError) -> Bool? {
        guard let text = node.attribute(name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw SAMLError(.messageInvalid, "\(name) is not an xs:boolean", expected: "true, false, 1 or 0", found: "\"\(text)\"")
        }
    }

    private static func issuer(_ root: XMLNode) -> Issuer? {
        root.child(saml, "Issuer").map { Issuer($0.textContent, format: $0.attribute("Format")) }
    }

    static func authnRequest(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> AuthnRequest {
        let (document, root) = try root(xml, "AuthnRequest", limits: limits)
        defer { withExtendedLifetime(document) {} }
        var request = AuthnRequest(
            id: try ResponseReader.requiredID(root), issueInstant: try ResponseReader.requiredInstant(root, "IssueInstant"),
            destination: root.attribute("Destination"), assertionConsumerServiceURL: root.attribute("AssertionConsumerServiceURL"),
            protocolBinding: root.attribute("ProtocolBinding"), forceAuthn: try bool(root, "ForceAuthn"),
            isPassive: try bool(root, "IsPassive"), providerName: root.attribute("ProviderName"), issuer: issuer(root),
            hasSubject: root.child(saml, "Subject") != nil)
        if let policy = root.child(samlp, "NameIDPolicy") {
            request.nameIDPolicy = .init(format: policy.attribute("Format"), allowCreate: try bool(policy, "AllowCreate"),
                                         spNameQualifier: policy.attribute("SPNameQualifier"))
        }
        if let context = root.child(samlp, "RequestedAuthnContext") {
            request.requestedAuthnContext = .init(
                comparison: context.attribute("Comparison"),
                classRefs: context.elementChildren.filter { $0.isElement(saml, "AuthnContextClassRef") }.map(\.textContent))
        }
        return request
    }

    static func logoutRequest(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> LogoutRequest {
        let (document, root) = try root(xml, "LogoutRequest", limits: limits)
        defer { withExtendedLifetime(document) {} }
        let nameID = root.child(saml, "NameID").map {
            NameID($0.textContent, format: $0.attribute("Format"), nameQualifier: $0.attribute("NameQualifier"),
                   spNameQualifier: $0.attribute("SPNameQualifier"))
        }
        return LogoutRequest(
            id: try ResponseReader.requiredID(root), issueInstant: try ResponseReader.requiredInstant(root, "IssueInstant"),
            destination: root.attribute("Destination"), notOnOrAfter: try ResponseReader.optionalInstant(root, "NotOnOrAfter"),
            reason: root.attribute("Reason"), issuer: issuer(root), nameID: nameID,
            sessionIndexes: root.elementChildren.filter { $0.isElement(samlp, "SessionIndex") }.map(\.textContent))
    }

    static func logoutResponse(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> LogoutResponse {
        let (document, root) = try root(xml, "LogoutResponse", limits: limits)
        defer { withExtendedLifetime(document) {} }
        return LogoutResponse(
            id: try ResponseReader.requiredID(root), issueInstant: try ResponseReader.requiredInstant(root, "IssueInstant"),
            destination: root.attribute("Destination"), inResponseTo: root.attribute("InResponseTo"), issuer: issuer(root),
            status: try ResponseReader.status(of: root))
    }
}
