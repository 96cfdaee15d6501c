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
        w.open("samlp:Response", [
            "ID": response.id,
            "Version": response.version,
            "IssueInstant": SAMLInstant.format(response.issueInstant),
            "Destination": response.destination,
            "InResponseTo": response.inResponseTo,
            "xmlns:samlp": SAMLNamespace.protocol_,
        ])
        w.close()
        if let issuer = response.issuer {
            w.element("Issuer", ["Format": issuer.format, "xmlns": SAMLNamespace.assertion], text: issuer.value)
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
        w.open("samlp:StatusCode", ["Value": status.code])
        if let sub = status.subCode {
            w.close()
            w.open("samlp:StatusCode", ["Value": sub])
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
        w.open("Assertion", [
            "ID": a.id,
            "IssueInstant": SAMLInstant.format(a.issueInstant),
            "Version": a.version,
            "xmlns": SAMLNamespace.assertion,
        ])
        w.close()
        w.element("Issuer", ["Format": a.issuer.format], text: a.issuer.value)
        let slot = template.map { $0.write(into: &w, referenceID: a.id) }
        if let subject = a.subject { writeSubject(subject, into: &w) }
        if let c = a.conditions { writeConditions(c, into: &w) }
        if let statement = a.attributeStatement, !statement.attributes.isEmpty {
            w.open("AttributeStatement")
            w.close()
            for attribute in statement.attributes {
                w.open("Attribute", [
                    "Name": attribute.name,
                    "NameFormat": attribute.nameFormat,
                    "FriendlyName": attribute.friendlyName,
                ])
                w.close()
                for value in attribute.values { w.element("AttributeValue", text: value) }
                w.end("Attribute")
            }
            w.end("AttributeStatement")
        }
        if let authn = a.authnStatement {
            w.open("AuthnStatement", [
                "AuthnInstant": SAMLInstant.format(authn.authnInstant),
                "SessionIndex": authn.sessionIndex,
                "SessionNotOnOrAfter": authn.sessionNotOnOrAfter.map(SAMLInstant.format),
            ])
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
            w.element("NameID", [
                "Format": id.format,
                "NameQualifier": id.nameQualifier,
                "SPNameQualifier": id.spNameQualifier,
            ], text: id.value)
        }
        for confirmation in subject.confirmations {
            w.open("SubjectConfirmation", ["Method": confirmation.method])
            if let d = confirmation.data {
                w.close()
                w.open("SubjectConfirmationData", [
                    "InResponseTo": d.inResponseTo,
                    "NotBefore": d.notBefore.map(SAMLInstant.format),
                    "NotOnOrAfter": d.notOnOrAfter.map(SAMLInstant.format),
                    "Recipient": d.recipient,
                    "Address": d.address,
                ])
                w.selfClose()
                w.end("SubjectConfirmation")
            } else {
                w.selfClose()
            }
        }
        w.end("Subject")
    }

    private static func writeConditions(_ c: Conditions, into w: inout XMLWriter) {
        w.open("Conditions", [
            "NotBefore": c.notBefore.map(SAMLInstant.format),
            "NotOnOrAfter": c.notOnOrAfter.map(SAMLInstant.format),
        ])
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
