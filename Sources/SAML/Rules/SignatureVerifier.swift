import Foundation

/// Verifies one enveloped `ds:Signature`: the shape and algorithms of SignedInfo before any cryptography, then
/// libxmlsec1 (through ``SignatureContext``) with configured certificates only, then the binding of its single
/// Reference to the element that carries it (attacks.md §0.4, §0.5). Plain Swift: the C lives in `Native/`.
struct SignatureVerifier {
    let document: NativeDocument
    let algorithms: AlgorithmPolicy
    let trusted: [Certificate]

    /// `trusted` without repeats: a signature without KeyInfo is tried against each certificate in turn, so a key
    /// listed by many providers (every app of one tenant publishes the same metadata) must cost one attempt, not one
    /// per listing.
    init(document: NativeDocument, algorithms: AlgorithmPolicy, trusted: [Certificate]) {
        self.document = document
        self.algorithms = algorithms
        // Pairwise for the usual handful (a Set hashed every certificate's DER on every verification).
        if trusted.count < 2 {
            self.trusted = trusted
        } else if trusted.count <= 16 {
            var unique: [Certificate] = []
            unique.reserveCapacity(trusted.count)
            for certificate in trusted where !unique.contains(certificate) { unique.append(certificate) }
            self.trusted = unique
        } else {
            var seen = Set<Certificate>()
            self.trusted = trusted.filter { seen.insert($0).inserted }
        }
    }

    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    /// Counts the runs of libxmlsec1 made in the current task, when a test binds it: how the once-per-signature
    /// canonicalisation is tested without timing anything.
    final class RunCounter: @unchecked Sendable { var runs = 0 }
    @TaskLocal static var runCounter: RunCounter?

    /// Verifies `signature`, a direct child of `element` whose ID is `id`. Returns the certificate that verified it.
    func verify(signature: XMLNode, of element: XMLNode, id: String) throws(SAMLError) -> Certificate {
        let reference = try checkSignedInfo(signature, id: id, element: element)
        // XML-DSig 4.3: SignedInfo, then SignatureValue. Checked here so that a missing or empty one is named, not
        // left to libxmlsec1's internal assertion text.
        let value = signature.firstElementChild?.nextElementSibling
        guard let value, value.isElement(Self.ds, "SignatureValue") else {
            throw SAMLError(.signatureMalformed, "the Signature has no SignatureValue after SignedInfo", expected: "<SignatureValue>",
                            found: value.map { "<\($0.qualifiedDescription)>" } ?? "nothing")
        }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard value.withInPlaceText({ $0.contains { !isSpace($0) } }) ?? value.textBytes.contains(where: { !isSpace($0) }) else {
            throw SAMLError(.signatureMalformed, "the SignatureValue is empty", expected: "the base64 of the signature",
                            found: "an empty <SignatureValue>")
        }
        guard document.registerID(id, on: element) else {
            throw SAMLError(.structureDuplicateID, "the signed element's ID could not be registered",
                            expected: "a unique ID \"\(id)\"", found: "an ID already in use")
        }
        let hint = keyInfoHint(signature)
        // The certificate KeyInfo names is tried first; the other trusted ones still follow, since KeyInfo is only a
        // hint (an IdP in mid-rollover may announce the wrong one).
        let candidates = hint.matching.map { match in trusted.first == match ? trusted : [match] + trusted.filter { $0 != match } } ?? trusted
        guard !candidates.isEmpty else {
            throw SAMLError(.signatureNoTrustedCertificates, "no certificate is configured to verify signatures",
                            expected: "at least one trusted IdP certificate", found: "none")
        }
        // After one full run whose digest verified and whose signature did not, the other certificates need only the
        // RSA check of SignatureValue over SignedInfo's canonical form, which is the same for every key: a run of
        // libxmlsec1 per certificate canonicalised the whole document again each time (with a made-up SignatureValue
        // and a correct digest, 3.6 s a certificate for a 48 KB message before the canonicalisation limit; found at
        // stop 25, tried as an attacker would). The certificate that passes it is then verified in full as before.
        var signedInfo: [UInt8]?
        var decodedValue: [UInt8]?
        for certificate in candidates {
            if let signedInfo, let method = Self.signatureAlgorithm(of: signature),
               let decoded = decodedValue ?? Base64.decode(value.textBytes), !decoded.isEmpty,
               !certificate.publicKey.verify(decoded, of: signedInfo, algorithm: method) {
                decodedValue = decoded
                continue
            }
            switch try verifyOnce(signature, element: element, id: id, reference: reference, key: certificate.publicKey,
                                  keepingSignedInfo: &signedInfo) {
            case .valid:
                return certificate
            case .digestMismatch:
                throw SAMLError(.signatureDigestMismatch, "the signed content was modified after signing",
                                expected: "the DigestValue of <\(element.qualifiedDescription) ID=\"\(id)\">",
                                found: "a different digest of its current content")
            case .signatureMismatch:
                continue
            }
        }
        let fingerprints = trusted.map { "SHA-256 " + $0.sha256Thumbprint }.joined(separator: ", ")
        if let foreign = hint.foreign {
            throw SAMLError(.signatureUntrustedKey, "the signature was not made by a trusted certificate",
                            expected: "a signature by one of the configured certificates (\(fingerprints))",
                            found: foreign)
        }
        throw SAMLError(.signatureInvalid, "the SignatureValue does not verify",
                        expected: "a valid signature by one of the configured certificates (\(fingerprints))",
                        found: "a SignatureValue that none of them verifies")
    }

