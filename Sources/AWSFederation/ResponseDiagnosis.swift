import Foundation
import SAML

/// A verdict on one SAML Response, check by check, with what AWS would answer and how to fix the IdP: what
/// `saml verify` prints. Built by ``ResponseJudge``.
public struct ResponseDiagnosis: Sendable, Encodable {
    /// One step as the verifier (or, with AWS's rules, ``AWSFederation``) reported it.
    public struct Check: Sendable, Encodable {
        /// The step's stable name (`VerificationCheck.name`).
        public let name: String
        /// What the step requires.
        public let summary: String
        /// `passed`, `failed` or `notReached`, or, for a standard check with nothing configured to check against
        /// (without AWS's rules), `notChecked`, with the flag that would configure it as ``message``.
        public let result: String
        /// On failure, the library's reason code and message.
        public let code: String?
        public let message: String?

        /// The report of one step, as a `Verifier` or ``AWSFederation`` diagnostics callback received it.
        /// - Parameter check: The step's name, summary and result.
        public init(_ check: VerificationCheck) {
            name = check.name
            summary = check.summary
            result = check.result.label
            code = check.error?.code.rawValue
            message = check.error?.message
        }

        init(_ step: VerificationCheck.Step, notChecked reason: String) {
            self.init(name: step.name, summary: step.summary, result: "notChecked", code: nil, message: reason)
        }

        init(name: String, summary: String, result: String, code: String?, message: String?) {
            (self.name, self.summary, self.result, self.code, self.message) = (name, summary, result, code, message)
        }
    }

    public struct Role: Sendable, Encodable, Hashable {
        public let roleArn: String
        public let providerArn: String
    }

    public struct AWSPart: Sendable, Encodable {
        public let roles: [Role]
        public let roleSessionName: String?
        public let sessionDuration: Int?
        /// `Administrator/test-awsadmin@contoso.com @ 123456789012`, one per role the user could start.
        public let sessions: [String]
    }

    public struct Failure: Sendable, Encodable {
        /// With AWS's rules, AWS's error code (`InvalidIdentityToken`); otherwise the library's reason code.
        public let code: String
        /// AWS's text, or the library's message.
        public let message: String
        /// The library's reason code and message (what exactly failed).
        public let reason: String?
        /// What to change at the IdP (in Entra's terms).
        public let hint: String?
    }

    public let accepted: Bool
    /// On rejection, what the message claims (nothing of it verified).
    public let issuer: String?
    public let nameID: String?
    public let attributes: [String: [String]]?
    public let aws: AWSPart?
    public let error: Failure?
    /// Every step, in a fixed order (the input first); after a failure, the later ones are `notReached`.
    public let checks: [Check]
    /// Which elements a verifying signature covered.
    public let signedElements: String?
}

/// Judges a response with configured trust: the library's rules, or with ``aws`` AWS's rules in AWS's order
/// (`AWSFederation.signIn`, aws-entra.md §2), so that the verdict and its error text are AWS's.
public struct ResponseJudge: Sendable {
    public var certificates: [Certificate]
    /// The expected Issuer (the metadata's entity ID, or `--issuer`); nil: whatever the response names, with trust
    /// coming from the certificates alone.
    public var entityID: String?
    public var aws: Bool
    /// Accepted Audience values (added to AWS's with ``aws``); empty: not checked without ``aws``.
    public var audiences: Set<String>
    /// Accepted Destination/Recipient values (added to AWS's sign-in URLs with ``aws``); empty: not checked without ``aws``.
    public var recipients: Set<String>
    public var allowSHA1: Bool
    public var clock: any SAMLClock
    /// With ``aws``: the account's SAML providers, each with its own metadata, as IAM holds them. A Role pair is then
    /// judged with the keys of the provider it names only. Empty: every provider the Role values name is taken to
    /// publish ``certificates`` (one IdP, one trust set).
    public var providers: [SAMLProvider]

