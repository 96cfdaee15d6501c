import Foundation

/// What a policy sees: values read from the verified nodes only, after the structural and cryptographic checks
/// passed, plus the verification instant and the request being answered.
public struct VerificationContext: Sendable {
    public let response: Response
    /// The single, signature-covered assertion.
    public let assertion: Assertion
    public let signedElements: SignedElements
    /// The configured certificate that verified the signature(s).
    public let signingCertificate: Certificate
    /// "Now", from the verifier's clock.
    public let now: Date
    /// The ID of the AuthnRequest this Response should answer, or `nil` for IdP-initiated sign-in.
    public let requestID: String?

    /// The bearer `SubjectConfirmation`s of the assertion, selected once (three standard policies read them).
    public let bearerConfirmations: [SubjectConfirmation]

    init(response: Response, assertion: Assertion, signedElements: SignedElements, signingCertificate: Certificate,
         now: Date, requestID: String?) {
        self.response = response
        self.assertion = assertion
        self.signedElements = signedElements
        self.signingCertificate = signingCertificate
        self.now = now
        self.requestID = requestID
        let confirmations = assertion.subject?.confirmations ?? []
        // Entra sends one confirmation, a bearer one: keep the array as read instead of filtering it into a new one.
        bearerConfirmations = confirmations.allSatisfy { $0.method == SAMLURI.bearer }
            ? confirmations : confirmations.filter { $0.method == SAMLURI.bearer }
    }
}

/// One rule a verified Response must also satisfy. Policies are small values composed by ``Verifier``, in the
/// spirit of swift-certificates' verifier policies; write your own for rules specific to your relying party and pass
/// them as `additionalPolicies`: they run after the standard ones, which always run.
public protocol VerificationPolicy: Sendable {
    /// A stable identifier, reported in ``VerificationCheck/name`` and `saml verify --json` (`audience`, `time`, …).
    /// Defaults to the type's name.
    var name: String { get }
    /// What the rule requires, in a few words, for people reading a checklist.
    var summary: String { get }
    /// The `<Conditions>` children this policy enforces. A condition that no configured check enforces makes the
    /// assertion invalid (SAML core 2.5.1), so declaring one here is a promise that ``check(_:)`` enforces it.
    var enforcedConditions: Set<ConditionKind> { get }
    /// Throws when the rule does not hold, with a code and a message naming what was expected and found.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with the policy's own code when the rule does not hold; the verifier then refuses the
    ///   Response and reports this policy's step as failed.
    func check(_ context: VerificationContext) throws(SAMLError)
}

extension VerificationPolicy {
    public var name: String { String(describing: Self.self) }
    public var summary: String { name }
    public var enforcedConditions: Set<ConditionKind> { [] }
}