    // MARK: - Before xmlsec: the shape of SignedInfo

    /// The allowlists of ``AlgorithmPolicy``, built once for the two policies that exist (the getters build a Set
    /// per call).
    private static let strictPolicy = AlgorithmPolicy.strict
    private static let legacyPolicy = AlgorithmPolicy(allowSHA1: true)
    private static let strictSignatureMethods = ByteStrings(strictPolicy.signatureMethods)
    private static let legacySignatureMethods = ByteStrings(legacyPolicy.signatureMethods)
    private static let strictDigestMethods = ByteStrings(strictPolicy.digestMethods)
    private static let legacyDigestMethods = ByteStrings(legacyPolicy.digestMethods)
    private static let canonicalizationMethods = ByteStrings(AlgorithmPolicy.canonicalizationMethods)

    private var signatureMethods: ByteStrings {
        algorithms == Self.strictPolicy ? Self.strictSignatureMethods
            : algorithms == Self.legacyPolicy ? Self.legacySignatureMethods : ByteStrings(algorithms.signatureMethods)
    }

    private var digestMethods: ByteStrings {
        algorithms == Self.strictPolicy ? Self.strictDigestMethods
            : algorithms == Self.legacyPolicy ? Self.legacyDigestMethods : ByteStrings(algorithms.digestMethods)
    }

