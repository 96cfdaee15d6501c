import Foundation
import SAML

/// An Entra tenant as the deployment guide sets it up for AWS: users, groups, the "AWS Single-Account Access"
/// enterprise application with its app roles and group assignments, Conditional Access policies, and PIM-style
/// eligible group memberships. Plain values, `Codable` as mock-entra's configuration file.
public struct Tenant: Codable, Sendable, Hashable {
    public struct User: Codable, Sendable, Hashable {
        public var objectID: String
        public var userPrincipalName: String
        public var displayName: String
        public var givenName: String
        public var surname: String
        public var password: String
        /// Base32 TOTP secret for the MFA page, when the user has registered an authenticator.
        public var totpSecret: String?
        /// The directory's `mail` (a mailbox's primary address), the source of the `emailaddress` claim (aws-entra.md §5:
        /// emailaddress ← user.mail). Optional in a configuration file: a user without one gets no `emailaddress` claim,
        /// as in Entra, where `mail` is empty for a user without a mailbox (MicrosoftDocs/azure-docs#32217) and the claim
        /// is then not sent (MicrosoftDocs/azure-docs#7599).
        public var mail: String?

        public init(objectID: String, userPrincipalName: String, displayName: String, givenName: String, surname: String,
                    password: String, totpSecret: String? = nil, mail: String? = nil) {
            (self.objectID, self.userPrincipalName, self.displayName) = (objectID, userPrincipalName, displayName)
            (self.givenName, self.surname, self.password, self.totpSecret) = (givenName, surname, password, totpSecret)
            self.mail = mail
        }
    }

    public struct Group: Codable, Sendable, Hashable {
        public var objectID: String
        public var displayName: String
        /// Active members, by UPN.
        public var members: [String]
        /// PIM: members who must activate the membership before it counts, by UPN.
        public var eligibleMembers: [String]
        /// PIM: the longest activation.
        public var maxActivationMinutes: Int

        public init(objectID: String, displayName: String, members: [String], eligibleMembers: [String] = [],
                    maxActivationMinutes: Int = 60) {
            (self.objectID, self.displayName, self.members) = (objectID, displayName, members)
            (self.eligibleMembers, self.maxActivationMinutes) = (eligibleMembers, maxActivationMinutes)
        }
    }

    public struct AppRole: Codable, Sendable, Hashable {
        public var id: String
        /// `Administrator,EntraID`, as role provisioning names them.
        public var displayName: String
        /// `arn:aws:iam::…:role/…,arn:aws:iam::…:saml-provider/…`: the SAML Role value.
        public var value: String

        public init(id: String, displayName: String, value: String) {
            (self.id, self.displayName, self.value) = (id, displayName, value)
        }
    }

    public struct Application: Codable, Sendable, Hashable {
        public var appID: String
        public var displayName: String
        /// Identifier (Entity ID). A `#n` suffix (several AWS instances in one tenant) is stripped for the Audience.
        public var identifier: String
        /// Reply URL: Destination and Recipient of IdP-initiated responses, and the default ACS.
        public var replyURL: String
        /// Further Reply URLs an AuthnRequest's AssertionConsumerServiceURL may name.
        public var additionalReplyURLs: [String]
        public var appRoles: [AppRole]
        /// Group display name → app role IDs assigned to it.
        public var assignments: [String: [String]]
        /// User UPN → app role IDs assigned to the user directly (Graph's `appRoleAssignedTo` with a user principal).
        public var userAssignments: [String: [String]]
        /// Entra's "Signing option": assertion (default), response, or both.
        public var signingMode: SigningMode
        /// Entra's "Signing algorithm": rsa-sha256 (default) or rsa-sha1.
        public var signatureAlgorithm: SignatureAlgorithm
        /// The NameID format when the request names none (Entra's default for the UPN source: emailAddress).
        public var nameIDFormat: String
        /// The constant behind `user.sessionduration`, in seconds (900–43200); nil leaves the claim out.
        public var sessionDuration: Int?
        /// Relay State sent with IdP-initiated responses (the AWS console URL to land on, for instance).
        public var relayState: String?
        /// Logout URL: where a LogoutResponse goes. The AWS gallery app has none.
        public var logoutURL: String?
        /// AADSTS76021 unless an AuthnRequest carries a signature that verifies with `requestCertificates`.
        public var requireSignedRequests: Bool
        /// PEM certificates that verify signed AuthnRequests ("Verification certificates" in the portal).
        public var requestCertificates: [String]
        /// The AuthnContextClassRef of its password sign-ins, with or without MFA (default Password).
        public var authnContextClassRef: AuthnContextClass

