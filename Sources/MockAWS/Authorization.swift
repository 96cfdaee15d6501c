import AWSFederation
import Foundation
import SAML

/// Who signed a request: an IAM user, or an STS session of a role, with what IAM evaluates for it.
public struct Caller: Sendable {
    public enum Kind: Sendable, Hashable {
        case user(name: String)
        case assumedRole(role: String, session: String)
    }
    public var kind: Kind
    /// `arn:aws:iam::ACCOUNT:user/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public var arn: String
    /// `AIDA…` for a user, `AROA…:SESSION` for a role session.
    public var userID: String
    public var account: String
    package var credentials: SigV4.Credentials
    /// Session policies passed when the role was assumed (`nil`: none, which limits nothing).
    public var sessionPolicies: [PolicySource]? = nil
    /// Session tags, as `aws:PrincipalTag/KEY`.
    public var principalTags: [String: String] = [:]
    /// When a session's credentials were issued (`aws:TokenIssueTime`); `nil` for long-term keys.
    public var tokenIssueTime: Date? = nil
    /// The role's unique ID when the session was issued.
    public var roleUniqueID: String? = nil

    /// The ARN IAM names as `aws:PrincipalArn`: the role's for a role session (IAM User Guide, "AWS global condition
    /// context keys").
    public var principalARN: String {
        switch kind {
        case .user: return arn
        case .assumedRole(let role, _): return "arn:aws:iam::\(account):role/\(role)"
        }
    }
}

/// What an API call is authorized against: the IAM action, the resource ARN the policies are evaluated with, and what
/// AWS prints after "on resource:" in its denial (real AWS prints `role NAME` for some IAM actions and no resource for
/// actions without one; IAM's Service Authorization Reference and real AccessDenied messages).
struct Authorization: Sendable {
    var action: String
    var resource: String
    var shownResource: String?
    var context: [String: [String]] = [:]
}

extension MockAWS {
    /// Evaluates `caller`'s identity-based (and session) policies for `authorization`; throws AWS's `AccessDenied`
    /// (403) with AWS's text when they do not allow it.
    func authorize(_ caller: Caller, _ authorization: Authorization, sourceIP: String, userAgent: String? = nil) async throws(AWSError) {
        let evaluation = await evaluate(caller, authorization, sourceIP: sourceIP, userAgent: userAgent)
        guard evaluation.isAllowed else {
            logger.notice("access denied", metadata: ["caller": "\(caller.arn)", "action": "\(authorization.action)", "decision": "\(evaluation.decision.rawValue)"])
            throw AWSError(code: "AccessDenied", message: PolicyEvaluator.accessDeniedMessage(
                caller: caller.arn, action: authorization.action, shownResource: authorization.shownResource, evaluation: evaluation),
                           httpStatus: 403)
        }
    }

    /// What `caller`'s identity-based (and session) policies, within its permissions boundary, decide for `authorization`, with the request's global
    /// condition keys: what ``authorize(_:_:sourceIP:userAgent:)`` enforces and the console page shows.
    func evaluate(_ caller: Caller, _ authorization: Authorization, sourceIP: String, userAgent: String? = nil) async -> PolicyEvaluation {
        var context = await principalContext(caller, sourceIP: sourceIP).merging(authorization.context) { $1 }
        if let userAgent { context["aws:UserAgent"] = [userAgent] }
        let request = AuthorizationRequest(action: authorization.action, resource: authorization.resource, context: context)
        return PolicyEvaluator.evaluate(request, identity: await state.identityPolicies(of: caller), session: caller.sessionPolicies,
                                        boundary: await state.permissionsBoundary(of: caller))
    }

    /// The global condition keys of a request (IAM User Guide, "AWS global condition context keys").
    func requestContext(_ caller: Caller, sourceIP: String) -> [String: [String]] {
        let now = clock.now
        var context: [String: [String]] = [
            "aws:PrincipalArn": [caller.principalARN], "aws:PrincipalAccount": [caller.account], "aws:userid": [caller.userID],
            "aws:SourceIp": [sourceIP], "aws:CurrentTime": [SAMLInstant.format(now)],
            "aws:EpochTime": [String(Int(now.timeIntervalSince1970))], "aws:SecureTransport": ["false"],
            "aws:RequestedRegion": [region], "aws:ResourceAccount": [caller.account],
            "aws:PrincipalIsAWSService": ["false"], "aws:ViaAWSService": ["false"],
        ]
        if let issued = caller.tokenIssueTime { context["aws:TokenIssueTime"] = [SAMLInstant.format(issued)] }
        switch caller.kind {
        case .user(let name):
            context["aws:username"] = [name]
            context["aws:PrincipalType"] = ["User"]
        case .assumedRole:
            context["aws:PrincipalType"] = ["AssumedRole"]
        }
        for (key, value) in caller.principalTags { context["aws:PrincipalTag/\(key)"] = [value] }
        return context
    }

