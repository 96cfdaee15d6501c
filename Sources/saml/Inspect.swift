import ArgumentParser
import Foundation
import SAML

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode and show any SAML message (response, request, logout, metadata) without verifying it.",
        discussion: """
            Accepts the same input forms as `saml verify`. Shows the message's fields, its signatures (what they
            reference, their algorithms, the certificates in KeyInfo with subject, validity and thumbprints) and its
            times relative to now (or --at). Nothing shown is verified.

            Examples:
              saml inspect capture.har
              saml inspect --xml response.b64        # also print the XML, indented
              curl -s "$IDP/federationmetadata/2007-06/federationmetadata.xml" | saml inspect -
            """)

    @Argument(help: "The message (a file, or - for standard input).")
    var file: String?

    @Flag(help: "Also print the XML, indented.")
    var xml = false

    @Option(help: "Show times relative to this instant (ISO 8601) instead of now.")
    var at: String?

    func validate() throws {
        if let at, SAMLInstant.parse(at) == nil { throw ValidationError("--at: not an ISO 8601 instant: \(at)") }
    }

    func run() async throws {
        try await guarded {
            let message: CapturedMessage
            do { message = try Input.message(file) } catch let unreadable as MessageUnreadable {
                throw ToolFailure("no SAML message: \(unreadable.error.message)")
            }
            let now = at.flatMap(SAMLInstant.parse) ?? Date()
            var out = Report(now: now)
            out.line("Input", message.form.label + (message.endpoint.map { ", sent to \($0)" } ?? ""))
            if let kind = message.kind { out.line("Field", kind.rawValue) }
            if let relayState = message.relayState { out.line("RelayState", relayState) }
            let root = try ResponsePeek.rootElement(message.xml)
            out.line("Message", root.name + (root.namespace.map { " (\($0))" } ?? ""))
            switch root.name {
            case "Response": try out.response(message.xml)
            case "AuthnRequest": out.authnRequest(try AuthnRequest.parse(message.xml))
            case "LogoutRequest":
                let request = try LogoutRequest.parse(message.xml)
                out.line("ID", request.id)
                out.time("IssueInstant", request.issueInstant)
                out.optional("Destination", request.destination)
                out.optional("Issuer", request.issuer?.value)
                out.optional("NameID", request.nameID?.value)
                out.optional("SessionIndex", request.sessionIndexes.isEmpty ? nil : request.sessionIndexes.joined(separator: ", "))
            case "LogoutResponse":
                let response = try LogoutResponse.parse(message.xml)
                out.line("ID", response.id)
                out.time("IssueInstant", response.issueInstant)
                out.optional("InResponseTo", response.inResponseTo)
                out.optional("Issuer", response.issuer?.value)
                out.line("Status", response.status.code + (response.status.message.map { ": \($0)" } ?? ""))
            case "EntityDescriptor": out.metadata(message.xml)
            default: break
            }
            out.signatures(try ResponsePeek.signatures(message.xml))
            print(out.lines.joined(separator: "\n"))
            if xml { print("\n" + TerminalText.block(try ResponsePeek.prettyXML(message.xml))) }
        }
    }
}

/// The inspect report, one `Name: value` line at a time, indented by section.
struct Report {
    let now: Date
    var lines: [String] = []
    var indent = ""

    init(now: Date) { self.now = now }

    mutating func line(_ name: String, _ value: String) {
        lines.append("\(indent)\(TerminalText.line(name)): \(TerminalText.line(value))")
    }
    mutating func optional(_ name: String, _ value: String?) { if let value { line(name, value) } }
    mutating func section(_ title: String, _ body: (inout Report) -> Void) {
        lines.append("\(indent)\(TerminalText.line(title))")
        let saved = indent
        indent += "  "
        body(&self)
        indent = saved
    }

    /// `2025-05-01T13:00:00.245Z (in 59 min)`, `(3 h 2 min ago)`.
    mutating func time(_ name: String, _ date: Date?) {
        guard let date else { return }
        line(name, "\(SAMLInstant.format(date)) (\(Self.relative(date.timeIntervalSince(now))))")
    }

    static func relative(_ seconds: TimeInterval) -> String {
        let s = Int(abs(seconds).rounded())
        let text: String
        if s < 60 { text = "\(s) s" }
        else if s < 3600 { text = "\(s / 60) min" + (s % 60 == 0 ? "" : " \(s % 60) s") }
        else if s < 172_800 { text = "\(s / 3600) h" + ((s % 3600) / 60 == 0 ? "" : " \((s % 3600) / 60) min") }
        else { text = "\(s / 86_400) days" }
        return seconds >= 0 ? "in \(text)" : "\(text) ago"
    }