        public init(appID: String, displayName: String, identifier: String, replyURL: String, additionalReplyURLs: [String] = [],
                    appRoles: [AppRole], assignments: [String: [String]], signingMode: SigningMode = .assertion,
                    signatureAlgorithm: SignatureAlgorithm = .rsaSHA256, nameIDFormat: String = SAMLURI.nameIDEmail,
                    sessionDuration: Int? = 3600, relayState: String? = nil, logoutURL: String? = nil,
                    requireSignedRequests: Bool = false, requestCertificates: [String] = [],
                    authnContextClassRef: AuthnContextClass = .password, userAssignments: [String: [String]] = [:]) {
            (self.appID, self.displayName, self.identifier, self.replyURL) = (appID, displayName, identifier, replyURL)
            (self.additionalReplyURLs, self.appRoles, self.assignments) = (additionalReplyURLs, appRoles, assignments)
            (self.signingMode, self.signatureAlgorithm, self.nameIDFormat) = (signingMode, signatureAlgorithm, nameIDFormat)
            (self.sessionDuration, self.relayState, self.logoutURL) = (sessionDuration, relayState, logoutURL)
            (self.requireSignedRequests, self.requestCertificates) = (requireSignedRequests, requestCertificates)
            self.authnContextClassRef = authnContextClassRef
            self.userAssignments = userAssignments
        }

