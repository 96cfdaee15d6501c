/// Which kind of protocol message a binding carries: the form field or query parameter name.
public enum SAMLMessageKind: String, Sendable, Hashable, CaseIterable {
    case request = "SAMLRequest"
    case response = "SAMLResponse"
}

/// Strict base64 with whitespace (line breaks) ignored, as browsers, capture tools and XML elements wrap it. One
/// implementation for every base64 field the package reads; callers choose the error they report.
package enum Base64 {
    /// `bytes` without spaces, tabs and line breaks. Concrete types on purpose: a generic signature is not
    /// specialised across modules, and the per-byte witness calls made AWSFederation's 10 KB SAMLAssertions cost a
    /// third of mock-aws's throughput (measured with Tests/load/mock-aws-load.sh).
    package static func stripWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for byte in bytes where byte != 32 && byte != 10 && byte != 13 && byte != 9 { out.append(byte) }
        return out
    }

    package static func stripWhitespace(_ text: String) -> [UInt8] { stripWhitespace(Array(text.utf8)) }

    /// The decoded bytes, or `nil` when the text (whitespace aside) is not base64.
    package static func decode(_ bytes: [UInt8]) -> [UInt8]? {
        Data(base64Encoded: Data(stripWhitespace(bytes))).map { [UInt8]($0) }
    }

    package static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }

    /// A binding's form field or query parameter.
    static func decode(_ text: Substring, field: String) throws(SAMLError) -> [UInt8] {
        let compact = stripWhitespace(Array(text.utf8))
        guard !compact.isEmpty else { throw SAMLError(.bindingMissingMessage, "\(field) is empty", expected: "base64", found: "nothing") }
        guard let data = Data(base64Encoded: Data(compact)) else {
            throw SAMLError(.bindingBase64, "\(field) is not valid base64", expected: "base64 (line breaks allowed)",
                            found: "\(compact.count) characters that do not decode (truncated or garbage?)")
        }
        return [UInt8](data)
    }
}

import Foundation
