
/// What the native core established about a Response.
struct CoreVerification {
    var response: Response
    var assertion: Assertion
    var signedElements: SignedElements
    var certificate: Certificate
    /// Every certificate that verified a signature of the message (two when the Response and the Assertion were
    /// signed with different trusted keys).
    var certificates: [Certificate]
    /// Whether the assertion arrived as an EncryptedAssertion.
    var wasEncrypted = false
}

/// Steps 1-6 of attacks.md §0 on one parse of the document, in plain Swift over ``XMLNode``s (the C is in `Native/`): limits and parsing, structure, signature placement,
/// xmlsec verification with the configured certificates only, Reference binding, then reading from the verified
/// nodes. Policies (issuer, audience, time, …) run afterwards on the values returned.
enum CoreVerifier {
    private static let saml: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    private static let samlp: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"

    /// The root elements whose enveloped signature ``verifySignatures(_:limits:algorithms:trusted:requireSigned:)`` checks.
    static func isSignableRoot(_ root: XMLNode) -> Bool {
        root.isElement(samlp, "Response") || root.isElement(saml, "Assertion") || root.isElement(samlp, "AuthnRequest")
            || root.isElement(samlp, "LogoutRequest") || root.isElement(samlp, "LogoutResponse")
            || root.isElement("urn:oasis:names:tc:SAML:2.0:metadata", "EntityDescriptor")
    }

    /// Signature checks alone, for inspecting messages and for requests, logout messages and metadata: the same
    /// parse and document scan, then every signature must be a direct child of the root (or, in a Response, of one of
    /// its Assertion children) and verify with a configured certificate. No assertion count, no profile rules.
    static func verifySignatures(_ bytes: [UInt8], limits: ParseLimits, algorithms: AlgorithmPolicy,
                                 trusted: [Certificate]) throws(SAMLError) -> (signed: SignedElements, certificate: Certificate) {
        let document = try NativeDocument.parse(bytes, limits: limits, readOnly: true)
        defer { withExtendedLifetime(document) {} }
        let scan = try DocumentScan(document)
        guard let root = document.root, isSignableRoot(root) else {
            throw SAMLError(.structureUnexpectedRoot, "the document is not a signable SAML message or metadata",
                            expected: "Response, Assertion, AuthnRequest, LogoutRequest, LogoutResponse or EntityDescriptor",
                            found: document.root.map { "<\($0.qualifiedDescription)>" } ?? "no root element")
        }
        let verifier = SignatureVerifier(document: document, algorithms: algorithms, trusted: trusted)
        var signed: SignedElements = []
        var certificate: Certificate?
        var seen = Set<XMLNode>()
        for signature in scan.signatures {
            guard let parent = signature.parent,
                  parent == root
                    || (root.isElement(samlp, "Response") && parent.isElement(saml, "Assertion") && parent.parent == root) else {
                throw SAMLError(.signatureUnexpectedLocation, "a Signature is not a direct child of a signable element",
                                expected: "Signatures on the root or its Assertion",
                                found: "a Signature inside <\(signature.parent.map { $0.qualifiedDescription } ?? "?")>")
            }
            guard seen.insert(parent).inserted else {
                throw SAMLError(.signatureMultiple, "an element carries more than one Signature", expected: "one",
                                found: "several")
            }
            certificate = try verifier.verify(signature: signature, of: parent, id: try ResponseReader.requiredID(parent))
            signed.insert(parent == root && !root.isElement(saml, "Assertion") ? .response : .assertion)
        }
        guard let certificate else {
            throw SAMLError(.signatureMissing, "the document is not signed", expected: "a Signature", found: "none")
        }
        return (signed, certificate)
    }

    /// An Assertion that is not a direct child of the Response (the structure step, and the AWS issuer peek).
    static func misplacedAssertion(_ assertion: XMLNode) -> SAMLError {
        SAMLError(.structureMisplacedAssertion, "the Assertion is not a direct child of the Response",
                  expected: "<samlp:Response>/<Assertion>",
                  found: "an Assertion inside <\(assertion.parent.map { $0.qualifiedDescription } ?? "?")>")
    }

    /// The `document` step's last rule: the root is a SAML 2.0 `Response` with an ID. Shared with
    /// ``ResponsePeek/claimedIssuer(_:limits:)``, so that AWS's provider look-up runs after exactly this step.
    static func responseRoot(_ document: NativeDocument) throws(SAMLError) -> (root: XMLNode, id: String) {
        guard let root = document.root, root.isElement(samlp, "Response") else {
            throw SAMLError(.structureUnexpectedRoot, "the document is not a SAML Response",
                            expected: "<samlp:Response> (urn:oasis:names:tc:SAML:2.0:protocol)",
                            found: document.root.map { "<\($0.qualifiedDescription)> in \($0.namespaceURI ?? "no namespace")" }
                                ?? "no root element")
        }
        guard root.attribute("Version", equals: "2.0") else {
            throw SAMLError(.structureVersion, "unsupported SAML version", expected: "Version=\"2.0\"",
                            found: root.attribute("Version").map { "Version=\"\($0)\"" } ?? "no Version")
        }
        return (root, try ResponseReader.requiredID(root))
    }

