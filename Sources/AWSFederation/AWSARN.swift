/// An Amazon Resource Name, `arn:partition:service:region:account:resource`.
public struct AWSARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    /// The partitions IAM SAML federation exists in.
    public static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov"]

    /// Parses an ARN; `nil` unless it has six colon-separated parts, a known partition and (when present) a
    /// 12-digit account.
    /// - Parameter text: The ARN, such as `arn:aws:iam::123456789012:role/Administrator`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", Self.partitions.contains(parts[1]), !parts[2].isEmpty, !parts[5].isEmpty,
              parts[4].isEmpty || (parts[4].count == 12 && parts[4].allSatisfy(\.isASCIIDigit))
        else { return nil }
        (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5])
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
