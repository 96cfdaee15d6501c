import Foundation
import Hummingbird
import SAML

/// `applications` (app registrations), `servicePrincipals` (enterprise apps) and their `appRoleAssignedTo`: the
/// SAML apps of the tenant and the Graph clients. Object IDs are derived from the app ID (``GraphIDs``), distinct
/// for the application and its service principal as in Entra. Permissions: Graph docs "List applications", "List
/// servicePrincipals", "List appRoleAssignments granted for a service principal": Application.Read.All; "Grant an
/// appRoleAssignment for a service principal", "Delete appRoleAssignedTo": AppRoleAssignment.ReadWrite.All.
extension GraphAPI {
    static let applicationRead = [GraphPermission.applicationReadAll, GraphPermission.applicationReadWriteAll,
                                  GraphPermission.directoryReadAll, GraphPermission.directoryReadWriteAll]
    static let appRoleAssignmentWrite = [GraphPermission.appRoleAssignmentReadWriteAll, GraphPermission.directoryReadWriteAll]

    static let applicationType = ResourceType(
        name: "application", properties: ["id", "appId", "displayName", "identifierUris", "signInAudience", "appRoles", "web"],
        defaults: ["id", "appId", "displayName", "identifierUris", "signInAudience", "appRoles", "web"], directory: true)

    static let servicePrincipalType = ResourceType(
        name: "servicePrincipal",
        properties: ["id", "appId", "displayName", "accountEnabled", "appRoleAssignmentRequired", "appRoles", "servicePrincipalType",
                     "servicePrincipalNames", "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "appOwnerOrganizationId",
                     "replyUrls"],
        defaults: ["id", "appId", "displayName", "accountEnabled", "appRoleAssignmentRequired", "appRoles", "servicePrincipalType",
                   "servicePrincipalNames", "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "appOwnerOrganizationId",
                   "replyUrls"],
        directory: true)

    static let assignmentType = ResourceType(
        name: "appRoleAssignment",
        properties: ["id", "appRoleId", "createdDateTime", "deletedDateTime", "principalDisplayName", "principalId", "principalType",
                     "resourceDisplayName", "resourceId"],
        defaults: ["id", "appRoleId", "createdDateTime", "deletedDateTime", "principalDisplayName", "principalId", "principalType",
                   "resourceDisplayName", "resourceId"],
        directory: false)

    static func appRoles(_ roles: [Tenant.AppRole]) -> JSONValue {
        .array(roles.map { role in
            .object(["allowedMemberTypes": .strings(["User"]), "description": .string(role.displayName), "displayName": .string(role.displayName),
                     "id": .string(role.id), "isEnabled": .bool(true), "origin": .string("Application"),
                     "value": role.value.isEmpty ? .null : .string(role.value)])
        })
    }

    /// Every application: the tenant's SAML apps, then its Graph clients.
    func applications() async -> [[String: JSONValue]] {
        let tenant = await state.tenant
        let saml: [[String: JSONValue]] = tenant.applications.map { app in
            ["id": .string(GraphIDs.derived("application", app.appID)), "appId": .string(app.appID), "displayName": .string(app.displayName),
             "identifierUris": .strings([app.identifier]), "signInAudience": .string("AzureADMyOrg"), "appRoles": Self.appRoles(app.appRoles),
             "web": .object(["redirectUris": .strings(app.replyURLs), "logoutUrl": .optional(app.logoutURL)])]
        }
        let clients: [[String: JSONValue]] = tenant.graphClients.map { client in
            ["id": .string(GraphIDs.derived("application", client.appID)), "appId": .string(client.appID),
             "displayName": .string(client.displayName), "identifierUris": .array([]), "signInAudience": .string("AzureADMyOrg"),
             "appRoles": .array([]), "web": .object(["redirectUris": .array([]), "logoutUrl": .null])]
        }
        return saml + clients
    }

    /// Every service principal, the SAML apps' with their signing certificate's thumbprint.
    func servicePrincipals() async -> [[String: JSONValue]] {
        let tenant = await state.tenant
        let thumbprint = await state.keys.activeThumbprint
        let saml: [[String: JSONValue]] = tenant.applications.map { app in
            ["id": .string(GraphIDs.derived("servicePrincipal", app.appID)), "appId": .string(app.appID), "displayName": .string(app.displayName),
             "accountEnabled": .bool(true), "appRoleAssignmentRequired": .bool(true), "appRoles": Self.appRoles(app.appRoles),
             "servicePrincipalType": .string("Application"), "servicePrincipalNames": .strings([app.identifier, app.appID]),
             "preferredSingleSignOnMode": .string("saml"), "preferredTokenSigningKeyThumbprint": .string(thumbprint),
             "appOwnerOrganizationId": .string(tenant.tenantID), "replyUrls": .strings(app.replyURLs)]
        }
        let clients: [[String: JSONValue]] = tenant.graphClients.map { client in
            ["id": .string(client.servicePrincipalID), "appId": .string(client.appID), "displayName": .string(client.displayName),
             "accountEnabled": .bool(true), "appRoleAssignmentRequired": .bool(false), "appRoles": .array([]),
             "servicePrincipalType": .string("Application"), "servicePrincipalNames": .strings([client.appID]),
             "preferredSingleSignOnMode": .null, "preferredTokenSigningKeyThumbprint": .null,
             "appOwnerOrganizationId": .string(tenant.tenantID), "replyUrls": .array([])]
        }
        return saml + clients
    }

    /// The SAML application whose service principal is `id` (nil for a Graph client's or an unknown one).
    func samlApplication(servicePrincipal id: String) async -> Tenant.Application? {
        await state.tenant.applications.first { GraphIDs.derived("servicePrincipal", $0.appID) == id.lowercased() }
    }

