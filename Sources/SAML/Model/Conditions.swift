import Foundation

/// `<Conditions>`: validity window and audiences.
public struct Conditions: Sendable, Hashable {
    public var notBefore: Date?
    public var notOnOrAfter: Date?
    /// One entry per `<AudienceRestriction>`, each holding its `<Audience>` values. The relying party must be in
    /// every restriction (SAML core 2.5.1.4).
    public var audienceRestrictions: [[String]]
    /// `<OneTimeUse>` (SAML core 2.5.1.5). The verifier accepts it only when a replay cache is configured, since
    /// that is what enforces it.
    public var hasOneTimeUse: Bool
    /// `<ProxyRestriction>` (written empty). No check here enforces it, so the verifier refuses it.
    public var hasProxyRestriction: Bool
    /// Condition elements the reader does not understand (`<Condition xsi:type=…>`, another namespace's), by
    /// qualified name; the verifier refuses an assertion with any (SAML core 2.5.1).
    public var unrecognized: [String] = []

    /// Creates conditions; a `nil` value leaves its attribute out.
    /// - Parameters:
    ///   - notBefore: The start of the validity window.
    ///   - notOnOrAfter: The end of the validity window (exclusive).
    ///   - audienceRestrictions: One list of Audience values per `<AudienceRestriction>`.
    ///   - hasOneTimeUse: Whether `<OneTimeUse>` is present.
    ///   - hasProxyRestriction: Whether an (empty) `<ProxyRestriction>` is present.
    public init(notBefore: Date? = nil, notOnOrAfter: Date? = nil, audienceRestrictions: [[String]] = [],
                hasOneTimeUse: Bool = false, hasProxyRestriction: Bool = false) {
        self.notBefore = notBefore
        self.notOnOrAfter = notOnOrAfter
        self.audienceRestrictions = audienceRestrictions
        self.hasOneTimeUse = hasOneTimeUse
        self.hasProxyRestriction = hasProxyRestriction
    }

    /// The kinds of condition present, each of which some check must enforce (SAML core 2.5.1: a condition that is
    /// not understood makes the assertion invalid).
    public var kinds: Set<ConditionKind> {
        var kinds: Set<ConditionKind> = []
        if !audienceRestrictions.isEmpty { kinds.insert(.audienceRestriction) }
        if hasOneTimeUse { kinds.insert(.oneTimeUse) }
        if hasProxyRestriction { kinds.insert(.proxyRestriction) }
        return kinds
    }

    /// Conditions with a single audience.
    /// - Parameters:
    ///   - notBefore: The start of the validity window; `nil` leaves it out.
    ///   - notOnOrAfter: The end of the validity window (exclusive); `nil` leaves it out.
    ///   - audience: The relying party's entity ID, the only Audience of one AudienceRestriction.
    public init(notBefore: Date?, notOnOrAfter: Date?, audience: String) {
        self.init(notBefore: notBefore, notOnOrAfter: notOnOrAfter, audienceRestrictions: [[audience]])
    }
}

/// A kind of `<Conditions>` child. A ``VerificationPolicy`` declares those it enforces.
public enum ConditionKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case audienceRestriction = "AudienceRestriction"
    case oneTimeUse = "OneTimeUse"
    case proxyRestriction = "ProxyRestriction"

    /// Orders kinds by their element names, for stable messages.
    /// - Parameters:
    ///   - lhs: A kind.
    ///   - rhs: Another kind.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
