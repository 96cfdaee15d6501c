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

    /// The bearer `SubjectConfirmation`s of the assertion.
    public var bearerConfirmations: [SubjectConfirmation] {
        assertion.subject?.confirmations.filter { $0.method == SAMLURI.bearer } ?? []
    }
}

/// One rule a verified Response must also satisfy. Policies are small values composed by ``Verifier``, in the
/// spirit of swift-certificates' verifier policies; write your own for rules specific to your relying party.
public protocol VerificationPolicy: Sendable {
    /// Throws when the rule does not hold, with a code and a message naming what was expected and found.
    func check(_ context: VerificationContext) throws(SAMLError)
}
