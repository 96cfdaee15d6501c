import Foundation
import SAML

/// The OData query options of a Graph collection request (Graph docs "Use query parameters to customize
/// responses"): `$select`, `$filter`, `$top`, `$count`, and the `$skiptoken` of an `@odata.nextLink`. One parser for
/// every resource; hostile input is bounded (length, tokens, nesting) and answered 400, never a crash.
struct ODataQuery: Sendable {
    var select: [String]?
    var filter: ODataFilter?
    var top: Int?
    var count = false
    /// The offset a `$skiptoken` carries.
    var skip = 0
    /// The raw (still encoded) pairs other than `$skiptoken`, for the next link.
    var carried: [(name: String, value: String)] = []


    /// The longest query string read.
    static let maxQueryLength = 8 * 1024
    /// Options Graph has that mock-entra does not serve: refused by name rather than ignored.
    static let unsupported: Set<String> = ["$expand", "$orderby", "$search", "$skip", "$format", "$apply"]

    /// Reads a query string. `maxTop`: Graph's largest page for the resource (999 for directory objects).
    static func parse(_ query: String?, maxTop: Int = 999) throws(GraphError) -> ODataQuery {
        var result = ODataQuery()
        guard let query, !query.isEmpty else { return result }
        guard query.utf8.count <= maxQueryLength else { throw .badRequest("The query string is longer than \(maxQueryLength) bytes.") }
        var seen: Set<String> = []
        for (rawName, rawValue) in FormEncoding.rawPairs(query) {
            let name: String, value: String
            do {
                (name, value) = (try FormEncoding.decode(rawName), try FormEncoding.decode(rawValue))
            } catch {
                throw .badRequest("The query string is not well formed: \(error.message).")
            }
            // OData options are case-insensitive in Graph v1.0; each may appear once.
            let option = name.lowercased()
            guard option.hasPrefix("$") else { continue }
            guard seen.insert(option).inserted else { throw .badRequest("Query option '\(name.prefix(40))' was specified more than once.") }
            if option != "$skiptoken" { result.carried.append((String(rawName), String(rawValue))) }
            switch option {
            case "$select":
                let fields = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard !fields.isEmpty, fields.count <= 64, fields.allSatisfy(ODataLexer.isIdentifier) else {
                    throw .badRequest("Invalid $select: '\(value.prefix(100))'.")
                }
                result.select = fields
            case "$filter":
                result.filter = try ODataFilter.parse(value)
            case "$top":
                // Graph: "Invalid page size specified: 'N'. Must be between 1 and 999 inclusive."
                guard let top = Int(value), (1...maxTop).contains(top) else {
                    throw .badRequest("Invalid page size specified: '\(value.prefix(20))'. Must be between 1 and \(maxTop) inclusive.")
                }
                result.top = top
            case "$count":
                guard value == "true" || value == "false" else { throw .badRequest("Invalid value for $count: '\(value.prefix(20))'.") }
                result.count = value == "true"
            case "$skiptoken":
                guard let skip = SkipToken.offset(value) else { throw .badRequest("The specified skip token is invalid.") }
                result.skip = skip
            default:
                if unsupported.contains(option) {
                    throw .badRequest("mock-entra does not serve the query option '\(name)'.")
                }
                throw .badRequest("Query option '\(name.prefix(40))' is not allowed.")
            }
        }
        return result
    }
}

/// The opaque `$skiptoken` of a next link: the offset of the next page.
enum SkipToken {
    static func make(_ offset: Int) -> String { "RFNwdAIA" + Base64URL.encode(Array("offset:\(offset)".utf8)) }

    static func offset(_ token: String) -> Int? {
        guard token.hasPrefix("RFNwdAIA"), token.utf8.count <= 64, let bytes = Base64URL.decode(token.dropFirst(8)) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("offset:"), let n = Int(text.dropFirst(7)), n >= 0, n < 10_000_000 else { return nil }
        return n
    }
}

