import Foundation

/// Reads the model from nodes of the one parsed document: the Response fields from the root, the Assertion only
/// from the single Assertion node that the signature checks covered (attacks.md §0.6). Every value is the full text
/// content; simple-content elements with child elements are refused, so nothing can hide behind markup.
enum ResponseReader {
    private static let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    private static let samlp: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    static func status(of root: XMLNode) throws(SAMLError) -> Status {
        guard let status = root.child(samlp, "Status") else {
            throw SAMLError(.structureMissingElement, "the Response has no Status", expected: "<samlp:Status>", found: "none")
        }
        guard let code = status.child(samlp, "StatusCode"), let value = code.attribute("Value") else {
            throw SAMLError(.structureMissingElement, "the Status has no StatusCode", expected: "<samlp:StatusCode Value=…>",
                            found: "none")
        }
        let message = status.child(samlp, "StatusMessage")?.textContent
        return Status(code: value, subCode: code.child(samlp, "StatusCode")?.attribute("Value"), message: message)
    }

    static func response(_ root: XMLNode, status: Status, assertion: Assertion?) throws(SAMLError) -> Response {
        try response(root, id: try requiredID(root), status: status, assertion: assertion)
    }

    /// As ``response(_:status:assertion:)`` with the root's ID already read by ``requiredID(_:)``.
    static func response(_ root: XMLNode, id: String, status: Status, assertion: Assertion?) throws(SAMLError) -> Response {
        Response(id: id, issueInstant: try requiredInstant(root, "IssueInstant"),
                 destination: root.attribute("Destination"), inResponseTo: root.attribute("InResponseTo"),
                 issuer: try root.child(saml, "Issuer").map(issuer), status: status, assertion: assertion,
                 version: root.attribute("Version") ?? "")
    }

    static func requiredID(_ node: XMLNode) throws(SAMLError) -> String {
        // The usual case, checked in place before the String is made.
        if let id = node.withAttributeBytes("ID", { isSafeID($0) ? String(decoding: $0, as: UTF8.self) : nil }) ?? nil {
            return id
        }
        guard let id = node.attribute("ID"), !id.isEmpty else {
            throw SAMLError(.structureMissingID, "<\(node.qualifiedDescription)> has no ID", expected: "an ID attribute",
                            found: "none")
        }
        guard isSafeID(id) else {
            throw SAMLError(.structureInvalidID, "<\(node.qualifiedDescription)> has an invalid ID",
                            expected: "letters, digits, _ . - (such as _8f3a…)", found: "\"\(id)\"")
        }
        return id
    }

    static func assertion(_ node: XMLNode) throws(SAMLError) -> Assertion {
        try assertion(node, id: try requiredID(node))
    }

