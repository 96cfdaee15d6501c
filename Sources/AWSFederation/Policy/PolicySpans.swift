/// Where each statement object of a policy's `Statement` sits in the text, for the policy simulator's
/// `MatchedStatements` (`StartPosition`/`EndPosition`, 1-based line and column). `JSONDecoder` keeps no positions,
/// so a small scanner walks the text: strings (with escapes) are skipped, braces and brackets counted, and only the
/// top-level `"Statement"` member is followed. Called only on text `JSONDecoder` has already accepted.
enum PolicySpans {
    typealias Position = PolicyDocument.Position

    static func statements(in json: String) -> [(Position, Position)] {
        let bytes = Array(json.utf8)
        var i = 0, line = 1, column = 1
        var depth = 0
        var spans: [(Position, Position)] = []
        var inStatement = false        // inside the top-level Statement value
        var statementDepth = 0         // depth at which that value's objects open
        var objectStart: Position?
        var lastKey: String?
        func advance() {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                let start = i + 1
                advance()
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { advance() }
                    if i < bytes.count { advance() }
                }
                let text = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self)
                if i < bytes.count { advance() }
                if depth == 1 { lastKey = text }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 2 && lastKey == "Statement" && !inStatement {
                    inStatement = true
                    statementDepth = c == UInt8(ascii: "[") ? 3 : 2
                    if c == UInt8(ascii: "{") { objectStart = Position(line: line, column: column) }
                } else if inStatement && depth == statementDepth && c == UInt8(ascii: "{") {
                    objectStart = Position(line: line, column: column)
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if inStatement && depth == statementDepth && c == UInt8(ascii: "}"), let start = objectStart {
                    spans.append((start, Position(line: line, column: column)))
                    objectStart = nil
                }
                if inStatement && depth == 2 { inStatement = false; lastKey = nil }
                depth -= 1
            default:
                break
            }
            advance()
        }
        return spans
    }
}
