import Foundation
import SAML
import Synchronization
import Testing

@Suite("Verifier")
struct VerifierTests {
    let signed = try! Fixtures.signer.sign(Fixtures.response(), mode: .assertion)

    @Test("a valid Entra response yields the typed assertion, read from the verified node")
    func valid() throws {
        let verified = try Fixtures.verifier().verify(signed)
        #expect(verified.nameID == NameID("test-awsadmin@contoso.com", format: SAMLURI.nameIDEmail))
        #expect(verified.attribute(AttributeName.awsRole) == Fixtures.admin.roles)
        #expect(verified.attribute(AttributeName.awsRoleSessionName) == ["test-awsadmin@contoso.com"])
        #expect(verified.attribute(AttributeName.authnMethodsReferences)?.count == 2)
        #expect(verified.signingCertificate == Fixtures.idpCertificate)
        #expect(verified.assertion == Fixtures.response().assertion)
        #expect(verified.response.destination == Fixtures.awsSignIn)
    }

    @Test("base64 input: line breaks accepted, garbage refused, size limited before decoding")
    func base64() throws {
        let encoded = Data(signed.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        #expect(try Fixtures.verifier().verify(base64: encoded).nameID?.value == "test-awsadmin@contoso.com")
        expectError(.inputBase64) { try Fixtures.verifier().verify(base64: "PHNhbWxwOlJlc3BvbnNl*") }
        expectError(.inputBase64) { try Fixtures.verifier().verify(base64: String(encoded.dropLast(3))) }
        expectError(.inputEmpty) { try Fixtures.verifier().verify(base64: " \n") }
        var small = Fixtures.verifier()
        small.limits = ParseLimits(maxDocumentBytes: 1000)
        expectError(.inputTooLarge) { try small.verify(base64: encoded) }
        expectError(.inputTooLarge) { try small.verify(signed) }
    }

    @Test("several trusted certificates (rollover): either verifies; an untrusted one names itself")
    func rollover() throws {
        let byNew = try Signer(key: Fixtures.rolloverKey, certificate: Fixtures.rolloverCertificate).sign(Fixtures.response())
        let both = Fixtures.verifier(trusting: [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        #expect(try both.verify(byNew).signingCertificate == Fixtures.rolloverCertificate)
        #expect(try both.verify(signed).signingCertificate == Fixtures.idpCertificate)
        let error = expectError(.signatureUntrustedKey) { try Fixtures.verifier().verify(byNew) }
        #expect(error?.found?.contains(Fixtures.rolloverCertificate.sha256Thumbprint) == true)
        #expect(error?.expected?.contains(Fixtures.idpCertificate.sha256Thumbprint) == true)
        expectError(.signatureNoTrustedCertificates) { try Fixtures.verifier(trusting: []).verify(signed) }
    }

    @Test("the KeyInfo certificate is only a hint: a trusted key verifies even when KeyInfo names another")
    func keyInfoIsAHint() throws {
        let swapped = signed.replacingOccurrences(of: Fixtures.idpCertificate.base64, with: Fixtures.attackerCertificate.base64)
        #expect(try Fixtures.verifier().verify(swapped).signingCertificate == Fixtures.idpCertificate)
    }

    @Test("SHA-1 only with the legacy option")
    func sha1() throws {
        let legacy = try Signer(key: Fixtures.idpKey, certificate: Fixtures.idpCertificate, algorithm: .rsaSHA1, allowLegacySHA1: true)
        let xml = try legacy.sign(Fixtures.response())
        expectError(.signatureAlgorithmNotAllowed) { try Fixtures.verifier().verify(xml) }
        #expect(try Fixtures.verifier(allowSHA1: true).verify(xml).nameID != nil)
        for algorithm in [SignatureAlgorithm.rsaSHA384, .rsaSHA512] {
            let other = try Signer(key: Fixtures.idpKey, certificate: Fixtures.idpCertificate, algorithm: algorithm)
            #expect(try Fixtures.verifier().verify(other.sign(Fixtures.response())).nameID != nil)
        }
    }

    @Test("signature coverage policy", arguments: [
        (SigningMode.assertion, SignatureCoveragePolicy.Coverage.response, false),
        (.assertion, .both, false), (.assertion, .assertion, true), (.assertion, .any, true),
        (.response, .assertion, false), (.response, .response, true), (.both, .both, true),
    ])
    func coverage(_ mode: SigningMode, _ coverage: SignatureCoveragePolicy.Coverage, _ accepted: Bool) throws {
        var sp = Fixtures.serviceProvider()
        sp.requiredSignature = coverage
        let verifier = Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: sp, clock: Fixtures.clock)
        let xml = try Fixtures.signer.sign(Fixtures.response(), mode: mode)
        if accepted {
            #expect(try verifier.verify(xml).nameID != nil)
        } else {
            expectError(.signatureCoverage) { try verifier.verify(xml) }
        }
    }

    @Test("time window with explicit skew")
    func time() throws {
        func at(_ instant: String, skew: TimeInterval = 180, maxAge: TimeInterval? = nil) -> Verifier {
            var sp = Fixtures.serviceProvider()
            sp.clockSkew = skew
            sp.maxAssertionAge = maxAge
            return Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: sp, clock: FixedClock(instant)!)
        }
        // NotBefore 11:55:00.090, NotOnOrAfter 13:00:00.090, IssueInstant 12:00:00.245.
        #expect(try at("2025-05-01T13:02:59Z").verify(signed).nameID != nil)
        expectError(.timeExpired) { try at("2025-05-01T13:03:00.090Z").verify(signed) }
        expectError(.timeExpired) { try at("2025-05-01T13:00:00.090Z", skew: 0).verify(signed) }
        #expect(try at("2025-05-01T13:00:00.089Z", skew: 0).verify(signed).nameID != nil)
        expectError(.timeNotYetValid) { try at("2025-05-01T11:51:00Z").verify(signed) }
        expectError(.timeIssuedInFuture) { try at("2025-05-01T11:56:00Z").verify(signed) }
        expectError(.timeTooOld) { try at("2025-05-01T12:10:00Z", maxAge: 300).verify(signed) }
        #expect(try at("2025-05-01T12:04:00Z", maxAge: 300).verify(signed).nameID != nil)
    }

    @Test("replay: the second use of an assertion is refused, also across verifiers sharing the cache")
    func replay() throws {
        let cache = InMemoryReplayCache()
        #expect(try Fixtures.verifier(replay: cache).verify(signed).nameID != nil)
        expectError(.replayDetected) { try Fixtures.verifier(replay: cache).verify(signed) }
        let other = try Fixtures.signer.sign(Fixtures.response(seed: 99))
        #expect(try Fixtures.verifier(replay: cache).verify(other).nameID != nil)
        #expect(cache.count == 2)
    }

    @Test("replay cache: entries expire at their NotOnOrAfter; a full cache fails closed")
    func replayCache() throws {
        let cache = InMemoryReplayCache(capacity: 2)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(try cache.insert("a", until: t0.addingTimeInterval(10), now: t0))
        #expect(try !cache.insert("a", until: t0.addingTimeInterval(10), now: t0.addingTimeInterval(9)))
        #expect(try cache.insert("a", until: t0.addingTimeInterval(30), now: t0.addingTimeInterval(10)))
        #expect(try cache.insert("b", until: t0.addingTimeInterval(30), now: t0.addingTimeInterval(10)))
        expectError(.replayCacheFull) { try cache.insert("c", until: t0.addingTimeInterval(30), now: t0.addingTimeInterval(11)) }
        #expect(try cache.insert("c", until: t0.addingTimeInterval(60), now: t0.addingTimeInterval(31)))
    }

    @Test("replay cache under concurrency: exactly one of many simultaneous uses wins")
    func replayConcurrent() async throws {
        let cache = InMemoryReplayCache()
        let verifier = Fixtures.verifier(replay: cache)
        let xml = signed
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 { group.addTask { (try? await verifier.verify(xml)) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }

    @Test("InResponseTo: SP-initiated must match; unsolicited only when allowed")
    func inResponseTo() throws {
        let solicited = try Fixtures.signer.sign(Fixtures.response {
            $0.inResponseTo = "id-1"
            $0.assertion?.subject?.confirmations[0].data?.inResponseTo = "id-1"
        })
        #expect(try Fixtures.verifier().verify(solicited, inResponseTo: "id-1").nameID != nil)
        expectError(.inResponseToMismatch) { try Fixtures.verifier().verify(solicited, inResponseTo: "id-2") }
        expectError(.inResponseToUnsolicited) { try Fixtures.verifier().verify(solicited) }
        expectError(.inResponseToMismatch) { try Fixtures.verifier().verify(signed, inResponseTo: "id-1") }
        var sp = Fixtures.serviceProvider()
        sp.allowUnsolicited = false
        expectError(.inResponseToUnsolicited) {
            try Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: sp, clock: Fixtures.clock).verify(signed)
        }
    }

    @Test("errors name what was expected and what was found")
    func messages() throws {
        let wrongAudience = try Fixtures.signer.sign(Fixtures.response { $0.assertion?.conditions?.audienceRestrictions = [["https://x/"]] })
        let error = expectError(.audienceMismatch) { try Fixtures.verifier().verify(wrongAudience) }
        #expect(error?.expected == "https://signin.aws.amazon.com/saml or urn:amazon:webservices")
        #expect(error?.found == "\"https://x/\"")
        #expect(error?.description.hasPrefix("audience.mismatch: ") == true)
    }

    @Test("a custom policy composes with the standard ones")
    func customPolicy() throws {
        struct RequireMFA: VerificationPolicy {
            func check(_ context: VerificationContext) throws(SAMLError) {
                guard context.assertion.attribute(AttributeName.authnMethodsReferences)?
                    .contains("http://schemas.microsoft.com/claims/multipleauthn") == true else {
                    throw SAMLError(SAMLError.Code(rawValue: "custom.mfaRequired"), "MFA required", expected: "multipleauthn",
                                    found: "password only")
                }
            }
        }
        let verifier = Verifier(trusting: [Fixtures.idpCertificate], serviceProvider: Fixtures.serviceProvider(),
                                additionalPolicies: [RequireMFA()], clock: Fixtures.clock)
        #expect(try verifier.verify(signed).nameID != nil)
        var noMFA = Fixtures.admin
        noMFA.mfa = false
        let xml = try Fixtures.signer.sign(noMFA.response(clock: Fixtures.clock, ids: SequentialIDGenerator(seed: 5)))
        expectError(SAMLError.Code(rawValue: "custom.mfaRequired")) { try verifier.verify(xml) }
    }
}

@Suite("Concurrency and C interop")
struct ConcurrencyTests {
    @Test("signing and verifying from many concurrent tasks gives the same results as serially")
    func concurrent() async throws {
        let signer = Fixtures.signer
        let verifier = Fixtures.verifier(trusting: [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        let expected = try (0..<8).map { try signer.sign(Fixtures.response(seed: UInt64($0)), mode: .both) }
        final class Counter: Sendable { let value = Mutex(0) }
        let failures = Counter()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for round in 0..<25 {
                        let seed = (task + round) % 8
                        do {
                            let xml = try signer.sign(Fixtures.response(seed: UInt64(seed)), mode: .both)
                            let verified = try await verifier.verify(xml)
                            if xml != expected[seed] || verified.signedElements != [.assertion, .response] {
                                failures.value.withLock { $0 += 1 }
                            }
                            // Rejections on other threads must not leak errors into this one.
                            _ = try? await verifier.verify(xml.replacingOccurrences(of: "test-awsadmin@", with: "evil@"))
                        } catch {
                            failures.value.withLock { $0 += 1 }
                        }
                    }
                }
            }
        }
        #expect(failures.value.withLock { $0 } == 0)
    }

    @Test("the macros the shim defines match pkg-config's for the installed xmlsec (struct layouts depend on them)")
    func pkgConfigDefines() throws {
        let result = try Fixtures.run(["pkg-config", "--cflags", "xmlsec1-openssl"])
        #expect(result.status == 0)
        let fromPkgConfig = Set(result.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .filter { $0.hasPrefix("-D") }.map { String($0.dropFirst(2)) })
        let compiled = Set(NativeVersions.compiledDefines.split(separator: " ").map(String.init))
        #expect(fromPkgConfig == compiled, "pkg-config: \(fromPkgConfig.sorted()), shim: \(compiled.sorted())")
        #expect(NativeVersions.xmlsec.hasPrefix("1.2."))
        #expect(!NativeVersions.libxml2.isEmpty && NativeVersions.openssl.hasPrefix("OpenSSL 3"))
    }
}

@Suite("KeyInfo naming the wrong trusted certificate")
struct KeyInfoRolloverTests {
    @Test("a signature by one trusted certificate verifies even when KeyInfo names another trusted one")
    func wrongTrustedHint() throws {
        let byNew = try Signer(key: Fixtures.rolloverKey, certificate: Fixtures.rolloverCertificate).sign(Fixtures.response())
        let announcingOld = byNew.replacingOccurrences(of: Fixtures.rolloverCertificate.base64, with: Fixtures.idpCertificate.base64)
        let verifier = Fixtures.verifier(trusting: [Fixtures.idpCertificate, Fixtures.rolloverCertificate])
        #expect(try verifier.verify(announcingOld).signingCertificate == Fixtures.rolloverCertificate)
        expectError(.signatureInvalid) { try Fixtures.verifier().verify(announcingOld) }
    }
}
