import Foundation

/// `<Conditions>`: validity window and audiences.
public struct Conditions: Sendable, Hashable {
    public var notBefore: Date?
    public var notOnOrAfter: Date?
    /// One entry per `<AudienceRestriction>`, each holding its `<Audience>` values. The relying party must be in
    /// every restriction (SAML core 2.5.1.4).
    public var audienceRestrictions: [[String]]
    /// Write `<OneTimeUse>`. The verifier refuses assertions carrying it: it is not part of the Entra/AWS profile.
    public var hasOneTimeUse: Bool
    /// Write an empty `<ProxyRestriction>`. Refused by the verifier for the same reason.
    public var hasProxyRestriction: Bool

    public init(notBefore: Date? = nil, notOnOrAfter: Date? = nil, audienceRestrictions: [[String]] = [],
                hasOneTimeUse: Bool = false, hasProxyRestriction: Bool = false) {
        self.notBefore = notBefore
        self.notOnOrAfter = notOnOrAfter
        self.audienceRestrictions = audienceRestrictions
        self.hasOneTimeUse = hasOneTimeUse
        self.hasProxyRestriction = hasProxyRestriction
    }

    /// Conditions with a single audience.
    public init(notBefore: Date?, notOnOrAfter: Date?, audience: String) {
        self.init(notBefore: notBefore, notOnOrAfter: notOnOrAfter, audienceRestrictions: [[audience]])
    }
}
