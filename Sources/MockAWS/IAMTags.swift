import AWSFederation
import Foundation
import Hummingbird
import SAML

/// Tags on IAM roles and users (IAM User Guide, "Tagging IAM resources"; IAM API Reference, `Tag`): at most 50 per
/// resource, keys of 1-128 and values of 0-256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, keys compared without
/// regard to case ("Duplicate tag keys found. Please note that Tag keys are case insensitive."), `aws:` keys reserved.
/// They are what `aws:ResourceTag/…` and `iam:ResourceTag/…` read on a role or user, what `aws:PrincipalTag/…` reads
/// for a user and for a role's sessions (where session tags with the same key win), and `aws:RequestTag/…` with
/// `aws:TagKeys` on the calls that set them.
public struct IAMTag: Sendable, Hashable {
    public var key: String
    public var value: String
}

enum IAMTags {
    static let maxPerResource = 50

    /// The `Tags.member.N.Key` / `.Value` (or `TagKeys.member.N`) parameters of a call, in order, checked.
    static func parse(_ p: [String: String]) throws(AWSError) -> [IAMTag] {
        var tags: [IAMTag] = []
        while let key = p["Tags.member.\(tags.count + 1).Key"] {
            guard tags.count < maxPerResource else { throw tooMany }
            let value = p["Tags.member.\(tags.count + 1).Value"] ?? ""
            try check(key: key, value: value, index: tags.count + 1)
            guard !tags.contains(where: { $0.key.lowercased() == key.lowercased() }) else {
                throw AWSError(code: "InvalidInput", message: "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
            }
            tags.append(IAMTag(key: key, value: value))
        }
        return tags
    }

    static func keys(_ p: [String: String]) throws(AWSError) -> [String] {
        var keys: [String] = []
        while let key = p["TagKeys.member.\(keys.count + 1)"] {
            guard keys.count < maxPerResource else { throw tooMany }
            keys.append(key)
        }
        guard !keys.isEmpty else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
        }
        return keys
    }

    static var tooMany: AWSError {
        AWSError(code: "LimitExceeded", message: "The number of tags has reached the maximum limit.", httpStatus: 409)
    }

    static func check(key: String, value: String, index: Int) throws(AWSError) {
        guard (1...128).contains(key.count), SessionTags.isTagText(key) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(key)' at 'tags.\(index).member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+")
        }
        guard value.count <= 256, SessionTags.isTagText(value) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(value)' at 'tags.\(index).member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw AWSError(code: "InvalidInput", message: "User does not have permission to create tags with the 'aws:' prefix.")
        }
    }

    /// `existing` with `added` merged in (a key in any case replaces the tag), within the quota.
    static func merge(_ existing: [IAMTag], _ added: [IAMTag]) throws(AWSError) -> [IAMTag] {
        var result = existing
        for tag in added {
            if let index = result.firstIndex(where: { $0.key.lowercased() == tag.key.lowercased() }) { result[index] = tag } else { result.append(tag) }
        }
        guard result.count <= maxPerResource else { throw tooMany }
        return result
    }

    static func xml(_ tags: [IAMTag]) -> String {
        tags.map { "<member><Key>\(MockAWS.escape($0.key))</Key><Value>\(MockAWS.escape($0.value))</Value></member>" }.joined()
    }

    /// The condition keys a call's tags set: `aws:RequestTag/KEY` and `aws:TagKeys`.
    static func requestContext(_ tags: [IAMTag], keys: [String] = []) -> [String: [String]] {
        var context: [String: [String]] = [:]
        for tag in tags { context["aws:RequestTag/\(tag.key)"] = [tag.value] }
        let all = tags.map(\.key) + keys
        if !all.isEmpty { context["aws:TagKeys"] = all }
        return context
    }

    /// `aws:ResourceTag/KEY` and `iam:ResourceTag/KEY` of a tagged role or user.
    static func resourceContext(_ tags: [IAMTag]) -> [String: [String]] {
        var context: [String: [String]] = [:]
        for tag in tags {
            context["aws:ResourceTag/\(tag.key)"] = [tag.value]
            context["iam:ResourceTag/\(tag.key)"] = [tag.value]
        }
        return context
    }
}

extension MockAWS {
    /// TagRole, UntagRole, ListRoleTags, TagUser, UntagUser, ListUserTags.
    func iamTagging(_ action: String, _ p: [String: String], requestID: String) async throws(AWSError) -> Response? {
        guard ["TagRole", "UntagRole", "ListRoleTags", "TagUser", "UntagUser", "ListUserTags"].contains(action) else { return nil }
        let isRole = action.hasSuffix("Role") || action == "ListRoleTags"
        let name = try required(p, isRole ? "RoleName" : "UserName")
        if isRole {
            guard await state.roles.contains(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
        } else {
            guard await state.users[name] != nil else { throw Self.noSuchUser(name) }
        }
        let resource = isRole ? "role:" + name : "user:" + name
        switch action {
        case "TagRole", "TagUser":
            let added = try IAMTags.parse(p)
            guard !added.isEmpty else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
            }
            try await state.withTags { (tags) throws(AWSError) in tags[resource] = try IAMTags.merge(tags[resource] ?? [], added) }
            return Self.empty(action, namespace: Self.iamNamespace, requestID: requestID)
        case "UntagRole", "UntagUser":
            let keys = Set(try IAMTags.keys(p).map { $0.lowercased() })
            try await state.withTags { (tags) throws(AWSError) in tags[resource]?.removeAll { keys.contains($0.key.lowercased()) } }
            return Self.empty(action, namespace: Self.iamNamespace, requestID: requestID)
        default:
            let (page, next) = try IAMPaging.page(await state.iamTags[resource] ?? [], p, marker: { $0.key })
            return Self.xml(action, namespace: Self.iamNamespace, requestID: requestID, result: "<Tags>\(IAMTags.xml(page))</Tags>" + IAMPaging.truncation(next))
        }
    }
}

extension AWSState {
    /// Runs `body` on the tags of roles (`role:NAME`) and users (`user:NAME`) (one actor turn).
    func withTags<T>(_ body: (inout [String: [IAMTag]]) throws(AWSError) -> T) throws(AWSError) -> T {
        try body(&iamTags)
    }
}
