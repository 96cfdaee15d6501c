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

    public func xml() -> String {
        XMLWriter.protocolMessage("LogoutResponse", id: id, version: version, issueInstant: issueInstant, destination: destination,
                                  attributes: ["InResponseTo": inResponseTo], issuer: issuer) { w in
            EntraSerializer.writeStatus(status, into: &w)
        }
    }

    public static func parse(_ xml: [UInt8], limits: ParseLimits = .default) throws(SAMLError) -> LogoutResponse {
        try ProtocolReader.logoutResponse(xml, limits: limits)
    }
}
