import Foundation
import SAML

/// An IAM SAML identity provider (CreateSAMLProvider): its name and the metadata uploaded for it.
public struct SAMLProvider: Sendable {
    public var name: String
    public var account: String
    public var partition: String
    public var metadata: IdentityProviderMetadata
    /// Private keys for encrypted assertions (AddPrivateKey; at most two).
    public var decryption: Decryption?
    /// AssertionEncryptionMode `Required`: plain assertions are refused.
    public var requiresEncryption: Bool

    /// Creates a provider, as CreateSAMLProvider does.
    /// - Parameters:
    ///   - name: The provider's name, the last part of its ARN.
    ///   - account: The 12-digit ID of the account the provider belongs to.
    ///   - metadata: The IdP metadata uploaded for the provider: its entity ID and signing certificates.
    ///   - partition: The AWS partition of the account (`aws`, `aws-cn` or `aws-us-gov`).
    ///   - decryption: The private keys to decrypt encrypted assertions with; `nil` refuses them.
    ///   - requiresEncryption: Whether assertions that are not encrypted are refused.
    public init(name: String, account: String, metadata: IdentityProviderMetadata, partition: String = "aws",
                decryption: Decryption? = nil, requiresEncryption: Bool = false) {
        self.name = name
        self.account = account
        self.partition = partition
        self.metadata = metadata
        self.decryption = decryption
        self.requiresEncryption = requiresEncryption
    }

    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
    public var arn: String { "arn:\(partition):iam::\(account):saml-provider/\(name)" }
}

/// An IAM role that federated users may assume.
public struct IAMRole: Sendable {
    public var arn: AWSARN
    /// The role's unique ID (`AROA…`), the first half of AssumedRoleId.
    public var uniqueID: String
    public var trustPolicy: TrustPolicy
    /// MaxSessionDuration, 3600-43200 seconds.
    public var maxSessionDuration: Int

    /// Creates a role.
    /// - Parameters:
    ///   - arn: The role's ARN.
    ///   - uniqueID: The role's unique ID (`AROA…`).
    ///   - trustPolicy: Who may assume the role, and on which conditions.
    ///   - maxSessionDuration: The longest session AssumeRoleWithSAML may grant, in seconds (3600 to 43200).
    public init(arn: AWSARN, uniqueID: String, trustPolicy: TrustPolicy, maxSessionDuration: Int = 3600) {
        self.arn = arn
        self.uniqueID = uniqueID
        self.trustPolicy = trustPolicy
        self.maxSessionDuration = maxSessionDuration
    }

    public var name: String { String(arn.resource.split(separator: "/").last ?? "") }
}

/// Points where AWS's behaviour is not documented (aws-entra.md §11), as settings with the documented defaults.
public struct FederationSettings: Sendable {
    public enum RedemptionAnchor: String, Sendable { case assertionIssueInstant, responseIssueInstant }

    /// Accepted Audience values: AWS's SP entity IDs and the Entra default Identifier.
    public var audiences: Set<String>
    /// Also accept `https://<region>.signin.aws.amazon.com/saml` as Audience (unconfirmed; default off).
    public var acceptRegionalAudiences: Bool
    /// Clock skew tolerated on NotBefore/NotOnOrAfter (unpublished; default 5 min, as Entra documents for itself).
    public var clockSkew: TimeInterval
    /// "Token must be redeemed within 5 minutes of issuance"; `nil` disables the check.
    public var redemptionWindow: TimeInterval?
    public var redemptionAnchor: RedemptionAnchor
    /// Accept RSA-SHA1 signatures (Entra offers SHA-1; AWS is believed to accept it; default on).
    public var allowSHA1: Bool
    /// Sign-in URLs accepted as Recipient besides AWS's own: a local mock-aws's `http://HOST:PORT/saml`, so that an
    /// IdP's Reply URL can point at it. AWS has none; default empty.
    public var additionalSignInURLs: Set<String> = []