        /// Everything but the identity and the roles is optional in a configuration file.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(appID: try c.decode(String.self, forKey: .appID), displayName: try c.decode(String.self, forKey: .displayName),
                      identifier: try c.decode(String.self, forKey: .identifier), replyURL: try c.decode(String.self, forKey: .replyURL),
                      additionalReplyURLs: try c.decodeIfPresent([String].self, forKey: .additionalReplyURLs) ?? [],
                      appRoles: try c.decodeIfPresent([AppRole].self, forKey: .appRoles) ?? [],
                      assignments: try c.decodeIfPresent([String: [String]].self, forKey: .assignments) ?? [:],
                      signingMode: try c.decodeIfPresent(SigningMode.self, forKey: .signingMode) ?? .assertion,
                      signatureAlgorithm: try c.decodeIfPresent(SignatureAlgorithm.self, forKey: .signatureAlgorithm) ?? .rsaSHA256,
                      nameIDFormat: try c.decodeIfPresent(String.self, forKey: .nameIDFormat) ?? SAMLURI.nameIDEmail,
                      sessionDuration: c.contains(.sessionDuration) ? try c.decodeIfPresent(Int.self, forKey: .sessionDuration) : 3600,
                      relayState: try c.decodeIfPresent(String.self, forKey: .relayState),
                      logoutURL: try c.decodeIfPresent(String.self, forKey: .logoutURL),
                      requireSignedRequests: try c.decodeIfPresent(Bool.self, forKey: .requireSignedRequests) ?? false,
                      requestCertificates: try c.decodeIfPresent([String].self, forKey: .requestCertificates) ?? [],
                      authnContextClassRef: try c.decodeIfPresent(AuthnContextClass.self, forKey: .authnContextClassRef) ?? .password,
                      userAssignments: try c.decodeIfPresent([String: [String]].self, forKey: .userAssignments) ?? [:])
        }

        /// The Audience Entra sends: the Identifier without a `#…` instance suffix (aws-entra.md §5).
        public var audience: String { String(identifier.prefix { $0 != "#" }) }

        /// Every Reply URL.
        public var replyURLs: [String] { [replyURL] + additionalReplyURLs }

        /// The app role IDs assigned to `upn` directly (UPNs compared case-insensitively, as sign-in does).
        /// - Parameter upn: The user's UPN.
        public func directRoles(of upn: String) -> [String] {
            userAssignments.filter { $0.key.lowercased() == upn.lowercased() }.flatMap(\.value)
        }
    }

    /// The AuthnContextClassRef Entra writes for a password sign-in. Sources differ, MFA or not: Microsoft's SAML
    /// protocol reference and real AWS tokens show Password (aws-entra.md §6, §8: "stays Password" after MFA);
    /// saml2aws's captured Entra response shows PasswordProtectedTransport after MFA
    /// (Versent/saml2aws pkg/provider/aad/testdata/SAMLResponse.xml). Which one a tenant gets is not documented, so it
    /// is a setting; Password is the default.
    public enum AuthnContextClass: String, Codable, Sendable, Hashable, CaseIterable {
        case password = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
        case passwordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    }

    public struct ConditionalAccessPolicy: Codable, Sendable, Hashable {
        public enum Grant: String, Codable, Sendable, Hashable { case requireMFA, block }
        public var name: String
        /// Group display names the policy applies to.
        public var groups: [String]
        /// Application IDs the policy applies to.
        public var applications: [String]
        public var grant: Grant
        /// Graph's policy ID; nil: derived from the name (policies written before Graph was served).
        public var id: String?
        /// `enabled` (nil), `disabled` or `enabledForReportingButNotEnforced`: only an enabled policy is enforced.
        public var state: String?
        /// Groups (display names) the policy never applies to, even when a member is in an included group.
        public var excludeGroups: [String]?
        /// Users (UPNs) the policy applies to besides the groups' members.
        public var includeUsers: [String]?
        /// Users (UPNs) the policy never applies to.
        public var excludeUsers: [String]?

        /// - Parameters:
        ///   - name: The policy's display name (the sign-in log names it).
        ///   - groups: Included groups, by display name.
        ///   - applications: Included application IDs.
        ///   - grant: MFA or block.
        ///   - id: Graph's policy ID; nil derives one from the name.
        ///   - state: `enabled` (nil), `disabled` or `enabledForReportingButNotEnforced`.
        ///   - excludeGroups: Excluded groups, by display name.
        ///   - includeUsers: Included users, by UPN.
        ///   - excludeUsers: Excluded users, by UPN.
        public init(name: String, groups: [String], applications: [String], grant: Grant, id: String? = nil, state: String? = nil,
                    excludeGroups: [String]? = nil, includeUsers: [String]? = nil, excludeUsers: [String]? = nil) {
            (self.name, self.groups, self.applications, self.grant) = (name, groups, applications, grant)
            (self.id, self.state, self.excludeGroups, self.includeUsers, self.excludeUsers) = (id, state, excludeGroups, includeUsers, excludeUsers)
        }

        /// Whether the policy is enforced and covers `upn` (in `groupNames`) signing in to `appID`: an included
        /// app, an included group or user, and no exclusion (an exclusion wins, as in Entra).
        /// - Parameters:
        ///   - upn: The user signing in.
        ///   - groupNames: The user's effective groups (PIM activations counted), by display name.
        ///   - appID: The application signed in to.
        public func applies(to upn: String, groups groupNames: Set<String>, appID: String) -> Bool {
            let user = upn.lowercased()
            guard state == nil || state == "enabled", applications.contains(appID) else { return false }
            if (excludeUsers ?? []).contains(where: { $0.lowercased() == user }) || !groupNames.isDisjoint(with: excludeGroups ?? []) { return false }
            return !groupNames.isDisjoint(with: groups) || (includeUsers ?? []).contains { $0.lowercased() == user }
        }
    }

    public var name: String
    public var tenantID: String
    public var domain: String
    public var users: [User]
    public var groups: [Group]
    public var applications: [Application]
    public var conditionalAccess: [ConditionalAccessPolicy]
    /// App registrations that get Microsoft Graph tokens by the client-credentials grant (Graph/GraphClient.swift);
    /// by default the administration app the README documents.
    public var graphClients: [GraphClient]

    /// - Parameters:
    ///   - name: The tenant's name (`<name>.onmicrosoft.com`).
    ///   - tenantID: The tenant's GUID.
    ///   - domain: Its verified domain (UPNs and `{tenant}` paths).
    ///   - users: The users.
    ///   - groups: The security groups.
    ///   - applications: The SAML enterprise applications.
    ///   - conditionalAccess: The Conditional Access policies.
    ///   - graphClients: The app registrations that get Graph tokens; by default the administration app.
    public init(name: String, tenantID: String, domain: String, users: [User], groups: [Group], applications: [Application],
                conditionalAccess: [ConditionalAccessPolicy], graphClients: [GraphClient] = [.administration]) {
        (self.name, self.tenantID, self.domain, self.users, self.groups) = (name, tenantID, domain, users, groups)
        (self.applications, self.conditionalAccess, self.graphClients) = (applications, conditionalAccess, graphClients)
    }

    /// `graphClients` is optional in a configuration file (the administration app when absent), so configuration
    /// files written before Microsoft Graph was served keep working.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), tenantID: try c.decode(String.self, forKey: .tenantID),
                  domain: try c.decode(String.self, forKey: .domain), users: try c.decode([User].self, forKey: .users),
                  groups: try c.decode([Group].self, forKey: .groups), applications: try c.decode([Application].self, forKey: .applications),
                  conditionalAccess: try c.decode([ConditionalAccessPolicy].self, forKey: .conditionalAccess),
                  graphClients: try c.decodeIfPresent([GraphClient].self, forKey: .graphClients) ?? [.administration])
    }

    public var issuer: String { "https://sts.windows.net/\(tenantID)/" }

    public func user(_ upn: String) -> User? { users.first { $0.userPrincipalName.lowercased() == upn.lowercased() } }
    public func application(_ appID: String) -> Application? { applications.first { $0.appID == appID } }

    /// A PIM activation: `user` made an eligible membership of `group` active until `expires`.
    public struct Activation: Codable, Sendable, Hashable {
        public var user: String
        public var group: String
        public var justification: String
        public var expires: Date

        public init(user: String, group: String, justification: String, expires: Date) {
            self.user = user
            self.group = group
            self.justification = justification
            self.expires = expires
        }
    }

    /// Groups whose membership counts for `upn` at `now`: active members, plus eligible members with an unexpired
    /// activation.
    public func effectiveGroups(of upn: String, activations: [Activation], at now: Date) -> [Group] {
        let id = upn.lowercased()
        return groups.filter { group in
            group.members.contains { $0.lowercased() == id }
                || (group.eligibleMembers.contains { $0.lowercased() == id }
                    && activations.contains { $0.user.lowercased() == id && $0.group == group.displayName && $0.expires > now })
        }
    }

    /// The SAML Role values `user.assignedroles` emits for the application: every app role assigned to one of the
    /// user's effective groups, in app-role order, roles without a value skipped (aws-entra.md §5).
    public func roleValues(for upn: String, application: Application, activations: [Activation] = [], at now: Date) -> [String] {
        let groupNames = Set(effectiveGroups(of: upn, activations: activations, at: now).map(\.displayName))
        let assigned = Set(application.assignments.filter { groupNames.contains($0.key) }.flatMap(\.value) + application.directRoles(of: upn))
        return application.appRoles.filter { assigned.contains($0.id) && !$0.value.isEmpty }.map(\.value)
    }

    /// Whether `upn` is assigned to the application through one of their effective groups (AADSTS50105 otherwise).
    public func isAssigned(_ upn: String, to application: Application, activations: [Activation] = [], at now: Date) -> Bool {
        let groupNames = Set(effectiveGroups(of: upn, activations: activations, at: now).map(\.displayName))
        return application.assignments.contains { groupNames.contains($0.key) && !$0.value.isEmpty } || !application.directRoles(of: upn).isEmpty
    }

    /// The applications `upn` is assigned to: the tiles of My Apps.
    public func applications(assignedTo upn: String, activations: [Activation] = [], at now: Date) -> [Application] {
        applications.filter { isAssigned(upn, to: $0, activations: activations, at: now) }
    }

    /// What Conditional Access decides for `upn` signing in to `application` (block wins over MFA).
    public enum AccessDecision: Sendable, Hashable { case allow, requireMFA(policy: String), block(policy: String) }

    public func conditionalAccess(for upn: String, application: Application, activations: [Activation] = [],
                                  at now: Date) -> AccessDecision {
        let groupNames = Set(effectiveGroups(of: upn, activations: activations, at: now).map(\.displayName))
        let applicable = conditionalAccess.filter { $0.applies(to: upn, groups: groupNames, appID: application.appID) }
        if let block = applicable.first(where: { $0.grant == .block }) { return .block(policy: block.name) }
        if let mfa = applicable.first(where: { $0.grant == .requireMFA }) { return .requireMFA(policy: mfa.name) }
        return .allow
    }
}

