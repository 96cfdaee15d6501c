import AWSFederation
import Foundation
import SAML
import Testing

/// Two enterprise apps of one Entra tenant: the same Issuer, each its own signing key and IAM provider.
enum TwoApps {
    static let issuer = "https://sts.windows.net/\(AWSFixtures.tenant)/"
    static let keyB = try! Certificate(pem: AWSFixtures.pem("idp-rollover.crt"))
    static let signerB = try! Signer(key: SigningKey(pem: AWSFixtures.pem("idp-rollover.key")), certificate: keyB)
    static let providerA = AWSFixtures.provider   // EntraID, idp.crt
    static let providerB = SAMLProvider(name: "AppB", account: "123456789012",
                                        metadata: IdentityProviderMetadata(entityID: issuer, signingCertificates: [keyB]))
    static let pairA = AWSFixtures.adminPair
    static let pairB = "arn:aws:iam::123456789012:role/AppBReader,arn:aws:iam::123456789012:saml-provider/AppB"
    static let roleB = IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/AppBReader")!, uniqueID: "AROAAPPBREADEREXAMPLE",
                               trustPolicy: .consoleWizard(providerARN: providerB.arn))
    static func federation(at instant: String = "2025-05-01T12:00:30Z") -> AWSFederation {
        AWSFederation(providers: [providerA, providerB], roles: [AWSFixtures.role("Administrator"), roleB], clock: FixedClock(instant)!)
    }
}

@Suite("A Role pair is only as good as its own provider's keys")
struct ProviderKeyBindingTests {
    @Test("key B + Administrator,A is refused on STS, the console, ResponseJudge; key A + A and key B + B are accepted")
    func crossApp() throws {
        let forged = AWSFixtures.encoded(AWSFixtures.response([TwoApps.pairA]), signer: TwoApps.signerB)
        // STS: PrincipalArn A, so only A's keys are tried.
        expectAWS("InvalidIdentityToken", "Response signature invalid") {
            try TwoApps.federation().assumeRoleWithSAML(AWSFixtures.request(forged))
        }
        // Console: the union of A and B verifies the signature, but the pair names A.
        let error = expectAWS("InvalidIdentityToken", "Response signature invalid") { try TwoApps.federation().signIn(samlResponse: forged) }
        #expect(error?.cause?.code == .awsProviderKeyMismatch)
        // The judge, with each provider's own metadata.
        let judge = ResponseJudge(certificates: [], aws: true, clock: FixedClock("2025-05-01T12:00:30Z")!,
                                  providers: [TwoApps.providerA, TwoApps.providerB])
        let verdict = judge.judge(Array(Data(base64Encoded: forged)!))
        #expect(!verdict.accepted && verdict.error?.code == "InvalidIdentityToken" && verdict.error?.reason?.contains("aws.providerKeyMismatch") == true)

        // The honest cases still pass.
        let honestA = AWSFixtures.encoded(AWSFixtures.response([TwoApps.pairA]))
        #expect(try TwoApps.federation().signIn(samlResponse: honestA).map(\.session.consoleDisplay) == ["Administrator/test-awsadmin@contoso.com @ 123456789012"])
        let honestB = AWSFixtures.encoded(AWSFixtures.response([TwoApps.pairB]), signer: TwoApps.signerB)
        let sessions = try TwoApps.federation().signIn(samlResponse: honestB)
        #expect(sessions.map(\.session.role.providerARN.description) == [TwoApps.providerB.arn])
        #expect(sessions.first?.signingCertificates == [TwoApps.keyB.sha256Thumbprint])
        #expect(judge.judge(Array(Data(base64Encoded: honestB)!)).accepted)
    }

    @Test("signed by B with pairs of A and B: only B's role is offered")
    func mixedPairs() throws {
        let mixed = AWSFixtures.encoded(AWSFixtures.response([TwoApps.pairA, TwoApps.pairB]), signer: TwoApps.signerB)
        let sessions = try TwoApps.federation().signIn(samlResponse: mixed)
        #expect(sessions.map(\.session.role.roleARN.description) == ["arn:aws:iam::123456789012:role/AppBReader"])
    }

    @Test("Response signed by B and Assertion by A: no pair is granted, since neither provider made both signatures")
    func splitSignatures() throws {
        let response = AWSFixtures.response([TwoApps.pairA, TwoApps.pairB])
        // Both signed by A, then the Response signature made again with B's key (over A's assertion signature).
        let byA = Array(try AWSFixtures.signer.sign(response, mode: .both).utf8)
        let both = try Signer.signTemplates(in: byA, elementIDs: [response.id], key: SigningKey(pem: AWSFixtures.pem("idp-rollover.key")))
        let verified = try Verifier(unsafeTrusting: [AWSFixtures.certificate, TwoApps.keyB], policies: []).verify(both)
        #expect(Set(verified.signingCertificates) == [AWSFixtures.certificate, TwoApps.keyB])
        let encoded = Data(both).base64EncodedString()
        let error = expectAWS("InvalidIdentityToken", "Response signature invalid") { try TwoApps.federation().signIn(samlResponse: encoded) }
        #expect(error?.cause?.code == .awsProviderKeyMismatch)
    }
}

