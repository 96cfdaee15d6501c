import AWSFederation
import Foundation
import Hummingbird
import SAML

/// An IAM group: users who share its policies (IAM User Guide, "IAM user groups"). A group is not a principal: it
/// cannot sign requests, only pass its policies to its members.
public struct IAMGroup: Sendable {
    public var name: String
    public var path: String
    /// `AGPA…`, 21 characters, as IAM's group IDs.
    public var id: String
    public var created: Date
    /// Member user names, in the order they were added.
    public var members: [String]
}

/// IAM's list paging (`MaxItems`, `Marker`, `IsTruncated`; IAM API Reference, "Common parameters" of the List
/// actions): at most `MaxItems` (1 to 1,000, default 100) entries, and an opaque marker to continue after the last.
enum IAMPaging {
    static func page<T>(_ items: [T], _ p: [String: String], marker key: (T) -> String) throws(AWSError) -> (page: [T], next: String?) {
        var maxItems = 100
        if let text = p["MaxItems"] {
            guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text), (1...1000).contains(value) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(text)' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")
            }
            maxItems = value
        }
        var start = 0
        if let marker = p["Marker"] {
            // The marker names the next position and the last entry returned: resumed after that entry while it is
            // listed, at the position when it has gone (a list-and-delete loop deletes what it was given).
            guard let text = Data(base64Encoded: marker).flatMap({ String(data: $0, encoding: .utf8) }),
                  let newline = text.firstIndex(of: "\n"), let position = Int(text[..<newline]), position >= 0 else {
                throw AWSError(code: "ValidationError", message: "Invalid Marker: \(marker)")
            }
            let last = String(text[text.index(after: newline)...])
            if let index = items.firstIndex(where: { key($0) == last }) {
                start = index + 1
            } else if zip(items, items.dropFirst()).allSatisfy({ key($0) < key($1) }) {
                start = items.firstIndex { last < key($0) } ?? items.count  // a list in name order: the next name
            } else {
                start = min(max(position - 1, 0), items.count)  // the entries after the deleted one moved up by one
            }
        }
        let page = Array(items[start...].prefix(maxItems))
        let more = start + page.count < items.count
        return (page, more ? page.last.map { Data("\(start + page.count)\n\(key($0))".utf8).base64EncodedString() } : nil)
    }

    /// `PathPrefix` (botocore: `pathPrefixType`, `\u002F[\u0021-\u007F]*`, at most 512 characters); `/` when absent.
    static func pathPrefix(_ p: [String: String]) throws(AWSError) -> String {
        guard let prefix = p["PathPrefix"] else { return "/" }
        guard prefix.hasPrefix("/"), prefix.count <= 512, prefix.unicodeScalars.allSatisfy({ (0x21...0x7F).contains($0.value) }) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(prefix)' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*")
        }
        return prefix
    }

    /// `<IsTruncated>` and, when there is more, `<Marker>`.
    static func truncation(_ next: String?) -> String {
        next.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" } ?? "<IsTruncated>false</IsTruncated>"
    }

    /// The parameter that names a principal of `kind`.
    static func nameParameter(_ kind: IAMPolicyStore.PrincipalKind) -> String {
        switch kind { case .role: return "RoleName"; case .user: return "UserName"; case .group: return "GroupName" }
    }
}

