import Foundation
import SAML

/// One page of Entra's sign-in as a client without a browser reads it (entra-signin-protocol.md §2, §3): what kind
/// of page it is, its `$Config`, and for the final "Working..." page its form.
public struct ConvergedPage: Sendable {
    /// The kinds saml2aws tells apart, in the order it tests them (pkg/provider/aad/aad.go `Authenticate`): a page is
    /// the first kind whose marker it contains, so the order matters as much as the markers.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case signIn = "ConvergedSignIn"
        case proofUpRedirect = "ConvergedProofUpRedirect"
        case kmsi = "KmsiInterrupt"
        case tfa = "ConvergedTFA"
        /// The launcher's page whose script sends the browser to `/{tenant}/saml2?SAMLRequest=…`.
        case samlRequest = "SAMLRequest"
        /// The "Working..." page whose form posts on by itself (aad.go `isHiddenForm`: the exact first bytes and a
        /// form named `hiddenform`).
        case hiddenForm
        /// Anything else: an error page, or a step this client does not know.
        case other
    }

    /// The `$Config` keys a client needs (unknown keys are ignored; every key is optional, as pages differ).
    public struct Config: Decodable, Sendable {
        public struct Proof: Decodable, Sendable {
            public var authMethodId: String
            public var isDefault: Bool?
            public var phoneAppOtpTypes: [String]?
        }

        public var pgid: String?
        public var sFT: String?
        public var sFTName: String?
        public var sCtx: String?
        public var canary: String?
        public var apiCanary: String?
        public var correlationId: String?
        public var sessionId: String?
        public var urlPost: String?
        public var urlGetCredentialType: String?
        public var urlBeginAuth: String?
        public var urlEndAuth: String?
        public var sPOST_Username: String?
        public var sErrorCode: String?
        public var sErrTxt: String?
        public var strServiceExceptionMessage: String?
        public var arrUserProofs: [Proof]?

        /// The form field the flow token goes in (`flowToken` unless the page names another).
        public var flowTokenName: String { sFTName.flatMap { $0.isEmpty ? nil : $0 } ?? "flowToken" }
    }

    public let body: String
    public let kind: Kind

    public init(_ body: String) {
        self.body = body
        kind = Self.classify(body)
    }

    /// saml2aws's order: the first marker found wins; then the hidden form; then nothing known.
    public static func classify(_ body: String) -> Kind {
        for kind in [Kind.signIn, .proofUpRedirect, .kmsi, .tfa, .samlRequest] where body.contains(kind.rawValue) { return kind }
        if body.hasPrefix("<html><head><title>Working...</title></head>") && body.contains("name=\"hiddenform\"") { return .hiddenForm }
        return .other
    }

    /// The page's `$Config`, cut out as saml2aws does (aad.go `getJsonFromConfig`): after the first `$Config=`, up to
    /// the next `//]]>`, then up to the last `}` before it.
    public func config() throws(EntraSignIn.Refused) -> Config {
        guard let start = body.range(of: "$Config="),
              let end = body.range(of: "//]]>", range: start.upperBound..<body.endIndex),
              let close = body[start.upperBound..<end.lowerBound].lastIndex(of: "}") else {
            throw EntraSignIn.Refused(code: nil, message: "the sign-in page has no $Config")
        }
        do {
            return try JSONDecoder().decode(Config.self, from: Data(body[start.upperBound...close].utf8))
        } catch {
            throw EntraSignIn.Refused(code: nil, message: "the sign-in page's $Config could not be read: \(error)")
        }
    }

    /// A form's `<input>` fields that have both a name and a value (what saml2aws re-posts, aad.go `reSubmitFormData`),
    /// entities decoded; the last of a repeated name wins.
    public func inputs() -> [(name: String, value: String)] {
        Self.tags("input", in: body).compactMap { attributes in
            guard let name = attributes["name"], let value = attributes["value"] else { return nil }
            return (name, value)
        }
    }

    /// The action of the last form that has one.
    public func formAction() -> String? { Self.tags("form", in: body).compactMap { $0["action"] }.last }

    /// The URL the launcher's SAMLRequest page sends the browser to (aad.go `processSAMLRequest`: of the `;`-separated
    /// pieces that mention SAMLRequest, the last; from its `https://`, or `http://` for a local mock, to the next
    /// quote, taken as it stands, as saml2aws takes it).
    public func samlRequestURL() -> String? {
        var found: String?
        for piece in body.split(separator: ";") where piece.contains("SAMLRequest") {
            guard let start = piece.range(of: "https://") ?? piece.range(of: "http://") else { continue }
            let rest = piece[start.lowerBound...]
            let url = rest.prefix { $0 != "'" && $0 != "\"" }
            found = String(url)
        }
        return found
    }

    /// The attributes of every `<name …>` tag, names lower-cased and values entity-decoded. Enough for Entra's
    /// generated markup (quoted attribute values), not a general HTML parser.
    static func tags(_ name: String, in body: String) -> [[String: String]] {
        var result: [[String: String]] = []
        var rest = body[...]
        while let open = rest.range(of: "<\(name)", options: .caseInsensitive) {
            let afterName = rest[open.upperBound...]
            guard let first = afterName.first, first == " " || first == "\n" || first == "\t" || first == ">" || first == "/" else {
                rest = afterName
                continue
            }
            guard let close = afterName.firstIndex(of: ">") else { break }
            result.append(attributes(String(afterName[..<close])))
            rest = afterName[close...]
        }
        return result
    }

    static func attributes(_ text: String) -> [String: String] {
        var attributes: [String: String] = [:]
        var index = text.startIndex
        func skipSpaces() { while index < text.endIndex, text[index].isWhitespace || text[index] == "/" { index = text.index(after: index) } }
        while true {
            skipSpaces()
            guard index < text.endIndex else { break }
            let nameStart = index
            while index < text.endIndex, !text[index].isWhitespace, text[index] != "=", text[index] != "/" { index = text.index(after: index) }
            let name = text[nameStart..<index].lowercased()
            guard index < text.endIndex, text[index] == "=" else {
                if !name.isEmpty { attributes[name] = attributes[name] ?? "" }
                continue
            }
            index = text.index(after: index)
            guard index < text.endIndex else { break }
            let quote = text[index]
            let value: Substring
            if quote == "\"" || quote == "'" {
                index = text.index(after: index)
                let valueStart = index
                while index < text.endIndex, text[index] != quote { index = text.index(after: index) }
                value = text[valueStart..<index]
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                let valueStart = index
                while index < text.endIndex, !text[index].isWhitespace { index = text.index(after: index) }
                value = text[valueStart..<index]
            }
            if !name.isEmpty { attributes[name] = Markup.unescape(String(value)) }
        }
        return attributes
    }
}
