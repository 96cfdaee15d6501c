import SAML

/// The diagnostics of one AWS sign-in (``AWSFederation/signIn(samlResponse:diagnostics:)``,
/// ``AWSFederation/assumeRoleWithSAML(_:diagnostics:)``): every step of the plan reported once, in AWS's order
/// (aws-entra.md §2), the verifier's own steps forwarded as it reports them; after a failure, every step not yet
/// reported is reported as not reached. Without a callback it does nothing.
final class SignInChecks {
    private let report: ((VerificationCheck) -> Void)?
    private let plan: [VerificationCheck.Step]
    private var reported: Set<String> = []

    static let input = VerificationCheck.Step("aws.input", "The SAMLResponse is base64 of 4 to 100,000 characters (counted before decoding)")
    static let provider = VerificationCheck.Step("aws.provider", "An IAM SAML provider of the account has the response's Issuer in its metadata")
    static let namedProvider = VerificationCheck.Step("aws.provider", "The PrincipalArn provider exists and its metadata has the response's Issuer")
    static let encryption = VerificationCheck.Step("aws.encryption", "Encrypted, when the provider requires it (AssertionEncryptionMode Required)")
    static let subject = VerificationCheck.Step("aws.subject", "The Subject has a NameID")
    static let session = VerificationCheck.Step("aws.session", "The AuthnStatement's SessionNotOnOrAfter has not passed")
    static let rolePair = VerificationCheck.Step("aws.rolePair", "The requested RoleArn,PrincipalArn pair is a Role value of the assertion")
    static let authorization = VerificationCheck.Step("aws.authorization",
        "A Role value names a provider whose metadata holds the signing key, and a role that exists, is not reserved and trusts that provider")
    static let duration = VerificationCheck.Step("aws.durationSeconds", "DurationSeconds is 900 or more and within the role's MaxSessionDuration")

    /// The console sign-in's steps, with `verifier`'s (its `document` step runs first, on the peek that finds the
    /// Issuer).
    static func signInPlan(_ verifier: Verifier) -> [VerificationCheck.Step] {
        let core = verifier.plan
        return [input] + core.prefix(1) + [provider] + core.dropFirst() + [encryption, subject] + AWSClaims.Step.allCases.map(\.check)
            + [session, authorization]
    }

    static func assumeRolePlan(_ verifier: Verifier) -> [VerificationCheck.Step] {
        let core = verifier.plan
        return [input] + core.prefix(1) + [namedProvider] + core.dropFirst() + [encryption, subject]
            + AWSClaims.Step.allCases.map(\.check) + [rolePair, authorization, duration, session]
    }

    init(_ report: ((VerificationCheck) -> Void)?, plan: @autoclosure () -> [VerificationCheck.Step]) {
        self.report = report
        self.plan = report == nil ? [] : plan()
    }

    func passed(_ step: VerificationCheck.Step) {
        guard let report, reported.insert(step.name).inserted else { return }
        report(.init(step, .passed))
    }

    /// Reports `step` as failed with the error's cause and the rest of the plan as not reached; returns `error`.
    func failed(_ step: VerificationCheck.Step, _ error: AWSError) -> AWSError {
        guard let report else { return error }
        if reported.insert(step.name).inserted {
            report(.init(step, .failed(error.cause ?? SAMLError(.init(rawValue: "aws." + error.code), error.message))))
        }
        finish()
        return error
    }

    /// Runs `body` as `step`.
    /// `step` is evaluated only when there is a callback: no work on the sign-in path otherwise.
    func run<T>(_ step: @autoclosure () -> VerificationCheck.Step, _ body: () throws(AWSError) -> T) throws(AWSError) -> T {
        do throws(AWSError) {
            let value = try body()
            if report != nil { passed(step()) }
            return value
        } catch {
            throw report == nil ? error : failed(step(), error)
        }
    }

    /// What the verifier reports, except the steps already reported here (its `document` step, run on the peek).
    func forward(_ check: VerificationCheck) {
        guard let report, reported.insert(check.name).inserted else { return }
        report(check)
    }

    /// Every step of the plan not yet reported, as not reached.
    func finish() {
        guard let report else { return }
        for step in plan where reported.insert(step.name).inserted { report(.init(step, .notReached)) }
    }
}
