import SAML

/// Reason codes for AWS's own rules, carried as the `cause` of an ``AWSError`` beside AWS's terse text, so that a
/// tool can say which rule failed (the SAML library's codes cover everything before them).
extension SAMLError.Code {
    /// The Role attribute is missing or a value is not a role/provider ARN pair (aws-entra.md §1.1).
    public static let awsRole = Self(rawValue: "aws.role")
    /// RoleSessionName missing, repeated, or outside `[a-zA-Z_0-9+=,.@-]{2,64}` (§1.2).
    public static let awsRoleSessionName = Self(rawValue: "aws.roleSessionName")
    /// SessionDuration not one integer in 900–43200 (§1.3).
    public static let awsSessionDuration = Self(rawValue: "aws.sessionDuration")
    /// A PrincipalTag attribute or the number of tags out of bounds (§1.4).
    public static let awsSessionTags = Self(rawValue: "aws.sessionTags")
    /// SourceIdentity outside its alphabet or starting with `aws:` (§1.4).
    public static let awsSourceIdentity = Self(rawValue: "aws.sourceIdentity")
    /// The requested RoleArn/PrincipalArn pair is not among the Role values.
    public static let awsRoleNotInAssertion = Self(rawValue: "aws.roleNotInAssertion")
    /// The role does not exist in the account.
    public static let awsRoleNotFound = Self(rawValue: "aws.roleNotFound")
    /// An IAM Identity Center role (`AWSReservedSSO_…`).
    public static let awsReservedRole = Self(rawValue: "aws.reservedRole")
    /// The role's trust policy does not allow the provider, action or context.
    public static let awsTrustPolicy = Self(rawValue: "aws.trustPolicy")
    /// Not redeemed within 5 minutes of issue (§2.8).
    public static let awsRedemptionWindow = Self(rawValue: "aws.redemptionWindow")
    /// The Role's provider ARN names no SAML provider of the account.
    public static let awsProviderNotFound = Self(rawValue: "aws.providerNotFound")
    /// The signature was made with a key that the Role pair's own provider does not publish (another provider
    /// with the same Issuer signed it).
    public static let awsProviderKeyMismatch = Self(rawValue: "aws.providerKeyMismatch")
}
