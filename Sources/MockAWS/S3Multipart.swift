import AWSFederation
import Foundation
import SAML

/// Multipart uploads, as the AWS CLI makes them for every file of 8 MB or more (`multipart_threshold`,
/// `multipart_chunksize` in the CLI's S3 configuration): CreateMultipartUpload, UploadPart (and UploadPartCopy),
/// CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads. Rules and texts from the S3 API
/// Reference ("CompleteMultipartUpload", "UploadPart", "Error responses", "Amazon S3 multipart upload limits"):
/// part numbers 1 to 10,000; every part but the last at least 5 MiB (`EntityTooSmall`); the completed list in
/// ascending order (`InvalidPartOrder`), each part named with the ETag it was uploaded with (`InvalidPart`); the
/// object's ETag is the MD5 of the parts' MD5s followed by `-N`.
extension S3Store {
    /// A part as uploaded.
    public struct Part: Sendable {
        public var data: [UInt8]
        /// The quoted MD5 of the part.
        public var etag: String
        public var lastModified: Date
        /// `x-amz-checksum-*` values given with the part (algorithm → base64).
        public var checksums: [String: String]
    }

    /// An upload in progress.
    public struct Upload: Sendable {
        public var id: String
        public var bucket: String
        public var key: String
        public var initiated: Date
        public var contentType: String
        public var metadata: [String: String]
        /// The ARN of the principal that started it (S3's `Initiator`).
        public var initiator: String
        public var parts: [Int: Part] = [:]
    }

    /// S3's limits on parts (S3 User Guide, "Amazon S3 multipart upload limits").
    static let partNumbers = 1...10_000
    static let minimumPartBytes = 5 * 1024 * 1024
    /// A mock's bound on uploads in progress (S3 has none but storage).
    static let maxUploads = 1_000

    static func noSuchUpload(_ id: String) -> S3Error {
        error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
              404, [("UploadId", id)])
    }

    /// The upload `id` of `key` in `bucket`: an ID given with another key or bucket is `NoSuchUpload`, as S3 scopes
    /// upload IDs to their object.
    func upload(_ id: String, bucket: String, key: String) throws(S3Error) -> Upload {
        _ = try self.bucket(bucket)
        guard let upload = uploads[id], upload.bucket == bucket, upload.key == key else { throw Self.noSuchUpload(id) }
        return upload
    }

    mutating func createUpload(bucket name: String, key: String, contentType: String?, metadata: [String: String],
                               initiator: String, now: Date) throws(S3Error) -> Upload {
        _ = try bucket(name)
        guard !key.isEmpty, key.utf8.count <= 1024 else { throw Self.error("KeyTooLongError", "Your key is too long", 400) }
        guard uploads.count < Self.maxUploads else {
            throw Self.error("ServiceUnavailable", "mock-aws keeps at most \(Self.maxUploads) multipart uploads in progress.", 503)
        }
        // Opaque and unguessable, as S3's are.
        let id = Data(SAMLRandom.bytes(48)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let upload = Upload(id: id, bucket: name, key: key, initiated: now, contentType: contentType ?? "binary/octet-stream",
                            metadata: metadata, initiator: initiator)
        uploads[id] = upload
        return upload
    }

    /// Parses and bounds a `partNumber` (S3: "Part number must be an integer between 1 and 10000, inclusive").
    static func partNumber(_ text: String?) throws(S3Error) -> Int {
        guard let text, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(text),
              partNumbers.contains(number) else {
            throw error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400,
                        [("ArgumentName", "partNumber"), ("ArgumentValue", text ?? "")])
        }
        return number
    }

    mutating func putPart(_ data: [UInt8], upload id: String, bucket: String, key: String, number: Int, checksums: [String: String],
                          now: Date) throws(S3Error) -> Part {
        var upload = try upload(id, bucket: bucket, key: key)
        guard data.count <= Self.maxObjectBytes else {
            throw Self.error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400,
                             [("ProposedSize", "\(data.count)"), ("MaxSizeAllowed", "\(Self.maxObjectBytes)")])
        }
        let previous = upload.parts[number]?.data.count ?? 0
        guard totalBytes - previous + data.count <= Self.maxTotalBytes else {
            throw Self.error("ServiceUnavailable", "mock-aws keeps at most \(Self.maxTotalBytes) bytes of objects in memory.", 503)
        }
        let part = Part(data: data, etag: "\"" + SAMLDigest.hex(SAMLDigest.md5(data)) + "\"", lastModified: now, checksums: checksums)
        upload.parts[number] = part
        uploads[id] = upload
        totalBytes += data.count - previous
        return part
    }

    /// Completes an upload from the parts the client lists, as `(number, etag)` in the order given.
    mutating func completeUpload(_ id: String, bucket name: String, key: String, parts listed: [(number: Int, etag: String)],
                                 now: Date) throws(S3Error) -> Object {
        let upload = try upload(id, bucket: name, key: key)
        guard !listed.isEmpty else {
            throw Self.error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400)
        }
        for (previous, next) in zip(listed, listed.dropFirst()) where next.number <= previous.number {
            throw Self.error("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
                             400, [("UploadId", id)])
        }
        // S3's ETag comparison ignores the quotes (clients send the header's quoted value or the bare hex).
        func bare(_ etag: String) -> Substring { etag.utf8.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? etag.dropFirst().dropLast() : Substring(etag) }
        var parts: [Part] = []
        for entry in listed {
            guard let part = upload.parts[entry.number], bare(part.etag) == bare(entry.etag) else {
                throw Self.error("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                                 400, [("UploadId", id), ("PartNumber", "\(entry.number)"), ("ETag", entry.etag)])
            }
            parts.append(part)
        }
        for (index, (entry, part)) in zip(listed, parts).enumerated() where index < parts.count - 1 && part.data.count < Self.minimumPartBytes {
            throw Self.error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", 400,
                             [("ProposedSize", "\(part.data.count)"), ("MinSizeAllowed", "\(Self.minimumPartBytes)"),
                              ("PartNumber", "\(entry.number)"), ("ETag", part.etag)])
        }
        var data: [UInt8] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.data.count })
        var digests: [UInt8] = []
        for part in parts {
            data += part.data
            digests += SAMLDigest.md5(part.data)
        }
        let object = Object(data: data, etag: "\"\(SAMLDigest.hex(SAMLDigest.md5(digests)))-\(parts.count)\"", lastModified: now,
                            contentType: upload.contentType, metadata: upload.metadata)
        // The parts' bytes are released before the object's are counted, so completing never needs twice the room.
        abort(id)
        var bucket = try bucket(name)
        try store(object, in: &bucket, key: key)
        return object
    }

    /// Drops an upload and its parts (AbortMultipartUpload, and after completion).
    mutating func abort(_ id: String) {
        guard let upload = uploads.removeValue(forKey: id) else { return }
        totalBytes -= upload.parts.values.reduce(0) { $0 + $1.data.count }
    }
}
