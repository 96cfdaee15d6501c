import Foundation

/// Textual edits of serialised SAML, the building blocks of the attack shapes. They work on the compact,
/// prefix-free serialisation Entra and this package produce (`<Assertion …>`, `<Signature xmlns=…>`).
public enum AttackEdit {
    /// The NameID an attacker puts in place of the victim's.
    public static let defaultEvilNameID = "admin@evil.example"

    /// An edit whose anchor text is not in the document.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// `s` with every `a` replaced by `b` (or only the first, with `once`); fails when `a` is absent.
    public static func replace(_ s: String, _ a: String, _ b: String, once: Bool = false) throws(Failure) -> String {
        guard let first = s.range(of: a) else { throw Failure("\"\(a.prefix(60))\" not found") }
        if once {
            var copy = s
            copy.replaceSubrange(first, with: b)
            return copy
        }
        return s.replacingOccurrences(of: a, with: b)
    }

    /// The first `<name …>…</name>` element at or after `from` (the same name must not nest inside it).
    public static func element(_ s: String, _ name: String, from: String.Index? = nil) throws(Failure) -> Range<String.Index> {
        let start = from ?? s.startIndex
        guard let open = s.range(of: "<\(name) ", range: start..<s.endIndex) ?? s.range(of: "<\(name)>", range: start..<s.endIndex),
              let close = s.range(of: "</\(name)>", range: open.upperBound..<s.endIndex) else {
            throw Failure("<\(name)> not found")
        }
        return open.lowerBound..<close.upperBound
    }

    /// `s` without its first `<Signature …>…</Signature>` at or after `from`.
    public static func removeSignature(_ s: String, from: String.Index? = nil) throws(Failure) -> String {
        var copy = s
        copy.removeSubrange(try element(s, "Signature", from: from))
        return copy
    }

    /// The value of the first `ID="…"` attribute: the root element's.
    public static func firstID(_ s: String) throws(Failure) -> String {
        guard let start = s.range(of: " ID=\""), let end = s[start.upperBound...].firstIndex(of: "\"") else {
            throw Failure("no ID attribute")
        }
        return String(s[start.upperBound..<end])
    }

    /// Every NameID whose text equals the first NameID's text, given `value` instead: the content change an
    /// attacker wants, made after signing so that a signature no longer matches.
    public static func replaceNameID(_ s: String, with value: String) throws(Failure) -> String {
        let range = try element(s, "NameID")
        guard let textStart = s[range].firstIndex(of: ">"), let textEnd = s[range].range(of: "</NameID>")?.lowerBound else {
            throw Failure("NameID has no text")
        }
        let original = s[s.index(after: textStart)..<textEnd]
        return try replace(s, ">\(original)</NameID>", ">\(escape(value))</NameID>")
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
