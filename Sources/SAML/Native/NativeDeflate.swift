internal import CXMLSec

/// Raw DEFLATE (RFC 1951, no zlib header) through zlib, as the HTTP-Redirect binding requires (SAML bindings 3.4.4.1).
enum NativeDeflate {
    static func deflate(_ input: [UInt8]) throws(SAMLError) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SAMLError(.libraryUnavailable, "zlib could not start compressing")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 16)
        let produced: Int = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return zlib_deflate(&stream, Z_FINISH) == Z_STREAM_END ? Int(stream.total_out) : -1
            }
        }
        guard produced >= 0 else { throw SAMLError(.libraryUnavailable, "zlib could not compress the message") }
        return Array(output.prefix(produced))
    }

    /// Inflates at most `limit` bytes: a message that expands further is refused (a deflate bomb).
    static func inflate(_ input: [UInt8], limit: Int) throws(SAMLError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SAMLError(.libraryUnavailable, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            while status == Z_OK && output.count <= limit {
                let written: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = zlib_inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk.prefix(written))
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
        }
        guard output.count <= limit else {
            throw SAMLError(.bindingTooLarge, "the message inflates beyond the limit (a deflate bomb?)",
                            expected: "at most \(limit) bytes", found: "more than \(limit) bytes")
        }
        guard status == Z_STREAM_END else {
            throw SAMLError(.bindingInflate, "the message is not valid raw DEFLATE data",
                            expected: "a complete RFC 1951 stream", found: stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
        }
        return output
    }
}

// zlib's `deflate`/`inflate` share names with nothing in Swift, but are wrapped to keep call sites readable.
@inline(__always) private func zlib_deflate(_ stream: inout z_stream, _ flush: Int32) -> Int32 { deflate(&stream, flush) }
@inline(__always) private func zlib_inflate(_ stream: inout z_stream, _ flush: Int32) -> Int32 { inflate(&stream, flush) }
