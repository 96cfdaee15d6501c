internal import CXMLSec
internal import CXMLSecShim

/// libxml2's canonicaliser (the one libxmlsec1 drives) applied directly to a subtree.
enum NativeC14N {
    private struct Scope {
        var apex: NodePtr
        var excluded: NodePtr?
    }

    /// Visible: the apex and its descendants, except the `excluded` subtree (an enveloped Signature). Namespace
    /// nodes are judged by the element that carries them, which libxml2 passes as `parent`.
    private static let visible: xmlC14NIsVisibleCallback = { userData, node, parent in
        guard let userData, let node else { return 0 }
        let scope = userData.assumingMemoryBound(to: Scope.self).pointee
        var current: NodePtr? = node.pointee.type == XML_NAMESPACE_DECL ? parent : node
        while let n = current {
            if n == scope.excluded { return 0 }
            if n == scope.apex { return 1 }
            current = n.pointee.parent
        }
        return 0
    }

    /// Exclusive C14N 1.0 without comments of `apex`'s subtree minus `excluded`. An error or empty output is
    /// fatal (attacks.md §5).
    static func exclusive(_ document: NativeDocument, apex: NodePtr, excluding excluded: NodePtr?) throws(SAMLError) -> [UInt8] {
        guard let buffer = xmlAllocOutputBuffer(nil) else { throw SAMLError(.libraryUnavailable, "out of memory") }
        defer { xmlOutputBufferClose(buffer) }
        var scope = Scope(apex: apex, excluded: excluded)
        let rc = withUnsafeMutablePointer(to: &scope) { pointer in
            xmlC14NExecute(document.doc, visible, pointer, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, buffer)
        }
        let size = Int(xmlOutputBufferGetSize(buffer))
        guard rc >= 0, size > 0, let content = xmlOutputBufferGetContent(buffer) else {
            throw SAMLError(.signatureCanonicalization, "canonicalisation failed", expected: "the canonical form of <\(apex.localName)>",
                            found: NativeLibrary.lastError.isEmpty ? "\(size) bytes" : NativeLibrary.lastError)
        }
        return Array(UnsafeBufferPointer(start: content, count: size))
    }
}