/// A `$filter` expression: comparisons (`eq`, `ne`, `gt`, `ge`, `lt`, `le`), `startswith`, `and`, `or`, `not`,
/// parentheses, on a resource's properties (a `/` path reaches into a complex property, `status/errorCode`).
indirect enum ODataFilter: Sendable, Hashable {
    enum Comparison: String, Sendable { case eq, ne, gt, ge, lt, le }
    enum Literal: Sendable, Hashable {
        case string(String), number(Double), bool(Bool), null
        /// An unquoted date-time (`2026-11-29T10:00:00Z`), as `$filter` writes one.
        case date(Date)
    }

    case compare(String, Comparison, Literal)
    case startsWith(String, String)
    case and(ODataFilter, ODataFilter)
    case or(ODataFilter, ODataFilter)
    case not(ODataFilter)

    static let maxLength = 2048
    static let maxTokens = 256
    static let maxDepth = 16

    static func parse(_ text: String) throws(GraphError) -> ODataFilter {
        guard text.utf8.count <= maxLength else { throw .badRequest("The $filter is longer than \(maxLength) characters.") }
        var parser = ODataParser(tokens: try ODataLexer.tokens(text))
        let filter = try parser.orExpression(depth: 0)
        guard parser.atEnd else { throw ODataParser.invalid("unexpected '\(parser.peek.map(String.init(describing:)) ?? "")'") }
        return filter
    }

    /// Every property the expression names (to refuse unknown ones with Graph's error).
    var properties: [String] {
        switch self {
        case .compare(let p, _, _), .startsWith(let p, _): return [p]
        case .and(let a, let b), .or(let a, let b): return a.properties + b.properties
        case .not(let a): return a.properties
        }
    }

    /// Whether it uses what Graph calls advanced queries on directory objects (`ne`, `not`): those need
    /// `ConsistencyLevel: eventual` and `$count=true` (Graph docs "Advanced query capabilities on Microsoft Entra ID
    /// objects").
    var isAdvanced: Bool {
        switch self {
        case .compare(_, let op, _): return op == .ne
        case .startsWith: return false
        case .and(let a, let b), .or(let a, let b): return a.isAdvanced || b.isAdvanced
        case .not: return true
        }
    }

    /// Whether `object` passes. Text compares case-insensitively, as the directory does.
    func matches(_ object: [String: JSONValue]) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(object) && b.matches(object)
        case .or(let a, let b): return a.matches(object) || b.matches(object)
        case .not(let a): return !a.matches(object)
        case .startsWith(let path, let prefix):
            guard let value = Self.value(path, in: object)?.string else { return false }
            return value.lowercased().hasPrefix(prefix.lowercased())
        case .compare(let path, let op, let literal):
            let value = Self.value(path, in: object) ?? .null
            guard let order = Self.order(value, literal) else { return op == .ne }
            switch op {
            case .eq: return order == .orderedSame
            case .ne: return order != .orderedSame
            case .gt: return order == .orderedDescending
            case .ge: return order != .orderedAscending
            case .lt: return order == .orderedAscending
            case .le: return order != .orderedDescending
            }
        }
    }

    /// A property by path, names case-insensitive; a collection property matches when any element does.
    static func value(_ path: String, in object: [String: JSONValue]) -> JSONValue? {
        var current: JSONValue = .object(object)
        for part in path.split(separator: "/") {
            guard let fields = current.object, let match = fields.first(where: { $0.key.lowercased() == part.lowercased() }) else { return nil }
            current = match.value
        }
        return current
    }

    /// How a property's value orders against a literal; nil when they cannot be compared.
    static func order(_ value: JSONValue, _ literal: Literal) -> ComparisonResult? {
        func cmp<T: Comparable>(_ a: T, _ b: T) -> ComparisonResult { a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame) }
        switch (value, literal) {
        case (.null, .null): return .orderedSame
        case (_, .null): return .orderedDescending
        case (.string(let s), .string(let l)): return cmp(s.lowercased(), l.lowercased())
        case (.string(let s), .date(let d)):
            guard let date = SAMLInstant.parse(s) else { return nil }
            return cmp(date, d)
        case (.bool(let b), .bool(let l)): return b == l ? .orderedSame : .orderedAscending
        case (.int(let i), .number(let n)): return cmp(Double(i), n)
        case (.double(let x), .number(let n)): return cmp(x, n)
        default: return nil
        }
    }
}

/// The tokens of a `$filter`.
enum ODataToken: Sendable, Hashable, CustomStringConvertible {
    case identifier(String)
    case string(String)
    case bare(String)
    case open, close, comma

    var description: String {
        switch self {
        case .identifier(let s), .bare(let s): return String(s.prefix(40))
        case .string(let s): return "'\(s.prefix(40))'"
        case .open: return "("
        case .close: return ")"
        case .comma: return ","
        }
    }
}

