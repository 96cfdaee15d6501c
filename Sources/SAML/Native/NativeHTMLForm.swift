internal import CXMLSec
internal import CXMLSecShim

/// The named `<input>` fields of an HTML page as libxml2's HTML parser reads them: element and attribute names in any
/// letter case, any quoting (or none), character references decoded, comments and the text of `<script>`,
/// `<style>` and the like not read as markup. A browser's HTML parser decides which fields it posts; a search for
/// `name="SAMLResponse"` in the text did not (it read a field inside a script or behind `name = "…"` spacing, and
/// missed `NAME=SAMLResponse`). Each field also says why a browser would not post it, if it would not: libxml2 still
/// builds a tree where HTML's parsing rules build none (inside `<template>`, `<textarea>`, `<svg>`), so such a field
/// is reported, never read. What libxml2 and a browser still read differently is caught by the caller, which refuses
/// a page that mentions the field name more often than this finds fields.
enum NativeHTMLForm {
    struct Field: Equatable {
        var name: String
        var value: String?
        /// The `action` of the `<form>` around the field, if any.
        var action: String?
        /// Why a browser submitting the form would not post this field as `name=value`; `nil` when it would.
        var notPosted: String?
    }

    /// Elements whose content a browser does not submit as fields of the form around them: raw text or escapable raw
    /// text in HTML's parsing rules, inert templates, foreign content, other controls' content.
    private static let inert: Set<String> = ["template", "textarea", "xmp", "title", "noembed", "noframes", "iframe", "plaintext",
                                             "svg", "math", "select", "option", "datalist", "noscript", "button", "object",
                                             "script", "style"]

    /// The inputs of `page` whose name is one of `names` in any letter case, in document order (at most `limit`:
    /// the caller refuses more than one of a name anyway).
    static func fields(_ page: [UInt8], named names: [String], limit: Int = 64) throws(SAMLError) -> [Field] {
        let wanted = Set(names.map { $0.lowercased() })
        try NativeLibrary.begin()
        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NOIMPLIED.rawValue)
        let doc = page.withUnsafeBytes { raw in
            htmlReadMemory(raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, "UTF-8", options)
        }
        guard let doc else { throw SAMLError(.bindingMissingMessage, "the HTML page could not be read", expected: "an HTML page", found: "none") }
        defer { xmlFreeDoc(doc) }
        var found: [Field] = []
        // Iterative walk: a page of 4 MiB may nest deeply, and libxml2 bounds the depth it builds.
        var node = xmlDocGetRootElement(doc).map { UnsafeMutablePointer<xmlNode>($0) }
        while let current = node, found.count < limit {
            if current.pointee.type == XML_ELEMENT_NODE, cEquals(current.pointee.name, "input"),
               let name = property(current, "name"), wanted.contains(name.lowercased()) {
                found.append(field(current, name: name))
            }
            if let child = current.pointee.children, current.pointee.type == XML_ELEMENT_NODE {
                node = child
                continue
            }
            var up: UnsafeMutablePointer<xmlNode>? = current
            node = nil
            while let u = up {
                if let next = u.pointee.next { node = next; break }
                up = u.pointee.parent.flatMap { $0.pointee.type == XML_ELEMENT_NODE ? $0 : nil }
            }
        }
        return found
    }

    /// The field `input`, and why a browser would not post it (HTML's form submission: disabled controls, controls
    /// outside the form or bound to another one, types that submit no value, and forms that do not POST).
    private static func field(_ input: UnsafeMutablePointer<xmlNode>, name: String) -> Field {
        var result = Field(name: name, value: property(input, "value"), action: nil, notPosted: nil)
        var reasons: [String] = []
        let type = property(input, "type")?.lowercased()
        if let type, type != "hidden", type != "text" { reasons.append("its type is \(type)") }
        if hasProperty(input, "disabled") { reasons.append("it is disabled") }
        if hasProperty(input, "form") { reasons.append("it names another form (form=)") }
        var form: UnsafeMutablePointer<xmlNode>?
        var ancestor = input.pointee.parent
        while let a = ancestor, a.pointee.type == XML_ELEMENT_NODE {
            let element = a.pointee.name.map { String(cString: $0) } ?? ""
            if inert.contains(element) { reasons.append("it is inside <\(element)>") }
            if element == "fieldset", hasProperty(a, "disabled") { reasons.append("its fieldset is disabled") }
            if element == "form", form == nil { form = a }
            ancestor = a.pointee.parent
        }
        if let form {
            result.action = property(form, "action")
            let method = property(form, "method")?.lowercased() ?? "get"
            if method != "post" { reasons.append("its form's method is \(method.uppercased()), not POST") }
            // The POST binding's body is form-urlencoded; text/plain leaves '+' and '=' unencoded, multipart is another body.
            if let enctype = property(form, "enctype")?.lowercased(), enctype != "application/x-www-form-urlencoded" {
                reasons.append("its form posts as \(enctype), not application/x-www-form-urlencoded")
            }
        } else {
            reasons.append("it is outside any form")
        }
        result.notPosted = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        return result
    }

    private static func hasProperty(_ node: UnsafeMutablePointer<xmlNode>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { buffer in xmlHasProp(node, buffer.baseAddress) != nil }
    }

    private static func property(_ node: UnsafeMutablePointer<xmlNode>, _ name: StaticString) -> String? {
        guard let value = name.withUTF8Buffer({ buffer in
            xmlGetProp(node, buffer.baseAddress)
        }) else { return nil }
        defer { cxs_xml_free(value) }
        return String(cString: value)
    }
}
