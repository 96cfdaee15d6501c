import AWSFederation
import Foundation
import SAML

/// The embedded default: account 123456789012, an administrator with a documented access key pair (README), and
/// roles Administrator and Developer trusting the SAML provider `EntraID` with the console wizard's `SAML:aud`. Their
/// permissions are the deployment guide's: the administrator user and the Administrator role have
/// AdministratorAccess, the Developer role AmazonS3FullAccess.
public enum DefaultAccount {
    public static let account = "123456789012"
    public static let providerName = "EntraID"
    public static let adminUser = "admin"
    /// Documented in the README; for the mock only.
    public static let adminAccessKeyID = "AKIAMOCKAWSADMIN0001"
    public static let adminSecretAccessKey = "mockAwsAdminSecretKey0000000000000000000"

    public static var providerARN: String { "arn:aws:iam::\(account):saml-provider/\(providerName)" }

    /// Seeds `state`; `metadata` is the IdP's federation metadata (mock-entra's, or Entra's), when known.
    public static func seed(_ state: AWSState, metadata: String?) async throws {
        _ = await state.addUser(adminUser)
        _ = await state.addAccessKey(user: adminUser, keyID: adminAccessKeyID, secret: adminSecretAccessKey)
        try await state.attachPolicy("AdministratorAccess", toUser: adminUser)
        await putRoles(state, signInURLs: ["https://signin.aws.amazon.com/saml"])
        if let metadata {
            let parsed = try IdentityProviderMetadata.parse(Array(metadata.utf8))
            await state.putProvider(SAMLProvider(name: providerName, account: account, metadata: parsed), document: metadata)
        }
    }

    /// The default roles, trusting sign-ins presented at any of `signInURLs` (`SAML:aud`): AWS's, and once the port is
    /// bound, mock-aws's own `/saml`, so that a local IdP's Reply URL can point at it.
    public static func putRoles(_ state: AWSState, signInURLs: [String]) async {
        for (name, policy) in [("Administrator", "AdministratorAccess"), ("Developer", "AmazonS3FullAccess")] {
            guard let arn = AWSARN("arn:aws:iam::\(account):role/\(name)") else { continue }
            await state.putRole(IAMRole(arn: arn, uniqueID: AWSState.stableID("AROA", seed: arn.description),
                                        trustPolicy: .consoleWizard(providerARN: providerARN, audiences: signInURLs)))
            // Both are AWS managed policies of the table, so attaching cannot fail.
            try? await state.attachPolicy(policy, toRole: name)
        }
    }
}
