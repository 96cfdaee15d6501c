import AWSFederation
import Foundation
import PropertyBased
import Testing

/// IAM's policy language and evaluation logic (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy
/// element reference"), checked against models written independently here: regular expressions for wildcards,
/// integer arithmetic for CIDR blocks.
@Suite("IAM policies: grammar, conditions and evaluation")
struct PolicyEvaluatorTests {
    static func policy(_ json: String, id: String = "test", type: PolicySource.SourceType = .userManaged) throws -> PolicySource {
        PolicySource(id: id, type: type, document: try PolicyDocument(json: json, kind: .identity))
    }

    static let s3Full = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}
        """
    /// PowerUserAccess's shape: everything but IAM, Organizations and Account, plus a few IAM reads.
    static let powerUser = """
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
          {"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}
        ]}
        """

    @Test("explicit Deny beats any Allow; no Allow is an implicit deny; the message names the reason as AWS does")
    func denyOverAllow() throws {
        let deny = try Self.policy("""
            {"Version":"2012-10-17","Statement":{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-*"}}
            """, id: "arn:aws:iam::123456789012:policy/NoProdDelete")
        let full = try Self.policy(Self.s3Full, id: "arn:aws:iam::aws:policy/AmazonS3FullAccess", type: .awsManaged)
        let request = AuthorizationRequest(action: "s3:DeleteBucket", resource: "arn:aws:s3:::prod-data")
        let denied = PolicyEvaluator.evaluate(request, identity: [full, deny])
        #expect(denied.decision == .explicitDeny && denied.matchedStatements.map(\.sourcePolicyID) == ["arn:aws:iam::123456789012:policy/NoProdDelete"])
        #expect(PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:DeleteBucket", resource: "arn:aws:s3:::dev-data"),
                                         identity: [full, deny]).decision == .allowed)
        let iam = AuthorizationRequest(action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/eve")
        let implicit = PolicyEvaluator.evaluate(iam, identity: [full, deny])
        #expect(implicit.decision == .implicitDeny)
        let caller = "arn:aws:sts::123456789012:assumed-role/Developer/test-awsdeveloper@contoso.com"
        #expect(PolicyEvaluator.accessDeniedMessage(caller: caller, request: iam, evaluation: implicit)
                == "User: \(caller) is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/eve because no identity-based policy allows the iam:CreateUser action")
        #expect(PolicyEvaluator.accessDeniedMessage(caller: caller, request: request, evaluation: denied)
                == "User: \(caller) is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-data with an explicit deny in an identity-based policy")
        #expect(PolicyEvaluator.evaluate(iam, identity: []).decision == .implicitDeny)
    }

    @Test("NotAction and NotResource apply to what they do not name; actions ignore case, resources do not")
    func negationsAndCase() throws {
        let power = try Self.policy(Self.powerUser)
        for (action, expected) in [("s3:PutObject", true), ("ec2:RunInstances", true), ("iam:CreateUser", false), ("IAM:createuser", false),
                                   ("iam:ListRoles", true), ("iam:listroles", true), ("organizations:DescribeOrganization", true),
                                   ("organizations:LeaveOrganization", false), ("account:GetAccountInformation", false)] {
            #expect(PolicyEvaluator.evaluate(AuthorizationRequest(action: action, resource: "*"), identity: [power]).isAllowed == expected, "\(action)")
        }
        let notResource = try Self.policy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}]}
            """)
        #expect(PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::public/a"), identity: [notResource]).isAllowed)
        #expect(!PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::secret/a"), identity: [notResource]).isAllowed)
        #expect(PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::Secret/a"), identity: [notResource]).isAllowed,
                "resource ARNs are case-sensitive")
    }

    @Test("session policies intersect: both must allow, a Deny in either wins, each named in the message")
    func sessionPolicies() throws {
        let admin = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, type: .awsManaged)
        let readS3 = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::hr/*"}]}"#, id: "session", type: .none)
        let get = AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::team/a")
        #expect(PolicyEvaluator.evaluate(get, identity: [admin], session: [readS3]).isAllowed)
        let put = AuthorizationRequest(action: "s3:PutObject", resource: "arn:aws:s3:::team/a")
        let noSession = PolicyEvaluator.evaluate(put, identity: [admin], session: [readS3])
        #expect(noSession.decision == .implicitDeny && noSession.deniedBy == .noSessionAllow)
        #expect(PolicyEvaluator.accessDeniedMessage(caller: "c", request: put, evaluation: noSession).hasSuffix("because no session policy allows the s3:PutObject action"))
        let hr = PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::hr/x"), identity: [admin], session: [readS3])
        #expect(hr.decision == .explicitDeny && hr.deniedBy == .explicitSessionDeny)
        // The session cannot add what the identity lacks.
        let none = PolicyEvaluator.evaluate(get, identity: [], session: [readS3])
        #expect(none.decision == .implicitDeny && none.deniedBy == .noIdentityAllow)
        #expect(PolicyEvaluator.evaluate(put, identity: [admin], session: []).decision == .implicitDeny, "an empty session list allows nothing")
    }

    @Test("permissions boundaries intersect: identity, boundary and session must each allow, a Deny in any wins; the model of every combination")
    func boundaries() async throws {
        // Each of the three policy sets either allows, denies, says nothing about s3:GetObject, or (boundary and
        // session only) is absent; the decision is IAM's flow: any Deny, then identity, boundary, session Allows.
        let allow = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
        let deny = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#)
        let other = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#)
        let choices: [[PolicySource]?] = [[allow], [deny], [other], nil]
        let request = AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::b/k")
        await propertyCheck(count: 400, input: Gen.int(in: 0...2), Gen.int(in: 0...3), Gen.int(in: 0...3)) { (i: Int, b: Int, s: Int) in
            let identity = choices[i] ?? [], boundary = choices[b], session = choices[s]
            let result = PolicyEvaluator.evaluate(request, identity: identity, session: session, boundary: boundary)
            let denied = [identity, boundary ?? [], session ?? []].contains { $0.first?.document == deny.document }
            let allows = { (set: [PolicySource]?) in set == nil || set?.first?.document == allow.document }
            let expected: PolicyEvaluation.Decision = denied ? .explicitDeny
                : (identity.first?.document == allow.document && allows(boundary) && allows(session)) ? .allowed : .implicitDeny
            #expect(result.decision == expected, "identity \(i) boundary \(b) session \(s)")
            if b == 1 && i != 1 { #expect(result.deniedBy == .explicitBoundaryDeny) }
            if i == 0 && b == 2 && s != 1 { #expect(result.deniedBy == .noBoundaryAllow) }
        }
        let evaluation = PolicyEvaluator.evaluate(request, identity: [allow], boundary: [other])
        #expect(PolicyEvaluator.accessDeniedMessage(caller: "arn:aws:iam::1:user/u", request: request, evaluation: evaluation)
                == "User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no permissions boundary allows the s3:GetObject action")
    }

    @Test("policy variables in conditions: ${*} is a literal star, a variable with no value never makes a condition hold, negated or not")
    func conditionVariables() throws {
        func decision(_ condition: String, _ context: [String: [String]]) throws -> PolicyEvaluation.Decision {
            let policy = try Self.policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":"# + condition + "}]}")
            return PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: context), identity: [policy]).decision
        }
        // `${*}` is the escape for a literal `*` (IAM User Guide, "Policy variables: Special characters").
        let literalStar = #"{"StringLike":{"s3:prefix":"home/${*}"}}"#
        #expect(try decision(literalStar, ["s3:prefix": ["home/*"]]) == .allowed)
        #expect(try decision(literalStar, ["s3:prefix": ["home/alice"]]) == .implicitDeny, "not a wildcard")
        #expect(try decision(#"{"StringLike":{"s3:prefix":"${aws:username}/*"}}"#, ["s3:prefix": ["bob/x"], "aws:username": ["bob"]]) == .allowed)
        // A role session has no aws:username: the variable has no value.
        let others = #"{"StringNotEquals":{"s3:prefix":"${aws:username}"}}"#
        #expect(try decision(others, ["s3:prefix": ["alice"], "aws:username": ["bob"]]) == .allowed)
        #expect(try decision(others, ["s3:prefix": ["alice"]]) == .implicitDeny, "an unresolved value is not known to differ")
        #expect(try decision(#"{"StringNotLike":{"s3:prefix":["${aws:username}/*","public/*"]}}"#, ["s3:prefix": ["private/x"]]) == .implicitDeny)
        #expect(try decision(#"{"StringEquals":{"s3:prefix":["${aws:username}","shared"]}}"#, ["s3:prefix": ["shared"]]) == .allowed,
                "the other values still count")
        #expect(try decision(#"{"StringEquals":{"s3:prefix":"${aws:username, 'guest'}"}}"#, ["s3:prefix": ["guest"]]) == .allowed, "a default resolves it")
    }

    @Test("the grammar IAM enforces: no Principal in identity policies, a Resource required, known operators only")
    func grammar() {
        for bad in [
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}"#,
            #"{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"x"}}}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:TokenIssueTime":"true"}}}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}]}"#,
            #"{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
            #"{"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}"#,
            "not json", "[]",
        ] {
            #expect(throws: AWSError.self, "\(bad)") { try PolicyDocument(json: bad, kind: .identity) }
        }
        #expect(throws: AWSError.self) { try TrustPolicy(json: #"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithSAML","Resource":"*"}]}"#) }
        #expect(throws: AWSError.self, "a trust Deny whose condition could not be read is refused, never dropped") {
            try TrustPolicy(json: #"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"Boolean":{"aws:x":"true"}}}]}"#)
        }
    }

    @Test("StringLike's * and ? match exactly what the equivalent regular expression matches")
    func wildcardsAgainstRegex() async {
        let symbols = ["a", "b", ":", "/", "*", "?"]
        let alphabet = Gen.int(in: 0...5).map { symbols[$0] }
        let letters = Gen.int(in: 0...3).map { symbols[$0] }
        await propertyCheck(count: 3000, input: alphabet.array(of: 0...6), letters.array(of: 0...8)) { (pattern: [String], value: [String]) in
            let p = pattern.joined(), v = value.joined()
            let regex = "^" + p.map { $0 == "*" ? ".*" : $0 == "?" ? "." : NSRegularExpression.escapedPattern(for: String($0)) }.joined() + "$"
            let model = v.range(of: regex, options: .regularExpression) != nil
            let condition = try! PolicyCondition(operator: "StringLike", key: "k", values: [p])
            #expect(condition.holds(in: ["k": [v]]) == model, "\(p) ~ \(v)")
            let negated = try! PolicyCondition(operator: "StringNotLike", key: "k", values: [p])
            #expect(negated.holds(in: ["k": [v]]) == !model)
        }
    }

    @Test("IpAddress/NotIpAddress contain exactly the addresses a 32-bit mask selects")
    func cidrAgainstArithmetic() async {
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int(UInt32.max)), Gen.int(in: 0...Int(UInt32.max)), Gen.int(in: 0...32)) { net, address, prefix in
            func dotted(_ v: Int) -> String { [24, 16, 8, 0].map { String((v >> $0) & 0xFF) }.joined(separator: ".") }
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
            let model = UInt32(net) & mask == UInt32(address) & mask
            let condition = try! PolicyCondition(operator: "IpAddress", key: "aws:SourceIp", values: ["\(dotted(net))/\(prefix)"])
            #expect(condition.holds(in: ["aws:sourceip": [dotted(address)]]) == model)
            let negated = try! PolicyCondition(operator: "NotIpAddress", key: "aws:SourceIp", values: ["\(dotted(net))/\(prefix)"])
            #expect(negated.holds(in: ["aws:sourceip": [dotted(address)]]) == !model)
        }
        let v6 = try! PolicyCondition(operator: "IpAddress", key: "aws:SourceIp", values: ["2001:db8::/32"])
        #expect(v6.holds(in: ["aws:sourceip": ["2001:db8:1::5"]]) && !v6.holds(in: ["aws:sourceip": ["2001:db9::1"]]))
        #expect(!v6.holds(in: ["aws:sourceip": ["32.1.13.184"]]), "an IPv4 address is never in an IPv6 block")
        for odd in ["010.0.0.1", "10.0.0", "1.2.3.4.5", "10.0.0.256"] {
            #expect(!(try! PolicyCondition(operator: "IpAddress", key: "a", values: ["10.0.0.0/8"])).holds(in: ["a": [odd]]), "\(odd)")
        }
    }

    @Test("absent keys: negated operators and IfExists pass, Null tests presence, ForAllValues of nothing is true")
    func absentKeys() throws {
        let empty: [String: [String]] = [:]
        #expect(!(try PolicyCondition(operator: "StringEquals", key: "aws:PrincipalTag/Team", values: ["a"])).holds(in: empty))
        #expect((try PolicyCondition(operator: "StringNotEquals", key: "aws:PrincipalTag/Team", values: ["a"])).holds(in: empty))
        #expect((try PolicyCondition(operator: "StringEqualsIfExists", key: "aws:PrincipalTag/Team", values: ["a"])).holds(in: empty))
        #expect((try PolicyCondition(operator: "Null", key: "aws:PrincipalTag/Team", values: ["true"])).holds(in: empty))
        #expect(!(try PolicyCondition(operator: "Null", key: "aws:PrincipalTag/Team", values: ["false"])).holds(in: empty))
        #expect((try PolicyCondition(operator: "ForAllValues:StringEquals", key: "aws:TagKeys", values: ["a"])).holds(in: empty))
        #expect(!(try PolicyCondition(operator: "ForAnyValue:StringEquals", key: "aws:TagKeys", values: ["a"])).holds(in: empty))
        let all = try PolicyCondition(operator: "ForAllValues:StringEquals", key: "aws:TagKeys", values: ["a", "b"])
        #expect(all.holds(in: ["aws:tagkeys": ["a", "b"]]) && !all.holds(in: ["aws:tagkeys": ["a", "c"]]))
        // Keys compare without case, values with.
        let team = try PolicyCondition(operator: "StringEquals", key: "aws:PrincipalTag/Team", values: ["Blue"])
        #expect(team.holds(in: ["aws:principaltag/team": ["Blue"]]) && !team.holds(in: ["aws:principaltag/team": ["blue"]]))
    }

    @Test("numbers, dates, booleans and ARNs compare as IAM compares them")
    func typedOperators() throws {
        #expect((try PolicyCondition(operator: "NumericLessThanEquals", key: "s3:max-keys", values: ["10"])).holds(in: ["s3:max-keys": ["10.0"]]))
        #expect(!(try PolicyCondition(operator: "NumericLessThan", key: "s3:max-keys", values: ["10"])).holds(in: ["s3:max-keys": ["11"]]))
        let before = try PolicyCondition(operator: "DateLessThan", key: "aws:CurrentTime", values: ["2026-12-01T00:00:00Z"])
        #expect(before.holds(in: ["aws:currenttime": ["2026-11-29T15:00:00Z"]]) && !before.holds(in: ["aws:currenttime": ["2026-12-02T00:00:00Z"]]))
        #expect(before.holds(in: ["aws:currenttime": ["1764428400"]]), "epoch seconds")
        let mfa = try PolicyDocument(json: #"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}]}"#, kind: .identity)
        #expect(mfa.statements[0].conditions[0].values == ["false"], "a JSON boolean stands for its text")
        let arn = try PolicyCondition(operator: "ArnLike", key: "aws:PrincipalArn", values: ["arn:aws:iam::*:role/Dev*"])
        #expect(arn.holds(in: ["aws:principalarn": ["arn:aws:iam::123456789012:role/Developer"]]))
        #expect(!arn.holds(in: ["aws:principalarn": ["arn:aws:iam::123456789012:user/Developer"]]))
        #expect(!arn.holds(in: ["aws:principalarn": ["arn:aws:iam::123456789012:role"]]), "an ARN with five parts")
    }

    @Test("statement positions for the simulator: start and end of each statement object, 1-based")
    func positions() throws {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:username\": \"a}b\\\"{\"}}},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"}\n  ]\n}"
        let document = try PolicyDocument(json: text, kind: .identity)
        #expect(document.statements.map { [$0.start.line, $0.start.column] } == [[4, 5], [5, 5]])
        #expect(document.statements[1].end == PolicyDocument.Position(line: 5, column: 63), "the closing brace")
        let single = try PolicyDocument(json: #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, kind: .identity)
        #expect(single.statements[0].start == PolicyDocument.Position(line: 1, column: 14))
    }
}
