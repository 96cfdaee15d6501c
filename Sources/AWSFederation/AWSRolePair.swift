import SAML
/// One value of `https://aws.amazon.com/SAML/Attributes/Role`: an IAM role and the SAML provider it trusts.
/// Either order is accepted and whitespace around the comma trimmed (aws-entra.md §1.1); written role first, as
/// Entra does.
public struct AWSRolePair: Sendable, Hashable, CustomStringConvertible {
    public let roleARN: AWSARN
    public let providerARN: AWSARN

    /// Creates a pair without checking that the ARNs name a role and a provider of the same account.
    /// - Parameters:
    ///   - roleARN: The IAM role's ARN.
    ///   - providerARN: The ARN of the IAM SAML provider the role trusts.
    public init(roleARN: AWSARN, providerARN: AWSARN) {
        self.roleARN = roleARN
        self.providerARN = providerARN
    }

    /// Parses `arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME` in either order.
    /// - Parameter value: One value of the `Role` attribute.
    /// - Throws: ``AWSError`` `InvalidIdentityToken` (cause `aws.role`) when `value` is not two comma-separated ARNs of
    ///   an IAM role and a SAML provider, with valid names, in the same account and partition.
    public init(_ value: String) throws(AWSError) {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { String(Self.trimmed($0)) }
        guard parts.count == 2, let first = AWSARN(parts[0]), let second = AWSARN(parts[1]) else {
            throw AWSError.invalidIdentityToken("Invalid role/provider pair in the SAML Role attribute: \"\(value)\"",
                                                cause: SAMLError(.awsRole, "a Role value is not a role,provider ARN pair",
                                                                 expected: "arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME", found: "\"\(value)\""))
        }
        let (role, provider) = first.resource.hasPrefix("role/") ? (first, second) : (second, first)
        guard role.service == "iam", provider.service == "iam", role.region.isEmpty, provider.region.isEmpty,
              role.resource.hasPrefix("role/"), provider.resource.hasPrefix("saml-provider/"),
              role.account == provider.account, role.partition == provider.partition, !role.account.isEmpty,
              Self.isRoleResource(role.resource), Self.isProviderName(String(provider.resource.dropFirst("saml-provider/".count)))
        else {
            throw AWSError.invalidIdentityToken("Invalid role/provider pair in the SAML Role attribute: \"\(value)\"",
                                                cause: SAMLError(.awsRole, "a Role value is not a role,provider ARN pair",
                                                                 expected: "arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME", found: "\"\(value)\""))
        }
        self.init(roleARN: role, providerARN: provider)
    }

    /// `part` without surrounding spaces and tabs (Foundation's `.whitespaces`, without its NSString round trip:
    /// a judgement of hundreds of Role values spent a quarter of its time there).
    static func trimmed(_ part: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let start = part.firstIndex(where: { !isSpace($0) }), let end = part.lastIndex(where: { !isSpace($0) }) else {
            return part[part.endIndex...]
        }
        return part[start...end]
    }

    public var account: String { roleARN.account }
    /// The role's name: the last segment of its path.
    public var roleName: String { String(roleARN.resource.split(separator: "/").last ?? "") }
    public var providerName: String { String(providerARN.resource.dropFirst("saml-provider/".count)) }
    /// `role,provider`, the attribute value Entra emits.
    public var value: String { "\(roleARN),\(providerARN)" }
    public var description: String { value }

    /// `role/[path/]name`: name `[\w+=,.@-]{1,64}`, path segments of printable ASCII.
    static func isRoleResource(_ resource: String) -> Bool {
        let segments = resource.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard let name = segments.last, (1...64).contains(name.count), name.allSatisfy(isRoleNameCharacter),
              segments.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && !$0.isWhitespace } }) else { return false }
        return true
    }

    static func isRoleNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "_+=,.@-".contains(c))
    }

    /// `[\w._-]{1,128}` (IAM CreateSAMLProvider).
    static func isProviderName(_ name: String) -> Bool {
        (1...128).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }
}

import Foundation
