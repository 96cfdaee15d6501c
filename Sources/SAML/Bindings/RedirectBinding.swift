import Foundation

/// The HTTP-Redirect binding (SAML bindings 3.4): raw DEFLATE, base64, URL encoding, RelayState, and the signed
/// query string (SigAlg and Signature over the exact query bytes).
public enum RedirectBinding {
    /// Limits for decoding.
    public struct Limits: Sendable {
        /// Largest accepted query string.
        public var maxQueryBytes: Int
        /// Largest message after inflating; a bigger one is a deflate bomb.
        public var maxInflatedBytes: Int
        /// Creates decoding limits.
        /// - Parameters:
        ///   - maxQueryBytes: The largest query string accepted, in bytes.
        ///   - maxInflatedBytes: The largest message accepted after inflating, in bytes.
        public init(maxQueryBytes: Int = 64 * 1024, maxInflatedBytes: Int = 256 * 1024) {
            self.maxQueryBytes = maxQueryBytes
            self.maxInflatedBytes = maxInflatedBytes
        }
    }

    /// The query string (without `?`) carrying `xml`, signed with `key` when given (SAML bindings 3.4.4.1).
    /// - Parameters:
    ///   - xml: The message (an AuthnRequest, a Response, a logout message), as UTF-8 bytes.
    ///   - kind: Whether it travels as `SAMLRequest` or `SAMLResponse`.
    ///   - relayState: Opaque state for the receiver to return unchanged; `nil` for none.
    ///   - key: The private key to sign the query with; `nil` leaves it unsigned.
    ///   - algorithm: The signature algorithm, used only with `key`.
    /// - Throws: ``SAMLError`` with code `library.unavailable` when zlib cannot compress the message, or
    ///   `signing.failed` when the query cannot be signed with `key`.
    public static func query(_ xml: [UInt8], kind: SAMLMessageKind, relayState: String? = nil, key: SigningKey? = nil,
                             algorithm: SignatureAlgorithm = .rsaSHA256) throws(SAMLError) -> String {
        let encoded = Data(try NativeDeflate.deflate(xml)).base64EncodedString()
        var query = kind.rawValue + "=" + FormEncoding.encode(encoded)
        if let relayState { query += "&RelayState=" + FormEncoding.encode(relayState) }
        if let key {
            query += "&SigAlg=" + FormEncoding.encode(algorithm.signatureMethod)
            let signature = try key.native.sign(Array(query.utf8), algorithm: algorithm)
            query += "&Signature=" + FormEncoding.encode(Data(signature).base64EncodedString())
        }
        return query
    }

    /// `destination` with the message appended as its query (keeping any query it already has).
    /// - Parameters:
    ///   - destination: The receiver's endpoint URL.
    ///   - xml: The message (an AuthnRequest, a Response, a logout message), as UTF-8 bytes.
    ///   - kind: Whether it travels as `SAMLRequest` or `SAMLResponse`.
    ///   - relayState: Opaque state for the receiver to return unchanged; `nil` for none.
    ///   - key: The private key to sign the query with; `nil` leaves it unsigned.
    ///   - algorithm: The signature algorithm, used only with `key`.
    /// - Throws: ``SAMLError`` as ``query(_:kind:relayState:key:algorithm:)`` does.
    public static func url(_ destination: String, _ xml: [UInt8], kind: SAMLMessageKind, relayState: String? = nil,
                           key: SigningKey? = nil, algorithm: SignatureAlgorithm = .rsaSHA256) throws(SAMLError) -> String {
        destination + (destination.contains("?") ? "&" : "?")
            + (try query(xml, kind: kind, relayState: relayState, key: key, algorithm: algorithm))
    }