    /// As ``assertion(_:)`` with the Assertion's ID already read by ``requiredID(_:)``.
    static func assertion(_ node: XMLNode, id: String) throws(SAMLError) -> Assertion {
        var children = node.elements
        guard let first = children.next(), first.isElement(saml, "Issuer") else {
            throw SAMLError(.issuerMissing, "the Assertion has no Issuer (SAML core 2.3.3)",
                            expected: "<Issuer> as the Assertion's first child",
                            found: node.firstElementChild.map { "<\($0.qualifiedDescription)>" } ?? "an empty Assertion")
        }
        var subject: Subject?
        var conditions: Conditions?
        var attributes: [Attribute] = []
        var sawAttributeStatement = false
        var authn: AuthnStatement?
        for child in children {
            if child.isElement(ds, "Signature") { continue }
            if child.isElement(saml, "Subject") {
                guard subject == nil else { throw duplicate("Subject") }
                subject = try readSubject(child)
            } else if child.isElement(saml, "Conditions") {
                guard conditions == nil else { throw duplicate("Conditions") }
                conditions = try readConditions(child)
            } else if child.isElement(saml, "Advice") {
                // Entra never sends Advice; assertions nested there are a wrapping vector (attacks.md §7).
                throw SAMLError(.structureAdvice, "Advice is not accepted", expected: "no <Advice>", found: "<Advice>")
            } else if child.isElement(saml, "AttributeStatement") {
                sawAttributeStatement = true
                try checkChildren(of: child, named: "Attribute")
                for element in child.elements { attributes.append(try readAttribute(element)) }
            } else if child.isElement(saml, "AuthnStatement") {
                guard authn == nil else { throw duplicate("AuthnStatement") }
                authn = try readAuthn(child)
            } else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in the Assertion",
                                expected: "Issuer, Signature, Subject, Conditions, AttributeStatement, AuthnStatement",
                                found: "<\(child.qualifiedDescription)>")
            }
        }
        // Pairwise for the usual handful of attributes, hashed beyond.
        if attributes.count <= 16 {
            for i in attributes.indices {
                for j in attributes.indices where j > i && attributes[j].name.utf8.count == attributes[i].name.utf8.count
                    && attributes[j].name == attributes[i].name {
                    throw SAMLError(.attributeDuplicateName, "an attribute appears twice; multiple values belong in one Attribute",
                                    expected: "one <Attribute Name=\"\(attributes[i].name)\">", found: "two")
                }
            }
        } else {
            var names = Set<String>()
            for attribute in attributes where !names.insert(attribute.name).inserted {
                throw SAMLError(.attributeDuplicateName, "an attribute appears twice; multiple values belong in one Attribute",
                                expected: "one <Attribute Name=\"\(attribute.name)\">", found: "two")
            }
        }
        return Assertion(id: id, issueInstant: try requiredInstant(node, "IssueInstant"), issuer: try issuer(first),
                         subject: subject, conditions: conditions,
                         attributeStatement: sawAttributeStatement ? AttributeStatement(attributes) : nil,
                         authnStatement: authn, version: node.attribute("Version") ?? "")
    }

    private static func duplicate(_ name: String) -> SAMLError {
        SAMLError(.structureDuplicateElement, "the Assertion has more than one \(name)", expected: "at most one <\(name)>",
                  found: "several")
    }

    private static func issuer(_ node: XMLNode) throws(SAMLError) -> Issuer {
        Issuer(try simpleText(node), format: node.attribute("Format"))
    }

    /// Refuses any element child of `node` that is not `saml:<name>`.
    private static func checkChildren(of node: XMLNode, named name: StaticString) throws(SAMLError) {
        for child in node.elements where !child.isElement(saml, name) {
            throw SAMLError(.structureUnexpectedContent, "unsupported element in \(node.localName)", expected: "<\(name)>",
                            found: "<\(child.qualifiedDescription)>")
        }
    }

    /// Full text content of an element that must not contain elements.
    private static func simpleText(_ node: XMLNode) throws(SAMLError) -> String {
        guard !node.hasElementChildren else {
            throw SAMLError(.structureUnexpectedContent, "<\(node.qualifiedDescription)> must contain text only",
                            expected: "text", found: "child elements")
        }
        return node.textContent
    }

    private static func readSubject(_ node: XMLNode) throws(SAMLError) -> Subject {
        var nameID: NameID?
        var confirmations: [SubjectConfirmation] = []
        for child in node.elements {
            if child.isElement(saml, "NameID") {
                guard nameID == nil else {
                    throw SAMLError(.structureDuplicateElement, "the Subject has more than one NameID",
                                    expected: "one <NameID>", found: "several")
                }
                nameID = NameID(try simpleText(child), format: child.attribute("Format"),
                                nameQualifier: child.attribute("NameQualifier"),
                                spNameQualifier: child.attribute("SPNameQualifier"))
            } else if child.isElement(saml, "SubjectConfirmation") {
                var data: SubjectConfirmationData?
                if let d = child.child(saml, "SubjectConfirmationData") {
                    data = SubjectConfirmationData(notBefore: try optionalInstant(d, "NotBefore"),
                                                   notOnOrAfter: try optionalInstant(d, "NotOnOrAfter"),
                                                   recipient: d.attribute("Recipient"),
                                                   inResponseTo: d.attribute("InResponseTo"), address: d.attribute("Address"))
                }
                confirmations.append(SubjectConfirmation(method: child.attribute("Method") ?? "", data: data))
            } else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in Subject",
                                expected: "<NameID> and <SubjectConfirmation>", found: "<\(child.qualifiedDescription)>")
            }
        }
        return Subject(nameID: nameID, confirmations: confirmations)
    }

    private static func readConditions(_ node: XMLNode) throws(SAMLError) -> Conditions {
        var c = Conditions(notBefore: try optionalInstant(node, "NotBefore"),
                           notOnOrAfter: try optionalInstant(node, "NotOnOrAfter"))
        for child in node.elements {
            if child.isElement(saml, "AudienceRestriction") {
                var audiences: [String] = []
                try checkChildren(of: child, named: "Audience")
                for audience in child.elements { audiences.append(try simpleText(audience)) }
                c.audienceRestrictions.append(audiences)
            } else if child.isElement(saml, "OneTimeUse") {
                // SAML core 2.5.1.5: at most one, and empty. Whether it is enforced (a replay cache is configured) is
                // the Verifier's `conditions` check, not the reader's.
                guard !c.hasOneTimeUse else { throw duplicate("OneTimeUse") }
                guard child.elementChildren.isEmpty else {
                    throw SAMLError(.structureUnexpectedContent, "OneTimeUse must be empty", expected: "<OneTimeUse/>",
                                    found: "child elements")
                }
                c.hasOneTimeUse = true
            } else if child.isElement(saml, "ProxyRestriction") {
                // Its Count and Audiences are not read: no check here enforces it, so the `conditions` step refuses it.
                c.hasProxyRestriction = true
            } else {
                // SAML core 2.5.1: a condition that is not understood makes the assertion invalid; the `conditions`
                // step refuses it, with the other conditions nothing enforces.
                c.unrecognized.append(child.qualifiedDescription)
            }
        }
        return c
    }

    private static func readAttribute(_ node: XMLNode) throws(SAMLError) -> Attribute {
        guard let name = node.attribute("Name") else {
            throw SAMLError(.structureMissingElement, "an Attribute has no Name", expected: "Name=\"…\"", found: "none")
        }
        var values: [String] = []
        try checkChildren(of: node, named: "AttributeValue")
        for value in node.elements { values.append(try simpleText(value)) }
        return Attribute(name: name, values: values, nameFormat: node.attribute("NameFormat"),
                         friendlyName: node.attribute("FriendlyName"))
    }

    private static func readAuthn(_ node: XMLNode) throws(SAMLError) -> AuthnStatement {
        let ref = try node.child(saml, "AuthnContext")?.child(saml, "AuthnContextClassRef").map(simpleText)
        return AuthnStatement(authnInstant: try requiredInstant(node, "AuthnInstant"),
                              sessionIndex: node.attribute("SessionIndex"),
                              sessionNotOnOrAfter: try optionalInstant(node, "SessionNotOnOrAfter"),
                              authnContextClassRef: ref)
    }

    static func requiredInstant(_ node: XMLNode, _ name: StaticString) throws(SAMLError) -> Date {
        guard let date = try optionalInstant(node, name) else {
            throw SAMLError(.structureMissingElement, "<\(node.qualifiedDescription)> has no \(name)",
                            expected: "\(name)=\"YYYY-MM-DDThh:mm:ss.sssZ\"", found: "none")
        }
        return date
    }

    static func optionalInstant(_ node: XMLNode, _ name: StaticString) throws(SAMLError) -> Date? {
        // Parsed in place; the String is made only for the refusal.
        guard let parsed = node.withAttributeBytes(name, { SAMLInstant.parse(utf8: $0) }) else { return nil }
        if let parsed { return parsed }
        let text = node.attribute(name) ?? ""
        guard let date = SAMLInstant.parse(text) else {
            throw SAMLError(.structureInvalidValue, "\(name) on <\(node.qualifiedDescription)> is not an xs:dateTime",
                            expected: "YYYY-MM-DDThh:mm:ss[.sss]Z", found: "\"\(text)\"")
        }
        return date
    }
}
