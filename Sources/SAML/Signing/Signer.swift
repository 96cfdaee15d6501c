import Foundation

/// Signs Responses and Assertions with enveloped XML-DSig: exclusive C14N, RSA-SHA256 and a SHA-256 digest by
/// default, the `<Signature>` right after the signed element's `<Issuer>`, and the certificate in
/// `KeyInfo/X509Data/X509Certificate`, exactly as Entra does.
///
/// ```swift
/// let signer = try Signer(key: SigningKey(pem: keyPEM), certificate: Certificate(pem: certPEM))
/// let xml = try signer.sign(response, mode: .assertion)
/// ```
///
/// A `Signer` is immutable and safe to share between tasks.
public struct Signer: Sendable {
    public let key: SigningKey
    public let certificate: Certificate
    public let algorithm: SignatureAlgorithm
    /// Whether `KeyInfo` carries the certificate (Entra: always).
    public var includesCertificate: Bool = true
    private let certificateBase64: String

    /// Creates a signer. Refuses a key that does not match the certificate, and RSA-SHA1 unless
    /// `allowLegacySHA1` is set.
    /// - Parameters:
    ///   - key: The private key to sign with.
    ///   - certificate: The certificate of `key`, published to relying parties and written into `KeyInfo`.
    ///   - algorithm: The signature algorithm and its digest.
    ///   - allowLegacySHA1: Whether ``SignatureAlgorithm/rsaSHA1`` may be used.
    /// - Throws: ``SAMLError`` with code `key.invalid` when `key` is not the certificate's key, or
    ///   `signature.algorithmNotAllowed` when `algorithm` is RSA-SHA1 and `allowLegacySHA1` is `false`.
    public init(key: SigningKey, certificate: Certificate, algorithm: SignatureAlgorithm = .rsaSHA256,
                allowLegacySHA1: Bool = false) throws(SAMLError) {
        guard key.matches(certificate) else {
            throw SAMLError(.keyInvalid, "the private key does not belong to the certificate",
                            expected: "the key of \(certificate.subject)", found: "a different \(key.bits)-bit key")
        }
        if algorithm.isLegacy && !allowLegacySHA1 {
            throw SAMLError(.signatureAlgorithmNotAllowed, "RSA-SHA1 is a legacy algorithm",
                            expected: "rsa-sha256 (or allowLegacySHA1: true)", found: algorithm.rawValue)
        }
        self.key = key
        self.certificate = certificate
        self.algorithm = algorithm
        self.certificateBase64 = certificate.base64
    }

    /// The signed Response as UTF-8 bytes, on one line without XML declaration.
    ///
    /// With `encryption`, the assertion (signed first when `mode` signs it) is replaced by an `EncryptedAssertion`
    /// for the recipient's certificate, and a Response signature then covers the encrypted form.
    /// - Parameters:
    ///   - response: The Response to serialise and sign.
    ///   - mode: Which elements to sign: the assertion, the response, or both.
    ///   - encryption: The recipient's certificate and algorithms to encrypt the assertion for; `nil` leaves it in
    ///     the clear.
    /// - Throws: ``SAMLError`` with code `signing.invalidInput` when `mode` signs the assertion or `encryption` is
    ///   set but the Response has no Assertion, or `signing.failed` when OpenSSL or libxmlsec1 cannot sign or encrypt.
    public func signedBytes(_ response: Response, mode: SigningMode = .assertion,
                            encryptingFor encryption: AssertionEncryption? = nil) throws(SAMLError) -> [UInt8] {
        if (mode.signsAssertion || encryption != nil) && response.assertion == nil {
            throw SAMLError(.signingInvalidInput, "cannot sign or encrypt the assertion of a Response without one",
                            expected: "a Response with an Assertion", found: "none")
        }
        let templates = SignatureTemplates(response: mode.signsResponse ? template : nil,
                                           assertion: mode.signsAssertion ? template : nil)
        let (unsigned, slots, assertionRange) = EntraSerializer.writeWithSlots(response, templates: templates)
        if mode == .assertion, encryption == nil, let assertion = response.assertion, slots.count == 1,
           let signed = try Self.signDirectly(assertion, unsigned: unsigned, slot: slots[0], template: template, key: key) {
            return signed
        }
        guard let encryption, let assertionRange else { return try Self.sign(unsigned, slots: slots, key: key) }
        // Assertion first; its values land inside the assertion, so its range grows by what was inserted.
        var bytes = unsigned
        var end = assertionRange.upperBound
        if let slot = slots.first(where: { $0.elementID == response.assertion?.id }) {
            bytes = try Self.sign(unsigned, slots: [slot], key: key)
            end += bytes.count - unsigned.count
        }
        let encrypted = try EncryptedAssertionWriter.encrypt(bytes[assertionRange.lowerBound..<end], with: encryption)
        bytes.replaceSubrange(assertionRange.lowerBound..<end, with: encrypted)
        guard let responseSlot = slots.first(where: { $0.elementID == response.id }) else { return bytes }
        return try Self.sign(bytes, slots: [responseSlot], key: key)
    }

