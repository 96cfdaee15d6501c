/// Text from a message, made safe to print on one terminal line: a response is written by whoever sent it, so its
/// values must not start a new line ("Accepted." forged under a rejection), move the cursor, reorder what follows
/// (bidirectional overrides) or hide in invisible characters. Such characters are shown as Swift escapes
/// (`\n`, `\u{202E}`); everything else is printed as it is. The JSON output needs none of this: its encoder escapes.
enum TerminalText {
    /// `text` with every control, format, line- and paragraph-separator character escaped (Unicode general
    /// categories Cc, Cf, Zl, Zp); backslashes too, so that an escape cannot be forged either.
    static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` of several lines (an indented document): each line as ``line(_:)`` makes it, the line breaks kept.
    static func block(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line(String($0)) }.joined(separator: "\n")
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return scalar == "\\"
        }
    }
}
