import Foundation
import Hummingbird

/// `identity/conditionalAccess/policies` in Graph's `conditionalAccessPolicy` shape, for what mock-entra enforces:
/// included and excluded groups and users, included applications, `grantControls` `mfa` or `block`, and `state`.
/// A policy using anything else (roles, "All", locations, session controls, other grant controls) is refused with
/// 400 rather than stored and not enforced. Permissions: Graph docs "List policies", "Get conditionalAccessPolicy":
/// Policy.Read.All; "Create", "Update", "Delete conditionalAccessPolicy": Policy.ReadWrite.ConditionalAccess.
extension GraphAPI {
    static let policyRead = [GraphPermission.policyReadAll, GraphPermission.policyReadWriteConditionalAccess]
    static let policyWrite = [GraphPermission.policyReadWriteConditionalAccess]
    static let policyStates: Set<String> = ["enabled", "disabled", "enabledForReportingButNotEnforced"]

    static let policyType = ResourceType(
        name: "conditionalAccessPolicy",
        properties: ["id", "displayName", "state", "createdDateTime", "modifiedDateTime", "conditions", "grantControls", "sessionControls"],
        defaults: ["id", "displayName", "state", "createdDateTime", "modifiedDateTime", "conditions", "grantControls", "sessionControls"],
        directory: false)

    static func policyID(_ policy: Tenant.ConditionalAccessPolicy) -> String {
        policy.id ?? GraphIDs.derived("conditionalAccessPolicy", policy.name)
    }

    static func policyObject(_ policy: Tenant.ConditionalAccessPolicy, tenant: Tenant) -> [String: JSONValue] {
        let groupIDs = { (names: [String]) in names.compactMap { tenant.group($0)?.objectID } }
        let userIDs = { (upns: [String]) in upns.compactMap { tenant.user($0)?.objectID } }
        return [
            "id": .string(policyID(policy)), "displayName": .string(policy.name), "state": .string(policy.state ?? "enabled"),
            "createdDateTime": .null, "modifiedDateTime": .null, "sessionControls": .null,
            "conditions": .object([
                "clientAppTypes": .strings(["all"]),
                "users": .object(["includeUsers": .strings(userIDs(policy.includeUsers ?? [])), "excludeUsers": .strings(userIDs(policy.excludeUsers ?? [])),
                                  "includeGroups": .strings(groupIDs(policy.groups)), "excludeGroups": .strings(groupIDs(policy.excludeGroups ?? [])),
                                  "includeRoles": .array([]), "excludeRoles": .array([])]),
                "applications": .object(["includeApplications": .strings(policy.applications), "excludeApplications": .array([])]),
            ]),
            "grantControls": .object(["operator": .string("OR"), "builtInControls": .strings([policy.grant == .block ? "block" : "mfa"]),
                                      "customAuthenticationFactors": .array([]), "termsOfUse": .array([])]),
        ]
    }

