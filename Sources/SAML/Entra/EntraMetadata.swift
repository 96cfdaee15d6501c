import Foundation

/// Federation metadata as Entra publishes it for an application
/// (`/<tenant>/federationmetadata/2007-06/federationmetadata.xml?appid=…`, aws-entra.md §7), and in the same shape for
/// the tenant (`/<tenant>/FederationMetadata/2007-06/FederationMetadata.xml`, with the tenant's own certificates
/// instead of the application's; MicrosoftDocs/entra-docs federation-metadata.md): XML declaration,
/// `EntityDescriptor ID entityID xmlns`, an enveloped Signature first, the two WS-Federation RoleDescriptors, then
/// the IDPSSODescriptor. Every certificate is published in each descriptor, so a rollover shows both.
public struct EntraMetadata: Sendable {
    public var tenantID: String
    /// Signing certificates to publish, the active one first.
    public var certificates: [Certificate]
    /// `https://login.microsoftonline.com`, or a local mock's base URL.
    public var loginBaseURL: String

    /// Describes the metadata of one tenant's application.
    /// - Parameters:
    ///   - tenantID: The Entra tenant's ID (a GUID), part of every endpoint and of the default entity ID.
    ///   - certificates: The signing certificates to publish, the active one first.
    ///   - loginBaseURL: The base URL of the endpoints: Entra's login host, or a local mock's.
    ///   - entityID: The IdP's entity ID; `nil` uses `https://sts.windows.net/<tenant-id>/`.
    public init(tenantID: String, certificates: [Certificate], loginBaseURL: String = "https://login.microsoftonline.com",
                entityID: String? = nil) {
        self.tenantID = tenantID
        self.certificates = certificates
        self.loginBaseURL = loginBaseURL
        self.entityID = entityID ?? "https://sts.windows.net/\(tenantID)/"
    }

    /// `https://sts.windows.net/<tenant-id>/` unless given.
    public var entityID: String
    /// `<login base>/<tenant-id>/saml2`: SSO and logout, both bindings.
    public var samlEndpoint: String { "\(loginBaseURL)/\(tenantID)/saml2" }
    public var wsFederationEndpoint: String { "\(loginBaseURL)/\(tenantID)/wsfed" }

    /// The claims Entra lists in `fed:ClaimTypesOffered` (a subset of its list, same shape).
    static let claimTypes: [(uri: String, name: String, description: String)] = [
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "Name", "The mutable display name of the user."),
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "Subject", "An immutable, globally unique, non-reusable identifier of the user that is unique to the application for which a token is issued."),
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "Given Name", "First name of the user."),
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "Surname", "Last name of the user."),
        ("http://schemas.microsoft.com/identity/claims/displayname", "Display Name", "Display name of the user."),
        ("http://schemas.microsoft.com/identity/claims/objectidentifier", "Object Identifier", "Primary identifier for the user in the directory. Immutable, globally unique, non-reusable."),
        ("http://schemas.microsoft.com/identity/claims/tenantid", "Tenant Identifier", "Identifier for the user's tenant."),
        ("http://schemas.microsoft.com/identity/claims/identityprovider", "Identity Provider", "Identity provider that authenticated the subject of the token."),
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "Email", "Email address of the user."),
        ("http://schemas.microsoft.com/claims/authnmethodsreferences", "Authentication Methods References", "Used to indicate how the user authenticated."),
    ]

    /// The metadata, signed by `signer` (Entra always signs it), with `id` as the EntityDescriptor ID.
    /// - Parameters:
    ///   - id: The EntityDescriptor's `ID`, which the signature references.
    ///   - signer: The key and certificate to sign with; `nil` leaves the metadata unsigned.
    /// - Returns: The metadata document, with its XML declaration.
    /// - Throws: ``SAMLError`` with code `metadata.noSigningKey` when ``certificates`` is empty, or `signing.failed`
    ///   when the document cannot be signed.
    public func xml(id: String, signedWith signer: Signer?) throws(SAMLError) -> String {
        guard !certificates.isEmpty else {
            throw SAMLError(.metadataNoSigningKey, "metadata needs at least one signing certificate", expected: "1 or more",
                            found: "0")
        }
        var w = XMLWriter(capacity: 16_384)
        w.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        w.open("EntityDescriptor", ["ID": id, "entityID": entityID, "xmlns": "urn:oasis:names:tc:SAML:2.0:metadata"])
        w.close()
        let slot = signer.map { $0.template.write(into: &w, referenceID: id) }
        let fed = "http://docs.oasis-open.org/wsfed/federation/200706"
        func keyDescriptors() {
            for certificate in certificates {
                w.raw("<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>")
                w.raw(certificate.base64)
                w.raw("</X509Certificate></X509Data></KeyInfo></KeyDescriptor>")
            }
        }
        func address(_ element: String, _ url: String) {
            w.raw("<\(element)><wsa:EndpointReference xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><wsa:Address>")
            w.escapeText(url)
            w.raw("</wsa:Address></wsa:EndpointReference></\(element)>")
        }
        w.open("RoleDescriptor", ["xsi:type": "fed:SecurityTokenServiceType", "protocolSupportEnumeration": fed,
                                  "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xmlns:fed": fed])
        w.close()
        keyDescriptors()
        w.raw("<fed:ClaimTypesOffered>")
        for claim in Self.claimTypes {
            w.open("auth:ClaimType", ["Uri": claim.uri, "xmlns:auth": "http://docs.oasis-open.org/wsfed/authorization/200706"])
            w.close()
            w.element("auth:DisplayName", text: claim.name)
            w.element("auth:Description", text: claim.description)
            w.end("auth:ClaimType")
        }
        w.raw("</fed:ClaimTypesOffered>")
        address("fed:SecurityTokenServiceEndpoint", wsFederationEndpoint)
        address("fed:PassiveRequestorEndpoint", wsFederationEndpoint)
        w.end("RoleDescriptor")
        w.open("RoleDescriptor", ["xsi:type": "fed:ApplicationServiceType", "protocolSupportEnumeration": fed,
                                  "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xmlns:fed": fed])
        w.close()
        keyDescriptors()
        address("fed:TargetScopes", entityID)
        address("fed:ApplicationServiceEndpoint", wsFederationEndpoint)
        address("fed:PassiveRequestorEndpoint", wsFederationEndpoint)
        w.end("RoleDescriptor")
        w.open("IDPSSODescriptor", ["protocolSupportEnumeration": "urn:oasis:names:tc:SAML:2.0:protocol"])
        w.close()
        keyDescriptors()
        w.open("SingleLogoutService", ["Binding": AuthnRequest.httpRedirect, "Location": samlEndpoint])
        w.selfClose()
        w.open("SingleSignOnService", ["Binding": AuthnRequest.httpRedirect, "Location": samlEndpoint])
        w.selfClose()
        w.open("SingleSignOnService", ["Binding": AuthnRequest.httpPOST, "Location": samlEndpoint])
        w.selfClose()
        w.end("IDPSSODescriptor")
        w.end("EntityDescriptor")
        guard let signer, let slot else { return String(decoding: w.bytes, as: UTF8.self) }
        return String(decoding: try Signer.sign(w.bytes, slots: [slot], key: signer.key), as: UTF8.self)
    }
}
