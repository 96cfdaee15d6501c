internal import CXMLSec
internal import CXMLSecShim
import Foundation

/// Where a verification's and a signature's time goes, stage by stage, for `saml-bench --stages`: each stage does
/// the work of the one before it plus one more step, so the differences between lines are the cost of each step.
/// Not public API, and no part of a verification: it exists to show what the checks cost beyond the floor.
extension NativeBaseline {
    /// One measured stage: its label and the time of one run in microseconds (best of the rounds).
    package struct Stage: Sendable {
        package var label: String
        package var microseconds: Double
        /// The index of the stage this one adds its step to; `nil`: the one before it.
        package var base: Int?
    }

    /// The verification stages of `xml` (signed at its Assertion only), each the best of `rounds` windows of
    /// `seconds`, the stages interleaved within each round so that a change of machine speed touches all of them.
    package static func verifyStages(_ xml: [UInt8], certificate: Certificate, verifier: Verifier, seconds: Double,
                                     rounds: Int = 5) throws(SAMLError) -> [Stage] {
        let trusted = [certificate]
        let limits = verifier.limits
        func scanned() throws(SAMLError) -> (NativeDocument, DocumentScan, XMLNode) {
            let document = try NativeDocument.parse(xml, limits: limits, readOnly: true)
            let scan = try DocumentScan(document)
            guard scan.signatures.count == 1, let signed = scan.signatures[0].parent else {
                throw SAMLError(.signatureMissing, "the stages need a message with one signature")
            }
            return (document, scan, signed)
        }
        func xmlsec(configured: Bool, directIDLookup: Bool = false) throws(SAMLError) {
            let (document, _, signed) = try scanned()
            let id = try ResponseReader.requiredID(signed)
            guard let signature = signed.child("http://www.w3.org/2000/09/xmldsig#", "Signature"),
                  document.registerID(id, on: signed) else {
                throw SAMLError(.signatureMissing, "the stages need a message with one signature")
            }
            if configured {
                // SignatureContext's configuration: manifests ignored, SignedInfo stored, allowlists, key data narrowed.
                let context = try SignatureContext(allowSHA1: false, storeReferences: false)
                let outcome = try context.verify(signature, with: certificate.publicKey, expecting: id)
                guard outcome.status == .valid else { throw SAMLError(.signatureInvalid, "the stages' signature does not verify") }
                return
            }
            guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
            defer { xmlSecDSigCtxDestroy(ctx) }
            ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
            if directIDLookup { ctx.pointee.flags = UInt32(XMLSEC_DSIG_FLAGS_USE_VISA3D_HACK) }
            let rc = try certificate.publicKey.lend(to: ctx) { () throws(SAMLError) in xmlSecDSigCtxVerify(ctx, signature.raw) }
            guard rc == 0, ctx.pointee.status == xmlSecDSigStatusSucceeded else {
                throw SAMLError(.signatureInvalid, "the stages' signature does not verify")
            }
        }
        func signatureRules(reads: Int) throws(SAMLError) {
            let (document, _, signed) = try scanned()
            guard let signature = signed.child("http://www.w3.org/2000/09/xmldsig#", "Signature") else { return }
            let id = try ResponseReader.requiredID(signed)
            _ = try SignatureVerifier(document: document, algorithms: verifier.algorithms, trusted: trusted)
                .verify(signature: signature, of: signed, id: id)
            for _ in 0..<reads {
                var reader = ResponseReader()
                _ = try reader.assertion(signed, id: id)
            }
        }
        let stages: [(String, () throws(SAMLError) -> Void)] = [
            ("libxml2 parse alone (xmlReadMemory)", { () throws(SAMLError) in
                let doc = xml.withUnsafeBytes { raw in
                    xmlReadMemory(raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, "UTF-8",
                                  Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_COMPACT.rawValue))
                }
                xmlFreeDoc(doc)
            }),
            ("+ lexical pre-scan (NativeDocument.parse)", { () throws(SAMLError) in _ = try NativeDocument.parse(xml, limits: limits, readOnly: true) }),
            ("+ document scan", { () throws(SAMLError) in _ = try scanned() }),
            ("+ libxmlsec1, bare context: the floor", { () throws(SAMLError) in try xmlsec(configured: false) }),
            ("+ our libxmlsec1 configuration", { () throws(SAMLError) in try xmlsec(configured: true) }),
            ("+ SignedInfo rules, KeyInfo hint, binding", { () throws(SAMLError) in try signatureRules(reads: 0) }),
            ("+ reading the Assertion", { () throws(SAMLError) in try signatureRules(reads: 1) }),
            ("+ Response, status, structure (core)", { () throws(SAMLError) in
                var stage = CoreStep.document
                _ = try CoreVerifier.verify(xml, limits: limits, algorithms: verifier.algorithms, trusted: trusted, stage: &stage)
            }),
            ("+ policies, conditions, result (verify)", { () throws(SAMLError) in _ = try verifier.verify(xml) }),
            // Not a step of a verification: the read of the line "+ reading the Assertion" made once more at once,
            // its code and data still in the caches. The difference between the two reads is what the first one pays
            // for coming after libxmlsec1 and OpenSSL, whose code has evicted ours, not work a verification could drop.
            ("(aside) the same read again at once, its code warm", { () throws(SAMLError) in try signatureRules(reads: 2) }),
            // Not a step either: the floor with the one libxmlsec1 setting of ours that makes xmlsec's own work
            // cheaper (the Reference resolved with xmlGetID, not XPointer), so that the steps after "our libxmlsec1
            // configuration" can be read against the same libxmlsec1 work.
            ("(aside) the floor, Reference resolved by ID as ours is", { () throws(SAMLError) in
                try xmlsec(configured: false, directIDLookup: true)
            }),
        ]
        var measured = try measureStages(stages, seconds: seconds, rounds: rounds)
        measured[9].base = 6
        measured[10].base = 3
        return measured
    }

    /// The signing stages of `response` signed at its Assertion by `signer`.
    package static func signStages(_ response: Response, signer: Signer, seconds: Double,
                                   rounds: Int = 5) throws(SAMLError) -> [Stage] {
        guard let assertion = response.assertion else {
            throw SAMLError(.signingInvalidInput, "the stages need a Response with an Assertion")
        }
        let template = signer.template
        let templates = SignatureTemplates(response: nil, assertion: template)
        let unsignedBytes = EntraSerializer.writeWithSlots(response, templates: templates).bytes
        var canonical = XMLWriter(capacity: unsignedBytes.count, canonical: true)
        EntraSerializer.writeAssertion(assertion, template: nil, into: &canonical)
        let canonicalBytes = canonical.bytes
        let stages: [(String, () throws(SAMLError) -> Void)] = [
            ("serialise the Response (Entra's shape)", { () throws(SAMLError) in _ = EntraSerializer.writeWithSlots(response, templates: templates) }),
            ("write the Assertion's canonical form", { () throws(SAMLError) in
                var writer = XMLWriter(capacity: unsignedBytes.count, canonical: true)
                EntraSerializer.writeAssertion(assertion, template: nil, into: &writer)
            }),
            ("SHA-256 of the canonical form", { () throws(SAMLError) in _ = NativeX509.digest(canonicalBytes, algorithm: template.algorithm) }),
            ("RSA PKCS#1 v1.5 signature (900 bytes, SignedInfo's size)", { () throws(SAMLError) in
                _ = try signer.key.native.sign(Array(canonicalBytes.prefix(900)), algorithm: template.algorithm)
            }),
            ("all of it (Signer.signedBytes)", { () throws(SAMLError) in _ = try signer.signedBytes(response) }),
        ]
        return try measureStages(stages, seconds: seconds, rounds: rounds)
    }

    private static func measureStages(_ stages: [(String, () throws(SAMLError) -> Void)], seconds: Double,
                                      rounds: Int) throws(SAMLError) -> [Stage] {
        var best = [Double](repeating: .infinity, count: stages.count)
        for _ in 0..<max(1, rounds) {
            for (index, stage) in stages.enumerated() {
                try stage.1()
                best[index] = min(best[index], 1e6 / (try callsPerSecond(seconds, stage.1)))
            }
        }
        return zip(stages, best).map { Stage(label: $0.0, microseconds: $1) }
    }
}
