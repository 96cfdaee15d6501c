import Foundation
import SAML
import Testing

@Suite("AuthnRequest and logout messages")
struct ProtocolTests {
    @Test("an AuthnRequest round-trips, and its shape is stable")
    func authnRequest() throws {
        let request = AuthnRequest(id: "_r1", issueInstant: Fixtures.issued, destination: "https://idp/saml2",
                                   assertionConsumerServiceURL: Fixtures.awsSignIn, protocolBinding: AuthnRequest.httpPOST,
                                   forceAuthn: true, isPassive: false, issuer: Issuer("urn:amazon:webservices"),
                                   nameIDPolicy: .init(format: SAMLURI.nameIDEmail, allowCreate: true),
                                   requestedAuthnContext: .init(comparison: "exact", classRefs: [SAMLURI.authnContextPassword]))
        #expect(request.xml() == "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r1\" Version=\"2.0\" IssueInstant=\"2025-05-01T12:00:00.245Z\" Destination=\"https://idp/saml2\" AssertionConsumerServiceURL=\"https://signin.aws.amazon.com/saml\" ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" ForceAuthn=\"true\" IsPassive=\"false\"><saml:Issuer>urn:amazon:webservices</saml:Issuer><samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\" AllowCreate=\"true\"/><samlp:RequestedAuthnContext Comparison=\"exact\"><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></samlp:RequestedAuthnContext></samlp:AuthnRequest>")
        #expect(try AuthnRequest.parse(Array(request.xml().utf8)) == request)
    }

    @Test("the request aws-azure-login sends to Entra parses (default metadata namespace on the root, id+GUID ID)")
    func awsAzureLogin() throws {
        // The shape of aws-azure-login's src/login.ts _createLoginUrlAsync, with fixed values.
        let xml = """
            <samlp:AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="id6e4f9b2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b" Version="2.0" IssueInstant="2025-05-01T12:00:00.000Z" IsPassive="false" AssertionConsumerServiceURL="https://signin.aws.amazon.com/saml" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">
                <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://signin.aws.amazon.com/saml</Issuer>
                <samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"></samlp:NameIDPolicy>
            </samlp:AuthnRequest>
            """
        let query = try RedirectBinding.query(Array(xml.utf8), kind: .request)
        let received = try RedirectBinding.decode(query: query)
        let request = try AuthnRequest.parse(received.xml)
        #expect(request.id == "id6e4f9b2c-1d3a-4e5f-8a9b-0c1d2e3f4a5b")
        #expect(request.isPassive == false && request.forceAuthn == nil)
        #expect(request.assertionConsumerServiceURL == Fixtures.awsSignIn)
        #expect(request.issuer == Issuer("https://signin.aws.amazon.com/saml"))
        #expect(request.nameIDPolicy?.format == SAMLURI.nameIDEmail)
        #expect(!request.hasSubject && request.requestedAuthnContext == nil)
    }

    @Test("bad requests give typed errors")
    func badRequests() {
        expectError(.parseDTDForbidden) { try AuthnRequest.parse(Array("<!DOCTYPE x><samlp:AuthnRequest/>".utf8)) }
        expectError(.messageUnexpected) { try AuthnRequest.parse(Array(Fixtures.response().xml().utf8)) }
        expectError(.messageInvalid) {
            try AuthnRequest.parse(Array("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a\" Version=\"2.0\" IssueInstant=\"2025-05-01T12:00:00Z\" ForceAuthn=\"yes\"/>".utf8))
        }
        expectError(.structureMissingElement) {
            try AuthnRequest.parse(Array("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_a\" Version=\"2.0\"/>".utf8))
        }
        expectError(.structureInvalidID) {
            try AuthnRequest.parse(Array("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"a') or ('1\" Version=\"2.0\" IssueInstant=\"2025-05-01T12:00:00Z\"/>".utf8))
        }
    }