    /// ``requestContext(_:sourceIP:)`` with the principal's IAM tags as `aws:PrincipalTag/…`: a user's tags, or the
    /// role's for a role session, where session tags with the same key win (IAM User Guide, "Passing session tags
    /// in AWS STS": "session tags override a role tag with the same key").
    func principalContext(_ caller: Caller, sourceIP: String) async -> [String: [String]] {
        var context = requestContext(caller, sourceIP: sourceIP)
        let resource: String
        switch caller.kind {
        case .user(let name): resource = "user:" + name
        case .assumedRole(let role, _): resource = "role:" + role
        }
        let sessionKeys = Set(caller.principalTags.keys.map { $0.lowercased() })
        for tag in await state.iamTags[resource] ?? [] where !sessionKeys.contains(tag.key.lowercased()) {
            context["aws:PrincipalTag/\(tag.key)"] = [tag.value]
        }
        return context
    }

    /// The resource an IAM query action is authorized against, from its parameters (IAM's Service Authorization
    /// Reference for the resource types; real AccessDenied messages for what AWS prints).
    func iamAuthorization(_ action: String, _ p: [String: String], caller: Caller? = nil) async -> Authorization {
        var authorization = await iamResource(action, p, caller: caller)
        // Tags: those of the role or user acted on, and those the call sets or removes.
        let tags = await state.iamTags
        if let role = p["RoleName"], action != "CreateRole" {
            authorization.context.merge(IAMTags.resourceContext(tags["role:" + role] ?? [])) { $1 }
        } else if let user = p["UserName"], action != "CreateUser" {
            authorization.context.merge(IAMTags.resourceContext(tags["user:" + user] ?? [])) { $1 }
        }
        // iam:PermissionsBoundary on the calls that change an entity's permissions is the boundary the entity has
        // (IAM Service Authorization Reference, condition keys for IAM; the CreateOrChangeOnlyWithBoundary delegation
        // example in "Permissions boundaries for IAM entities"); the Put…PermissionsBoundary and Create calls give it
        // in the request instead (set above).
        let boundaryActions: Set = ["AttachRolePolicy", "AttachUserPolicy", "DetachRolePolicy", "DetachUserPolicy", "PutRolePolicy",
                                    "PutUserPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "DeleteRolePermissionsBoundary",
                                    "DeleteUserPermissionsBoundary"]
        if boundaryActions.contains(action) {
            let kind: IAMPolicyStore.PrincipalKind = action.contains("Role") ? .role : .user
            if let name = p[kind == .role ? "RoleName" : "UserName"], let boundary = await state.policies.boundary(of: name, kind) {
                authorization.context["iam:PermissionsBoundary"] = [boundary.arn]
            }
        }
        let requested = (try? IAMTags.parse(p)) ?? []
        let removed = ["UntagRole", "UntagUser"].contains(action) ? ((try? IAMTags.keys(p)) ?? []) : []
        authorization.context.merge(IAMTags.requestContext(requested, keys: removed)) { $1 }
        return authorization
    }

