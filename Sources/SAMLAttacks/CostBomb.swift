/// Shapes that cost a parser or a verifier more than their size suggests, made by editing a signed response so that
/// everything else about it is valid: the inputs of `saml-bench --hostile`, the corpus and the tests. Each fills up
/// to `bytes` (or `count` items), so they can be sized to a limit.
public enum CostBomb: String, CaseIterable, Sendable {
    /// Junk attributes on the unsigned `samlp:Response` start tag (libxml2 2.9 checks each against every earlier one).
    case attributes
    /// Namespace declarations on the root start tag (each is a lookup candidate for every prefix below it).
    case namespaces
    /// Empty sibling elements inside `samlp:Extensions`, before the Status (the Response is unsigned in Entra's default mode, so the assertion's signature still holds).
    case siblings
    /// Nested empty elements inside `samlp:Extensions` (recursion in the parser and every tree walk).
    case depth
    /// A Response ID of that many characters (xmlsec builds an XPointer expression from it).
    case idLength

    /// `xml` (a signed response in this package's serialisation) with about `count` units of the bomb.
    public func apply(to xml: String, count: Int) throws(AttackEdit.Failure) -> String {
        switch self {
        case .attributes:
            var junk = ""
            junk.reserveCapacity(count * 12)
            for i in 0..<count { junk += " a\(i)=\"x\"" }
            return try AttackEdit.replace(xml, "<samlp:Response ", "<samlp:Response" + junk + " ", once: true)
        case .namespaces:
            var junk = ""
            junk.reserveCapacity(count * 24)
            for i in 0..<count { junk += " xmlns:n\(i)=\"urn:n\(i)\"" }
            return try AttackEdit.replace(xml, "<samlp:Response ", "<samlp:Response" + junk + " ", once: true)
        case .siblings:
            return try AttackEdit.replace(xml, "<samlp:Status>",
                                          "<samlp:Extensions>" + String(repeating: "<x/>", count: count) + "</samlp:Extensions><samlp:Status>",
                                          once: true)
        case .depth:
            return try AttackEdit.replace(xml, "<samlp:Status>",
                                          "<samlp:Extensions>" + String(repeating: "<x>", count: count)
                                              + String(repeating: "</x>", count: count) + "</samlp:Extensions><samlp:Status>",
                                          once: true)
        case .idLength:
            guard let start = xml.range(of: "<samlp:Response "), let id = xml.range(of: "ID=\"", range: start.lowerBound..<xml.endIndex),
                  let end = xml.range(of: "\"", range: id.upperBound..<xml.endIndex) else { throw AttackEdit.Failure("no Response ID") }
            var copy = xml
            copy.replaceSubrange(id.upperBound..<end.lowerBound, with: "_" + String(repeating: "a", count: max(0, count - 1)))
            return copy
        }
    }

    /// How many units of the bomb fit in about `bytes` bytes.
    public func count(forBytes bytes: Int) -> Int {
        switch self {
        case .attributes: return bytes / 12
        case .namespaces: return bytes / 28
        case .siblings: return bytes / 4
        case .depth: return bytes / 7
        case .idLength: return bytes
        }
    }
}