    @Test("logout request and response round-trip")
    func logout() throws {
        let request = LogoutRequest(id: "_l1", issueInstant: Fixtures.issued, destination: "https://idp/saml2",
                                    issuer: Issuer("urn:amazon:webservices"), nameID: NameID("test-awsadmin@contoso.com", format: SAMLURI.nameIDEmail),
                                    sessionIndexes: ["_s1", "_s2"])
        #expect(try LogoutRequest.parse(Array(request.xml().utf8)) == request)
        let response = LogoutResponse(id: "_l2", issueInstant: Fixtures.issued, destination: "https://sp/slo", inResponseTo: "_l1",
                                      issuer: Issuer(Fixtures.admin.issuer),
                                      status: Status(code: SAMLURI.statusResponder, subCode: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"))
        #expect(try LogoutResponse.parse(Array(response.xml().utf8)) == response)
    }

    @Test("signed requests: the signature goes after the Issuer, verifies, and tampering or a foreign key is caught")
    func signedRequest() throws {
        let request = AuthnRequest(id: "_r2", issueInstant: Fixtures.issued, assertionConsumerServiceURL: Fixtures.awsSignIn,
                                   issuer: Issuer("urn:amazon:webservices"))
        let signed = try MessageSignatures.sign(Array(request.xml().utf8), with: Fixtures.signer)
        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.contains("urn:amazon:webservices</saml:Issuer><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"))
        #expect(try MessageSignatures.verify(signed, trusting: [Fixtures.idpCertificate]) == Fixtures.idpCertificate)
        #expect(try AuthnRequest.parse(signed) == request)
        expectError(.signatureDigestMismatch) {
            try MessageSignatures.verify(Array(text.replacingOccurrences(of: "signin.aws", with: "evil.aws").utf8), trusting: [Fixtures.idpCertificate])
        }
        expectError(.signatureUntrustedKey) { try MessageSignatures.verify(signed, trusting: [Fixtures.rolloverCertificate]) }
        expectError(.signatureMissing) { try MessageSignatures.verify(Array(request.xml().utf8), trusting: [Fixtures.idpCertificate]) }
        let logout = try MessageSignatures.sign(Array(LogoutResponse(id: "_l3", issueInstant: Fixtures.issued).xml().utf8), with: Fixtures.signer)
        #expect(try MessageSignatures.verify(logout, trusting: [Fixtures.idpCertificate]) == Fixtures.idpCertificate)
    }
}

@Suite("Metadata")
struct MetadataTests {
    static let entra = EntraMetadata(tenantID: Fixtures.tenant, certificates: [Fixtures.idpCertificate, Fixtures.rolloverCertificate])

