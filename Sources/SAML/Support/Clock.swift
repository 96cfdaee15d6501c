import Foundation

/// Where the library reads "now". Inject a ``FixedClock`` in tests and when judging captured messages at a given
/// instant, so that golden files and test vectors never expire.
public protocol SAMLClock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemClock: SAMLClock {
    /// Creates the system clock.
    public init() {}
    public var now: Date { Date() }
}

/// A clock that always answers the same instant.
public struct FixedClock: SAMLClock {
    public let now: Date
    /// A clock fixed at an instant.
    /// - Parameter now: The instant the clock always answers.
    public init(_ now: Date) { self.now = now }
    /// A clock fixed at an `xs:dateTime` such as `2025-05-01T12:00:00Z`; `nil` when the text is not one.
    /// - Parameter instant: The instant the clock always answers, as SAML writes instants.
    public init?(_ instant: String) {
        guard let date = SAMLInstant.parse(instant) else { return nil }
        self.now = date
    }
}