    /// Checks SignedInfo's shape and algorithms, comparing attribute values in place (no String per value on the
    /// accepting path; the refusals build their messages). Returns the single Reference.
    private func checkSignedInfo(_ signature: XMLNode, id: String, element: XMLNode) throws(SAMLError) -> XMLNode {
        guard let signedInfo = signature.firstElementChild, signedInfo.isElement(Self.ds, "SignedInfo") else {
            throw SAMLError(.signatureMalformed, "the Signature does not start with SignedInfo", expected: "<SignedInfo>",
                            found: signature.firstElementChild.map { "<\($0.qualifiedDescription)>" } ?? "nothing")
        }
        // libxmlsec1 reads `URI` and `Algorithm` with xmlGetProp, which takes the first attribute of that name in ANY
        // namespace; these rules read the one without a namespace. `<Reference ns0:URI="#xpointer(…)" URI="#id">`
        // passed them while xmlsec dereferenced the XPath, evaluated before any signature check (cubic: 30 s for
        // 13.7 KB). XML-DSig gives its elements no namespaced attributes, so any is refused, and xmlsec reads exactly
        // what was checked here (tried as an attacker would, stop 25: helper findings 02 and 03).
        if let qualified = signature.firstQualifiedAttribute {
            throw SAMLError(.signatureMalformed, "the Signature has a namespace-qualified attribute",
                            expected: "XML-DSig's attributes without a namespace prefix (libxmlsec1 would read a prefixed URI or Algorithm as its own)",
                            found: qualified)
        }
        let c14nMethod = signedInfo.child(Self.ds, "CanonicalizationMethod")
        let signedInfoPrefixes = try c14nMethod.map { node throws(SAMLError) in try Self.checkPrefixList(node) } ?? 0
        guard let c14nMethod, c14nMethod.attribute("Algorithm", isOneOf: Self.canonicalizationMethods) else {
            throw SAMLError(.signatureAlgorithmNotAllowed, "CanonicalizationMethod is not allowed",
                            expected: "exclusive C14N or C14N 1.0 without comments",
                            found: c14nMethod?.attribute("Algorithm") ?? "none")
        }
        try checkCanonicalizationWork(of: "SignedInfo", exclusive: c14nMethod.attribute("Algorithm", equals: TransformURI.exclusiveC14N),
                                      prefixes: signedInfoPrefixes)
        let signatureMethod = signedInfo.child(Self.ds, "SignatureMethod")
        guard let signatureMethod, signatureMethod.attribute("Algorithm", isOneOf: signatureMethods) else {
            throw SAMLError(.signatureAlgorithmNotAllowed, "SignatureMethod is not allowed",
                            expected: algorithms.allowSHA1 ? "rsa-sha256/384/512 or rsa-sha1" : "rsa-sha256, rsa-sha384 or rsa-sha512",
                            found: signatureMethod?.attribute("Algorithm") ?? "none")
        }
        var references = 0
        var first: XMLNode?
        for child in signedInfo.elements where child.isElement(Self.ds, "Reference") {
            references += 1
            if first == nil { first = child }
        }
        guard references == 1, let reference = first else {
            throw SAMLError(.signatureReferenceCount, "SAML signatures carry exactly one Reference (SAML core 5.4.2)",
                            expected: "1 Reference", found: "\(references)")
        }
        var expectedID = id
        let uriMatches = expectedID.withUTF8 { expected in
            reference.withAttributeBytes("URI") { uri in
                uri.count == expected.count + 1 && uri[0] == 0x23 && bytesEqual(UnsafeBufferPointer(rebasing: uri.dropFirst()), expected)
            } ?? false
        }
        guard uriMatches else {
            let uri = reference.attribute("URI")
            throw SAMLError(.signatureReferenceURI, "the Reference must point at the element that carries the Signature",
                            expected: "URI=\"#\(id)\" (<\(element.qualifiedDescription)>)",
                            found: uri.map { $0.isEmpty ? "URI=\"\" (the whole document)" : "URI=\"\($0)\"" } ?? "no URI")
        }
        var transformCount = 0
        var firstIsEnveloped = false
        var secondIsC14N = false
        var referencePrefixes = 0
        if let transforms = reference.child(Self.ds, "Transforms") {
            for transform in transforms.elements {
                guard transform.isElement(Self.ds, "Transform") else {
                    throw SAMLError(.signatureMalformed, "unexpected element in Transforms", expected: "<Transform>",
                                    found: "<\(transform.qualifiedDescription)>")
                }
                let isExclusiveC14N = transform.attribute("Algorithm", equals: TransformURI.exclusiveC14N)
                // Only exclusive C14N may carry a child (InclusiveNamespaces); an XPath or XSLT body is refused.
                for child in transform.elements
                where !(isExclusiveC14N && child.isElement("http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces")) {
                    throw SAMLError(.signatureTransformNotAllowed, "unexpected content in a Transform",
                                    expected: "none (or InclusiveNamespaces for exclusive C14N)",
                                    found: "<\(child.qualifiedDescription)>")
                }
                referencePrefixes += try Self.checkPrefixList(transform)
                if transformCount == 0 {
                    firstIsEnveloped = transform.attribute("Algorithm", equals: TransformURI.enveloped)
                } else if transformCount == 1 {
                    secondIsC14N = transform.attribute("Algorithm", isOneOf: Self.canonicalizationMethods)
                }
                transformCount += 1
            }
        }
        // enveloped-signature, optionally followed by one allowed canonicalisation.
        let allowed = firstIsEnveloped && (transformCount == 1 || (transformCount == 2 && secondIsC14N))
        guard allowed else {
            let seen = reference.child(Self.ds, "Transforms").map { $0.elements.map { $0.attribute("Algorithm") ?? "" } } ?? []
            throw SAMLError(.signatureTransformNotAllowed, "the Reference's transforms are not allowed (SAML core 5.4.4)",
                            expected: "enveloped-signature, then optionally exclusive C14N",
                            found: seen.isEmpty ? "no transforms" : seen.joined(separator: ", "))
        }
        // Without a canonicalisation transform after enveloped-signature, xmlsec converts the node set with C14N 1.0.
        var transformsAfterFirst = reference.child(Self.ds, "Transforms")?.elements.dropFirst().makeIterator()
        let exclusive = transformsAfterFirst?.next()?.attribute("Algorithm", equals: TransformURI.exclusiveC14N) ?? false
        try checkCanonicalizationWork(of: "the Reference", exclusive: exclusive, prefixes: referencePrefixes)
        let digestMethod = reference.child(Self.ds, "DigestMethod")
        guard let digestMethod, digestMethod.attribute("Algorithm", isOneOf: digestMethods) else {
            throw SAMLError(.signatureAlgorithmNotAllowed, "DigestMethod is not allowed",
                            expected: algorithms.allowSHA1 ? "sha256/384/512 or sha1" : "sha256, sha384 or sha512",
                            found: digestMethod?.attribute("Algorithm") ?? "none")
        }
        return reference
    }