    /// Creates settings; the defaults are AWS's documented or observed behaviour. ``additionalSignInURLs`` starts
    /// empty; set it afterwards.
    /// - Parameters:
    ///   - audiences: The Audience values accepted: AWS's SP entity IDs and the Entra default Identifier.
    ///   - acceptRegionalAudiences: Whether a regional sign-in URL is also accepted as Audience.
    ///   - clockSkew: How far, in seconds, the IdP's clock may differ from AWS's in the time checks.
    ///   - redemptionWindow: How long after issue, in seconds, an assertion may be redeemed; `nil` for no limit.
    ///   - redemptionAnchor: Which IssueInstant the redemption window counts from.
    ///   - allowSHA1: Whether RSA-SHA1 signatures and SHA-1 digests are accepted.
    public init(audiences: Set<String> = ["https://signin.aws.amazon.com/saml", "urn:amazon:webservices",
                                          "urn:amazon:webservices:cn-north-1", "urn:amazon:webservices:govcloud"],
                acceptRegionalAudiences: Bool = false, clockSkew: TimeInterval = 300, redemptionWindow: TimeInterval? = 300,
                redemptionAnchor: RedemptionAnchor = .assertionIssueInstant, allowSHA1: Bool = true) {
        self.audiences = audiences
        self.acceptRegionalAudiences = acceptRegionalAudiences
        self.clockSkew = clockSkew
        self.redemptionWindow = redemptionWindow
        self.redemptionAnchor = redemptionAnchor
        self.allowSHA1 = allowSHA1
    }
}

/// The parameters of STS AssumeRoleWithSAML.
public struct AssumeRoleWithSAMLRequest: Sendable {
    public var samlAssertion: String
    public var roleARN: String
    public var principalARN: String
    public var durationSeconds: Int?

    /// Creates a request.
    /// - Parameters:
    ///   - samlAssertion: The base64 SAML Response, as the IdP posted it.
    ///   - roleARN: The ARN of the role to assume; it must be one of the assertion's Role values.
    ///   - principalARN: The ARN of the SAML provider paired with `roleARN` in that Role value.
    ///   - durationSeconds: The session's length in seconds (900 up to the role's MaxSessionDuration); `nil` for one
    ///     hour.
    public init(samlAssertion: String, roleARN: String, principalARN: String, durationSeconds: Int? = nil) {
        self.samlAssertion = samlAssertion
        self.roleARN = roleARN
        self.principalARN = principalARN
        self.durationSeconds = durationSeconds
    }
}

/// What AssumeRoleWithSAML returns, less the credentials themselves (the caller mints those).
public struct AssumeRoleWithSAMLResult: Sendable {
    public let session: FederatedSession
    public let assumedRoleID: String
    public let expiration: Date
    /// NameID text.
    public let subject: String
    public let subjectType: String
    public let issuer: String
    /// The Recipient of the bearer confirmation (what STS calls Audience).
    public let audience: String
    public let nameQualifier: String
    public let sourceIdentity: String?
    public let claims: AWSClaims
    /// The assertion's ID, and until when it could be presented (its bearer confirmation's NotOnOrAfter, else the
    /// Conditions' NotOnOrAfter): what a replay cache keys on.
    public let assertionID: String
    public let assertionNotOnOrAfter: Date?
    /// Which elements the verified signatures covered.
    public let signedElements: SignedElements
    /// SHA-256 thumbprints of the certificates (all of the pair's provider) that verified the signatures.
    public let signingCertificates: [String]
}

/// AWS's validation of SAML sign-in (aws-entra.md §2), for the STS API and the console sign-in endpoint.
public struct AWSFederation: Sendable {
    public var providers: [SAMLProvider]
    public var roles: [IAMRole]
    public var settings: FederationSettings
    public var clock: any SAMLClock

    /// Creates the federation of one or more accounts.
    /// - Parameters:
    ///   - providers: The IAM SAML providers of the accounts.
    ///   - roles: The IAM roles federated users may assume.
    ///   - settings: AWS's undocumented behaviour, with the documented defaults.
    ///   - clock: The source of the current time; replace it only in tests.
    public init(providers: [SAMLProvider], roles: [IAMRole], settings: FederationSettings = FederationSettings(),
                clock: any SAMLClock = SystemClock()) {
        self.providers = providers
        self.roles = roles
        self.settings = settings
        self.clock = clock
    }

