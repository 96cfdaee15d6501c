import Foundation

/// The `$Config` object every converged sign-in page carries (entra-signin-protocol.md §2.1): the page id, the flow
/// token and request context the next post must return, the URLs the page posts to and calls, and the error fields.
/// Clients read it instead of the markup (saml2aws pkg/provider/aad/aad.go `getJsonFromConfig`; davmail
/// O365Authenticator.java `extractConfig`; grizzly auth/aad.py `_parse_response_config`), so only the keys they
/// read are emitted, and nil ones are left out as Entra leaves out what a page does not use.
public struct ConvergedConfig: Codable, Sendable, Hashable {
    /// One way to pass MFA offered by ConvergedTFA (saml2aws aad.go reads `authMethodId`, `isDefault`; grizzly
    /// aad.py requires `phoneAppOtpTypes` to contain `SoftwareTokenBasedTOTP` for a TOTP code).
    public struct UserProof: Codable, Sendable, Hashable {
        public var authMethodId: String
        public var data: String
        public var display: String
        public var isDefault: Bool
        public var isLocationAware: Bool = false
        public var phoneAppOtpTypes: [String]?
    }

    /// `ConvergedSignIn`, `ConvergedTFA`, `KmsiInterrupt`, `ConvergedError`.
    public var pgid: String
    /// Entra's numeric page id and action, sent back by clients as the `hpgid`/`hpgact` headers (saml2aws,
    /// davmail, grizzly); the values are those of the saml2aws testdata pages.
    public var hpgid: Int
    public var hpgact: Int
    /// The flow token, posted back under the name `sFTName`.
    public var sFT: String
    public var sFTName = "flowToken"
    /// The request context (`ctx` on the password and KMSI posts, `request` on ProcessAuth).
    public var sCtx: String
    public var canary: String
    /// Named on the KMSI page (ROADtools roadtx selenium.py reads it to name the canary field).
    public var sCanaryTokenName: String?
    public var apiCanary: String
    public var correlationId: String
    public var sessionId: String
    public var urlPost: String
    public var urlGetCredentialType: String?
    public var urlBeginAuth: String?
    public var urlEndAuth: String?
    /// The user's UPN once known (saml2aws posts it as `login` to ProcessAuth).
    public var sPOST_Username: String?
    /// "50058" on a first visit (the user is not signed in yet: saml2aws ignores that value and stops on any other).
    public var sErrorCode: String
    public var sErrTxt: String
    public var arrValErrs: [String]
    public var strServiceExceptionMessage: String
    public var arrUserProofs: [UserProof]?
    /// Seconds between EndAuth polls per method (saml2aws sleeps value × 1 s).
    public var oPerAuthPollingInterval: [String: Double]?
    public var sAuthMethodInputFieldName: String?
    public var iTotpOtcLength: Int?
    public var country = "US"
    public var locale = PageLocale(mkt: "en-US", lcid: 1033)

    public struct PageLocale: Codable, Sendable, Hashable {
        public var mkt: String
        public var lcid: Int
    }

    /// The page's script: `//<![CDATA[`, then `$Config={…};` on one line, then `//]]></script>` on the next. Each
    /// client cuts the object out differently (saml2aws: from the first `$Config=` to the last `}` before `//]]>`;
    /// davmail: `Config=([^\n]+);` on one line; grizzly: up to the first `};`; ROADtools: up to two characters before
    /// `//]]></script>`), and this shape satisfies all of them as long as no string holds `};` or `>`: `&`, `<`, `>`,
    /// `'` and `;` are written as `\u00XX` escapes, so no value (a username typed by anyone) can end the object or
    /// the script early.
    public func script() -> String { Self.script(self) }

    /// The script for any page's `$Config` (``script()``'s shape and escaping).
    static func script(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var escaped = ""
        escaped.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "&": escaped += "\\u0026"
            case "<": escaped += "\\u003c"
            case ">": escaped += "\\u003e"
            case "'": escaped += "\\u0027"
            case ";": escaped += "\\u003b"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "<script type=\"text/javascript\">//<![CDATA[\n$Config=\(escaped);\n//]]></script>"
    }

    /// The `$Config` of Entra's error page (pgid `ConvergedError`, which saml2aws reports as an unknown step, as
    /// Versent/saml2aws#1448 shows): the error in `sErrorCode`, `sErrTxt` and `strServiceExceptionMessage` (what
    /// grizzly auth/aad.py and davmail read on service errors).
    struct ErrorConfig: Encodable {
        var pgid = "ConvergedError"
        var sErrorCode: String
        var sErrTxt: String
        var arrValErrs: [String]
        var strServiceExceptionMessage: String
        var correlationId: String

        init(_ error: EntraError, correlation: String) {
            sErrorCode = ConvergedPages.number(error)
            sErrTxt = error.description
            arrValErrs = [sErrorCode]
            strServiceExceptionMessage = error.description
            correlationId = correlation
        }
    }

    /// The JSON object in a page as saml2aws finds it (aad.go `getJsonFromConfig`): after the first `$Config=`, up
    /// to the next `//]]>`, then cut after the last `}`. For tests and clients of the mock alike.
    public static func extract(from page: String) -> String? {
        guard let start = page.range(of: "$Config="),
              let end = page.range(of: "//]]>", range: start.upperBound..<page.endIndex) else { return nil }
        let candidate = page[start.upperBound..<end.lowerBound]
        guard let close = candidate.lastIndex(of: "}") else { return nil }
        return String(candidate[...close])
    }
}
