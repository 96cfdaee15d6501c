import Foundation

/// `<samlp:AuthnRequest>`: what a service provider sends the IdP to start SP-initiated sign-in.
public struct AuthnRequest: Sendable, Hashable {
    /// `<samlp:NameIDPolicy>`.
    public struct NameIDPolicy: Sendable, Hashable {
        public var format: String?
        public var allowCreate: Bool?
        public var spNameQualifier: String?
        public init(format: String? = nil, allowCreate: Bool? = nil, spNameQualifier: String? = nil) {
            self.format = format
            self.allowCreate = allowCreate
            self.spNameQualifier = spNameQualifier
        }
    }

    /// `<samlp:RequestedAuthnContext>`.
    public struct RequestedAuthnContext: Sendable, Hashable {
        /// `exact` (the default, and the only one Entra accepts), `minimum`, `maximum` or `better`.
        public var comparison: String?
        public var classRefs: [String]
        public init(comparison: String? = nil, classRefs: [String]) {
            self.comparison = comparison
            self.classRefs = classRefs
        }
    }

    public var id: String
    public var version: String
    public var issueInstant: Date
    public var destination: String?
    public var assertionConsumerServiceURL: String?
    public var protocolBinding: String?
    public var forceAuthn: Bool?
    public var isPassive: Bool?
    public var providerName: String?
    /// The SP's entity ID (Entra: must equal an Identifier of the application).
    public var issuer: Issuer?
    public var nameIDPolicy: NameIDPolicy?
    public var requestedAuthnContext: RequestedAuthnContext?
    /// Whether the request carried a `<saml:Subject>` (Entra refuses it; kept so an IdP can say so).
    public var hasSubject: Bool

    public init(id: String, issueInstant: Date, destination: String? = nil, assertionConsumerServiceURL: String? = nil,
                protocolBinding: String? = nil, forceAuthn: Bool? = nil, isPassive: Bool? = nil, providerName: String? = nil,
                issuer: Issuer? = nil, nameIDPolicy: NameIDPolicy? = nil, requestedAuthnContext: RequestedAuthnContext? = nil,
                hasSubject: Bool = false, version: String = "2.0") {
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.destination = destination
        self.assertionConsumerServiceURL = assertionConsumerServiceURL
        self.protocolBinding = protocolBinding
        self.forceAuthn = forceAuthn
        self.isPassive = isPassive
        self.providerName = providerName
        self.issuer = issuer
        self.nameIDPolicy = nameIDPolicy
        self.requestedAuthnContext = requestedAuthnContext
        self.hasSubject = hasSubject
    }

    /// The binding URI of HTTP-POST, the usual `ProtocolBinding`.
    public static let httpPOST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    public static let httpRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

    /// The request as one line of XML.
    public func xml() -> String {
        XMLWriter.protocolMessage("AuthnRequest", id: id, version: version, issueInstant: issueInstant, destination: destination,
                                  attributes: [
                                      "AssertionConsumerServiceURL": assertionConsumerServiceURL,
                                      "ProtocolBinding": protocolBinding,
                                      "ForceAuthn": forceAuthn.map { $0 ? "true" : "false" },
                                      "IsPassive": isPassive.map { $0 ? "true" : "false" },
                                      "ProviderName": providerName,
                                  ], issuer: issuer) { w in
            if let policy = nameIDPolicy {
                w.open("samlp:NameIDPolicy", [
                    "Format": policy.format,
                    "SPNameQualifier": policy.spNameQualifier,
                    "AllowCreate": policy.allowCreate.map { $0 ? "true" : "false" },
                ])
                w.selfClose()
            }
            if let context = requestedAuthnContext {
                w.open("samlp:RequestedAuthnContext", ["Comparison": context.comparison])
                w.close()
                for ref in context.classRefs { w.element("saml:AuthnContextClassRef", text: ref) }
                w.end("samlp:RequestedAuthnContext")
            }
        }
    }

    /// Parses an AuthnRequest with the same hardened parser as responses (no DTD, no entities, no duplicate IDs).
    /// Its signature, if any, is not checked here: see ``MessageSignatures``.
    public static func parse(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> AuthnRequest {
        try ProtocolReader.authnRequest(xml, limits: limits)
    }
}