    /// Decodes a Redirect-binding query string (with or without the leading `?`).
    /// - Parameters:
    ///   - query: The query string as received.
    ///   - limits: The largest query and inflated message accepted.
    /// - Returns: The inflated message, not parsed yet, with its RelayState and query signature (not verified yet).
    /// - Throws: ``SAMLError`` with code `binding.tooLarge` beyond `limits`, `binding.encoding` for bad
    ///   percent-encoding or a repeated parameter, `binding.missingMessage` without exactly one of `SAMLRequest` and
    ///   `SAMLResponse`, `binding.base64` or `binding.inflate` when the message does not decode, or
    ///   `binding.signatureAlgorithm` for a missing, lone or unsupported `SigAlg`.
    public static func decode(query: String, limits: Limits = Limits()) throws(SAMLError) -> RedirectMessage {
        guard query.utf8.count <= limits.maxQueryBytes else {
            throw SAMLError(.bindingTooLarge, "the query string exceeds the limit", expected: "at most \(limits.maxQueryBytes) bytes",
                            found: "\(query.utf8.count) bytes")
        }
        var raw: [String: Substring] = [:]
        for (name, value) in FormEncoding.rawPairs(query) {
            let key = try FormEncoding.decode(name)
            guard raw[key] == nil else {
                throw SAMLError(.bindingEncoding, "a parameter appears twice", expected: "one \(key)", found: "two")
            }
            raw[key] = value
        }
        let kinds = SAMLMessageKind.allCases.filter { raw[$0.rawValue] != nil }
        guard kinds.count == 1, let kind = kinds.first, let rawMessage = raw[kind.rawValue] else {
            throw SAMLError(.bindingMissingMessage,
                            kinds.isEmpty ? "SAMLRequest or SAMLResponse must be present as query string parameters"
                                          : "a query carries both SAMLRequest and SAMLResponse",
                            expected: "exactly one of SAMLRequest, SAMLResponse", found: kinds.map(\.rawValue).joined(separator: ", "))
        }
        let compressed = try Base64.decode(Substring(try FormEncoding.decode(rawMessage)), field: kind.rawValue)
        let xml = try NativeDeflate.inflate(compressed, limit: limits.maxInflatedBytes)
        let relayState = try raw["RelayState"].map { value throws(SAMLError) in try FormEncoding.decode(value) }
        var signature: QuerySignature?
        if let rawSignature = raw["Signature"] {
            guard let rawAlgorithm = raw["SigAlg"] else {
                throw SAMLError(.bindingSignatureAlgorithm, "Signature without SigAlg", expected: "SigAlg", found: "none")
            }
            let uri = try FormEncoding.decode(rawAlgorithm)
            guard let algorithm = SignatureAlgorithm.allCases.first(where: { $0.signatureMethod == uri }) else {
                throw SAMLError(.bindingSignatureAlgorithm, "unsupported SigAlg", expected: "an RSA signature method",
                                found: uri)
            }
            // The signed octets are the parameters exactly as received, in the order the binding defines.
            var signed = kind.rawValue + "=" + rawMessage
            if let rawRelay = raw["RelayState"] { signed += "&RelayState=" + rawRelay }
            signed += "&SigAlg=" + rawAlgorithm
            signature = QuerySignature(algorithm: algorithm,
                                       value: try Base64.decode(Substring(try FormEncoding.decode(rawSignature)), field: "Signature"),
                                       signedBytes: Array(signed.utf8))
        } else if raw["SigAlg"] != nil {
            throw SAMLError(.bindingSignatureAlgorithm, "SigAlg without Signature", expected: "both or neither", found: "SigAlg only")
        }
        return RedirectMessage(kind: kind, xml: xml, relayState: relayState, signature: signature)
    }
}

/// A message received through the HTTP-Redirect binding.
public struct RedirectMessage: Sendable {
    public let kind: SAMLMessageKind
    /// The inflated XML, to be parsed by the receiver (it has not been parsed yet).
    public let xml: [UInt8]
    public let relayState: String?
    /// The query signature, when the sender signed.
    public let signature: QuerySignature?

    /// Checks the query signature against the trusted certificates; throws when unsigned, when the algorithm is
    /// SHA-1 and not allowed, or when no certificate verifies it.
    /// - Parameters:
    ///   - certificates: The sender's certificates, from configuration.
    ///   - algorithms: Whether an RSA-SHA1 query signature is accepted.
    /// - Throws: ``SAMLError`` with code `binding.unsigned` when the query carries no signature,
    ///   `signature.algorithmNotAllowed` for RSA-SHA1 when not allowed, or `binding.signatureInvalid` when no
    ///   certificate verifies it.
    public func verifySignature(trusting certificates: [Certificate], algorithms: AlgorithmPolicy = .strict) throws(SAMLError) {
        guard let signature else {
            throw SAMLError(.bindingUnsigned, "the message is not signed", expected: "SigAlg and Signature", found: "neither")
        }
        if signature.algorithm.isLegacy && !algorithms.allowSHA1 {
            throw SAMLError(.signatureAlgorithmNotAllowed, "SigAlg is a legacy algorithm", expected: "rsa-sha256",
                            found: signature.algorithm.rawValue)
        }
        guard certificates.contains(where: { $0.publicKey.verify(signature.value, of: signature.signedBytes, algorithm: signature.algorithm) }) else {
            throw SAMLError(.bindingSignatureInvalid, "the query signature does not verify",
                            expected: "a signature by one of the \(certificates.count) configured certificates",
                            found: "one none of them verifies")
        }
    }
}

/// `SigAlg` and `Signature` of a Redirect-binding query.
public struct QuerySignature: Sendable, Hashable {
    public let algorithm: SignatureAlgorithm
    public let value: [UInt8]
    /// The exact octets the signature covers.
    public let signedBytes: [UInt8]
}
