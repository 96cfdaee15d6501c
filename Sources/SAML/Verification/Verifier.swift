import Foundation

/// Verifies SAML Responses: the hardened core of attacks.md §0 (one parse without DTD or entities, exactly one
/// assertion, no duplicate IDs, signatures only as direct children of the Response or the Assertion, libxmlsec1
/// with the configured certificates only, allowlisted algorithms, the single Reference bound to the node that is
/// read), then the standard Web SSO policies of a ``ServiceProvider``, any additional policies, the `conditions`
/// check and, last, the replay cache.
///
/// ```swift
/// let verifier = Verifier(trusting: [idpCertificate], serviceProvider: ServiceProvider(
///     audiences: ["urn:amazon:webservices"], acsURLs: ["https://signin.aws.amazon.com/saml"],
///     idpEntityID: "https://sts.windows.net/<tenant-id>/"), replayCache: InMemoryReplayCache())
/// let verified = try verifier.verify(base64: samlResponseFormField)
/// print(verified.nameID?.value, verified.attribute(AttributeName.awsRole))
/// ```
///
/// Safe by default: the standard checks always run, and the only way to choose the policies one by one is
/// ``init(unsafeTrusting:policies:replayCache:replaySkew:algorithms:limits:clock:decryption:)``.
///
/// Every step can be reported, in the manner of swift-certificates' diagnostic callback: pass `diagnostics` and it
/// receives one ``VerificationCheck`` per step, in order (passed, failed with the error, or not reached).
///
/// A `Verifier` is an immutable value, safe to share between tasks and threads.
public struct Verifier: Sendable {
    /// The only keys signatures may be made with; several during a rollover.
    public var trustedCertificates: [Certificate]
    /// The policies run after the core steps, in order: the service provider's standard ones, then the additional
    /// ones. Read-only, so that a standard check cannot be dropped from a safe verifier.
    public private(set) var policies: [any VerificationPolicy]
    /// Records each accepted assertion ID and refuses a second use; runs last. `nil`: no replay protection, and an
    /// assertion with `<OneTimeUse>` is refused, since nothing would enforce it.
    public var replayCache: (any ReplayCache)?
    /// How long past its expiry an assertion ID is kept: as long as the time check could still accept it.
    public var replaySkew: TimeInterval
    public var algorithms: AlgorithmPolicy
    public var limits: ParseLimits
    public var clock: any SAMLClock
    /// Keys to decrypt EncryptedAssertions; `nil` refuses them.
    public var decryption: Decryption?
    /// The conditions the policies enforce, gathered once (``policies`` is fixed at initialisation): asking every
    /// policy on every verification built a Set per policy.
    private let policyConditions: Set<ConditionKind>

    /// A verifier with the standard Web SSO checks of `serviceProvider` (signature coverage, issuer when one is
    /// configured, destination, recipient, audience, time window, InResponseTo), then `additionalPolicies`.
    /// - Parameters:
    ///   - trustedCertificates: The IdP's signing certificates; a signature by any other key is refused.
    ///   - serviceProvider: The service provider's identity and rules, from which the standard checks are made.
    ///   - additionalPolicies: Further checks, run after the standard ones in the given order.
    ///   - replayCache: Where accepted assertion IDs are recorded so that each is accepted once; `nil` disables
    ///     replay protection and refuses assertions with `<OneTimeUse>`.
    ///   - algorithms: Which signature and digest algorithms are accepted.
    ///   - limits: Bounds on a document's size and shape, checked before parsing.
    ///   - clock: The source of the current time for the time checks; replace it only in tests.
    ///   - decryption: Keys to decrypt EncryptedAssertions with; `nil` refuses encrypted assertions.
    public init(trusting trustedCertificates: [Certificate], serviceProvider: ServiceProvider,
                additionalPolicies: [any VerificationPolicy] = [], replayCache: (any ReplayCache)? = nil,
                algorithms: AlgorithmPolicy = .strict, limits: ParseLimits = .default, clock: any SAMLClock = SystemClock(),
                decryption: Decryption? = nil) {
        self.init(unsafeTrusting: trustedCertificates, policies: serviceProvider.policies + additionalPolicies,
                  replayCache: replayCache, replaySkew: serviceProvider.clockSkew, algorithms: algorithms, limits: limits,
                  clock: clock, decryption: decryption)
    }