    /// A policy from Graph's JSON (a whole one for POST; `existing` supplies what a PATCH leaves out).
    func policy(from body: [String: JSONValue], existing: Tenant.ConditionalAccessPolicy?) async throws(GraphError) -> Tenant.ConditionalAccessPolicy {
        try Self.allow(body, ["displayName", "state", "conditions", "grantControls", "sessionControls", "id"], type: "conditionalAccessPolicy")
        let tenant = await state.tenant
        var policy = existing ?? Tenant.ConditionalAccessPolicy(name: "", groups: [], applications: [], grant: .requireMFA,
                                                                id: UUID().uuidString.lowercased())
        if body["displayName"] != nil || existing == nil { policy.name = try Self.string(body, "displayName", resource: "ConditionalAccessPolicy") }
        if body["state"] != nil || existing == nil {
            let state = try Self.string(body, "state", resource: "ConditionalAccessPolicy")
            guard Self.policyStates.contains(state) else { throw .invalidValue("state", resource: "ConditionalAccessPolicy") }
            policy.state = state
        }
        if let session = body["sessionControls"], session != .null { throw Self.unenforced("sessionControls") }
        if let conditions = body["conditions"] {
            guard let conditions = conditions.object else { throw .invalidValue("conditions", resource: "ConditionalAccessPolicy") }
            for (key, value) in conditions where !["users", "applications", "clientAppTypes"].contains(key) && !key.hasPrefix("@odata.") && value != .null {
                guard value.array?.isEmpty == true else { throw Self.unenforced("conditions.\(key)") }
            }
            if let types = conditions["clientAppTypes"]?.array, !types.allSatisfy({ ["all", "browser"].contains($0.string ?? "") }) {
                throw Self.unenforced("conditions.clientAppTypes")
            }
            // Graph requires users, applications and clientAppTypes in a new policy (conditionalAccessConditionSet);
            // a PATCH changes only what it names (conditionalaccesspolicy-update: "properties not included in the
            // request body keep their previous values").
            if existing == nil {
                guard conditions["users"]?.object != nil, conditions["applications"]?.object != nil,
                      conditions["clientAppTypes"]?.array?.isEmpty == false else {
                    throw GraphError(400, "BadRequest", "A policy's conditions need users, applications and clientAppTypes.")
                }
            }
            let users = conditions["users"]?.object ?? [:]
            for (key, value) in users where !["includeUsers", "excludeUsers", "includeGroups", "excludeGroups"].contains(key) && !key.hasPrefix("@odata.") {
                guard value == .null || value.array?.isEmpty == true else { throw Self.unenforced("conditions.users.\(key)") }
            }
            func ids(_ key: String) throws(GraphError) -> [String] {
                guard let value = users[key], value != .null else { return [] }
                guard let list = value.array?.compactMap(\.string), list.count == value.array?.count, list.count <= 500 else {
                    throw .invalidValue("conditions.users.\(key)", resource: "ConditionalAccessPolicy")
                }
                return list
            }
            func groups(_ key: String) throws(GraphError) -> [String] {
                var names: [String] = []
                for id in try ids(key) {
                    guard let group = tenant.groups.first(where: { $0.objectID.lowercased() == id.lowercased() }) else { throw Self.unenforced("conditions.users.\(key) '\(id)'") }
                    names.append(group.displayName)
                }
                return names
            }
            func upns(_ key: String) throws(GraphError) -> [String] {
                var names: [String] = []
                for id in try ids(key) {
                    guard let user = tenant.users.first(where: { $0.objectID.lowercased() == id.lowercased() }) else { throw Self.unenforced("conditions.users.\(key) '\(id)'") }
                    names.append(user.userPrincipalName)
                }
                return names
            }
            if existing == nil || users["includeGroups"] != nil { policy.groups = try groups("includeGroups") }
            if existing == nil || users["excludeGroups"] != nil { policy.excludeGroups = try groups("excludeGroups") }
            if existing == nil || users["includeUsers"] != nil { policy.includeUsers = try upns("includeUsers") }
            if existing == nil || users["excludeUsers"] != nil { policy.excludeUsers = try upns("excludeUsers") }
            let applications = conditions["applications"]?.object ?? [:]
            for (key, value) in applications where key != "includeApplications" && !key.hasPrefix("@odata.") {
                guard value == .null || value.array?.isEmpty == true else { throw Self.unenforced("conditions.applications.\(key)") }
            }
            if existing == nil || applications["includeApplications"] != nil {
                let apps = applications["includeApplications"]?.array?.compactMap(\.string) ?? []
                for app in apps where tenant.application(app) == nil { throw Self.unenforced("conditions.applications.includeApplications '\(app)'") }
                policy.applications = apps
            }
            // A policy that names no application or no one applies to nothing: refused rather than shown enabled.
            guard !policy.applications.isEmpty, !(policy.groups.isEmpty && (policy.includeUsers ?? []).isEmpty) else {
                throw GraphError(400, "BadRequest", "A policy must include at least one application and at least one user or group.")
            }
        } else if existing == nil {
            throw .invalidValue("conditions", resource: "ConditionalAccessPolicy")
        }
        if let grant = body["grantControls"] {
            guard let controls = grant.object?["builtInControls"]?.array?.compactMap(\.string), controls.count == 1 else { throw Self.unenforced("grantControls") }
            // conditionalAccessGrantControls.operator is AND or OR.
            if let op = grant.object?["operator"], op != .null, !["AND", "OR"].contains(op.string ?? "") {
                throw .invalidValue("grantControls.operator", resource: "ConditionalAccessPolicy")
            }
            for (key, value) in grant.object ?? [:] where !["operator", "builtInControls"].contains(key) && !key.hasPrefix("@odata.") {
                guard value == .null || value.array?.isEmpty == true else { throw Self.unenforced("grantControls.\(key)") }
            }
            switch controls[0] {
            case "mfa": policy.grant = .requireMFA
            case "block": policy.grant = .block
            default: throw Self.unenforced("grantControls.builtInControls '\(controls[0])'")
            }
        } else if existing == nil {
            throw .invalidValue("grantControls", resource: "ConditionalAccessPolicy")
        }
        return policy
    }

