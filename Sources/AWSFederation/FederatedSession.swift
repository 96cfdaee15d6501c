import Foundation
import SAML

/// The session a federated user gets: `ROLE/UPN @ ACCOUNT` in the console (the deployment guide's
/// "ROLE / UPN / AWS account number"), `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION` in the API.
public struct FederatedSession: Sendable, Hashable, CustomStringConvertible {
    public let role: AWSRolePair
    public let roleSessionName: String

    /// Creates a session.
    /// - Parameters:
    ///   - role: The role assumed and the SAML provider it was assumed through.
    ///   - roleSessionName: The session's name, from the assertion's RoleSessionName (Entra: the user's UPN).
    public init(role: AWSRolePair, roleSessionName: String) {
        self.role = role
        self.roleSessionName = roleSessionName
    }

    public var account: String { role.account }
    public var roleName: String { role.roleName }

    /// `Administrator/test-awsadmin@contoso.com @ 123456789012`, as the console's top-right corner shows it.
    public var consoleDisplay: String { "\(roleName)/\(roleSessionName) @ \(account)" }

    /// `arn:aws:sts::123456789012:assumed-role/Administrator/test-awsadmin@contoso.com` (the role path is dropped).
    public var assumedRoleARN: String {
        "arn:\(role.roleARN.partition):sts::\(account):assumed-role/\(roleName)/\(roleSessionName)"
    }

    /// `AROA…:<session>`: the role's unique ID and the session name.
    /// - Parameter roleUniqueID: The role's unique ID as IAM assigns it (`AROA…`).
    public func assumedRoleID(roleUniqueID: String) -> String { "\(roleUniqueID):\(roleSessionName)" }

    public var description: String { consoleDisplay }

    /// `saml:namequalifier`: Base64(SHA1(issuer + account + "/" + provider name)) (aws-entra.md §1.5, following
    /// AWS's pseudocode, which puts no separator between issuer and account).
    /// - Parameters:
    ///   - issuer: The assertion's Issuer (Entra: `https://sts.windows.net/<tenant-id>/`).
    ///   - account: The 12-digit AWS account ID.
    ///   - providerName: The IAM SAML provider's name (the last part of its ARN).
    public static func nameQualifier(issuer: String, account: String, providerName: String) -> String {
        Data(SAMLDigest.sha1(Array((issuer + account + "/" + providerName).utf8))).base64EncodedString()
    }

    /// `saml:sub_type` / STS `SubjectType`: the NameID Format with `urn:oasis:names:tc:SAML:2.0:nameid-format:`
    /// removed; other formats unchanged; `unspecified` when absent (unconfirmed, aws-entra.md §11.4).
    /// - Parameter format: The NameID's Format URI, or `nil` when the NameID has none.
    public static func subjectType(format: String?) -> String {
        guard let format else { return "unspecified" }
        let prefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
        return format.hasPrefix(prefix) ? String(format.dropFirst(prefix.count)) : format
    }
}
