import Foundation

/// A SAML endpoint: a binding URI and a location.
public struct Endpoint: Sendable, Hashable {
    public var binding: String
    public var location: String
    public var index: Int?
    public var isDefault: Bool?

    /// Creates an endpoint.
    /// - Parameters:
    ///   - binding: The binding URI, such as ``AuthnRequest/httpPOST``.
    ///   - location: The endpoint's URL.
    ///   - index: The endpoint's index among several of its kind (ACS endpoints); `nil` for none.
    ///   - isDefault: Whether this is the default endpoint of its kind; `nil` leaves it unsaid.
    public init(binding: String, location: String, index: Int? = nil, isDefault: Bool? = nil) {
        self.binding = binding
        self.location = location
        self.index = index
        self.isDefault = isDefault
    }
}

/// What an IdP's metadata says (Entra: `federationmetadata.xml`).
public struct IdentityProviderMetadata: Sendable, Hashable {
    /// The IdP's entity ID, the Issuer of its responses.
    public var entityID: String
    /// Every signing certificate of the IDPSSODescriptor, in document order (several during a rollover).
    public var signingCertificates: [Certificate]
    public var singleSignOnServices: [Endpoint]
    public var singleLogoutServices: [Endpoint]
    public var nameIDFormats: [String]
    public var wantAuthnRequestsSigned: Bool?
    public var validUntil: Date?

    /// Creates IdP metadata.
    /// - Parameters:
    ///   - entityID: The IdP's entity ID, the Issuer of its responses.
    ///   - signingCertificates: The certificates the IdP signs with.
    ///   - singleSignOnServices: The endpoints that receive AuthnRequests.
    ///   - singleLogoutServices: The endpoints that receive logout messages.
    ///   - nameIDFormats: The NameID formats the IdP supports.
    ///   - wantAuthnRequestsSigned: Whether the IdP requires signed AuthnRequests; `nil` leaves it unsaid.
    ///   - validUntil: When the metadata expires; `nil` for no stated expiry.
    public init(entityID: String, signingCertificates: [Certificate], singleSignOnServices: [Endpoint] = [],
                singleLogoutServices: [Endpoint] = [], nameIDFormats: [String] = [], wantAuthnRequestsSigned: Bool? = nil,
                validUntil: Date? = nil) {
        self.entityID = entityID
        self.signingCertificates = signingCertificates
        self.singleSignOnServices = singleSignOnServices
        self.singleLogoutServices = singleLogoutServices
        self.nameIDFormats = nameIDFormats
        self.wantAuthnRequestsSigned = wantAuthnRequestsSigned
        self.validUntil = validUntil
    }

    /// Parses IdP metadata with the hardened parser. With `trusting`, the metadata must carry a valid enveloped
    /// signature by one of those certificates (the same rules as responses); without, a signature is not checked.
    /// - Parameters:
    ///   - xml: The metadata document, as UTF-8 bytes.
    ///   - certificates: The certificates the metadata's signature must verify with; `nil` skips the signature.
    ///   - limits: Bounds on the document's size and shape, checked before parsing (10 MB by default).
    /// - Throws: ``SAMLError`` when the document does not parse within `limits`, its signature does not verify
    ///   (`signature.*`), it is not one `EntityDescriptor` with an entityID and an IDPSSODescriptor whose endpoints
    ///   have Binding and Location (`metadata.invalid`), or it publishes no signing certificate
    ///   (`metadata.noSigningKey`).
    public static func parse(_ xml: [UInt8], trusting certificates: [Certificate]? = nil,
                             limits: ParseLimits = ParseLimits(maxDocumentBytes: 10_000_000)) throws(SAMLError) -> IdentityProviderMetadata {
        if let certificates { try MessageSignatures.verify(xml, trusting: certificates, limits: limits) }
        return try MetadataReader.identityProvider(xml, limits: limits)
    }

    /// The SSO endpoint for a binding.
    /// - Parameter binding: The binding URI, such as ``AuthnRequest/httpPOST``.
    /// - Returns: The first SSO endpoint with that binding, or `nil` when there is none.
    public func singleSignOnService(binding: String) -> Endpoint? { singleSignOnServices.first { $0.binding == binding } }
}

/// What an SP's metadata says (AWS: `https://signin.aws.amazon.com/static/saml-metadata.xml`).
public struct ServiceProviderMetadata: Sendable, Hashable {
    /// The SP's entity ID (AWS: `urn:amazon:webservices`), the Audience of assertions for it.
    public var entityID: String
    public var assertionConsumerServices: [Endpoint]
    public var signingCertificates: [Certificate]
    public var encryptionCertificates: [Certificate]
    public var nameIDFormats: [String]
    public var authnRequestsSigned: Bool?
    public var wantAssertionsSigned: Bool?
    public var validUntil: Date?

    /// Creates SP metadata.
    /// - Parameters:
    ///   - entityID: The SP's entity ID, the Audience of assertions for it.
    ///   - assertionConsumerServices: The endpoints that receive Responses.
    ///   - signingCertificates: The certificates the SP signs requests with.
    ///   - encryptionCertificates: The certificates to encrypt assertions for the SP with.
    ///   - nameIDFormats: The NameID formats the SP accepts.
    ///   - authnRequestsSigned: Whether the SP signs its AuthnRequests; `nil` leaves it unsaid.
    ///   - wantAssertionsSigned: Whether the SP requires signed assertions; `nil` leaves it unsaid.
    ///   - validUntil: When the metadata expires; `nil` for no stated expiry.
    public init(entityID: String, assertionConsumerServices: [Endpoint], signingCertificates: [Certificate] = [],
                encryptionCertificates: [Certificate] = [], nameIDFormats: [String] = [], authnRequestsSigned: Bool? = nil,
                wantAssertionsSigned: Bool? = nil, validUntil: Date? = nil) {
        self.entityID = entityID
        self.assertionConsumerServices = assertionConsumerServices
        self.signingCertificates = signingCertificates
        self.encryptionCertificates = encryptionCertificates
        self.nameIDFormats = nameIDFormats
        self.authnRequestsSigned = authnRequestsSigned
        self.wantAssertionsSigned = wantAssertionsSigned
        self.validUntil = validUntil
    }

    /// Parses SP metadata with the hardened parser. With `trusting`, the metadata must carry a valid enveloped
    /// signature by one of those certificates (the same rules as responses); without, a signature is not checked.
    /// - Parameters:
    ///   - xml: The metadata document, as UTF-8 bytes.
    ///   - certificates: The certificates the metadata's signature must verify with; `nil` skips the signature.
    ///   - limits: Bounds on the document's size and shape, checked before parsing (10 MB by default).
    /// - Throws: ``SAMLError`` when the document does not parse within `limits`, its signature does not verify
    ///   (`signature.*`), or it is not one `EntityDescriptor` with an entityID and an SPSSODescriptor whose endpoints
    ///   have Binding and Location (`metadata.invalid`).
    public static func parse(_ xml: [UInt8], trusting certificates: [Certificate]? = nil,
                             limits: ParseLimits = ParseLimits(maxDocumentBytes: 10_000_000)) throws(SAMLError) -> ServiceProviderMetadata {
        if let certificates { try MessageSignatures.verify(xml, trusting: certificates, limits: limits) }
        return try MetadataReader.serviceProvider(xml, limits: limits)
    }

    /// The default ACS (`isDefault`, else the lowest index, else the first).
    public var defaultAssertionConsumerService: Endpoint? {
        assertionConsumerServices.first { $0.isDefault == true }
            ?? assertionConsumerServices.min { ($0.index ?? .max) < ($1.index ?? .max) }
    }
}