    mutating func response(_ xml: [UInt8]) throws {
        let response = try ResponsePeek.response(xml)
        line("ID", response.id)
        time("IssueInstant", response.issueInstant)
        optional("Destination", response.destination)
        optional("InResponseTo", response.inResponseTo)
        optional("Issuer", response.issuer?.value)
        line("Status", response.status.code + (response.status.subCode.map { " / \($0)" } ?? "") + (response.status.message.map { ": \($0)" } ?? ""))
        guard let assertion = response.assertion else {
            line("Assertion", String(decoding: xml, as: UTF8.self).contains("EncryptedAssertion") ? "encrypted" : "none")
            return
        }
        section("Assertion") { r in
            r.line("ID", assertion.id)
            r.time("IssueInstant", assertion.issueInstant)
            r.line("Issuer", assertion.issuer.value)
            if let nameID = assertion.subject?.nameID { r.line("NameID", nameID.value + (nameID.format.map { " (\($0))" } ?? "")) }
            for confirmation in assertion.subject?.confirmations ?? [] {
                r.section("SubjectConfirmation \(confirmation.method)") { c in
                    c.optional("Recipient", confirmation.data?.recipient)
                    c.optional("InResponseTo", confirmation.data?.inResponseTo)
                    c.time("NotBefore", confirmation.data?.notBefore)
                    c.time("NotOnOrAfter", confirmation.data?.notOnOrAfter)
                }
            }
            if let conditions = assertion.conditions {
                r.section("Conditions") { c in
                    c.time("NotBefore", conditions.notBefore)
                    c.time("NotOnOrAfter", conditions.notOnOrAfter)
                    for audience in conditions.audienceRestrictions.flatMap({ $0 }) { c.line("Audience", audience) }
                }
            }
            if let authn = assertion.authnStatement {
                r.section("AuthnStatement") { a in
                    a.time("AuthnInstant", authn.authnInstant)
                    a.optional("SessionIndex", authn.sessionIndex)
                    a.time("SessionNotOnOrAfter", authn.sessionNotOnOrAfter)
                    a.optional("AuthnContextClassRef", authn.authnContextClassRef)
                }
            }
            if let attributes = assertion.attributeStatement?.attributes, !attributes.isEmpty {
                r.section("Attributes") { a in
                    for attribute in attributes {
                        if attribute.values.count == 1 { a.line(attribute.name, attribute.values[0]) }
                        else { a.section(attribute.name) { v in for value in attribute.values { v.lines.append("\(v.indent)- \(TerminalText.line(value))") } } }
                    }
                }
            }
        }
    }

    mutating func authnRequest(_ request: AuthnRequest) {
        line("ID", request.id)
        time("IssueInstant", request.issueInstant)
        optional("Destination", request.destination)
        optional("Issuer", request.issuer?.value)
        optional("AssertionConsumerServiceURL", request.assertionConsumerServiceURL)
        optional("ProtocolBinding", request.protocolBinding)
        optional("ForceAuthn", request.forceAuthn.map(String.init))
        optional("IsPassive", request.isPassive.map(String.init))
        optional("NameIDPolicy", request.nameIDPolicy?.format)
        if let context = request.requestedAuthnContext {
            line("RequestedAuthnContext", "\(context.comparison ?? "exact"): \(context.classRefs.joined(separator: ", "))")
        }
        if request.hasSubject { line("Subject", "present (Entra refuses it: AADSTS900236)") }
    }

    mutating func metadata(_ xml: [UInt8]) {
        guard let metadata = try? IdentityProviderMetadata.parse(xml) else {
            line("IdP", "no IDPSSODescriptor (service provider metadata?)")
            return
        }
        line("entityID", metadata.entityID)
        for endpoint in metadata.singleSignOnServices { line("SingleSignOnService", "\(endpoint.location) (\(endpoint.binding))") }
        for endpoint in metadata.singleLogoutServices { line("SingleLogoutService", "\(endpoint.location) (\(endpoint.binding))") }
        for (index, certificate) in metadata.signingCertificates.enumerated() {
            section("Signing certificate \(index + 1)") { c in c.certificate(certificate) }
        }
    }

    mutating func certificate(_ certificate: Certificate) {
        line("Subject", certificate.subject)
        line("Issuer", certificate.issuer)
        time("NotBefore", certificate.notBefore)
        time("NotAfter", certificate.notAfter)
        if let notBefore = certificate.notBefore, let notAfter = certificate.notAfter {
            line("Valid at \(SAMLInstant.format(now))", now < notBefore ? "no, not yet valid" : now >= notAfter ? "no, expired" : "yes")
        }
        line("Key", "RSA \(certificate.keyBits) bits")
        line("SHA-1 thumbprint", certificate.sha1Thumbprint)
        line("SHA-256 thumbprint", certificate.sha256Thumbprint)
    }

    mutating func signatures(_ signatures: [SignatureSummary]) {
        if signatures.isEmpty { line("Signatures", "none"); return }
        for signature in signatures {
            section("Signature on <\(signature.element)\(signature.elementID.map { " ID=\"\($0)\"" } ?? "")> (not verified)") { s in
                s.line("Reference", signature.referenceURIs.joined(separator: ", "))
                s.optional("SignatureMethod", signature.signatureMethod)
                s.optional("DigestMethod", signature.digestMethod)
                s.optional("CanonicalizationMethod", signature.canonicalization)
                if !signature.transforms.isEmpty { s.line("Transforms", signature.transforms.joined(separator: ", ")) }
                for certificate in signature.certificates { s.section("KeyInfo certificate") { c in c.certificate(certificate) } }
            }
        }
    }
}
