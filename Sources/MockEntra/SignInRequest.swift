import Foundation
import SAML

/// A sign-in to one application, waiting for the user: from an SP's AuthnRequest (with its ID, ACS URL and
/// NameID policy) or IdP-initiated from My Apps (neither).
public struct SignInRequest: Sendable, Hashable {
    public var appID: String
    /// The AuthnRequest ID, echoed as InResponseTo; nil for IdP-initiated sign-in.
    public var requestID: String?
    /// Where the Response is posted: the request's AssertionConsumerServiceURL or the app's Reply URL.
    public var acsURL: String
    public var relayState: String?
    /// The request's NameIDPolicy format, when it names one other than unspecified.
    public var nameIDFormat: String?
    /// `ForceAuthn="true"`: the password is asked even with a live session.
    public var forceAuthn: Bool
    /// `login_hint`: the username the sign-in page is filled with.
    public var loginHint: String?
    /// `IsPassive="true"`: no page may be shown; without a session that suffices, a NoPassive error Response.
    public var isPassive: Bool

    public init(appID: String, requestID: String? = nil, acsURL: String, relayState: String? = nil, nameIDFormat: String? = nil,
                forceAuthn: Bool = false, loginHint: String? = nil, isPassive: Bool = false) {
        (self.appID, self.requestID, self.acsURL, self.relayState) = (appID, requestID, acsURL, relayState)
        (self.nameIDFormat, self.forceAuthn, self.loginHint, self.isPassive) = (nameIDFormat, forceAuthn, loginHint, isPassive)
    }

    /// IdP-initiated launch (My Apps tile, user access URL): the Reply URL, the app's Relay State.
    public static func idpInitiated(_ application: Tenant.Application, relayState: String? = nil) -> SignInRequest {
        SignInRequest(appID: application.appID, acsURL: application.replyURL, relayState: relayState ?? application.relayState)
    }
}

/// How an AuthnRequest arrived, for the signature check (the Redirect binding signs the query, POST the XML).
public enum ReceivedRequest: Sendable {
    case redirect(RedirectMessage)
    case post(PostMessage)

    var xml: [UInt8] {
        switch self {
        case .redirect(let message): return message.xml
        case .post(let message): return message.xml
        }
    }

    var relayState: String? {
        switch self {
        case .redirect(let message): return message.relayState
        case .post(let message): return message.relayState
        }
    }
}

/// Entra's rules for SP-initiated AuthnRequests (aws-entra.md §7), each failure with its AADSTS code.
public enum AuthnRequestRules {
    /// The NameIDPolicy formats an AuthnRequest may name, compared exactly (URIs, case and all): "The Format attribute
    /// can have only one of the following values; any other value results in an error" (MicrosoftDocs/entra-docs
    /// single-sign-on-saml-protocol.md, "NameIDPolicy": persistent, emailAddress, unspecified, transient), the error
    /// being AADSTS75016 (reference-error-codes.md). WindowsDomainQualifiedName may be an app's configured format
    /// (saml-claims-customization.md) but is not one a request may ask for. `unspecified` "permits Microsoft Entra ID
    /// to select the claim format": the app's own.
    static let nameIDFormats: Set<String> = [SAMLURI.nameIDEmail, SAMLURI.nameIDPersistent, SAMLURI.nameIDTransient,
                                             SAMLURI.nameIDUnspecified]
    /// What a password sign-in (with or without MFA) can satisfy in `RequestedAuthnContext`.
    static let passwordClassRefs: Set<String> = ["urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                                                 "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                                                 "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified"]

    public static func check(_ received: ReceivedRequest, in tenant: Tenant, loginHint: String? = nil) throws(EntraError) -> SignInRequest {
        let request: AuthnRequest
        do {
            request = try AuthnRequest.parse(received.xml)
        } catch {
            throw .invalidMessage(error.message)
        }
        if let first = request.id.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) {
            throw .idStartsWithDigit(request.id)
        }
        guard let issuer = request.issuer?.value, !issuer.isEmpty else { throw .invalidMessage("The request has no Issuer.") }
        guard let application = tenant.application(identifier: issuer) else { throw .applicationNotFound(issuer, tenant: tenant) }
        if request.hasSubject { throw .unsupportedProperty("Subject") }
        if let context = request.requestedAuthnContext {
            if let comparison = context.comparison, comparison != "exact" {
                throw .unsupportedProperty("RequestedAuthnContext Comparison value '\(comparison)'")
            }
            if !context.classRefs.isEmpty && !context.classRefs.contains(where: passwordClassRefs.contains) {
                throw .authnContextMismatch(requested: context.classRefs)
            }
        }
        var format: String?
        if let requested = request.nameIDPolicy?.format {
            guard nameIDFormats.contains(requested) else { throw .invalidNameIDPolicy(requested) }
            if requested != SAMLURI.nameIDUnspecified { format = requested }
        }
        let acs = request.assertionConsumerServiceURL ?? application.replyURL
        guard application.replyURLs.contains(acs) else { throw .replyURLMismatch(acs, application: application) }
        try checkSignature(received, application: application)
        return SignInRequest(appID: application.appID, requestID: request.id, acsURL: acs, relayState: received.relayState,
                             nameIDFormat: format, forceAuthn: request.forceAuthn ?? false, loginHint: loginHint,
                             isPassive: request.isPassive ?? false)
    }

    /// The codes of refusals for what a request asks rather than who sent it or where the answer goes: Entra posts
    /// these back to the app as a Requester/RequestUnsupported Response (entra-signin-protocol.md §5, the error
    /// Response of Microsoft's SAML protocol reference) instead of showing its error page.
    static let answeredByResponse: Set<String> = ["AADSTS900236", "AADSTS75011", "AADSTS75016"]

    /// Where a refused request's error Response goes, when it may go anywhere: the refusal is one of
    /// ``answeredByResponse`` and the request names an app of the tenant, an ACS among the app's Reply URLs and
    /// passes the app's signature rules. nil otherwise: Entra cannot know where to post, and shows its error page.
    public static func errorResponseTarget(for error: EntraError, _ received: ReceivedRequest, in tenant: Tenant) -> SAMLErrorResponse.Target? {
        guard answeredByResponse.contains(error.code), let request = try? AuthnRequest.parse(received.xml),
              let issuer = request.issuer?.value, let application = tenant.application(identifier: issuer) else { return nil }
        let acs = request.assertionConsumerServiceURL ?? application.replyURL
        guard application.replyURLs.contains(acs), (try? checkSignature(received, application: application)) != nil else { return nil }
        return SAMLErrorResponse.Target(requestID: request.id, acsURL: acs, relayState: received.relayState)
    }

    /// A signature is checked when the app has verification certificates, and required when the app says so.
    static func checkSignature(_ received: ReceivedRequest, application: Tenant.Application) throws(EntraError) {
        let certificates = application.requestCertificates.compactMap { try? Certificate(pem: $0) }
        do throws(SAMLError) {
            switch received {
            case .redirect(let message):
                guard message.signature != nil else { throw SAMLError(.signatureMissing, "unsigned") }
                try message.verifySignature(trusting: certificates)
            case .post(let message):
                _ = try MessageSignatures.verify(message.xml, trusting: certificates)
            }
        } catch {
            if error.code == .signatureMissing {
                if application.requireSignedRequests { throw .unsignedRequest }
            } else if !certificates.isEmpty || application.requireSignedRequests {
                // Signed: without verification certificates Entra ignores the signature, unless it requires one.
                throw .badRequestSignature(certificates.isEmpty ? "no verification certificate is configured" : error.message)
            }
        }
    }
}
