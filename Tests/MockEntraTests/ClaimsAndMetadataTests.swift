import AWSFederation
import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// What issue 14 asked of the claims and the metadata, each against its source: the role claim beside the AWS Role
/// claim, emailaddress from the user's mail, AuthnInstant and the AuthnContext, the NameIDPolicy formats, tenant
/// metadata signed with the tenant's key, and the metadata path in both spellings.
@Suite("mock-entra: claims, AuthnStatement, NameIDPolicy and metadata as Entra's")
struct ClaimsAndMetadataTests {
    typealias F = EntraFixtures
    typealias P = MockEntraProcess
    static let keys = Result { try KeyRing(credentials: [F.idp]) }

    func issue(_ edit: (inout Tenant) -> Void = { _ in }, user upn: String = "test-awsadmin@contoso.com", request: SignInRequest? = nil,
               mfa: Bool = true, authnInstant: Date = F.start.addingTimeInterval(-3600), clock: any SAMLClock = FixedClock(F.start)) throws -> VerifiedResponse {
        var tenant = F.tenant()
        edit(&tenant)
        let app = tenant.applications[0]
        let user = try #require(tenant.user(upn))
        let issuance = Issuance(tenant: tenant, application: app, user: user, request: request ?? .idpInitiated(app), mfa: mfa,
                                authnInstant: authnInstant)
        let issued = try issuance.issue(keys: Self.keys.get(), clock: clock, ids: RandomIDGenerator())
        return try F.verifier(clock: clock).verify(issued.xml, inResponseTo: request?.requestID)
    }

    // MARK: - The role claim

