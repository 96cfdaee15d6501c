import Foundation

/// The standard Web SSO rules for one service provider (SAML profiles 4.1.4.2-4.1.4.3), which a ``Verifier`` built
/// from it always runs.
public struct ServiceProvider: Sendable {
    /// Our entity IDs, accepted as Audience.
    public var audiences: Set<String>
    /// Audiences accepted beyond ``audiences``, by rule.
    public var audienceRule: AcceptanceRule?
    /// Our Assertion Consumer Service URLs, accepted as Destination and Recipient.
    public var acsURLs: Set<String>
    /// ACS URLs accepted beyond ``acsURLs``, by rule (AWS: every sign-in endpoint of the account's partitions).
    public var acsURLRule: AcceptanceRule?
    /// The IdP's entity IDs (one, or several when the certificates of several IdPs are trusted together); empty
    /// skips the issuer check (only sensible when the certificate pins the IdP).
    public var idpEntityIDs: Set<String>
    public var clockSkew: TimeInterval
    public var maxAssertionAge: TimeInterval?
    public var requiredSignature: SignatureCoveragePolicy.Coverage
    public var allowUnsolicited: Bool
    /// Whether InResponseTo is checked at all. AWS keeps no record of requests, so it accepts a response to any
    /// AuthnRequest (aws-azure-login sends one); a service provider that sends requests keeps this on.
    public var checksInResponseTo: Bool
    public var requireSingleSubjectConfirmation: Bool
    /// Require NotOnOrAfter on the bearer confirmation itself (AWS does; SAML profiles say MUST).
    public var requireConfirmationExpiry: Bool
    /// Require a Destination on a signed Response (SAML bindings 3.5.5.2; AWS does not).
    public var requireDestinationWhenResponseSigned: Bool

    /// Creates the rules of one service provider. ``checksInResponseTo`` and ``requireDestinationWhenResponseSigned``
    /// start `true`, and the acceptance rules `nil`; set them afterwards.
    /// - Parameters:
    ///   - audiences: The SP's entity IDs, accepted as the assertion's Audience.
    ///   - acsURLs: The SP's Assertion Consumer Service URLs, accepted as Destination and Recipient.
    ///   - idpEntityID: The IdP's entity ID, required as Issuer; `nil` skips the issuer check.
    ///   - clockSkew: How far, in seconds, the IdP's clock may differ from ours in the time checks.
    ///   - maxAssertionAge: The oldest an assertion may be, in seconds since its IssueInstant; `nil` for no limit.
    ///   - requiredSignature: Which elements must be signed: the Response, the Assertion, both, or either.
    ///   - allowUnsolicited: Whether a Response without InResponseTo (IdP-initiated sign-in) is accepted.
    ///   - requireSingleSubjectConfirmation: Whether an assertion with more than one bearer SubjectConfirmation is
    ///     refused.
    ///   - requireConfirmationExpiry: Whether the bearer SubjectConfirmationData must carry its own NotOnOrAfter.
    public init(audiences: Set<String>, acsURLs: Set<String>, idpEntityID: String? = nil, clockSkew: TimeInterval = 180,
                maxAssertionAge: TimeInterval? = nil, requiredSignature: SignatureCoveragePolicy.Coverage = .any,
                allowUnsolicited: Bool = true, requireSingleSubjectConfirmation: Bool = false,
                requireConfirmationExpiry: Bool = false) {
        self.audiences = audiences
        self.acsURLs = acsURLs
        self.idpEntityIDs = idpEntityID.map { [$0] } ?? []
        self.clockSkew = clockSkew
        self.maxAssertionAge = maxAssertionAge
        self.requiredSignature = requiredSignature
        self.allowUnsolicited = allowUnsolicited
        self.checksInResponseTo = true
        self.requireSingleSubjectConfirmation = requireSingleSubjectConfirmation
        self.requireConfirmationExpiry = requireConfirmationExpiry
        self.requireDestinationWhenResponseSigned = true
    }

    /// Coverage, issuer (when configured), destination, recipient, audience, time, then InResponseTo (unless off).
    public var policies: [any VerificationPolicy] {
        var list: [any VerificationPolicy] = [SignatureCoveragePolicy(requiredSignature)]
        if !idpEntityIDs.isEmpty { list.append(IssuerPolicy(anyOf: idpEntityIDs)) }
        list.append(DestinationPolicy(acsURLs, requiredWhenResponseSigned: requireDestinationWhenResponseSigned, accepting: acsURLRule))
        list.append(RecipientPolicy(acsURLs, requireSingleConfirmation: requireSingleSubjectConfirmation,
                                    requireConfirmationExpiry: requireConfirmationExpiry, accepting: acsURLRule))
        list.append(AudiencePolicy(audiences, accepting: audienceRule))
        list.append(TimeWindowPolicy(skew: clockSkew, maxAge: maxAssertionAge))
        if checksInResponseTo { list.append(InResponseToPolicy(allowUnsolicited: allowUnsolicited)) }
        return list
    }
}
