import Foundation
import SAML
import SAMLAttacks

/// The project's own corpus: valid Entra-style AWS responses in every signing mode and deliberately broken ones,
/// one per rule of the verifier (attacks.md §0-§8). Everything is derived from fixed keys, a fixed clock and
/// sequential IDs, so regenerating yields identical bytes (RSA PKCS#1 v1.5 signatures are deterministic).
///
/// Attack files are edits of signed output: where a rule is about shape (transforms, algorithms, references) the
/// signature is not recomputed, because the verifier must refuse the shape before any cryptography runs.
public struct TestVectorCatalog {
    public static let awsSignIn = "https://signin.aws.amazon.com/saml"
    public static let issued = "2025-05-01T12:00:00.245Z"
    /// 30 s after issue: inside every valid window.
    public static let judged = "2025-05-01T12:00:30Z"
    public static let user = EntraAWSResponse(
        tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
        userPrincipalName: "test-awsadmin@contoso.com", displayName: "Test-AWSAdmin", givenName: "Test",
        surname: "AWSAdmin", mail: "test-awsadmin@contoso.com",
        roles: ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"])

    let idp: Signer
    /// Also app B's key in the AWS entries (two apps of one tenant).
    let rollover: Signer
    let attacker: Signer
    let legacy: Signer
    let idpKey: SigningKey
    let rolloverKey: SigningKey

    public init(keysDirectory: URL) throws {
        func read(_ name: String) throws -> String {
            try String(contentsOf: keysDirectory.appendingPathComponent(name), encoding: .utf8)
        }
        idpKey = try SigningKey(pem: read("idp.key"))
        let idpCert = try Certificate(pem: read("idp.crt"))
        idp = try Signer(key: idpKey, certificate: idpCert)
        legacy = try Signer(key: idpKey, certificate: idpCert, algorithm: .rsaSHA1, allowLegacySHA1: true)
        rolloverKey = try SigningKey(pem: read("idp-rollover.key"))
        rollover = try Signer(key: rolloverKey, certificate: Certificate(pem: read("idp-rollover.crt")))
        attacker = try Signer(key: SigningKey(pem: read("attacker.key")), certificate: Certificate(pem: read("attacker.crt")))
    }

    // MARK: - Building blocks

    static func base(seed: UInt64, _ edit: (inout Response) -> Void = { _ in }) -> Response {
        var response = user.response(clock: FixedClock(SAMLInstant.parse(issued) ?? Date()), ids: SequentialIDGenerator(seed: seed))
        edit(&response)
        return response
    }

    /// The Assertion element (there is one in every base document).
    static func assertion(_ s: String) throws -> Range<String.Index> { try AttackEdit.element(s, "Assertion") }

    static func evilNameID(_ s: String) throws -> String {
        try AttackEdit.replaceNameID(s, with: AttackEdit.defaultEvilNameID)
    }

    // MARK: - The catalogue

    public func generate() throws -> (files: [GeneratedFile], manifest: [TestVector]) {
        var files: [GeneratedFile] = []
        var manifest: [TestVector] = []
        let t = Self.judged
        func add(_ name: String, _ xml: String) { files.append(GeneratedFile(name: name, bytes: Array(xml.utf8))) }
        func valid(_ file: String, _ description: String, trust: [String] = ["idp.crt"], options: TestVector.Options = .init(),
                   nameID: String = "test-awsadmin@contoso.com") {
            manifest.append(TestVector(file: file, verdict: .valid, trust: trust, instant: t, options: options, nameID: nameID,
                                       description: description))
        }
        func reject(_ file: String, _ code: SAMLError.Code, _ description: String, trust: [String] = ["idp.crt"],
                    instant: String = Self.judged, options: TestVector.Options = .init()) {
            manifest.append(TestVector(file: file, verdict: .reject, code: code.rawValue, trust: trust, instant: instant,
                                       options: options, description: description))
        }

        // Valid responses.
        let assertionSigned = try idp.sign(Self.base(seed: 1), mode: .assertion)
        /// A rejection made by one textual edit of the default valid file.
        func edited(_ file: String, _ code: SAMLError.Code, _ description: String, replacing old: String,
                    with new: String) throws {
            add(file, try AttackEdit.replace(assertionSigned, old, new))
            reject(file, code, description)
        }
        add("valid_assertion_signed.xml", assertionSigned)
        valid("valid_assertion_signed.xml", "Entra's default: assertion signed with RSA-SHA256, Response unsigned")
        let responseSigned = try idp.sign(Self.base(seed: 2), mode: .response)
        add("valid_response_signed.xml", responseSigned)
        valid("valid_response_signed.xml", "\"Sign SAML response\": only the Response signed")
        let bothSigned = try idp.sign(Self.base(seed: 3), mode: .both)
        add("valid_both_signed.xml", bothSigned)
        valid("valid_both_signed.xml", "\"Sign SAML response and assertion\"")
        let sha1 = try legacy.sign(Self.base(seed: 4), mode: .assertion)
        add("valid_rsa_sha1_legacy.xml", sha1)
        valid("valid_rsa_sha1_legacy.xml", "RSA-SHA1 accepted only with the legacy option", options: .init(allowSHA1: true))
        reject("valid_rsa_sha1_legacy.xml", .signatureAlgorithmNotAllowed, "RSA-SHA1 without the legacy option")
        add("valid_rollover_certificate.xml", try rollover.sign(Self.base(seed: 5), mode: .assertion))
        valid("valid_rollover_certificate.xml", "signed with the new certificate during a rollover (both trusted)",
              trust: ["idp.crt", "idp-rollover.crt"])
        reject("valid_rollover_certificate.xml", .signatureUntrustedKey, "the rollover certificate is not (yet) trusted")
        let multiRole = try idp.sign(Self.base(seed: 6) {
            $0.setRoles([
                "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID",
                "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID",
                "arn:aws:iam::210987654321:role/ReadOnly,arn:aws:iam::210987654321:saml-provider/EntraID",
            ])
        }, mode: .assertion)
        add("valid_multiple_roles.xml", multiRole)
        valid("valid_multiple_roles.xml", "three Role values (role chooser)")
        let spInitiated = try idp.sign(Self.base(seed: 7) {
            $0.inResponseTo = "id-4f1b7f0c9a"
            $0.assertion?.subject?.confirmations[0].data?.inResponseTo = "id-4f1b7f0c9a"
        }, mode: .assertion)
        add("valid_sp_initiated.xml", spInitiated)
        valid("valid_sp_initiated.xml", "SP-initiated: InResponseTo matches the outstanding request",
              options: .init(requestID: "id-4f1b7f0c9a"))
        reject("valid_sp_initiated.xml", .inResponseToMismatch, "answers another request", options: .init(requestID: "id-other"))
        reject("valid_sp_initiated.xml", .inResponseToUnsolicited, "claims to answer a request when none is outstanding")
        add("valid_comment_in_nameid.xml", try AttackEdit.replace(assertionSigned, ">test-awsadmin@contoso.com</NameID>",
                                                             ">test-awsadmin@<!-- c -->contoso.com</NameID>"))
        valid("valid_comment_in_nameid.xml", "a comment inside NameID keeps the signature valid; the full text is read")
        let manifestObject = "<Object><Manifest><Reference URI=\"http://127.0.0.1:9/never-fetched\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue>AAAA</DigestValue></Reference></Manifest></Object></Signature>"
        add("valid_manifest_ignored.xml", try AttackEdit.replace(assertionSigned, "</KeyInfo></Signature>", "</KeyInfo>" + manifestObject))
        valid("valid_manifest_ignored.xml", "a ds:Manifest with an external reference is ignored, never fetched")

        // Time, judged on the default valid file.
        reject("valid_assertion_signed.xml", .timeExpired, "judged after Conditions NotOnOrAfter (+ skew)",
               instant: "2025-05-01T13:05:00Z")
        reject("valid_assertion_signed.xml", .timeNotYetValid, "judged before Conditions NotBefore (- skew)",
               instant: "2025-05-01T11:50:00Z")
        reject("valid_assertion_signed.xml", .timeIssuedInFuture, "judged 4 minutes before IssueInstant",
               instant: "2025-05-01T11:56:00Z")
        add("confirmation_expired.xml", try idp.sign(Self.base(seed: 8) {
            $0.assertion?.subject?.confirmations[0].data?.notOnOrAfter = SAMLInstant.parse("2025-05-01T12:00:05Z")
        }, mode: .assertion))
        reject("confirmation_expired.xml", .timeSubjectConfirmationExpired, "SubjectConfirmationData expired before Conditions",
               instant: "2025-05-01T12:04:00Z")
        reject("valid_assertion_signed.xml", .signatureCoverage, "assertion-only signature when the Response must be signed",
               options: .init(requiredSignature: "response"))
        reject("valid_assertion_signed.xml", .inputTooLarge, "larger than the configured size limit",
               options: .init(maxDocumentBytes: 2048))

        // Signature exclusion and tampering.
        add("unsigned.xml", try Self.evilNameID(try AttackEdit.removeSignature(assertionSigned)))
        reject("unsigned.xml", .signatureMissing, "signature removed and NameID changed (signature exclusion)")
        add("tampered_nameid.xml", try Self.evilNameID(assertionSigned))
        reject("tampered_nameid.xml", .signatureDigestMismatch, "NameID changed, signature kept")
        try edited("tampered_role.xml", .signatureDigestMismatch, "Role value changed, signature kept", replacing: "role/Administrator,", with: "role/Administrator2,")
        try edited("comment_suffix_injection.xml", .signatureDigestMismatch, "Duo-style suffix after a comment changes the text", replacing: ">test-awsadmin@contoso.com</NameID>", with: ">test-awsadmin@contoso.com<!---->.evil.example</NameID>")
        let value = try AttackEdit.element(assertionSigned, "SignatureValue")
        var flipped = assertionSigned
        let firstValueChar = assertionSigned.index(value.lowerBound, offsetBy: "<SignatureValue>".count)
        flipped.replaceSubrange(firstValueChar...firstValueChar, with: assertionSigned[firstValueChar] == "A" ? "B" : "A")
        add("tampered_signature_value.xml", flipped)
        reject("tampered_signature_value.xml", .signatureInvalid, "SignatureValue altered")
        add("tampered_response_signature_both.xml", try AttackEdit.replace(bothSigned, "Destination=\"https://signin.aws.amazon.com/saml\"",
                                                                     "Destination=\"https://signin.aws.amazon.com/saml?\""))
        reject("tampered_response_signature_both.xml", .signatureDigestMismatch,
               "both signed; the Response's own content changed: its failing signature is fatal even though the assertion's holds")

        // Key trust.
        add("attacker_cert_in_keyinfo.xml", try attacker.sign(Self.base(seed: 9) {
            $0.assertion?.subject?.nameID?.value = "admin@evil.example"
        }, mode: .assertion))
        reject("attacker_cert_in_keyinfo.xml", .signatureUntrustedKey, "re-signed by an attacker who put their certificate in KeyInfo")
        let attackerSigned = try attacker.sign(Self.base(seed: 10), mode: .assertion)
        let keyInfo = try AttackEdit.element(attackerSigned, "KeyInfo")
        var keyValue = attackerSigned
        keyValue.replaceSubrange(keyInfo, with: "<KeyInfo><KeyValue><RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent></RSAKeyValue></KeyValue></KeyInfo>")
        add("attacker_keyvalue.xml", keyValue)
        reject("attacker_keyvalue.xml", .signatureUntrustedKey, "signed by an attacker key announced as a bare KeyValue")
        var noKeyInfo = attackerSigned
        noKeyInfo.removeSubrange(keyInfo)
        add("attacker_no_keyinfo.xml", noKeyInfo)
        reject("attacker_no_keyinfo.xml", .signatureInvalid, "signed by another key, no KeyInfo")

        // Signature wrapping (Somorovsky et al. XSW1-8, after SAMLRaider's transformations).
        let wrapped: [(SignatureWrapping, SAMLError.Code, String)] = [
            (.xsw1, .structureDuplicateID, "XSW1: evil root; the signed Response copied inside its Signature (its assertion ID repeats)"),
            (.xsw2, .structureDuplicateID, "XSW2: evil root; the signed Response copied before its Signature (its assertion ID repeats)"),
            (.xsw3, .structureMultipleAssertions, "XSW3: unsigned evil assertion before the signed one"),
            (.xsw4, .structureMultipleAssertions, "XSW4: the signed assertion moved inside the evil one"),
            (.xsw5, .structureMultipleAssertions, "XSW5: evil assertion keeps the Signature; untouched copy appended"),
            (.xsw6, .structureMultipleAssertions, "XSW6: untouched copy inside the evil assertion's Signature"),
            (.xsw7, .structureDuplicateID, "XSW7: evil copy with the same ID inside Extensions"),
            (.xsw8, .structureDuplicateID, "XSW8: evil in place, original with the same ID inside ds:Object"),
        ]
        for (variant, code, description) in wrapped {
            add("\(variant.rawValue).xml", try variant.apply(to: variant.needsSignedResponse ? responseSigned : assertionSigned))
            reject("\(variant.rawValue).xml", code, description)
        }
        let a = try Self.assertion(assertionSigned)
        let signedAssertion = String(assertionSigned[a])
        let sameIDEvil = try Self.evilNameID(try AttackEdit.removeSignature(signedAssertion))
        var dupAfter = assertionSigned
        dupAfter.replaceSubrange(a, with: signedAssertion + sameIDEvil)
        add("duplicate_id_after.xml", dupAfter)
        reject("duplicate_id_after.xml", .structureDuplicateID, "evil copy with the same ID after the signed assertion (CVE-2022-41912 shape)")
        let second = try idp.sign(Self.base(seed: 11), mode: .assertion)
        var twoSigned = assertionSigned
        twoSigned.replaceSubrange(a, with: signedAssertion + String(second[try Self.assertion(second)]))
        add("two_signed_assertions.xml", twoSigned)
        reject("two_signed_assertions.xml", .structureMultipleAssertions, "two assertions, each validly signed")
        try edited("assertion_in_advice.xml", .structureMultipleAssertions, "a second assertion nested in Advice", replacing: "<AuthnStatement ", with: "<Advice>\(String(second[try Self.assertion(second)]))</Advice><AuthnStatement ")

        // Signature placement and shape.
        let sigRange = try AttackEdit.element(assertionSigned, "Signature")
        let signatureXML = String(assertionSigned[sigRange])
        var nested = assertionSigned
        nested.removeSubrange(sigRange)
        nested = try AttackEdit.replace(nested, "<NameID ", signatureXML + "<NameID ")
        add("signature_not_direct_child.xml", nested)
        reject("signature_not_direct_child.xml", .signatureUnexpectedLocation, "the assertion's Signature moved into Subject")
        add("signature_on_status.xml", try AttackEdit.replace(assertionSigned, "<samlp:Status>", "<samlp:Status>" + signatureXML))
        reject("signature_on_status.xml", .signatureUnexpectedLocation, "a Signature inside samlp:Status")
        add("two_signatures_on_assertion.xml", try AttackEdit.replace(assertionSigned, "</Signature>", "</Signature>" + signatureXML))
        reject("two_signatures_on_assertion.xml", .signatureMultiple, "the assertion carries two Signatures")
        let assertionID = Self.base(seed: 1).assertion?.id ?? ""
        try edited("reference_uri_empty.xml", .signatureReferenceURI, "Reference URI=\"\" (whole document)", replacing: "URI=\"#\(assertionID)\"", with: "URI=\"\"")
        try edited("reference_uri_other_element.xml", .signatureReferenceURI, "the assertion's Signature references the Response", replacing: "URI=\"#\(assertionID)\"", with: "URI=\"#\(Self.base(seed: 1).id)\"")
        try edited("reference_uri_injection.xml", .signatureReferenceURI, "XPath injection in the Reference URI", replacing: "URI=\"#\(assertionID)\"", with: "URI=\"#x') or eval('1\"")
        let reference = try AttackEdit.element(assertionSigned, "Reference")
        add("two_references.xml", try AttackEdit.replace(assertionSigned, "</Reference>", "</Reference>" + String(assertionSigned[reference])))
        reject("two_references.xml", .signatureReferenceCount, "SignedInfo with two References")
        try edited("xpath_transform.xml", .signatureTransformNotAllowed, "an XPath transform", replacing: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>", with: "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><XPath>1</XPath></Transform><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>")
        try edited("xslt_transform.xml", .signatureTransformNotAllowed, "an XSLT transform in place of C14N", replacing: "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>", with: "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>")
        try edited("missing_enveloped_transform.xml", .signatureTransformNotAllowed, "no enveloped-signature transform", replacing: "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>", with: "")
        try edited("hmac_signature_method.xml", .signatureAlgorithmNotAllowed, "HMAC SignatureMethod (public key as MAC secret)", replacing: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", with: "http://www.w3.org/2000/09/xmldsig#hmac-sha1")
        try edited("md5_digest.xml", .signatureAlgorithmNotAllowed, "MD5 DigestMethod", replacing: "http://www.w3.org/2001/04/xmlenc#sha256", with: "http://www.w3.org/2001/04/xmldsig-more#md5")
        try edited("c14n_with_comments.xml", .signatureAlgorithmNotAllowed, "CanonicalizationMethod with comments", replacing: "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>", with: "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\"/>")

        // Parser layer.
        add("dtd_internal_entity.xml", "<!DOCTYPE r [<!ENTITY u \"test-awsadmin@contoso.com\">]>" + (try AttackEdit.replace(
            assertionSigned, ">test-awsadmin@contoso.com</NameID>", ">&u;</NameID>")))
        reject("dtd_internal_entity.xml", .parseDTDForbidden, "an internal DTD entity supplies the NameID")
        add("dtd_xxe.xml", "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>" + (try AttackEdit.replace(
            assertionSigned, ">test-awsadmin@contoso.com</NameID>", ">&x;</NameID>")))
        reject("dtd_xxe.xml", .parseDTDForbidden, "an external entity (XXE)")
        add("dtd_billion_laughs.xml", "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>" + assertionSigned)
        reject("dtd_billion_laughs.xml", .parseDTDForbidden, "entity expansion (billion laughs)")
        try edited("undeclared_entity.xml", .parseMalformed, "an entity reference without any declaration", replacing: ">test-awsadmin@contoso.com</NameID>", with: ">&u;</NameID>")
        try edited("processing_instruction.xml", .parseProcessingInstruction, "a processing instruction inside the assertion", replacing: "<Subject>", with: "<?evil x?><Subject>")
        try edited("relative_namespace.xml", .parseNamespace, "a relative namespace URI (void canonicalisation)", replacing: "<Subject>", with: "<Subject xmlns:r=\"relative/uri\">")
        try edited("malformed_qname.xml", .parseNamespace, "an attribute named ::a (parser differential)", replacing: "<Subject>", with: "<Subject ::a=\"1\">")
        add("truncated.xml", String(assertionSigned.prefix(assertionSigned.utf8.count / 2)))
        reject("truncated.xml", .parseMalformed, "the document cut in half")
        add("two_roots.xml", assertionSigned + "<samlp:Response/>")
        reject("two_roots.xml", .parseMalformed, "trailing content after the root")

        // Structure and protocol.
        add("not_a_response.xml", signedAssertion)
        reject("not_a_response.xml", .structureUnexpectedRoot, "a bare Assertion posted as the Response")
        add("status_requester.xml", try idp.sign(Self.base(seed: 12) {
            $0.status = Status(code: SAMLURI.statusRequester, subCode: "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
                               message: "AADSTS75006: An error occurred while processing a SAML2 Authentication request.")
        }, mode: .assertion))
        reject("status_requester.xml", .statusNotSuccess, "Entra's error Response (AADSTS75006)")
        try edited("no_assertion.xml", .structureMissingAssertion, "a Success Response without an assertion", replacing: signedAssertion, with: "")
        try edited("encrypted_assertion.xml", .structureEncryptedAssertion, "an EncryptedAssertion (not accepted by this verifier)", replacing: signedAssertion, with: "<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></EncryptedAssertion>")
        try edited("version_1_1.xml", .structureVersion, "Response Version 1.1", replacing: "Version=\"2.0\" IssueInstant", with: "Version=\"1.1\" IssueInstant")
        add("duplicate_attribute_name.xml", try idp.sign(Self.base(seed: 13) {
            $0.assertion?.attributeStatement?.attributes.append(Attribute(AttributeName.awsRoleSessionName, "admin@evil.example"))
        }, mode: .assertion))
        reject("duplicate_attribute_name.xml", .attributeDuplicateName, "RoleSessionName appears twice")
        add("one_time_use.xml", try idp.sign(Self.base(seed: 14) { $0.assertion?.conditions?.hasOneTimeUse = true }, mode: .assertion))
        reject("one_time_use.xml", .conditionsUnsupported, "a OneTimeUse condition")
        // The assertion's Issuer removed, then the assertion signed again, so only the Issuer rule can fail.
        let withoutIssuer = try AttackEdit.replace(assertionSigned, "<Issuer>\(Self.user.issuer)</Issuer><Signature", "<Signature")
        add("missing_assertion_issuer.xml", String(decoding: try Signer.signTemplates(
            in: Array(withoutIssuer.utf8), elementIDs: [assertionID], key: idpKey), as: UTF8.self))
        reject("missing_assertion_issuer.xml", .issuerMissing, "no Issuer in the assertion (re-signed without it)")

        // Profile rules, each on an otherwise valid, correctly signed response.
        func profile(_ name: String, seed: UInt64, _ code: SAMLError.Code, _ description: String, _ edit: (inout Response) -> Void) throws {
            add(name, try idp.sign(Self.base(seed: seed, edit), mode: .assertion))
            reject(name, code, description)
        }
        try profile("wrong_issuer.xml", seed: 20, .issuerMismatch, "issued by another tenant") {
            $0.assertion?.issuer = Issuer("https://sts.windows.net/ffffffff-0000-0000-0000-000000000000/")
        }
        try profile("assertion_without_issuer_value.xml", seed: 21, .issuerMismatch, "an empty Issuer") {
            $0.assertion?.issuer = Issuer("")
        }
        try profile("wrong_audience.xml", seed: 22, .audienceMismatch, "Audience of another service provider") {
            $0.assertion?.conditions?.audienceRestrictions = [["https://app.example.com/"]]
        }
        try profile("no_audience.xml", seed: 23, .audienceMissing, "no AudienceRestriction") {
            $0.assertion?.conditions?.audienceRestrictions = []
        }
        try profile("wrong_recipient.xml", seed: 24, .subjectConfirmationRecipient, "Recipient is another endpoint") {
            $0.assertion?.subject?.confirmations[0].data?.recipient = "https://evil.example/saml"
        }
        try profile("wrong_destination.xml", seed: 25, .destinationMismatch, "Destination is another endpoint") {
            $0.destination = "https://evil.example/saml"
        }
        try profile("empty_destination.xml", seed: 26, .destinationMismatch, "Destination=\"\"") { $0.destination = "" }
        try profile("holder_of_key.xml", seed: 27, .subjectConfirmationMethod, "holder-of-key instead of bearer") {
            $0.assertion?.subject?.confirmations[0].method = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"
        }
        try profile("two_confirmations.xml", seed: 28, .subjectConfirmationCount, "two SubjectConfirmations (AWS allows one)") {
            if let first = $0.assertion?.subject?.confirmations.first { $0.assertion?.subject?.confirmations.append(first) }
        }
        try profile("confirmation_without_expiry.xml", seed: 29, .timeMissingExpiry, "bearer data without NotOnOrAfter") {
            $0.assertion?.subject?.confirmations[0].data?.notOnOrAfter = nil
        }
        try profile("no_subject.xml", seed: 30, .subjectMissing, "no Subject") { $0.assertion?.subject = nil }

        try hostile(add: add, valid: { file, description, options in
            manifest.append(TestVector(file: file, verdict: .valid, trust: ["idp.crt"], instant: t, options: options,
                                       nameID: "test-awsadmin@contoso.com", description: description))
        }, reject: { file, code, description, instant, options in
            manifest.append(TestVector(file: file, verdict: .reject, code: code.rawValue, trust: ["idp.crt"], instant: instant ?? t,
                                       options: options, description: description))
        })

        // Golden metadata (not a response, so not in the manifest): Entra's federation metadata during a rollover.
        let metadata = EntraMetadata(tenantID: Self.user.tenantID, certificates: [idp.certificate, rollover.certificate])
        add("entra_federationmetadata.xml", try metadata.xml(id: SequentialIDGenerator(seed: 100).next(), signedWith: idp))
        return (files, manifest)
    }
}
