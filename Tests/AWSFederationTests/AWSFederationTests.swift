import AWSFederation
import Foundation
import SAML
import Testing

enum AWSFixtures {
    static let keys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TestVectors/keys")
    static func pem(_ name: String) -> String { (try? String(contentsOf: keys.appendingPathComponent(name), encoding: .utf8)) ?? "" }
    static let certificate = try! Certificate(pem: pem("idp.crt"))
    static let signer = try! Signer(key: SigningKey(pem: pem("idp.key")), certificate: certificate)
    static let attacker = try! Signer(key: SigningKey(pem: pem("attacker.key")), certificate: Certificate(pem: pem("attacker.crt")))
    static let issued = SAMLInstant.parse("2025-05-01T12:00:00.245Z")!
    static let tenant = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
    static let adminPair = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"
    static let developerPair = "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"
    static let providerARN = "arn:aws:iam::123456789012:saml-provider/EntraID"

    static func user(_ roles: [String] = [adminPair]) -> EntraAWSResponse {
        EntraAWSResponse(tenantID: tenant, objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", userPrincipalName: "test-awsadmin@contoso.com",
                         displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", roles: roles)
    }

    static func response(_ roles: [String] = [adminPair], edit: (inout Response) -> Void = { _ in }) -> Response {
        var r = user(roles).response(clock: FixedClock(issued), ids: SequentialIDGenerator(seed: 7))
        edit(&r)
        return r
    }

    static func encoded(_ response: Response, signer: Signer = signer, encryption: AssertionEncryption? = nil) -> String {
        Data(try! signer.signedBytes(response, encryptingFor: encryption)).base64EncodedString()
    }

    static let provider = SAMLProvider(name: "EntraID", account: "123456789012", metadata: IdentityProviderMetadata(
        entityID: "https://sts.windows.net/\(tenant)/", signingCertificates: [certificate]))

    static func role(_ name: String, maxSession: Int = 3600) -> IAMRole {
        IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/\(name)")!, uniqueID: "AROA\(name.uppercased().prefix(8))EXAMPLE",
                trustPolicy: .consoleWizard(providerARN: providerARN), maxSessionDuration: maxSession)
    }

    static func federation(at instant: String = "2025-05-01T12:00:30Z", providers: [SAMLProvider] = [provider],
                           roles: [IAMRole] = [role("Administrator"), role("Developer")]) -> AWSFederation {
        AWSFederation(providers: providers, roles: roles, clock: FixedClock(instant)!)
    }

    static func request(_ saml: String, role: String = "arn:aws:iam::123456789012:role/Administrator",
                        duration: Int? = nil) -> AssumeRoleWithSAMLRequest {
        AssumeRoleWithSAMLRequest(samlAssertion: saml, roleARN: role, principalARN: providerARN, durationSeconds: duration)
    }
}

