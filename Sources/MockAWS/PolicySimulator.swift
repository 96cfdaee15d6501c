import AWSFederation
import Foundation
import Hummingbird
import SAML

/// IAM's policy simulator (`SimulatePrincipalPolicy`, `SimulateCustomPolicy`): any action name, whether mock-aws
/// serves it or not, evaluated with the same ``PolicyEvaluator`` that guards mock-aws's own API. One result per action
/// (IAM API Reference, `EvaluationResult`: the top-level decision is the most restrictive across the resources, each
/// resource's in `ResourceSpecificResults`).
extension MockAWS {
    func simulate(_ action: String, _ p: [String: String], requestID: String) async throws(AWSError) -> Response? {
        guard action == "SimulatePrincipalPolicy" || action == "SimulateCustomPolicy" else { return nil }
        let actions = Self.members(p, "ActionNames")
        guard !actions.isEmpty else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
        }
        var identity: [PolicySource] = []
        for (index, text) in Self.members(p, "PolicyInputList").enumerated() {
            do throws(AWSError) {
                identity.append(PolicySource(id: "PolicyInputList.\(index + 1)", type: .none, document: try PolicyDocument(json: text, kind: .identity)))
            } catch {
                throw AWSError(code: "InvalidInput", message: "Policy document \(index + 1) is not valid: \(error.message)")
            }
        }
        // A boundary given in the call is simulated instead of the principal's own (IAM API Reference,
        // SimulatePrincipalPolicy, PermissionsBoundaryPolicyInputList).
        var boundary: [PolicySource]?
        for (index, text) in Self.members(p, "PermissionsBoundaryPolicyInputList").enumerated() {
            do throws(AWSError) {
                boundary = (boundary ?? []) + [PolicySource(id: "PermissionsBoundaryPolicyInputList.\(index + 1)", type: .none,
                                                            document: try PolicyDocument(json: text, kind: .identity))]
            } catch {
                throw AWSError(code: "InvalidInput", message: "Permissions boundary policy document \(index + 1) is not valid: \(error.message)")
            }
        }
        if action == "SimulatePrincipalPolicy" {
            let source = try required(p, "PolicySourceArn")
            let principal = try await principalPolicies(source)
            identity = principal.identity + identity
            if boundary == nil { boundary = principal.boundary }
        } else if identity.isEmpty {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
        }
        let resources = Self.members(p, "ResourceArns")
        let context = try Self.contextEntries(p)
        var members = ""
        for name in actions {
            var perResource: [(resource: String, evaluation: PolicyEvaluation, missing: [String])] = []
            for resource in resources.isEmpty ? ["*"] : resources {
                let request = AuthorizationRequest(action: name, resource: resource, context: context)
                perResource.append((resource, PolicyEvaluator.evaluate(request, identity: identity, boundary: boundary),
                                    Self.missingKeys(request, identity + (boundary ?? []))))
            }
            let worst = perResource.max { Self.rank($0.evaluation.decision) < Self.rank($1.evaluation.decision) } ?? perResource[0]
            var member = "<EvalActionName>\(Self.escape(name))</EvalActionName>"
                + "<EvalResourceName>\(Self.escape(resources.count == 1 || resources.isEmpty ? worst.resource : "*"))</EvalResourceName>"
                + "<EvalDecision>\(worst.evaluation.decision.rawValue)</EvalDecision>"
                + "<MatchedStatements>\(Self.statementsXML(worst.evaluation))</MatchedStatements>"
                + "<MissingContextValues>\(Set(perResource.flatMap(\.missing)).sorted().map { "<member>\(Self.escape($0))</member>" }.joined())</MissingContextValues>"
            if boundary != nil {
                let allowed = !perResource.contains { [.noBoundaryAllow, .explicitBoundaryDeny].contains($0.evaluation.deniedBy) }
                member += "<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>\(allowed)</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>"
            }
            if !resources.isEmpty {
                member += "<EvalDecisionDetails/><ResourceSpecificResults>" + perResource.map { entry in
                    "<member><EvalResourceName>\(Self.escape(entry.resource))</EvalResourceName>"
                        + "<EvalResourceDecision>\(entry.evaluation.decision.rawValue)</EvalResourceDecision>"
                        + "<MatchedStatements>\(Self.statementsXML(entry.evaluation))</MatchedStatements>"
                        + "<MissingContextValues>\(entry.missing.map { "<member>\(Self.escape($0))</member>" }.joined())</MissingContextValues></member>"
                }.joined() + "</ResourceSpecificResults>"
            }
            members += "<member>\(member)</member>"
        }
        return Self.xml(action, namespace: Self.iamNamespace, requestID: requestID,
                        result: "<IsTruncated>false</IsTruncated><EvaluationResults>\(members)</EvaluationResults>")
    }

    /// The identity-based policies of the user, group or role `arn` names (a user's include its groups'), and its
    /// permissions boundary.
    private func principalPolicies(_ arn: String) async throws(AWSError) -> (identity: [PolicySource], boundary: [PolicySource]?) {
        let prefix = "arn:aws:iam::\(state.account):"
        let invalid = AWSError(code: "InvalidInput", message: "Invalid ARN \(arn): the policy source must be a user, group or role of this account.")
        guard arn.hasPrefix(prefix) else { throw invalid }
        let rest = arn.dropFirst(prefix.count)
        guard let name = rest.split(separator: "/").last.map(String.init) else { throw invalid }
        if rest.hasPrefix("role/") {
            guard await state.roles.contains(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
            return (await state.policies.sources(for: name, .role), await state.policies.boundarySources(for: name, .role))
        }
        if rest.hasPrefix("user/") {
            guard await state.users[name] != nil else { throw Self.noSuchUser(name) }
            return (await state.userPolicies(name), await state.policies.boundarySources(for: name, .user))
        }
        if rest.hasPrefix("group/") {
            guard await state.groups[name] != nil else { throw Self.noSuchGroup(name) }
            return (await state.policies.sources(for: name, .group), nil)
        }
        throw invalid
    }

    private static func rank(_ decision: PolicyEvaluation.Decision) -> Int {
        switch decision { case .allowed: return 0; case .implicitDeny: return 1; case .explicitDeny: return 2 }
    }

    /// `MatchedStatements`; AWS's own answers name the policy type `IAM Policy` (IAM API Reference examples).
    private static func statementsXML(_ evaluation: PolicyEvaluation) -> String {
        evaluation.matchedStatements.map { s in
            "<member><SourcePolicyId>\(escape(s.sourcePolicyID))</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType>"
                + "<StartPosition><Line>\(s.start.line)</Line><Column>\(s.start.column)</Column></StartPosition>"
                + "<EndPosition><Line>\(s.end.line)</Line><Column>\(s.end.column)</Column></EndPosition></member>"
        }.joined()
    }

    /// Condition keys that statements applying to the request test but the request does not supply.
    private static func missingKeys(_ request: AuthorizationRequest, _ policies: [PolicySource]) -> [String] {
        let present = Set(request.context.keys.map { $0.lowercased() })
        var missing: [String] = []
        for policy in policies {
            for statement in policy.document.statements
            where statement.actions.applies(to: request.action, ignoringCase: true)
                && (statement.resources?.applies(to: request.resource, ignoringCase: false) ?? true) {
                for condition in statement.conditions where !present.contains(condition.key.lowercased()) && !missing.contains(condition.key) {
                    missing.append(condition.key)
                }
            }
        }
        return missing
    }

    /// `NAME.member.N` query parameters, in order.
    static func members(_ p: [String: String], _ name: String) -> [String] {
        var result: [String] = []
        var index = 1
        while let value = p["\(name).member.\(index)"], index <= 1000 {
            result.append(value)
            index += 1
        }
        return result
    }

    /// `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`.
    private static func contextEntries(_ p: [String: String]) throws(AWSError) -> [String: [String]] {
        let types: Set<String> = ["string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList",
                                  "binary", "binaryList", "date", "dateList"]
        var context: [String: [String]] = [:]
        var index = 1
        while let name = p["ContextEntries.member.\(index).ContextKeyName"], index <= 1000 {
            let type = p["ContextEntries.member.\(index).ContextKeyType"] ?? "string"
            guard types.contains(type) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(type)' at 'contextEntries.\(index).member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [\(types.sorted().joined(separator: ", "))]")
            }
            context[name, default: []] += members(p, "ContextEntries.member.\(index).ContextKeyValues")
            index += 1
        }
        return context
    }
}
