import Foundation
import Hummingbird
import SAML

/// `groups` (security groups), their `members` and `members/$ref`, and `directoryObjects/{id}`. Permissions: Graph
/// docs "List groups", "Get group", "List group members": GroupMember.Read.All; "Create group": Group.Create;
/// "Update group", "Delete group": Group.ReadWrite.All; "Add members", "Remove member": GroupMember.ReadWrite.All;
/// "Get directoryObject": Directory.Read.All.
extension GraphAPI {
    static let groupRead = [GraphPermission.groupMemberReadAll, GraphPermission.groupReadAll, GraphPermission.groupMemberReadWriteAll,
                            GraphPermission.groupReadWriteAll, GraphPermission.directoryReadAll, GraphPermission.directoryReadWriteAll]
    static let groupCreate = [GraphPermission.groupCreate, GraphPermission.groupReadWriteAll, GraphPermission.directoryReadWriteAll]
    static let groupWrite = [GraphPermission.groupReadWriteAll, GraphPermission.directoryReadWriteAll]
    static let memberWrite = [GraphPermission.groupMemberReadWriteAll, GraphPermission.groupReadWriteAll, GraphPermission.directoryReadWriteAll]
    static let directoryRead = [GraphPermission.directoryReadAll, GraphPermission.directoryReadWriteAll]

    static let groupType = ResourceType(
        name: "group",
        properties: ["id", "displayName", "description", "groupTypes", "mail", "mailEnabled", "mailNickname", "securityEnabled", "visibility",
                     "isAssignableToRole"],
        defaults: ["id", "displayName", "description", "groupTypes", "mail", "mailEnabled", "mailNickname", "securityEnabled", "visibility"],
        directory: true)

    static func groupObject(_ group: Tenant.Group) -> [String: JSONValue] {
        ["id": .string(group.objectID), "displayName": .string(group.displayName), "description": .null, "groupTypes": .array([]),
         "mail": .null, "mailEnabled": .bool(false), "mailNickname": .string(group.displayName.filter { $0.isASCII && !$0.isWhitespace && $0 != "@" }),
         "securityEnabled": .bool(true), "visibility": .null, "isAssignableToRole": .bool(false)]
    }

    /// The key a `$ref` body's `@odata.id` names: `…/directoryObjects/{id}` or `…/users/{id}` (Graph docs "Add members"),
    /// on Graph's v1.0 root: `https://graph.microsoft.com/v1.0/…` or this server's own (`root`). A reference to any other
    /// host or version is refused with Graph's text ("Invalid URL format specified in payload.",
    /// msgraph-sdk-dotnet#1846), never read for its last segment alone.
    static func reference(_ body: [String: JSONValue], root: String) throws(GraphError) -> String {
        guard let url = body["@odata.id"]?.string, url.utf8.count <= 1024 else { throw .badRequest("The request needs an '@odata.id' reference.") }
        let roots = ["https://graph.microsoft.com/v1.0/", root.hasSuffix("/") ? root : root + "/"]
        guard roots.contains(where: { url.lowercased().hasPrefix($0.lowercased()) }) else {
            throw .badRequest("Invalid URL format specified in payload.")
        }
        let parts = url.split(separator: "/")
        guard parts.count >= 2, ["directoryobjects", "users", "groups"].contains(parts[parts.count - 2].lowercased()),
              let key = try? FormEncoding.decodePath(parts[parts.count - 1]) else {
            throw .badRequest("Invalid object identifier '\(url.prefix(200))'.")
        }
        return key
    }

