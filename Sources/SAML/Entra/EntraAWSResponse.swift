import Foundation

/// Builds a Response as Entra's "AWS Single-Account Access" gallery app issues it for IdP-initiated sign-in
/// (aws-entra.md §6 and §10): claim order, time offsets (NotBefore −5 min, NotOnOrAfter +60 min from a base instant
/// slightly before IssueInstant), `SessionIndex` = Assertion ID (`_` + GUID), no InResponseTo. Claims whose source
/// has no value (no mail, no assigned role) are left out, as Entra leaves them out.
public struct EntraAWSResponse: Sendable {
    public var tenantID: String
    public var objectID: String
    public var userPrincipalName: String
    public var displayName: String
    public var givenName: String
    public var surname: String
    /// The user's `mail`, the source of the `emailaddress` claim (aws-entra.md §5: emailaddress ← user.mail); nil or
    /// empty leaves the claim out, as Entra does for a user without a mailbox (MicrosoftDocs/azure-docs#7599: "If you
    /// do not have setup the Email address for the user then Azure AD will not send the email address claim").
    public var mail: String?
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
    /// The `AuthnContextClassRef` of a password sign-in, with or without MFA: `Password` (Microsoft's SAML protocol
    /// reference, and real AWS tokens, aws-entra.md §6/§8) or `PasswordProtectedTransport` (Versent/saml2aws
    /// `pkg/provider/aad/testdata/SAMLResponse.xml`, after MFA). The first `authnmethodsreferences` value follows it:
    /// `…/authenticationmethod/password` with Password, the PasswordProtectedTransport URI with that class, as in
    /// each source.
    public var authnContextClassRef: String

    /// Describes the user and the sign-in; ``response(clock:ids:)`` builds the Response.
    /// - Parameters:
    ///   - tenantID: The Entra tenant's ID (a GUID); the Issuer is derived from it.
    ///   - objectID: The user's object ID in the directory.
    ///   - userPrincipalName: The user's UPN; also the RoleSessionName and, unless `nameID` is given, the NameID.
    ///   - displayName: The user's display name.
    ///   - givenName: The user's first name.
    ///   - surname: The user's last name.
    ///   - mail: The user's mail address, the `emailaddress` claim; `nil` or empty leaves the claim out.
    ///   - roles: The `Role` values, each a role ARN and a SAML provider ARN separated by a comma, also written as
    ///     Entra's `…/identity/claims/role` claim; empty leaves both out, as Entra does for a user with no assigned role.
    ///   - sessionDuration: The `SessionDuration` in seconds; `nil` leaves the attribute out.
    ///   - mfa: Whether the user signed in with multi-factor authentication (adds `multipleauthn` to the
    ///     authentication methods).
    ///   - replyURL: The Reply URL: the Response's Destination and the confirmation's Recipient.
    ///   - audience: The Identifier, written as the Audience.
    ///   - authnInstant: When the user signed in interactively; `nil` uses the assertion's issue instant, and a later
    ///     instant is written as the assertion's issue instant (a user authenticates before the assertion about it).
    ///   - inResponseTo: The AuthnRequest ID for SP-initiated sign-in; `nil` for IdP-initiated.
    ///   - nameIDFormat: The NameID's Format URI.
    ///   - nameID: The NameID value; `nil` uses `userPrincipalName`.
    ///   - authnContextClassRef: The AuthnContextClassRef: ``SAMLURI/authnContextPassword`` (default) or
    ///     ``SAMLURI/authnContextPasswordProtectedTransport``.
    public init(tenantID: String, objectID: String, userPrincipalName: String, displayName: String, givenName: String,
                surname: String, mail: String? = nil, roles: [String], sessionDuration: Int? = 3600, mfa: Bool = true,
                replyURL: String = "https://signin.aws.amazon.com/saml",
                audience: String = "https://signin.aws.amazon.com/saml", authnInstant: Date? = nil,
                inResponseTo: String? = nil, nameIDFormat: String = SAMLURI.nameIDEmail, nameID: String? = nil,
                authnContextClassRef: String = SAMLURI.authnContextPassword) {
        self.tenantID = tenantID
        self.objectID = objectID
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.givenName = givenName
        self.surname = surname
        self.mail = mail
        self.roles = roles
        self.sessionDuration = sessionDuration
        self.mfa = mfa
        self.replyURL = replyURL
        self.audience = audience
        self.authnInstant = authnInstant
        self.inResponseTo = inResponseTo
        self.nameIDFormat = nameIDFormat
        self.nameID = nameID
        self.authnContextClassRef = authnContextClassRef
    }

    /// The first `authnmethodsreferences` value of a password sign-in, matching ``authnContextClassRef``.
    var passwordMethod: String {
        authnContextClassRef == SAMLURI.authnContextPasswordProtectedTransport
            ? SAMLURI.authnContextPasswordProtectedTransport
            : "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
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
        var methods = [passwordMethod]
        if mfa { methods.append("http://schemas.microsoft.com/claims/multipleauthn") }
        var attributes = [
            Attribute(AttributeName.tenantID, tenantID),
            Attribute(AttributeName.objectIdentifier, objectID),
            Attribute(AttributeName.displayName, displayName),
            Attribute(AttributeName.identityProvider, issuer),
            Attribute(name: AttributeName.authnMethodsReferences, values: methods),
        ]
        // Entra's role claim comes with the built-in claims, after authnmethodsreferences, carrying the same app-role
        // values as the AWS Role claim (Versent/saml2aws pkg/provider/aad/testdata/SAMLResponse.xml).
        if !roles.isEmpty { attributes.append(Attribute(name: AttributeName.role, values: roles)) }
        attributes.append(Attribute(AttributeName.givenName, givenName))
        attributes.append(Attribute(AttributeName.surname, surname))
        // Entra emits no claim whose source is empty: no mail, no emailaddress (MicrosoftDocs/azure-docs#7599).
        if let mail, !mail.isEmpty { attributes.append(Attribute(AttributeName.emailAddress, mail)) }
        attributes.append(Attribute(AttributeName.name, userPrincipalName))
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
            // AuthnInstant is when the user authenticated (SSO: the earlier sign-in), never after the assertion
            // about it (Microsoft's SAML protocol reference: "the time at which the user authenticated").
            authnStatement: AuthnStatement(authnInstant: min(authnInstant ?? assertionInstant, assertionInstant), sessionIndex: assertionID,
                                           authnContextClassRef: authnContextClassRef))
        return Response(id: responseID, issueInstant: issued, destination: replyURL, inResponseTo: inResponseTo,
                        issuer: Issuer(issuer), assertion: assertion)
    }
}
