/// Requires signatures on particular elements (attacks.md §2). Whatever the coverage, every signature present
/// must verify; this policy only says which must be present.
public struct SignatureCoveragePolicy: VerificationPolicy {
    public enum Coverage: String, Sendable, CaseIterable {
        /// The Assertion or the Response (which covers the assertion), or both: what AWS accepts (aws-entra.md §2.4).
        case any
        /// The Assertion must be signed (Entra's default "Sign SAML assertion").
        case assertion
        /// The Response must be signed.
        case response
        /// Both must be signed.
        case both
    }

    public var required: Coverage

    /// Creates a policy.
    /// - Parameter required: Which elements must carry a signature that verified.
    public init(_ required: Coverage = .any) { self.required = required }

    public var name: String { "signatureCoverage" }
    public var summary: String { "The required elements (the Assertion, the Response, or either) are signed" }

    /// Checks that the required elements were signed.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `signature.coverage` when a required element carries no verified signature.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        let signed = context.signedElements
        let ok: Bool
        switch required {
        case .any: ok = !signed.isEmpty
        case .assertion: ok = signed.contains(.assertion)
        case .response: ok = signed.contains(.response)
        case .both: ok = signed.contains([.assertion, .response])
        }
        guard ok else {
            let expected: String
            switch required {
            case .any: expected = "a signed Assertion or Response"
            case .assertion: expected = "a signed Assertion"
            case .response: expected = "a signed Response"
            case .both: expected = "signed Response and Assertion"
            }
            throw SAMLError(.signatureCoverage, "the required element is not signed", expected: expected,
                            found: "signed: \(signed)")
        }
    }
}
