import Foundation

/// An IAM policy document, read with IAM's policy grammar: identity-based and session policies (Action or
/// NotAction, Resource or NotResource, no Principal) and role trust policies (a Principal, no Resource).
///
/// Source: IAM User Guide, "IAM JSON policy element reference" (`reference_policies_elements_*.md`) and "Policy
/// evaluation logic" (`reference_policies_evaluation-logic.md`). What IAM refuses when a policy is created is refused
/// here with `MalformedPolicyDocument`, so nothing this evaluator cannot read is ever stored and then ignored.
public struct PolicyDocument: Sendable, Hashable {
    /// Which grammar the document follows.
    public enum Kind: Sendable, Hashable {
        /// Identity-based (attached or inline) and session policies: `Resource` required, `Principal` forbidden.
        case identity
        /// A role's trust policy: `Principal` required, `Resource` forbidden.
        case trust
    }

    /// One statement of the document.
    public struct Statement: Sendable, Hashable {
        public enum Effect: String, Sendable, Hashable { case allow = "Allow", deny = "Deny" }
        /// A list of patterns that applies when the value matches one of them (`Action`, `Resource`), or when it
        /// matches none of them (`NotAction`, `NotResource`).
        public struct Patterns: Sendable, Hashable {
            public var patterns: [String]
            public var negated: Bool
        }
        public var sid: String?
        public var effect: Effect
        public var actions: Patterns
        /// `nil` in trust policies.
        public var resources: Patterns?
        /// Trust policies: the principals (`"*"` for anyone), by type (`Federated`, `AWS`, `Service`).
        public var principals: [String: [String]]?
        public var anyPrincipal: Bool
        public var conditions: [PolicyCondition]
        /// Where the statement's object begins and ends in the document (1-based), as the policy simulator reports it.
        public var start: Position
        public var end: Position
    }

    /// A line and column in the document text, both 1-based.
    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int