    /// A verifier that runs exactly `policies` after the core steps, and none of the standard checks unless they are
    /// in the list. Unsafe: an empty list accepts any response a trusted key signed, for any audience, recipient or
    /// time. For tools that report what a message is (a signature check, a capture judged without configuration),
    /// never for signing someone in.
    /// - Parameters:
    ///   - trustedCertificates: The IdP's signing certificates; a signature by any other key is refused.
    ///   - policies: The only checks run after the core steps, in the given order.
    ///   - replayCache: Where accepted assertion IDs are recorded so that each is accepted once; `nil` disables
    ///     replay protection and refuses assertions with `<OneTimeUse>`.
    ///   - replaySkew: How long past its expiry an assertion ID is kept in `replayCache`, in seconds; match the time
    ///     check's clock skew.
    ///   - algorithms: Which signature and digest algorithms are accepted.
    ///   - limits: Bounds on a document's size and shape, checked before parsing.
    ///   - clock: The source of the current time for the time checks; replace it only in tests.
    ///   - decryption: Keys to decrypt EncryptedAssertions with; `nil` refuses encrypted assertions.
    public init(unsafeTrusting trustedCertificates: [Certificate], policies: [any VerificationPolicy],
                replayCache: (any ReplayCache)? = nil, replaySkew: TimeInterval = 180, algorithms: AlgorithmPolicy = .strict,
                limits: ParseLimits = .default, clock: any SAMLClock = SystemClock(), decryption: Decryption? = nil) {
        self.trustedCertificates = trustedCertificates
        self.policies = policies
        self.replayCache = replayCache
        self.replaySkew = replaySkew
        self.algorithms = algorithms
        self.limits = limits
        self.clock = clock
        self.decryption = decryption
        policyConditions = policies.reduce(into: []) { $0.formUnion($1.enforcedConditions) }
    }

    /// Verifies the XML bytes of a Response. `requestID` is the AuthnRequest ID it should answer (`nil` for
    /// IdP-initiated sign-in). A replay cache, if configured, must be a ``SynchronousReplayCache`` (the in-memory
    /// one); others are used through the `async` overload, and refuse here with
    /// ``SAMLError/Code/replayCacheAsynchronous``.
    /// - Parameters:
    ///   - xml: The Response document, as UTF-8 bytes.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before,
    ///   `replay.cacheFull`, or `replay.cacheAsynchronous` when the cache is not a ``SynchronousReplayCache``).
    @available(*, noasync, message: "in async code, use the async verify: it works with every ReplayCache")
    public func verify(_ xml: [UInt8], inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) throws(SAMLError) -> VerifiedResponse {
        var steps = Steps(diagnostics, plan: plan)
        let (verified, context) = try checks(xml, requestID: requestID, steps: &steps)
        if let replayCache {
            let inserted: Bool
            do throws(SAMLError) {
                guard let cache = replayCache as? any SynchronousReplayCache else {
                    throw SAMLError(.replayCacheAsynchronous, "this replay cache answers only asynchronously",
                                    expected: "the async verify, or a SynchronousReplayCache", found: "\(type(of: replayCache))")
                }
                let expiry = try Self.replayExpiry(context, skew: replaySkew)
                inserted = try cache.insertImmediately(context.assertion.id, until: expiry, now: context.now)
            } catch {
                throw steps.fail(error)
            }
            try steps.replay(inserted: inserted, context)
        }
        return verified
    }

