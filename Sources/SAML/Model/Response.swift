import Foundation

/// `<samlp:Response>` carrying (at most) one assertion, the shape every Web SSO profile and Entra use.
public struct Response: Sendable, Hashable {
    /// The stored fields, behind one copy-on-write reference (``CopyOnWriteBox``).
    private struct Fields: Sendable, Hashable {
        var id: String
        var version: String
        var issueInstant: Date
        var destination: String?
        var inResponseTo: String?
        var issuer: Issuer?
        var status: Status
        var assertion: Assertion?
    }

    private var box: CopyOnWriteBox<Fields>

    public var id: String {
        get { box.value.id }
        set { mutateUniquely(&box) { $0.id = newValue } }
    }
    public var version: String {
        get { box.value.version }
        set { mutateUniquely(&box) { $0.version = newValue } }
    }
    public var issueInstant: Date {
        get { box.value.issueInstant }
        set { mutateUniquely(&box) { $0.issueInstant = newValue } }
    }
    /// The ACS URL the Response was sent to (AWS: `https://signin.aws.amazon.com/saml`).
    public var destination: String? {
        get { box.value.destination }
        set { mutateUniquely(&box) { $0.destination = newValue } }
    }
    /// The AuthnRequest ID this answers; absent for IdP-initiated sign-in.
    public var inResponseTo: String? {
        get { box.value.inResponseTo }
        set { mutateUniquely(&box) { $0.inResponseTo = newValue } }
    }
    /// Optional at Response level; Entra always sends it.
    public var issuer: Issuer? {
        get { box.value.issuer }
        set { mutateUniquely(&box) { $0.issuer = newValue } }
    }
    public var status: Status {
        get { box.value.status }
        set { mutateUniquely(&box) { $0.status = newValue } }
    }
    public var assertion: Assertion? {
        get { box.value.assertion }
        set { mutateUniquely(&box) { $0.assertion = newValue } }
    }

    /// Creates a Response; a `nil` value leaves its attribute or element out.
    /// - Parameters:
    ///   - id: The Response's `ID`, unique and starting with a letter or `_`.
    ///   - issueInstant: When the Response was issued.
    ///   - destination: The ACS URL the Response is sent to.
    ///   - inResponseTo: The `ID` of the AuthnRequest this answers; `nil` for IdP-initiated sign-in.
    ///   - issuer: The IdP that issues it.
    ///   - status: The outcome: Success, or the IdP's error codes and message.
    ///   - assertion: The assertion about the user.
    ///   - version: The SAML version; keep `2.0`.
    public init(id: String, issueInstant: Date, destination: String? = nil, inResponseTo: String? = nil,
                issuer: Issuer? = nil, status: Status = .success, assertion: Assertion? = nil,
                version: String = "2.0") {
        box = CopyOnWriteBox(Fields(id: id, version: version, issueInstant: issueInstant, destination: destination,
                                    inResponseTo: inResponseTo, issuer: issuer, status: status, assertion: assertion))
    }
}
