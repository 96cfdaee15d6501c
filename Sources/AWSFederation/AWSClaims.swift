import SAML

/// The AWS attributes of a verified assertion, validated as AWS validates them (aws-entra.md §1.1-§1.4).
public struct AWSClaims: Sendable, Hashable {
    /// Every Role value, in order.
    public var roles: [AWSRolePair]
    public var roleSessionName: String
    /// SessionDuration in seconds (900-43200), when sent.
    public var sessionDuration: Int?
    /// `PrincipalTag:<key>` attributes, in order.
    public var principalTags: [(key: String, value: String)]
    public var transitiveTagKeys: [String]
    public var sourceIdentity: String?

    /// Whether two sets of claims are equal, field by field (tags compared in order).
    /// - Parameters:
    ///   - a: Claims.
    ///   - b: Other claims.
    public static func == (a: AWSClaims, b: AWSClaims) -> Bool {
        a.roles == b.roles && a.roleSessionName == b.roleSessionName && a.sessionDuration == b.sessionDuration
            && a.principalTags.map { [$0.key, $0.value] } == b.principalTags.map { [$0.key, $0.value] }
            && a.transitiveTagKeys == b.transitiveTagKeys && a.sourceIdentity == b.sourceIdentity
    }

    /// Hashes the roles and the session name, the fields that tell claims apart.
    /// - Parameter hasher: The hasher to feed them to.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(roles)
        hasher.combine(roleSessionName)
    }

    /// `[a-zA-Z_0-9+=,.@-]{2,64}`, RoleSessionName's and SourceIdentity's alphabet.
    static func isSessionName(_ s: String) -> Bool {
        (2...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }
    }

    /// Reads and validates the AWS attributes of `assertion`.
    /// - Parameter assertion: A verified assertion.
    /// - Throws: ``AWSError`` `InvalidIdentityToken` when the Role values are missing or not role/provider pairs
    ///   (cause `aws.role`), the RoleSessionName is not one valid name (`aws.roleSessionName`), the SessionDuration is
    ///   not one integer in 900…43200 (`aws.sessionDuration`) or the SourceIdentity is not valid
    ///   (`aws.sourceIdentity`); the session tags' errors as ``SessionTags/validate(_:transitive:)`` throws them.
    public init(_ assertion: Assertion) throws(AWSError) {
        var step = Step.role
        try self.init(assertion, step: &step)
    }

    /// The attribute rules in the order they run, each a step of the sign-in checks.
    enum Step: Int, CaseIterable {
        case role, roleSessionName, sessionDuration, sessionTags, sourceIdentity

        var check: VerificationCheck.Step {
            switch self {
            case .role: return .init("aws.role", "Role values are role,provider ARN pairs")
            case .roleSessionName: return .init("aws.roleSessionName", "One RoleSessionName of [a-zA-Z_0-9+=,.@-]{2,64}")
            case .sessionDuration: return .init("aws.sessionDuration", "SessionDuration, if sent, is one integer in 900...43200")
            case .sessionTags: return .init("aws.sessionTags", "PrincipalTag and TransitiveTagKeys follow STS's session-tag rules")
            case .sourceIdentity: return .init("aws.sourceIdentity", "SourceIdentity, if sent, is one name not starting with aws:")
            }
        }
    }

    /// `step`: the rule under way, for a caller that reports which one failed.
    init(_ assertion: Assertion, step: inout Step) throws(AWSError) {
        step = .role
        let values = assertion.attribute(AttributeName.awsRole) ?? []
        guard !values.isEmpty else {
            // The console shows "Your request included an invalid SAML response"; the API text is not documented
            // (aws-entra.md §11.4), so this one says what is missing.
            throw AWSError.invalidIdentityToken("The SAML assertion contains no https://aws.amazon.com/SAML/Attributes/Role value",
                                                cause: SAMLError(.awsRole, "no Role attribute", expected: "one or more role,provider ARN pairs", found: "none"))
        }
        var roles: [AWSRolePair] = []
        for value in values { roles.append(try AWSRolePair(value)) }
        self.roles = roles

        step = .roleSessionName
        guard let sessionNames = assertion.attribute(AttributeName.awsRoleSessionName), let name = sessionNames.first else {
            throw AWSError.invalidIdentityToken("RoleSessionName is required in AuthnResponse",
                                                cause: SAMLError(.awsRoleSessionName, "no RoleSessionName attribute", expected: "one value", found: "none"))
        }
        guard sessionNames.count == 1, Self.isSessionName(name) else {
            throw AWSError.invalidIdentityToken("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
                                                cause: SAMLError(.awsRoleSessionName, "RoleSessionName is not one valid name",
                                                                 expected: "one value of [a-zA-Z_0-9+=,.@-]{2,64}",
                                                                 found: sessionNames.map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        roleSessionName = name

        step = .sessionDuration
        if let durations = assertion.attribute(AttributeName.awsSessionDuration) {
            guard durations.count == 1, let seconds = Int(durations[0]), (900...43_200).contains(seconds) else {
                throw AWSError.invalidIdentityToken("SessionDuration in AuthnResponse must be one integer between 900 and 43200",
                                                    cause: SAMLError(.awsSessionDuration, "SessionDuration out of range", expected: "one integer in 900...43200",
                                                                     found: durations.joined(separator: ", ")))
            }
            sessionDuration = seconds
        } else {
            sessionDuration = nil
        }

        step = .sessionTags
        let prefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
        let tags = (assertion.attributeStatement?.attributes ?? []).filter { $0.name.hasPrefix(prefix) }
            .map { (key: String($0.name.dropFirst(prefix.count)), values: $0.values) }
        transitiveTagKeys = assertion.attribute(AttributeName.awsTransitiveTagKeys) ?? []
        principalTags = try SessionTags.validate(tags, transitive: transitiveTagKeys)

        step = .sourceIdentity
        if let identities = assertion.attribute(AttributeName.awsSourceIdentity) {
            guard identities.count == 1, Self.isSessionName(identities[0]), !identities[0].lowercased().hasPrefix("aws:") else {
                throw AWSError.invalidIdentityToken("Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\"",
                                                    cause: SAMLError(.awsSourceIdentity, "SourceIdentity is not one valid name", expected: "[a-zA-Z_0-9+=,.@-]{2,64}, not aws:…",
                                                                     found: identities.joined(separator: ", ")))
            }
            sourceIdentity = identities[0]
        } else {
            sourceIdentity = nil
        }
    }
}