    /// One canonicalisation pass of libxmlsec1 (for `what`: the Reference or SignedInfo) walks the whole document
    /// under a node set (``ParseLimits/maxCanonicalizationWork``, counted by ``DocumentScan``). C14N 1.0 looks up
    /// every namespace declaration in scope of every element, each look-up and visibility test walking up the tree:
    /// the work is the depth times the declarations in scope, plus the depth. Exclusive C14N looks up only what an
    /// element uses and each InclusiveNamespaces prefix: the depth times one more than the prefixes (the trial's 240
    /// declarations over 9,800 elements took 5 s under C14N 1.0, 0.07 s under exclusive C14N). Without a scan of the
    /// document, nothing is verified.
    private func checkCanonicalizationWork(of what: String, exclusive: Bool, prefixes: Int) throws(SAMLError) {
        guard let work = document.canonicalizationWork else {
            throw SAMLError(.parseMalformed, "the document was not scanned before its signature", expected: "DocumentScan first",
                            found: "no scan")
        }
        let total = exclusive ? (prefixes + 1) * work.depth : work.namespaces + (prefixes + 1) * work.depth
        let budget = document.limits.maxCanonicalizationWork
        guard total > budget else { return }
        throw SAMLError(.limitCanonicalization, "canonicalising \(what) would be too costly for the message's nesting and namespaces",
                        expected: "at most \(budget): each element's depth times "
                            + (exclusive ? "one more than the \(prefixes) InclusiveNamespaces prefixes (exclusive C14N)"
                                         : "the namespace declarations in scope, plus its depth (C14N 1.0)"),
                        found: "\(total)")
    }

