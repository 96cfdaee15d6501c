import Foundation

/// Entra's strong-authentication service (SAS) for the ConvergedTFA page (entra-signin-protocol.md §2.4):
/// `POST /common/SAS/BeginAuth` opens a session for a method, `POST /common/SAS/EndAuth` carries the code
/// (`AdditionalAuthData`), then the page's form goes to `/common/SAS/ProcessAuth`. Request keys are read whatever
/// their case (saml2aws pkg/provider/aad/aad.go sends `Ctx`/`FlowToken`, grizzly auth/aad.py `ctx`/`flowToken`);
/// reply keys are capitalised as in saml2aws's testdata BeginAuth.json and EndAuth.json.
enum StrongAuth {
    /// The one method mock-entra offers: the code of an authenticator app (TOTP).
    static let phoneAppOTP = "PhoneAppOTP"
    /// The method's name in the sign-in log (Graph's `authenticationMethod`).
    static let methodName = "Mobile app verification code"
    /// A BeginAuth or EndAuth body has a handful of short fields.
    static let maxBody = 16 * 1024

    /// A BeginAuth or EndAuth request, its keys lower-cased.
    struct Request {
        var fields: [String: String]

        /// nil when the body is not a JSON object.
        init?(json: [UInt8]) {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else { return nil }
            fields = Dictionary(object.compactMap { key, value -> (String, String)? in
                switch value {
                case let text as String: return (key.lowercased(), text)
                case let number as NSNumber: return (key.lowercased(), number.stringValue)
                default: return nil
                }
            }, uniquingKeysWith: { first, _ in first })
        }

        subscript(_ key: String) -> String? { fields[key.lowercased()] }
    }

    /// The reply to BeginAuth and EndAuth. saml2aws stops on `ErrCode != 0`, succeeds on `Success`, stops on
    /// `Retry == false`, and otherwise polls again.
    struct Reply: Encodable {
        var Success: Bool
        var ResultValue: String
        var Message: String?
        var AuthMethodId: String
        var ErrCode: Int
        var Retry: Bool
        var FlowToken: String
        var Ctx: String
        var SessionId: String?
        var CorrelationId: String
        var Timestamp: String
        /// Number matching is for push notifications; a TOTP code has none.
        var Entropy = 0
    }
}
