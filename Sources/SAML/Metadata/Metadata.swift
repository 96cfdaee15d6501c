import Foundation

/// A SAML endpoint: a binding URI and a location.
public struct Endpoint: Sendable, Hashable {
    public var binding: String
    public var location: String
    public var index: Int?
    public var isDefault: Bool?

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
    public static func parse(_ xml: [UInt8], trusting certificates: [Certificate]? = nil,
                             limits: ParseLimits = ParseLimits(maxDocumentBytes: 10_000_000)) throws(SAMLError) -> IdentityProviderMetadata {
        if let certificates { try MessageSignatures.verify(xml, trusting: certificates, limits: limits) }
        return try MetadataReader.identityProvider(xml, limits: limits)
    }

    /// The SSO endpoint for a binding.
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