extension MockAWS {
    static func noSuchGroup(_ name: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: "The group with name \(name) cannot be found.", httpStatus: 404)
    }

    static func groupXML(_ group: IAMGroup, account: String) -> String {
        "<Path>\(escape(group.path))</Path><GroupName>\(escape(group.name))</GroupName><GroupId>\(group.id)</GroupId>"
            + "<Arn>arn:aws:iam::\(account):group\(escape(group.path))\(escape(group.name))</Arn><CreateDate>\(isoSeconds(group.created))</CreateDate>"
    }

    /// Groups and membership, UpdateRole and UpdateAssumeRolePolicy; shapes and texts from IAM's service model.
    func iamGroups(_ action: String, _ p: [String: String], requestID: String) async throws(AWSError) -> Response? {
        let ns = Self.iamNamespace
        let account = state.account
        func ok(_ result: String) -> Response { Self.xml(action, namespace: ns, requestID: requestID, result: result) }
        func done() -> Response { Self.empty(action, namespace: ns, requestID: requestID) }
        func group(_ name: String) async throws(AWSError) -> IAMGroup {
            guard let group = await state.groups[name] else { throw Self.noSuchGroup(name) }
            return group
        }
        switch action {
        case "CreateGroup":
            let name = try required(p, "GroupName")
            try IAMPolicyStore.checkName(name, "groupName", max: 128)
            let path = p["Path"] ?? "/"
            try IAMPolicyStore.checkPath(path)
            let now = clock.now
            let created = try await state.withGroups { (groups) throws(AWSError) in
                // Names are unique without regard to case, as for users and roles.
                guard !groups.keys.contains(where: { $0.lowercased() == name.lowercased() }) else {
                    throw AWSError(code: "EntityAlreadyExists", message: "Group with name \(name) already exists.", httpStatus: 409)
                }
                let group = IAMGroup(name: name, path: path, id: "AGPA" + AWSState.randomID(17), created: now, members: [])
                groups[name] = group
                return group
            }
            return ok("<Group>\(Self.groupXML(created, account: account))</Group>")

        case "GetGroup":
            let found = try await group(try required(p, "GroupName"))
            let (page, next) = try IAMPaging.page(found.members, p, marker: { $0 })
            var users = ""
            for name in page {
                guard let id = await state.users[name] else { continue }
                users += "<member><Path>\(Self.escape(await state.userPaths[name] ?? "/"))</Path><UserName>\(Self.escape(name))</UserName><UserId>\(id)</UserId>"
                    + "<Arn>\(Self.escape(await state.userARN(name)))</Arn><CreateDate>\(Self.isoSeconds(await state.createDate(await state.userARN(name))))</CreateDate></member>"
            }
            return ok("<Group>\(Self.groupXML(found, account: account))</Group><Users>\(users)</Users>" + IAMPaging.truncation(next))

        case "ListGroups":
            let prefix = try IAMPaging.pathPrefix(p)
            let all = await state.groups.values.filter { $0.path.hasPrefix(prefix) }.sorted { $0.name < $1.name }
            let (page, next) = try IAMPaging.page(all, p, marker: { $0.name })
            return ok("<Groups>\(page.map { "<member>\(Self.groupXML($0, account: account))</member>" }.joined())</Groups>" + IAMPaging.truncation(next))

        case "ListGroupsForUser":
            let user = try required(p, "UserName")
            guard await state.users[user] != nil else { throw Self.noSuchUser(user) }
            let all = await state.groups.values.filter { $0.members.contains(user) }.sorted { $0.name < $1.name }
            let (page, next) = try IAMPaging.page(all, p, marker: { $0.name })
            return ok("<Groups>\(page.map { "<member>\(Self.groupXML($0, account: account))</member>" }.joined())</Groups>" + IAMPaging.truncation(next))

        case "AddUserToGroup", "RemoveUserFromGroup":
            let name = try required(p, "GroupName"), user = try required(p, "UserName")
            _ = try await group(name)
            guard await state.users[user] != nil else { throw Self.noSuchUser(user) }
            let add = action == "AddUserToGroup"
            try await state.withGroups { (groups) throws(AWSError) in
                guard var found = groups[name] else { throw Self.noSuchGroup(name) }
                if add {
                    // IAM's quota: a user is in at most 10 groups ("IAM and AWS STS quotas"); adding twice changes nothing.
                    guard !found.members.contains(user) else { return }
                    guard groups.values.filter({ $0.members.contains(user) }).count < 10 else {
                        throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for GroupsPerUser: 10", httpStatus: 409)
                    }
                    found.members.append(user)
                } else {
                    guard found.members.contains(user) else {
                        throw AWSError(code: "NoSuchEntity", message: "The user with name \(user) cannot be found.", httpStatus: 404)
                    }
                    found.members.removeAll { $0 == user }
                }
                groups[name] = found
            }
            return done()

        case "DeleteGroup":
            let name = try required(p, "GroupName")
            let found = try await group(name)
            // IAM refuses while the group has members or policies (IAM User Guide, "Deleting an IAM group").
            guard found.members.isEmpty else {
                throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must remove users from group first.", httpStatus: 409)
            }
            guard await !state.policies.hasPolicies(name, .group) else {
                throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must delete policies first.", httpStatus: 409)
            }
            try await state.withGroups { (groups) throws(AWSError) in groups[name] = nil }
            return done()

        case "UpdateRole":
            let name = try required(p, "RoleName")
            guard var role = await state.roles.first(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
            if let text = p["MaxSessionDuration"] {
                guard let seconds = Int(text), (3600...43_200).contains(seconds) else {
                    throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(text)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")
                }
                role.maxSessionDuration = seconds
            }
            if let description = p["Description"] { try Self.checkRoleDescription(description) }
            let updated = role
            await state.updateRole(updated, description: p["Description"])
            return ok("")

        case "UpdateAssumeRolePolicy":
            let name = try required(p, "RoleName")
            guard var role = await state.roles.first(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
            // The same grammar and checks as CreateRole's AssumeRolePolicyDocument, and IAM's quota on its size.
            let document = try required(p, "PolicyDocument")
            try Self.checkTrustPolicySize(document)
            role.trustPolicy = try TrustPolicy(json: document)
            let updated = role
            await state.updateRole(updated, description: nil)
            return done()

        default:
            return nil
        }
    }
}

extension MockAWS {
    /// IAM's quota on a role's trust policy: 2,048 characters without whitespace by default (IAM User Guide, "IAM and
    /// AWS STS quotas": "Role trust policy length"; the error names it ACLSizePerRole).
    static func checkTrustPolicySize(_ document: String) throws(AWSError) {
        guard document.unicodeScalars.filter({ !$0.properties.isWhitespace }).count <= 2048 else {
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for ACLSizePerRole: 2048", httpStatus: 409)
        }
    }
}

extension AWSState {
    /// Runs `body` on the groups (one actor turn).
    func withGroups<T>(_ body: (inout [String: IAMGroup]) throws(AWSError) -> T) throws(AWSError) -> T {
        try body(&groups)
    }

    /// Replaces a role's settings (same ARN and unique ID), and its description when one is given.
    func updateRole(_ role: IAMRole, description: String?) {
        guard let index = roles.firstIndex(where: { $0.arn == role.arn }) else { return }
        replaceRole(at: index, with: role)
        if let description { roleDescriptions[role.name] = description }
    }
}