    @Test("Entra-shaped IdP metadata: exact head, signed, parses back with both certificates and the endpoints")
    func entraMetadata() throws {
        let xml = try Self.entra.xml(id: "_3c1d7a4e-5b6f-4a8b-9c0d-1e2f3a4b5c6d", signedWith: Fixtures.signer)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?><EntityDescriptor ID=\"_3c1d7a4e-5b6f-4a8b-9c0d-1e2f3a4b5c6d\" entityID=\"https://sts.windows.net/\(Fixtures.tenant)/\" xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"))
        #expect(xml.contains("</Signature><RoleDescriptor xsi:type=\"fed:SecurityTokenServiceType\""))
        #expect(xml.contains("<RoleDescriptor xsi:type=\"fed:ApplicationServiceType\""))
        #expect(xml.hasSuffix("<SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/\(Fixtures.tenant)/saml2\"/><SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/\(Fixtures.tenant)/saml2\"/><SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.microsoftonline.com/\(Fixtures.tenant)/saml2\"/></IDPSSODescriptor></EntityDescriptor>"))
        let parsed = try IdentityProviderMetadata.parse(Array(xml.utf8), trusting: [Fixtures.idpCertificate])
        #expect(parsed.entityID == Fixtures.admin.issuer)
        #expect(parsed.signingCertificates == [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        #expect(parsed.singleSignOnService(binding: AuthnRequest.httpPOST)?.location == Self.entra.samlEndpoint)
        #expect(parsed.singleLogoutServices.map(\.binding) == [AuthnRequest.httpRedirect])
        // Signed metadata obeys the response rules: tampering, a foreign signer, a DTD.
        expectError(.signatureDigestMismatch) {
            try IdentityProviderMetadata.parse(Array(xml.replacingOccurrences(of: "/saml2\"/></IDPSSODescriptor>", with: "/evil\"/></IDPSSODescriptor>").utf8),
                                               trusting: [Fixtures.idpCertificate])
        }
        expectError(.signatureUntrustedKey) { try IdentityProviderMetadata.parse(Array(xml.utf8), trusting: [Fixtures.attackerCertificate]) }
        expectError(.parseDTDForbidden) {
            try IdentityProviderMetadata.parse(Array(xml.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
                                                                            with: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>").utf8))
        }
        expectError(.metadataNoSigningKey) { try EntraMetadata(tenantID: "t", certificates: []).xml(id: "_x", signedWith: nil) }
    }

    @Test("the golden metadata in TestVectors parses and verifies")
    func golden() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.testVectors.appendingPathComponent("entra_federationmetadata.xml")))
        let parsed = try IdentityProviderMetadata.parse(bytes, trusting: [Fixtures.idpCertificate])
        #expect(parsed.signingCertificates == [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        #expect(String(decoding: bytes, as: UTF8.self) == (try Self.entra.xml(id: SequentialIDGenerator(seed: 100).next(), signedWith: Fixtures.signer)))
    }

    @Test("the xmlsec1 command verifies the metadata signature")
    func metadataInterop() throws {
        let xml = try Self.entra.xml(id: "_m1", signedWith: Fixtures.signer)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swift-saml-metadata-\(ProcessInfo.processInfo.processIdentifier).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let result = try Fixtures.run(["xmlsec1", "--verify", "--pubkey-cert-pem", Fixtures.keys.appendingPathComponent("idp.crt").path,
                                       "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", file.path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("AWS's SP metadata: entity ID, default ACS, signed assertions wanted")
    func awsServiceProvider() throws {
        // The shape of https://signin.aws.amazon.com/static/saml-metadata.xml (certificate replaced by ours).
        let xml = """
            <?xml version="1.0"?>
            <EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:amazon:webservices" validUntil="2027-03-17T00:00:00Z">
              <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">
                <KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>\(Fixtures.rolloverCertificate.base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>
                <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>
                <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
                <AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml"/>
                <AttributeConsumingService index="1"><ServiceName xml:lang="en">AWS Management Console Single Sign-On</ServiceName><RequestedAttribute isRequired="true" Name="https://aws.amazon.com/SAML/Attributes/Role" FriendlyName="RoleEntitlement"/></AttributeConsumingService>
              </SPSSODescriptor>
            </EntityDescriptor>
            """
        let sp = try ServiceProviderMetadata.parse(Array(xml.utf8))
        #expect(sp.entityID == "urn:amazon:webservices")
        #expect(sp.defaultAssertionConsumerService?.location == Fixtures.awsSignIn)
        #expect(sp.wantAssertionsSigned == true && sp.signingCertificates == [Fixtures.rolloverCertificate])
        #expect(sp.nameIDFormats.count == 2 && sp.validUntil == SAMLInstant.parse("2027-03-17T00:00:00Z"))
        expectError(.metadataInvalid) { try IdentityProviderMetadata.parse(Array(xml.utf8)) }
        expectError(.metadataInvalid) { try ServiceProviderMetadata.parse(Array("<x/>".utf8)) }
    }

    @Test("real IdP metadata from the third-party corpus parses", .enabled(if: Fixtures.sharedVectorsAvailable, "../shared/vectors is absent"), arguments: [
        "TestSPCanHandleOneloginResponse_IDPMetadata", "TestSPCanHandlePlaintextResponse_IDPMetadata",
        "TestSPCanHandleOktaSignedResponseEncryptedAssertion_IDPMetadata", "TestServiceProviderCanHandleSignedAssertionsResponse_IDPMetadata",
        "TestSPRealWorldAssertionSignedNotResponse_idp_metadata",
    ])
    func thirdPartyMetadata(_ name: String) throws {
        let url = Fixtures.sharedVectors.appendingPathComponent("crewjam-saml").appendingPathComponent(name)
        let metadata = try IdentityProviderMetadata.parse([UInt8](try Data(contentsOf: url)))
        #expect(!metadata.entityID.isEmpty && !metadata.signingCertificates.isEmpty)
    }
}

@Suite("Key and certificate generation")
struct KeyGenerationTests {
    @Test("an Entra-style key and certificate: RSA-2048, the Entra subject, 3 years, SHA-256, thumbprints as openssl shows them")
    func generate() throws {
        let key = try SigningKey.generateRSA()
        let certificate = try Certificate.selfSigned(key: key, clock: Fixtures.clock)
        #expect(key.bits == 2048 && certificate.keyBits == 2048 && key.matches(certificate))
        #expect(certificate.subject == "CN=Microsoft Azure Federated SSO Certificate" && certificate.issuer == certificate.subject)
        #expect(certificate.notBefore == SAMLInstant.parse("2025-05-01T12:00:00Z"))
        #expect(certificate.notAfter == SAMLInstant.parse("2028-05-01T12:00:00Z"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swift-saml-gen-\(ProcessInfo.processInfo.processIdentifier).crt")
        try certificate.pem.write(to: file, atomically: true, encoding: .utf8)
        let text = try Fixtures.run(["openssl", "x509", "-in", file.path, "-noout", "-text", "-fingerprint", "-sha256"])
        #expect(text.output.contains("Signature Algorithm: sha256WithRSAEncryption"))
        #expect(text.output.replacingOccurrences(of: ":", with: "").contains(certificate.sha256Thumbprint))
        // The PEM key reads back and signs what the certificate verifies.
        let reread = try SigningKey(pem: key.pem())
        let signed = try Signer(key: reread, certificate: certificate).sign(Fixtures.response())
        #expect(try Fixtures.verifier(trusting: [certificate]).verify(signed).signingCertificate == certificate)
        expectError(.keyUnsupported) { try SigningKey.generateRSA(bits: 1024) }
        expectError(.certificateInvalid) { try Certificate.selfSigned(key: key, subject: "no equals sign") }
    }
}