enum ODataLexer {
    /// A property name or path: letters, digits, `_`, `/` (not first), at most 128 characters.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.utf8.count <= 128, CharacterSet.letters.contains(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || $0 == "_" || $0 == "/" }
    }

    static func tokens(_ text: String) throws(GraphError) -> [ODataToken] {
        var tokens: [ODataToken] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            guard tokens.count <= ODataFilter.maxTokens else { throw .badRequest("The $filter has more than \(ODataFilter.maxTokens) terms.") }
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "(" { tokens.append(.open); i += 1; continue }
            if c == ")" { tokens.append(.close); i += 1; continue }
            if c == "," { tokens.append(.comma); i += 1; continue }
            if c == "'" {
                // A string literal; '' is a quote inside it (OData ABNF).
                var value = String.UnicodeScalarView()
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" { value.append("'"); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw ODataParser.invalid("an unterminated string") }
                tokens.append(.string(String(value)))
                continue
            }
            var word = String.UnicodeScalarView()
            while i < chars.count, !" \t(),'".unicodeScalars.contains(chars[i]) {
                word.append(chars[i])
                i += 1
            }
            let text = String(word)
            if isIdentifier(text) { tokens.append(.identifier(text)) } else { tokens.append(.bare(text)) }
        }
        return tokens
    }
}

/// A recursive-descent parser over at most ``ODataFilter/maxTokens`` tokens and ``ODataFilter/maxDepth`` levels of
/// parentheses, so no input can exhaust the stack.
struct ODataParser {
    let tokens: [ODataToken]
    var position = 0

    var atEnd: Bool { position >= tokens.count }
    var peek: ODataToken? { atEnd ? nil : tokens[position] }

    static func invalid(_ what: String) -> GraphError { .badRequest("Invalid filter clause: \(what).") }

    mutating func next() -> ODataToken? {
        defer { position += 1 }
        return peek
    }

    mutating func keyword(_ word: String) -> Bool {
        if case .identifier(let w) = peek, w.lowercased() == word { position += 1; return true }
        return false
    }

    mutating func orExpression(depth: Int) throws(GraphError) -> ODataFilter {
        var left = try andExpression(depth: depth)
        while keyword("or") { left = .or(left, try andExpression(depth: depth)) }
        return left
    }

    mutating func andExpression(depth: Int) throws(GraphError) -> ODataFilter {
        var left = try unary(depth: depth)
        while keyword("and") { left = .and(left, try unary(depth: depth)) }
        return left
    }

    mutating func unary(depth: Int) throws(GraphError) -> ODataFilter {
        guard depth < ODataFilter.maxDepth else { throw .badRequest("The $filter nests deeper than \(ODataFilter.maxDepth) levels.") }
        if keyword("not") { return .not(try unary(depth: depth + 1)) }
        if peek == .open {
            position += 1
            let inner = try orExpression(depth: depth + 1)
            guard next() == .close else { throw Self.invalid("a missing ')'") }
            return inner
        }
        guard case .identifier(let name) = next() else { throw Self.invalid("a property or function was expected") }
        if name.lowercased() == "startswith", peek == .open {
            position += 1
            guard case .identifier(let property) = next(), next() == .comma, case .string(let prefix) = next(), next() == .close else {
                throw Self.invalid("startswith takes a property and a string")
            }
            return .startsWith(property, prefix)
        }
        guard case .identifier(let op) = next(), let comparison = ODataFilter.Comparison(rawValue: op.lowercased()) else {
            throw Self.invalid("an operator (eq, ne, gt, ge, lt, le) was expected after '\(name.prefix(40))'")
        }
        return .compare(name, comparison, try literal())
    }

    mutating func literal() throws(GraphError) -> ODataFilter.Literal {
        switch next() {
        case .string(let s): return .string(s)
        case .identifier(let w) where w == "true": return .bool(true)
        case .identifier(let w) where w == "false": return .bool(false)
        case .identifier(let w) where w == "null": return .null
        case .bare(let w):
            if let n = Double(w), w.utf8.count <= 32 { return .number(n) }
            if let date = SAMLInstant.parse(w) { return .date(date) }
            throw Self.invalid("'\(w.prefix(40))' is not a value")
        case .identifier(let w) where Double(w) != nil: return .number(Double(w) ?? 0)
        default: throw Self.invalid("a value was expected")
        }
    }
}
