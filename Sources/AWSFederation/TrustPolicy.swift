import Foundation

/// An IAM role trust policy (AssumeRolePolicyDocument), evaluated for `sts:AssumeRoleWithSAML`: the Federated
/// principal, the action, and conditions on `saml:` keys with IAM's condition operators (``PolicyCondition``). An
/// explicit Deny wins; otherwise one matching Allow is needed.
public struct TrustPolicy: Sendable, Hashable {
    /// The parsed document (IAM's trust-policy grammar, with every condition operator IAM has).
    public let policy: PolicyDocument
    /// The document as given.
    public var document: String { policy.document }

    /// Parses a policy document; throws `MalformedPolicyDocument`.
    /// - Parameter json: The AssumeRolePolicyDocument, as JSON text.
    /// - Throws: ``AWSError`` `MalformedPolicyDocument` when `json` is not a JSON object, or has no Statement, or a
    ///   statement lacks a valid Effect, a Principal or an Action, has a Resource, or has a Condition with an unknown
    ///   operator or an unreadable value.
    public init(json: String) throws(AWSError) {
        policy = try PolicyDocument(json: json, kind: .trust)
    }

    /// The trust policy the IAM console wizard writes for a SAML provider (aws-entra.md §2.9).
    /// - Parameters:
    ///   - providerARN: The ARN of the IAM SAML provider allowed to assume the role.
    ///   - audience: The one `SAML:aud` value the policy requires: the sign-in endpoint the Response is posted to.
    public static func consoleWizard(providerARN: String, audience: String = "https://signin.aws.amazon.com/saml") -> TrustPolicy {
        consoleWizard(providerARN: providerARN, audiences: [audience])
    }

    /// Allows `actions` to the federated principal `providerARN`, with no condition (what ``ResponseJudge`` assumes
    /// when it knows no real policy). Built directly: a judgement of many Role values makes one per provider.
    /// - Parameters:
    ///   - actions: The actions allowed, such as `sts:AssumeRoleWithSAML`.
    ///   - providerARN: The ARN of the IAM SAML provider allowed to perform them.
    public static func allowing(_ actions: [String], to providerARN: String) -> TrustPolicy {
        let document = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"\(providerARN)\"},"
            + "\"Action\":[" + actions.map { "\"\($0)\"" }.joined(separator: ",") + "]}]}"
        let statement = PolicyDocument.Statement(
            sid: nil, effect: .allow, actions: .init(patterns: actions, negated: false), resources: nil,
            principals: ["Federated": [providerARN]], anyPrincipal: false, conditions: [],
            start: .init(line: 1, column: 38), end: .init(line: 1, column: document.count - 1))
        return TrustPolicy(policy: PolicyDocument(kind: .trust, statements: [statement], document: document))
    }

    /// The wizard's policy with several `SAML:aud` values (AWS's sign-in URL and a local mock-aws's, say).
    /// - Parameters:
    ///   - providerARN: The ARN of the IAM SAML provider allowed to assume the role.
    ///   - audiences: The `SAML:aud` values the policy accepts, any one of which must match.
    public static func consoleWizard(providerARN: String, audiences: [String]) -> TrustPolicy {
        let values = audiences.count == 1 ? "\"\(audiences[0])\"" : "[" + audiences.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        // A fixed, valid document: parsing cannot fail.
        return (try? TrustPolicy(json: """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\(providerARN)"},\
            "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":\(values)}}}]}
            """)) ?? TrustPolicy(policy: PolicyDocument(kind: .trust, statements: [], document: ""))
    }

    private init(policy: PolicyDocument) { self.policy = policy }

    /// Whether the policy lets `principal` (a SAML provider ARN) perform `action` given the request context
    /// (`saml:aud`, `saml:iss`, `saml:sub`, … with their values).
    /// - Parameters:
    ///   - action: The action requested, such as `sts:AssumeRoleWithSAML`.
    ///   - principal: The ARN of the SAML provider that asks.
    ///   - context: The request's condition keys (case-insensitive) with their values.
    /// - Returns: `true` when a statement that applies allows the request and none that applies denies it.
    public func allows(action: String, federatedPrincipal principal: String, context: [String: [String]]) -> Bool {
        let context = Dictionary(context.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        var allowed = false
        for statement in policy.statements {
            guard statement.anyPrincipal || statement.principals?["Federated"]?.contains(principal) == true,
                  statement.actions.applies(to: action, ignoringCase: true),
                  statement.conditions.allSatisfy({ $0.holds(in: context) }) else { continue }
            if statement.effect == .deny { return false }
            allowed = true
        }
        return allowed
    }
}