    /// - Parameters:
    ///   - decryption: keys for an EncryptedAssertion; without them an EncryptedAssertion is refused.
    ///   - decrypted: set only on the second pass, over a document whose EncryptedAssertion was decrypted.
    ///   - outerSignature: on that pass, the certificate that verified the Response signature on the document as
    ///     received (then removed, since it covers the encrypted form), if it had one.
    ///   - stage: the step under way, so that a caller that catches an error knows which step it belongs to.
    static func verify(_ bytes: [UInt8], limits: ParseLimits, algorithms: AlgorithmPolicy, trusted: [Certificate],
                       decryption: Decryption? = nil, decrypted: Bool = false,
                       outerSignature: Certificate? = nil, stage: inout CoreStep) throws(SAMLError) -> CoreVerification {
        stage = .document
        let document = try NativeDocument.parse(bytes, limits: limits, readOnly: true)
        // Nodes below are raw pointers into this tree: keep it alive to the end of the scope, not to its last use.
        defer { withExtendedLifetime(document) {} }
        let scan = try DocumentScan(document)
        let (root, responseID) = try responseRoot(document)
        // SAML profiles 4.1.4.2: a non-Success Response is an error report, whatever else it holds.
        stage = .status
        let status = try ResponseReader.status(of: root)
        try ResponseReader.checkStatusShape(of: root)
        guard status.isSuccess else {
            throw SAMLError(.statusNotSuccess, "the IdP reported an error", expected: SAMLURI.statusSuccess,
                            found: [status.code, status.subCode, status.message].compactMap { $0 }.joined(separator: " / "))
        }
        stage = .structure
        try ResponseReader.checkEnvelope(root)
        if !scan.encryptedAssertions.isEmpty {
            guard let decryption, !decryption.keys.isEmpty, !decrypted else {
                throw SAMLError(.structureEncryptedAssertion, "encrypted assertions are not accepted by this verifier",
                                expected: "one plain <Assertion> (or decryption keys)",
                                found: "\(scan.encryptedAssertions.count) <EncryptedAssertion>")
            }
            return try verifyEncrypted(bytes, limits: limits, algorithms: algorithms, trusted: trusted, decryption: decryption,
                                       stage: &stage)
        }
        guard scan.assertions.count == 1, let assertionNode = scan.assertions.first else {
            if scan.assertions.isEmpty {
                throw SAMLError(.structureMissingAssertion, "the Response carries no Assertion", expected: "1 Assertion",
                                found: "0")
            }
            throw SAMLError(.structureMultipleAssertions, "a Response must carry exactly one Assertion",
                            expected: "1 Assertion", found: "\(scan.assertions.count) (including any nested or hidden ones)")
        }
        guard assertionNode.parent == root else { throw misplacedAssertion(assertionNode) }
        guard assertionNode.attribute("Version", equals: "2.0") else {
            throw SAMLError(.structureVersion, "unsupported Assertion version", expected: "Version=\"2.0\"",
                            found: assertionNode.attribute("Version").map { "Version=\"\($0)\"" } ?? "no Version")
        }
        let assertionID = try ResponseReader.requiredID(assertionNode)

        var responseSignature: XMLNode?
        var assertionSignature: XMLNode?
        for signature in scan.signatures {
            let parent = signature.parent
            if parent == root || parent == assertionNode {
                let isRoot = parent == root
                if (isRoot ? responseSignature : assertionSignature) != nil {
                    throw SAMLError(.signatureMultiple, "an element carries more than one Signature",
                                    expected: "at most one Signature on the \(isRoot ? "Response" : "Assertion")",
                                    found: "several")
                }
                if isRoot { responseSignature = signature } else { assertionSignature = signature }
            } else {
                throw SAMLError(.signatureUnexpectedLocation, "a Signature is not a direct child of the Response or the Assertion",
                                expected: "Signatures only on <samlp:Response> or its <Assertion>",
                                found: "a Signature inside <\(parent.map { $0.qualifiedDescription } ?? "the document")>")
            }
        }
        stage = .signature
        guard responseSignature != nil || assertionSignature != nil || outerSignature != nil else {
            throw SAMLError(.signatureMissing, "the Response is not signed", expected: "a signed Assertion or Response",
                            found: "no Signature")
        }
        let verifier = SignatureVerifier(document: document, algorithms: algorithms, trusted: trusted)
        var signed: SignedElements = outerSignature == nil ? [] : .response
        var certificates: [Certificate] = outerSignature.map { [$0] } ?? []
        if let assertionSignature {
            certificates.append(try verifier.verify(signature: assertionSignature, of: assertionNode, id: assertionID))
            signed.insert(.assertion)
        }
        if let responseSignature {
            certificates.append(try verifier.verify(signature: responseSignature, of: root, id: responseID))
            signed.insert(.response)
        }
        guard let certificate = certificates.last else { throw SAMLError(.signatureMissing, "the Response is not signed") }
        stage = .content
        var reader = ResponseReader()
        let assertion = try reader.assertion(assertionNode, id: assertionID)
        let response = try reader.response(root, id: responseID, status: status, assertion: assertion)
        // Usually one certificate, kept as it is; two only when the Response and the Assertion were signed apart.
        var distinct = certificates
        if certificates.count > 1 {
            distinct = []
            for c in certificates where !distinct.contains(c) { distinct.append(c) }
        }
        return CoreVerification(response: response, assertion: assertion, signedElements: signed, certificate: certificate,
                                certificates: distinct, wasEncrypted: decrypted)
    }

