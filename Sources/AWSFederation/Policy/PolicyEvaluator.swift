/// A policy as the evaluator and the simulator see it: the document and where it comes from.
public struct PolicySource: Sendable, Hashable {
    /// The kinds the policy simulator names in `SourcePolicyType`.
    public enum SourceType: String, Sendable, Hashable {
        case user, group, role
        case awsManaged = "aws-managed", userManaged = "user-managed"
        case resource, none
    }
    /// The policy's ARN (managed policies) or `role_Developer_Inline` style name (inline), as the simulator shows it.
    public var id: String
    public var type: SourceType
    public var document: PolicyDocument

    /// - Parameters:
    ///   - id: The name the simulator shows for the policy.
    ///   - type: Where the policy comes from.
    ///   - document: The parsed policy.
    public init(id: String, type: SourceType, document: PolicyDocument) {
        (self.id, self.type, self.document) = (id, type, document)
    }
}

/// What is asked: an action on a resource, with the request's condition keys.
public struct AuthorizationRequest: Sendable, Hashable {
    /// `service:Action`, such as `iam:CreateUser` or `s3:GetObject`.
    public var action: String
    /// The resource ARN the action is evaluated against, or `*`.
    public var resource: String
    /// Condition keys (any case) and their values: `aws:username`, `aws:PrincipalTag/Team`, `aws:SourceIp`, ….
    public var context: [String: [String]]

    /// - Parameters:
    ///   - action: `service:Action`, such as `iam:CreateUser`.
    ///   - resource: The resource ARN, or `*`.
    ///   - context: Condition keys and their values.
    public init(action: String, resource: String, context: [String: [String]] = [:]) {
        (self.action, self.resource, self.context) = (action, resource, context)
    }
}

/// The outcome of evaluating identity-based (and session) policies, as IAM decides it and as the simulator
/// reports it.
public struct PolicyEvaluation: Sendable, Hashable {
    /// The simulator's `EvalDecision` values.
    public enum Decision: String, Sendable, Hashable { case allowed, explicitDeny, implicitDeny }
    /// Which kind of policy decided a denial, for AWS's AccessDenied text.
    public enum DeniedBy: Sendable, Hashable {
        case explicitIdentityDeny, noIdentityAllow, explicitSessionDeny, noSessionAllow, explicitBoundaryDeny, noBoundaryAllow
    }
    /// A statement that matched the request.
    public struct MatchedStatement: Sendable, Hashable {
        public var sourcePolicyID: String
        public var sourcePolicyType: PolicySource.SourceType
        public var effect: PolicyDocument.Statement.Effect
        public var start: PolicyDocument.Position
        public var end: PolicyDocument.Position
    }

    public var decision: Decision
    public var deniedBy: DeniedBy?
    /// The statements that decided: the matching Denys for an explicit deny, else the matching Allows.
    public var matchedStatements: [MatchedStatement]

    public var isAllowed: Bool { decision == .allowed }
}