    /// STS AssumeRoleWithSAML: every rule of §2 in order; the session, or AWS's error. `diagnostics` receives every
    /// step in order (passed, failed with the library's reason, or not reached), as `Verifier` reports its own.
    /// - Parameters:
    ///   - request: The API call's parameters: the base64 SAML Response, the role and provider ARNs, the duration.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The session granted, with what STS reports about the assertion.
    /// - Throws: ``AWSError`` as STS answers, with the library's reason as its `cause`: `ValidationError` for
    ///   parameters of the wrong length or duration; `InvalidIdentityToken`, `ExpiredTokenException` or
    ///   `IDPRejectedClaim` when the response fails a SAML rule or names an unknown provider; `AccessDenied` when the
    ///   requested pair is not in the assertion, or the role does not exist or does not trust the provider.
    public func assumeRoleWithSAML(_ request: AssumeRoleWithSAMLRequest,
                                   diagnostics: ((VerificationCheck) -> Void)? = nil) throws(AWSError) -> AssumeRoleWithSAMLResult {
        let checks = SignInChecks(diagnostics, plan: SignInChecks.assumeRolePlan(planVerifier))
        // §2.1 transport: lengths from the STS service model, before any decoding.
        let bytes = try checks.run(SignInChecks.input) { () throws(AWSError) in
            try Self.checkAssertionLength(request.samlAssertion)
            for (name, value) in [("roleArn", request.roleARN), ("principalArn", request.principalARN)] where !(20...2048).contains(value.count) {
                throw AWSError.validationError("1 validation error detected: Value '\(value)' at '\(name)' failed to satisfy constraint: Member must have length greater than or equal to 20",
                                               cause: SAMLError(.awsProviderNotFound, "\(name) has the wrong length",
                                                                expected: "20 to 2048 characters", found: "\(value.count)"))
            }
            return try decode(request.samlAssertion)
        }
        // §2.2 provider, §2.3 issuer: the provider named, and the Issuer its metadata has (before the signature).
        let issuer = try document(bytes, checks)
        let provider = try checks.run(SignInChecks.namedProvider) { () throws(AWSError) in
            guard let provider = providers.first(where: { $0.arn == request.principalARN }) else {
                throw AWSError.invalidIdentityToken("Specified provider doesn't exist.",
                                                    cause: SAMLError(.awsProviderNotFound, "no such SAML provider", expected: "an existing provider ARN",
                                                                     found: request.principalARN))
            }
            guard issuer == provider.metadata.entityID else { throw Self.issuerNotPresent(issuer, expected: [provider.metadata.entityID]) }
            return provider
        }
        let (verified, claims, recipient) = try verify(bytes, providers: [provider], checks: checks)
        // §2.9 role: the requested pair must be in the assertion, the role must exist and trust the provider.
        let pair = try checks.run(SignInChecks.rolePair) { () throws(AWSError) in
            guard let pair = claims.roles.first(where: { $0.roleARN.description == request.roleARN && $0.providerARN.description == request.principalARN }) else {
                throw AWSError.accessDenied("Not authorized to perform sts:AssumeRoleWithSAML",
                                            cause: SAMLError(.awsRoleNotInAssertion,
                                                             "the requested RoleArn/PrincipalArn pair is not a Role value of the assertion",
                                                             expected: "\(request.roleARN),\(request.principalARN)",
                                                             found: claims.roles.map(\.value).joined(separator: " | ")))
            }
            return pair
        }
        // The signature was checked with this provider's keys only (verify above), so the pair is bound to them.
        let context = ProviderContext(provider: provider, verified: verified, recipient: recipient,
                                      thumbprints: verified.signingCertificates.map(\.sha256Thumbprint))
        let role = try checks.run(SignInChecks.authorization) { () throws(AWSError) in
            try authorize(pair, provider: provider, context: context, claims: claims, recipient: recipient,
                          roles: Dictionary(roles.map { ($0.arn, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        // §1.3 duration.
        let duration = request.durationSeconds ?? 3600
        try checks.run(SignInChecks.duration) { () throws(AWSError) in
            guard duration >= 900 else {
                throw AWSError.validationError("1 validation error detected: Value '\(duration)' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
                                               cause: SAMLError(.awsSessionDuration, "DurationSeconds is too short", expected: "at least 900", found: "\(duration)"))
            }
            guard duration <= role.maxSessionDuration else {
                throw AWSError.validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                                               cause: SAMLError(.awsSessionDuration, "DurationSeconds exceeds the role's MaxSessionDuration",
                                                                expected: "at most \(role.maxSessionDuration)", found: "\(duration)"))
            }
        }
        let expiration = try checks.run(SignInChecks.session) { () throws(AWSError) in
            try sessionEnd(verified, claims: claims, limit: TimeInterval(duration))
        }
        return result(pair, role: role, context: context, verified: verified, claims: claims, recipient: recipient, expiration: expiration)
    }

    /// The console sign-in endpoint (`POST /saml`): validates the response and returns every session the user may
    /// start, in Role attribute order (one ⇒ straight to the console, several ⇒ the role chooser). The role's
    /// MaxSessionDuration does not apply here: min(SessionDuration or 1 h, SessionNotOnOrAfter). `diagnostics`
    /// receives every step in order, as `Verifier` reports its own.
    /// - Parameters:
    ///   - samlResponse: The base64 `SAMLResponse` form field, as the browser posted it.
    ///   - diagnostics: Called once per step, in order, with its result; `nil` for no reporting.
    /// - Returns: The sessions the user may start, one per Role pair granted, in Role attribute order.
    /// - Throws: ``AWSError`` with the library's reason as its `cause`: `ValidationError` for a response of the wrong
    ///   length; `InvalidIdentityToken`, `ExpiredTokenException` or `IDPRejectedClaim` when the response fails a SAML
    ///   rule or no provider has its Issuer; `AccessDenied` when no Role pair may be granted.
    public func signIn(samlResponse: String, diagnostics: ((VerificationCheck) -> Void)? = nil) throws(AWSError) -> [AssumeRoleWithSAMLResult] {
        let checks = SignInChecks(diagnostics, plan: SignInChecks.signInPlan(planVerifier))
        // AWS's limit on the encoded response applies before any decoding (IAM-QUOTA, STS-MODEL).
        let bytes = try checks.run(SignInChecks.input) { () throws(AWSError) in
            try Self.checkAssertionLength(samlResponse)
            return try decode(samlResponse)
        }
        let issuer = try document(bytes, checks)
        let candidates = try checks.run(SignInChecks.provider) { () throws(AWSError) in
            guard let issuer else { throw Self.issuerNotPresent(nil, expected: providers.map(\.metadata.entityID)) }
            let candidates = providers.filter { $0.metadata.entityID == issuer }
            guard !candidates.isEmpty else {
                throw AWSError.invalidIdentityToken("Specified provider doesn't exist.",
                                                    cause: SAMLError(.awsProviderNotFound, "no SAML provider has this issuer's metadata",
                                                                     expected: providers.map(\.metadata.entityID).joined(separator: " or "),
                                                                     found: "\"\(issuer)\""))
            }
            return candidates
        }
        // One verification against every key of the providers with this Issuer (each key once); then each Role pair
        // is granted only if the keys that made the signatures belong to the provider it names: AWS verifies a pair
        // with its own provider's metadata, and every app of one Entra tenant has the same Issuer.
        let (verified, claims, recipient) = try verify(bytes, providers: candidates, checks: checks)
        let expiration = try checks.run(SignInChecks.session) { () throws(AWSError) in
            try sessionEnd(verified, claims: claims, limit: TimeInterval(claims.sessionDuration ?? 3600))
        }
        return try checks.run(SignInChecks.authorization) { () throws(AWSError) in
            try sessions(claims, verified: verified, recipient: recipient, candidates: candidates, expiration: expiration)
        }
    }

    /// The sessions of the console sign-in, one per Role pair whose provider signed and whose role trusts it.
    private func sessions(_ claims: AWSClaims, verified: VerifiedResponse, recipient: String, candidates: [SAMLProvider],
                          expiration: Date) throws(AWSError) -> [AssumeRoleWithSAMLResult] {
        let byARN = Dictionary(candidates.map { ($0.arn, $0) }, uniquingKeysWith: { first, _ in first })
        let rolesByARN = Dictionary(roles.map { ($0.arn, $0) }, uniquingKeysWith: { first, _ in first })
        let signers = verified.signingCertificates
        let thumbprints = signers.map(\.sha256Thumbprint)
        // Per provider ARN, once: nil when its metadata lacks a key that signed (at most two signers, at most ten keys
        // per provider, an IAM quota: a scan). No signer at all grants nothing.
        var contexts: [String: ProviderContext?] = [:]
        var sessions: [AssumeRoleWithSAMLResult] = []
        var lastError: AWSError?
        for pair in claims.roles {
            let arn = pair.providerARN.description
            // Each partition runs its own sign-in: a response sent to one partition's endpoint grants only that
            // partition's roles, even when the Role values of several partitions let the Recipient check pass.
            // A Recipient that is no AWS endpoint (only a configured extra URL passes the Recipient check) has no
            // partition: it grants nothing here either.
            if !settings.additionalSignInURLs.contains(recipient),
               AWSSignInEndpoint.endpointHost(recipient).map(AWSSignInEndpoint.partition(ofHost:)) != pair.providerARN.partition {
                lastError = Self.awsError(for: SAMLError(
                    .subjectConfirmationRecipient, "the Role value's provider is in another partition than the sign-in endpoint the response was sent to",
                    expected: AWSSignInEndpoint.expectation(partitions: [pair.providerARN.partition]), found: "\"\(recipient)\""))
                continue
            }
            guard let provider = byARN[arn] else {
                lastError = AWSError.invalidIdentityToken("Specified provider doesn't exist.",
                                                          cause: SAMLError(.awsProviderNotFound, "the Role value's provider is not in the account",
                                                                           expected: candidates.map(\.arn).joined(separator: " or "),
                                                                           found: arn))
                continue
            }
            if contexts[arn] == nil {
                let signedByProvider = !signers.isEmpty && signers.allSatisfy(provider.metadata.signingCertificates.contains)
                contexts[arn] = .some(signedByProvider
                    ? ProviderContext(provider: provider, verified: verified, recipient: recipient, thumbprints: thumbprints) : nil)
            }
            guard let found = contexts[arn], let context = found else {
                lastError = AWSError.invalidIdentityToken("Response signature invalid", cause: SAMLError(
                    .awsProviderKeyMismatch, "the response was not signed with a key of the provider the Role value names",
                    expected: "a signature by a certificate in the metadata of \(arn)",
                    found: "a signature by " + (thumbprints.isEmpty ? "no certificate" : thumbprints.map { "SHA-256 \($0)" }.joined(separator: " and "))))
                continue
            }
            do {
                let role = try authorize(pair, provider: provider, context: context, claims: claims, recipient: recipient, roles: rolesByARN)
                sessions.append(result(pair, role: role, context: context, verified: verified, claims: claims,
                                       recipient: recipient, expiration: expiration))
            } catch {
                lastError = error
            }
        }
        guard !sessions.isEmpty else { throw lastError ?? AWSError.accessDenied() }
        return sessions
    }

    /// The `document` step, on the peek that finds the Issuer: the verifier's hardened parse and document scan, so
    /// that a message that does not read is reported as such, not as an unknown provider.
    private func document(_ bytes: [UInt8], _ checks: SignInChecks) throws(AWSError) -> String? {
        // The step's name and summary are the verifier's own; built only when someone listens.
        return try checks.run(planVerifier.plan[0]) { () throws(AWSError) in
            do throws(SAMLError) { return try ResponsePeek.claimedIssuer(bytes) } catch { throw Self.awsError(for: error) }
        }
    }

    static func issuerNotPresent(_ issuer: String?, expected: [String]) -> AWSError {
        let expected = Set(expected).sorted().joined(separator: " or ")
        guard let issuer else {
            return AWSError.invalidIdentityToken("Issuer not present in specified provider",
                                                 cause: SAMLError(.issuerMissing, "the response names no Issuer, or an empty one (outside an encrypted assertion)",
                                                                  expected: expected.isEmpty ? "an Issuer" : expected, found: "none"))
        }
        return AWSError.invalidIdentityToken("Issuer not present in specified provider",
                                             cause: SAMLError(.issuerMismatch, "the IdP entityID in the provider metadata differs",
                                                              expected: expected, found: "\"\(issuer)\""))
    }

    /// `SAMLAssertionType` in the STS model: 4 to 100,000 characters, counted before decoding (base64 is ASCII, so
    /// bytes are characters; anything longer is refused without looking at it).
    static func checkAssertionLength(_ encoded: String) throws(AWSError) { try checkAssertionLength(encoded.utf8.count) }

    /// The most base64 characters AWS reads in a SAMLResponse (`SAMLAssertionType`).
    static let maxEncodedLength = 100_000

    /// The base64 length of `bytes` bytes (padded).
    static func encodedLength(of bytes: Int) -> Int { (bytes + 2) / 3 * 4 }

    static func checkAssertionLength(_ length: Int) throws(AWSError) {
        guard length <= maxEncodedLength else {
            throw AWSError.validationError("1 validation error detected: Value at 'SAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000",
                                           cause: SAMLError(.inputTooLarge, "the encoded response is longer than AWS accepts",
                                                            expected: "at most 100,000 base64 characters", found: "\(length) characters"))
        }
        guard length >= 4 else {
            throw AWSError.validationError("1 validation error detected: Value at 'SAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4",
                                           cause: SAMLError(.inputEmpty, "the encoded response is shorter than AWS accepts",
                                                            expected: "at least 4 base64 characters", found: "\(length) characters"))
        }
    }

    /// When the session ends: `limit` (DurationSeconds, or the console's SessionDuration or one hour), never after the
    /// assertion's SessionNotOnOrAfter; an assertion whose SessionNotOnOrAfter has passed starts no session (SAML core
    /// 2.7.2: the IdP asks that the session end then; IAM-ASSERT: the console session lasts until the earlier of
    /// SessionDuration and SessionNotOnOrAfter).
    func sessionEnd(_ verified: VerifiedResponse, claims: AWSClaims, limit: TimeInterval) throws(AWSError) -> Date {
        let now = clock.now
        var end = now.addingTimeInterval(limit)
        if let attribute = claims.sessionDuration { end = min(end, now.addingTimeInterval(TimeInterval(attribute))) }
        if let sessionEnd = verified.assertion.authnStatement?.sessionNotOnOrAfter {
            guard sessionEnd > now else {
                throw AWSError.expiredToken("Response has expired", cause: SAMLError(
                    .timeSessionEnded, "the AuthnStatement's SessionNotOnOrAfter has passed",
                    expected: "SessionNotOnOrAfter after \(SAMLInstant.format(now))", found: SAMLInstant.format(sessionEnd)))
            }
            end = min(end, sessionEnd)
        }
        return end
    }

    // MARK: - Steps

    private func decode(_ base64: String) throws(AWSError) -> [UInt8] {
        guard let bytes = Base64.decode(base64) else {
            throw AWSError.invalidIdentityToken("The SAML assertion is not valid base64",
                                                cause: SAMLError(.inputBase64, "the SAMLResponse is not valid base64"))
        }
        return bytes
    }

    /// §2.3-§2.8 and the attribute rules of §1: issuer, signature, encryption, subject confirmation, audience, time.
    private func verify(_ bytes: [UInt8], providers: [SAMLProvider], checks: SignInChecks) throws(AWSError)
        -> (VerifiedResponse, AWSClaims, String) {
        let verifier = federationVerifier(providers: providers)
        let verified: VerifiedResponse
        do throws(SAMLError) {
            verified = try verifier.verify(bytes, diagnostics: { checks.forward($0) })
        } catch {
            let failure = Self.awsError(for: error)
            checks.finish()
            throw failure
        }
        try checks.run(SignInChecks.encryption) { () throws(AWSError) in
            if providers.allSatisfy(\.requiresEncryption) && !verified.wasEncrypted {
                throw AWSError.invalidIdentityToken("The SAML provider requires encrypted assertions",
                                                    cause: SAMLError(.structureEncryptedAssertion, "AssertionEncryptionMode is Required",
                                                                     expected: "an EncryptedAssertion", found: "a plain Assertion"))
            }
        }
        try checks.run(SignInChecks.subject) { () throws(AWSError) in
            guard verified.nameID != nil else {
                throw AWSError.accessDenied("Not authorized to perform sts:AssumeRoleWithSAML",
                                            cause: SAMLError(.subjectMissing, "the Subject has no NameID", expected: "<NameID>", found: "none"))
            }
        }
        var step = AWSClaims.Step.role
        let claims: AWSClaims
        do throws(AWSError) {
            claims = try AWSClaims(verified.assertion, step: &step)
        } catch {
            for passed in AWSClaims.Step.allCases.prefix(step.rawValue) { checks.passed(passed.check) }
            throw checks.failed(step.check, error)
        }
        for passed in AWSClaims.Step.allCases { checks.passed(passed.check) }
        let recipient = verified.assertion.subject?.confirmations.first?.data?.recipient ?? ""
        return (verified, claims, recipient)
    }

    /// §2.9-§2.11: the role exists, is not reserved, and its trust policy allows this provider, action and context.
    /// What is the same for every Role pair of one provider: the trust-policy context and the derived values.
    struct ProviderContext {
        let nameQualifier: String
        let conditionContext: [String: [String]]
        let signingThumbprints: [String]

        init(provider: SAMLProvider, verified: VerifiedResponse, recipient: String, thumbprints: [String]) {
            let nameID = verified.nameID
            let issuer = verified.assertion.issuer.value
            nameQualifier = FederatedSession.nameQualifier(issuer: issuer, account: provider.account, providerName: provider.name)
            conditionContext = [
                "saml:aud": [recipient], "saml:iss": [issuer], "saml:sub": [nameID?.value ?? ""],
                "saml:sub_type": [FederatedSession.subjectType(format: nameID?.format)],
                "saml:namequalifier": [nameQualifier], "saml:doc": ["\(provider.account)/\(provider.name)"],
            ]
            signingThumbprints = thumbprints
        }
    }

    /// §2.9-§2.11: the role exists, is not reserved, and its trust policy allows this provider, action and context.
    private func authorize(_ pair: AWSRolePair, provider: SAMLProvider, context: ProviderContext, claims: AWSClaims,
                           recipient: String, roles: [AWSARN: IAMRole]) throws(AWSError) -> IAMRole {
        guard let role = roles[pair.roleARN] else {
            throw AWSError.accessDenied(cause: SAMLError(.awsRoleNotFound, "the role does not exist",
                                                         expected: "an existing IAM role", found: pair.roleARN.description))
        }
        guard !role.name.hasPrefix("AWSReservedSSO_") else {
            throw AWSError.accessDenied(cause: SAMLError(.awsReservedRole,
                                                         "IAM Identity Center roles cannot be assumed with SAML",
                                                         expected: "a customer role", found: role.name))
        }
        var actions = ["sts:AssumeRoleWithSAML"]
        if !claims.principalTags.isEmpty { actions.append("sts:TagSession") }
        if claims.sourceIdentity != nil { actions.append("sts:SetSourceIdentity") }
        for action in actions where !role.trustPolicy.allows(action: action, federatedPrincipal: provider.arn, context: context.conditionContext) {
            throw AWSError.accessDenied("Not authorized to perform \(action)",
                                        cause: SAMLError(.awsTrustPolicy,
                                                         "the role's trust policy does not allow this", expected: "an Allow for \(action) by \(provider.arn)",
                                                         found: "saml:aud=\(recipient)"))
        }
        return role
    }

    private func result(_ pair: AWSRolePair, role: IAMRole, context: ProviderContext, verified: VerifiedResponse, claims: AWSClaims,
                        recipient: String, expiration: Date) -> AssumeRoleWithSAMLResult {
        let session = FederatedSession(role: pair, roleSessionName: claims.roleSessionName)
        return AssumeRoleWithSAMLResult(
            session: session, assumedRoleID: session.assumedRoleID(roleUniqueID: role.uniqueID), expiration: expiration,
            subject: verified.nameID?.value ?? "", subjectType: context.conditionContext["saml:sub_type"]?.first ?? "",
            issuer: verified.assertion.issuer.value, audience: recipient, nameQualifier: context.nameQualifier,
            sourceIdentity: claims.sourceIdentity, claims: claims, assertionID: verified.assertion.id,
            assertionNotOnOrAfter: verified.assertion.subject?.confirmations.first?.data?.notOnOrAfter
                ?? verified.assertion.conditions?.notOnOrAfter,
            signedElements: verified.signedElements, signingCertificates: context.signingThumbprints)
    }

    /// AWS reports every SAML failure with one of a few texts (IAM troubleshooting guide); the library's reason rides along.
    static func awsError(for error: SAMLError) -> AWSError {
        switch error.code {
        case .timeExpired, .timeSubjectConfirmationExpired, .timeSessionEnded:
            return .expiredToken("Response has expired", cause: error)
        case .awsRedemptionWindow:
            return .expiredToken("Token must be redeemed within 5 minutes of issuance", cause: error)
        case .audienceMissing, .audienceMismatch:
            return .invalidIdentityToken("Response does not contain the required audience.", cause: error)
        case .issuerMissing, .issuerMismatch:
            return .invalidIdentityToken("Issuer not present in specified provider", cause: error)
        case .timeNotYetValid, .timeIssuedInFuture:
            return .invalidIdentityToken("Response is not yet valid", cause: error)
        case .subjectMissing:
            return .accessDenied(cause: error)
        case .statusNotSuccess:
            // STS model: "The identity provider (IdP) reported that authentication failed" (our mapping of a
            // non-Success Status; AWS does not document which SAML condition raises it).
            return AWSError(code: "IDPRejectedClaim", message: "The identity provider (IdP) reported that authentication failed.",
                            httpStatus: 403, cause: error)
        case .subjectConfirmationMissing, .subjectConfirmationCount, .subjectConfirmationMethod, .subjectConfirmationRecipient,
             .timeMissingExpiry:
            return .invalidIdentityToken("The SAML assertion's SubjectConfirmation is not valid for AWS sign-in", cause: error)
        default:
            return .invalidIdentityToken("Response signature invalid", cause: error)
        }
    }
}

extension AWSFederation {
    /// AWS's checks as a `Verifier`: the standard Web SSO checks with AWS's values (aws-entra.md §2.3-§2.8), then
    /// the redemption window. Recipient and Destination: an AWS sign-in endpoint of the providers' partitions
    /// (``AWSSignInEndpoint``) or a configured extra URL; exactly one bearer SubjectConfirmation, with NotOnOrAfter;
    /// a Destination may be absent even on a signed Response, and InResponseTo is not checked (AWS keeps no record
    /// of requests). Audience: AWS's SP entity IDs, and regional sign-in URLs when that (unconfirmed) setting is on.
    /// The verifier whose steps a sign-in reports (with a stand-in provider when the account has none, so that the
    /// issuer check is listed as it always runs).
    var planVerifier: Verifier {
        federationVerifier(providers: providers.isEmpty
            ? [SAMLProvider(name: "none", account: "000000000000", metadata: IdentityProviderMetadata(entityID: "", signingCertificates: []))]
            : providers)
    }

    func federationVerifier(providers: [SAMLProvider]) -> Verifier {
        let partitions = Set(providers.map(\.partition))
        var sp = ServiceProvider(audiences: settings.audiences, acsURLs: settings.additionalSignInURLs, clockSkew: settings.clockSkew,
                                 requireSingleSubjectConfirmation: true, requireConfirmationExpiry: true)
        sp.idpEntityIDs = Set(providers.map(\.metadata.entityID))
        sp.acsURLRule = AcceptanceRule(AWSSignInEndpoint.expectation(partitions: partitions)) {
            AWSSignInEndpoint.contains($0, partitions: partitions)
        }
        if settings.acceptRegionalAudiences {
            sp.audienceRule = AcceptanceRule("a regional AWS sign-in endpoint") { AWSSignInEndpoint.contains($0) }
        }
        sp.requireDestinationWhenResponseSigned = false
        sp.checksInResponseTo = false
        var additional: [any VerificationPolicy] = []
        if let window = settings.redemptionWindow {
            additional.append(RedemptionPolicy(window: window, skew: settings.clockSkew, anchor: settings.redemptionAnchor))
        }
        let keys = providers.flatMap { $0.decryption?.keys ?? [] }
        let decryption = keys.isEmpty ? nil : Decryption(keys: keys, allowCBC: true)  // AWS accepts AES-CBC keys too (§2.5)
        return Verifier(trusting: providers.flatMap(\.metadata.signingCertificates), serviceProvider: sp,
                        additionalPolicies: additional, algorithms: AlgorithmPolicy(allowSHA1: settings.allowSHA1), clock: clock,
                        decryption: decryption)
    }
}

/// STS's "Token must be redeemed within 5 minutes of issuance", anchored on an IssueInstant (aws-entra.md §2.8).
struct RedemptionPolicy: VerificationPolicy {
    var window: TimeInterval
    var skew: TimeInterval
    var anchor: FederationSettings.RedemptionAnchor

    var name: String { "aws.redemptionWindow" }
    var summary: String { "Redeemed within 5 minutes of its IssueInstant" }

    func check(_ context: VerificationContext) throws(SAMLError) {
        let issued = anchor == .assertionIssueInstant ? context.assertion.issueInstant : context.response.issueInstant
        guard context.now.timeIntervalSince(issued) <= window + skew else {
            throw SAMLError(.awsRedemptionWindow, "the assertion was issued too long ago",
                            expected: "redeemed within \(Int(window)) s (+\(Int(skew)) s skew) of IssueInstant \(SAMLInstant.format(issued))",
                            found: "now \(SAMLInstant.format(context.now))")
        }
    }
}