    var groupRoutes: [Route] {
        [
            Route(.get, "groups", Self.groupRead) { call throws(GraphError) in
                try Self.collection(await self.state.tenant.groups.map(Self.groupObject), type: Self.groupType, entitySet: "groups", call: call)
            },
            Route(.get, "groups/{}", Self.groupRead) { call throws(GraphError) in
                guard let group = await self.state.graphGroup(call.parameters[0]) else { throw .notFound(call.parameters[0]) }
                return try Self.entity(Self.groupObject(group), type: Self.groupType, entitySet: "groups", call: call)
            },
            Route(.post, "groups", Self.groupCreate) { call throws(GraphError) in
                let body = try await Self.body(call)
                // `description` is accepted and not kept: the tenant's groups have none.
                try Self.allow(body, ["displayName", "mailEnabled", "mailNickname", "securityEnabled", "description", "groupTypes"], type: "group")
                let name = try Self.string(body, "displayName", resource: "Group")
                _ = try Self.string(body, "mailNickname", resource: "Group")
                guard body["mailEnabled"]?.bool == false, body["securityEnabled"]?.bool == true,
                      (body["groupTypes"]?.array ?? []).isEmpty else {
                    throw .badRequest("mock-entra serves security groups: mailEnabled false, securityEnabled true, no groupTypes.")
                }
                let group = try await self.state.createGroup(Tenant.Group(objectID: UUID().uuidString.lowercased(), displayName: name, members: []))
                return try Self.entity(Self.groupObject(group), type: Self.groupType, entitySet: "groups", call: call, status: .created)
            },
            Route(.patch, "groups/{}", Self.groupWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                try Self.allow(body, ["displayName"], type: "group")
                guard let group = await self.state.graphGroup(call.parameters[0]) else { throw .notFound(call.parameters[0]) }
                if body["displayName"] != nil {
                    try await self.state.renameGroup(group.objectID, to: try Self.string(body, "displayName", resource: "Group"))
                }
                return Self.noContent
            },
            Route(.delete, "groups/{}", Self.groupWrite) { call throws(GraphError) in
                try await self.state.deleteGroup(call.parameters[0])
                return Self.noContent
            },
            Route(.get, "groups/{}/members", Self.groupRead) { call throws(GraphError) in
                guard let group = await self.state.graphGroup(call.parameters[0]) else { throw .notFound(call.parameters[0]) }
                let tenant = await self.state.tenant
                let members = group.members.compactMap { tenant.user($0) }.map { user in
                    var object = Self.userObject(user)
                    object["@odata.type"] = .string("#microsoft.graph.user")
                    return object
                }
                return try Self.collection(members, type: Self.userType, entitySet: "directoryObjects", call: call)
            },
            Route(.post, "groups/{}/members/$ref", Self.memberWrite) { call throws(GraphError) in
                let key = try Self.reference(try await Self.body(call), root: call.root)
                try await self.state.addMember(group: call.parameters[0], user: key)
                return Self.noContent
            },
            Route(.delete, "groups/{}/members/{}/$ref", Self.memberWrite) { call throws(GraphError) in
                try await self.state.removeMember(group: call.parameters[0], user: call.parameters[1])
                return Self.noContent
            },
            Route(.get, "directoryObjects/{}", Self.directoryRead) { call throws(GraphError) in
                let id = call.parameters[0]
                if let user = await self.state.graphUser(id), user.objectID.lowercased() == id.lowercased() {
                    var object = Self.userObject(user)
                    object["@odata.type"] = .string("#microsoft.graph.user")
                    return try Self.entity(object, type: Self.userType, entitySet: "directoryObjects", call: call)
                }
                if let group = await self.state.graphGroup(id) {
                    var object = Self.groupObject(group)
                    object["@odata.type"] = .string("#microsoft.graph.group")
                    return try Self.entity(object, type: Self.groupType, entitySet: "directoryObjects", call: call)
                }
                if let sp = await self.servicePrincipals().first(where: { $0["id"]?.string == id.lowercased() }) {
                    var object = sp
                    object["@odata.type"] = .string("#microsoft.graph.servicePrincipal")
                    return try Self.entity(object, type: Self.servicePrincipalType, entitySet: "directoryObjects", call: call)
                }
                throw .notFound(id)
            },
        ]
    }
}
