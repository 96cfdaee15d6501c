import Foundation

/// One `Condition` test of a policy statement: an operator, a key and the values it accepts.
///
/// The operators are IAM's (IAM User Guide, "IAM JSON policy elements: Condition operators"): String, Numeric, Date,
/// Bool, Binary, IP address and ARN operators, `Null`, each with the `…IfExists` form, and the set qualifiers
/// `ForAnyValue:` and `ForAllValues:`. An operator IAM does not know is refused when the policy is read, so that a
/// Deny can never be silently dropped because its condition could not be evaluated.
public struct PolicyCondition: Sendable, Hashable {
    enum Test: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// The negated operators: true when no value of the key matches (and when the key is absent).
        var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress,
                 .arnNotEquals, .arnNotLike: return true
            default: return false
            }
        }
    }

    enum Quantifier: Sendable, Hashable { case single, forAnyValue, forAllValues }

    let test: Test
    let quantifier: Quantifier
    let ifExists: Bool
    /// The condition key as written; compared without case (IAM: condition key names are case-insensitive).
    public let key: String
    public let values: [String]
    /// The operator as written (`ForAnyValue:StringLike`), for messages.
    public let operatorName: String

    /// - Parameters:
    ///   - operator: The condition operator, such as `StringEquals`, `ForAnyValue:StringLike` or `DateLessThanIfExists`.
    ///   - key: The condition key, such as `aws:PrincipalTag/Team` or `SAML:aud`.
    ///   - values: The values the policy gives for the key.
    /// - Throws: ``AWSError`` `MalformedPolicyDocument` for an operator IAM does not know, `IfExists` on `Null`, or a
    ///   value the operator cannot read (a number, a date, a boolean, a CIDR block).
    public init(operator: String, key: String, values: [String]) throws(AWSError) {
        var name = Substring(`operator`)
        var quantifier = Quantifier.single
        if name.hasPrefix("ForAnyValue:") { quantifier = .forAnyValue; name = name.dropFirst("ForAnyValue:".count) }
        else if name.hasPrefix("ForAllValues:") { quantifier = .forAllValues; name = name.dropFirst("ForAllValues:".count) }
        var ifExists = false
        if name.hasSuffix("IfExists") { ifExists = true; name = name.dropLast("IfExists".count) }
        guard let test = Test(rawValue: String(name)), !(ifExists && test == .null) else {
            throw AWSError.malformedPolicyDocument("Invalid Condition type : \(`operator`)")
        }
        for value in values where !Self.readable(value, by: test) {
            throw AWSError.malformedPolicyDocument("Invalid Condition value \(value) for \(`operator`)")
        }
        (self.test, self.quantifier, self.ifExists, self.key, self.values, self.operatorName) = (test, quantifier, ifExists, key, values, `operator`)
    }

    private static func readable(_ value: String, by test: Test) -> Bool {
        switch test {
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            return Double(value) != nil
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            return date(value) != nil
        case .bool, .null: return value.lowercased() == "true" || value.lowercased() == "false"
        case .ipAddress, .notIpAddress: return CIDR(value) != nil
        default: return true
        }
    }

    /// Whether the condition holds for the request's keys (names lowercased, each with its values).
    /// - Parameter context: The request context: lowercased key names and their values.
    public func holds(in context: [String: [String]]) -> Bool {
        holds(in: context, variables: false)
    }

    /// A policy value as compared: its text, and, once policy variables are resolved, its tokens (so that `${*}`
    /// stays a literal `*` for the Like operators), or `unresolved` when a variable in it has no value.
    private enum Pattern {
        case text(String)
        case resolved(String, [PolicyPattern.Token])
        case unresolved
    }

    /// ``holds(in:)`` with policy variables in the values resolved from `context` (2012-10-17 documents). A value
    /// whose variable has no value matches no request value, and fails a negated operator too (it is not known to
    /// differ): it can never make a condition hold.
    func holds(in context: [String: [String]], variables: Bool) -> Bool {
        guard variables, values.contains(where: { $0.contains("${") }) else { return evaluate(values.map { .text($0) }, in: context) }
        let patterns = values.map { value -> Pattern in
            guard value.contains("${") else { return .text(value) }
            guard let tokens = PolicyPattern.resolve(value, context) else { return .unresolved }
            return .resolved(String(String.UnicodeScalarView(tokens.map { token -> Unicode.Scalar in
                switch token { case .literal(let c): return c; case .star: return "*"; case .one: return "?" }
            })), tokens)
        }
        return evaluate(patterns, in: context)
    }

    private func evaluate(_ values: [Pattern], in context: [String: [String]]) -> Bool {
        let present = context[key.lowercased()] ?? []
        if test == .null {
            // "Null": true means the key must be absent, false that it must be present.
            guard case .text(let flag)? = values.first else { return false }
            return (flag.lowercased() == "true") == present.isEmpty
        }
        if present.isEmpty {
            // An absent key: …IfExists passes; a negated operator passes ("not equal" to nothing); ForAllValues of
            // an empty set is true; anything else fails.
            return ifExists || test.isNegated || quantifier == .forAllValues
        }
        // An unresolved value is taken as matching under a negated operator, so that the negation fails.
        let matches = present.map { value in
            values.contains { pattern in
                switch pattern {
                case .text(let text): return positiveMatch(text, value)
                case .resolved(let text, let tokens):
                    return test == .stringLike || test == .stringNotLike ? PolicyPattern.matches(tokens, value) : positiveMatch(text, value)
                case .unresolved: return test.isNegated
                }
            }
        }
        switch quantifier {
        case .forAllValues:
            return test.isNegated ? !matches.contains(true) : matches.allSatisfy { $0 }
        case .forAnyValue, .single:
            return test.isNegated ? !matches.contains(true) : matches.contains(true)
        }
    }

    /// The operator's comparison without its negation: does the request `value` match the policy's `pattern`?
    private func positiveMatch(_ pattern: String, _ value: String) -> Bool {
        switch test {
        case .stringEquals, .stringNotEquals: return pattern == value
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return pattern.lowercased() == value.lowercased()
        case .stringLike, .stringNotLike: return PolicyPattern.matches(pattern, value)
        case .numericEquals, .numericNotEquals: return compare(Double(pattern), Double(value)) { $1 == $0 }
        case .numericLessThan: return compare(Double(pattern), Double(value)) { $1 < $0 }
        case .numericLessThanEquals: return compare(Double(pattern), Double(value)) { $1 <= $0 }
        case .numericGreaterThan: return compare(Double(pattern), Double(value)) { $1 > $0 }
        case .numericGreaterThanEquals: return compare(Double(pattern), Double(value)) { $1 >= $0 }
        case .dateEquals, .dateNotEquals: return compare(Self.date(pattern), Self.date(value)) { $1 == $0 }
        case .dateLessThan: return compare(Self.date(pattern), Self.date(value)) { $1 < $0 }
        case .dateLessThanEquals: return compare(Self.date(pattern), Self.date(value)) { $1 <= $0 }
        case .dateGreaterThan: return compare(Self.date(pattern), Self.date(value)) { $1 > $0 }
        case .dateGreaterThanEquals: return compare(Self.date(pattern), Self.date(value)) { $1 >= $0 }
        case .bool: return pattern.lowercased() == value.lowercased()
        case .binaryEquals: return pattern == value
        case .ipAddress, .notIpAddress: return CIDR(pattern)?.contains(value) ?? false
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: return Self.arnMatches(pattern, value)
        case .null: return false
        }
    }

    private func compare<T>(_ pattern: T?, _ value: T?, _ body: (T, T) -> Bool) -> Bool {
        guard let pattern, let value else { return false }
        return body(pattern, value)
    }

    /// ARN operators: each of the six colon-separated parts is matched on its own, with wildcards, case-sensitively
    /// (the resource part keeps any further colons).
    static func arnMatches(_ pattern: String, _ value: String) -> Bool {
        let p = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let v = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard p.count == 6, v.count == 6 else { return pattern == "*" }
        return zip(p, v).allSatisfy { PolicyPattern.matches(String($0), String($1)) }
    }

    /// A date as IAM reads it: ISO 8601 (with or without fractional seconds, or a date alone) or epoch seconds.
    static func date(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            iso.formatOptions = options
            if let date = iso.date(from: text) { return date }
        }
        return nil
    }
}

/// An IPv4 or IPv6 CIDR block (or a single address) for `IpAddress`/`NotIpAddress`.
struct CIDR: Sendable, Hashable {
    let network: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = bits
        }
        network = address
    }

    func contains(_ text: String) -> Bool {
        guard let address = Self.bytes(text), address.count == network.count else { return false }
        var remaining = prefix
        for (a, n) in zip(address, network) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != n & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// Dotted-quad IPv4 (exactly four decimal octets) or IPv6 (with `::`), as bytes.
    static func bytes(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var result: [UInt8] = []
        for octet in octets {
            // No leading zeros: `010` is 8 to inet_aton and 10 to a decimal reader, so neither reading is taken.
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), !(octet.count > 1 && octet.first == "0"),
                  let value = UInt8(octet) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var result: [UInt16] = []
            for group in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
