import Foundation

/// Verifies SAML Responses: the hardened core of attacks.md §0 (one parse without DTD or entities, exactly one
/// assertion, no duplicate IDs, signatures only as direct children of the Response or the Assertion, libxmlsec1
/// with the configured certificates only, allowlisted algorithms, the single Reference bound to the node that is
/// read), then each ``VerificationPolicy`` in order.
///
/// ```swift
/// let verifier = Verifier(trusting: [idpCertificate], serviceProvider: ServiceProvider(
///     audiences: ["urn:amazon:webservices"], acsURLs: ["https://signin.aws.amazon.com/saml"],
///     idpEntityID: "https://sts.windows.net/<tenant-id>/", replayCache: InMemoryReplayCache()))
/// let verified = try verifier.verify(base64: samlResponseFormField)
/// print(verified.nameID?.value, verified.attribute(AttributeName.awsRole))
/// ```
///
/// A `Verifier` is an immutable value, safe to share between tasks.
public struct Verifier: Sendable {
    /// The only keys signatures may be made with; several during a rollover.
    public var trustedCertificates: [Certificate]
    public var policies: [any VerificationPolicy]
    public var algorithms: AlgorithmPolicy
    public var limits: ParseLimits
    public var clock: any SAMLClock
    /// Keys to decrypt EncryptedAssertions; `nil` refuses them.
    public var decryption: Decryption?

    public init(trusting trustedCertificates: [Certificate], policies: [any VerificationPolicy],
                algorithms: AlgorithmPolicy = .strict, limits: ParseLimits = .default, clock: any SAMLClock = SystemClock(),
                decryption: Decryption? = nil) {
        self.trustedCertificates = trustedCertificates
        self.policies = policies
        self.algorithms = algorithms
        self.limits = limits
        self.clock = clock
        self.decryption = decryption
    }

    /// A verifier with the standard Web SSO policies of `serviceProvider`.
    public init(trusting trustedCertificates: [Certificate], serviceProvider: ServiceProvider,
                algorithms: AlgorithmPolicy = .strict, limits: ParseLimits = .default, clock: any SAMLClock = SystemClock(),
                decryption: Decryption? = nil) {
        self.init(trusting: trustedCertificates, policies: serviceProvider.policies, algorithms: algorithms, limits: limits,
                  clock: clock, decryption: decryption)
    }

    /// Verifies the XML bytes of a Response. `requestID` is the AuthnRequest ID it should answer (`nil` for
    /// IdP-initiated sign-in).
    public func verify(_ xml: [UInt8], inResponseTo requestID: String? = nil) throws(SAMLError) -> VerifiedResponse {
        let core = try NativeResponseVerifier.verify(xml, limits: limits, algorithms: algorithms, trusted: trustedCertificates,
                                                     decryption: decryption)
        let context = VerificationContext(response: core.response, assertion: core.assertion,
                                          signedElements: core.signedElements, signingCertificate: core.certificate,
                                          now: clock.now, requestID: requestID)
        for policy in policies { try policy.check(context) }
        return VerifiedResponse(response: core.response, assertion: core.assertion, signedElements: core.signedElements,
                                signingCertificate: core.certificate, signingCertificates: core.certificates,
                                wasEncrypted: core.wasEncrypted)
    }

    /// Checks only the signatures of a Response or bare Assertion (same parser, document scan, algorithm allowlist,
    /// trusted certificates and Reference binding), without the one-assertion rule or any policy. For inspecting
    /// messages, never for signing someone in.
    public func verifySignatures(_ xml: [UInt8]) throws(SAMLError) -> SignedElements {
        try NativeResponseVerifier.verifySignatures(xml, limits: limits, algorithms: algorithms, trusted: trustedCertificates).signed
    }

    /// Verifies a Response given as an XML string.
    public func verify(_ xml: String, inResponseTo requestID: String? = nil) throws(SAMLError) -> VerifiedResponse {
        try verify(Array(xml.utf8), inResponseTo: requestID)
    }

    /// Verifies the base64 `SAMLResponse` form field of the HTTP-POST binding (line breaks allowed, nothing else).
    public func verify(base64: String, inResponseTo requestID: String? = nil) throws(SAMLError) -> VerifiedResponse {
        try verify(try Self.decodeBase64(base64, limit: limits.maxDocumentBytes), inResponseTo: requestID)
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

/// The standard Web SSO rules for one service provider, as a set of policies.
public struct ServiceProvider: Sendable {
    /// Our entity IDs, accepted as Audience.
    public var audiences: Set<String>
    /// Our Assertion Consumer Service URLs, accepted as Destination and Recipient.
    public var acsURLs: Set<String>
    /// The IdP's entity ID; `nil` skips the issuer check (only sensible when the certificate pins the IdP).
    public var idpEntityID: String?
    public var clockSkew: TimeInterval
    public var maxAssertionAge: TimeInterval?
    public var requiredSignature: SignatureCoveragePolicy.Coverage
    public var allowUnsolicited: Bool
    public var requireSingleSubjectConfirmation: Bool
    /// Require NotOnOrAfter on the bearer confirmation itself (AWS does; SAML profiles say MUST).
    public var requireConfirmationExpiry: Bool
    public var replayCache: (any ReplayCache)?

    public init(audiences: Set<String>, acsURLs: Set<String>, idpEntityID: String? = nil, clockSkew: TimeInterval = 180,
                maxAssertionAge: TimeInterval? = nil, requiredSignature: SignatureCoveragePolicy.Coverage = .any,
                allowUnsolicited: Bool = true, requireSingleSubjectConfirmation: Bool = false,
                requireConfirmationExpiry: Bool = false, replayCache: (any ReplayCache)? = nil) {
        self.audiences = audiences
        self.acsURLs = acsURLs
        self.idpEntityID = idpEntityID
        self.clockSkew = clockSkew
        self.maxAssertionAge = maxAssertionAge
        self.requiredSignature = requiredSignature
        self.allowUnsolicited = allowUnsolicited
        self.requireSingleSubjectConfirmation = requireSingleSubjectConfirmation
        self.requireConfirmationExpiry = requireConfirmationExpiry
        self.replayCache = replayCache
    }

    /// Coverage, issuer, audience, destination, recipient, time, InResponseTo, then replay.
    public var policies: [any VerificationPolicy] {
        var list: [any VerificationPolicy] = [SignatureCoveragePolicy(requiredSignature)]
        if let idpEntityID { list.append(IssuerPolicy(idpEntityID)) }
        list.append(AudiencePolicy(audiences))
        list.append(DestinationPolicy(acsURLs))
        list.append(RecipientPolicy(acsURLs, requireSingleConfirmation: requireSingleSubjectConfirmation,
                                    requireConfirmationExpiry: requireConfirmationExpiry))
        list.append(TimeWindowPolicy(skew: clockSkew, maxAge: maxAssertionAge))
        list.append(InResponseToPolicy(allowUnsolicited: allowUnsolicited))
        if let replayCache { list.append(ReplayPolicy(cache: replayCache, skew: clockSkew)) }
        return list
    }
}
