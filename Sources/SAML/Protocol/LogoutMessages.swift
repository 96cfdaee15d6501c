import Foundation

/// `<samlp:LogoutRequest>` (SAML core 3.7.1).
public struct LogoutRequest: Sendable, Hashable {
    public var id: String
    public var version: String
    public var issueInstant: Date
    public var destination: String?
    public var notOnOrAfter: Date?
    public var reason: String?
    public var issuer: Issuer?
    public var nameID: NameID?
    public var sessionIndexes: [String]

    /// Creates a LogoutRequest; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - id: The request's `ID`; the LogoutResponse echoes it as `InResponseTo`.
    ///   - issueInstant: When the request was made (`IssueInstant`).
    ///   - destination: The URL the request is sent to (`Destination`).
    ///   - notOnOrAfter: When the request expires (`NotOnOrAfter`).
    ///   - reason: Why the session ends, as a URI (`Reason`).
    ///   - issuer: The entity ID of the party that asks for the logout.
    ///   - nameID: The user whose sessions end.
    ///   - sessionIndexes: The sessions to end (the AuthnStatement's `SessionIndex` values); empty means all of them.
    ///   - version: The SAML version; keep `2.0`.
    public init(id: String, issueInstant: Date, destination: String? = nil, notOnOrAfter: Date? = nil, reason: String? = nil,
                issuer: Issuer? = nil, nameID: NameID? = nil, sessionIndexes: [String] = [], version: String = "2.0") {
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.destination = destination
        self.notOnOrAfter = notOnOrAfter
        self.reason = reason
        self.issuer = issuer
        self.nameID = nameID
        self.sessionIndexes = sessionIndexes
    }

    /// The request as one line of XML.
    public func xml() -> String {
        XMLWriter.protocolMessage("LogoutRequest", id: id, version: version, issueInstant: issueInstant, destination: destination,
                                  attributes: ["NotOnOrAfter": notOnOrAfter.map(SAMLInstant.format), "Reason": reason],
                                  issuer: issuer) { w in
            if let nameID {
                w.element("saml:NameID", ["Format": nameID.format, "NameQualifier": nameID.nameQualifier,
                                          "SPNameQualifier": nameID.spNameQualifier], text: nameID.value)
            }
            for index in sessionIndexes { w.element("samlp:SessionIndex", text: index) }
        }
    }

    /// Parses a LogoutRequest with the same hardened parser as responses (no DTD, no entities, no duplicate IDs).
    /// Its signature, if any, is not checked here: see ``MessageSignatures``.
    /// - Parameters:
    ///   - xml: The request document as received (after any binding decoding).
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The request's fields as the document states them.
    /// - Throws: ``SAMLError`` when the bytes do not parse within `limits` (`input.*`, `limit.*`, `parse.*`, duplicate
    ///   IDs), the root is not a SAML 2.0 `<samlp:LogoutRequest>` (`message.unexpected`, `structure.version`), or
    ///   its `ID` or `IssueInstant` is missing or malformed, or its `NotOnOrAfter` malformed (`structure.*`).
    public static func parse(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> LogoutRequest {
        try ProtocolReader.logoutRequest(xml, limits: limits)
    }
}

/// `<samlp:LogoutResponse>` (SAML core 3.7.2).
public struct LogoutResponse: Sendable, Hashable {
    public var id: String
    public var version: String
    public var issueInstant: Date
    public var destination: String?
    public var inResponseTo: String?
    public var issuer: Issuer?
    public var status: Status

    /// Creates a LogoutResponse; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - id: The response's `ID`.
    ///   - issueInstant: When the response was made (`IssueInstant`).
    ///   - destination: The URL the response is sent to (`Destination`).
    ///   - inResponseTo: The `ID` of the LogoutRequest this answers.
    ///   - issuer: The entity ID of the party that answers.
    ///   - status: Whether the logout succeeded.
    ///   - version: The SAML version; keep `2.0`.
    public init(id: String, issueInstant: Date, destination: String? = nil, inResponseTo: String? = nil,
                issuer: Issuer? = nil, status: Status = .success, version: String = "2.0") {
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.destination = destination
        self.inResponseTo = inResponseTo
        self.issuer = issuer
        self.status = status
    }

    /// The response as one line of XML.
    public func xml() -> String {
        XMLWriter.protocolMessage("LogoutResponse", id: id, version: version, issueInstant: issueInstant, destination: destination,
                                  attributes: ["InResponseTo": inResponseTo], issuer: issuer) { w in
            EntraSerializer.writeStatus(status, into: &w)
        }
    }

    /// Parses a LogoutResponse with the same hardened parser as responses (no DTD, no entities, no duplicate IDs).
    /// Its signature, if any, is not checked here: see ``MessageSignatures``.
    /// - Parameters:
    ///   - xml: The response document as received (after any binding decoding).
    ///   - limits: Bounds on the document's size and shape, checked before parsing.
    /// - Returns: The response's fields as the document states them.
    /// - Throws: ``SAMLError`` when the bytes do not parse within `limits` (`input.*`, `limit.*`, `parse.*`, duplicate
    ///   IDs), the root is not a SAML 2.0 `<samlp:LogoutResponse>` (`message.unexpected`, `structure.version`), or
    ///   its `ID`, `IssueInstant`, `Status` or `StatusCode` is missing or malformed (`structure.*`).
    public static func parse(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> LogoutResponse {
        try ProtocolReader.logoutResponse(xml, limits: limits)
    }
}
