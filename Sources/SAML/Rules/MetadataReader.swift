
/// Reads SAML metadata from one hardened parse.
enum MetadataReader {
    private static let md: StaticString = "urn:oasis:names:tc:SAML:2.0:metadata"
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    private static func entity(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> (NativeDocument, XMLNode, String) {
        let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
        _ = try DocumentScan(document)
        guard let root = document.root, root.isElement(md, "EntityDescriptor") else {
            throw SAMLError(.metadataInvalid, "the document is not SAML metadata for one entity",
                            expected: "<EntityDescriptor> (urn:oasis:names:tc:SAML:2.0:metadata)",
                            found: document.root.map { "<\($0.qualifiedDescription)> in \($0.namespaceURI ?? "no namespace")" } ?? "no root")
        }
        guard let entityID = root.attribute("entityID"), !entityID.isEmpty else {
            throw SAMLError(.metadataInvalid, "the EntityDescriptor has no entityID", expected: "entityID=\"…\"", found: "none")
        }
        return (document, root, entityID)
    }

    private static func descriptor(_ root: XMLNode, _ name: StaticString) throws(SAMLError) -> XMLNode {
        guard let node = root.child(md, name) else {
            throw SAMLError(.metadataInvalid, "the metadata has no \(name)", expected: "<\(name)>",
                            found: root.elementChildren.map { "<\($0.localName)>" }.joined(separator: ", "))
        }
        return node
    }

    /// Certificates of the KeyDescriptors with `use` equal to `use` (or no `use`, which means both).
    private static func certificates(_ descriptor: XMLNode, use: String) throws(SAMLError) -> [Certificate] {
        var result: [Certificate] = []
        for key in descriptor.elementChildren where key.isElement(md, "KeyDescriptor") {
            if let keyUse = key.attribute("use"), keyUse != use { continue }
            guard let data = key.child(ds, "KeyInfo")?.child(ds, "X509Data") else { continue }
            for cert in data.elementChildren where cert.isElement(ds, "X509Certificate") {
                let certificate = try Certificate(base64: cert.textContent)
                if !result.contains(certificate) { result.append(certificate) }
            }
        }
        return result
    }

    private static func endpoints(_ descriptor: XMLNode, _ name: StaticString) throws(SAMLError) -> [Endpoint] {
        var result: [Endpoint] = []
        for node in descriptor.elementChildren where node.isElement(md, name) {
            guard let binding = node.attribute("Binding"), let location = node.attribute("Location") else {
                throw SAMLError(.metadataInvalid, "\(name) lacks Binding or Location", expected: "Binding=\"…\" Location=\"…\"",
                                found: "an incomplete endpoint")
            }
            result.append(Endpoint(binding: binding, location: location, index: node.attribute("index").flatMap { Int($0) },
                                   isDefault: node.attribute("isDefault").map { $0 == "true" || $0 == "1" }))
        }
        return result
    }

    private static func bool(_ node: XMLNode, _ name: StaticString) -> Bool? {
        node.attribute(name).map { $0 == "true" || $0 == "1" }
    }

    private static func formats(_ descriptor: XMLNode) -> [String] {
        descriptor.elementChildren.filter { $0.isElement(md, "NameIDFormat") }.map(\.textContent)
    }

    static func identityProvider(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> IdentityProviderMetadata {
        let (document, root, entityID) = try entity(xml, limits: limits)
        defer { withExtendedLifetime(document) {} }
        let idp = try descriptor(root, "IDPSSODescriptor")
        let signing = try certificates(idp, use: "signing")
        guard !signing.isEmpty else {
            throw SAMLError(.metadataNoSigningKey, "the IdP metadata publishes no signing certificate",
                            expected: "a KeyDescriptor use=\"signing\" with an X509Certificate", found: "none")
        }
        return IdentityProviderMetadata(
            entityID: entityID, signingCertificates: signing, singleSignOnServices: try endpoints(idp, "SingleSignOnService"),
            singleLogoutServices: try endpoints(idp, "SingleLogoutService"), nameIDFormats: formats(idp),
            wantAuthnRequestsSigned: bool(idp, "WantAuthnRequestsSigned"),
            validUntil: try ResponseReader.optionalInstant(root, "validUntil"))
    }

    static func serviceProvider(_ xml: [UInt8], limits: ParseLimits) throws(SAMLError) -> ServiceProviderMetadata {
        let (document, root, entityID) = try entity(xml, limits: limits)
        defer { withExtendedLifetime(document) {} }
        let sp = try descriptor(root, "SPSSODescriptor")
        return ServiceProviderMetadata(
            entityID: entityID, assertionConsumerServices: try endpoints(sp, "AssertionConsumerService"),
            signingCertificates: try certificates(sp, use: "signing"),
            encryptionCertificates: try certificates(sp, use: "encryption"), nameIDFormats: formats(sp),
            authnRequestsSigned: bool(sp, "AuthnRequestsSigned"), wantAssertionsSigned: bool(sp, "WantAssertionsSigned"),
            validUntil: try ResponseReader.optionalInstant(root, "validUntil"))
    }
}
