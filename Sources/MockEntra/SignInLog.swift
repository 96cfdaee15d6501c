import Foundation
import SAML

/// One sign-in attempt, shaped after Microsoft Graph's `signIn` resource (the Entra admin centre's sign-in log),
/// plus the AWS sessions each issued Role value gives.
public struct SignInLogEntry: Codable, Sendable, Hashable {
    public struct Status: Codable, Sendable, Hashable {
        /// 0 on success, else the AADSTS number (50105 for AADSTS50105).
        public var errorCode: Int
        public var failureReason: String?
    }

    /// One step of the sign-in (Graph's `authenticationDetail`): the password, the authenticator's code, and, as
    /// mock-entra also records it, the answer to "Stay signed in?".
    public struct AuthenticationDetail: Codable, Sendable, Hashable {
        /// `Password`, `Mobile app verification code`, `Keep me signed in`.
        public var authenticationMethod: String
        public var succeeded: Bool
        /// `Correct password`, `Invalid password`, `MFA successfully completed`, `LoginOptions=1`.
        public var authenticationStepResultDetail: String
        public var authenticationStepDateTime: String
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
    /// The steps of this sign-in up to this entry, oldest first.
    public var authenticationDetails: [AuthenticationDetail]
}

/// The sign-in log: the newest entries in memory (bounded), each also appended as a JSON line to a file when one
/// is given.
struct SignInLog: Sendable {
    static let maxEntries = 10_000

    private var entries: [SignInLogEntry] = []
    private let file: FileHandle?

    /// `file` is created when missing and appended to.
    init(file url: URL?) throws {
        guard let url else {
            file = nil
            return
        }
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        file = handle
    }

    /// The newest `limit` entries, oldest first.
    func newest(_ limit: Int) -> [SignInLogEntry] { Array(entries.suffix(limit)) }

    mutating func append(_ entry: SignInLogEntry) {
        entries.append(entry)
        if entries.count > 2 * Self.maxEntries { entries.removeFirst(entries.count - Self.maxEntries) }
        if let file, var line = try? JSONEncoder().encode(entry) {
            line.append(10)
            file.write(line)
        }
    }
}

extension SignInLogEntry {
    /// How far Conditional Access got in an attempt: policies are evaluated only after the password is right.
    enum AccessStage { case notEvaluated, pending, satisfied, failed }

    /// An attempt of `flow` in `tenant` as Entra's sign-in log shows it: the Conditional Access policies that
    /// applied to the user and app, and how each ended given `access`.
    init(flow: SignInFlows.Pending, tenant: Tenant, activations: [Tenant.Activation], user: Tenant.User?, result: String,
         error: EntraError?, ip: String, interactive: Bool, mfa: Bool, access: AccessStage, roles: [String], sessions: [String], now: Date) {
        let application = flow.request.flatMap { tenant.application($0.appID) }
        var policies: [AppliedPolicy] = []
        if let application, let user {
            let groups = Set(tenant.effectiveGroups(of: user.userPrincipalName, activations: activations, at: now).map(\.displayName))
            policies = tenant.conditionalAccess.map { policy in
                let applies = policy.applies(to: user.userPrincipalName, groups: groups, appID: application.appID)
                let outcome: String
                switch access {
                case _ where !applies, .notEvaluated, .pending: outcome = "notApplied"
                case .satisfied: outcome = "success"
                case .failed: outcome = "failure"
                }
                return .init(displayName: policy.name, result: outcome, enforcedGrantControls: policy.grant == .block ? ["Block"] : ["Mfa"])
            }
        }
        let applied = policies.filter { $0.result != "notApplied" }
        let caStatus = applied.isEmpty ? "notApplied" : (applied.contains { $0.result == "failure" } ? "failure" : "success")
        let requiresMFA = mfa || access == .pending || policies.contains { $0.enforcedGrantControls == ["Mfa"] && $0.result != "notApplied" }
        self.init(
            id: UUID().uuidString.lowercased(), createdDateTime: SAMLInstant.format(now), userPrincipalName: user?.userPrincipalName,
            userDisplayName: user?.displayName, userId: user?.objectID, appId: application?.appID,
            appDisplayName: application?.displayName ?? (flow.request == nil ? "My Apps" : nil), ipAddress: ip, correlationId: flow.id, result: result,
            status: .init(errorCode: error.map { Int($0.code.dropFirst(6)) ?? -1 } ?? 0, failureReason: error?.message),
            aadstsCode: error?.code, isInteractive: interactive,
            authenticationRequirement: requiresMFA ? "multiFactorAuthentication" : "singleFactorAuthentication",
            mfaDone: mfa, conditionalAccessStatus: caStatus, appliedConditionalAccessPolicies: policies,
            samlRequestId: flow.request?.requestID, roles: roles, awsSessions: sessions, authenticationDetails: flow.steps)
    }
}
