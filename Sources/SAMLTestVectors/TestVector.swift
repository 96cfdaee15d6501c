import Foundation
import SAML

/// One file of the project's corpus and how it must be judged.
public struct TestVector: Sendable, Codable, Hashable {
    public enum Verdict: String, Sendable, Codable { case valid = "VALID", reject = "REJECT" }

    /// Verifier settings that differ from the corpus defaults.
    public struct Options: Sendable, Codable, Hashable {
        public var allowSHA1: Bool?
        /// The AuthnRequest ID the Response should answer.
        public var requestID: String?
        /// A ``SignatureCoveragePolicy/Coverage`` raw value.
        public var requiredSignature: String?
        public var maxDocumentBytes: Int?
        /// Judged as AWS's sign-in endpoint judges it (`AWSFederation.signIn`) in the corpus account, not by the
        /// library's verifier: see ``TestVectorCatalog/awsAccount``.
        public var aws: Bool?
        /// For ``aws`` entries: AWS's error code (the ``TestVector/code`` is the reason, the library's code), or for
        /// VALID ones the sessions offered, in order.
        public var awsCode: String?
        public var sessions: [String]?

        public init(allowSHA1: Bool? = nil, requestID: String? = nil, requiredSignature: String? = nil,
                    maxDocumentBytes: Int? = nil, aws: Bool? = nil, awsCode: String? = nil, sessions: [String]? = nil) {
            self.allowSHA1 = allowSHA1
            self.requestID = requestID
            self.requiredSignature = requiredSignature
            self.maxDocumentBytes = maxDocumentBytes
            self.aws = aws
            self.awsCode = awsCode
            self.sessions = sessions
        }
    }

    public var file: String
    public var verdict: Verdict
    /// The expected ``SAMLError/Code`` for REJECT entries.
    public var code: String?
    /// Certificates to trust, by file name under `TestVectors/keys/`.
    public var trust: [String]
    /// The instant at which to judge.
    public var instant: String
    public var options: Options
    /// For VALID entries: the NameID the verifier must read.
    public var nameID: String?
    public var description: String

    public init(file: String, verdict: Verdict, code: String? = nil, trust: [String] = ["idp.crt"], instant: String,
                options: Options = Options(), nameID: String? = nil, description: String) {
        self.file = file
        self.verdict = verdict
        self.code = code
        self.trust = trust
        self.instant = instant
        self.options = options
        self.nameID = nameID
        self.description = description
    }

    /// The verifier this entry is judged with: the corpus's service provider (AWS sign-in) plus `options`.
    public func verifier(certificates: [Certificate]) -> Verifier {
        var sp = ServiceProvider(audiences: [TestVectorCatalog.awsSignIn, "urn:amazon:webservices"],
                                 acsURLs: [TestVectorCatalog.awsSignIn], idpEntityID: TestVectorCatalog.user.issuer,
                                 requireSingleSubjectConfirmation: true, requireConfirmationExpiry: true)
        if let coverage = options.requiredSignature.flatMap(SignatureCoveragePolicy.Coverage.init(rawValue:)) {
            sp.requiredSignature = coverage
        }
        return Verifier(trusting: certificates, serviceProvider: sp,
                        algorithms: AlgorithmPolicy(allowSHA1: options.allowSHA1 ?? false),
                        limits: ParseLimits(maxDocumentBytes: options.maxDocumentBytes ?? ParseLimits.default.maxDocumentBytes),
                        clock: FixedClock(SAMLInstant.parse(instant) ?? Date(timeIntervalSince1970: 0)))
    }
}

/// A generated file: its name and bytes.
public struct GeneratedFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
}

extension Response {
    /// Gives the assertion other Role values in both claims that carry them, AWS's Role and Entra's role claim, as
    /// Entra issues them for another assignment (the two always agree in Entra's responses). Found by name: the
    /// claims' positions depend on which others are present.
    /// - Parameter values: The new `role,provider` pairs.
    mutating func setRoles(_ values: [String]) {
        guard var statement = assertion?.attributeStatement else { return }
        for index in statement.attributes.indices where [AttributeName.awsRole, AttributeName.role].contains(statement.attributes[index].name) {
            statement.attributes[index].values = values
        }
        assertion?.attributeStatement = statement
    }
}
