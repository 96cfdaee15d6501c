/// Binds the Response to the AuthnRequest it answers (SAML profiles 4.1.4.2-4.1.4.3). With a request ID, the
/// Response's and the bearer confirmation's InResponseTo must equal it; without one (IdP-initiated, as Entra's My
/// Apps launch of AWS) no InResponseTo may appear, and only if unsolicited responses are allowed.
public struct InResponseToPolicy: VerificationPolicy {
    public var allowUnsolicited: Bool

    /// Creates a policy.
    /// - Parameter allowUnsolicited: Whether a Response that answers no request (IdP-initiated sign-in) is accepted.
    public init(allowUnsolicited: Bool = true) { self.allowUnsolicited = allowUnsolicited }

    public var name: String { "inResponseTo" }
    public var summary: String { "InResponseTo matches the request this service provider made, or is absent when unsolicited" }

    /// Checks the InResponseTo of the Response and of its bearer confirmations against the request ID.
    /// - Parameter context: The values read from the verified Response and Assertion, with the current time.
    /// - Throws: ``SAMLError`` with code `inResponseTo.unsolicited` when there is no request ID but the Response
    ///   names one, or unsolicited responses are not allowed; `inResponseTo.mismatch` when there is a request ID and
    ///   no InResponseTo, or one that differs from it.
    public func check(_ context: VerificationContext) throws(SAMLError) {
        guard let requestID = context.requestID else {
            if let value = context.response.inResponseTo ?? context.bearerConfirmations.lazy.compactMap({ $0.data?.inResponseTo }).first {
                throw SAMLError(.inResponseToUnsolicited, "the Response answers a request this service provider did not make",
                                expected: "no InResponseTo (no outstanding request)", found: "InResponseTo=\"\(value)\"")
            }
            guard allowUnsolicited else {
                throw SAMLError(.inResponseToUnsolicited, "IdP-initiated (unsolicited) responses are not allowed",
                                expected: "a Response to an outstanding AuthnRequest", found: "an unsolicited Response")
            }
            return
        }
        let values = ([context.response.inResponseTo] + context.bearerConfirmations.map { $0.data?.inResponseTo })
            .compactMap { $0 }
        guard !values.isEmpty else {
            throw SAMLError(.inResponseToMismatch, "the Response does not say which request it answers",
                            expected: "InResponseTo=\"\(requestID)\"", found: "no InResponseTo")
        }
        for value in values where value != requestID {
            throw SAMLError(.inResponseToMismatch, "the Response answers another request", expected: "InResponseTo=\"\(requestID)\"",
                            found: "InResponseTo=\"\(value)\"")
        }
    }
}