@Suite("AWS's limits come before any work")
struct AWSLimitTests {
    @Test("more than 100,000 characters is refused before decoding, on STS and the console, with STS's text")
    func length() {
        let long = String(repeating: "A", count: 100_001)
        let text = "1 validation error detected: Value at 'SAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000"
        expectAWS("ValidationError", text) { try AWSFixtures.federation().assumeRoleWithSAML(AWSFixtures.request(long)) }
        expectAWS("ValidationError", text) { try AWSFixtures.federation().signIn(samlResponse: long) }
        // Not even base64: the length is what refuses it.
        expectAWS("ValidationError", text) { try AWSFixtures.federation().signIn(samlResponse: String(repeating: "!", count: 100_001)) }
    }

    @Test("3,000 Role values with distinct providers: linear work, the signature checked once")
    func manyRoles() throws {
        // Entra writes each value twice (its role claim and AWS's Role claim), so 3,000 values make about 0.9 MB.
        let pairs = (0..<3000).map { "arn:aws:iam::123456789012:role/R\($0),arn:aws:iam::123456789012:saml-provider/P\($0)" }
        let providers = (0..<3000).map { SAMLProvider(name: "P\($0)", account: "123456789012", metadata: TwoApps.providerA.metadata) }
        let roles = (0..<3000).map {
            IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/R\($0)")!, uniqueID: "AROA\($0)", trustPolicy: .consoleWizard(providerARN: providers[$0].arn))
        }
        let federation = AWSFederation(providers: providers, roles: roles, clock: FixedClock("2025-05-01T12:00:30Z")!)
        let encoded = AWSFixtures.encoded(AWSFixtures.response(pairs))
        #expect(encoded.utf8.count < 1_000_000)
        // Attacker-signed, no KeyInfo: each distinct key is tried once (one here), whatever the number of providers.
        let attacker = AWSFixtures.encoded(AWSFixtures.response(pairs), signer: AWSFixtures.attacker)
        // Larger than AWS accepts: refused by the length rule first.
        expectAWS("ValidationError") { try federation.signIn(samlResponse: encoded) }
        // The same through the judge, which has no length rule of its own before AWS's: same answer.
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], aws: true, clock: FixedClock("2025-05-01T12:00:30Z")!)
        #expect(judge.judge(Array(Data(base64Encoded: attacker)!)).error?.code == "ValidationError")
        // Under the limit (300 roles, each written in both claims), everything is granted in order.
        let some = AWSFixtures.encoded(AWSFixtures.response(Array(pairs.prefix(300))))
        #expect(some.utf8.count <= 100_000)
        #expect(try federation.signIn(samlResponse: some).count == 300)
    }
}

@Suite("Destination, SessionNotOnOrAfter")
struct AWSRemainingRulesTests {
    @Test("a Destination, when present, must be an AWS sign-in endpoint")
    func destination() throws {
        for bad in ["https://evil.example/saml", "https://signin.aws.amazon.com/saml?x", "https://evil.example\\@signin.aws.amazon.com/saml",
                    "https://SIGNIN.aws.amazon.com/saml", "https://signin.aws.amazon.com:443/saml", ""] {
            let encoded = AWSFixtures.encoded(AWSFixtures.response { $0.destination = bad }, signer: AWSFixtures.signer)
            let error = expectAWS("InvalidIdentityToken") { try AWSFixtures.federation().signIn(samlResponse: encoded) }
            #expect(error?.cause?.code == .destinationMismatch, "\(bad)")
        }
        for good in [nil, "https://signin.aws.amazon.com/saml", "https://eu-west-1.signin.aws.amazon.com/saml"] {
            let encoded = AWSFixtures.encoded(AWSFixtures.response { $0.destination = good })
            #expect(try AWSFixtures.federation().signIn(samlResponse: encoded).count == 1, "\(good ?? "none")")
        }
    }

    @Test("SessionNotOnOrAfter in the past refuses; otherwise the session ends no later than it")
    func sessionEnd() throws {
        func encoded(_ end: String) -> String {
            AWSFixtures.encoded(AWSFixtures.response { $0.assertion?.authnStatement?.sessionNotOnOrAfter = SAMLInstant.parse(end) })
        }
        let past = encoded("2025-05-01T12:00:10Z")
        let error = expectAWS("ExpiredTokenException", "Response has expired") { try AWSFixtures.federation().signIn(samlResponse: past) }
        #expect(error?.cause?.code == .timeSessionEnded)
        expectAWS("ExpiredTokenException") { try AWSFixtures.federation().assumeRoleWithSAML(AWSFixtures.request(past)) }
        // Exactly now is already over (NotOnOrAfter).
        expectAWS("ExpiredTokenException") { try AWSFixtures.federation(at: "2025-05-01T12:00:10Z").signIn(samlResponse: past) }
        let soon = encoded("2025-05-01T12:10:00Z")
        let session = try #require(try AWSFixtures.federation().signIn(samlResponse: soon).first)
        #expect(session.expiration == SAMLInstant.parse("2025-05-01T12:10:00Z"))
        #expect(session.expiration > SAMLInstant.parse("2025-05-01T12:00:30Z")!)
        let sts = try AWSFixtures.federation().assumeRoleWithSAML(AWSFixtures.request(soon))
        #expect(sts.expiration == SAMLInstant.parse("2025-05-01T12:10:00Z"))
    }
}
