import Foundation

/// Reads the model from nodes of the one parsed document: the Response fields from the root, the Assertion only
/// from the single Assertion node that the signature checks covered (attacks.md §0.6). Every value is the full text
/// content; simple-content elements with child elements are refused, so nothing can hide behind markup.
struct ResponseReader {
    private static let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    private static let samlp: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    /// The values read so far, so that one read twice is one String (Entra repeats the issuer, the user's name and
    /// the role; a verification made about forty strings before).
    private var strings = StringPool()

    /// A reader for one document; read its Assertion, then its Response, with the same reader.
    init() {}

    /// Reads the Assertion `node` whose ID ``requiredID(_:)`` returned (see ``assertion(_:id:)-instance``).
    static func assertion(_ node: XMLNode) throws(SAMLError) -> Assertion {
        var reader = ResponseReader()
        return try reader.assertion(node, id: try requiredID(node))
    }

    /// Reads the Response `root` around an already read assertion (see ``response(_:id:status:assertion:)-instance``).
    static func response(_ root: XMLNode, status: Status, assertion: Assertion?) throws(SAMLError) -> Response {
        var reader = ResponseReader()
        return try reader.response(root, id: try requiredID(root), status: status, assertion: assertion)
    }

    /// The text of a simple-content element, through the pool.
    private mutating func text(_ node: XMLNode) -> String {
        node.withInPlaceText { strings.string($0, inDocument: true) } ?? node.textContent
    }

    /// An attribute's value, through the pool.
    private mutating func attribute(_ node: XMLNode, _ name: StaticString) -> String? {
        node.withAttributeBytes(name) { strings.string($0, inDocument: $1) }
    }

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

