import Foundation

/// `POST /common/GetCredentialType` (entra-signin-protocol.md §2.2): what the converged page's script asks once the
/// username is typed. saml2aws (pkg/provider/aad/aad.go `requestGetCredentialType`) posts its JSON without a
/// Content-Type, with every field of its request struct (`username`, `flowToken`, `originalRequest`, …); minimal
/// callers post only `{"Username": …}`. So the body is read as JSON whatever the headers say, keys in any case.
enum CredentialType {
    /// A username and a flow token, with room.
    static let maxBody = 16 * 1024

    /// The fields that matter, nil when the body is not a JSON object or names no username.
    struct Request {
        var username: String
        var flowToken: String?

        init?(json: [UInt8]) {
            guard let request = StrongAuth.Request(json: json), let username = request["username"], !username.isEmpty else { return nil }
            self.username = username
            flowToken = request["flowToken"]
        }
    }

    /// Entra's reply for a cloud (managed) account, as saml2aws's testdata GetCredentialType_default.json has it:
    /// `IfExistsResult` 0 for a known user, 1 for an unknown one; no `FederationRedirectUrl` (no ADFS here).
    struct Reply: Encodable {
        struct CredentialInfo: Encodable {
            var PrefCredential = 1
            var HasPassword = true
        }

        struct EstsInfo: Encodable {
            /// 3: a managed (cloud-only) domain.
            var DomainType = 3
        }

        var Username: String
        var Display: String
        var IfExistsResult: Int
        var IsUnmanaged = false
        var ThrottleStatus = 0
        var Credentials = CredentialInfo()
        var EstsProperties = EstsInfo()
        var FlowToken: String?
        var IsSignupDisallowed = true
        var apiCanary: String
    }

    /// The error object grizzly auth/aad.py looks for in a refused call.
    struct Refusal: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }

        var error: Detail
    }
}