    /// Verifies the XML bytes of a Response, with any ``ReplayCache`` (a database one waits on I/O here).
    /// - Parameters:
    ///   - xml: The Response document, as UTF-8 bytes.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before, or the
    ///   cache's own error, such as `replay.cacheUnavailable`).
    public func verify(_ xml: [UInt8], inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) async throws(SAMLError) -> VerifiedResponse {
        var steps = Steps(diagnostics, plan: plan)
        let (verified, context) = try checks(xml, requestID: requestID, steps: &steps)
        if let replayCache {
            let inserted: Bool
            do throws(SAMLError) {
                let expiry = try Self.replayExpiry(context, skew: replaySkew)
                inserted = try await replayCache.insert(context.assertion.id, until: expiry, now: context.now)
            } catch {
                throw steps.fail(error)
            }
            try steps.replay(inserted: inserted, context)
        }
        return verified
    }

    /// Verifies a Response given as an XML string.
    /// - Parameters:
    ///   - xml: The Response document.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before,
    ///   `replay.cacheFull`, or `replay.cacheAsynchronous` when the cache is not a ``SynchronousReplayCache``).
    @available(*, noasync, message: "in async code, use the async verify: it works with every ReplayCache")
    public func verify(_ xml: String, inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) throws(SAMLError) -> VerifiedResponse {
        try verify(Array(xml.utf8), inResponseTo: requestID, diagnostics: diagnostics)
    }

    /// Verifies a Response given as an XML string, with any ``ReplayCache``.
    /// - Parameters:
    ///   - xml: The Response document.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before, or the
    ///   cache's own error, such as `replay.cacheUnavailable`).
    public func verify(_ xml: String, inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) async throws(SAMLError) -> VerifiedResponse {
        try await verify(Array(xml.utf8), inResponseTo: requestID, diagnostics: diagnostics)
    }

    /// Verifies the base64 `SAMLResponse` form field of the HTTP-POST binding (line breaks allowed, nothing else).
    /// - Parameters:
    ///   - base64: The `SAMLResponse` field's value, already form-decoded.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before,
    ///   `replay.cacheFull`, or `replay.cacheAsynchronous` when the cache is not a ``SynchronousReplayCache``).
    ///   Before those, `input.empty`, `input.tooLarge` or `input.base64` when `base64` does not decode within
    ///   ``limits``.
    @available(*, noasync, message: "in async code, use the async verify: it works with every ReplayCache")
    public func verify(base64: String, inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) throws(SAMLError) -> VerifiedResponse {
        let bytes: [UInt8]
        do throws(SAMLError) { bytes = try Self.decodeBase64(base64, limit: limits.maxDocumentBytes) } catch {
            var steps = Steps(diagnostics, plan: plan)
            throw steps.fail(error)
        }
        return try verify(bytes, inResponseTo: requestID, diagnostics: diagnostics)
    }

    /// Verifies the base64 `SAMLResponse` form field of the HTTP-POST binding, with any ``ReplayCache``.
    /// - Parameters:
    ///   - base64: The `SAMLResponse` field's value, already form-decoded.
    ///   - requestID: The `ID` of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The verified Response and Assertion, to read the user's identity and attributes from.
    /// - Throws: ``SAMLError`` from the first step that fails, with its code: the document or its structure
    ///   (`input.*`, `limit.*`, `parse.*`, `structure.*`), `status.notSuccess`, the signatures (`signature.*`) or
    ///   decryption (`encryption.*`), a policy (such as `audience.mismatch` or `time.expired`),
    ///   `conditions.unsupported`, or the replay cache (`replay.detected` for an assertion ID used before, or the
    ///   cache's own error, such as `replay.cacheUnavailable`).
    ///   Before those, `input.empty`, `input.tooLarge` or `input.base64` when `base64` does not decode within
    ///   ``limits``.
    public func verify(base64: String, inResponseTo requestID: String? = nil,
                       diagnostics: ((VerificationCheck) -> Void)? = nil) async throws(SAMLError) -> VerifiedResponse {
        let bytes: [UInt8]
        do throws(SAMLError) { bytes = try Self.decodeBase64(base64, limit: limits.maxDocumentBytes) } catch {
            var steps = Steps(diagnostics, plan: plan)
            throw steps.fail(error)
        }
        return try await verify(bytes, inResponseTo: requestID, diagnostics: diagnostics)
    }

