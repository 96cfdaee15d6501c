/// One step of a verification, as ``Verifier`` reports it to a diagnostics callback: every step in order, whether
/// the response was accepted or refused (after a failure, the later steps are ``Result/notReached``).
///
/// The names are stable: the core steps are `document`, `status`, `structure`, `signature` and `content`; then each
/// policy's ``VerificationPolicy/name`` (`signatureCoverage`, `issuer`, `destination`, `recipient`, `audience`,
/// `time`, `inResponseTo`, then any additional policies), then `conditions` and, with a replay cache, `replay`.
public struct VerificationCheck: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        case passed
        case failed(SAMLError)
        /// An earlier step failed, so this one did not run.
        case notReached

        /// `passed`, `failed` or `notReached`.
        public var label: String {
            switch self {
            case .passed: return "passed"
            case .failed: return "failed"
            case .notReached: return "notReached"
            }
        }
    }

    /// A step as planned: its name and what it requires.
    public struct Step: Sendable, Hashable {
        public let name: String
        public let summary: String

        /// Creates a step.
        /// - Parameters:
        ///   - name: The step's stable identifier.
        ///   - summary: What the step requires, for people.
        public init(_ name: String, _ summary: String) {
            self.name = name
            self.summary = summary
        }
    }

    /// The step's stable identifier.
    public let name: String
    /// What the step requires, for people.
    public let summary: String
    public let result: Result

    /// Creates the report of one step.
    /// - Parameters:
    ///   - name: The step's stable identifier.
    ///   - summary: What the step requires, for people.
    ///   - result: Whether the step passed, failed (with its error) or was not reached.
    public init(name: String, summary: String, result: Result) {
        self.name = name
        self.summary = summary
        self.result = result
    }

    /// Creates the report of a planned step.
    /// - Parameters:
    ///   - step: The step, as ``Verifier/plan`` lists it.
    ///   - result: Whether the step passed, failed (with its error) or was not reached.
    public init(_ step: Step, _ result: Result) { self.init(name: step.name, summary: step.summary, result: result) }

    /// The error of a failed step.
    public var error: SAMLError? {
        if case .failed(let error) = result { return error }
        return nil
    }
}

/// The steps ``Verifier`` runs before its policies, on one parse of the document (attacks.md §0).
enum CoreStep: Int, CaseIterable {
    case document, status, structure, signature, content

    var name: String { ["document", "status", "structure", "signature", "content"][rawValue] }

    var summary: String {
        switch self {
        case .document: return "Parse within limits: size, depth, counts, no DTD, entities or processing instructions, unique IDs; the root is a SAML 2.0 Response with an ID"
        case .status: return "One Status in SAML core's shape, and it is Success"
        case .structure: return "The Response's children in SAML core's order; one SAML 2.0 Assertion, its direct child; Signatures only on the Response or the Assertion"
        case .signature: return "Signatures verify with a trusted certificate and allowed algorithms, over the node that is read"
        case .content: return "The signed Assertion reads as SAML 2.0 (elements, instants, subject)"
        }
    }
}
