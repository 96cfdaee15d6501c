import AWSFederation
import Foundation
import SAML
import SAMLAttacks

/// A deliberate defect in an issued response, for service-provider tests (test hooks only). Each one is a reason
/// a correct SP must refuse the response.
public enum ResponseFault: String, Sendable, Hashable, CaseIterable, Codable {
    /// Issued two hours ago: NotOnOrAfter has passed.
    case expired
    /// Issued an hour from now: NotBefore is in the future.
    case notYetValid
    /// Audience `https://sp.evil.example/saml`.
    case wrongAudience
    /// Destination and Recipient `https://sp.evil.example/acs`.
    case wrongRecipient
    /// No signature at all.
    case unsigned
    /// The NameID changed after signing.
    case tampered
    /// Signed by a key the tenant never published (its certificate in KeyInfo).
    case unknownKey
    case xsw1, xsw2, xsw3, xsw4, xsw5, xsw6, xsw7, xsw8

    var wrapping: SignatureWrapping? { SignatureWrapping(rawValue: rawValue) }
    static let evilURL = "https://sp.evil.example"
}

/// A signed response, ready for the POST binding.
public struct IssuedResponse: Sendable {
    public let xml: [UInt8]
    public let destination: String
    public let relayState: String?
    public let responseID: String
    /// The Role values issued.
    public let roles: [String]
    /// `Administrator/test-awsadmin@contoso.com @ 123456789012`, one per Role value AWS would accept the shape of.
    public let awsSessions: [String]

    /// The `SAMLResponse` form value.
    public var base64: String { Data(xml).base64EncodedString() }

    /// Entra's auto-submitting form page.
    public var autoPostPage: String { PostBinding.autoSubmitPage(action: destination, xml, kind: .response, relayState: relayState) }
}

/// Builds and signs one response as Entra does for the AWS gallery app (aws-entra.md §5, §6, §10): claims from
/// the directory, Role values through group assignments (and active PIM activations), the app's signing option
/// and algorithm, its NameID format (or the request's), and Entra's token lifetimes (−5 / +60 minutes).
public struct Issuance: Sendable {
    public var tenant: Tenant
    public var application: Tenant.Application
    public var user: Tenant.User
    public var request: SignInRequest
    public var mfa: Bool
    public var authnInstant: Date
    public var activations: [Tenant.Activation]
    public var fault: ResponseFault?

    public init(tenant: Tenant, application: Tenant.Application, user: Tenant.User, request: SignInRequest, mfa: Bool,
                authnInstant: Date, activations: [Tenant.Activation] = [], fault: ResponseFault? = nil) {
        (self.tenant, self.application, self.user, self.request) = (tenant, application, user, request)
        (self.mfa, self.authnInstant, self.activations, self.fault) = (mfa, authnInstant, activations, fault)
    }

    /// The NameID for `format`, from the app's source (`user.userprincipalname`, aws-entra.md §5): the UPN for
    /// emailAddress and unspecified (the request's format is honoured, the source stays: MicrosoftDocs/entra-docs
    /// saml-claims-customization.md "NameID format"), for persistent a pairwise opaque value stable per user and app,
    /// for transient a random value for this one sign-on (single-sign-on-saml-protocol.md "NameIDPolicy").
    func nameID(format: String) -> String {
        switch format {
        case SAMLURI.nameIDPersistent:
            return Data(SAMLDigest.sha256(Array("\(tenant.tenantID)|\(application.appID)|\(user.objectID)".utf8)).prefix(24))
                .base64EncodedString()
        case SAMLURI.nameIDTransient:
            return "_" + SAMLDigest.hex(SAMLRandom.bytes(16))
        default:
            return user.userPrincipalName
        }
    }

    public func issue(keys: KeyRing, clock: any SAMLClock, ids: any SAMLIDGenerator) throws(EntraError) -> IssuedResponse {
        let now = clock.now
        let roles = tenant.roleValues(for: user.userPrincipalName, application: application, activations: activations, at: now)
        let format = request.nameIDFormat ?? application.nameIDFormat
        var recipient = request.acsURL
        var audience = application.audience
        var issued = now
        switch fault {
        case .expired: issued = now.addingTimeInterval(-7200)
        case .notYetValid: issued = now.addingTimeInterval(3600)
        case .wrongAudience: audience = ResponseFault.evilURL + "/saml"
        case .wrongRecipient: recipient = ResponseFault.evilURL + "/acs"
        default: break
        }
        let builder = EntraAWSResponse(
            tenantID: tenant.tenantID, objectID: user.objectID, userPrincipalName: user.userPrincipalName,
            displayName: user.displayName, givenName: user.givenName, surname: user.surname, mail: user.mail, roles: roles,
            sessionDuration: application.sessionDuration, mfa: mfa, replyURL: recipient, audience: audience,
            authnInstant: authnInstant, inResponseTo: request.requestID, nameIDFormat: format,
            nameID: nameID(format: format), authnContextClassRef: application.authnContextClassRef.rawValue)
        let response = builder.response(clock: FixedClock(issued), ids: ids)
        let xml: [UInt8]
        do {
            xml = try sign(response, keys: keys)
        } catch let error as EntraError {
            throw error
        } catch {
            throw EntraError(code: "AADSTS50000", name: "TokenIssuanceError",
                             message: "There was an error issuing a token: \(error)", httpStatus: 500)
        }
        let sessions = roles.compactMap { value in
            (try? AWSRolePair(value)).map { FederatedSession(role: $0, roleSessionName: user.userPrincipalName).consoleDisplay }
        }
        return IssuedResponse(xml: xml, destination: recipient, relayState: request.relayState, responseID: response.id,
                              roles: roles, awsSessions: sessions)
    }

    private func sign(_ response: Response, keys: KeyRing) throws -> [UInt8] {
        guard let signer = keys.signer(application.signatureAlgorithm) else { throw EntraError.noSigningKey }
        switch fault {
        case .unsigned:
            return Array(response.xml().utf8)
        case .unknownKey:
            return try Self.attacker.get().signedBytes(response, mode: application.signingMode)
        case .tampered:
            let signed = String(decoding: try signer.signedBytes(response, mode: application.signingMode), as: UTF8.self)
            return Array(try AttackEdit.replaceNameID(signed, with: AttackEdit.defaultEvilNameID).utf8)
        default:
            if let wrapping = fault?.wrapping {
                let mode: SigningMode = wrapping.needsSignedResponse ? .response : .assertion
                let signed = String(decoding: try signer.signedBytes(response, mode: mode), as: UTF8.self)
                return Array(try wrapping.apply(to: signed).utf8)
            }
            return try signer.signedBytes(response, mode: application.signingMode)
        }
    }

    /// A key nobody published, made once per process.
    static let attacker: Result<Signer, SAMLError> = Result { () throws(SAMLError) in
        let key = try SigningKey.generateRSA()
        return try Signer(key: key, certificate: Certificate.selfSigned(key: key, subject: "CN=Microsoft Azure Federated SSO Certificate"))
    }
}
