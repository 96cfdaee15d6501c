/// Unverified reads of a Response, for diagnostics only: choosing which rejection to report, showing what a
/// captured message claims. Never use these values to sign anyone in.
public enum ResponsePeek {
    /// The Issuer the Response (or else its first Assertion) claims, read with the hardened parser; `nil` when the
    /// document does not parse or names none.
    public static func issuer(_ xml: [UInt8], limits: ParseLimits = .default) -> String? {
        NativeResponsePeek.issuer(xml, limits: limits)
    }
}
