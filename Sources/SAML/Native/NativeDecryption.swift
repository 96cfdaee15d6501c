internal import CXMLSec
import Foundation

/// Reads and decrypts one `<EncryptedAssertion>` under the allowlists of ``Decryption`` (attacks.md §9).
enum NativeDecryption {
    private static let xenc: StaticString = "http://www.w3.org/2001/04/xmlenc#"
    private static let xenc11: StaticString = "http://www.w3.org/2009/xmlenc11#"
    private static let ds: StaticString = "http://www.w3.org/2000/09/xmldsig#"

    private static func malformed(_ what: String, found: String) -> SAMLError {
        SAMLError(.encryptionMalformed, "the EncryptedAssertion is not in a supported form", expected: what, found: found)
    }

    /// The plaintext octets of the encrypted assertion.
    static func decrypt(_ encrypted: XMLNode, with decryption: Decryption) throws(SAMLError) -> [UInt8] {
        let children = encrypted.elementChildren
        guard children.count == 1, let data = children.first, data.isElement(xenc, "EncryptedData") else {
            throw malformed("one xenc:EncryptedData (EncryptedKey inside its KeyInfo)",
                            found: children.map { "<\($0.qualifiedDescription)>" }.joined(separator: ", "))
        }
        if let type = data.attribute("Type"), type != "http://www.w3.org/2001/04/xmlenc#Element" {
            throw malformed("Type=\"http://www.w3.org/2001/04/xmlenc#Element\"", found: "Type=\"\(type)\"")
        }
        let contentURI = data.child(xenc, "EncryptionMethod")?.attribute("Algorithm") ?? "none"
        guard let content = ContentEncryption(rawValue: contentURI) else {
            throw SAMLError(.encryptionAlgorithmNotAllowed, "unsupported content encryption",
                            expected: "AES-GCM (xmlenc11#aes128-gcm or aes256-gcm)", found: contentURI)
        }
        if !content.isGCM && !decryption.allowCBC {
            throw SAMLError(.encryptionAlgorithmNotAllowed, "AES-CBC content encryption is refused (padding oracles)",
                            expected: "AES-GCM, or Decryption(allowCBC: true)", found: contentURI)
        }
        guard let keyInfo = data.child(ds, "KeyInfo") else { throw malformed("ds:KeyInfo with an EncryptedKey", found: "no KeyInfo") }
        if keyInfo.child(ds, "RetrievalMethod") != nil {
            throw malformed("the EncryptedKey inside KeyInfo", found: "a RetrievalMethod (indirection is not followed)")
        }
        let keys = keyInfo.elementChildren.filter { $0.isElement(xenc, "EncryptedKey") }
        guard keys.count == 1, let encryptedKey = keys.first else {
            throw malformed("exactly one xenc:EncryptedKey in KeyInfo", found: "\(keys.count)")
        }
        let method = encryptedKey.child(xenc, "EncryptionMethod")
        let transportURI = method?.attribute("Algorithm") ?? "none"
        let digest = method?.child(ds, "DigestMethod")?.attribute("Algorithm").flatMap(KeyTransport.Digest.init(rawValue:)) ?? .sha1
        let transport: KeyTransport
        switch transportURI {
        case KeyTransport.oaepMGF1P:
            transport = .rsaOAEP(digest: digest, mgf: .sha1)
        case KeyTransport.oaep11:
            let mgfURI = method?.child(xenc11, "MGF")?.attribute("Algorithm") ?? "http://www.w3.org/2009/xmlenc11#mgf1sha1"
            guard let mgf = [KeyTransport.Digest.sha1, .sha256].first(where: { $0.mgfURI == mgfURI }) else {
                throw SAMLError(.encryptionAlgorithmNotAllowed, "unsupported OAEP mask generation", expected: "mgf1sha1 or mgf1sha256",
                                found: mgfURI)
            }
            transport = .rsaOAEP(digest: digest, mgf: mgf)
        case KeyTransport.rsa15URI where decryption.allowRSA15:
            transport = .rsa15
        default:
            throw SAMLError(.encryptionAlgorithmNotAllowed, "unsupported key transport",
                            expected: "RSA-OAEP" + (decryption.allowRSA15 ? " or RSA 1.5" : " (RSA 1.5 only with allowRSA15)"),
                            found: transportURI)
        }
        let wrapped = try cipherValue(encryptedKey)
        let key = try NativeCrypto.unwrapKey(wrapped, with: decryption.keys.map(\.native), transport: transport)
        return try NativeCrypto.decrypt(try cipherValue(data), key: key, algorithm: content)
    }

    private static func cipherValue(_ node: XMLNode) throws(SAMLError) -> [UInt8] {
        guard let cipherData = node.child(xenc, "CipherData") else { throw malformed("xenc:CipherData", found: "none") }
        guard let value = cipherData.child(xenc, "CipherValue") else {
            throw malformed("xenc:CipherValue", found: cipherData.child(xenc, "CipherReference") != nil
                            ? "a CipherReference (external data is not fetched)" : "none")
        }
        let text = value.textBytes
        guard let bytes = Base64.decode(text), !bytes.isEmpty else {
            throw malformed("base64 in CipherValue", found: "\(text.count) characters that do not decode")
        }
        return bytes
    }
}

extension KeyTransport.Digest {
    /// OpenSSL's message digest for OAEP and MGF1 (kept here, with the other C types).
    var md: OpaquePointer? { self == .sha1 ? NativeX509.messageDigest(.rsaSHA1) : NativeX509.messageDigest(.rsaSHA256) }
}
