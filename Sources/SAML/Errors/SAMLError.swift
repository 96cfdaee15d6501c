/// The single error type of the library.
///
/// Every failure has a stable, machine-readable ``code`` (for logs, JSON output and tests) and a ``message`` that
/// says what was expected and what was found. Codes never change meaning; new causes get new codes.
public struct SAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable identifier of the cause, such as `signature.untrustedKey`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        /// Creates a code; give a new cause a new, dotted name (`area.cause`).
        /// - Parameter rawValue: The code's stable text, such as `signature.untrustedKey`.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// The cause.
    public let code: Code
    /// What the rule required.
    public let expected: String?
    /// What the message contained.
    public let found: String?
    /// A one-line human explanation, naming what was expected and what was found.
    public let message: String

    /// Creates an error; the message is composed from `summary`, `expected` and `found`.
    /// - Parameters:
    ///   - code: The stable cause.
    ///   - summary: What went wrong, in a few words (`the assertion has expired`).
    ///   - expected: What the rule required, appended as `; expected …`; `nil` for nothing.
    ///   - found: What the message contained instead, appended as `; found …`; `nil` for nothing.
    public init(_ code: Code, _ summary: String, expected: String? = nil, found: String? = nil) {
        self.code = code
        self.expected = expected
        self.found = found
        var text = summary
        if let expected { text += "; expected \(expected)" }
        if let found { text += "; found \(found)" }
        self.message = text
    }

    public var description: String { "\(code): \(message)" }
}

extension SAMLError.Code {
    // Input and parsing (attacks.md §0.1, §5).
    public static let inputTooLarge = Self(rawValue: "input.tooLarge")
    public static let inputEmpty = Self(rawValue: "input.empty")
    public static let inputBase64 = Self(rawValue: "input.base64")
    public static let parseMalformed = Self(rawValue: "parse.malformed")
    public static let parseDTDForbidden = Self(rawValue: "parse.dtdForbidden")
    public static let parseEntityForbidden = Self(rawValue: "parse.entityForbidden")
    public static let parseNamespace = Self(rawValue: "parse.namespace")
    public static let parseProcessingInstruction = Self(rawValue: "parse.processingInstruction")

    // Structure (attacks.md §0.2, §4, §7).
    public static let structureUnexpectedRoot = Self(rawValue: "structure.unexpectedRoot")
    public static let structureVersion = Self(rawValue: "structure.version")
    public static let structureMissingID = Self(rawValue: "structure.missingID")
    public static let structureInvalidID = Self(rawValue: "structure.invalidID")
    public static let structureDuplicateID = Self(rawValue: "structure.duplicateID")
    public static let structureMissingAssertion = Self(rawValue: "structure.missingAssertion")
    public static let structureMultipleAssertions = Self(rawValue: "structure.multipleAssertions")
    public static let structureMisplacedAssertion = Self(rawValue: "structure.misplacedAssertion")
    public static let structureEncryptedAssertion = Self(rawValue: "structure.encryptedAssertion")
    public static let structureAdvice = Self(rawValue: "structure.advice")
    public static let structureMissingElement = Self(rawValue: "structure.missingElement")
    public static let structureDuplicateElement = Self(rawValue: "structure.duplicateElement")
    public static let structureUnexpectedContent = Self(rawValue: "structure.unexpectedContent")
    public static let structureInvalidValue = Self(rawValue: "structure.invalidValue")

    // Status (SAML core 3.2.2.2).
    public static let statusNotSuccess = Self(rawValue: "status.notSuccess")

    // Signatures (attacks.md §0.3-§0.6, §1-§4, §6, §11).
    public static let signatureMissing = Self(rawValue: "signature.missing")
    public static let signatureCoverage = Self(rawValue: "signature.coverage")
    public static let signatureUnexpectedLocation = Self(rawValue: "signature.unexpectedLocation")
    public static let signatureMultiple = Self(rawValue: "signature.multiple")
    public static let signatureMalformed = Self(rawValue: "signature.malformed")
    public static let signatureReferenceCount = Self(rawValue: "signature.referenceCount")
    public static let signatureReferenceURI = Self(rawValue: "signature.referenceURI")
    public static let signatureReferenceBinding = Self(rawValue: "signature.referenceBinding")
    public static let signatureTransformNotAllowed = Self(rawValue: "signature.transformNotAllowed")
    public static let signatureAlgorithmNotAllowed = Self(rawValue: "signature.algorithmNotAllowed")
    public static let signatureCanonicalization = Self(rawValue: "signature.canonicalization")
    public static let signatureUntrustedKey = Self(rawValue: "signature.untrustedKey")
    public static let signatureDigestMismatch = Self(rawValue: "signature.digestMismatch")
    public static let signatureInvalid = Self(rawValue: "signature.invalid")
    public static let signatureNoTrustedCertificates = Self(rawValue: "signature.noTrustedCertificates")

