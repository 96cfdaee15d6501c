import Foundation

/// `<samlp:AuthnRequest>`: what a service provider sends the IdP to start SP-initiated sign-in.
public struct AuthnRequest: Sendable, Hashable {
    /// `<samlp:NameIDPolicy>`.
    public struct NameIDPolicy: Sendable, Hashable {
        public var format: String?
        public var allowCreate: Bool?
        public var spNameQualifier: String?
        /// Creates a NameIDPolicy; a `nil` value leaves its attribute out.
        /// - Parameters:
        ///   - format: The NameID format the SP asks for (`Format`), such as `SAMLURI.nameIDEmail`.
        ///   - allowCreate: Whether the IdP may create a new identifier for the user (`AllowCreate`).
        ///   - spNameQualifier: The name space the identifier should be qualified with (`SPNameQualifier`).
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
        /// Creates a RequestedAuthnContext.
        /// - Parameters:
        ///   - comparison: How the IdP compares its authentication with `classRefs` (`Comparison`); `nil` leaves the
        ///     attribute out, which means `exact`.
        ///   - classRefs: The authentication context class URIs the SP asks for, in order of preference.
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

    /// Creates a request; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - id: The request's `ID`; the IdP echoes it as the Response's `InResponseTo`.
    ///   - issueInstant: When the request was made (`IssueInstant`).
    ///   - destination: The IdP URL the request is sent to (`Destination`).
    ///   - assertionConsumerServiceURL: Where the IdP should post the Response (`AssertionConsumerServiceURL`).
    ///   - protocolBinding: The binding the IdP should use for the Response, usually ``httpPOST``.
    ///   - forceAuthn: Whether the user must authenticate again even with a session at the IdP.
    ///   - isPassive: Whether the IdP must not interact with the user.
    ///   - providerName: A human-readable name of the SP (`ProviderName`).
    ///   - issuer: The SP's entity ID.
    ///   - nameIDPolicy: The NameID format and creation the SP asks for.
    ///   - requestedAuthnContext: The authentication methods the SP asks for.
    ///   - hasSubject: Whether the request carries a `<saml:Subject>`; only set by the parser.
    ///   - version: The SAML version; keep `2.0`.
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
    /// - Parameters:
    ///   - xml: The request document as received (after any binding decoding).
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The request's fields as the document states them.
    /// - Throws: ``SAMLError`` when the bytes do not parse within `limits` (`input.*`, `limit.*`, `parse.*`, duplicate
    ///   IDs), the root is not a SAML 2.0 `<samlp:AuthnRequest>` (`message.unexpected`, `structure.version`), the
    ///   `ID` or `IssueInstant` is missing or malformed (`structure.*`), or a boolean attribute is not `true`,
    ///   `false`, `1` or `0` (`message.invalid`).
    public static func parse(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> AuthnRequest {
        try ProtocolReader.authnRequest(xml, limits: limits)
    }
}
