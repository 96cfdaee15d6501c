/// Which kind of protocol message a binding carries: the form field or query parameter name.
public enum SAMLMessageKind: String, Sendable, Hashable, CaseIterable {
    case request = "SAMLRequest"
    case response = "SAMLResponse"
}

/// Strict base64 with whitespace (line breaks) ignored, as browsers, capture tools and XML elements wrap it. One
/// implementation for every base64 field the package reads; callers choose the error they report.
package enum Base64 {
    /// `bytes` without spaces, tabs and line breaks.
    package static func stripWhitespace(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.filter { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }
    }

    /// The decoded bytes, or `nil` when the text (whitespace aside) is not base64.
    package static func decode(_ text: some Sequence<UInt8>) -> [UInt8]? {
        Data(base64Encoded: Data(stripWhitespace(text))).map { [UInt8]($0) }
    }

    /// A binding's form field or query parameter.
    static func decode(_ text: Substring, field: String) throws(SAMLError) -> [UInt8] {
        let compact = stripWhitespace(text.utf8)
        guard !compact.isEmpty else { throw SAMLError(.bindingMissingMessage, "\(field) is empty", expected: "base64", found: "nothing") }
        guard let data = Data(base64Encoded: Data(compact)) else {
            throw SAMLError(.bindingBase64, "\(field) is not valid base64", expected: "base64 (line breaks allowed)",
                            found: "\(compact.count) characters that do not decode (truncated or garbage?)")
        }
        return [UInt8](data)
    }
}

import Foundation