    /// Checks only the signatures of a Response or bare Assertion (same parser, document scan, algorithm allowlist,
    /// trusted certificates and Reference binding), without the one-assertion rule or any policy. For inspecting
    /// messages, never for signing someone in.
    /// - Parameter xml: The Response or Assertion document, as UTF-8 bytes.
    /// - Returns: Which elements (the Response, the Assertion) carry a signature that verified.
    /// - Throws: ``SAMLError`` when the document does not parse within ``limits`` or is not a signable SAML message,
    ///   is unsigned (`signature.missing`), or a signature is misplaced, not allowed, made by an untrusted key or
    ///   invalid (`signature.*`).
    public func verifySignatures(_ xml: [UInt8]) throws(SAMLError) -> SignedElements {
        try CoreVerifier.verifySignatures(xml, limits: limits, algorithms: algorithms, trusted: trustedCertificates).signed
    }

    /// The steps this verifier runs, in order: what a diagnostics callback receives, one ``VerificationCheck`` each.
    public var plan: [VerificationCheck.Step] { Steps.list(self) }

    // MARK: - Steps

    /// Every step but the replay cache: the core, each policy, then the conditions.
    private func checks(_ xml: [UInt8], requestID: String?, steps: inout Steps) throws(SAMLError)
        -> (VerifiedResponse, VerificationContext) {
        var stage = CoreStep.document
        let core: CoreVerification
        do throws(SAMLError) {
            core = try CoreVerifier.verify(xml, limits: limits, algorithms: algorithms, trusted: trustedCertificates,
                                                     decryption: decryption, stage: &stage)
        } catch {
            steps.pass(through: stage.rawValue)
            throw steps.fail(error)
        }
        steps.pass(through: CoreStep.allCases.count)
        let context = VerificationContext(response: core.response, assertion: core.assertion,
                                          signedElements: core.signedElements, signingCertificate: core.certificate,
                                          now: clock.now, requestID: requestID)
        for policy in policies {
            do throws(SAMLError) { try policy.check(context) } catch { throw steps.fail(error) }
            steps.passOne()
        }
        do throws(SAMLError) { try checkConditions(context) } catch { throw steps.fail(error) }
        steps.passOne()
        let verified = VerifiedResponse(response: core.response, assertion: core.assertion, signedElements: core.signedElements,
                                        signingCertificate: core.certificate, signingCertificates: core.certificates,
                                        wasEncrypted: core.wasEncrypted)
        return (verified, context)
    }

    /// SAML core 2.5.1: every condition present must be enforced by some configured check, or the assertion is
    /// invalid. `OneTimeUse` is enforced by the replay cache (SAML core 2.5.1.5). AudienceRestriction is the audience
    /// check's, which a safe verifier always runs; one built with the unsafe initializer and no audience policy has
    /// opted out of it knowingly, and it is not refused for that.
    private func checkConditions(_ context: VerificationContext) throws(SAMLError) {
        if let unknown = context.assertion.conditions?.unrecognized, !unknown.isEmpty {
            throw SAMLError(.conditionsUnsupported, "the Conditions contain a condition this verifier does not understand",
                            expected: "AudienceRestriction, OneTimeUse or ProxyRestriction",
                            found: unknown.map { "<\($0)>" }.joined(separator: ", "))
        }
        guard let conditions = context.assertion.conditions else { return }
        // AudienceRestriction is always enforced (below); the other two only by a replay cache or a policy.
        let oneTimeUseUnenforced = conditions.hasOneTimeUse && replayCache == nil && !policyConditions.contains(.oneTimeUse)
        let proxyUnenforced = conditions.hasProxyRestriction && !policyConditions.contains(.proxyRestriction)
        guard oneTimeUseUnenforced || proxyUnenforced else { return }
        let present = conditions.kinds
        var enforced: Set<ConditionKind> = replayCache == nil ? [.audienceRestriction] : [.audienceRestriction, .oneTimeUse]
        enforced.formUnion(policyConditions)
        let unenforced = present.subtracting(enforced)
        guard unenforced.isEmpty else {
            throw SAMLError(.conditionsUnsupported, "the Conditions contain a condition no configured check enforces",
                            expected: enforced.isEmpty ? "no conditions" : enforced.sorted().map(\.rawValue).joined(separator: ", ")
                                + (unenforced.contains(.oneTimeUse) ? " (OneTimeUse needs a replay cache)" : ""),
                            found: unenforced.sorted().map { "<\($0.rawValue)>" }.joined(separator: ", "))
        }
    }

