/// `<Issuer>`: the entity that issued a message (Entra: `https://sts.windows.net/<tenant-id>/`).
public struct Issuer: Sendable, Hashable {
    /// The entity ID, compared exactly.
    public var value: String
    /// The optional `Format` attribute (entity format when absent).
    public var format: String?

    public init(_ value: String, format: String? = nil) {
        self.value = value
        self.format = format
    }
}
