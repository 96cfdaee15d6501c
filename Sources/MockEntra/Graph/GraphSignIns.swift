import Foundation
import Hummingbird

/// `auditLogs/signIns` (Graph docs "signIn resource type", "List signIns": AuditLog.Read.All): mock-entra's sign-in
/// log, newest first, with `$filter` (UPN, app, time, status) and `$top`. `status.errorCode` is the AADSTS number.
extension GraphAPI {
    static let auditRead = [GraphPermission.auditLogReadAll]

    static let signInType = ResourceType(
        name: "signIn",
        properties: ["id", "createdDateTime", "userDisplayName", "userPrincipalName", "userId", "appId", "appDisplayName", "ipAddress",
                     "clientAppUsed", "correlationId", "conditionalAccessStatus", "appliedConditionalAccessPolicies", "isInteractive", "status",
                     "authenticationRequirement", "resourceDisplayName", "resourceId"],
        defaults: ["id", "createdDateTime", "userDisplayName", "userPrincipalName", "userId", "appId", "appDisplayName", "ipAddress",
                   "clientAppUsed", "correlationId", "conditionalAccessStatus", "appliedConditionalAccessPolicies", "isInteractive", "status",
                   "authenticationRequirement", "resourceDisplayName", "resourceId"],
        directory: false)

    static func signInObject(_ entry: SignInLogEntry, policyIDs: [String: String]) -> [String: JSONValue] {
        let policies: [JSONValue] = entry.appliedConditionalAccessPolicies.map { policy in
            .object(["id": .optional(policyIDs[policy.displayName]), "displayName": .string(policy.displayName),
                     "enforcedGrantControls": .strings(policy.enforcedGrantControls), "enforcedSessionControls": .array([]),
                     "result": .string(policy.result)])
        }
        return ["id": .string(entry.id), "createdDateTime": .string(entry.createdDateTime), "userDisplayName": .optional(entry.userDisplayName),
                "userPrincipalName": .optional(entry.userPrincipalName), "userId": .optional(entry.userId), "appId": .optional(entry.appId),
                "appDisplayName": .optional(entry.appDisplayName), "ipAddress": .string(entry.ipAddress), "clientAppUsed": .string("Browser"),
                "correlationId": .string(MockEntra.guid(entry.correlationId)), "conditionalAccessStatus": .string(entry.conditionalAccessStatus),
                "appliedConditionalAccessPolicies": .array(policies), "isInteractive": .bool(entry.isInteractive),
                "status": .object(["errorCode": .int(entry.status.errorCode), "failureReason": .optional(entry.status.failureReason),
                                   "additionalDetails": .optional(entry.result == "interrupted" ? "The sign-in was interrupted." : nil)]),
                "authenticationRequirement": .string(entry.authenticationRequirement),
                "resourceDisplayName": .optional(entry.appDisplayName), "resourceId": .optional(entry.appId)]
    }

    var signInRoutes: [Route] {
        [
            Route(.get, "auditLogs/signIns", Self.auditRead) { call throws(GraphError) in
                let policyIDs = Dictionary(await self.state.tenant.conditionalAccess.map { ($0.name, Self.policyID($0)) }) { a, _ in a }
                let entries = await self.state.signInLogs().reversed().map { Self.signInObject($0, policyIDs: policyIDs) }
                // Graph docs "List signIns": pages of up to 1000.
                return try Self.collection(Array(entries), type: Self.signInType, entitySet: "auditLogs/signIns", call: call,
                                           defaultPage: 1000, maxTop: 1000)
            },
            Route(.get, "auditLogs/signIns/{}", Self.auditRead) { call throws(GraphError) in
                let policyIDs = Dictionary(await self.state.tenant.conditionalAccess.map { ($0.name, Self.policyID($0)) }) { a, _ in a }
                guard let entry = await self.state.signInLogs().first(where: { $0.id == call.parameters[0].lowercased() }) else {
                    throw .notFound(call.parameters[0])
                }
                return try Self.entity(Self.signInObject(entry, policyIDs: policyIDs), type: Self.signInType, entitySet: "auditLogs/signIns", call: call)
            },
        ]
    }
}