    /// Kept as long as the time check could still accept the assertion: its latest expiry plus the skew.
    private static func replayExpiry(_ context: VerificationContext, skew: TimeInterval) throws(SAMLError) -> Date {
        let expiries = [context.assertion.conditions?.notOnOrAfter] + context.bearerConfirmations.map { $0.data?.notOnOrAfter }
        guard let expiry = expiries.compactMap({ $0 }).max() else {
            throw SAMLError(.timeMissingExpiry, "an assertion without expiry cannot be protected against replay",
                            expected: "a NotOnOrAfter", found: "none")
        }
        return expiry.addingTimeInterval(skew)
    }

    /// The diagnostics of one call: which step comes next, and the callback (no work at all without one).
    private struct Steps {
        let report: ((VerificationCheck) -> Void)?
        let list: [VerificationCheck.Step]
        var next = 0

        /// `plan` is only evaluated with a callback (taking the Verifier itself made a copy of it on every call).
        init(_ report: ((VerificationCheck) -> Void)?, plan: @autoclosure () -> [VerificationCheck.Step]) {
            self.report = report
            list = report == nil ? [] : plan()
        }

        static func list(_ verifier: Verifier) -> [VerificationCheck.Step] {
            CoreStep.allCases.map { .init($0.name, $0.summary) } + verifier.policies.map { .init($0.name, $0.summary) }
                + [.init("conditions", "Every condition is enforced (OneTimeUse by a replay cache); none is unknown")]
                + (verifier.replayCache == nil ? [] : [.init("replay", "The assertion ID was not used before (replay cache)")])
        }

        /// Reports the steps before `index` as passed.
        mutating func pass(through index: Int) {
            guard let report else { return }
            while next < min(index, list.count) { report(.init(name: list[next].name, summary: list[next].summary, result: .passed)); next += 1 }
        }

        mutating func passOne() { pass(through: next + 1) }

        /// Reports the current step as failed and every later one as not reached; returns the error to throw.
        mutating func fail(_ error: SAMLError) -> SAMLError {
            guard let report else { return error }
            if next < list.count { report(.init(name: list[next].name, summary: list[next].summary, result: .failed(error))); next += 1 }
            while next < list.count { report(.init(name: list[next].name, summary: list[next].summary, result: .notReached)); next += 1 }
            return error
        }

        mutating func replay(inserted: Bool, _ context: VerificationContext) throws(SAMLError) {
            guard inserted else {
                throw fail(SAMLError(.replayDetected, "this assertion was already used", expected: "a new assertion ID",
                                     found: "ID \"\(context.assertion.id)\" seen before"))
            }
            passOne()
        }
    }

    /// Strict base64: whitespace is ignored (browsers and capture tools wrap lines), any other stray character fails.
    static func decodeBase64(_ text: String, limit: Int) throws(SAMLError) -> [UInt8] {
        let compact = Base64.stripWhitespace(text)
        guard compact.count / 4 * 3 <= limit + 3 else {
            throw SAMLError(.inputTooLarge, "the encoded message exceeds the size limit",
                            expected: "at most \(limit) bytes decoded", found: "about \(compact.count / 4 * 3) bytes")
        }
        guard !compact.isEmpty else { throw SAMLError(.inputEmpty, "the message is empty") }
        guard let data = Data(base64Encoded: Data(compact)) else {
            throw SAMLError(.inputBase64, "the message is not valid base64", expected: "base64 of a SAML Response",
                            found: "\(compact.count) characters that do not decode")
        }
        return [UInt8](data)
    }
}
