/// `<Issuer>`: the entity that issued a message (Entra: `https://sts.windows.net/<tenant-id>/`).
public struct Issuer: Sendable, Hashable {
    /// The entity ID, compared exactly.
    public var value: String
    /// The optional `Format` attribute (entity format when absent).
    public var format: String?

    /// Creates an Issuer.
    /// - Parameters:
    ///   - value: The issuer's entity ID.
    ///   - format: The `Format` URI; `nil` leaves it out, which means the entity format.
    public init(_ value: String, format: String? = nil) {
        self.value = value
        self.format = format
    }
}
