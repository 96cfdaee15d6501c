import Foundation

/// The HTTP-POST binding (SAML bindings 3.5): base64 form fields and an auto-submitting HTML form.
public enum PostBinding {
    /// The form fields, in order: the message in base64 (one line) and RelayState when given.
    /// - Parameters:
    ///   - xml: The message (an AuthnRequest, a Response, a logout message), as UTF-8 bytes.
    ///   - kind: Whether it travels as `SAMLRequest` or `SAMLResponse`.
    ///   - relayState: Opaque state for the receiver to return unchanged; `nil` for none.
    /// - Returns: The fields' names and values, not form-encoded.
    public static func fields(_ xml: [UInt8], kind: SAMLMessageKind, relayState: String? = nil) -> [(name: String, value: String)] {
        var fields = [(name: kind.rawValue, value: Data(xml).base64EncodedString())]
        if let relayState { fields.append((name: "RelayState", value: relayState)) }
        return fields
    }

    /// An `application/x-www-form-urlencoded` body carrying the message.
    /// - Parameters:
    ///   - xml: The message (an AuthnRequest, a Response, a logout message), as UTF-8 bytes.
    ///   - kind: Whether it travels as `SAMLRequest` or `SAMLResponse`.
    ///   - relayState: Opaque state for the receiver to return unchanged; `nil` for none.
    public static func formBody(_ xml: [UInt8], kind: SAMLMessageKind, relayState: String? = nil) -> String {
        fields(xml, kind: kind, relayState: relayState).map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }
            .joined(separator: "&")
    }

    /// The page Entra returns after sign-in: a hidden form posted by script, with a Submit button when scripts are off.
    /// - Parameters:
    ///   - action: The URL the form posts to (the receiver's ACS URL or endpoint).
    ///   - xml: The message (an AuthnRequest, a Response, a logout message), as UTF-8 bytes.
    ///   - kind: Whether it travels as `SAMLRequest` or `SAMLResponse`.
    ///   - relayState: Opaque state for the receiver to return unchanged; `nil` for none.
    /// - Returns: A complete HTML page.
    public static func autoSubmitPage(action: String, _ xml: [UInt8], kind: SAMLMessageKind, relayState: String? = nil) -> String {
        var html = "<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\""
            + Markup.escape(action) + "\">"
        for field in fields(xml, kind: kind, relayState: relayState) {
            html += "<input type=\"hidden\" name=\"\(Markup.escape(field.name))\" value=\"\(Markup.escape(field.value))\" />"
        }
        html += "<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript>"
            + "</form><script language=\"javascript\">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>"
        return html
    }

    /// Decodes a POST body (`SAMLResponse=…&RelayState=…`): percent-encoding, `+`, and line breaks in the base64 are
    /// all accepted. `maxBodyBytes` bounds the body before anything is decoded.
    /// - Parameters:
    ///   - formBody: The request body as received.
    ///   - maxBodyBytes: The largest body accepted, in bytes.
    /// - Returns: The decoded message, not parsed yet, with its RelayState.
    /// - Throws: ``SAMLError`` with code `binding.tooLarge` beyond `maxBodyBytes`, `binding.encoding` for bad
    ///   percent-encoding or a repeated field, `binding.missingMessage` without exactly one non-empty `SAMLRequest` or
    ///   `SAMLResponse`, or `binding.base64` when the message is not base64.
    public static func decode(formBody: String, maxBodyBytes: Int = 1 << 20) throws(SAMLError) -> PostMessage {
        guard formBody.utf8.count <= maxBodyBytes else {
            throw SAMLError(.bindingTooLarge, "the form body exceeds the limit", expected: "at most \(maxBodyBytes) bytes",
                            found: "\(formBody.utf8.count) bytes")
        }
        let pairs = try FormEncoding.decodePairs(formBody)
        let kinds = SAMLMessageKind.allCases.filter { pairs[$0.rawValue] != nil }
        guard kinds.count == 1, let kind = kinds.first, let value = pairs[kind.rawValue] else {
            throw SAMLError(.bindingMissingMessage, "the form must carry exactly one SAML message",
                            expected: "exactly one of SAMLRequest, SAMLResponse",
                            found: kinds.isEmpty ? "neither" : "both")
        }
        return PostMessage(kind: kind, xml: try Base64.decode(Substring(value), field: kind.rawValue),
                           relayState: pairs["RelayState"])
    }
}

/// A message received through the HTTP-POST binding.
public struct PostMessage: Sendable {
    public let kind: SAMLMessageKind
    /// The decoded XML, not parsed yet.
    public let xml: [UInt8]
    public let relayState: String?
}