    /// The app role assignments of a SAML app, one per (group or user, role), in Graph's shape; `principalName` (not
    /// Graph's) keys the tenant's record of it: the group's display name or the user's UPN.
    func assignments(_ app: Tenant.Application) async -> [[String: JSONValue]] {
        let tenant = await state.tenant
        let resource = GraphIDs.derived("servicePrincipal", app.appID)
        func rows(_ id: String, _ name: String, _ key: String, _ type: String, _ roles: [String]) -> [[String: JSONValue]] {
            roles.map { role in
                ["id": .string(GraphIDs.assignment(principal: id, role: role, resource: resource)), "appRoleId": .string(role),
                 "createdDateTime": .null, "deletedDateTime": .null, "principalDisplayName": .string(name),
                 "principalId": .string(id), "principalType": .string(type), "resourceDisplayName": .string(app.displayName),
                 "resourceId": .string(resource), "principalName": .string(key)]
            }
        }
        let groups = app.assignments.sorted { $0.key < $1.key }.flatMap { name, roles -> [[String: JSONValue]] in
            guard let group = tenant.group(name) else { return [] }
            return rows(group.objectID, group.displayName, name, "Group", roles)
        }
        let users = app.userAssignments.sorted { $0.key < $1.key }.flatMap { upn, roles -> [[String: JSONValue]] in
            guard let user = tenant.user(upn) else { return [] }
            return rows(user.objectID, user.displayName, upn, "User", roles)
        }
        return groups + users
    }

    var applicationRoutes: [Route] {
        [
            Route(.get, "applications", Self.applicationRead) { call throws(GraphError) in
                try Self.collection(await self.applications(), type: Self.applicationType, entitySet: "applications", call: call)
            },
            Route(.get, "applications/{}", Self.applicationRead) { call throws(GraphError) in
                let id = call.parameters[0].lowercased()
                guard let app = await self.applications().first(where: { $0["id"]?.string == id }) else { throw .notFound(call.parameters[0]) }
                return try Self.entity(app, type: Self.applicationType, entitySet: "applications", call: call)
            },
            Route(.get, "servicePrincipals", Self.applicationRead) { call throws(GraphError) in
                try Self.collection(await self.servicePrincipals(), type: Self.servicePrincipalType, entitySet: "servicePrincipals", call: call)
            },
            Route(.get, "servicePrincipals/{}", Self.applicationRead) { call throws(GraphError) in
                let id = call.parameters[0].lowercased()
                guard let sp = await self.servicePrincipals().first(where: { $0["id"]?.string == id }) else { throw .notFound(call.parameters[0]) }
                return try Self.entity(sp, type: Self.servicePrincipalType, entitySet: "servicePrincipals", call: call)
            },
            Route(.get, "servicePrincipals/{}/appRoleAssignedTo", Self.applicationRead) { call throws(GraphError) in
                let id = call.parameters[0]
                guard let app = await self.samlApplication(servicePrincipal: id) else {
                    guard await self.servicePrincipals().contains(where: { $0["id"]?.string == id.lowercased() }) else { throw .notFound(id) }
                    return try Self.collection([], type: Self.assignmentType, entitySet: "servicePrincipals('\(id)')/appRoleAssignedTo", call: call)
                }
                return try Self.collection(await self.assignments(app), type: Self.assignmentType,
                                           entitySet: "servicePrincipals('\(id)')/appRoleAssignedTo", call: call)
            },
            Route(.post, "servicePrincipals/{}/appRoleAssignedTo", Self.appRoleAssignmentWrite) { call throws(GraphError) in
                // Graph: "AppRoleAssignment.ReadWrite.All and Application.Read.All" (serviceprincipal-post-approleassignedto).
                try call.caller.require(Self.applicationRead)
                let id = call.parameters[0]
                let body = try await Self.body(call)
                try Self.allow(body, ["principalId", "resourceId", "appRoleId"], type: "appRoleAssignment")
                guard let app = await self.samlApplication(servicePrincipal: id) else { throw .notFound(id) }
                let principal = try Self.string(body, "principalId", resource: "AppRoleAssignment")
                let role = try Self.string(body, "appRoleId", resource: "AppRoleAssignment")
                // Graph: the body's resourceId must be the service principal of the path.
                guard try Self.string(body, "resourceId", resource: "AppRoleAssignment").lowercased() == id.lowercased() else {
                    throw .badRequest("The resourceId must be the service principal the request is sent to.")
                }
                try await self.state.assignAppRole(appID: app.appID, principal: principal, role: role)
                guard let created = await self.assignments(await self.state.tenant.application(app.appID) ?? app).first(where: {
                          $0["principalId"]?.string?.lowercased() == principal.lowercased() && $0["appRoleId"]?.string?.lowercased() == role.lowercased()
                      }) else { throw .notFound(principal) }
                return try Self.entity(created, type: Self.assignmentType, entitySet: "servicePrincipals('\(id)')/appRoleAssignedTo",
                                       call: call, status: .created)
            },
            Route(.delete, "servicePrincipals/{}/appRoleAssignedTo/{}", Self.appRoleAssignmentWrite) { call throws(GraphError) in
                let (id, assignment) = (call.parameters[0], call.parameters[1])
                guard let app = await self.samlApplication(servicePrincipal: id),
                      let found = await self.assignments(app).first(where: { $0["id"]?.string == assignment }),
                      let name = found["principalName"]?.string, let type = found["principalType"]?.string,
                      let role = found["appRoleId"]?.string else { throw .notFound(assignment) }
                try await self.state.removeAppRole(appID: app.appID, principal: name, type: type, role: role)
                return Self.noContent
            },
        ]
    }
}