    /// An InclusiveNamespaces PrefixList names prefixes declared in the signed content (SAML uses none, or a few):
    /// xmlsec looks each one up for every node it canonicalises, so a 1 MiB list took half a second. At most 32
    /// prefixes of at most 64 bytes. Returns how many prefixes it names (0 without InclusiveNamespaces).
    @discardableResult
    static func checkPrefixList(_ element: XMLNode) throws(SAMLError) -> Int {
        var count = 0
        for child in element.elements where child.isElement("http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces") {
            let list = child.attribute("PrefixList") ?? ""
            let prefixes = list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            guard list.utf8.count <= 2_048, prefixes.count <= 32, prefixes.allSatisfy({ $0.utf8.count <= 64 }) else {
                throw SAMLError(.signatureTransformNotAllowed, "the InclusiveNamespaces PrefixList is too long",
                                expected: "at most 32 prefixes of at most 64 bytes", found: "\(prefixes.count) prefixes, \(list.utf8.count) bytes")
            }
            count += prefixes.count
        }
        return count
    }

    /// The allowlisted SignatureMethod of `signature` (the SignedInfo rules checked it), as the algorithm the RSA
    /// check uses.
    private static func signatureAlgorithm(of signature: XMLNode) -> SignatureAlgorithm? {
        guard let method = signature.firstElementChild?.child(ds, "SignatureMethod") else { return nil }
        return SignatureAlgorithm.allCases.first { method.attribute("Algorithm", equals: $0.signatureMethod) }
    }

    // MARK: - KeyInfo as a hint, never as trust

    private struct KeyHint {
        /// The configured certificate KeyInfo names, if any.
        var matching: Certificate?
        /// A description of key material in KeyInfo that is not configured.
        var foreign: String?
    }

    /// Reads KeyInfo only to pick which configured certificate to try first and to explain a failure.
    private func keyInfoHint(_ signature: XMLNode) -> KeyHint {
        guard let keyInfo = signature.child(Self.ds, "KeyInfo") else { return KeyHint() }
        if let node = keyInfo.child(Self.ds, "X509Data")?.child(Self.ds, "X509Certificate") {
            // Runs on every verification: first an in-place comparison (Entra writes the base64 on one line), then
            // a whitespace-insensitive one.
            if let match = node.withInPlaceText({ content in
                trusted.first(where: { certificate in
                    certificate.base64Bytes.withUnsafeBufferPointer { bytesEqual($0, content) }
                })
            }) ?? nil {
                return KeyHint(matching: match)
            }
            let text = Base64.stripWhitespace(node.textBytes)
            if let match = trusted.first(where: { $0.base64Bytes == text }) { return KeyHint(matching: match) }
            let subject = Base64.decode(text).flatMap { try? Certificate(bytes: $0) }
            return KeyHint(foreign: subject.map { "a certificate carried in the message: \($0.subject), SHA-256 \($0.sha256Thumbprint)" }
                ?? "an unreadable certificate carried in the message")
        }
        if keyInfo.child(Self.ds, "KeyValue") != nil {
            return KeyHint(foreign: "a bare KeyValue carried in the message (never trusted)")
        }
        return KeyHint()
    }

    // MARK: - xmlsec, then binding what it verified to what will be read

    /// The digest of no bytes for each digest method: a verified Reference whose DigestValue is one of these had an
    /// empty canonical form.
    private static let emptyInputDigests: [(method: String, digest: [UInt8])] =
        SignatureAlgorithm.allCases.map { ($0.digestMethod, NativeX509.digest([], algorithm: $0)) }

    private static func isBase64Alphabet(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2B || c == 0x2F
    }

    /// ``emptyInputDigests`` as the base64 text a DigestValue holds, to compare in place without decoding.
    private static let emptyInputDigestTexts: [[UInt8]] =
        emptyInputDigests.map { Array(Data($0.digest).base64EncodedString().utf8) }