    // Profile checks (attacks.md §8).
    public static let issuerMissing = Self(rawValue: "issuer.missing")
    public static let issuerMismatch = Self(rawValue: "issuer.mismatch")
    public static let audienceMissing = Self(rawValue: "audience.missing")
    public static let audienceMismatch = Self(rawValue: "audience.mismatch")
    public static let destinationMissing = Self(rawValue: "destination.missing")
    public static let destinationMismatch = Self(rawValue: "destination.mismatch")
    public static let subjectMissing = Self(rawValue: "subject.missing")
    public static let subjectConfirmationMissing = Self(rawValue: "subjectConfirmation.missing")
    public static let subjectConfirmationCount = Self(rawValue: "subjectConfirmation.count")
    public static let subjectConfirmationMethod = Self(rawValue: "subjectConfirmation.method")
    public static let subjectConfirmationRecipient = Self(rawValue: "subjectConfirmation.recipientMismatch")
    public static let timeNotYetValid = Self(rawValue: "time.notYetValid")
    public static let timeExpired = Self(rawValue: "time.expired")
    public static let timeSubjectConfirmationExpired = Self(rawValue: "time.subjectConfirmationExpired")
    public static let timeMissingExpiry = Self(rawValue: "time.missingExpiry")
    public static let timeIssuedInFuture = Self(rawValue: "time.issuedInFuture")
    public static let timeTooOld = Self(rawValue: "time.tooOld")
    /// The AuthnStatement's SessionNotOnOrAfter has passed (SAML core 2.7.2).
    public static let timeSessionEnded = Self(rawValue: "time.sessionEnded")
    public static let inResponseToMismatch = Self(rawValue: "inResponseTo.mismatch")
    public static let inResponseToUnsolicited = Self(rawValue: "inResponseTo.unsolicited")
    public static let conditionsUnsupported = Self(rawValue: "conditions.unsupported")
    public static let attributeDuplicateName = Self(rawValue: "attribute.duplicateName")
    public static let replayDetected = Self(rawValue: "replay.detected")
    public static let replayCacheFull = Self(rawValue: "replay.cacheFull")
    /// The replay cache could not answer (its database is unreachable or failed): the assertion is refused.
    public static let replayCacheUnavailable = Self(rawValue: "replay.cacheUnavailable")
    /// The synchronous `verify` was given a replay cache that can only answer asynchronously.
    public static let replayCacheAsynchronous = Self(rawValue: "replay.cacheAsynchronous")

    // Bindings (SAML bindings §3.4, §3.5).
    public static let bindingMissingMessage = Self(rawValue: "binding.missingMessage")
    public static let bindingBase64 = Self(rawValue: "binding.base64")
    public static let bindingInflate = Self(rawValue: "binding.inflate")
    public static let bindingTooLarge = Self(rawValue: "binding.tooLarge")
    public static let bindingEncoding = Self(rawValue: "binding.encoding")
    /// The message came in a binding or field the receiver does not read (AWS: only a POST `SAMLResponse`, not
    /// DEFLATE-compressed).
    public static let bindingNotAccepted = Self(rawValue: "binding.notAccepted")
    public static let bindingSignatureAlgorithm = Self(rawValue: "binding.signatureAlgorithm")
    public static let bindingSignatureInvalid = Self(rawValue: "binding.signatureInvalid")
    public static let bindingUnsigned = Self(rawValue: "binding.unsigned")

    // Protocol messages other than Response, and metadata.
    public static let messageUnexpected = Self(rawValue: "message.unexpected")
    public static let messageInvalid = Self(rawValue: "message.invalid")
    public static let metadataInvalid = Self(rawValue: "metadata.invalid")
    public static let metadataNoSigningKey = Self(rawValue: "metadata.noSigningKey")

    // Encrypted assertions (attacks.md §9).
    public static let encryptionAlgorithmNotAllowed = Self(rawValue: "encryption.algorithmNotAllowed")
    public static let encryptionMalformed = Self(rawValue: "encryption.malformed")
    public static let encryptionDecryptionFailed = Self(rawValue: "encryption.decryptionFailed")

    // Keys, certificates, signing, library.
    public static let keyInvalid = Self(rawValue: "key.invalid")
    public static let keyUnsupported = Self(rawValue: "key.unsupported")
    public static let certificateInvalid = Self(rawValue: "certificate.invalid")
    public static let signingFailed = Self(rawValue: "signing.failed")
    public static let signingInvalidInput = Self(rawValue: "signing.invalidInput")
    public static let libraryUnavailable = Self(rawValue: "library.unavailable")
}