    /// Creates a judge.
    /// - Parameters:
    ///   - certificates: The IdP's signing certificates; a signature by any other key is refused.
    ///   - entityID: The expected Issuer; `nil` accepts whatever the response names, trust coming from
    ///     `certificates` alone.
    ///   - aws: Whether to judge with AWS's rules, in AWS's order, and report AWS's error texts.
    ///   - audiences: The Audience values accepted (with `aws`, besides AWS's own); empty skips the audience check
    ///     without `aws`.
    ///   - recipients: The Destination and Recipient values accepted (with `aws`, besides AWS's sign-in URLs); empty
    ///     skips those checks without `aws`.
    ///   - allowSHA1: Whether RSA-SHA1 signatures and SHA-1 digests are accepted.
    ///   - clock: The instant the message is judged at; a fixed one judges a capture as of when it was made.
    ///   - providers: With `aws`, the account's SAML providers, each with its own metadata; empty takes every
    ///     provider the Role values name to publish `certificates`.
    public init(certificates: [Certificate], entityID: String? = nil, aws: Bool = false, audiences: Set<String> = [],
                recipients: Set<String> = [], allowSHA1: Bool = false, clock: any SAMLClock = SystemClock(),
                providers: [SAMLProvider] = []) {
        (self.certificates, self.entityID, self.aws, self.audiences) = (certificates, entityID, aws, audiences)
        (self.recipients, self.allowSHA1, self.clock, self.providers) = (recipients, allowSHA1, clock, providers)
    }

    /// Reading the input: the command line's capture decoding (XML, base64, a form, a page or a HAR file).
    static let input = VerificationCheck.Step("input", "The input holds one SAML message (XML, base64, a form body, an HTML page or a HAR file)")

    /// Judges the XML of a message; its `input` step passes.
    /// - Parameter xml: The Response document, as UTF-8 bytes.
    /// - Returns: The verdict, with every step's result and, on rejection, the error and a hint.
    public func judge(_ xml: [UInt8]) -> ResponseDiagnosis {
        aws ? judgeAWS(xml) : judgeSAML(xml)
    }

    /// Judges a captured message. With ``aws``, a message AWS's sign-in endpoint would not read (DEFLATE-compressed
    /// as the Redirect binding sends it, or a `SAMLRequest`) fails the `input` step: AWS reads the HTTP-POST
    /// binding's `SAMLResponse` field, base64 of the XML. So does a message the capture shows sent elsewhere (a
    /// page's form action or a HAR request's URL that is not an AWS sign-in endpoint or one of ``recipients``).
    /// - Parameter captured: The message as `CapturedMessage.decode(_:)` extracted it from a capture.
    /// - Returns: The verdict, with every step's result and, on rejection, the error and a hint.
    public func judge(_ captured: CapturedMessage) -> ResponseDiagnosis {
        if aws && (captured.deflated || captured.kind == .request) {
            return unreadable(SAMLError(.bindingNotAccepted, "AWS's sign-in endpoint reads only the HTTP-POST binding's SAMLResponse",
                                        expected: "a SAMLResponse field holding base64 of the XML",
                                        found: captured.kind == .request ? "a SAMLRequest field" : "DEFLATE-compressed XML (the Redirect binding)"))
        }
        // A page's form or a HAR request shows where the message went: AWS judges only what reaches its sign-in.
        if aws, let endpoint = captured.endpoint, !AWSSignInEndpoint.contains(endpoint), !recipients.contains(endpoint) {
            return unreadable(SAMLError(.bindingNotAccepted, "the capture sent the message elsewhere than to AWS's sign-in",
                                        expected: "a form or request to an AWS sign-in endpoint (or a --recipient)",
                                        found: "\"\(endpoint)\""))
        }
        return judge(captured.xml)
    }

    /// The verdict on input that holds no message the judge reads: every step listed, the `input` step failed.
    /// - Parameter error: Why the input could not be read, such as the error of `CapturedMessage.decode(_:)`.
    public func unreadable(_ error: SAMLError) -> ResponseDiagnosis {
        var failure = ResponseDiagnosis.Failure(code: error.code.rawValue, message: error.message, reason: error.description,
                                                hint: "Capture the SAMLResponse form field exactly as the browser posted it to the sign-in URL.")
        var rest: [ResponseDiagnosis.Check]
        if aws {
            // AWS counts the encoded response before anything else: too long or too short is its ValidationError.
            let answer: AWSError
            do throws(AWSError) {
                try AWSFederation.checkAssertionLength(error.code == .inputTooLarge ? 100_001 : error.code == .inputEmpty ? 0 : 4)
                answer = AWSFederation.awsError(for: SAMLError(.parseMalformed, "not read"))
            } catch let length {
                answer = length
            }
            failure = .init(code: answer.code, message: answer.message, reason: error.description, hint: failure.hint)
            let plan = SignInChecks.signInPlan(AWSFederation(providers: [], roles: []).planVerifier)
            rest = plan.map { .init(VerificationCheck($0, .notReached)) }
        } else {
            let standard = standardChecks()
            rest = merged(verifier(standard).plan.map { VerificationCheck($0, .notReached) }, standard)
        }
        return ResponseDiagnosis(accepted: false, issuer: nil, nameID: nil, attributes: nil, aws: nil, error: failure,
                                 checks: [.init(VerificationCheck(Self.input, .failed(error)))] + rest, signedElements: nil)
    }

