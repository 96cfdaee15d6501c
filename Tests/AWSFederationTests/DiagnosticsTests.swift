import Foundation
import PropertyBased
import SAML
import Testing
@testable import AWSFederation

/// Issue 12 §1-§2: each step reported by the step itself, in order, for accepted and refused responses alike; the
/// standard checks cannot be dropped from a safe verifier; OneTimeUse only with a replay cache.
@Suite("Verification diagnostics and safe defaults")
struct DiagnosticsTests {
    static let clock = FixedClock("2025-05-01T12:00:30Z")!
    static let plain = try! AWSFixtures.signer.sign(AWSFixtures.response())
    static var assertionID: String { AWSFixtures.response().assertion!.id }

    static func verifier(replay: (any ReplayCache)? = nil) -> Verifier {
        Verifier(trusting: [AWSFixtures.certificate], serviceProvider: ServiceProvider(
            audiences: ["https://signin.aws.amazon.com/saml"], acsURLs: ["https://signin.aws.amazon.com/saml"],
            idpEntityID: "https://sts.windows.net/\(AWSFixtures.tenant)/"), replayCache: replay, clock: clock)
    }

    /// `xml` with `old` replaced by `new` inside the signed Assertion, signed again (so the edit reaches the reader).
    static func resigned(_ old: String, _ new: String) throws -> [UInt8] {
        let edited = plain.replacingOccurrences(of: old, with: new)
        #expect(edited != plain, "the edit applies")
        return try Signer.signTemplates(in: Array(edited.utf8), elementIDs: [assertionID],
                                        key: SigningKey(pem: AWSFixtures.pem("idp.key")))
    }

    /// The record's invariants: the plan's steps, each once and in order; accepted ⇒ all passed; refused ⇒ passed up
    /// to one failed step carrying the thrown error, then not reached.
    static func checkRecord(_ record: [VerificationCheck], plan: [String], thrown: SAMLError?) {
        #expect(record.map(\.name) == plan, "every planned step, in order")
        guard let thrown else {
            #expect(record.allSatisfy { $0.result == .passed })
            return
        }
        let failed = record.indices.filter { record[$0].error != nil }
        #expect(failed.count == 1, "exactly one failed step")
        guard let index = failed.first else { return }
        #expect(record[index].error == thrown)
        #expect(record[..<index].allSatisfy { $0.result == .passed })
        #expect(record[(index + 1)...].allSatisfy { $0.result == .notReached })
    }