    static func unenforced(_ what: String) -> GraphError {
        .badRequest("mock-entra enforces Conditional Access on included/excluded groups and users, included applications of the tenant, and the grant controls mfa or block; it does not enforce \(what.prefix(200)).")
    }

    var policyRoutes: [Route] {
        [
            Route(.get, "identity/conditionalAccess/policies", Self.policyRead) { call throws(GraphError) in
                let tenant = await self.state.tenant
                return try Self.collection(tenant.conditionalAccess.map { Self.policyObject($0, tenant: tenant) }, type: Self.policyType,
                                           entitySet: "identity/conditionalAccess/policies", call: call)
            },
            Route(.get, "identity/conditionalAccess/policies/{}", Self.policyRead) { call throws(GraphError) in
                let tenant = await self.state.tenant
                guard let policy = tenant.conditionalAccess.first(where: { Self.policyID($0) == call.parameters[0].lowercased() }) else {
                    throw .notFound(call.parameters[0])
                }
                return try Self.entity(Self.policyObject(policy, tenant: tenant), type: Self.policyType,
                                       entitySet: "identity/conditionalAccess/policies", call: call)
            },
            Route(.post, "identity/conditionalAccess/policies", Self.policyWrite) { call throws(GraphError) in
                let policy = try await self.policy(from: try await Self.body(call), existing: nil)
                try await self.state.savePolicy(policy, replacing: nil)
                return try Self.entity(Self.policyObject(policy, tenant: await self.state.tenant), type: Self.policyType,
                                       entitySet: "identity/conditionalAccess/policies", call: call, status: .created)
            },
            Route(.patch, "identity/conditionalAccess/policies/{}", Self.policyWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                guard let existing = await self.state.tenant.conditionalAccess.first(where: { Self.policyID($0) == call.parameters[0].lowercased() }) else {
                    throw .notFound(call.parameters[0])
                }
                var changed = try await self.policy(from: body, existing: existing)
                changed.id = Self.policyID(existing)
                try await self.state.savePolicy(changed, replacing: Self.policyID(existing))
                return Self.noContent
            },
            Route(.delete, "identity/conditionalAccess/policies/{}", Self.policyWrite) { call throws(GraphError) in
                try await self.state.deletePolicy(call.parameters[0].lowercased())
                return Self.noContent
            },
        ]
    }
}

extension EntraState {
    /// Adds a policy, or replaces the one whose ID is `replacing`. Names stay unique: the sign-in log names policies.
    func savePolicy(_ policy: Tenant.ConditionalAccessPolicy, replacing id: String?) throws(GraphError) {
        let others = tenant.conditionalAccess.filter { id == nil || GraphAPI.policyID($0) != id }
        guard !others.contains(where: { $0.name == policy.name }) else {
            throw .badRequest("mock-entra names policies in the sign-in log: a policy named '\(policy.name.prefix(200))' already exists.")
        }
        if let id, let index = tenant.conditionalAccess.firstIndex(where: { GraphAPI.policyID($0) == id }) {
            tenant.conditionalAccess[index] = policy
        } else {
            tenant.conditionalAccess.append(policy)
        }
    }

    func deletePolicy(_ id: String) throws(GraphError) {
        guard tenant.conditionalAccess.contains(where: { GraphAPI.policyID($0) == id }) else { throw .notFound(id) }
        tenant.conditionalAccess.removeAll { GraphAPI.policyID($0) == id }
    }
}
