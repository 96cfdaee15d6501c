import Foundation

/// An IAM role trust policy (AssumeRolePolicyDocument), evaluated for `sts:AssumeRoleWithSAML`: the Federated
/// principal, the action, and conditions on `saml:` keys with the string operators (StringEquals, StringNotEquals,
/// StringEqualsIgnoreCase, StringLike, StringNotLike, optionally `ForAnyValue:`/`ForAllValues:`). An explicit Deny
/// wins; otherwise one matching Allow is needed.
public struct TrustPolicy: Sendable, Hashable {
    struct Statement: Sendable, Hashable {
        var allow: Bool
        var federatedPrincipals: [String]
        var anyPrincipal: Bool
        var actions: [String]
        /// operator → key (lowercased) → values
        var conditions: [String: [String: [String]]]
    }

    let statements: [Statement]
    /// The document as given.
    public let document: String

    /// Parses a policy document; throws `MalformedPolicyDocument`.
    /// - Parameter json: The AssumeRolePolicyDocument, as JSON text.
    /// - Throws: ``AWSError`` `MalformedPolicyDocument` when `json` is not a JSON object, or has no Statement, or a
    ///   statement lacks a valid Effect, a Principal or an Action, or has a malformed Condition block.
    public init(json: String) throws(AWSError) {
        document = json
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw AWSError.malformedPolicyDocument("Syntax errors in policy.")
        }
        let raw: [[String: Any]]
        if let list = object["Statement"] as? [[String: Any]] { raw = list }
        else if let one = object["Statement"] as? [String: Any] { raw = [one] }
        else { throw AWSError.malformedPolicyDocument("Missing required field Statement") }
        func strings(_ value: Any?) -> [String]? {
            if let s = value as? String { return [s] }
            if let list = value as? [String] { return list }
            if let number = value as? NSNumber { return [number.stringValue] }
            return nil
        }
        var statements: [Statement] = []
        for statement in raw {
            guard let effect = statement["Effect"] as? String, effect == "Allow" || effect == "Deny" else {
                throw AWSError.malformedPolicyDocument("Invalid effect: \(statement["Effect"] ?? "none")")
            }
            var federated: [String] = []
            var any = false
            if let principal = statement["Principal"] as? String, principal == "*" { any = true }
            else if let principal = statement["Principal"] as? [String: Any] {
                federated = strings(principal["Federated"]) ?? []
                if strings(principal["AWS"]) == ["*"] { any = true }
            } else {
                throw AWSError.malformedPolicyDocument("Trust policies need a Principal")
            }
            guard let actions = strings(statement["Action"]) else {
                throw AWSError.malformedPolicyDocument("Missing required field Action")
            }
            var conditions: [String: [String: [String]]] = [:]
            if let block = statement["Condition"] as? [String: Any] {
                for (op, keys) in block {
                    guard let keys = keys as? [String: Any] else { throw AWSError.malformedPolicyDocument("Invalid Condition block") }
                    var byKey: [String: [String]] = [:]
                    for (key, value) in keys {
                        guard let values = strings(value) else { throw AWSError.malformedPolicyDocument("Invalid Condition value") }
                        byKey[key.lowercased()] = values
                    }
                    conditions[op] = byKey
                }
            }
            statements.append(Statement(allow: effect == "Allow", federatedPrincipals: federated, anyPrincipal: any,
                                        actions: actions, conditions: conditions))
        }
        self.statements = statements
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
        return TrustPolicy(statements: [Statement(allow: true, federatedPrincipals: [providerARN], anyPrincipal: false, actions: actions,
                                                  conditions: [:])], document: document)
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
            """)) ?? TrustPolicy(statements: [], document: "")
    }

    private init(statements: [Statement], document: String) {
        self.statements = statements
        self.document = document
    }

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
        for statement in statements {
            guard statement.anyPrincipal || statement.federatedPrincipals.contains(principal),
                  statement.actions.contains(where: { Self.like($0.lowercased(), action.lowercased()) }),
                  statement.conditions.allSatisfy({ Self.condition($0.key, $0.value, context) }) else { continue }
            if !statement.allow { return false }
            allowed = true
        }
        return allowed
    }

    private static func condition(_ op: String, _ keys: [String: [String]], _ context: [String: [String]]) -> Bool {
        var name = op
        var quantifier = "ForAnyValue"
        for q in ["ForAnyValue:", "ForAllValues:"] where name.hasPrefix(q) {
            quantifier = String(q.dropLast())
            name = String(name.dropFirst(q.count))
        }
        let negated = name.hasPrefix("StringNot")
        let test: (String, String) -> Bool
        switch name {
        case "StringEquals", "StringNotEquals": test = { $0 == $1 }
        case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase": test = { $0.lowercased() == $1.lowercased() }
        case "StringLike", "StringNotLike": test = { like($0, $1) }
        default: return false  // an operator this evaluator does not know never grants access
        }
        for (key, patterns) in keys {
            let values = context[key] ?? []
            if values.isEmpty { if !negated { return false } else { continue } }
            let matches = values.map { value in patterns.contains { test($0, value) } }
            let positive = quantifier == "ForAllValues" ? matches.allSatisfy { $0 } : matches.contains(true)
            if positive == negated { return false }
        }
        return true
    }

    /// IAM wildcard match: `*` any run, `?` one character.
    static func like(_ pattern: String, _ value: String) -> Bool {
        let p = Array(pattern), v = Array(value)
        var (pi, vi, star, mark) = (0, 0, -1, 0)
        while vi < v.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == v[vi]) { pi += 1; vi += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = vi; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; vi = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