/// Expects an AWSError with `code` and, when given, exactly `message`.
@discardableResult
func expectAWS<T>(_ code: String, _ message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                  _ body: () throws -> T) -> AWSError? {
    do {
        _ = try body()
        Issue.record("expected \(code), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as AWSError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("Role attribute, claims and session")
struct ClaimsTests {
    @Test("role/provider pairs in either order, spaces trimmed, paths and partitions")
    func pairs() throws {
        let pair = try AWSRolePair(AWSFixtures.adminPair)
        #expect(pair.roleName == "Administrator" && pair.providerName == "EntraID" && pair.account == "123456789012")
        #expect(try AWSRolePair("arn:aws:iam::123456789012:saml-provider/EntraID , arn:aws:iam::123456789012:role/Administrator") == pair)
        let path = try AWSRolePair("arn:aws-us-gov:iam::210987654321:role/ops/team/Reader,arn:aws-us-gov:iam::210987654321:saml-provider/Gov")
        #expect(path.roleName == "Reader")
        for bad in ["arn:aws:iam::123456789012:role/Administrator", "arn:aws:iam::12345:role/A,arn:aws:iam::12345:saml-provider/P",
                    "arn:aws:iam::123456789012:role/A,arn:aws:iam::210987654321:saml-provider/P",
                    "arn:azure:iam::123456789012:role/A,arn:azure:iam::123456789012:saml-provider/P",
                    "arn:aws:iam::123456789012:user/A,arn:aws:iam::123456789012:saml-provider/P",
                    "arn:aws:iam::123456789012:role/A B,arn:aws:iam::123456789012:saml-provider/P"] {
            expectAWS("InvalidIdentityToken") { try AWSRolePair(bad) }
        }
    }

    @Test("the session reads as in the console and the API")
    func session() throws {
        let session = FederatedSession(role: try AWSRolePair(AWSFixtures.adminPair), roleSessionName: "test-awsadmin@contoso.com")
        #expect(session.consoleDisplay == "Administrator/test-awsadmin@contoso.com @ 123456789012")
        #expect(session.assumedRoleARN == "arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com")
        #expect(session.assumedRoleID(roleUniqueID: "AROAEXAMPLE") == "AROAEXAMPLE:test-awsadmin@contoso.com")
        // aws-entra.md §1.5's worked example.
        #expect(FederatedSession.nameQualifier(issuer: "https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/",
                                               account: "111122223333", providerName: "WAAD") == "wmZ+A6iIhCwoN0PzsQM6ynt6bpc=")
        #expect(FederatedSession.subjectType(format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent") == "persistent")
        #expect(FederatedSession.subjectType(format: SAMLURI.nameIDEmail) == SAMLURI.nameIDEmail)
        #expect(FederatedSession.subjectType(format: nil) == "unspecified")
    }

    @Test("AWS's attribute rules and texts", arguments: [
        (AttributeName.awsRoleSessionName, [String](), "InvalidIdentityToken", "RoleSessionName is required in AuthnResponse"),
        (AttributeName.awsRoleSessionName, ["has space"], "InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"),
        (AttributeName.awsRoleSessionName, [String(repeating: "a", count: 65)], "InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"),
        (AttributeName.awsSessionDuration, ["899"], "InvalidIdentityToken", nil),
        (AttributeName.awsSessionDuration, ["43201"], "InvalidIdentityToken", nil),
        (AttributeName.awsSourceIdentity, ["aws:admin"], "InvalidIdentityToken", "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\""),
        (AttributeName.awsRole, [String](), "InvalidIdentityToken", nil),
    ])
    func rules(_ name: String, _ values: [String], _ code: String, _ message: String?) throws {
        var assertion = try #require(AWSFixtures.response().assertion)
        var attributes = assertion.attributeStatement?.attributes.filter { $0.name != name } ?? []
        if !values.isEmpty { attributes.append(Attribute(name: name, values: values)) }
        assertion.attributeStatement = AttributeStatement(attributes)
        expectAWS(code, message) { try AWSClaims(assertion) }
    }

    @Test("more than 50 session tags is refused (Unable to validate tags)")
    func tags() throws {
        var assertion = try #require(AWSFixtures.response().assertion)
        assertion.attributeStatement?.attributes += (0..<51).map { Attribute(AttributeName.awsPrincipalTag("k\($0)"), "v") }
        expectAWS("ValidationError", "Unable to validate tags") { try AWSClaims(assertion) }
        assertion.attributeStatement?.attributes.removeLast()
        #expect(try AWSClaims(assertion).principalTags.count == 50)
    }
}

@Suite("Trust policies")
struct TrustPolicyTests {
    @Test("the console wizard's policy: the provider, the action, SAML:aud")
    func wizard() {
        let policy = TrustPolicy.consoleWizard(providerARN: AWSFixtures.providerARN)
        let ok: [String: [String]] = ["saml:aud": ["https://signin.aws.amazon.com/saml"]]
        #expect(policy.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN, context: ok))
        #expect(!policy.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN,
                               context: ["saml:aud": ["https://us-east-1.signin.aws.amazon.com/saml"]]))
        #expect(!policy.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: "arn:aws:iam::123456789012:saml-provider/Other", context: ok))
        #expect(!policy.allows(action: "sts:TagSession", federatedPrincipal: AWSFixtures.providerARN, context: ok))
    }

    @Test("StringLike, Deny over Allow, negated operators, malformed documents")
    func operators() throws {
        let policy = try TrustPolicy(json: """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"Federated":["\(AWSFixtures.providerARN)"]},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],
               "Condition":{"StringLike":{"saml:aud":"https://*.signin.aws.amazon.com/saml"}}},
              {"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringEquals":{"saml:sub":"blocked@contoso.com"}}}]}
            """)
        let regional = ["saml:aud": ["https://eu-west-1.signin.aws.amazon.com/saml"], "saml:sub": ["ok@contoso.com"]]
        #expect(policy.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN, context: regional))
        #expect(policy.allows(action: "sts:TagSession", federatedPrincipal: AWSFixtures.providerARN, context: regional))
        #expect(!policy.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN,
                               context: ["saml:aud": regional["saml:aud"]!, "saml:sub": ["blocked@contoso.com"]]))
        let negated = try TrustPolicy(json: """
            {"Statement":{"Effect":"Allow","Principal":{"Federated":"\(AWSFixtures.providerARN)"},"Action":"sts:AssumeRoleWithSAML",
             "Condition":{"StringNotEquals":{"saml:sub_type":"transient"}}}}
            """)
        #expect(negated.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN, context: ["saml:sub_type": ["persistent"]]))
        #expect(!negated.allows(action: "sts:AssumeRoleWithSAML", federatedPrincipal: AWSFixtures.providerARN, context: ["saml:sub_type": ["transient"]]))
        expectAWS("MalformedPolicyDocument") { try TrustPolicy(json: "{") }
        expectAWS("MalformedPolicyDocument") { try TrustPolicy(json: "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"x\"}]}") }
    }
}