/// IAM's policy evaluation logic for a request inside one account (IAM User Guide, "Policy evaluation logic",
/// `reference_policies_evaluation-logic.md`): an explicit Deny in any applicable policy wins; otherwise an Allow is
/// needed in the identity-based policies, and, when session policies were passed (AssumeRoleWithSAML's `Policy` and
/// `PolicyArns`), in the session policies too, and, when the principal has a permissions boundary, in the boundary
/// too: the permissions are the intersection (IAM User Guide, "Permissions boundaries for IAM entities": "an entity
/// can perform only the actions that are allowed by both its identity-based policies and its permissions
/// boundaries"). Anything else is an implicit deny. Resource-based policies and SCPs are not modelled.
public enum PolicyEvaluator {
    /// - Parameters:
    ///   - request: The action, resource and condition keys.
    ///   - identity: The principal's identity-based policies (attached managed and inline).
    ///   - session: The session policies, or `nil` when none were passed (then they do not limit anything).
    ///   - boundary: The principal's permissions boundary, or `nil` when it has none (then it limits nothing).
    /// - Returns: The decision, with the statements that made it.
    public static func evaluate(_ request: AuthorizationRequest, identity: [PolicySource],
                                session: [PolicySource]? = nil, boundary: [PolicySource]? = nil) -> PolicyEvaluation {
        let context = Dictionary(request.context.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        let identityMatches = matches(request, context, identity)
        let sessionMatches = session.map { matches(request, context, $0) }
        let boundaryMatches = boundary.map { matches(request, context, $0) }
        let identityDenies = identityMatches.filter { $0.effect == .deny }
        if !identityDenies.isEmpty {
            return PolicyEvaluation(decision: .explicitDeny, deniedBy: .explicitIdentityDeny, matchedStatements: identityDenies)
        }
        if let boundaryDenies = boundaryMatches?.filter({ $0.effect == .deny }), !boundaryDenies.isEmpty {
            return PolicyEvaluation(decision: .explicitDeny, deniedBy: .explicitBoundaryDeny, matchedStatements: boundaryDenies)
        }
        if let sessionMatches {
            let sessionDenies = sessionMatches.filter { $0.effect == .deny }
            if !sessionDenies.isEmpty {
                return PolicyEvaluation(decision: .explicitDeny, deniedBy: .explicitSessionDeny, matchedStatements: sessionDenies)
            }
        }
        let identityAllows = identityMatches.filter { $0.effect == .allow }
        guard !identityAllows.isEmpty else {
            return PolicyEvaluation(decision: .implicitDeny, deniedBy: .noIdentityAllow, matchedStatements: [])
        }
        // The boundary is checked after the identity policies and before the session policies, as IAM's evaluation
        // flow chart orders them; its Allows are not reported as the statements that allowed the request.
        if let boundaryMatches, !boundaryMatches.contains(where: { $0.effect == .allow }) {
            return PolicyEvaluation(decision: .implicitDeny, deniedBy: .noBoundaryAllow, matchedStatements: [])
        }
        if let sessionMatches {
            let sessionAllows = sessionMatches.filter { $0.effect == .allow }
            guard !sessionAllows.isEmpty else {
                return PolicyEvaluation(decision: .implicitDeny, deniedBy: .noSessionAllow, matchedStatements: [])
            }
            return PolicyEvaluation(decision: .allowed, deniedBy: nil, matchedStatements: identityAllows + sessionAllows)
        }
        return PolicyEvaluation(decision: .allowed, deniedBy: nil, matchedStatements: identityAllows)
    }

    private static func matches(_ request: AuthorizationRequest, _ context: [String: [String]],
                                _ policies: [PolicySource]) -> [PolicyEvaluation.MatchedStatement] {
        var found: [PolicyEvaluation.MatchedStatement] = []
        for policy in policies {
            let variables = policy.document.version == "2012-10-17"
            for statement in policy.document.statements where applies(statement, request, context, variables: variables) {
                found.append(PolicyEvaluation.MatchedStatement(sourcePolicyID: policy.id, sourcePolicyType: policy.type,
                                                               effect: statement.effect, start: statement.start, end: statement.end))
            }
        }
        return found
    }

    static func applies(_ statement: PolicyDocument.Statement, _ request: AuthorizationRequest, _ context: [String: [String]],
                        variables: Bool = true) -> Bool {
        guard statement.actions.applies(to: request.action, ignoringCase: true) else { return false }
        if let resources = statement.resources {
            let covered = variables ? resources.applies(toResource: request.resource, variables: context)
                : resources.applies(to: request.resource, ignoringCase: false)
            guard covered else { return false }
        }
        return statement.conditions.allSatisfy { $0.holds(in: context, variables: variables) }
    }

    /// AWS's AccessDenied text for a denied request (IAM User Guide, "Troubleshoot access denied error messages"):
    /// `User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no identity-based policy allows
    /// the ACTION action` and its explicit-deny and session-policy variants.
    /// - Parameters:
    ///   - caller: The caller's ARN (an IAM user, or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    ///   - request: The denied request; its resource is printed as it is.
    ///   - evaluation: The evaluation that denied it.
    /// - Returns: The message AWS sends with `AccessDenied`.
    public static func accessDeniedMessage(caller: String, request: AuthorizationRequest, evaluation: PolicyEvaluation) -> String {
        accessDeniedMessage(caller: caller, action: request.action, shownResource: request.resource, evaluation: evaluation)
    }

    /// AWS's AccessDenied text, with the resource as AWS prints it for the action (`role NAME` for some IAM actions,
    /// nothing for actions without a resource type).
    /// - Parameters:
    ///   - caller: The caller's ARN.
    ///   - action: The denied action, `service:Action`.
    ///   - shownResource: What follows "on resource:", or `nil` when AWS prints no resource.
    ///   - evaluation: The evaluation that denied it.
    /// - Returns: The message AWS sends with `AccessDenied`.
    public static func accessDeniedMessage(caller: String, action: String, shownResource: String?, evaluation: PolicyEvaluation) -> String {
        let head = "User: \(caller) is not authorized to perform: \(action)" + (shownResource.map { " on resource: \($0)" } ?? "")
        switch evaluation.deniedBy {
        case .explicitIdentityDeny?: return head + " with an explicit deny in an identity-based policy"
        case .explicitSessionDeny?: return head + " with an explicit deny in a session policy"
        case .noSessionAllow?: return head + " because no session policy allows the \(action) action"
        // IAM User Guide, "Access denied error messages": "… because no permissions boundary allows the … action".
        case .explicitBoundaryDeny?: return head + " with an explicit deny in a permissions boundary"
        case .noBoundaryAllow?: return head + " because no permissions boundary allows the \(action) action"
        case .noIdentityAllow?, nil: return head + " because no identity-based policy allows the \(action) action"
        }
    }
}