    /// The signed Response as a string.
    ///
    /// With `encryption`, the assertion (signed first when `mode` signs it) is replaced by an `EncryptedAssertion`
    /// for the recipient's certificate, as in ``signedBytes(_:mode:encryptingFor:)``.
    /// - Parameters:
    ///   - response: The Response to serialise and sign.
    ///   - mode: Which elements to sign: the assertion, the response, or both.
    ///   - encryption: The recipient's certificate and algorithms to encrypt the assertion for; `nil` leaves it in
    ///     the clear.
    /// - Throws: ``SAMLError`` with code `signing.invalidInput` when `mode` signs the assertion or `encryption` is
    ///   set but the Response has no Assertion, or `signing.failed` when OpenSSL or libxmlsec1 cannot sign or encrypt.
    public func sign(_ response: Response, mode: SigningMode = .assertion,
                     encryptingFor encryption: AssertionEncryption? = nil) throws(SAMLError) -> String {
        String(decoding: try signedBytes(response, mode: mode, encryptingFor: encryption), as: UTF8.self)
    }

    /// Signs an assertion from its canonical form written directly (``XMLWriter`` in canonical mode): the assertion
    /// without its Signature is exactly what the enveloped-signature and exclusive C14N transforms make of the
    /// written element, and SignedInfo is written as its C14N apex form, so neither a parse nor a C14N pass is
    /// needed. `nil` when a value holds a character XML does not allow (the libxml2 path then refuses it as it
    /// always has). The tests check that every signature made here equals the one the libxml2 path makes for the
    /// same bytes (RSA PKCS#1 v1.5 is deterministic), over generated values with every character C14N escapes.
    static func signDirectly(_ assertion: Assertion, unsigned: [UInt8], slot: SignatureSlot, template: SignatureTemplate,
                             key: SigningKey) throws(SAMLError) -> [UInt8]? {
        guard slot.elementID == assertion.id else { return nil }
        var canonical = XMLWriter(capacity: unsigned.count, canonical: true)
        EntraSerializer.writeAssertion(assertion, template: nil, into: &canonical)
        guard !canonical.wroteDisallowedCharacter else { return nil }
        let digest = Data(NativeX509.digest(canonical.bytes, algorithm: template.algorithm)).base64EncodedString()
        var signedInfo = XMLWriter(capacity: 1024, canonical: true)
        template.writeSignedInfo(into: &signedInfo, referenceID: assertion.id, digestValue: digest)
        let signature = Data(try key.native.sign(signedInfo.bytes, algorithm: template.algorithm)).base64EncodedString()
        // One copy of the unsigned bytes with both values spliced in (the DigestValue comes before the SignatureValue).
        var output: [UInt8] = []
        output.reserveCapacity(unsigned.count + signature.utf8.count + digest.utf8.count)
        output.append(contentsOf: unsigned[..<slot.digestOffset])
        output.append(contentsOf: digest.utf8)
        output.append(contentsOf: unsigned[slot.digestOffset..<slot.signatureValueOffset])
        output.append(contentsOf: signature.utf8)
        output.append(contentsOf: unsigned[slot.signatureValueOffset...])
        return output
    }