@Suite("AssumeRoleWithSAML and console sign-in, as AWS validates them")
struct AssumeRoleTests {
    @Test("a valid Entra response yields the session")
    func valid() throws {
        let result = try AWSFixtures.federation().assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(AWSFixtures.response())))
        #expect(result.session.consoleDisplay == "Administrator/test-awsadmin@contoso.com @ 123456789012")
        #expect(result.assumedRoleID == "AROAADMINISTEXAMPLE:test-awsadmin@contoso.com")
        #expect(result.expiration == SAMLInstant.parse("2025-05-01T13:00:30Z"))
        #expect(result.subject == "test-awsadmin@contoso.com" && result.subjectType == SAMLURI.nameIDEmail)
        #expect(result.audience == "https://signin.aws.amazon.com/saml" && result.issuer == "https://sts.windows.net/\(AWSFixtures.tenant)/")
        #expect(result.nameQualifier == FederatedSession.nameQualifier(issuer: result.issuer, account: "123456789012", providerName: "EntraID"))
        // SessionDuration shortens; DurationSeconds up to the role's maximum.
        let short = AWSFixtures.response { r in r.assertion?.attributeStatement?.attributes[11].values = ["900"] }
        #expect(try AWSFixtures.federation().assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(short), duration: 3600)).expiration
                == SAMLInstant.parse("2025-05-01T12:15:30Z"))
    }

    @Test("AWS's errors, in AWS's words")
    func errors() throws {
        let good = AWSFixtures.encoded(AWSFixtures.response())
        let federation = AWSFixtures.federation()
        expectAWS("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(good, role: "arn:aws:iam::123456789012:role/Developer"))
        }
        expectAWS("InvalidIdentityToken", "Specified provider doesn't exist.") {
            try federation.assumeRoleWithSAML(AssumeRoleWithSAMLRequest(samlAssertion: good, roleARN: "arn:aws:iam::123456789012:role/Administrator",
                                                                        principalARN: "arn:aws:iam::123456789012:saml-provider/Other"))
        }
        var otherIssuer = AWSFixtures.provider
        otherIssuer.metadata.entityID = "https://sts.windows.net/ffffffff-0000-0000-0000-000000000000/"
        expectAWS("InvalidIdentityToken", "Issuer not present in specified provider") {
            try AWSFixtures.federation(providers: [otherIssuer]).assumeRoleWithSAML(AWSFixtures.request(good))
        }
        let forged = expectAWS("InvalidIdentityToken", "Response signature invalid") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(AWSFixtures.response(), signer: AWSFixtures.attacker)))
        }
        #expect(forged?.cause?.code == .signatureUntrustedKey)
        expectAWS("ExpiredTokenException", "Response has expired") {
            try AWSFixtures.federation(at: "2025-05-01T13:10:00Z").assumeRoleWithSAML(AWSFixtures.request(good))
        }
        expectAWS("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance") {
            try AWSFixtures.federation(at: "2025-05-01T12:11:00Z").assumeRoleWithSAML(AWSFixtures.request(good))
        }
        let audience = AWSFixtures.encoded(AWSFixtures.response { $0.assertion?.conditions?.audienceRestrictions = [["https://app.example/"]] })
        expectAWS("InvalidIdentityToken", "Response does not contain the required audience.") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(audience))
        }
        let recipient = AWSFixtures.encoded(AWSFixtures.response { $0.assertion?.subject?.confirmations[0].data?.recipient = "https://evil.example/saml" })
        expectAWS("InvalidIdentityToken") { try federation.assumeRoleWithSAML(AWSFixtures.request(recipient)) }
        let regional = AWSFixtures.encoded(AWSFixtures.response { $0.assertion?.subject?.confirmations[0].data?.recipient = "https://us-east-1.signin.aws.amazon.com/saml" })
        expectAWS("AccessDenied") { try federation.assumeRoleWithSAML(AWSFixtures.request(regional)) }  // the wizard's SAML:aud
        expectAWS("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(good, duration: 7200))
        }
        expectAWS("ValidationError") { try federation.assumeRoleWithSAML(AWSFixtures.request(good, duration: 899)) }
        expectAWS("ValidationError") { try federation.assumeRoleWithSAML(AWSFixtures.request(String(repeating: "A", count: 100_004))) }
        expectAWS("AccessDenied") {
            try AWSFixtures.federation(roles: [AWSFixtures.role("Developer")]).assumeRoleWithSAML(AWSFixtures.request(good))
        }
    }

    @Test("the remaining rules of §1-§2, each with its exact code")
    func remainingRules() throws {
        let federation = AWSFixtures.federation()
        func assume(_ r: Response, role: String = "arn:aws:iam::123456789012:role/Administrator",
                    with f: AWSFederation? = nil) throws -> AssumeRoleWithSAMLResult {
            try (f ?? federation).assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(r), role: role))
        }
        // NotBefore in the future (beyond the 5-minute skew).
        expectAWS("InvalidIdentityToken", "Response is not yet valid") {
            try AWSFixtures.federation(at: "2025-05-01T11:45:00Z").assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(AWSFixtures.response())))
        }
        // No NameID in the Subject.
        let noNameID = expectAWS("AccessDenied") { try assume(AWSFixtures.response { $0.assertion?.subject?.nameID = nil }) }
        #expect(noNameID?.cause?.code == .subjectMissing)
        // Two SubjectConfirmations (AWS wants exactly one).
        let twice = expectAWS("InvalidIdentityToken") {
            try assume(AWSFixtures.response { r in
                if let c = r.assertion?.subject?.confirmations.first { r.assertion?.subject?.confirmations.append(c) }
            })
        }
        #expect(twice?.cause?.code == .subjectConfirmationCount)
        // IAM Identity Center's reserved roles cannot be assumed.
        let reservedPair = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef,arn:aws:iam::123456789012:saml-provider/EntraID"
        let reservedRole = IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef")!,
                                   uniqueID: "AROARESERVED", trustPolicy: .consoleWizard(providerARN: AWSFixtures.providerARN))
        let reserved = expectAWS("AccessDenied") {
            try assume(AWSFixtures.response([reservedPair]), role: reservedRole.arn.description,
                       with: AWSFixtures.federation(roles: [reservedRole]))
        }
        #expect(reserved?.cause?.code.rawValue == "aws.reservedRole")
        // Session tags need sts:TagSession, SourceIdentity needs sts:SetSourceIdentity in the trust policy.
        expectAWS("AccessDenied", "Not authorized to perform sts:TagSession") {
            try assume(AWSFixtures.response { $0.assertion?.attributeStatement?.attributes.append(Attribute(AttributeName.awsPrincipalTag("team"), "ops")) })
        }
        expectAWS("AccessDenied", "Not authorized to perform sts:SetSourceIdentity") {
            try assume(AWSFixtures.response { $0.assertion?.attributeStatement?.attributes.append(Attribute(AttributeName.awsSourceIdentity, "alice")) })
        }
        let permissive = try TrustPolicy(json: """
            {"Statement":[{"Effect":"Allow","Principal":{"Federated":"\(AWSFixtures.providerARN)"},
              "Action":["sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"]}]}
            """)
        let tagged = try assume(AWSFixtures.response { r in
            r.assertion?.attributeStatement?.attributes.append(Attribute(AttributeName.awsPrincipalTag("team"), "ops"))
            r.assertion?.attributeStatement?.attributes.append(Attribute(AttributeName.awsSourceIdentity, "alice"))
        }, with: AWSFixtures.federation(roles: [IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/Administrator")!,
                                                        uniqueID: "AROAADMIN", trustPolicy: permissive)]))
        #expect(tagged.sourceIdentity == "alice" && tagged.claims.principalTags.first?.value == "ops")
        // The IdP reported a failure.
        expectAWS("IDPRejectedClaim", "The identity provider (IdP) reported that authentication failed.") {
            try assume(AWSFixtures.response { $0.status = Status(code: SAMLURI.statusResponder, message: "AADSTS50105") })
        }
        // Garbage and oversize SAMLAssertion.
        expectAWS("InvalidIdentityToken") { try federation.assumeRoleWithSAML(AWSFixtures.request("this is not base64!")) }
        expectAWS("InvalidIdentityToken", "Response signature invalid") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(Data("<samlp:Response/>".utf8).base64EncodedString()))
        }
    }

    @Test("console sign-in: one session per permitted role, for the role chooser")
    func signIn() throws {
        let both = AWSFixtures.encoded(AWSFixtures.response([AWSFixtures.adminPair, AWSFixtures.developerPair]))
        let sessions = try AWSFixtures.federation().signIn(samlResponse: both)
        #expect(sessions.map(\.session.consoleDisplay) == ["Administrator/test-awsadmin@contoso.com @ 123456789012",
                                                           "Developer/test-awsadmin@contoso.com @ 123456789012"])
        #expect(try AWSFixtures.federation(roles: [AWSFixtures.role("Developer")]).signIn(samlResponse: both).count == 1)
        expectAWS("InvalidIdentityToken", "Specified provider doesn't exist.") {
            try AWSFixtures.federation(providers: []).signIn(samlResponse: both)
        }
    }

    @Test("encrypted assertions: decrypted with the provider's key; Required refuses plain ones")
    func encrypted() throws {
        let spKey = try SigningKey(pem: AWSFixtures.pem("sp-encryption.key"))
        let spCertificate = try Certificate(pem: AWSFixtures.pem("sp-encryption.crt"))
        var provider = AWSFixtures.provider
        provider.decryption = Decryption(keys: [spKey])
        provider.requiresEncryption = true
        let encrypted = AWSFixtures.encoded(AWSFixtures.response(), encryption: AssertionEncryption(recipient: spCertificate))
        let federation = AWSFixtures.federation(providers: [provider])
        #expect(try federation.assumeRoleWithSAML(AWSFixtures.request(encrypted)).session.roleName == "Administrator")
        expectAWS("InvalidIdentityToken", "The SAML provider requires encrypted assertions") {
            try federation.assumeRoleWithSAML(AWSFixtures.request(AWSFixtures.encoded(AWSFixtures.response())))
        }
    }
}
