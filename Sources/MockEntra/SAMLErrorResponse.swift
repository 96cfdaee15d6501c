import Foundation
import SAML

/// A SAML error Response Entra posts back to the app instead of signing the user in (entra-signin-protocol.md §5):
/// no assertion, `InResponseTo` the request, a nested status code, and a StatusMessage carrying the AADSTS text
/// followed by trace lines, as in the error Response of Microsoft's SAML protocol reference
/// (MicrosoftDocs/entra-docs single-sign-on-saml-protocol.md); signed with the applications' active key, the one the
/// app's metadata publishes and its SP trusts (the tenant's own key signs only the tenant-wide metadata).
public struct SAMLErrorResponse: Sendable {
    /// Where the Response goes: the request it answers, the ACS, and the Relay State to return.
    public struct Target: Sendable, Hashable {
        public var requestID: String
        public var acsURL: String
        public var relayState: String?
    }

    public var target: Target
    public var status: Status

    /// `Requester` / `RequestUnsupported`: the request asks for what Entra does not do. The message starts with
    /// AADSTS75006 as the reference's example does, then the refusal's own code and text.
    public static func unsupported(_ error: EntraError, target: Target, at now: Date) -> SAMLErrorResponse {
        SAMLErrorResponse(target: target, status: Status(
            code: SAMLURI.statusRequester, subCode: "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
            message: "AADSTS75006: An error occurred while processing a SAML2 Authentication request. \(error.description)" + trace(now)))
    }

    /// `Responder` / `NoPassive`: `IsPassive` and the user would have to see a page (catalyst/moodle-auth_saml2#699
    /// shows Entra's NoPassive with AADSTS50058).
    public static func noPassive(_ error: EntraError, target: Target, at now: Date) -> SAMLErrorResponse {
        SAMLErrorResponse(target: target, status: Status(code: SAMLURI.statusResponder, subCode: "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
                                                         message: error.description + trace(now)))
    }

    static func trace(_ now: Date) -> String {
        "\r\nTrace ID: \(UUID().uuidString.lowercased())\r\nCorrelation ID: \(UUID().uuidString.lowercased())\r\nTimestamp: \(SAMLInstant.format(now))"
    }

    /// The signed Response in Entra's "Working..." page, posting to the ACS.
    func page(tenant: Tenant, keys: KeyRing, clock: any SAMLClock, ids: any SAMLIDGenerator) throws(EntraError) -> String {
        let response = Response(id: ids.next(), issueInstant: clock.now, inResponseTo: target.requestID, issuer: Issuer(tenant.issuer), status: status)
        guard let signer = keys.signer(.rsaSHA256) else { throw .noSigningKey }
        let xml: [UInt8]
        do {
            xml = try signer.signedBytes(response, mode: .response)
        } catch {
            throw EntraError(code: "AADSTS50000", name: "TokenIssuanceError", message: "There was an error issuing a token: \(error)", httpStatus: 500)
        }
        return PostBinding.autoSubmitPage(action: target.acsURL, xml, kind: .response, relayState: target.relayState)
    }
}