    @Test("the role claim carries the AWS Role values, after authnmethodsreferences as in saml2aws's Entra capture; both absent without a role")
    func roleClaim() throws {
        let one = try issue()
        #expect(one.attribute(AttributeName.role) == [F.adminPair] && one.attribute(AttributeName.awsRole) == [F.adminPair])
        #expect(one.assertion.attributeStatement?.attributes.map(\.name) == [
            AttributeName.tenantID, AttributeName.objectIdentifier, AttributeName.displayName, AttributeName.identityProvider,
            AttributeName.authnMethodsReferences, AttributeName.role, AttributeName.givenName, AttributeName.surname,
            AttributeName.emailAddress, AttributeName.name, AttributeName.awsRole, AttributeName.awsRoleSessionName,
            AttributeName.awsSessionDuration])

        // Two app roles assigned: both claims carry both values, in the same (app-role) order.
        let two = try issue { $0.applications[0].assignments["AWS-Account1-Administrators"] = ["44444444-aaaa-4bbb-8ccc-000000000002",
                                                                                              "44444444-aaaa-4bbb-8ccc-000000000001"] }
        #expect(two.attribute(AttributeName.role) == [F.adminPair, F.developerPair])
        #expect(two.attribute(AttributeName.role) == two.attribute(AttributeName.awsRole))

        // msiam_access only (no value): neither claim, as Entra emits no claim without a value.
        let none = try issue { $0.applications[0].assignments["AWS-Account1-Administrators"] = ["44444444-aaaa-4bbb-8ccc-000000000003"] }
        #expect(none.attribute(AttributeName.role) == nil && none.attribute(AttributeName.awsRole) == nil)
        #expect(none.attribute(AttributeName.awsRoleSessionName) == ["test-awsadmin@contoso.com"])
    }

    // MARK: - emailaddress

    @Test("emailaddress is the user's mail, not the UPN; no mail (absent or empty), no claim")
    func emailFromMail() throws {
        #expect(try issue().attribute(AttributeName.emailAddress) == ["test-awsadmin@contoso.com"], "the embedded users' mail is their UPN")
        let other = try issue { $0.users[0].mail = "Alice.Admin@mail.contoso.com" }
        #expect(other.attribute(AttributeName.emailAddress) == ["Alice.Admin@mail.contoso.com"])
        #expect(other.attribute(AttributeName.name) == ["test-awsadmin@contoso.com"] && other.nameID?.value == "test-awsadmin@contoso.com",
                "name and the NameID stay the UPN")
        for missing in [nil, ""] as [String?] {
            let verified = try issue { $0.users[0].mail = missing }
            #expect(verified.attribute(AttributeName.emailAddress) == nil, "mail \(String(describing: missing))")
            #expect(verified.assertion.attributeStatement?.attributes.allSatisfy { !$0.values.isEmpty && !$0.values.contains("") } == true)
        }
    }

    @Test("a configuration written before mail and authnContextClassRef existed loads; its users get no emailaddress")
    func oldConfigurationLoads() async throws {
        let user = #"{"objectID": "o-1", "userPrincipalName": "old@contoso.com", "displayName": "Old", "givenName": "O", "surname": "Ld", "password": "Old-Passw0rd!"}"#
        let decoded = try JSONDecoder().decode(Tenant.User.self, from: Data(user.utf8))
        #expect(decoded.mail == nil && decoded.userPrincipalName == "old@contoso.com")
        let withMail = try JSONDecoder().decode(Tenant.User.self, from: Data(user.replacingOccurrences(of: "}", with: #", "mail": "o@contoso.com"}"#).utf8))
        #expect(withMail.mail == "o@contoso.com")

        // The whole file, as mock-entra reads it: the embedded tenant written without the new fields.
        var tree = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Tenant.contoso())) as? [String: Any])
        tree["users"] = (tree["users"] as? [[String: Any]])?.map { $0.filter { $0.key != "mail" } }
        tree["applications"] = (tree["applications"] as? [[String: Any]])?.map { $0.filter { $0.key != "authnContextClassRef" } }
        let json = try #require(String(data: try JSONSerialization.data(withJSONObject: ["tenant": tree]), encoding: .utf8))
        #expect(!json.contains("\"mail\"") && !json.contains("authnContextClassRef") && json.contains("test-awsadmin@contoso.com"))
        try await MockEntraApp.test(configuration: json) { entra in
            let response = try await entra.hookResponse()
            let xml = String(decoding: try #require(Data(base64Encoded: response)), as: UTF8.self)
            #expect(xml.contains(AttributeName.awsRole) && xml.contains(AttributeName.role) && !xml.contains(AttributeName.emailAddress))
            #expect(xml.contains("<AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef>"))
        }
    }

    // MARK: - AuthnStatement

    @Test("AuthnInstant is when the password was typed, kept on SSO visits, never after the assertion's IssueInstant; SessionIndex is the assertion ID")
    func authnInstantAndSession() async throws {
        let clock = TestClock(F.start.addingTimeInterval(0.5))
        let state = try F.state(clock: clock)
        let app = try #require(Tenant.contoso().application(F.appID))
        guard case .login(let flow, _, _) = await state.begin(.idpInitiated(app), session: nil, ip: "10.0.0.1") else {
            Issue.record("expected the sign-in page"); return
        }
        let typed = clock.now
        _ = await state.password(flow: flow, username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!", ip: "10.0.0.1")
        clock.advance(45)
        _ = await state.verifyCode(flow: flow, code: F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: clock.now), ip: "10.0.0.1")
        clock.advance(5)
        let step = await state.staySignedIn(flow: flow, keep: true, ip: "10.0.0.1")
        guard case .issue(let first, _, let session) = step else { Issue.record("expected issuance, got \(step)"); return }

        func check(_ issuance: Issuance) throws -> AuthnStatement {
            let issued = try issuance.issue(keys: Self.keys.get(), clock: clock, ids: RandomIDGenerator())
            let verified = try F.verifier(clock: clock).verify(issued.xml)
            let statement = try #require(verified.assertion.authnStatement)
            #expect(statement.authnInstant <= verified.assertion.issueInstant && verified.assertion.issueInstant <= verified.response.issueInstant)
            #expect(statement.sessionIndex == verified.assertion.id)
            #expect(verified.assertion.id.range(of: "^_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", options: .regularExpression) != nil)
            // MFA or not, a password sign-in reads Password (the app's default), MFA in the methods only.
            #expect(statement.authnContextClassRef == SAMLURI.authnContextPassword)
            #expect(verified.attribute(AttributeName.authnMethodsReferences)?.last == "http://schemas.microsoft.com/claims/multipleauthn")
            return statement
        }
        #expect(try check(first).authnInstant == typed, "the time the password was typed, not the code or KMSI")

        // SSO an hour later: no page, the earlier sign-in's instant, and a new SessionIndex (the new assertion's ID).
        clock.advance(3600)
        guard case .issue(let second, _, _) = await state.begin(.idpInitiated(app), session: session, ip: "10.0.0.1") else {
            Issue.record("expected SSO"); return
        }
        let again = try check(second)
        let firstIndex = try check(first).sessionIndex
        #expect(again.authnInstant == typed && again.sessionIndex != firstIndex)

        // Non-interactive issuance (test hooks) signs in "now": still not after the assertion, stamped 7 ms earlier.
        let (hook, _) = try await state.hookIssuance(user: "test-awsadmin@contoso.com", appID: F.appID, relayState: nil, mfa: true,
                                                     fault: nil, ip: "10.0.0.1")
        _ = try check(hook)
    }

    @Test("an AuthnInstant later than the issue instant (a skewed or future sign-in time) is written as the assertion's IssueInstant")
    func authnInstantNeverAfterIssue() throws {
        let offsets: [TimeInterval] = [-86_400, -1, -0.008, -0.007, -0.001, 0, 0.001, 0.5, 1, 3600, 86_400 * 365]
        for offset in offsets {
            let clock = FixedClock(F.start)
            let verified = try issue(authnInstant: F.start.addingTimeInterval(offset), clock: clock)
            let statement = try #require(verified.assertion.authnStatement)
            #expect(statement.authnInstant <= verified.assertion.issueInstant, "offset \(offset)")
            // Written to the millisecond.
            let expected = min(F.start.addingTimeInterval(offset), verified.assertion.issueInstant)
            #expect(abs(statement.authnInstant.timeIntervalSince(expected)) < 0.0011, "offset \(offset)")
        }
    }

    @Test("AuthnContextClassRef: Password by default, PasswordProtectedTransport when the app says so, the methods following it; an unknown class is refused at load")
    func authnContextClass() throws {
        let password = try issue(mfa: false)
        #expect(password.assertion.authnStatement?.authnContextClassRef == SAMLURI.authnContextPassword)
        #expect(password.attribute(AttributeName.authnMethodsReferences) == ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"])
        let transport = try issue { $0.applications[0].authnContextClassRef = .passwordProtectedTransport }
        #expect(transport.assertion.authnStatement?.authnContextClassRef == SAMLURI.authnContextPasswordProtectedTransport)
        #expect(transport.attribute(AttributeName.authnMethodsReferences) == [SAMLURI.authnContextPasswordProtectedTransport,
                                                                              "http://schemas.microsoft.com/claims/multipleauthn"])

        let app = #"{"appID": "a", "displayName": "A", "identifier": "urn:a", "replyURL": "https://a.example/acs""#
        let plain = try JSONDecoder().decode(Tenant.Application.self, from: Data((app + "}").utf8))
        #expect(plain.authnContextClassRef == .password)
        let ppt = try JSONDecoder().decode(Tenant.Application.self, from: Data(
            (app + #", "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}"#).utf8))
        #expect(ppt.authnContextClassRef == .passwordProtectedTransport)
        for bad in ["urn:oasis:names:tc:SAML:2.0:ac:classes:X509", "urn:oasis:names:tc:SAML:2.0:ac:classes:password", "Password", ""] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try JSONDecoder().decode(Tenant.Application.self, from: Data((app + #", "authnContextClassRef": "\#(bad)"}"#).utf8))
            }
        }
    }

    @Test("the admin API sets the AuthnContextClassRef (full URI); anything else is a 400 and changes nothing")
    func authnContextClassPatch() async throws {
        try await MockEntraApp.test { entra in
            let path = "/admin/applications/\(F.appID)"
            for bad in [#"{"authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:X509"}"#,
                        #"{"authnContextClassRef": "PasswordProtectedTransport"}"#, #"{"authnContextClassRef": 1}"#] {
                #expect(try await entra.json("PATCH", path, bad).status == 400, "\(bad)")
            }
            #expect(await entra.state.tenant.application(F.appID)?.authnContextClassRef == .password)
            let patched = try await entra.json("PATCH", path, #"{"authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}"#)
            #expect(patched.status == 200)
            let xml = String(decoding: try #require(Data(base64Encoded: try await entra.hookResponse())), as: UTF8.self)
            #expect(xml.contains("<AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef>"))
        }
    }

    // MARK: - NameIDPolicy

    static func check(format: String?) throws(EntraError) -> SignInRequest {
        let request = AuthnRequest(id: "_nid1", issueInstant: F.start, assertionConsumerServiceURL: F.awsSignIn, issuer: Issuer(F.awsSignIn),
                                   nameIDPolicy: format.map { .init(format: $0) })
        do {
            let query = try RedirectBinding.query(Array(request.xml().utf8), kind: .request)
            return try AuthnRequestRules.check(.redirect(try RedirectBinding.decode(query: query)), in: F.tenant())
        } catch let error as EntraError {
            throw error
        } catch {
            throw .invalidMessage("\(error)")
        }
    }

    @Test("NameIDPolicy: persistent, emailAddress, unspecified and transient answer as Entra documents them")
    func nameIDFormats() throws {
        #expect(try Self.check(format: nil).nameIDFormat == nil)
        #expect(try Self.check(format: SAMLURI.nameIDUnspecified).nameIDFormat == nil, "unspecified: Entra picks, the app's format")
        for format in [SAMLURI.nameIDPersistent, SAMLURI.nameIDEmail, SAMLURI.nameIDTransient] {
            #expect(try Self.check(format: format).nameIDFormat == format)
        }
        func nameID(_ format: String?, user: String = "test-awsadmin@contoso.com") throws -> NameID {
            let request = SignInRequest(appID: F.appID, requestID: "_nid1", acsURL: F.awsSignIn, nameIDFormat: try Self.check(format: format).nameIDFormat)
            return try #require(try issue(user: user, request: request).nameID)
        }
        // emailAddress: the app's source, the UPN (the mail stays in the emailaddress claim).
        #expect(try nameID(SAMLURI.nameIDEmail) == NameID("test-awsadmin@contoso.com", format: SAMLURI.nameIDEmail))
        #expect(try nameID(SAMLURI.nameIDUnspecified) == NameID("test-awsadmin@contoso.com", format: SAMLURI.nameIDEmail))
        // persistent: pairwise, opaque, the same every time for this user and app, another for another user.
        let persistent = try nameID(SAMLURI.nameIDPersistent)
        #expect(persistent.format == SAMLURI.nameIDPersistent && !persistent.value.contains("contoso"))
        #expect(try nameID(SAMLURI.nameIDPersistent) == persistent)
        #expect(try nameID(SAMLURI.nameIDPersistent, user: "test-awsdeveloper@contoso.com").value != persistent.value)
        // transient: random per sign-on.
        let transients = try (0..<5).map { _ in try nameID(SAMLURI.nameIDTransient) }
        #expect(transients.allSatisfy { $0.format == SAMLURI.nameIDTransient && !$0.value.contains("contoso") })
        #expect(Set(transients.map(\.value)).count == 5)
    }

    @Test("NameIDPolicy: any other format, the documented ones in another case, with whitespace or look-alikes, is AADSTS75016")
    func nameIDFormatsRefused() throws {
        let refused = [
            "urn:oasis:names:tc:SAML:2.0:nameid-format:PERSISTENT", "URN:OASIS:NAMES:TC:SAML:2.0:NAMEID-FORMAT:PERSISTENT",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailaddress", "urn:oasis:names:tc:saml:2.0:nameid-format:transient",
            " urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent ",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\t", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient\u{200B}",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:ｐersistent", // fullwidth p
            "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified", // the 1.1 URI is the documented one
            "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted", "urn:example:bogus", "",
        ]
        for format in refused {
            do {
                let accepted = try Self.check(format: format)
                Issue.record("accepted NameIDPolicy \(format.debugDescription) as \(String(describing: accepted.nameIDFormat))")
            } catch {
                #expect(error.code == "AADSTS75016", "\(format.debugDescription): \(error)")
            }
        }
    }

    @Test("a refused NameIDPolicy goes back to the ACS as Requester/RequestUnsupported carrying AADSTS75016, as Entra answers")
    func nameIDRefusalResponse() async throws {
        let base = "https://login.contoso.test"
        try await MockEntraApp.test(publicURL: base) { entra in
            let certificates = try await entra.publishedCertificates()
            for format in ["urn:oasis:names:tc:SAML:2.0:nameid-format:Persistent", "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName"] {
                let request = AuthnRequest(id: "_nidpolicy", issueInstant: Date(), assertionConsumerServiceURL: F.awsSignIn, issuer: Issuer(F.awsSignIn),
                                           nameIDPolicy: .init(format: format))
                let page = try await entra.get(try RedirectBinding.url(base + P.tenantPath + "/saml2", Array(request.xml().utf8), kind: .request,
                                                                       relayState: "rs"))
                #expect(page.status == 200 && page.body.hasPrefix("<html><head><title>Working...</title></head>"))
                let encoded = try #require(page.field("SAMLResponse"))
                let xml = Array(try #require(Data(base64Encoded: encoded)))
                #expect(throws: Never.self) { try MessageSignatures.verify(xml, trusting: certificates) }
                let response = try ResponsePeek.response(xml)
                #expect(response.status.code == SAMLURI.statusRequester && response.status.subCode == "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported")
                #expect(response.status.message?.hasPrefix("AADSTS75006: An error occurred while processing a SAML2 Authentication request. AADSTS75016: ") == true)
                #expect(response.inResponseTo == "_nidpolicy" && response.assertion == nil && page.field("RelayState") == "rs")
            }
        }
    }

    // MARK: - Metadata

    @Test("tenant metadata (no appid) is the tenant's keys, signed with the tenant's key and not an app's; ?appid= is the app's")
    func tenantMetadataKeys() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mock-entra-\(UUID().uuidString)")
        let tenantCertificate = try await MockEntraApp.test(directory: directory) { entra in
            let tenantKeys = entra.state.tenantKeys.publishedCertificates
            let appKeys = await entra.state.keys.publishedCertificates
            #expect(Set(tenantKeys.map(\.sha1Thumbprint)).isDisjoint(with: appKeys.map(\.sha1Thumbprint)))
            #expect(tenantKeys.allSatisfy { $0.subject.contains("accounts.accesscontrol.windows.net") })

            let tenantDocument = try await entra.get(P.tenantPath + "/FederationMetadata/2007-06/FederationMetadata.xml")
            #expect(tenantDocument.status == 200 && tenantDocument.headers["content-type"] == "application/samlmetadata+xml")
            let tenantXML = Array(tenantDocument.body.utf8)
            #expect(try MessageSignatures.verify(tenantXML, trusting: tenantKeys) == tenantKeys[0])
            #expect(throws: SAMLError.self, "the tenant document must not verify with the app's key") {
                try MessageSignatures.verify(tenantXML, trusting: appKeys)
            }
            let published = try IdentityProviderMetadata.parse(tenantXML).signingCertificates
            #expect(published == tenantKeys)

            let appXML = Array(try await entra.get(P.metadataPath).body.utf8)
            #expect(try MessageSignatures.verify(appXML, trusting: appKeys) == appKeys[0])
            #expect(throws: SAMLError.self) { try MessageSignatures.verify(appXML, trusting: tenantKeys) }
            #expect(try IdentityProviderMetadata.parse(appXML).signingCertificates == appKeys)
            // Responses are the app's: what the app's metadata publishes verifies them, the tenant's does not.
            let response = Array(try #require(Data(base64Encoded: try await entra.hookResponse())))
            #expect(throws: Never.self) { try MessageSignatures.verify(response, trusting: appKeys) }
            #expect(throws: SAMLError.self) { try MessageSignatures.verify(response, trusting: tenantKeys) }
            return tenantKeys[0]
        }
        // The tenant's key is kept in the keys directory: the same after a restart.
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("keys/tenant/keys.json").path))
        try await MockEntraApp.test(directory: directory) { entra in
            #expect(entra.state.tenantKeys.publishedCertificates == [tenantCertificate])
        }
    }

    @Test("the metadata path answers in the documented capitalised spelling and in lower case (any ASCII case), nothing else")
    func metadataPathSpellings() async throws {
        try await MockEntraApp.test { entra in
            let appKeys = await entra.state.keys.publishedCertificates
            let tenantKeys = entra.state.tenantKeys.publishedCertificates
            for (path, keys) in [
                ("/FederationMetadata/2007-06/FederationMetadata.xml", tenantKeys),
                ("/federationmetadata/2007-06/federationmetadata.xml", tenantKeys),
                ("/FEDERATIONMETADATA/2007-06/federationMetadata.XML", tenantKeys),
                ("/FederationMetadata/2007-06/FederationMetadata.xml?appid=\(F.appID)", appKeys),
                ("/federationmetadata/2007-06/federationmetadata.xml?appid=\(F.appID)", appKeys),
            ] {
                for tenant in [F.tenantID, "contoso.com", "CONTOSO.onmicrosoft.com"] {
                    let answer = try await entra.get("/\(tenant)" + path)
                    #expect(answer.status == 200, "\(tenant)\(path)")
                    #expect(throws: Never.self, "\(tenant)\(path)") { try MessageSignatures.verify(Array(answer.body.utf8), trusting: keys) }
                }
            }
            #expect(try await entra.get(P.tenantPath + "/FederationMetadata/2007-06/FederationMetadata.xml?appid=nope").body.contains("AADSTS700016"))
            for path in ["/FederationMetadata/2007-06/FederationMetadata.xml.bak", "/FederationMetadat/2007-06/FederationMetadata.xml",
                         "/FederationMetadata/2007-07/FederationMetadata.xml", "/federat%C4%B1onmetadata/2007-06/federationmetadata.xml",
                         "/FEDERATIONMETADATA/2007-06/FEDERATIONMETADATA.XML%20", "/FederationMetadata/2007-06"] {
                let answer = try await entra.get(P.tenantPath + path)
                #expect(answer.status == 404, "\(path): \(answer.status)")
            }
            #expect(try await entra.get("/no-such-tenant/FederationMetadata/2007-06/FederationMetadata.xml").body.contains("AADSTS90002"))
        }
    }
}