        /// - Parameters:
        ///   - line: The line, from 1.
        ///   - column: The column, from 1, in characters.
        public init(line: Int, column: Int) { (self.line, self.column) = (line, column) }
    }

    public let kind: Kind
    public let statements: [Statement]
    /// The `Version` element: policy variables are resolved only in `2012-10-17` documents (in `2008-10-17`, or with
    /// no Version, `${…}` is literal text).
    public let version: String?
    /// The document as given.
    public let document: String

    /// IAM's limit on a managed policy's document (6,144 characters, whitespace excluded, is the quota; the text
    /// itself is bounded here before any parsing).
    public static let maxDocumentCharacters = 131_072

    /// Parses `json` as a policy of `kind`.
    /// - Parameters:
    ///   - json: The policy document, as JSON text.
    ///   - kind: Which grammar applies: identity-based or trust.
    /// - Throws: ``AWSError`` `MalformedPolicyDocument` when the text is not a JSON object, has no Statement, or a
    ///   statement has an invalid Effect, lacks Action/NotAction (or Resource/NotResource, or Principal for a trust
    ///   policy), carries an element its kind forbids, or has a Condition with an unknown operator or a malformed value.
    public init(json: String, kind: Kind) throws(AWSError) {
        guard json.utf8.count <= Self.maxDocumentCharacters else {
            throw AWSError.malformedPolicyDocument("Cannot exceed quota for PolicySize")
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else {
            throw AWSError.malformedPolicyDocument("Syntax errors in policy.")
        }
        if let version = object["Version"], version != .string("2012-10-17") && version != .string("2008-10-17") {
            throw AWSError.malformedPolicyDocument("The policy failed legacy parsing")
        }
        if object.keys.contains(where: { !["Version", "Id", "Statement"].contains($0) }) {
            throw AWSError.malformedPolicyDocument("Syntax errors in policy.")
        }
        var raw: [[String: JSONValue]] = []
        switch object["Statement"] {
        case .object(let one)?: raw = [one]
        case .array(let list)?:
            for item in list {
                guard case .object(let statement) = item else { throw AWSError.malformedPolicyDocument("Syntax errors in policy.") }
                raw.append(statement)
            }
        default: throw AWSError.malformedPolicyDocument("Missing required field Statement")
        }
        let spans = PolicySpans.statements(in: json)
        var statements: [Statement] = []
        var sids = Set<String>()
        for (index, statement) in raw.enumerated() {
            let span = index < spans.count ? spans[index] : (Position(line: 1, column: 1), Position(line: 1, column: 1))
            let parsed = try Self.statement(statement, kind: kind, span: span)
            if let sid = parsed.sid {
                // IAM: "Statement IDs (SID) must be alpha-numeric" and unique within a policy.
                guard sid.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else {
                    throw AWSError.malformedPolicyDocument("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
                }
                guard sids.insert(sid).inserted else {
                    throw AWSError.malformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.")
                }
            }
            statements.append(parsed)
        }
        self.kind = kind
        self.statements = statements
        self.document = json
        if case .string(let version)? = object["Version"] { self.version = version } else { self.version = nil }
    }

    /// A document built here from statements already checked (the fixed policies of the console wizard).
    init(kind: Kind, statements: [Statement], document: String) {
        self.kind = kind
        self.statements = statements
        self.document = document
        self.version = "2012-10-17"
    }

    /// A string or a list of strings (IAM accepts both wherever a list is allowed).
    static func strings(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let s)?: return [s]
        case .array(let list)?:
            var result: [String] = []
            for case .string(let s) in list { result.append(s) }
            return result.count == list.count ? result : nil
        default: return nil
        }
    }

    private static func statement(_ s: [String: JSONValue], kind: Kind, span: (Position, Position)) throws(AWSError) -> Statement {
        let known: Set<String> = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]
        if let unknown = s.keys.first(where: { !known.contains($0) }) {
            throw AWSError.malformedPolicyDocument("Policy document should not specify a field \(unknown)")
        }
        guard case .string(let effectText)? = s["Effect"], let effect = Statement.Effect(rawValue: effectText) else {
            throw AWSError.malformedPolicyDocument("Invalid effect: \(s["Effect"].map { "\($0)" } ?? "none")")
        }
        let actions = try patterns(s, "Action", "NotAction", what: "Action")
        // Every action names its service ("Actions/Conditions must be prefaced by a vendor"), or is `*`.
        for action in actions.patterns where action != "*" && !action.contains(":") {
            throw AWSError.malformedPolicyDocument("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        }
        var resources: Statement.Patterns?
        var principals: [String: [String]]?
        var anyPrincipal = false
        switch kind {
        case .identity:
            guard s["Principal"] == nil, s["NotPrincipal"] == nil else {
                throw AWSError.malformedPolicyDocument("Policy document should not specify a principal.")
            }
            resources = try patterns(s, "Resource", "NotResource", what: "Resource")
            for resource in resources?.patterns ?? [] where resource != "*" && !resource.hasPrefix("arn:") {
                throw AWSError.malformedPolicyDocument("Resource \(resource) must be in ARN format or \"*\".")
            }
        case .trust:
            guard s["Resource"] == nil, s["NotResource"] == nil else {
                throw AWSError.malformedPolicyDocument("Has prohibited field Resource")
            }
            if case .string("*")? = s["Principal"] {
                anyPrincipal = true
            } else if case .object(let principal)? = s["Principal"] {
                var byType: [String: [String]] = [:]
                for (type, value) in principal {
                    guard let values = strings(value) else { throw AWSError.malformedPolicyDocument("Invalid principal in policy") }
                    byType[type] = values
                    if type == "AWS" && values == ["*"] { anyPrincipal = true }
                }
                principals = byType
            } else {
                throw AWSError.malformedPolicyDocument("Missing required field Principal")
            }
        }
        var conditions: [PolicyCondition] = []
        if let block = s["Condition"] {
            guard case .object(let block) = block else { throw AWSError.malformedPolicyDocument("Invalid Condition block") }
            for (op, keys) in block.sorted(by: { $0.key < $1.key }) {
                guard case .object(let keys) = keys else { throw AWSError.malformedPolicyDocument("Invalid Condition block") }
                for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                    // JSON booleans and numbers stand for their text (`true`, `3600`), as IAM reads them.
                    let items: [JSONValue]
                    if case .array(let list) = value { items = list } else { items = [value] }
                    var values: [String] = []
                    for item in items {
                        guard let text = item.scalarText else {
                            throw AWSError.malformedPolicyDocument("Invalid Condition value for \(key)")
                        }
                        values.append(text)
                    }
                    conditions.append(try PolicyCondition(operator: op, key: key, values: values))
                }
            }
        }
        var sid: String?
        if case .string(let text)? = s["Sid"] { sid = text }
        return Statement(sid: sid, effect: effect, actions: actions, resources: resources, principals: principals,
                         anyPrincipal: anyPrincipal, conditions: conditions, start: span.0, end: span.1)
    }

    private static func patterns(_ s: [String: JSONValue], _ positive: String, _ negative: String, what: String) throws(AWSError) -> Statement.Patterns {
        switch (s[positive], s[negative]) {
        case (let value?, nil):
            guard let list = strings(value), !list.isEmpty else { throw AWSError.malformedPolicyDocument("Invalid \(what) element") }
            return Statement.Patterns(patterns: list, negated: false)
        case (nil, let value?):
            guard let list = strings(value), !list.isEmpty else { throw AWSError.malformedPolicyDocument("Invalid \(negative) element") }
            return Statement.Patterns(patterns: list, negated: true)
        case (nil, nil):
            throw AWSError.malformedPolicyDocument("Policy statement must contain \(what == "Action" ? "actions" : "resources").")
        default:
            throw AWSError.malformedPolicyDocument("Policy statement cannot contain both \(positive) and \(negative).")
        }
    }
}

