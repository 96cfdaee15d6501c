/// The Response's Destination, when present, must be one of our ACS URLs; an empty one is refused. A signed
/// Response must carry it (SAML bindings 3.5.5.2).
public struct DestinationPolicy: VerificationPolicy {
    public var destinations: Set<String>
    public var requiredWhenResponseSigned: Bool

    public init(_ destinations: Set<String>, requiredWhenResponseSigned: Bool = true) {
        self.destinations = destinations
        self.requiredWhenResponseSigned = requiredWhenResponseSigned
    }

    public func check(_ context: VerificationContext) throws(SAMLError) {
        let expected = destinations.sorted().joined(separator: " or ")
        guard let destination = context.response.destination else {
            if requiredWhenResponseSigned && context.signedElements.contains(.response) {
                throw SAMLError(.destinationMissing, "a signed Response must name its Destination", expected: expected,
                                found: "no Destination")
            }
            return
        }
        guard destinations.contains(destination) else {
            throw SAMLError(.destinationMismatch, "the Response was sent to another endpoint", expected: expected,
                            found: destination.isEmpty ? "an empty Destination" : "\"\(destination)\"")
        }
    }
}
