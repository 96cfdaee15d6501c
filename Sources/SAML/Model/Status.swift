/// `<samlp:Status>` of a Response.
public struct Status: Sendable, Hashable {
    /// The top-level `StatusCode` value.
    public var code: String
    /// A nested second-level `StatusCode` value, as Entra sends on request errors.
    public var subCode: String?
    /// `StatusMessage`, e.g. `AADSTS75006: …`.
    public var message: String?

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
