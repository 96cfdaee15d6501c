/// The Response's Destination, when present, must be one of our ACS URLs (SAML bindings 3.5.5.2: the recipient MUST
/// check that it is the location the message was received at); an empty one is refused. A signed Response must
/// carry it unless ``requiredWhenResponseSigned`` is off (AWS accepts a signed Response without one).
public struct DestinationPolicy: VerificationPolicy {
    public var destinations: Set<String>
    public var requiredWhenResponseSigned: Bool
    /// Destinations accepted beyond ``destinations``, by rule.
    public var rule: AcceptanceRule?

    /// Creates a policy.
    /// - Parameters:
    ///   - destinations: The service provider's ACS URLs, accepted as the Response's Destination.
    ///   - requiredWhenResponseSigned: Whether a signed Response must carry a Destination.
    ///   - rule: Destinations accepted beyond `destinations`, by rule; `nil` for none.
    public init(_ destinations: Set<String>, requiredWhenResponseSigned: Bool = true, accepting rule: AcceptanceRule? = nil) {
        self.destinations = destinations
        self.requiredWhenResponseSigned = requiredWhenResponseSigned
        self.rule = rule
    }

    public var name: String { "destination" }
    public var summary: String { "The Response's Destination, if any, is this service provider's ACS URL" }

    /// Checks the Response's Destination, when it has one, against the accepted URLs.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `destination.missing` when a signed Response has no Destination and one is
    ///   required, or `destination.mismatch` when the Destination is empty or not an accepted URL.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        var expected: String { AcceptanceRule.expected(destinations, rule) }  // only for messages
        guard let destination = context.response.destination else {
            if requiredWhenResponseSigned && context.signedElements.contains(.response) {
                throw SAMLError(.destinationMissing, "a signed Response must name its Destination", expected: expected,
                                found: "no Destination")
            }
            return
        }
        guard destinations.containsConfigured(destination) || rule?.accepts(destination) == true else {
            throw SAMLError(.destinationMismatch, "the Response was sent to another endpoint", expected: expected,
                            found: destination.isEmpty ? "an empty Destination" : "\"\(destination)\"")
        }
    }
}