    @Test("the library's record: each reader failure at its own step, not at a later one")
    func libraryRecord() throws {
        let cases: [(String, [UInt8], String, SAMLError.Code)] = [
            ("accepted", Array(Self.plain.utf8), "", .init(rawValue: "")),
            ("a processing instruction", Array(Self.plain.replacingOccurrences(of: "<samlp:Status>", with: "<?x y?><samlp:Status>").utf8),
             "document", .parseProcessingInstruction),
            ("a duplicate xml:id", Array(Self.plain.replacingOccurrences(of: "<samlp:Status>", with: "<samlp:Status xml:id=\"d\"><x xml:id=\"d\"/>")
                .replacingOccurrences(of: "</samlp:Status>", with: "</samlp:Status>").utf8), "document", .structureDuplicateID),
            ("no Status", Array(Self.plain.replacingOccurrences(
                of: "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>", with: "").utf8),
             "status", .structureMissingElement),
            ("a BaseID", try Self.resigned("<NameID ", "<BaseID xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\"/><NameID "),
             "content", .structureUnexpectedContent),
            ("month 13", try Self.resigned("AuthnInstant=\"2025-05-01T", "AuthnInstant=\"2025-13-01T"), "content", .structureInvalidValue),
            ("a foreign key", Array(try AWSFixtures.attacker.sign(AWSFixtures.response()).utf8), "signature", .signatureUntrustedKey),
        ]
        let verifier = Self.verifier()
        let plan = verifier.plan.map(\.name)
        #expect(plan == ["document", "status", "structure", "signature", "content", "signatureCoverage", "issuer", "destination",
                         "recipient", "audience", "time", "inResponseTo", "conditions"])
        for (label, xml, step, code) in cases {
            var record: [VerificationCheck] = []
            var thrown: SAMLError?
            do throws(SAMLError) { _ = try verifier.verify(xml, diagnostics: { record.append($0) }) } catch { thrown = error }
            Self.checkRecord(record, plan: plan, thrown: thrown)
            if step.isEmpty {
                #expect(thrown == nil, "\(label): \(String(describing: thrown))")
            } else {
                let failed = record.first { $0.error != nil }
                #expect(failed?.name == step && failed?.error?.code == code, "\(label): \(failed.map { "\($0.name) \($0.error!)" } ?? "none")")
            }
        }
    }

    @Test("with AWS's rules, a message that does not read is not reported as an unknown provider or a foreign Issuer")
    func awsRecord() throws {
        let cases: [(String, [UInt8], String, String)] = [
            ("a processing instruction", Array(Self.plain.replacingOccurrences(of: "<samlp:Status>", with: "<?x y?><samlp:Status>").utf8),
             "document", "parse.processingInstruction"),
            ("no Status", Array(Self.plain.replacingOccurrences(
                of: "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>", with: "").utf8),
             "status", "structure.missingElement"),
            ("a BaseID", try Self.resigned("<NameID ", "<BaseID xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\"/><NameID "),
             "content", "structure.unexpectedContent"),
            ("month 13", try Self.resigned("AuthnInstant=\"2025-05-01T", "AuthnInstant=\"2025-13-01T"), "content", "structure.invalidValue"),
            ("a duplicate ID", Array(Self.plain.replacingOccurrences(of: "<samlp:Status>", with: "<samlp:Extensions><x ID=\"\(Self.assertionID)\"/></samlp:Extensions><samlp:Status>").utf8),
             "document", "structure.duplicateID"),
            ("not XML", Array("<samlp:Response".utf8), "document", "parse.malformed"),
            ("a foreign Issuer", Array(try AWSFixtures.signer.sign(AWSFixtures.response { r in
                r.issuer = Issuer("https://sts.windows.net/other/"); r.assertion?.issuer = Issuer("https://sts.windows.net/other/")
            }).utf8), "aws.provider", "aws.providerNotFound"),
            ("too long", Array(String(repeating: " ", count: 80_000).utf8), "aws.input", "input.tooLarge"),
            // Found by an outside probe: a message that is not a Response passed `document` and failed nowhere.
            ("a LogoutResponse", Array(#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" Version="2.0" IssueInstant="2025-05-01T12:00:00Z"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/</saml:Issuer></samlp:LogoutResponse>"#.utf8),
             "document", "structure.unexpectedRoot"),
            ("Version 1.1", Array(Self.plain.replacingOccurrences(of: "Version=\"2.0\" IssueInstant", with: "Version=\"1.1\" IssueInstant").utf8),
             "document", "structure.version"),
            ("metadata", Array(#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/"/>"#.utf8),
             "document", "structure.unexpectedRoot"),
            // …and a Response with no Issuer anywhere was "Specified provider doesn't exist", expected "".
            ("no Issuer anywhere", Array(Self.plain.replacingOccurrences(of: #"<Issuer>https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/</Issuer>"#, with: "")
                .replacingOccurrences(of: #"<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/</Issuer>"#, with: "").utf8),
             "aws.provider", "issuer.missing"),
        ]
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: AWSFixtures.provider.metadata.entityID, aws: true, clock: Self.clock)
        let federation = AWSFixtures.federation()
        let plan = ["input"] + SignInChecks.signInPlan(federation.planVerifier).map(\.name)
        for (label, xml, step, code) in cases {
            let diagnosis = judge.judge(xml)
            #expect(!diagnosis.accepted)
            #expect(diagnosis.checks.map(\.name) == plan, "\(label)")
            let failed = diagnosis.checks.filter { $0.result == "failed" }
            #expect(failed.count == 1 && failed.first?.name == step && failed.first?.code == code,
                    "\(label): \(failed.map { "\($0.name) \($0.code ?? "")" })")
            #expect(diagnosis.error?.reason?.hasPrefix(code) == true, "\(label): \(String(describing: diagnosis.error))")
            // The provider check was not what failed, so AWS's provider and issuer texts are not what is reported.
            if step != "aws.provider" {
                #expect(diagnosis.error?.message != "Specified provider doesn't exist."
                        && diagnosis.error?.message != "Issuer not present in specified provider", "\(label)")
            }
            if let index = diagnosis.checks.firstIndex(where: { $0.result == "failed" }) {
                #expect(diagnosis.checks[..<index].allSatisfy { $0.result == "passed" })
                #expect(diagnosis.checks[(index + 1)...].allSatisfy { $0.result == "notReached" })
            }
        }
        // Accepted: every step passed, and the JSON carries them.
        let accepted = judge.judge(Array(Self.plain.utf8))
        #expect(accepted.accepted && accepted.checks.map(\.name) == plan && accepted.checks.allSatisfy { $0.result == "passed" })
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(accepted)) as? [String: Any]
        let checks = json?["checks"] as? [[String: Any]]
        #expect(checks?.count == plan.count && checks?.first?["name"] as? String == "input" && checks?.first?["result"] as? String == "passed")
    }

    @Test("a response longer than AWS reads is refused at its input step, its Role values kept as claims only; one under the limit is judged in full")
    func judgeOverLength() throws {
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], aws: true, clock: Self.clock)
        func roles(_ count: Int) -> [String] {
            (0..<count).map { "arn:aws:iam::123456789012:role/R\($0),arn:aws:iam::123456789012:saml-provider/P\($0)" }
        }
        let long = try AWSFixtures.signer.sign(AWSFixtures.response(roles(600)))
        let verdict = judge.judge(Array(long.utf8))
        #expect(Data(long.utf8).base64EncodedString().utf8.count > 100_000)
        // AWS reads none of it: no AWS roles, the Role values kept among the claimed attributes.
        #expect(!verdict.accepted && verdict.error?.code == "ValidationError" && verdict.aws?.roles.isEmpty == true
                && verdict.attributes?[AttributeName.awsRole]?.count == 600, "\(String(describing: verdict.error))")
        #expect(verdict.checks.first { $0.result == "failed" }?.name == "aws.input")
        // Under the limit, the account is built from the Role values and the response accepted, a session per role.
        let short = try AWSFixtures.signer.sign(AWSFixtures.response(roles(40)))
        let accepted = judge.judge(Array(short.utf8))
        #expect(accepted.accepted && accepted.aws?.sessions.count == 40, "\(String(describing: accepted.error))")
    }

    @Test("with AWS's rules and no expected Issuer, the steps that would compare the response's Issuer with itself are notChecked, never passed")
    func judgeWithoutIssuer() throws {
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], aws: true, clock: Self.clock)
        let entity = "https://sts.windows.net/\(AWSFixtures.tenant)/"
        func steps(_ verdict: ResponseDiagnosis) -> [String: ResponseDiagnosis.Check] {
            Dictionary(verdict.checks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let plain = judge.judge(Array(Self.plain.utf8))
        #expect(plain.accepted)
        for name in ["aws.provider", "issuer"] {
            #expect(steps(plain)[name]?.result == "notChecked" && steps(plain)[name]?.message?.contains("--issuer") == true, "\(name)")
        }
        // Configured, the same steps pass.
        let configured = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: entity, aws: true, clock: Self.clock)
            .judge(Array(Self.plain.utf8))
        #expect(configured.accepted && steps(configured)["aws.provider"]?.result == "passed" && steps(configured)["issuer"]?.result == "passed")
        // The Response's Issuer (outside the signed Assertion) differs from the Assertion's: said so, not "expected <the attacker's>".
        let responseIssuer = "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">\(entity)</Issuer>"
        #expect(Self.plain.contains(responseIssuer))
        let differing = Self.plain.replacingOccurrences(of: responseIssuer,
                                                        with: "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://evil.example/</Issuer>")
        let refused = judge.judge(Array(differing.utf8))
        #expect(!refused.accepted && steps(refused)["issuer"]?.result == "failed"
                && steps(refused)["issuer"]?.message?.contains("differs from the Assertion's") == true, "\(refused.checks)")
        #expect(refused.error?.reason?.contains("differs from the Assertion's") == true)
        // An empty or blank Assertion Issuer names no provider; a padded one is not the trimmed entity ID.
        for (issuer, code) in [("", "issuer.missing"), (" \n ", "issuer.missing"), (" \(entity) ", "aws.providerNotFound")] {
            let signed = try Self.resigned("<Issuer>\(entity)</Issuer>", "<Issuer>\(issuer)</Issuer>")
            let verdict = judge.judge(signed)
            #expect(!verdict.accepted && steps(verdict)["aws.provider"]?.code == code, "\(issuer.debugDescription): \(verdict.checks)")
        }
    }

    @Test("Role values of two partitions: a response sent to one partition's sign-in starts that partition's sessions only")
    func mixedPartitions() throws {
        let china = "arn:aws-cn:iam::123456789012:role/Administrator,arn:aws-cn:iam::123456789012:saml-provider/EntraID"
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], aws: true, clock: Self.clock)
        let mixed = judge.judge(try AWSFixtures.signer.signedBytes(AWSFixtures.response([AWSFixtures.adminPair, china])))
        #expect(mixed.accepted && mixed.aws?.sessions.count == 1, "\(String(describing: mixed.aws?.sessions))")
        // The China role alone, sent to the commercial endpoint, starts nothing.
        let chinaOnly = judge.judge(try AWSFixtures.signer.signedBytes(AWSFixtures.response([china])))
        #expect(!chinaOnly.accepted)
        // A Format other than entity on a Response Issuer is reported as that, not as two Issuers that differ.
        let transient = Self.plain.replacingOccurrences(
            of: "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
            with: "<Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\" xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">")
        #expect(transient != Self.plain)
        let verdict = judge.judge(Array(transient.utf8))
        let failed = verdict.checks.first { $0.result == "failed" }
        #expect(failed?.name == "issuer" && failed?.message?.contains("non-entity Format") == true, "\(verdict.checks)")
    }

    @Test("with AWS's rules, a capture whose form or request went elsewhere than AWS's sign-in fails the input step")
    func captureSentElsewhere() throws {
        let entity = "https://sts.windows.net/\(AWSFixtures.tenant)/"
        let judge = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: entity, aws: true, clock: Self.clock)
        for action in ["https://evil.example/saml", "saml", "https://signin.aws.amazon.com/saml"] {
            let page = PostBinding.autoSubmitPage(action: action, Array(Self.plain.utf8), kind: .response, relayState: nil)
            let verdict = judge.judge(try CapturedMessage.decode(Array(page.utf8)))
            if action.hasPrefix("https://signin.aws") {
                #expect(verdict.accepted, "\(verdict.checks)")
            } else {
                #expect(!verdict.accepted && verdict.checks.first?.code == "binding.notAccepted", "\(action): \(verdict.checks.first.map { "\($0)" } ?? "")")
                // Without AWS's rules the message itself is judged.
                #expect(ResponseJudge(certificates: [AWSFixtures.certificate], clock: Self.clock)
                    .judge(try CapturedMessage.decode(Array(page.utf8))).accepted)
            }
        }
    }

    @Test("with AWS's rules, an Assertion nested below the Response and no Issuer is reported as misplaced, not as no Issuer")
    func nestedAssertionWithoutIssuer() {
        let entity = "https://sts.windows.net/\(AWSFixtures.tenant)/"
        let responseIssuer = "<Issuer xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">\(entity)</Issuer>"
        guard let start = Self.plain.range(of: "<Assertion "), let end = Self.plain.range(of: "</Assertion>") else {
            Issue.record("no Assertion")
            return
        }
        let assertion = String(Self.plain[start.lowerBound..<end.upperBound])
        let moved = Self.plain.replacingOccurrences(of: assertion, with: "")
            .replacingOccurrences(of: responseIssuer, with: "<samlp:Extensions>\(assertion)</samlp:Extensions>")
        for entityID in [nil, entity] {
            let verdict = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: entityID, aws: true, clock: Self.clock)
                .judge(Array(moved.utf8))
            let failed = verdict.checks.first { $0.result == "failed" }
            #expect(failed?.name == "document" && failed?.code == "structure.misplacedAssertion", "\(verdict.checks)")
        }
    }

    @Test("what the judge cannot read still lists every step; AWS answers a length problem with its ValidationError")
    func unreadableRecord() {
        let aws = ResponseJudge(certificates: [AWSFixtures.certificate], aws: true, clock: Self.clock)
        let accepted = aws.judge(Array(Self.plain.utf8)).checks.map(\.name)
        for (error, code) in [(SAMLError(.inputTooLarge, "a 50 MB capture"), "ValidationError"), (SAMLError(.inputEmpty, "nothing"), "ValidationError"),
                              (SAMLError(.inputBase64, "not base64"), "InvalidIdentityToken")] {
            let verdict = aws.unreadable(error)
            #expect(verdict.checks.map(\.name) == accepted, "\(verdict.checks.map(\.name)) vs \(accepted)")
            #expect(verdict.checks.first?.result == "failed"
                    && verdict.checks.dropFirst().allSatisfy { $0.result == "notReached" })
            #expect(verdict.error?.code == code && verdict.error?.reason?.hasPrefix(error.code.rawValue) == true, "\(String(describing: verdict.error))")
        }
        // Deflated (the Redirect binding) or a SAMLRequest: AWS's endpoint reads neither.
        let deflated = try! CapturedMessage.decode(Array(RedirectBinding.url("https://signin.aws.amazon.com/saml", Array(Self.plain.utf8), kind: .response).utf8))
        #expect(deflated.deflated)
        let verdict = aws.judge(deflated)
        #expect(!verdict.accepted && verdict.checks.first?.code == "binding.notAccepted" && verdict.checks.map(\.name) == accepted)
        #expect(ResponseJudge(certificates: [AWSFixtures.certificate], clock: Self.clock).judge(deflated).accepted, "without AWS's rules, any binding")
        let request = try! CapturedMessage.decode(Array(("SAMLRequest=" + FormEncoding.encode(Data(Self.plain.utf8).base64EncodedString())).utf8))
        #expect(aws.judge(request).checks.first?.code == "binding.notAccepted")
    }

    @Test("without AWS's rules, the steps are in one order whatever is configured; what is not configured is notChecked")
    func fixedOrder() async {
        let entity = AWSFixtures.provider.metadata.entityID
        let reference = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: entity, audiences: ["https://signin.aws.amazon.com/saml"],
                                      recipients: ["https://signin.aws.amazon.com/saml"], clock: Self.clock).judge(Array(Self.plain.utf8))
        #expect(reference.accepted && reference.checks.allSatisfy { $0.result == "passed" })
        let names = reference.checks.map(\.name)
        #expect(names == ["input", "document", "status", "structure", "signature", "content", "signatureCoverage", "issuer", "destination",
                          "recipient", "audience", "time", "conditions"])
        let inputs: [[UInt8]] = [Array(Self.plain.utf8), Array(try! AWSFixtures.attacker.sign(AWSFixtures.response()).utf8), Array("<a/>".utf8)]
        await propertyCheck(count: 64, input: Gen.bool, Gen.bool, Gen.bool, Gen.int(in: 0...2)) { issuer, audience, recipient, which in
            let judge = ResponseJudge(certificates: [AWSFixtures.certificate], entityID: issuer ? entity : nil,
                                      audiences: audience ? ["https://signin.aws.amazon.com/saml"] : [],
                                      recipients: recipient ? ["https://signin.aws.amazon.com/saml"] : [], clock: Self.clock)
            let verdict = judge.judge(inputs[which])
            #expect(verdict.checks.map(\.name) == names)
            #expect(verdict.checks.filter { $0.result == "notChecked" }.map(\.name)
                    == names.filter { (!issuer && $0 == "issuer") || (!recipient && ($0 == "destination" || $0 == "recipient")) || (!audience && $0 == "audience") })
            #expect(verdict.checks.filter { $0.result == "failed" }.count == (verdict.accepted ? 0 : 1))
            #expect(judge.unreadable(SAMLError(.inputEmpty, "")).checks.map(\.name) == names)
        }
    }

    @Test("AssumeRoleWithSAML reports its steps too, the requested pair and the duration among them")
    func assumeRoleRecord() throws {
        let federation = AWSFixtures.federation()
        let request = AssumeRoleWithSAMLRequest(samlAssertion: AWSFixtures.encoded(AWSFixtures.response()), roleARN: "arn:aws:iam::123456789012:role/Developer",
                                                principalARN: AWSFixtures.providerARN, durationSeconds: 3600)
        var record: [VerificationCheck] = []
        #expect(throws: AWSError.self) { try federation.assumeRoleWithSAML(request, diagnostics: { record.append($0) }) }
        let plan = SignInChecks.assumeRolePlan(federation.planVerifier).map(\.name)
        #expect(record.map(\.name) == plan)
        #expect(record.first { $0.error != nil }?.name == "aws.rolePair")
        var admin = request
        admin.roleARN = "arn:aws:iam::123456789012:role/Administrator"
        record = []
        _ = try federation.assumeRoleWithSAML(admin, diagnostics: { record.append($0) })
        #expect(record.map(\.name) == plan && record.allSatisfy { $0.result == .passed })
        var long = admin
        long.durationSeconds = 7200
        record = []
        #expect(throws: AWSError.self) { try federation.assumeRoleWithSAML(long, diagnostics: { record.append($0) }) }
        #expect(record.first { $0.error != nil }?.name == "aws.durationSeconds")
    }

    @Test("the record is the same whatever the edit: one failed step at most, carrying the thrown error")
    func recordProperty() async {
        let verifier = Self.verifier()
        let plan = verifier.plan.map(\.name)
        let bytes = Array(Self.plain.utf8)
        await propertyCheck(count: 300, input: Gen.int(in: 0...(bytes.count - 1)), Gen.int(in: 0...255)) { offset, value in
            var edited = bytes
            edited[offset] = UInt8(value)
            var record: [VerificationCheck] = []
            var thrown: SAMLError?
            do throws(SAMLError) { _ = try await verifier.verify(edited, diagnostics: { record.append($0) }) } catch { thrown = error }
            Self.checkRecord(record, plan: plan, thrown: thrown)
        }
    }

    @Test("safe by default: a service provider's standard checks always run, extra policies only add")
    func safeByDefault() throws {
        struct AlwaysPasses: VerificationPolicy {
            var name: String { "extra" }
            func check(_ context: VerificationContext) throws(SAMLError) {}
        }
        let verifier = Verifier(trusting: [AWSFixtures.certificate], serviceProvider: ServiceProvider(
            audiences: ["https://sp.example.com"], acsURLs: ["https://signin.aws.amazon.com/saml"]),
            additionalPolicies: [AlwaysPasses()], clock: Self.clock)
        #expect(verifier.plan.map(\.name).contains("audience") && verifier.plan.map(\.name).contains("extra"))
        expectCode(.audienceMismatch) { try verifier.verify(Self.plain) }
        // An empty audience set accepts no audience, rather than skipping the check.
        let none = Verifier(trusting: [AWSFixtures.certificate], serviceProvider: ServiceProvider(
            audiences: [], acsURLs: ["https://signin.aws.amazon.com/saml"]), clock: Self.clock)
        expectCode(.audienceMismatch) { try none.verify(Self.plain) }
        // Only the unsafe initializer runs a bare list, and says so in its name.
        let unsafe = Verifier(unsafeTrusting: [AWSFixtures.certificate], policies: [], clock: Self.clock)
        #expect(unsafe.plan.map(\.name) == ["document", "status", "structure", "signature", "content", "conditions"])
        #expect(throws: Never.self) { _ = try unsafe.verify(Self.plain) }
    }

    @Test("OneTimeUse: refused without a replay cache, enforced with one (the second use is a replay)")
    func oneTimeUse() async throws {
        let xml = try AWSFixtures.signer.sign(AWSFixtures.response { $0.assertion?.conditions?.hasOneTimeUse = true })
        expectCode(.conditionsUnsupported) { try Self.verifier().verify(xml) }
        let cache = InMemoryReplayCache()
        let verifier = Self.verifier(replay: cache)
        #expect(verifier.plan.last?.name == "replay")
        _ = try await verifier.verify(xml)
        expectCode(.replayDetected) { try verifier.verify(xml) }
        // The async verify with the same cache: still a replay.
        await expectCode(.replayDetected) { _ = try await verifier.verify(Array(xml.utf8)) }
        // ProxyRestriction: nothing here enforces it. It, and a condition not understood, fail at `conditions` too.
        let proxy = try AWSFixtures.signer.sign(AWSFixtures.response { $0.assertion?.conditions?.hasProxyRestriction = true })
        let unknown = try Self.resigned("</Conditions>", "<Condition xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\"/></Conditions>")
        for xml in [Array(proxy.utf8), unknown] {
            var record: [VerificationCheck] = []
            expectCode(.conditionsUnsupported) { try Self.verifier(replay: InMemoryReplayCache()).verify(xml, diagnostics: { record.append($0) }) }
            #expect(record.first { $0.error != nil }?.name == "conditions")
        }
    }

    @Test("a replay cache that only answers asynchronously: the async verify uses it, the synchronous one refuses")
    func asynchronousCache() async throws {
        actor Remote: ReplayCache {
            var seen: Set<String> = []
            func insert(_ id: String, until expiry: Date, now: Date) async throws(SAMLError) -> Bool { seen.insert(id).inserted }
        }
        let verifier = Self.verifier(replay: Remote())
        var record: [VerificationCheck] = []
        expectCode(.replayCacheAsynchronous) {
            try verifier.verify(Self.plain, diagnostics: { record.append($0) })
        }
        #expect(record.last?.name == "replay" && record.last?.error?.code == .replayCacheAsynchronous)
        _ = try await verifier.verify(Array(Self.plain.utf8))
        await expectCode(.replayDetected) { _ = try await verifier.verify(Array(Self.plain.utf8)) }
    }
}

/// Expects `body` to throw a ``SAMLError`` with `code` (messages carry values the tests need not repeat).
func expectCode<T>(_ code: SAMLError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SAMLError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

func expectCode<T>(_ code: SAMLError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SAMLError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
