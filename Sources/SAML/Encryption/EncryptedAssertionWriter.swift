import Foundation

/// Writes `<EncryptedAssertion>`: the assertion's exact bytes (signed first, if it is signed) encrypted with a fresh
/// content key, the key wrapped for the recipient's certificate inside `ds:KeyInfo/xenc:EncryptedKey`.
enum EncryptedAssertionWriter {
    static func encrypt(_ assertion: ArraySlice<UInt8>, with encryption: AssertionEncryption) throws(SAMLError) -> [UInt8] {
        let key = try NativeCrypto.randomBytes(encryption.content.keyLength)
        let cipherText = try NativeCrypto.encrypt(Array(assertion), key: key, algorithm: encryption.content)
        let wrapped = try NativeCrypto.wrapKey(key, for: encryption.recipient.publicKey, transport: encryption.keyTransport)
        var w = XMLWriter(capacity: cipherText.count * 4 / 3 + 1024)
        w.raw("<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">")
        w.raw("<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">")
        w.open("xenc:EncryptionMethod", ["Algorithm": encryption.content.rawValue])
        w.selfClose()
        w.raw("<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>")
        w.open("xenc:EncryptionMethod", ["Algorithm": encryption.keyTransport.uri])
        if case .rsaOAEP(let digest, let mgf) = encryption.keyTransport {
            w.close()
            w.open("ds:DigestMethod", ["Algorithm": digest.rawValue])
            w.selfClose()
            if encryption.keyTransport.uri == KeyTransport.oaep11 {
                w.open("xenc11:MGF", ["xmlns:xenc11": "http://www.w3.org/2009/xmlenc11#", "Algorithm": mgf.mgfURI])
                w.selfClose()
            }
            w.end("xenc:EncryptionMethod")
        } else {
            w.selfClose()
        }
        w.raw("<xenc:CipherData><xenc:CipherValue>" + Data(wrapped).base64EncodedString()
              + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>")
        w.raw("<xenc:CipherData><xenc:CipherValue>" + Data(cipherText).base64EncodedString()
              + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>")
        return w.bytes
    }
}