    private func iamResource(_ action: String, _ p: [String: String], caller: Caller?) async -> Authorization {
        let account = state.account
        let iam = "iam:" + action
        // An existing role or user is authorized against its ARN with its path, as policies scoped by path expect.
        let roles = await state.roles
        let userPaths = await state.userPaths
        func role(_ name: String) -> Authorization {
            let arn = roles.first { $0.name == name }?.arn.description ?? "arn:aws:iam::\(account):role/\(name)"
            return Authorization(action: iam, resource: arn, shownResource: "role \(name)")
        }
        func user(_ name: String, shownAsARN: Bool = false) -> Authorization {
            let arn = "arn:aws:iam::\(account):user\(userPaths[name] ?? "/")\(name)"
            return Authorization(action: iam, resource: arn, shownResource: shownAsARN ? arn : "user \(name)")
        }
        switch action {
        case "CreateRole":
            let arn = "arn:aws:iam::\(account):role\(p["Path"] ?? "/")\(p["RoleName"] ?? "")"
            var authorization = Authorization(action: iam, resource: arn, shownResource: arn)
            if let boundary = p["PermissionsBoundary"] { authorization.context["iam:PermissionsBoundary"] = [boundary] }
            return authorization
        case "GetRole", "DeleteRole", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies", "PutRolePolicy",
             "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
             "UpdateRole", "UpdateAssumeRolePolicy":
            var authorization = role(p["RoleName"] ?? "")
            if let arn = p["PolicyArn"] { authorization.context["iam:PolicyARN"] = [arn] }
            // The boundary being set (IAM User Guide, "Condition keys for IAM": iam:PermissionsBoundary), so a policy
            // can allow delegation only with a given boundary.
            if let arn = p["PermissionsBoundary"] { authorization.context["iam:PermissionsBoundary"] = [arn] }
            return authorization
        case "CreateGroup", "GetGroup", "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup", "AttachGroupPolicy", "DetachGroupPolicy",
             "ListAttachedGroupPolicies", "PutGroupPolicy", "GetGroupPolicy", "ListGroupPolicies", "DeleteGroupPolicy":
            let name = p["GroupName"] ?? ""
            let path = action == "CreateGroup" ? p["Path"] ?? "/" : await state.groups[name]?.path ?? "/"
            let arn = "arn:aws:iam::\(account):group\(path)\(name)"
            var authorization = Authorization(action: iam, resource: arn, shownResource: arn)
            if let policy = p["PolicyArn"] { authorization.context["iam:PolicyARN"] = [policy] }
            return authorization
        case "ListGroups":
            return Authorization(action: iam, resource: "*", shownResource: "arn:aws:iam::\(account):group/")
        case "ListGroupsForUser", "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary":
            var authorization = user(p["UserName"] ?? "")
            if let arn = p["PermissionsBoundary"] { authorization.context["iam:PermissionsBoundary"] = [arn] }
            return authorization
        case "ListRoles":
            return Authorization(action: iam, resource: "*", shownResource: "arn:aws:iam::\(account):role/")
        case "CreateUser":
            let arn = "arn:aws:iam::\(account):user\(p["Path"] ?? "/")\(p["UserName"] ?? "")"
            var authorization = Authorization(action: iam, resource: arn, shownResource: arn)
            if let boundary = p["PermissionsBoundary"] { authorization.context["iam:PermissionsBoundary"] = [boundary] }
            return authorization
        case "GetUser", "DeleteUser", "ListAccessKeys", "DeleteAccessKey":
            // Without UserName these act on the calling user (the caller's own ARN is evaluated then).
            let name = p["UserName"] ?? ""
            var authorization = user(name, shownAsARN: action == "GetUser" || action == "DeleteUser")
            if name.isEmpty, case .user(let own)? = caller?.kind { authorization = user(own, shownAsARN: action == "GetUser") }
            return authorization
        case "CreateAccessKey", "AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies", "PutUserPolicy", "GetUserPolicy",
             "ListUserPolicies", "DeleteUserPolicy":
            var authorization = user(p["UserName"] ?? "")
            if let arn = p["PolicyArn"] { authorization.context["iam:PolicyARN"] = [arn] }
            return authorization
        case "ListUsers":
            return Authorization(action: iam, resource: "*", shownResource: "arn:aws:iam::\(account):user/")
        case "CreatePolicy":
            let name = p["PolicyName"] ?? ""
            return Authorization(action: iam, resource: "arn:aws:iam::\(account):policy\(p["Path"] ?? "/")\(name)", shownResource: "policy \(name)")
        case "GetPolicy", "GetPolicyVersion", "DeletePolicy", "CreatePolicyVersion", "ListPolicyVersions", "DeletePolicyVersion",
             "SetDefaultPolicyVersion":
            let arn = p["PolicyArn"] ?? ""
            return Authorization(action: iam, resource: arn, shownResource: "policy \(arn)")
        case "ListPolicies":
            return Authorization(action: iam, resource: "*", shownResource: "policy path \(p["PathPrefix"] ?? "/")")
        case "CreateSAMLProvider":
            let arn = "arn:aws:iam::\(account):saml-provider/\(p["Name"] ?? "")"
            return Authorization(action: iam, resource: arn, shownResource: arn)
        case "GetSAMLProvider", "UpdateSAMLProvider", "DeleteSAMLProvider":
            let arn = p["SAMLProviderArn"] ?? ""
            return Authorization(action: iam, resource: arn, shownResource: arn)
        case "SimulatePrincipalPolicy":
            let arn = p["PolicySourceArn"] ?? ""
            return Authorization(action: iam, resource: arn, shownResource: arn)
        default:
            // No resource type (ListSAMLProviders, SimulateCustomPolicy, …): the policy's Resource must be "*".
            return Authorization(action: iam, resource: "*", shownResource: nil)
        }
    }
}
