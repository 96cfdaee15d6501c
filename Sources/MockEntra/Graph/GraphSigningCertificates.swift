import Foundation
import Hummingbird
import SAML

/// The SAML signing key rollover of the guide through Graph: `servicePrincipals/{id}/addTokenSigningCertificate`
/// publishes a new self-signed certificate (Graph docs "servicePrincipal: addTokenSigningCertificate"), and a PATCH
/// of the service principal's `preferredTokenSigningKeyThumbprint` makes it the one that signs. mock-entra's tenant
/// has one key ring for all its SAML apps, so these act on the tenant's keys whichever SAML app is named.
/// Permission: Application.ReadWrite.All (Graph docs, both calls).
extension GraphAPI {
    static let applicationWrite = [GraphPermission.applicationReadWriteAll, GraphPermission.directoryReadWriteAll]

    static let certificateType = ResourceType(
        name: "selfSignedCertificate",
        properties: ["customKeyIdentifier", "displayName", "endDateTime", "key", "keyId", "startDateTime", "thumbprint", "type", "usage"],
        defaults: ["customKeyIdentifier", "displayName", "endDateTime", "key", "keyId", "startDateTime", "thumbprint", "type", "usage"],
        directory: false)

    static let maxSigningCertificates = 10

    var certificateRoutes: [Route] {
        [
            Route(.post, "servicePrincipals/{}/addTokenSigningCertificate", Self.applicationWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                try Self.allow(body, ["displayName", "endDateTime"], type: "servicePrincipal")
                guard await self.samlApplication(servicePrincipal: call.parameters[0]) != nil else { throw .notFound(call.parameters[0]) }
                // A bound on what one caller can make the server generate and publish (each call is an RSA key, a file
                // and a certificate in the metadata); Entra keeps a handful of SAML certificates per app.
                guard await self.state.keys.credentials.count < Self.maxSigningCertificates else {
                    throw .badRequest("The application has \(Self.maxSigningCertificates) token signing certificates; delete one before adding another.")
                }
                // Graph: displayName "CN=…" names the certificate's subject; Entra's own name when absent.
                let subject = body["displayName"]?.string ?? "CN=Microsoft Azure Federated SSO Certificate"
                guard subject.hasPrefix("CN="), subject.utf8.count <= 200 else { throw .invalidValue("displayName", resource: "servicePrincipal") }
                if body["endDateTime"] != nil { throw .badRequest("mock-entra's certificates are valid three years, as Entra's default; endDateTime is not served.") }
                let credential: SigningCredential
                do {
                    let key = try SigningKey.generateRSA(bits: 2048)
                    credential = try SigningCredential(key: key, certificate: Certificate.selfSigned(key: key, subject: subject, clock: self.state.clock))
                    _ = try await self.state.addCertificate(credential)
                } catch {
                    throw .badRequest("The certificate could not be made: \(error)")
                }
                let certificate = credential.certificate
                let object: [String: JSONValue] = [
                    "customKeyIdentifier": .string(Data(SAMLDigest.sha1(certificate.der)).base64EncodedString()), "displayName": .string(subject),
                    "endDateTime": .optional(certificate.notAfter.map(SAMLInstant.format)), "key": .string(certificate.base64),
                    "keyId": .string(GraphIDs.derived("keyCredential", credential.thumbprint)),
                    "startDateTime": .optional(certificate.notBefore.map(SAMLInstant.format)), "thumbprint": .string(credential.thumbprint),
                    "type": .string("AsymmetricX509Cert"), "usage": .string("Verify"),
                ]
                var response = Self.json(object)
                response.headers[.location] = "\(call.root)/servicePrincipals/\(call.parameters[0])"
                return response
            },
            Route(.patch, "servicePrincipals/{}", Self.applicationWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                try Self.allow(body, ["preferredTokenSigningKeyThumbprint"], type: "servicePrincipal")
                guard await self.samlApplication(servicePrincipal: call.parameters[0]) != nil else { throw .notFound(call.parameters[0]) }
                // A bound on what one caller can make the server generate and publish (each call is an RSA key, a file
                // and a certificate in the metadata); Entra keeps a handful of SAML certificates per app.
                guard await self.state.keys.credentials.count < Self.maxSigningCertificates else {
                    throw .badRequest("The application has \(Self.maxSigningCertificates) token signing certificates; delete one before adding another.")
                }
                if body["preferredTokenSigningKeyThumbprint"] != nil {
                    let thumbprint = try Self.string(body, "preferredTokenSigningKeyThumbprint", resource: "ServicePrincipal")
                    do {
                        try await self.state.activateCertificate(thumbprint)
                    } catch {
                        throw .invalidValue("preferredTokenSigningKeyThumbprint", resource: "ServicePrincipal")
                    }
                }
                return Self.noContent
            },
        ]
    }
}
