import AWSFederation
import Foundation
@testable import MockEntra
import SAML
import SAMLAttacks
import Testing

@Suite("mock-entra responses, AuthnRequest rules, keys and provisioning")
struct IssuanceTests {
    typealias F = EntraFixtures

    func issuance(_ edit: (inout Tenant.Application) -> Void = { _ in }, user upn: String = "test-awsadmin@contoso.com",
                  request: SignInRequest? = nil, fault: ResponseFault? = nil, mfa: Bool = true) throws -> Issuance {
        var tenant = F.tenant()
        edit(&tenant.applications[0])
        let app = tenant.applications[0]
        let user = try #require(tenant.user(upn))
        return Issuance(tenant: tenant, application: app, user: user, request: request ?? .idpInitiated(app), mfa: mfa,
                        authnInstant: F.start.addingTimeInterval(-3600), fault: fault)
    }

    @Test("Entra's shape: claim order, lifetimes (−5/+60 min), AuthnInstant, no InResponseTo for IdP-initiated")
    func shape() throws {
        let clock = FixedClock(F.start)
        let response = try issuance().issue(keys: KeyRing(credentials: [F.idp]), clock: clock, ids: SequentialIDGenerator(seed: 7))
        let verified = try F.verifier(clock: clock).verify(response.xml)
        let names = verified.assertion.attributeStatement?.attributes.map(\.name) ?? []
        #expect(names == [AttributeName.tenantID, AttributeName.objectIdentifier, AttributeName.displayName, AttributeName.identityProvider,
                          AttributeName.authnMethodsReferences, AttributeName.role, AttributeName.givenName, AttributeName.surname, AttributeName.emailAddress,
                          AttributeName.name, AttributeName.awsRole, AttributeName.awsRoleSessionName, AttributeName.awsSessionDuration])
        let conditions = try #require(verified.assertion.conditions)
        let window = try #require(conditions.notOnOrAfter).timeIntervalSince(try #require(conditions.notBefore))
        #expect(window == 3900)
        #expect(verified.assertion.authnStatement?.authnInstant == F.start.addingTimeInterval(-3600))
        let xml = String(decoding: response.xml, as: UTF8.self)
        #expect(!xml.contains("InResponseTo") && xml.hasPrefix("<samlp:Response ID=\"_") && xml.contains("<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"))
        #expect(response.autoPostPage.contains("action=\"https://signin.aws.amazon.com/saml\""))
    }

    @Test("per-app settings: signing option, SHA-1, NameID format, session duration, Relay State; no Role without roles")
    func settings() throws {
        let clock = FixedClock(F.start)
        let keys = try KeyRing(credentials: [F.idp])
        for mode in SigningMode.allCases {
            let r = try issuance { $0.signingMode = mode }.issue(keys: keys, clock: clock, ids: RandomIDGenerator())
            let signed = try F.verifier(clock: clock).verify(r.xml).signedElements
            #expect(signed.contains(.response) == (mode != .assertion) && signed.contains(.assertion) == (mode != .response), "\(mode)")
        }
        let sha1 = try issuance { $0.signatureAlgorithm = .rsaSHA1 }.issue(keys: keys, clock: clock, ids: RandomIDGenerator())
        #expect(String(decoding: sha1.xml, as: UTF8.self).contains("xmldsig#rsa-sha1"))
        #expect(throws: SAMLError.self) { try F.verifier(clock: clock).verify(sha1.xml) }
        #expect(try F.verifier(clock: clock, allowSHA1: true).verify(sha1.xml).nameID?.value == "test-awsadmin@contoso.com")

        let persistent = try issuance { $0.nameIDFormat = SAMLURI.nameIDPersistent; $0.sessionDuration = 900; $0.relayState = "https://console.aws.amazon.com/s3" }
        let p = try F.verifier(clock: clock).verify(try persistent.issue(keys: keys, clock: clock, ids: RandomIDGenerator()).xml)
        let again = try F.verifier(clock: clock).verify(try persistent.issue(keys: keys, clock: clock, ids: RandomIDGenerator()).xml)
        #expect(p.nameID?.format == SAMLURI.nameIDPersistent && p.nameID?.value != "test-awsadmin@contoso.com" && p.nameID?.value == again.nameID?.value)
        #expect(p.attribute(AttributeName.awsSessionDuration) == ["900"])
        #expect(try persistent.issue(keys: keys, clock: clock, ids: RandomIDGenerator()).autoPostPage.contains("name=\"RelayState\" value=\"https://console.aws.amazon.com/s3\""))

        // Assigned through msiam_access only: signed in, but no Role claim (AWS will refuse it, as it refuses Entra's).
        let msiam = try issuance { $0.assignments["AWS-Account1-Administrators"] = ["44444444-aaaa-4bbb-8ccc-000000000003"] }
        let noRole = try F.verifier(clock: clock).verify(try msiam.issue(keys: keys, clock: clock, ids: RandomIDGenerator()).xml)
        #expect(noRole.attribute(AttributeName.awsRole) == nil && noRole.attribute(AttributeName.awsRoleSessionName) != nil)

        // SP-initiated: InResponseTo in both places, the request's NameIDPolicy wins, MFA absent from the methods.
        let sp = try issuance(request: SignInRequest(appID: F.appID, requestID: "_req1", acsURL: F.awsSignIn,
                                                    nameIDFormat: SAMLURI.nameIDUnspecified), mfa: false)
        let v = try F.verifier(clock: clock).verify(try sp.issue(keys: keys, clock: clock, ids: RandomIDGenerator()).xml, inResponseTo: "_req1")
        #expect(v.response.inResponseTo == "_req1" && v.nameID?.format == SAMLURI.nameIDUnspecified)
        #expect(v.attribute(AttributeName.authnMethodsReferences) == ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"])
    }

    @Test("every fault is refused by a correct SP, with the reason it stands for")
    func faults() throws {
        let clock = FixedClock(F.start)
        let keys = try KeyRing(credentials: [F.idp])
        let expected: [ResponseFault: Set<SAMLError.Code>] = [
            .expired: [.timeExpired, .timeSubjectConfirmationExpired], .notYetValid: [.timeNotYetValid],
            .wrongAudience: [.audienceMismatch], .wrongRecipient: [.destinationMismatch, .subjectConfirmationRecipient],
            .unsigned: [.signatureMissing], .tampered: [.signatureDigestMismatch], .unknownKey: [.signatureUntrustedKey],
            .xsw1: [.structureDuplicateID], .xsw2: [.structureDuplicateID], .xsw3: [.structureMultipleAssertions],
            .xsw4: [.structureMultipleAssertions], .xsw5: [.structureMultipleAssertions], .xsw6: [.structureMultipleAssertions],
            .xsw7: [.structureDuplicateID], .xsw8: [.structureDuplicateID],
        ]
        #expect(Set(expected.keys) == Set(ResponseFault.allCases))
        for fault in ResponseFault.allCases {
            let response = try issuance(fault: fault).issue(keys: keys, clock: clock, ids: RandomIDGenerator())
            do {
                _ = try F.verifier(clock: clock).verify(response.xml)
                Issue.record("\(fault) was accepted")
            } catch {
                #expect(expected[fault]?.contains(error.code) == true, "\(fault): \(error.code.rawValue) \(error.message)")
            }
        }
    }

    @Test("AuthnRequest rules of aws-entra.md §7, each with its AADSTS code")
    func authnRequestRules() throws {
        let tenant = F.tenant()
        func check(_ request: AuthnRequest, relayState: String? = nil, tenant: Tenant = F.tenant()) throws(EntraError) -> SignInRequest {
            try check(request.xml(), relayState: relayState, tenant: tenant)
        }
        func check(_ xml: String, relayState: String? = nil, tenant: Tenant = F.tenant()) throws(EntraError) -> SignInRequest {
            do {
                let query = try RedirectBinding.query(Array(xml.utf8), kind: .request, relayState: relayState)
                return try AuthnRequestRules.check(.redirect(try RedirectBinding.decode(query: query)), in: tenant)
            } catch let error as EntraError {
                throw error
            } catch {
                throw .invalidMessage("\(error)")
            }
        }
        func base(_ edit: (inout AuthnRequest) -> Void = { _ in }) -> AuthnRequest {
            var r = AuthnRequest(id: "_a1b2", issueInstant: F.start, destination: "https://login.microsoftonline.com/\(F.tenantID)/saml2",
                                 assertionConsumerServiceURL: F.awsSignIn, protocolBinding: AuthnRequest.httpPOST,
                                 issuer: Issuer(F.awsSignIn), nameIDPolicy: .init(format: SAMLURI.nameIDPersistent))
            edit(&r)
            return r
        }
        let ok = try check(base(), relayState: "state-1")
        #expect(ok == SignInRequest(appID: F.appID, requestID: "_a1b2", acsURL: F.awsSignIn, relayState: "state-1",
                                    nameIDFormat: SAMLURI.nameIDPersistent))
        let withSubject = base().xml().replacingOccurrences(
            of: "</saml:Issuer>", with: "</saml:Issuer><saml:Subject><saml:NameID>victim@contoso.com</saml:NameID></saml:Subject>")
        #expect(throws: EntraError.unsupportedProperty("Subject")) { _ = try check(withSubject) }
        let cases: [(String, AuthnRequest)] = [
            ("AADSTS7500529", base { $0.id = "1abc" }),
            ("AADSTS700016", base { $0.issuer = Issuer("https://sp.example.com") }),
            ("AADSTS50011", base { $0.assertionConsumerServiceURL = "https://evil.example/acs" }),
            ("AADSTS900236", base { $0.requestedAuthnContext = .init(comparison: "minimum", classRefs: ["urn:oasis:names:tc:SAML:2.0:ac:classes:Password"]) }),
            ("AADSTS75011", base { $0.requestedAuthnContext = .init(comparison: "exact", classRefs: ["urn:oasis:names:tc:SAML:2.0:ac:classes:X509"]) }),
            ("AADSTS75016", base { $0.nameIDPolicy = .init(format: "urn:example:bogus") }),
        ]
        for (code, request) in cases {
            let error = #expect(throws: EntraError.self, "\(code)") { _ = try check(request) }
            #expect(error?.code == code, "\(String(describing: error))")
        }
        // Not deflated: the binding refuses it before any rule runs.
        #expect(throws: SAMLError.self) { try AuthnRequestRules.check(.redirect(try RedirectBinding.decode(query: "SAMLRequest=bm90IGRlZmxhdGU%3D")), in: tenant) }
        // Deflated but not XML: Entra's AADSTS75005.
        let notXML = try RedirectBinding.decode(query: try RedirectBinding.query(Array("not xml".utf8), kind: .request))
        let garbage = #expect(throws: EntraError.self) { try AuthnRequestRules.check(.redirect(notXML), in: tenant) }
        #expect(garbage?.code == "AADSTS75005")

        // Signed requests: required ⇒ 76021 when unsigned; with verification certificates, the query signature counts.
        var strict = F.tenant()
        strict.applications[0].requireSignedRequests = true
        strict.applications[0].requestCertificates = [F.rollover.certificate.pem]
        do { _ = try check(base(), tenant: strict); Issue.record("unsigned accepted") } catch { #expect(error.code == "AADSTS76021") }
        let signedQuery = try RedirectBinding.query(Array(base().xml().utf8), kind: .request, key: F.rollover.key)
        #expect(try AuthnRequestRules.check(.redirect(RedirectBinding.decode(query: signedQuery)), in: strict).requestID == "_a1b2")
        let wrongKey = try RedirectBinding.query(Array(base().xml().utf8), kind: .request, key: F.idp.key)
        #expect(throws: EntraError.self) { try AuthnRequestRules.check(.redirect(RedirectBinding.decode(query: wrongKey)), in: strict) }
    }

    @Test("key rollover: publish, activate, retire; kept in a directory across restarts")
    func keyRing() throws {
        var ring = try KeyRing(credentials: [F.idp])
        try ring.add(F.rollover)
        #expect(ring.publishedCertificates == [F.idp.certificate, F.rollover.certificate])
        #expect(throws: SAMLError.self) { try ring.add(F.rollover) }
        #expect(throws: SAMLError.self) { try ring.retire(F.idp.thumbprint) }
        try ring.activate(F.rollover.thumbprint.lowercased())
        #expect(ring.publishedCertificates == [F.rollover.certificate, F.idp.certificate])
        #expect(ring.signer(.rsaSHA256)?.certificate == F.rollover.certificate)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = KeyRingDirectory(directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: directory.appendingPathComponent("someone-else.pem"))
        try store.save(ring)
        try ring.retire(F.idp.thumbprint)
        try store.save(ring)
        let reloaded = try store.loadOrCreate()
        #expect(reloaded.activeThumbprint == F.rollover.thumbprint && reloaded.credentials.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["\(F.rollover.thumbprint).crt.pem", "\(F.rollover.thumbprint).key.pem", "keys.json", "someone-else.pem"],
                "retired keys are deleted, other files left alone")
        let mode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("\(F.rollover.thumbprint).key.pem").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // First start: a new Entra-style certificate is generated and kept.
        let fresh = KeyRingDirectory(directory.appendingPathComponent("new"))
        let generated = try fresh.loadOrCreate()
        #expect(generated.active.certificate.subject.contains("Microsoft Azure Federated SSO Certificate") && generated.active.certificate.keyBits == 2048)
        #expect(try fresh.loadOrCreate().activeThumbprint == generated.activeThumbprint)
    }

    @Test("role provisioning reads trust policies as Entra does: exactly one SAML provider, pair under 240 characters")
    func provisioningRules() {
        func policy(_ federated: String) -> String {
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\(federated)},\"Action\":\"sts:AssumeRoleWithSAML\"}]}"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        let provider = "\"arn:aws:iam::123456789012:saml-provider/EntraID\""
        let ok = RoleProvisioning.judge(.init(arn: "arn:aws:iam::123456789012:role/ReadOnly", name: "ReadOnly", trustPolicy: policy(provider)))
        #expect(ok.value == "arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID")
        let two = RoleProvisioning.judge(.init(arn: "arn:aws:iam::123456789012:role/Two", name: "Two",
                                               trustPolicy: policy("[\(provider),\"arn:aws:iam::123456789012:saml-provider/Other\"]")))
        #expect(two.value == nil && two.skipped?.contains("2 SAML providers") == true)
        let none = RoleProvisioning.judge(.init(arn: "arn:aws:iam::123456789012:role/Ec2", name: "Ec2",
                                                trustPolicy: "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}]}"))
        #expect(none.value == nil && none.skipped?.contains("no SAML provider") == true)
        let long = RoleProvisioning.judge(.init(arn: "arn:aws:iam::123456789012:role/" + String(repeating: "r", count: 190), name: "long",
                                                trustPolicy: policy(provider)))
        #expect(long.value == nil && long.skipped?.contains("limit is 239") == true)
        // A hostile IAM endpoint: a DTD anywhere (after a long comment too) is refused before parsing.
        let bomb = "<!--" + String(repeating: "x", count: 10_000) + "--><!DOCTYPE r [<!ENTITY a \"aaaa\">]><ListRolesResponse>&a;</ListRolesResponse>"
        #expect(throws: RoleProvisioning.Failure.self) { try RoleProvisioning.parse(Data(bomb.utf8)) }
        let page = try? RoleProvisioning.parse(Data("<ListRolesResponse><ListRolesResult><IsTruncated>true</IsTruncated><Marker>m2</Marker><Roles><member><Arn>a</Arn></member></Roles></ListRolesResult></ListRolesResponse>".utf8))
        #expect(page?.truncated == true && page?.marker == "m2" && page?.roles.count == 1)
    }

    @Test("configuration: defaults fill what a file leaves out; a reply URL override points AWS apps at a local mock-aws")
    func configuration() throws {
        let json = """
            {"replyURL": "http://127.0.0.1:9000/saml",
             "tenant": {"name": "fabrikam", "tenantID": "99999999-0000-0000-0000-000000000001", "domain": "fabrikam.com",
              "users": [], "groups": [], "conditionalAccess": [],
              "applications": [{"appID": "a1", "displayName": "AWS", "identifier": "https://signin.aws.amazon.com/saml#2",
                                "replyURL": "https://signin.aws.amazon.com/saml", "signingMode": "both", "signatureAlgorithm": "rsa-sha1",
                                "sessionDuration": null}]}}
            """
        let configuration = try JSONDecoder().decode(MockEntraConfiguration.self, from: Data(json.utf8))
        let app = try #require(configuration.resolvedTenant().applications.first)
        #expect(app.replyURL == "http://127.0.0.1:9000/saml" && app.audience == "https://signin.aws.amazon.com/saml")
        #expect(app.signingMode == .both && app.signatureAlgorithm == .rsaSHA1 && app.sessionDuration == nil)
        #expect(app.nameIDFormat == SAMLURI.nameIDEmail && app.appRoles.isEmpty && !app.requireSignedRequests)
        let defaults = MockEntraConfiguration().resolvedTenant(replyURL: "http://localhost:1/saml")
        #expect(defaults.tenantID == F.tenantID && defaults.applications[0].replyURL == "http://localhost:1/saml")
        #expect(defaults.isNamed("contoso.com") && defaults.isNamed(F.tenantID.uppercased()) && defaults.isNamed("contoso.onmicrosoft.com"))
        #expect(!defaults.isNamed("common"))
    }
}
