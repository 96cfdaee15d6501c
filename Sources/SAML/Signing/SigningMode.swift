/// Which elements of a Response carry a signature (Entra's "Signing option", aws-entra.md §6).
public enum SigningMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// "Sign SAML assertion": Entra's default.
    case assertion
    /// "Sign SAML response".
    case response
    /// "Sign SAML response and assertion": the Response signature covers the already signed assertion.
    case both

    var signsAssertion: Bool { self != .response }
    var signsResponse: Bool { self != .assertion }
}
