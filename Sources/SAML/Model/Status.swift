/// `<samlp:Status>` of a Response.
public struct Status: Sendable, Hashable {
    /// The top-level `StatusCode` value.
    public var code: String
    /// A nested second-level `StatusCode` value, as Entra sends on request errors.
    public var subCode: String?
    /// `StatusMessage`, e.g. `AADSTS75006: …`.
    public var message: String?

    /// Creates a Status.
    /// - Parameters:
    ///   - code: The top-level `StatusCode` URI; Success by default.
    ///   - subCode: A second-level `StatusCode` URI that details an error; `nil` for none.
    ///   - message: A human-readable `StatusMessage`; `nil` for none.
    public init(code: String = SAMLURI.statusSuccess, subCode: String? = nil, message: String? = nil) {
        self.code = code
        self.subCode = subCode
        self.message = message
    }

    /// `urn:oasis:names:tc:SAML:2.0:status:Success`.
    public static let success = Status()

    /// Whether the top-level code is Success.
    public var isSuccess: Bool { code == SAMLURI.statusSuccess }
}
