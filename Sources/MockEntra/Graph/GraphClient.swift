import Foundation
import SAML

/// An app registration that signs in as itself (OAuth 2.0 client credentials, RFC 6749 §4.4) to call Microsoft
/// Graph: its client ID, one client secret, and the Graph application permissions an administrator granted it
/// (the `roles` of its access tokens). Part of the tenant's configuration (`graphClients`).
public struct GraphClient: Codable, Sendable, Hashable {
    /// The application (client) ID.
    public var appID: String
    public var displayName: String
    /// The client secret's value. Compared in constant time; never returned by Graph.
    public var secret: String
    /// Granted Graph application permissions, e.g. `User.Read.All` (GraphPermission).
    public var roles: [String]

    /// - Parameters:
    ///   - appID: The application (client) ID.
    ///   - displayName: The app registration's name (`app_displayname` in its tokens).
    ///   - secret: The client secret's value.
    ///   - roles: The Graph application permissions granted to it.
    public init(appID: String, displayName: String, secret: String, roles: [String]) {
        (self.appID, self.displayName, self.secret, self.roles) = (appID, displayName, secret, roles)
    }

    /// The embedded tenant's administration app, granted every permission mock-entra's Graph checks. Its secret is a
    /// mock's and public on purpose (README, "Microsoft Graph"): never reuse it anywhere real.
    public static let administration = GraphClient(
        appID: "55555555-aaaa-4bbb-8ccc-000000000001", displayName: "mock-entra administration",
        secret: "mock~Graph-Admin-Secret.NotForProduction~0001", roles: GraphPermission.administration)

    /// The object ID of the app's service principal (`oid` and `sub` of its tokens), stable for the client ID.
    public var servicePrincipalID: String { GraphIDs.derived("servicePrincipal", appID) }
}

/// Microsoft Graph application permissions, by their `value` (what a token's `roles` carries).
public enum GraphPermission {
    public static let userReadAll = "User.Read.All"
    public static let userReadWriteAll = "User.ReadWrite.All"
    public static let groupReadAll = "Group.Read.All"
    public static let groupReadWriteAll = "Group.ReadWrite.All"
    public static let groupCreate = "Group.Create"
    public static let groupMemberReadAll = "GroupMember.Read.All"
    public static let groupMemberReadWriteAll = "GroupMember.ReadWrite.All"
    public static let directoryReadAll = "Directory.Read.All"
    public static let directoryReadWriteAll = "Directory.ReadWrite.All"
    public static let applicationReadAll = "Application.Read.All"
    public static let applicationReadWriteAll = "Application.ReadWrite.All"
    public static let appRoleAssignmentReadWriteAll = "AppRoleAssignment.ReadWrite.All"
    public static let policyReadAll = "Policy.Read.All"
    public static let policyReadWriteConditionalAccess = "Policy.ReadWrite.ConditionalAccess"
    public static let eligibilityReadWriteGroup = "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup"
    public static let assignmentReadWriteGroup = "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup"
    public static let auditLogReadAll = "AuditLog.Read.All"

    /// The permissions a user's delegated token may carry: a member's own PIM activation and deactivation.
    public static let delegated: Set<String> = [assignmentReadWriteGroup]

    /// What the administration app is granted: every permission a call of mock-entra's Graph needs.
    public static let administration = [
        userReadWriteAll, groupReadWriteAll, groupMemberReadWriteAll, applicationReadWriteAll, appRoleAssignmentReadWriteAll,
        policyReadAll, policyReadWriteConditionalAccess, eligibilityReadWriteGroup, assignmentReadWriteGroup, auditLogReadAll,
        directoryReadAll,
    ]
}

/// Object IDs mock-entra derives rather than stores: an application's and a service principal's object IDs (stable
/// for the app ID, distinct from it, as in Entra), and app role assignments' IDs.
enum GraphIDs {
    /// A GUID-shaped ID from a hash of `kind` and `key`.
    static func derived(_ kind: String, _ key: String) -> String { EntraState.roleID(appID: kind, value: key) }

    /// An appRoleAssignment ID: Graph's are 43 base64url characters (a key of principal and resource).
    static func assignment(principal: String, role: String, resource: String) -> String {
        Base64URL.encode(SAMLDigest.sha256(Array("\(principal)|\(role)|\(resource)".utf8)))
    }
}