    /// attacks.md §9: check the Response signature on the document as received (it covers the encrypted form), decrypt
    /// with the configured keys only, put the Assertion in place of the EncryptedAssertion, and run every rule again
    /// on the result. Encryption is not authentication: the decrypted assertion still needs its own signature, or
    /// the outer Response signature verified here.
    private static func verifyEncrypted(_ bytes: [UInt8], limits: ParseLimits, algorithms: AlgorithmPolicy, trusted: [Certificate],
                                        decryption: Decryption, stage: inout CoreStep) throws(SAMLError) -> CoreVerification {
        // A modifiable tree (the verification parse is compact, which forbids edits).
        let document = try NativeDocument.parse(bytes, limits: limits)
        defer { withExtendedLifetime(document) {} }
        let scan = try DocumentScan(document)
        guard let root = document.root else { throw SAMLError(.structureUnexpectedRoot, "the document has no root") }
        guard scan.encryptedAssertions.count == 1, scan.assertions.isEmpty, let encrypted = scan.encryptedAssertions.first else {
            throw SAMLError(.structureMultipleAssertions, "a Response must carry exactly one assertion",
                            expected: "1 EncryptedAssertion and no plain Assertion",
                            found: "\(scan.encryptedAssertions.count) encrypted, \(scan.assertions.count) plain")
        }
        guard encrypted.parent == root else {
            throw SAMLError(.structureMisplacedAssertion, "the EncryptedAssertion is not a direct child of the Response",
                            expected: "<samlp:Response>/<EncryptedAssertion>", found: "one nested deeper")
        }
        var outer: Certificate?
        stage = .signature
        for signature in scan.signatures {
            guard signature.parent == root else {
                throw SAMLError(.signatureUnexpectedLocation, "a Signature is not a direct child of the Response",
                                expected: "at most one Signature, on <samlp:Response>",
                                found: "a Signature inside <\(signature.parent.map { $0.qualifiedDescription } ?? "?")>")
            }
            guard outer == nil else {
                throw SAMLError(.signatureMultiple, "the Response carries more than one Signature", expected: "one", found: "several")
            }
            let verifier = SignatureVerifier(document: document, algorithms: algorithms, trusted: trusted)
            outer = try verifier.verify(signature: signature, of: root, id: try ResponseReader.requiredID(root))
            document.remove(signature)
        }
        let plaintext = try NativeDecryption.decrypt(encrypted, with: decryption)
        guard !NativeDocument.containsDoctype(plaintext) else {
            throw SAMLError(.parseDTDForbidden, "DTDs are not allowed in SAML messages", expected: "no <!DOCTYPE>",
                            found: "one in the decrypted assertion")
        }
        // Anyone can encrypt to the SP's public certificate: the plaintext is as hostile as the message itself.
        let prescan: Result<LexicalPrescan, SAMLError> = plaintext.withUnsafeBytes { raw in
            do throws(SAMLError) { return .success(try LexicalPrescan(raw, limits: limits)) } catch { return .failure(error) }
        }
        _ = try prescan.get()
        // Parsed in the Response's context, so namespaces the IdP declared on ancestors still resolve.
        try document.replace(encrypted, withElementParsedFrom: plaintext, in: root, expecting: saml, "Assertion")
        let decrypted = try document.serialize(root)
        // The caller's limits on the whole decrypted document, only its size allowed to grow (base64 and the
        // encryption envelope are gone, but the plaintext may still be longer than the limit's headroom).
        var decryptedLimits = limits
        decryptedLimits.maxDocumentBytes = max(limits.maxDocumentBytes, decrypted.count)
        return try verify(decrypted, limits: decryptedLimits, algorithms: algorithms, trusted: trusted, decrypted: true,
                          outerSignature: outer, stage: &stage)
    }
}
