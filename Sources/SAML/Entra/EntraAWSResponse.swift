import Foundation

/// Builds a Response as Entra's "AWS Single-Account Access" gallery app issues it for IdP-initiated sign-in
/// (aws-entra.md §6 and §10): claim order, time offsets (NotBefore −5 min, NotOnOrAfter +60 min from a base instant
/// slightly before IssueInstant), `SessionIndex` = Assertion ID, no InResponseTo.
public struct EntraAWSResponse: Sendable {
    public var tenantID: String
    public var objectID: String
    public var userPrincipalName: String
    public var displayName: String
    public var givenName: String
    public var surname: String
    /// `Role` values, each `arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/PROVIDER`.
    public var roles: [String]
    public var sessionDuration: Int?
    public var mfa: Bool
    /// Reply URL (Destination and Recipient).
    public var replyURL: String
    /// Identifier (Audience).
    public var audience: String
    /// The interactive sign-in time; defaults to the issue instant.
    public var authnInstant: Date?
    /// The AuthnRequest ID for SP-initiated sign-in (Response and SubjectConfirmationData); nil for IdP-initiated.
    public var inResponseTo: String?
    /// NameID format: the app's setting, or the request's NameIDPolicy (aws-entra.md §6). Entra's default for the
    /// UPN source is emailAddress.
    public var nameIDFormat: String
    /// NameID value; nil means the UPN (the default source, `user.userprincipalname`).
    public var nameID: String?

    /// Describes the user and the sign-in; ``response(clock:ids:)`` builds the Response.
    /// - Parameters:
    ///   - tenantID: The Entra tenant's ID (a GUID); the Issuer is derived from it.
    ///   - objectID: The user's object ID in the directory.
    ///   - userPrincipalName: The user's UPN; also the RoleSessionName and, unless `nameID` is given, the NameID.
    ///   - displayName: The user's display name.
    ///   - givenName: The user's first name.
    ///   - surname: The user's last name.
    ///   - roles: The `Role` values, each a role ARN and a SAML provider ARN separated by a comma; empty leaves the
    ///     attribute out, as Entra does for a user with no assigned role.
    ///   - sessionDuration: The `SessionDuration` in seconds; `nil` leaves the attribute out.
    ///   - mfa: Whether the user signed in with multi-factor authentication (adds `multipleauthn` to the
    ///     authentication methods).
    ///   - replyURL: The Reply URL: the Response's Destination and the confirmation's Recipient.
    ///   - audience: The Identifier, written as the Audience.
    ///   - authnInstant: When the user signed in interactively; `nil` uses the assertion's issue instant.
    ///   - inResponseTo: The AuthnRequest ID for SP-initiated sign-in; `nil` for IdP-initiated.
    ///   - nameIDFormat: The NameID's Format URI.
    ///   - nameID: The NameID value; `nil` uses `userPrincipalName`.
    public init(tenantID: String, objectID: String, userPrincipalName: String, displayName: String, givenName: String,
                surname: String, roles: [String], sessionDuration: Int? = 3600, mfa: Bool = true,
                replyURL: String = "https://signin.aws.amazon.com/saml",
                audience: String = "https://signin.aws.amazon.com/saml", authnInstant: Date? = nil,
                inResponseTo: String? = nil, nameIDFormat: String = SAMLURI.nameIDEmail, nameID: String? = nil) {
        self.tenantID = tenantID
        self.objectID = objectID
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.givenName = givenName
        self.surname = surname
        self.roles = roles
        self.sessionDuration = sessionDuration
        self.mfa = mfa
        self.replyURL = replyURL
        self.audience = audience
        self.authnInstant = authnInstant
        self.inResponseTo = inResponseTo
        self.nameIDFormat = nameIDFormat
        self.nameID = nameID
    }

    /// `https://sts.windows.net/<tenant-id>/`.
    public var issuer: String { "https://sts.windows.net/\(tenantID)/" }

    /// The Response issued at `clock.now`, with IDs from `ids` (Response first, then Assertion).
    /// - Parameters:
    ///   - clock: The source of the issue instant, from which every other instant is offset.
    ///   - ids: The source of the Response and Assertion IDs.
    /// - Returns: An unsigned Response; sign it with ``Signer``.
    public func response(clock: any SAMLClock, ids: any SAMLIDGenerator) -> Response {
        let issued = clock.now
        // Real tokens: the assertion is stamped a few ms before the Response, the window base ~150 ms before that.
        let assertionInstant = issued.addingTimeInterval(-0.007)
        let base = assertionInstant.addingTimeInterval(-0.148)
        let responseID = ids.next(), assertionID = ids.next()
        var methods = ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]
        if mfa { methods.append("http://schemas.microsoft.com/claims/multipleauthn") }
        var attributes = [
            Attribute(AttributeName.tenantID, tenantID),
            Attribute(AttributeName.objectIdentifier, objectID),
            Attribute(AttributeName.displayName, displayName),
            Attribute(AttributeName.identityProvider, issuer),
            Attribute(name: AttributeName.authnMethodsReferences, values: methods),
            Attribute(AttributeName.givenName, givenName),
            Attribute(AttributeName.surname, surname),
            Attribute(AttributeName.emailAddress, userPrincipalName),
            Attribute(AttributeName.name, userPrincipalName),
        ]
        // Entra leaves out a claim whose source has no value: no assigned role, no Role attribute.
        if !roles.isEmpty { attributes.append(Attribute(name: AttributeName.awsRole, values: roles)) }
        attributes.append(Attribute(AttributeName.awsRoleSessionName, userPrincipalName))
        if let sessionDuration { attributes.append(Attribute(AttributeName.awsSessionDuration, String(sessionDuration))) }
        let assertion = Assertion(
            id: assertionID, issueInstant: assertionInstant, issuer: Issuer(issuer),
            subject: Subject(nameID: NameID(nameID ?? userPrincipalName, format: nameIDFormat), confirmations: [
                SubjectConfirmation(data: SubjectConfirmationData(notOnOrAfter: base.addingTimeInterval(3600),
                                                                  recipient: replyURL, inResponseTo: inResponseTo)),
            ]),
            conditions: Conditions(notBefore: base.addingTimeInterval(-300), notOnOrAfter: base.addingTimeInterval(3600),
                                   audience: audience),
            attributeStatement: AttributeStatement(attributes),
            authnStatement: AuthnStatement(authnInstant: authnInstant ?? assertionInstant, sessionIndex: assertionID,
                                           authnContextClassRef: SAMLURI.authnContextPassword))
        return Response(id: responseID, issueInstant: issued, destination: replyURL, inResponseTo: inResponseTo,
                        issuer: Issuer(issuer), assertion: assertion)
    }
}