    /// A standard check, and whether the judge has something to check it against (else what would configure it).
    private struct StandardCheck {
        let policy: any VerificationPolicy
        let configured: Bool
        let reason: String
    }

    /// The library's standard checks in their order, configured or not.
    private func standardChecks() -> [StandardCheck] {
        let recipientFlag = "no expected recipient (give --recipient or --aws)"
        return [
            StandardCheck(policy: SignatureCoveragePolicy(.any), configured: true, reason: ""),
            StandardCheck(policy: IssuerPolicy(entityID ?? ""), configured: entityID != nil,
                          reason: "no expected issuer (give --issuer or --metadata)"),
            StandardCheck(policy: DestinationPolicy(recipients), configured: !recipients.isEmpty, reason: recipientFlag),
            StandardCheck(policy: RecipientPolicy(recipients, requireConfirmationExpiry: true), configured: !recipients.isEmpty,
                          reason: recipientFlag),
            StandardCheck(policy: AudiencePolicy(audiences), configured: !audiences.isEmpty,
                          reason: "no expected audience (give --audience or --aws)"),
            StandardCheck(policy: TimeWindowPolicy(skew: 180), configured: true, reason: ""),
        ]
    }

    /// The configured checks only: the unsafe initializer, since this reports on a message rather than signing
    /// someone in; the others are reported `notChecked`.
    private func verifier(_ standard: [StandardCheck]) -> Verifier {
        Verifier(unsafeTrusting: certificates, policies: standard.filter(\.configured).map(\.policy),
                 algorithms: AlgorithmPolicy(allowSHA1: allowSHA1), clock: clock)
    }

    /// The verifier's record with the checks it was not configured for in their standard places, so that the
    /// order of the steps never depends on the flags.
    private func merged(_ record: [VerificationCheck], _ standard: [StandardCheck]) -> [ResponseDiagnosis.Check] {
        let first = standard[0].policy.name  // signatureCoverage, always configured: the first step after the core
        var remaining = record[...]
        var checks: [ResponseDiagnosis.Check] = []
        while let next = remaining.first, next.name != first {
            checks.append(.init(next))
            remaining.removeFirst()
        }
        for check in standard {
            if check.configured, let next = remaining.popFirst() {
                checks.append(.init(next))
            } else {
                checks.append(.init(VerificationCheck.Step(check.policy.name, check.policy.summary), notChecked: check.reason))
            }
        }
        return checks + remaining.map { .init($0) }
    }

    private func judgeSAML(_ xml: [UInt8]) -> ResponseDiagnosis {
        let standard = standardChecks()
        var record: [VerificationCheck] = []
        let input = ResponseDiagnosis.Check(VerificationCheck(Self.input, .passed))
        do throws(SAMLError) {
            let verified = try verifier(standard).verify(xml, diagnostics: { record.append($0) })
            return diagnosis(accepted: true, verified: verified, failure: nil, checks: [input] + merged(record, standard), xml: xml)
        } catch {
            let failure = ResponseDiagnosis.Failure(code: error.code.rawValue, message: error.message, reason: error.description,
                                                    hint: Self.hint(error))
            return diagnosis(accepted: false, verified: nil, failure: failure, checks: [input] + merged(record, standard), xml: xml)
        }
    }