    /// Whether the verified `reference`'s DigestValue is the digest of empty input; `nil` when it cannot be read
    /// here (then the caller verifies again with the pre-digest buffer stored).
    static func digestsEmptyInput(_ reference: XMLNode) -> Bool? {
        guard let method = reference.child(ds, "DigestMethod"),
              let index = emptyInputDigests.firstIndex(where: { method.attribute("Algorithm", equals: $0.method) }),
              let value = reference.child(ds, "DigestValue") else { return nil }
        // In place first: four base64 alphabet characters decode to exactly three bytes, so when the first 24
        // characters are all alphabet (no whitespace, no padding) and differ from the empty digest's, the first 18
        // decoded bytes differ and so does the digest. Anything else (equal prefixes, other shapes) is decoded.
        let prefix = 24
        let differs = value.withInPlaceText { text in
            text.count >= prefix && text.prefix(prefix).allSatisfy(Self.isBase64Alphabet)
                && !emptyInputDigestTexts[index].withUnsafeBufferPointer {
                    bytesEqual(UnsafeBufferPointer(rebasing: $0.prefix(prefix)), UnsafeBufferPointer(rebasing: text.prefix(prefix)))
                }
        }
        if differs == true { return false }
        guard let decoded = Base64.decode(value.textBytes) else { return nil }
        return decoded == emptyInputDigests[index].digest
    }

    /// One run of xmlsec with `key`, then the bindings (attacks.md §0.4, §0.5): success is only "status Succeeded"
    /// (xmlsec FAQ 3.1), on exactly one Reference, whose URI is `#id` and resolves to `element` itself, with non-empty
    /// canonical forms of SignedInfo and of the Reference.
    /// - Parameter storeReferences: keep the Reference's canonical form in memory to measure it; by default the
    ///   empty-output check reads the verified DigestValue instead.
    /// - Parameter keepingSignedInfo: set to SignedInfo's canonical form when the digest verified and the signature did
    ///   not (and it was not set before).
    private func verifyOnce(_ signature: XMLNode, element: XMLNode, id: String, reference referenceNode: XMLNode, key: NativeKey,
                            storeReferences: Bool = false, keepingSignedInfo signedInfo: inout [UInt8]?) throws(SAMLError)
        -> SignatureContext.Outcome.Status {
        let context = try SignatureContext(allowSHA1: algorithms.allowSHA1, storeReferences: storeReferences)
        Self.runCounter?.runs += 1
        let outcome = try context.verify(signature, with: key, expecting: id)
        if signedInfo == nil, let kept = outcome.signedInfo, !kept.isEmpty { signedInfo = kept }
        guard outcome.status == .valid else { return outcome.status }
        guard outcome.referenceCount == 1 else {
            throw SAMLError(.signatureReferenceCount, "the verified signature has an unexpected number of references",
                            expected: "1", found: "\(outcome.referenceCount)")
        }
        guard outcome.referenceMatches else {
            throw SAMLError(.signatureReferenceBinding, "the verified Reference is not the signed element",
                            expected: "#\(id)", found: outcome.referenceURI ?? "no URI")
        }
        guard let bound = document.element(withID: id), bound == element else {
            throw SAMLError(.signatureReferenceBinding, "the verified Reference resolves to a different node",
                            expected: "<\(element.qualifiedDescription) ID=\"\(id)\"> carrying the Signature",
                            found: "another element")
        }
        let digested: Int
        if let measured = outcome.referenceBytes {
            digested = measured
        } else {
            // Status Succeeded means the digest of the Reference's canonical form equals DigestValue, so that form was
            // empty exactly when DigestValue is the digest of no bytes.
            switch Self.digestsEmptyInput(referenceNode) {
            case false?: digested = 1
            case true?: digested = 0
            case nil: return try verifyOnce(signature, element: element, id: id, reference: referenceNode, key: key, storeReferences: true,
                                            keepingSignedInfo: &signedInfo)
            }
        }
        guard digested > 0, outcome.signedInfoBytes > 0 else {
            throw SAMLError(.signatureCanonicalization, "canonicalisation produced no output",
                            expected: "the canonical form of the signed element and of SignedInfo",
                            found: digested > 0 ? "\(outcome.signedInfoBytes) bytes for SignedInfo" : "none for the Reference")
        }
        return .valid
    }
}