    /// The children of the Response in SAML core's order (3.2.2 StatusResponseType, 3.3.3 ResponseType): Issuer?,
    /// ds:Signature?, Extensions?, Status, then Assertions and EncryptedAssertions only. A reader that takes the first
    /// of two Issuers or Statuses and one that takes the last would see different messages; refusing the repeat, the
    /// misplaced and the unknown keeps every reader on the same element.
    static func checkEnvelope(_ root: XMLNode) throws(SAMLError) {
        let order: StaticString = "Issuer?, Signature?, Extensions?, Status, then Assertions (SAML core 3.2.2, 3.3.3)"
        let names = ["Issuer", "Signature", "Extensions", "Status"]
        try refuseStrayText(in: root)
        var last = -1  // the slot of the previous child: 0 Issuer, 1 Signature, 2 Extensions, 3 Status
        for child in root.elements {
            let slot: Int
            if child.isElement(saml, "Issuer") { slot = 0 }
            else if child.isElement(ds, "Signature") { slot = 1 }
            else if child.isElement(samlp, "Extensions") { slot = 2 }
            else if child.isElement(samlp, "Status") { slot = 3 }
            else if child.isElement(saml, "Assertion") || child.isElement(saml, "EncryptedAssertion") {
                guard last == 3 else {
                    throw SAMLError(.structureUnexpectedContent, "an assertion comes before the Status", expected: "\(order)",
                                    found: "<\(child.qualifiedDescription)> before <samlp:Status>")
                }
                continue
            } else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in the Response", expected: "\(order)",
                                found: "<\(child.qualifiedDescription)>")
            }
            if slot == last {
                throw SAMLError(.structureDuplicateElement, "the Response has more than one \(names[slot])",
                                expected: "at most one <\(child.qualifiedDescription)>", found: "several")
            }
            guard slot > last else {
                throw SAMLError(.structureUnexpectedContent, "<\(child.qualifiedDescription)> is out of place in the Response",
                                expected: "\(order)", found: "<\(child.qualifiedDescription)> after <\(names[last])>")
            }
            last = slot
        }
    }

    /// The Status of `root` as SAML core 3.2.2.1 and 3.2.2.2 shape it: a StatusCode first, then StatusMessage? and
    /// StatusDetail?, each StatusCode holding at most one StatusCode. ``status(of:)`` reads the first of each, so two
    /// StatusCodes (Success, then Responder) are refused rather than read as a success.
    static func checkStatusShape(of root: XMLNode) throws(SAMLError) {
        guard let status = root.child(samlp, "Status") else { return }  // status(of:) has refused its absence
        let shape: StaticString = "<StatusCode>, then <StatusMessage>? and <StatusDetail>? (SAML core 3.2.2.1)"
        try refuseStrayText(in: status)
        var slot = -1  // 0 StatusCode, 1 StatusMessage, 2 StatusDetail
        for child in status.elements {
            let next = child.isElement(samlp, "StatusCode") ? 0 : child.isElement(samlp, "StatusMessage") ? 1
                : child.isElement(samlp, "StatusDetail") ? 2 : 3
            guard next < 3, next > slot, slot >= 0 || next == 0 else {
                if child.isElement(ds, "Signature") {  // reported as a Signature anywhere else out of place is
                    throw SAMLError(.signatureUnexpectedLocation, "a Signature is not a direct child of the Response or the Assertion",
                                    expected: "Signatures only on <samlp:Response> or its <Assertion>", found: "a Signature inside <samlp:Status>")
                }
                throw SAMLError(next == slot ? .structureDuplicateElement : .structureUnexpectedContent,
                                next == slot ? "the Status has more than one <\(child.qualifiedDescription)>"
                                    : "unexpected element in the Status",
                                expected: "\(shape)", found: "<\(child.qualifiedDescription)>" + (slot < 0 ? " first" : ""))
            }
            slot = next
        }
        if let message = status.child(samlp, "StatusMessage"), message.hasElementChildren {
            throw SAMLError(.structureUnexpectedContent, "the StatusMessage holds elements", expected: "text only",
                            found: message.elementChildren.map { "<\($0.qualifiedDescription)>" }.joined(separator: ", "))
        }
        var code = status.child(samlp, "StatusCode")
        while let level = code {
            try refuseStrayText(in: level)
            var children = level.elements
            let nested = children.next()
            if let nested, !nested.isElement(samlp, "StatusCode") || children.next() != nil {
                throw SAMLError(.structureUnexpectedContent, "a StatusCode holds something other than one StatusCode",
                                expected: "at most one nested <StatusCode> (SAML core 3.2.2.2)",
                                found: level.elementChildren.map { "<\($0.qualifiedDescription)>" }.joined(separator: ", "))
            }
            code = nested
        }
    }

    /// Refuses text (or CDATA) other than white space directly inside `node`, an element of element-only content.
    static func refuseStrayText(in node: XMLNode) throws(SAMLError) {
        guard node.hasStrayText else { return }
        throw SAMLError(.structureUnexpectedContent, "<\(node.qualifiedDescription)> holds text between its elements",
                        expected: "elements and white space only", found: "text")
    }

    /// The Response fields of `root`, whose ID ``requiredID(_:)`` returned, around an already read assertion.
    mutating func response(_ root: XMLNode, id: String, status: Status, assertion: Assertion?) throws(SAMLError) -> Response {
        let issuerNode = root.child(Self.saml, "Issuer")
        strings.remember(id, asAttribute: "ID", of: root)
        return Response(id: id, issueInstant: try Self.requiredInstant(root, "IssueInstant"),
                        destination: attribute(root, "Destination"), inResponseTo: attribute(root, "InResponseTo"),
                        issuer: try issuerNode.map { node throws(SAMLError) in try issuer(node) }, status: status,
                        assertion: assertion, version: attribute(root, "Version") ?? "")
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

    /// The Assertion `node`, whose ID ``requiredID(_:)`` returned.
    mutating func assertion(_ node: XMLNode, id: String) throws(SAMLError) -> Assertion {
        strings.remember(id, asAttribute: "ID", of: node)
        try Self.refuseStrayText(in: node)
        var children = node.elements
        guard let first = children.next(), first.isElement(Self.saml, "Issuer") else {
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
            if child.isElement(Self.ds, "Signature") { continue }
            if child.isElement(Self.saml, "Subject") {
                guard subject == nil else { throw Self.duplicate("Subject") }
                subject = try readSubject(child)
            } else if child.isElement(Self.saml, "Conditions") {
                guard conditions == nil else { throw Self.duplicate("Conditions") }
                conditions = try readConditions(child)
            } else if child.isElement(Self.saml, "Advice") {
                // Entra never sends Advice; assertions nested there are a wrapping vector (attacks.md §7).
                throw SAMLError(.structureAdvice, "Advice is not accepted", expected: "no <Advice>", found: "<Advice>")
            } else if child.isElement(Self.saml, "AttributeStatement") {
                sawAttributeStatement = true
                try Self.refuseStrayText(in: child)
                attributes.reserveCapacity(attributes.count + (try Self.checkChildren(of: child, named: "Attribute")))
                for element in child.elements { attributes.append(try readAttribute(element)) }
            } else if child.isElement(Self.saml, "AuthnStatement") {
                guard authn == nil else { throw Self.duplicate("AuthnStatement") }
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
        return Assertion(id: id, issueInstant: try Self.requiredInstant(node, "IssueInstant"), issuer: try issuer(first),
                         subject: subject, conditions: conditions,
                         attributeStatement: sawAttributeStatement ? AttributeStatement(attributes) : nil,
                         authnStatement: authn, version: attribute(node, "Version") ?? "")
    }

    private static func duplicate(_ name: String) -> SAMLError {
        SAMLError(.structureDuplicateElement, "the Assertion has more than one \(name)", expected: "at most one <\(name)>",
                  found: "several")
    }

    private mutating func issuer(_ node: XMLNode) throws(SAMLError) -> Issuer {
        Issuer(try simpleText(node), format: attribute(node, "Format"))
    }

    /// Refuses any element child of `node` that is not `saml:<name>`; returns how many there are (to reserve for them
    /// without walking the children a second time).
    @discardableResult
    private static func checkChildren(of node: XMLNode, named name: StaticString) throws(SAMLError) -> Int {
        var count = 0
        for child in node.elements {
            guard child.isElement(saml, name) else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in \(node.localName)", expected: "<\(name)>",
                                found: "<\(child.qualifiedDescription)>")
            }
            count += 1
        }
        return count
    }

    /// Full text content of an element that must not contain elements.
    private mutating func simpleText(_ node: XMLNode) throws(SAMLError) -> String {
        guard !node.hasElementChildren else {
            throw SAMLError(.structureUnexpectedContent, "<\(node.qualifiedDescription)> must contain text only",
                            expected: "text", found: "child elements")
        }
        return text(node)
    }

    private mutating func readSubject(_ node: XMLNode) throws(SAMLError) -> Subject {
        try Self.refuseStrayText(in: node)
        var nameID: NameID?
        var confirmations: [SubjectConfirmation] = []
        for child in node.elements {
            if child.isElement(Self.saml, "NameID") {
                guard nameID == nil else {
                    throw SAMLError(.structureDuplicateElement, "the Subject has more than one NameID",
                                    expected: "one <NameID>", found: "several")
                }
                nameID = NameID(try simpleText(child), format: attribute(child, "Format"),
                                nameQualifier: attribute(child, "NameQualifier"),
                                spNameQualifier: attribute(child, "SPNameQualifier"))
            } else if child.isElement(Self.saml, "SubjectConfirmation") {
                try Self.refuseStrayText(in: child)
                var data: SubjectConfirmationData?
                if let d = child.child(Self.saml, "SubjectConfirmationData") {
                    data = SubjectConfirmationData(notBefore: try Self.optionalInstant(d, "NotBefore"),
                                                   notOnOrAfter: try Self.optionalInstant(d, "NotOnOrAfter"),
                                                   recipient: attribute(d, "Recipient"),
                                                   inResponseTo: attribute(d, "InResponseTo"), address: attribute(d, "Address"))
                }
                confirmations.append(SubjectConfirmation(method: attribute(child, "Method") ?? "", data: data))
            } else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in Subject",
                                expected: "<NameID> and <SubjectConfirmation>", found: "<\(child.qualifiedDescription)>")
            }
        }
        return Subject(nameID: nameID, confirmations: confirmations)
    }

    private mutating func readConditions(_ node: XMLNode) throws(SAMLError) -> Conditions {
        var c = Conditions(notBefore: try Self.optionalInstant(node, "NotBefore"),
                           notOnOrAfter: try Self.optionalInstant(node, "NotOnOrAfter"))
        try Self.refuseStrayText(in: node)
        for child in node.elements {
            if child.isElement(Self.saml, "AudienceRestriction") {
                var audiences: [String] = []
                try Self.refuseStrayText(in: child)
                try Self.checkChildren(of: child, named: "Audience")
                for audience in child.elements { audiences.append(try simpleText(audience)) }
                c.audienceRestrictions.append(audiences)
            } else if child.isElement(Self.saml, "OneTimeUse") {
                // SAML core 2.5.1.5: at most one, and empty. Whether it is enforced (a replay cache is configured) is
                // the Verifier's `conditions` check, not the reader's.
                guard !c.hasOneTimeUse else { throw Self.duplicate("OneTimeUse") }
                guard child.elementChildren.isEmpty else {
                    throw SAMLError(.structureUnexpectedContent, "OneTimeUse must be empty", expected: "<OneTimeUse/>",
                                    found: "child elements")
                }
                c.hasOneTimeUse = true
            } else if child.isElement(Self.saml, "ProxyRestriction") {
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

    private mutating func readAttribute(_ node: XMLNode) throws(SAMLError) -> Attribute {
        guard let name = attribute(node, "Name") else {
            throw SAMLError(.structureMissingElement, "an Attribute has no Name", expected: "Name=\"…\"", found: "none")
        }
        var values: [String] = []
        try Self.refuseStrayText(in: node)
        values.reserveCapacity(try Self.checkChildren(of: node, named: "AttributeValue"))
        for value in node.elements { values.append(try simpleText(value)) }
        return Attribute(name: name, values: values, nameFormat: attribute(node, "NameFormat"),
                         friendlyName: attribute(node, "FriendlyName"))
    }

    /// SAML core 2.7.2 and 2.7.2.2: SubjectLocality?, then one AuthnContext holding AuthnContextClassRef?, one of
    /// AuthnContextDecl or AuthnContextDeclRef?, then AuthenticatingAuthority*; anything else is refused, as in the
    /// Assertion's other statements.
    private mutating func readAuthn(_ node: XMLNode) throws(SAMLError) -> AuthnStatement {
        try Self.refuseStrayText(in: node)
        var context: XMLNode?
        var position = 0
        for child in node.elements {
            position += 1
            if context == nil && child.isElement(Self.saml, "AuthnContext") {
                context = child
            } else if context != nil || position > 1 || !child.isElement(Self.saml, "SubjectLocality") {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in AuthnStatement",
                                expected: "<SubjectLocality>?, then one <AuthnContext> (SAML core 2.7.2)",
                                found: "<\(child.qualifiedDescription)>")
            }
        }
        guard let context else {
            throw SAMLError(.structureMissingElement, "the AuthnStatement has no AuthnContext", expected: "<AuthnContext>",
                            found: "none")
        }
        try Self.refuseStrayText(in: context)
        var ref: String?
        var named = false  // a class or a declaration: AuthnContext must name one (SAML core 2.7.2.2)
        var slot = -1  // 0 AuthnContextClassRef, 1 AuthnContextDecl or AuthnContextDeclRef, 2 AuthenticatingAuthority
        for child in context.elements {
            let next = child.isElement(Self.saml, "AuthnContextClassRef") ? 0
                : child.isElement(Self.saml, "AuthnContextDecl") || child.isElement(Self.saml, "AuthnContextDeclRef") ? 1
                : child.isElement(Self.saml, "AuthenticatingAuthority") ? 2 : 3
            guard next < 3, next > slot || next == 2 else {
                throw SAMLError(.structureUnexpectedContent, "unsupported element in AuthnContext",
                                expected: "<AuthnContextClassRef>?, <AuthnContextDecl> or <AuthnContextDeclRef>?, <AuthenticatingAuthority>* (SAML core 2.7.2.2)",
                                found: "<\(child.qualifiedDescription)>")
            }
            if next == 0 { ref = try simpleText(child) }
            named = named || next < 2
            slot = next
        }
        guard named else {
            throw SAMLError(.structureMissingElement, "the AuthnContext names no context class or declaration",
                            expected: "<AuthnContextClassRef>, <AuthnContextDecl> or <AuthnContextDeclRef> (SAML core 2.7.2.2)",
                            found: "none")
        }
        return AuthnStatement(authnInstant: try Self.requiredInstant(node, "AuthnInstant"),
                              sessionIndex: attribute(node, "SessionIndex"),
                              sessionNotOnOrAfter: try Self.optionalInstant(node, "SessionNotOnOrAfter"),
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

/// The strings made from one document's bytes: a value that occurs twice (the issuer in the Response, the Assertion
/// and a claim; the user's name in NameID and two claims) is made once. Values of up to 15 bytes are stored inside
/// the String itself and the library's constants are returned as they are (``KnownStrings``), so neither is kept.
/// Only bytes that belong to the document are remembered: they stay valid while the reader runs.
private struct StringPool {
    private var entries: [(bytes: UnsafeBufferPointer<UInt8>, string: String)] = []

    /// `bytes` as a String; `inDocument` says whether they are the document's own (else a temporary copy).
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, inDocument: Bool) -> String {
        guard bytes.count > 15 else { return String(decoding: bytes, as: UTF8.self) }
        if let known = KnownStrings.lookup(bytes) { return known }
        for entry in entries where bytesEqual(entry.bytes, bytes) { return entry.string }
        let string = String(decoding: bytes, as: UTF8.self)
        if inDocument { add(bytes, string) }
        return string
    }

    /// Remembers `string`, already made from the value of `node`'s attribute `name`.
    mutating func remember(_ string: String, asAttribute name: StaticString, of node: XMLNode) {
        node.withAttributeBytes(name) { bytes, inDocument in
            if inDocument && bytes.count > 15 { add(bytes, string) }
        }
    }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ string: String) {
        guard entries.count < 16 else { return }  // a bound on the comparisons per value
        if entries.isEmpty { entries.reserveCapacity(8) }
        entries.append((bytes, string))
    }
}
