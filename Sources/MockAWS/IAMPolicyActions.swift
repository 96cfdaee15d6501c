import AWSFederation
import Foundation
import Hummingbird
import SAML

/// IAM's permission-policy actions: customer managed policies and their versions, attachments to roles and users,
/// inline role and user policies. Shapes follow botocore's IAM service model; documents in Get answers are
/// URL-encoded JSON (RFC 3986), as IAM returns them.
extension MockAWS {
    func iamPolicy(_ action: String, _ p: [String: String], requestID: String) async throws(AWSError) -> Response? {
        let ns = Self.iamNamespace
        let now = clock.now
        func ok(_ result: String) -> Response { Self.xml(action, namespace: ns, requestID: requestID, result: result) }
        func done() -> Response { Self.empty(action, namespace: ns, requestID: requestID) }
        switch action {
        case "CreatePolicy":
            let name = try required(p, "PolicyName"), document = try required(p, "PolicyDocument")
            let description = p["Description"]
            // A character XML cannot carry would make every later GetPolicy unreadable.
            if let description, description.count > 1000 || !description.unicodeScalars.allSatisfy(Self.isXMLCharacter) {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
            }
            let policy = try await state.withPolicies { (store) throws(AWSError) in
                try store.create(name: name, path: p["Path"] ?? "/", document: document, description: description, now: now)
            }
            return ok("<Policy>\(await policyXML(policy, description: true))</Policy>")

        case "GetPolicy":
            let policy = try await state.policies.requirePolicy(try required(p, "PolicyArn"))
            return ok("<Policy>\(await policyXML(policy, description: true))</Policy>")

        case "ListPolicies":
            let scope = p["Scope"] ?? "All"
            guard ["All", "AWS", "Local"].contains(scope) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(scope)' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]")
            }
            let onlyAttached = p["OnlyAttached"]?.lowercased() == "true"
            let prefix = try IAMPaging.pathPrefix(p)
            let store = await state.policies
            let matching = store.managed.values.sorted(by: { $0.name == $1.name ? $0.arn < $1.arn : $0.name < $1.name }).filter { policy in
                (scope == "All" || (scope == "AWS") == policy.isAWSManaged) && policy.path.hasPrefix(prefix)
                    && (!onlyAttached || store.attachmentCount(policy.arn) > 0)
            }
            let (page, next) = try IAMPaging.page(matching, p, marker: { $0.arn })
            let members = page.map { "<member>\(policyXML($0, store: store, description: false))</member>" }.joined()
            return ok(IAMPaging.truncation(next) + "<Policies>\(members)</Policies>")

        case "GetPolicyVersion":
            let arn = try required(p, "PolicyArn"), id = try required(p, "VersionId")
            let policy = try await state.policies.requirePolicy(arn)
            guard let version = policy.versions.first(where: { $0.id == id }) else { throw IAMPolicyStore.noSuchVersion(arn, id) }
            return ok("<PolicyVersion>\(Self.versionXML(version, isDefault: version.id == policy.defaultVersionID, document: true))</PolicyVersion>")

        case "ListPolicyVersions":
            let policy = try await state.policies.requirePolicy(try required(p, "PolicyArn"))
            let (page, next) = try IAMPaging.page(Array(policy.versions.reversed()), p, marker: { $0.id })
            let members = page.map {
                "<member>\(Self.versionXML($0, isDefault: $0.id == policy.defaultVersionID, document: false))</member>"
            }.joined()
            return ok(IAMPaging.truncation(next) + "<Versions>\(members)</Versions>")

        case "CreatePolicyVersion":
            let arn = try required(p, "PolicyArn"), document = try required(p, "PolicyDocument")
            let setAsDefault = p["SetAsDefault"]?.lowercased() == "true"
            let version = try await state.withPolicies { (store) throws(AWSError) in
                try store.createVersion(arn, document: document, setAsDefault: setAsDefault, now: now)
            }
            return ok("<PolicyVersion>\(Self.versionXML(version, isDefault: setAsDefault, document: false))</PolicyVersion>")

        case "SetDefaultPolicyVersion":
            let arn = try required(p, "PolicyArn"), id = try required(p, "VersionId")
            try await state.withPolicies { (store) throws(AWSError) in try store.setDefaultVersion(arn, id, now: now) }
            return done()

        case "DeletePolicyVersion":
            let arn = try required(p, "PolicyArn"), id = try required(p, "VersionId")
            try await state.withPolicies { (store) throws(AWSError) in try store.deleteVersion(arn, id) }
            return done()

        case "DeletePolicy":
            let arn = try required(p, "PolicyArn")
            try await state.withPolicies { (store) throws(AWSError) in try store.delete(arn) }
            return done()

        case "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy":
            let (kind, name) = try await principal(action, p)
            let arn = try required(p, "PolicyArn")
            let attach = action.hasPrefix("Attach")
            try await state.withPolicies { (store) throws(AWSError) in
                if attach { try store.attach(arn, to: name, kind) } else { try store.detach(arn, from: name, kind) }
            }
            return done()

        case "ListAttachedRolePolicies", "ListAttachedUserPolicies", "ListAttachedGroupPolicies":
            let (kind, name) = try await principal(action, p)
            let prefix = try IAMPaging.pathPrefix(p)
            let policies = await state.policies.attached(to: name, kind).filter { $0.path.hasPrefix(prefix) }
            let (page, more) = try IAMPaging.page(policies, p, marker: { $0.arn })
            let members = page.map {
                "<member><PolicyName>\(Self.escape($0.name))</PolicyName><PolicyArn>\(Self.escape($0.arn))</PolicyArn></member>"
            }.joined()
            return ok(IAMPaging.truncation(more) + "<AttachedPolicies>\(members)</AttachedPolicies>")

        case "PutRolePolicy", "PutUserPolicy", "PutGroupPolicy":
            let (kind, name) = try await principal(action, p)
            let policyName = try required(p, "PolicyName"), document = try required(p, "PolicyDocument")
            try await state.withPolicies { (store) throws(AWSError) in try store.putInline(policyName, document: document, on: name, kind) }
            return done()

        case "GetRolePolicy", "GetUserPolicy", "GetGroupPolicy":
            let (kind, name) = try await principal(action, p)
            let policyName = try required(p, "PolicyName")
            let document = try await state.policies.inline(policyName, on: name, kind)
            let element = IAMPaging.nameParameter(kind)
            return ok("<\(element)>\(Self.escape(name))</\(element)>"
                + "<PolicyName>\(Self.escape(policyName))</PolicyName><PolicyDocument>\(FormEncoding.encode(document.document))</PolicyDocument>")

        case "ListRolePolicies", "ListUserPolicies", "ListGroupPolicies":
            let (kind, name) = try await principal(action, p)
            let (page, more) = try IAMPaging.page(await state.policies.inlineNames(on: name, kind), p, marker: { $0 })
            let members = page.map { "<member>\(Self.escape($0))</member>" }.joined()
            return ok(IAMPaging.truncation(more) + "<PolicyNames>\(members)</PolicyNames>")

        case "DeleteRolePolicy", "DeleteUserPolicy", "DeleteGroupPolicy":
            let (kind, name) = try await principal(action, p)
            let policyName = try required(p, "PolicyName")
            try await state.withPolicies { (store) throws(AWSError) in try store.deleteInline(policyName, on: name, kind) }
            return done()

        case "PutRolePermissionsBoundary", "PutUserPermissionsBoundary", "DeleteRolePermissionsBoundary", "DeleteUserPermissionsBoundary":
            let (kind, name) = try await principal(action, p)
            let arn = action.hasPrefix("Put") ? try required(p, "PermissionsBoundary") : nil
            if arn == nil, await state.policies.boundary(of: name, kind) == nil {
                throw AWSError(code: "NoSuchEntity", message: "The \(kind.word) with name \(name) does not have a permissions boundary.", httpStatus: 404)
            }
            try await state.withPolicies { (store) throws(AWSError) in try store.setBoundary(arn, on: name, kind) }
            return done()

        default:
            return nil
        }
    }

    /// The role, user or group an action names (by its `RoleName`, `UserName` or `GroupName`), which must exist.
    private func principal(_ action: String, _ p: [String: String]) async throws(AWSError) -> (IAMPolicyStore.PrincipalKind, String) {
        let kind: IAMPolicyStore.PrincipalKind = action.contains("Role") ? .role : action.contains("Group") ? .group : .user
        let name = try required(p, IAMPaging.nameParameter(kind))
        switch kind {
        case .role: guard await state.roles.contains(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
        case .user: guard await state.users[name] != nil else { throw Self.noSuchUser(name) }
        case .group: guard await state.groups[name] != nil else { throw Self.noSuchGroup(name) }
        }
        return (kind, name)
    }

    private func policyXML(_ policy: IAMPolicyStore.ManagedPolicy, description: Bool) async -> String {
        policyXML(policy, store: await state.policies, description: description)
    }

    /// IAM's `Policy` shape (ListPolicies leaves out the description, as IAM does).
    private func policyXML(_ policy: IAMPolicyStore.ManagedPolicy, store: IAMPolicyStore, description: Bool) -> String {
        "<PolicyName>\(Self.escape(policy.name))</PolicyName><DefaultVersionId>\(policy.defaultVersionID)</DefaultVersionId>"
            + "<PolicyId>\(policy.policyID)</PolicyId><Path>\(Self.escape(policy.path))</Path><Arn>\(Self.escape(policy.arn))</Arn>"
            + "<AttachmentCount>\(store.attachmentCount(policy.arn))</AttachmentCount><PermissionsBoundaryUsageCount>\(store.boundaryUsageCount(policy.arn))</PermissionsBoundaryUsageCount>"
            + "<IsAttachable>true</IsAttachable>"
            + (description ? policy.description.map { "<Description>\(Self.escape($0))</Description>" } ?? "" : "")
            + "<CreateDate>\(Self.isoSeconds(policy.createDate))</CreateDate><UpdateDate>\(Self.isoSeconds(policy.updateDate))</UpdateDate>"
    }

    /// IAM's `PolicyVersion` shape: the document only in GetPolicyVersion, URL-encoded.
    private static func versionXML(_ version: IAMPolicyStore.Version, isDefault: Bool, document: Bool) -> String {
        (document ? "<Document>\(FormEncoding.encode(version.document.document))</Document>" : "")
            + "<VersionId>\(version.id)</VersionId><IsDefaultVersion>\(isDefault)</IsDefaultVersion>"
            + "<CreateDate>\(isoSeconds(version.createDate))</CreateDate>"
    }
}