extension Tenant {
    /// The deployment guide's tenant. Passwords and TOTP secrets are for the mock only and documented in the README.
    /// Both users have a mailbox whose address is their UPN (the usual cloud-only set-up), so their `emailaddress`
    /// claim reads as before.
    public static func contoso(account: String = "123456789012", providerName: String = "EntraID",
                               replyURL: String = "https://signin.aws.amazon.com/saml") -> Tenant {
        let pair = { (role: String) in "arn:aws:iam::\(account):role/\(role),arn:aws:iam::\(account):saml-provider/\(providerName)" }
        return Tenant(
            name: "contoso", tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", domain: "contoso.com",
            users: [
                User(objectID: "11111111-aaaa-4bbb-8ccc-000000000001", userPrincipalName: "test-awsadmin@contoso.com",
                     displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", password: "Adm1n-Passw0rd!",
                     totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", mail: "test-awsadmin@contoso.com"),
                User(objectID: "11111111-aaaa-4bbb-8ccc-000000000002", userPrincipalName: "test-awsdeveloper@contoso.com",
                     displayName: "Test-AWSDeveloper", givenName: "Test", surname: "AWSDeveloper", password: "Dev3loper-Passw0rd!",
                     totpSecret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", mail: "test-awsdeveloper@contoso.com"),
            ],
            groups: [
                Group(objectID: "22222222-aaaa-4bbb-8ccc-000000000001", displayName: "AWS-Account1-Administrators",
                      members: ["test-awsadmin@contoso.com"], eligibleMembers: [], maxActivationMinutes: 60),
                Group(objectID: "22222222-aaaa-4bbb-8ccc-000000000002", displayName: "AWS-Account1-Developers",
                      members: ["test-awsdeveloper@contoso.com"], eligibleMembers: [], maxActivationMinutes: 60),
            ],
            applications: [
                Application(appID: "33333333-aaaa-4bbb-8ccc-000000000001", displayName: "AWS Single-Account Access",
                            identifier: "https://signin.aws.amazon.com/saml", replyURL: replyURL,
                            appRoles: [
                                AppRole(id: "44444444-aaaa-4bbb-8ccc-000000000001", displayName: "Administrator,\(providerName)",
                                        value: pair("Administrator")),
                                AppRole(id: "44444444-aaaa-4bbb-8ccc-000000000002", displayName: "Developer,\(providerName)",
                                        value: pair("Developer")),
                                AppRole(id: "44444444-aaaa-4bbb-8ccc-000000000003", displayName: "msiam_access", value: ""),
                            ],
                            assignments: ["AWS-Account1-Administrators": ["44444444-aaaa-4bbb-8ccc-000000000001"],
                                          "AWS-Account1-Developers": ["44444444-aaaa-4bbb-8ccc-000000000002"]]),
            ],
            conditionalAccess: [
                ConditionalAccessPolicy(name: "AWS Console – MFA", groups: ["AWS-Account1-Administrators", "AWS-Account1-Developers"],
                                        applications: ["33333333-aaaa-4bbb-8ccc-000000000001"], grant: .requireMFA),
            ])
    }
}

extension Tenant {
    /// Whether a `{tenant}` path segment names this tenant: its GUID, its domain, or `<name>.onmicrosoft.com`.
    public func isNamed(_ segment: String) -> Bool {
        let s = segment.lowercased()
        return s == tenantID.lowercased() || s == domain.lowercased() || s == "\(name.lowercased()).onmicrosoft.com"
    }

    /// The application whose Identifier is `issuer` (an AuthnRequest's Issuer, matched exactly as Entra does).
    public func application(identifier issuer: String) -> Application? { applications.first { $0.identifier == issuer } }

    /// The group called `displayName`.
    public func group(_ displayName: String) -> Group? { groups.first { $0.displayName == displayName } }
}