extension PolicyDocument.Statement.Patterns {
    /// Whether the statement applies to `value`: it matches a pattern (or, negated, none). Actions compare without
    /// case (IAM: "action names are case-insensitive"), resources with case.
    /// - Parameters:
    ///   - value: The action (`s3:GetObject`) or resource ARN of the request.
    ///   - ignoringCase: `true` for actions, `false` for resources.
    /// - Returns: Whether the `Action`/`NotAction` (or `Resource`/`NotResource`) element covers `value`.
    public func applies(to value: String, ignoringCase: Bool) -> Bool {
        let subject = ignoringCase ? value.lowercased() : value
        let matched = patterns.contains { PolicyPattern.matches(ignoringCase ? $0.lowercased() : $0, subject) }
        return matched != negated
    }

    /// ``applies(to:ignoringCase:)`` for resources, with policy variables resolved from the request's keys
    /// (lowercased names); a pattern whose variable has no value matches nothing.
    func applies(toResource value: String, variables context: [String: [String]]) -> Bool {
        let matched = patterns.contains { pattern in
            guard pattern.contains("${") else { return PolicyPattern.matches(pattern, value) }
            return PolicyPattern.resolve(pattern, context).map { PolicyPattern.matches($0, value) } ?? false
        }
        return matched != negated
    }
}

/// IAM's wildcards: `*` any run of characters (also none), `?` exactly one.
enum PolicyPattern {
    enum Token: Equatable { case literal(Unicode.Scalar), star, one }

    static func matches(_ pattern: String, _ value: String) -> Bool {
        matches(tokens(pattern), value)
    }

    static func tokens(_ pattern: String) -> [Token] {
        pattern.unicodeScalars.map { $0 == "*" ? .star : $0 == "?" ? .one : .literal($0) }
    }

    /// `pattern` with its policy variables resolved from `context` (IAM User Guide, "IAM policy elements: Variables
    /// and tags"): `${key}` is the request's single value for the key (key names without case), `${key, 'default'}`
    /// its default when the key is absent, and `${*}`, `${?}`, `${$}` the literal characters. Substituted text is
    /// literal (a `*` in a value is not a wildcard). `nil` when a variable has no value and no default: such an
    /// element matches nothing.
    static func resolve(_ pattern: String, _ context: [String: [String]]) -> [Token]? {
        var tokens: [Token] = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "${") {
            tokens += Self.tokens(String(rest[..<start.lowerBound]))
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                tokens += Self.tokens(String(rest[start.lowerBound...]))
                return tokens
            }
            let inner = rest[start.upperBound..<end].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: end)...]
            switch inner {
            case "*": tokens.append(.literal("*"))
            case "?": tokens.append(.literal("?"))
            case "$": tokens.append(.literal("$"))
            default:
                let parts = inner.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let key = parts[0].lowercased()
                var value = context[key].flatMap { $0.count == 1 ? $0[0] : nil }
                if value == nil, parts.count == 2, parts[1].hasPrefix("'"), parts[1].hasSuffix("'"), parts[1].count >= 2 {
                    value = String(parts[1].dropFirst().dropLast())
                }
                guard let value else { return nil }
                tokens += value.unicodeScalars.map { .literal($0) }
            }
        }
        return tokens + Self.tokens(String(rest))
    }

    static func matches(_ p: [Token], _ value: String) -> Bool {
        let v = Array(value.unicodeScalars)
        var (pi, vi, star, mark) = (0, 0, -1, 0)
        while vi < v.count {
            if pi < p.count, p[pi] == .one || p[pi] == .literal(v[vi]) { pi += 1; vi += 1 }
            else if pi < p.count && p[pi] == .star { star = pi; mark = vi; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; vi = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == .star { pi += 1 }
        return pi == p.count
    }
}

/// Any JSON value, read with `JSONDecoder` so that `true` and `1` stay apart (policy documents, and documents
/// embedded as objects in mock-aws's configuration).
public indirect enum JSONValue: Codable, Sendable, Hashable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    /// Reads any JSON value.
    /// - Parameter decoder: The decoder positioned at the value.
    /// - Throws: `DecodingError` when the input is not JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let n = try? container.decode(Double.self) { self = .number(n) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Writes the value as it was read.
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: `EncodingError` when a number is not finite.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let v): try container.encode(v)
        case .number(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        case .null: try container.encodeNil()
        }
    }

    /// A string, a number or a boolean as policy text (`3600`, `true`); `nil` for anything else.
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        default: return nil
        }
    }
}
