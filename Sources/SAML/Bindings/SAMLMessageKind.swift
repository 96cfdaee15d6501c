/// Which kind of protocol message a binding carries: the form field or query parameter name.
public enum SAMLMessageKind: String, Sendable, Hashable, CaseIterable {
    case request = "SAMLRequest"
    case response = "SAMLResponse"
}

/// Strict base64 with whitespace (line breaks) ignored, as browsers and capture tools send it.
enum Base64 {
    static func decode(_ text: Substring, field: String) throws(SAMLError) -> [UInt8] {
        let compact = text.utf8.filter { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }
        guard !compact.isEmpty else { throw SAMLError(.bindingMissingMessage, "\(field) is empty", expected: "base64", found: "nothing") }
        guard let data = Data(base64Encoded: Data(compact)) else {
            throw SAMLError(.bindingBase64, "\(field) is not valid base64", expected: "base64 (line breaks allowed)",
                            found: "\(compact.count) characters that do not decode (truncated or garbage?)")
        }
        return [UInt8](data)
    }
}

import Foundation
