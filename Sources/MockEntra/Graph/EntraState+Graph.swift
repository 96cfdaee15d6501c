import Foundation
import SAML

/// The directory writes of Microsoft Graph on mock-entra's tenant. Users are members of groups by UPN and groups
/// hold app role assignments by display name (the tenant's configuration format), so a rename carries through
/// memberships, assignments and Conditional Access, and a deletion leaves no dangling reference.
extension EntraState {
    /// A user by object ID or UPN (Graph's `users/{id | userPrincipalName}`).
    func graphUser(_ key: String) -> Tenant.User? {
        tenant.users.first { $0.objectID.lowercased() == key.lowercased() } ?? tenant.user(key)
    }

    func graphGroup(_ id: String) -> Tenant.Group? { tenant.groups.first { $0.objectID.lowercased() == id.lowercased() } }

    func createUser(_ user: Tenant.User) throws(GraphError) -> Tenant.User {
        guard tenant.user(user.userPrincipalName) == nil else {
            throw .badRequest("Another object with the same value for property userPrincipalName already exists.")
        }
        tenant.users.append(user)
        return user
    }

    /// Replaces a user (PATCH's result); a new UPN is carried into every group that names the old one.
    func replaceUser(_ id: String, with user: Tenant.User) throws(GraphError) {
        guard let index = tenant.users.firstIndex(where: { $0.objectID == id }) else { throw .notFound(id) }
        let old = tenant.users[index].userPrincipalName
        if old.lowercased() != user.userPrincipalName.lowercased(), tenant.user(user.userPrincipalName) != nil {
            throw .badRequest("Another object with the same value for property userPrincipalName already exists.")
        }
        tenant.users[index] = user
        renameMember(old, to: user.userPrincipalName)
    }

    func deleteUser(_ id: String) throws(GraphError) {
        guard let user = graphUser(id) else { throw .notFound(id) }
        tenant.users.removeAll { $0.objectID == user.objectID }
        renameMember(user.userPrincipalName, to: nil)
    }

    private func renameMember(_ upn: String, to new: String?) {
        let old = upn.lowercased()
        for index in tenant.groups.indices {
            tenant.groups[index].members = tenant.groups[index].members.compactMap { $0.lowercased() == old ? new : $0 }
            tenant.groups[index].eligibleMembers = tenant.groups[index].eligibleMembers.compactMap { $0.lowercased() == old ? new : $0 }
        }
        for index in tenant.conditionalAccess.indices {
            tenant.conditionalAccess[index].includeUsers = tenant.conditionalAccess[index].includeUsers?.compactMap { $0.lowercased() == old ? new : $0 }
            tenant.conditionalAccess[index].excludeUsers = tenant.conditionalAccess[index].excludeUsers?.compactMap { $0.lowercased() == old ? new : $0 }
        }
        for app in tenant.applications.indices {
            for key in tenant.applications[app].userAssignments.keys where key.lowercased() == old {
                let roles = tenant.applications[app].userAssignments.removeValue(forKey: key)
                if let new { tenant.applications[app].userAssignments[new] = roles }
            }
        }
        activations = activations.compactMap { activation in
            guard activation.user.lowercased() == old else { return activation }
            guard let new else { return nil }
            var renamed = activation
            renamed.user = new
            return renamed
        }
    }

    func createGroup(_ group: Tenant.Group) throws(GraphError) -> Tenant.Group {
        // Entra allows two groups of one name; mock-entra's tenant keys assignments and policies by name, so it refuses.
        guard tenant.group(group.displayName) == nil else {
            throw .badRequest("mock-entra keys groups by display name: a group named '\(group.displayName)' already exists.")
        }
        tenant.groups.append(group)
        return group
    }

    /// Renames a group everywhere it is named: app role assignments, Conditional Access, PIM activations.
    func renameGroup(_ id: String, to name: String) throws(GraphError) {
        guard let index = tenant.groups.firstIndex(where: { $0.objectID == id }) else { throw .notFound(id) }
        let old = tenant.groups[index].displayName
        guard old != name else { return }
        guard tenant.group(name) == nil else {
            throw .badRequest("mock-entra keys groups by display name: a group named '\(name)' already exists.")
        }
        tenant.groups[index].displayName = name
        for app in tenant.applications.indices {
            if let roles = tenant.applications[app].assignments.removeValue(forKey: old) { tenant.applications[app].assignments[name] = roles }
        }
        for policy in tenant.conditionalAccess.indices {
            tenant.conditionalAccess[policy].groups = tenant.conditionalAccess[policy].groups.map { $0 == old ? name : $0 }
            tenant.conditionalAccess[policy].excludeGroups = tenant.conditionalAccess[policy].excludeGroups?.map { $0 == old ? name : $0 }
        }
        for activation in activations.indices where activations[activation].group == old { activations[activation].group = name }
    }

