import Foundation

/// Writes Responses and Assertions in Entra's exact shape (aws-entra.md §6 and §10): `samlp` prefix declared last
/// on the Response, default namespace on assertion elements, Entra's attribute and element order, millisecond UTC
/// instants, one line, no XML declaration.
enum EntraSerializer {
    /// The bytes of `response`; `templates` places an unsigned `<Signature>` after the Issuer of each element it names.
    static func write(_ response: Response, templates: SignatureTemplates = .none) -> [UInt8] {
        writeWithSlots(response, templates: templates).bytes
    }

    /// The bytes and, in document order, where each template's values go.
    static func writeWithSlots(_ response: Response, templates: SignatureTemplates)
        -> (bytes: [UInt8], slots: [SignatureSlot], assertionRange: Range<Int>?) {
        var slots: [SignatureSlot] = []
        var assertionRange: Range<Int>?
        var w = XMLWriter(capacity: 6144)
        w.open("samlp:Response")
        w.attribute("ID", response.id)
        w.attribute("Version", response.version)
        w.attribute("IssueInstant", instant: response.issueInstant)
        w.attribute("Destination", response.destination)
        w.attribute("InResponseTo", response.inResponseTo)
        w.attribute("xmlns:samlp", SAMLNamespace.protocol_)
        w.close()
        if let issuer = response.issuer {
            w.open("Issuer")
            w.attribute("Format", issuer.format)
            w.attribute("xmlns", SAMLNamespace.assertion)
            w.close()
            w.escapeText(issuer.value)
            w.end("Issuer")
        }
        if let template = templates.response { slots.append(template.write(into: &w, referenceID: response.id)) }
        writeStatus(response.status, into: &w)
        if let assertion = response.assertion {
            let start = w.offset
            if let slot = writeAssertion(assertion, template: templates.assertion, into: &w) { slots.append(slot) }
            assertionRange = start..<w.offset
        }
        w.end("samlp:Response")
        return (w.bytes, slots, assertionRange)
    }

    /// A stand-alone `<Assertion>` (the default namespace declared on it, as inside a Response).
    static func write(_ assertion: Assertion, template: SignatureTemplate? = nil) -> [UInt8] {
        writeWithSlots(assertion, template: template).bytes
    }

    static func writeWithSlots(_ assertion: Assertion, template: SignatureTemplate?) -> (bytes: [UInt8], slots: [SignatureSlot]) {
        var w = XMLWriter(capacity: 4096)
        let slot = writeAssertion(assertion, template: template, into: &w)
        return (w.bytes, slot.map { [$0] } ?? [])
    }

    static func writeStatus(_ status: Status, into w: inout XMLWriter) {
        w.open("samlp:Status")
        w.close()
        w.open("samlp:StatusCode")
        w.attribute("Value", status.code)
        if let sub = status.subCode {
            w.close()
            w.open("samlp:StatusCode")
            w.attribute("Value", sub)
            w.selfClose()
            w.end("samlp:StatusCode")
        } else {
            w.selfClose()
        }
        if let message = status.message { w.element("samlp:StatusMessage", text: message) }
        w.end("samlp:Status")
    }

    @discardableResult
    static func writeAssertion(_ a: Assertion, template: SignatureTemplate?, into w: inout XMLWriter) -> SignatureSlot? {
        w.open("Assertion")
        w.attribute("ID", a.id)
        w.attribute("IssueInstant", instant: a.issueInstant)
        w.attribute("Version", a.version)
        w.attribute("xmlns", SAMLNamespace.assertion)
        w.close()
        w.open("Issuer")
        w.attribute("Format", a.issuer.format)
        w.close()
        w.escapeText(a.issuer.value)
        w.end("Issuer")
        let slot = template.map { $0.write(into: &w, referenceID: a.id) }
        if let subject = a.subject { writeSubject(subject, into: &w) }
        if let c = a.conditions { writeConditions(c, into: &w) }
        if let statement = a.attributeStatement, !statement.attributes.isEmpty {
            w.open("AttributeStatement")
            w.close()
            for attribute in statement.attributes {
                w.open("Attribute")
                w.attribute("Name", attribute.name)
                w.attribute("NameFormat", attribute.nameFormat)
                w.attribute("FriendlyName", attribute.friendlyName)
                w.close()
                for value in attribute.values { w.element("AttributeValue", text: value) }
                w.end("Attribute")
            }
            w.end("AttributeStatement")
        }
        if let authn = a.authnStatement {
            w.open("AuthnStatement")
            w.attribute("AuthnInstant", instant: authn.authnInstant)
            w.attribute("SessionIndex", authn.sessionIndex)
            w.attribute("SessionNotOnOrAfter", instant: authn.sessionNotOnOrAfter)
            w.close()
            w.open("AuthnContext")
            w.close()
            if let ref = authn.authnContextClassRef { w.element("AuthnContextClassRef", text: ref) }
            w.end("AuthnContext")
            w.end("AuthnStatement")
        }
        w.end("Assertion")
        return slot
    }

    private static func writeSubject(_ subject: Subject, into w: inout XMLWriter) {
        w.open("Subject")
        w.close()
        if let id = subject.nameID {
            w.open("NameID")
            w.attribute("Format", id.format)
            w.attribute("NameQualifier", id.nameQualifier)
            w.attribute("SPNameQualifier", id.spNameQualifier)
            w.close()
            w.escapeText(id.value)
            w.end("NameID")
        }
        for confirmation in subject.confirmations {
            w.open("SubjectConfirmation")
            w.attribute("Method", confirmation.method)
            if let d = confirmation.data {
                w.close()
                w.open("SubjectConfirmationData")
                w.attribute("InResponseTo", d.inResponseTo)
                w.attribute("NotBefore", instant: d.notBefore)
                w.attribute("NotOnOrAfter", instant: d.notOnOrAfter)
                w.attribute("Recipient", d.recipient)
                w.attribute("Address", d.address)
                w.selfClose()
                w.end("SubjectConfirmation")
            } else {
                w.selfClose()
            }
        }
        w.end("Subject")
    }

    private static func writeConditions(_ c: Conditions, into w: inout XMLWriter) {
        w.open("Conditions")
        w.attribute("NotBefore", instant: c.notBefore)
        w.attribute("NotOnOrAfter", instant: c.notOnOrAfter)
        let empty = c.audienceRestrictions.isEmpty && !c.hasOneTimeUse && !c.hasProxyRestriction
        if empty {
            w.selfClose()
            return
        }
        w.close()
        for restriction in c.audienceRestrictions {
            w.open("AudienceRestriction")
            w.close()
            for audience in restriction { w.element("Audience", text: audience) }
            w.end("AudienceRestriction")
        }
        if c.hasOneTimeUse {
            w.open("OneTimeUse")
            w.selfClose()
        }
        if c.hasProxyRestriction {
            w.open("ProxyRestriction")
            w.selfClose()
        }
        w.end("Conditions")
    }
}

extension Response {
    /// The Response in Entra's one-line shape, unsigned. Use ``Signer`` for signed output.
    public func xml() -> String { String(decoding: EntraSerializer.write(self), as: UTF8.self) }
}

extension Assertion {
    /// The Assertion alone, in Entra's shape, unsigned.
    public func xml() -> String { String(decoding: EntraSerializer.write(self), as: UTF8.self) }
}
