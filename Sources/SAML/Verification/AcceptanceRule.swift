/// Values a check accepts beyond an exact set, by rule: AWS accepts every sign-in endpoint of a partition as
/// Recipient and Destination (`https://REGION.signin.aws.amazon.com/saml`), which no finite set lists.
public struct AcceptanceRule: Sendable {
    /// What the rule accepts, for error messages ("an AWS sign-in endpoint of partition aws").
    public var description: String
    public var accepts: @Sendable (String) -> Bool

    /// Creates a rule.
    /// - Parameters:
    ///   - description: What the rule accepts, as error messages should name it.
    ///   - accepts: Returns whether a value (an audience or URL) is accepted.
    public init(_ description: String, accepts: @escaping @Sendable (String) -> Bool) {
        self.description = description
        self.accepts = accepts
    }

    /// "a or b or <description>", for the `expected` of an error.
    static func expected(_ exact: Set<String>, _ rule: AcceptanceRule?) -> String {
        (exact.sorted() + (rule.map { [$0.description] } ?? [])).joined(separator: " or ")
    }
}

extension Set<String> {
    /// Whether `value` is one of the configured values: compared one by one for the usual one to four (hashing a 40-
    /// to 60-byte URL cost more than comparing it with one or two), hashed beyond. The same `==` decides either way.
    @inline(__always)
    func containsConfigured(_ value: String) -> Bool {
        count <= 4 ? contains(where: { $0 == value }) : contains(value)
    }
}