    func deleteGroup(_ id: String) throws(GraphError) {
        guard let group = graphGroup(id) else { throw .notFound(id) }
        tenant.groups.removeAll { $0.objectID == group.objectID }
        for app in tenant.applications.indices { tenant.applications[app].assignments.removeValue(forKey: group.displayName) }
        for policy in tenant.conditionalAccess.indices {
            tenant.conditionalAccess[policy].groups.removeAll { $0 == group.displayName }
            tenant.conditionalAccess[policy].excludeGroups?.removeAll { $0 == group.displayName }
        }
        activations.removeAll { $0.group == group.displayName }
    }

    /// `groups/{id}/members/$ref`: adds a user (Graph's 400 when already a member).
    func addMember(group id: String, user key: String) throws(GraphError) {
        guard let index = tenant.groups.firstIndex(where: { $0.objectID.lowercased() == id.lowercased() }) else { throw .notFound(id) }
        guard let user = graphUser(key) else {
            if graphGroup(key) != nil { throw .badRequest("mock-entra's groups have users as members, not groups.") }
            throw .notFound(key)
        }
        guard !tenant.groups[index].members.contains(where: { $0.lowercased() == user.userPrincipalName.lowercased() }) else {
            throw .badRequest("One or more added object references already exist for the following modified properties: 'members'.")
        }
        tenant.groups[index].members.append(user.userPrincipalName)
    }

    func removeMember(group id: String, user key: String) throws(GraphError) {
        guard let index = tenant.groups.firstIndex(where: { $0.objectID.lowercased() == id.lowercased() }) else { throw .notFound(id) }
        guard let user = graphUser(key),
              tenant.groups[index].members.contains(where: { $0.lowercased() == user.userPrincipalName.lowercased() }) else { throw .notFound(key) }
        tenant.groups[index].members.removeAll { $0.lowercased() == user.userPrincipalName.lowercased() }
    }

    /// `servicePrincipals/{id}/appRoleAssignedTo`: assigns one of the app's roles to a group (issued to its members)
    /// or to a user directly (``Tenant/roleValues(for:application:activations:at:)``).
    func assignAppRole(appID: String, principal id: String, role: String) throws(GraphError) {
        guard let app = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw .notFound(appID) }
        guard let roleID = tenant.applications[app].appRoles.first(where: { $0.id.lowercased() == role.lowercased() })?.id else {
            // Graph's text for an appRoleId the resource does not define.
            throw .badRequest("Permission being assigned was not found on application")
        }
        let duplicate = GraphError.badRequest("Permission being assigned already exists on the object")
        if let group = graphGroup(id) {
            var roles = tenant.applications[app].assignments[group.displayName] ?? []
            guard !roles.contains(roleID) else { throw duplicate }
            roles.append(roleID)
            tenant.applications[app].assignments[group.displayName] = roles
        } else if let user = graphUser(id), user.objectID.lowercased() == id.lowercased() {
            guard !tenant.applications[app].directRoles(of: user.userPrincipalName).contains(roleID) else { throw duplicate }
            let key = tenant.applications[app].userAssignments.keys.first { $0.lowercased() == user.userPrincipalName.lowercased() }
                ?? user.userPrincipalName
            tenant.applications[app].userAssignments[key, default: []].append(roleID)
        } else {
            throw .notFound(id)
        }
    }

    /// Removes one assignment: `principal` is the group's display name or the user's UPN, as `type` says.
    func removeAppRole(appID: String, principal name: String, type: String, role: String) throws(GraphError) {
        guard let app = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw .notFound(role) }
        if type == "Group" {
            guard var roles = tenant.applications[app].assignments[name], roles.contains(role) else { throw .notFound(role) }
            roles.removeAll { $0 == role }
            tenant.applications[app].assignments[name] = roles.isEmpty ? nil : roles
        } else {
            for key in tenant.applications[app].userAssignments.keys where key.lowercased() == name.lowercased() {
                tenant.applications[app].userAssignments[key]?.removeAll { $0 == role }
                if tenant.applications[app].userAssignments[key]?.isEmpty == true { tenant.applications[app].userAssignments[key] = nil }
            }
        }
    }
}
