import Foundation

/// One sign-in attempt, shaped after Microsoft Graph's `signIn` resource (the Entra admin centre's sign-in log),
/// plus the AWS sessions each issued Role value gives.
public struct SignInLogEntry: Codable, Sendable, Hashable {
    public struct Status: Codable, Sendable, Hashable {
        /// 0 on success, else the AADSTS number (50105 for AADSTS50105).
        public var errorCode: Int
        public var failureReason: String?
    }

    public struct AppliedPolicy: Codable, Sendable, Hashable {
        public var displayName: String
        /// `success`, `failure` or `notApplied`.
        public var result: String
        public var enforcedGrantControls: [String]
    }

    public var id: String
    public var createdDateTime: String
    public var userPrincipalName: String?
    public var userDisplayName: String?
    public var userId: String?
    public var appId: String?
    public var appDisplayName: String?
    public var ipAddress: String
    /// The sign-in flow (a `correlationId` in Entra): every attempt of one sign-in shares it.
    public var correlationId: String
    /// `success`, `failure`, or `interrupted` (waiting for MFA).
    public var result: String
    public var status: Status
    /// `AADSTS50105`, when the attempt failed or was interrupted.
    public var aadstsCode: String?
    public var isInteractive: Bool
    /// `singleFactorAuthentication` or `multiFactorAuthentication`.
    public var authenticationRequirement: String
    public var mfaDone: Bool
    /// `success`, `failure` or `notApplied`.
    public var conditionalAccessStatus: String
    public var appliedConditionalAccessPolicies: [AppliedPolicy]
    /// The AuthnRequest ID of an SP-initiated sign-in.
    public var samlRequestId: String?
    /// The Role values issued.
    public var roles: [String]
    /// `Administrator/test-awsadmin@contoso.com @ 123456789012`: the AWS session each role gives.
    public var awsSessions: [String]
}