    /// Signs the templates at `slots` with libxml2's C14N of the parsed document, then splices the values into our
    /// own bytes (every mode but the assertion alone, and the assertion when ``signDirectly`` declines). libxml2's
    /// serialiser would move namespace declarations before attributes and lose Entra's attribute order; the canonical
    /// form (and so the signature) does not depend on that order, so the values are valid in our bytes as they are.
    static func sign(_ unsigned: [UInt8], slots: [SignatureSlot], key: SigningKey) throws(SAMLError) -> [UInt8] {
        // Inner (later in the document) first: the Response signature must cover the finished assertion signature.
        // `unsigned` is always our own serialisation (EntraSerializer, the protocol writers, EncryptedAssertionWriter).
        let values = try NativeSigner.signatureValues(unsigned, elementIDs: slots.reversed().map(\.elementID), key: key.native,
                                                      ownOutput: true)
        var output = unsigned
        output.reserveCapacity(unsigned.count + slots.count * 400)
        for slot in slots.reversed() {
            guard let value = values[slot.elementID] else {
                throw SAMLError(.signingFailed, "libxmlsec1 produced no signature", expected: "#\(slot.elementID)")
            }
            output.insert(contentsOf: value.signatureValue.utf8, at: slot.signatureValueOffset)
            output.insert(contentsOf: value.digestValue.utf8, at: slot.digestOffset)
        }
        return output
    }

    /// The signed Response as a string.
    /// - Parameters:
    ///   - response: The Response to serialise and sign.
    ///   - mode: Which elements to sign: the assertion, the response, or both.
    /// - Throws: ``SAMLError`` with code `signing.invalidInput` when `mode` signs the assertion but the Response has
    ///   no Assertion, or `signing.failed` when OpenSSL or libxmlsec1 cannot sign.
    public func sign(_ response: Response, mode: SigningMode = .assertion) throws(SAMLError) -> String {
        String(decoding: try signedBytes(response, mode: mode), as: UTF8.self)
    }

    /// The template this signer writes into messages it signs.
    var template: SignatureTemplate {
        SignatureTemplate(algorithm: algorithm, certificateBase64: includesCertificate ? certificateBase64 : nil)
    }

    /// A signed stand-alone Assertion.
    /// - Parameter assertion: The Assertion to serialise and sign.
    /// - Throws: ``SAMLError`` with code `signing.failed` when OpenSSL or libxmlsec1 cannot sign.
    public func sign(_ assertion: Assertion) throws(SAMLError) -> String {
        let (unsigned, slots) = EntraSerializer.writeWithSlots(assertion, template: template)
        if slots.count == 1, let signed = try Self.signDirectly(assertion, unsigned: unsigned, slot: slots[0], template: template, key: key) {
            return String(decoding: signed, as: UTF8.self)
        }
        return String(decoding: try Self.sign(unsigned, slots: slots, key: key), as: UTF8.self)
    }

    /// Signs existing XML whose `<Signature>` templates are already in place (used by the test-vector generator
    /// to produce deliberately unusual signatures). Every `elementIDs` entry names an element (by its `ID`) whose
    /// direct-child `<Signature>` is signed, in order.
    package static func signTemplates(in xml: [UInt8], elementIDs: [String], key: SigningKey) throws(SAMLError) -> [UInt8] {
        try NativeSigner.sign(xml, elementIDs: elementIDs, key: key.native)
    }
}