    private func judgeAWS(_ xml: [UInt8]) -> ResponseDiagnosis {
        // The Issuer from the lighter peek too: the full one refuses what the verifier will then explain precisely.
        let peeked = try? ResponsePeek.response(xml)
        // The Assertion's Issuer first: the one a signature covers in Entra's default mode (and what AWS's look-up uses).
        // Without an expected Issuer it stands in for the providers' entityID, trimmed: an IAM provider's entityID is
        // a URI, so a padded Issuer still fails the exact comparison AWS makes. The steps that compare it with itself
        // are then reported not checked (standInReport), never passed.
        let claimed = peeked?.assertion?.issuer.value ?? peeked?.issuer?.value ?? ResponsePeek.issuer(xml) ?? ""
        // Trimmed of what Unicode calls white space, as the provider step's "blank counts as absent" reads it.
        let issuer = entityID ?? String(claimed.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        // AWS refuses a SAMLResponse longer than 100,000 base64 characters before reading it (the input step), so its
        // Role values are not AWS's roles: parsing 4,000 of them, and an account built for them, took most of the
        // judge's 100 ms (stop 25's --hostile run). They stay in `attributes`, as the message claims them.
        let readable = AWSFederation.encodedLength(of: xml.count) <= AWSFederation.maxEncodedLength
        let pairs = readable ? (peeked?.assertion?.attribute(AttributeName.awsRole) ?? []).compactMap { try? AWSRolePair($0) } : []
        var accountProviders = providers
        if accountProviders.isEmpty {
            // One trust set: each provider the Role values name publishes it (indexed, so many Role values stay linear).
            var named: Set<String> = []
            for pair in pairs where named.insert(pair.providerARN.description).inserted {
                accountProviders.append(SAMLProvider(name: pair.providerName, account: pair.account,
                                                     metadata: IdentityProviderMetadata(entityID: issuer, signingCertificates: certificates),
                                                     partition: pair.providerARN.partition))
            }
            if accountProviders.isEmpty {
                // No usable Role value: a stand-in provider, so that AWS's checks run up to the Role rule.
                accountProviders.append(SAMLProvider(name: "IdP", account: "000000000000",
                                                     metadata: IdentityProviderMetadata(entityID: issuer, signingCertificates: certificates)))
            }
        }
        // Every role the Role values name exists and trusts its provider: the judge knows no real trust policy.
        var trust: [String: TrustPolicy] = [:]
        var roles: [IAMRole] = []
        var seenRoles: Set<String> = []
        for pair in pairs where seenRoles.insert(pair.roleARN.description).inserted {
            let provider = pair.providerARN.description
            let policy = trust[provider] ?? Self.permissiveTrust(provider)
            trust[provider] = policy
            roles.append(IAMRole(arn: pair.roleARN,
                                 uniqueID: "AROA" + SAMLDigest.hex(SAMLDigest.sha256(Array(pair.value.utf8))).prefix(17).uppercased(),
                                 trustPolicy: policy, maxSessionDuration: 43_200))
        }
        var settings = FederationSettings(allowSHA1: true)
        settings.audiences.formUnion(audiences)
        settings.additionalSignInURLs = recipients
        let federation = AWSFederation(providers: accountProviders, roles: roles, settings: settings, clock: clock)
        var checks: [ResponseDiagnosis.Check] = [.init(VerificationCheck(Self.input, .passed))]
        do throws(AWSError) {
            let sessions = try federation.signIn(samlResponse: Data(xml).base64EncodedString(), diagnostics: { checks.append(.init($0)) })
            let claims = sessions.first?.claims
            let part = ResponseDiagnosis.AWSPart(
                roles: claims?.roles.map { .init(roleArn: $0.roleARN.description, providerArn: $0.providerARN.description) } ?? [],
                roleSessionName: claims?.roleSessionName, sessionDuration: claims?.sessionDuration,
                sessions: sessions.map(\.session.consoleDisplay))
            return diagnosis(accepted: true, verified: nil, failure: nil, checks: standInReport(checks), xml: xml, aws: part,
                             signedElements: sessions.first.map { "\($0.signedElements)" }, peeked: peeked)
        } catch {
            var cause = error.cause
            if entityID == nil, let mismatch = cause, mismatch.code == .issuerMismatch, mismatch.expected == issuer,
               checks.last(where: { $0.result == "failed" })?.name == Self.issuerStep {
                // The Assertion's Issuer stood in for the entityID: what differs is the Response's from it.
                cause = SAMLError(.issuerMismatch, "the Response's Issuer differs from the Assertion's (no --issuer or --metadata "
                                  + "was given, so the Assertion's stood in for the IAM provider's entityID)",
                                  expected: mismatch.expected, found: mismatch.found)
            }
            checks = standInReport(checks, cause: cause)
            let failure = ResponseDiagnosis.Failure(code: error.code, message: error.message, reason: cause?.description,
                                                    hint: cause.flatMap(Self.hint))
            let part = ResponseDiagnosis.AWSPart(roles: pairs.map { .init(roleArn: $0.roleARN.description, providerArn: $0.providerARN.description) },
                                                 roleSessionName: peeked?.assertion?.attribute(AttributeName.awsRoleSessionName)?.first,
                                                 sessionDuration: peeked?.assertion?.attribute(AttributeName.awsSessionDuration)?.first.flatMap { Int($0) },
                                                 sessions: [])
            return diagnosis(accepted: false, verified: nil, failure: failure, checks: checks, xml: xml, aws: part, peeked: peeked)
        }
    }

    private static let issuerStep = IssuerPolicy("").name

    /// Without an expected Issuer: the provider and issuer steps compared the response's Issuer with itself, so a
    /// pass says nothing and is reported `notChecked` with what would configure it; a failure of the issuer step
    /// carries `cause`, the message that says what was compared.
    private func standInReport(_ checks: [ResponseDiagnosis.Check], cause: SAMLError? = nil) -> [ResponseDiagnosis.Check] {
        guard entityID == nil else { return checks }
        let reason = "no expected issuer (give --issuer or --metadata): the response's own Issuer stood in for the IAM provider's entityID"
        return checks.map { check in
            guard check.name == SignInChecks.provider.name || check.name == Self.issuerStep else { return check }
            if check.result == "passed" {
                return .init(name: check.name, summary: check.summary, result: "notChecked", code: nil, message: reason)
            }
            if check.result == "failed", check.name == Self.issuerStep, let cause {
                return .init(name: check.name, summary: check.summary, result: check.result, code: cause.code.rawValue,
                             message: cause.message)
            }
            return check
        }
    }

    private func diagnosis(accepted: Bool, verified: VerifiedResponse?, failure: ResponseDiagnosis.Failure?,
                           checks: [ResponseDiagnosis.Check], xml: [UInt8],
                           aws: ResponseDiagnosis.AWSPart? = nil, signedElements: String? = nil,
                           peeked: Response?? = nil) -> ResponseDiagnosis {
        // `peeked`: the caller's own peek of `xml` (possibly nil, when it could not be read), so it is not parsed again.
        let assertion = verified?.assertion ?? (peeked ?? (try? ResponsePeek.response(xml)))?.assertion
        var attributes: [String: [String]]?
        if let list = assertion?.attributeStatement?.attributes {
            attributes = Dictionary(list.map { ($0.name, $0.values) }, uniquingKeysWith: { $0 + $1 })
        }
        return ResponseDiagnosis(accepted: accepted, issuer: assertion?.issuer.value ?? ResponsePeek.issuer(xml),
                                 nameID: assertion?.subject?.nameID?.value, attributes: attributes, aws: aws, error: failure,
                                 checks: checks, signedElements: signedElements ?? verified.map { "\($0.signedElements)" })
    }

    /// Allows the provider every SAML action, with no condition: the judge knows no real trust policy.
    static func permissiveTrust(_ provider: String) -> TrustPolicy {
        .allowing(["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"], to: provider)
    }

    /// What to change at the IdP, in Entra's terms (aws-entra.md §5 and §6), for a reason code.
    /// - Parameter error: The library's reason for a rejection (an ``AWSError``'s `cause`, or a verifier's error).
    /// - Returns: One or two sentences of advice, or `nil` when there is none for this code.
    public static func hint(_ error: SAMLError) -> String? {
        let aws = "https://signin.aws.amazon.com/saml"
        switch error.code {
        case .parseDTDForbidden, .parseEntityForbidden:
            return "The message carries a DTD or entity declaration. Entra never sends one: the capture was altered, or it is not Entra's."
        case .structureMultipleAssertions, .structureDuplicateID, .structureMisplacedAssertion:
            return "Two assertions or a repeated ID: the shape of a signature-wrapping attack. Entra sends exactly one assertion; capture the response unmodified."
        case .structureEncryptedAssertion, .encryptionDecryptionFailed:
            return "The assertion is encrypted (Entra token encryption). AWS needs the matching private key on the IAM SAML provider; add it there, or turn token encryption off in Entra."
        case .statusNotSuccess:
            return "Entra answered with an error status instead of signing the user in; fix the AADSTS error in its StatusMessage."
        case .signatureMissing, .signatureCoverage:
            return "Nothing trusted signs the assertion. In Entra: Single sign-on → SAML Certificates → Signing Option \"Sign SAML assertion\" (the default) or \"Sign SAML response and assertion\"."
        case .signatureUntrustedKey, .signatureNoTrustedCertificates:
            return "Signed by a certificate the IAM SAML provider does not have (a new or rolled-over Entra certificate?). Download the app's Federation Metadata XML from Entra and update the IAM identity provider with it."
        case .signatureDigestMismatch, .signatureInvalid:
            return "The signed content was changed after Entra signed it (a proxy, an extension or a manual edit). Capture the response unmodified."
        case .signatureAlgorithmNotAllowed:
            return "In Entra: SAML Certificates → Signing Algorithm \"SHA-256\" (or pass --allow-sha1 to accept SHA-1)."
        case .awsProviderKeyMismatch:
            return "The Role value names an IAM SAML provider whose metadata does not hold the key that signed the response (every app of one Entra tenant has the same Issuer, but its own certificate). Use the role of the provider made from this app's Federation Metadata XML, or update that provider's metadata."
        case .limitElements, .limitDepth, .limitAttributes, .limitNamespaces, .limitIDLength, .inputTooLarge:
            return "The message is larger or more deeply nested than any SAML response Entra sends (and than AWS accepts): it was altered or is not a sign-in response."
        case .timeSessionEnded:
            return "The AuthnStatement's SessionNotOnOrAfter has passed: Entra ended the sign-in session. Sign in again."
        case .issuerMismatch, .issuerMissing, .awsProviderNotFound:
            return "The response comes from another Entra tenant or application than the IAM provider's metadata. Upload this application's Federation Metadata XML to the IAM identity provider, and check the Role values name that provider."
        case .destinationMismatch, .destinationMissing, .subjectConfirmationRecipient, .subjectConfirmationMissing:
            return "In Entra: Basic SAML Configuration → Reply URL (Assertion Consumer Service URL) must be \(aws)."
        case .audienceMismatch, .audienceMissing:
            return "In Entra: Basic SAML Configuration → Identifier (Entity ID) must be \(aws) (a #n suffix is allowed; Entra strips it)."
        case .timeExpired, .timeSubjectConfirmationExpired:
            return "Expired: Entra's responses are valid for 60 minutes and AWS allows about 5 minutes of clock skew. Sign in again, or judge a capture at its own time with --at."
        case .timeNotYetValid, .timeIssuedInFuture:
            return "Not valid yet: the IdP's clock is ahead (or --at is earlier than the response)."
        case .awsRedemptionWindow:
            return "AWS wants the response redeemed within 5 minutes of its IssueInstant. Sign in again, or judge a capture with --at close to its IssueInstant."
        case .awsRole, .awsRoleNotInAssertion:
            return "In Entra: Attributes & Claims needs https://aws.amazon.com/SAML/Attributes/Role from user.assignedroles, and the user or their group must be assigned an app role whose value is \"arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME\" (role provisioning creates them)."
        case .awsRoleSessionName:
            return "In Entra: the claim https://aws.amazon.com/SAML/Attributes/RoleSessionName from user.userprincipalname; the value must be one string of 2-64 characters from [a-zA-Z_0-9+=,.@-]."
        case .awsSessionDuration:
            return "In Entra: the claim https://aws.amazon.com/SAML/Attributes/SessionDuration must be one constant between 900 and 43200 (seconds)."
        case .awsSessionTags:
            return "Each https://aws.amazon.com/SAML/Attributes/PrincipalTag:KEY claim needs a 1-128 character key and one value of at most 256 characters; at most 50 tags."
        case .awsSourceIdentity:
            return "The SourceIdentity claim must be one value of [a-zA-Z_0-9+=,.@-]{2,64} not starting with aws:."
        default:
            return nil
        }
    }
}
