import AWSFederation
import Foundation
import Hummingbird
import SAML

/// Authorizes one S3 action on one resource for the request being served (throws S3's AccessDenied).
typealias S3Authorize = (_ action: String, _ resource: String) async throws(S3Error) -> Void

/// The multipart calls on an object (`?uploads`, `?uploadId=…`), with the permission each needs (S3 User Guide,
/// "Multipart upload API and permissions"): `s3:PutObject` to create, upload parts and complete,
/// `s3:AbortMultipartUpload` to abort, `s3:ListMultipartUploadParts` for ListParts,
/// `s3:ListBucketMultipartUploads` (on the bucket) for ListMultipartUploads. Shapes from botocore's S3 model.
extension MockAWS {
    func multipart(_ request: Request, caller: Caller, bucket: String, key: String, query: [String: String], body: [UInt8],
                   requestID: String, authorize: S3Authorize) async throws(S3Error) -> Response {
        let objectARN = "arn:aws:s3:::\(bucket)/\(key)"
        let now = clock.now
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        switch (request.method, query["uploads"] != nil, query["uploadId"]) {
        case (.post, true, nil):
            try await authorize("s3:PutObject", objectARN)
            let upload = try await state.withS3 { (store) throws(S3Error) in
                try store.createUpload(bucket: bucket, key: key, contentType: request.headers[.contentType], metadata: Self.userMetadata(request),
                                       initiator: caller.arn, now: now)
            }
            return Self.s3XML("<InitiateMultipartUploadResult xmlns=\"\(Self.s3Namespace)\"><Bucket>\(Self.escape(bucket))</Bucket>"
                              + "<Key>\(Self.escape(key))</Key><UploadId>\(upload.id)</UploadId></InitiateMultipartUploadResult>", requestID: requestID)
        case (.put, false, let id?):
            try await authorize("s3:PutObject", objectARN)
            let number = try S3Store.partNumber(query["partNumber"])
            var data = body
            var extra: HTTPFields = [:]
            if let source = request.headers[.init("x-amz-copy-source")!] {
                // UploadPartCopy: the part's bytes come from another object (which the caller must be able to read).
                let object = try await copySource(source, authorize: authorize).object
                data = object.data
                if let range = request.headers[.init("x-amz-copy-source-range")!] {
                    guard let (start, end) = try Self.byteRange(range, size: object.data.count) else {
                        throw S3Store.error("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                                            400, [("ArgumentName", "x-amz-copy-source-range"), ("ArgumentValue", range)])
                    }
                    data = Array(object.data[start...end])
                }
            }
            let checksum = request.headers[.init("x-amz-copy-source")!] == nil ? try S3Checksums.verify(headers, body: data) : nil
            let part = try await state.withS3 { (store) throws(S3Error) in
                try store.putPart(data, upload: id, bucket: bucket, key: key, number: number,
                                  checksums: checksum.map { [$0.algorithm: $0.value] } ?? [:], now: now)
            }
            if let checksum, let name = HTTPFields.Element.Name("x-amz-checksum-" + checksum.algorithm) { extra[name] = checksum.value }
            if request.headers[.init("x-amz-copy-source")!] != nil {
                return Self.s3XML("<CopyPartResult><LastModified>\(Self.s3Time(part.lastModified))</LastModified><ETag>\(Self.escape(part.etag))</ETag></CopyPartResult>",
                                  requestID: requestID)
            }
            extra[.eTag] = part.etag
            extra[.init("x-amz-request-id")!] = requestID
            return Response(status: .ok, headers: extra)
        case (.post, false, let id?):
            try await authorize("s3:PutObject", objectARN)
            let xml = try S3RequestXML(body, root: "CompleteMultipartUpload")
            var listed: [(number: Int, etag: String)] = []
            for part in xml.root.all("Part") {
                guard let etag = part.text("ETag") else { throw S3RequestXML.malformed }
                listed.append((try S3Store.partNumber(part.text("PartNumber")), etag))
            }
            // The XML element list is what the upload becomes: a request for more parts than S3 allows is malformed.
            guard listed.count <= S3Store.partNumbers.upperBound else { throw S3RequestXML.malformed }
            let object = try await state.withS3 { (store) throws(S3Error) in
                try store.completeUpload(id, bucket: bucket, key: key, parts: listed, now: now)
            }
            return Self.s3XML("<CompleteMultipartUploadResult xmlns=\"\(Self.s3Namespace)\"><Location>/\(Self.escape(bucket))/\(Self.escape(FormEncoding.encode(key)))</Location>"
                              + "<Bucket>\(Self.escape(bucket))</Bucket><Key>\(Self.escape(key))</Key><ETag>\(Self.escape(object.etag))</ETag></CompleteMultipartUploadResult>",
                              requestID: requestID)
        case (.delete, false, let id?):
            try await authorize("s3:AbortMultipartUpload", objectARN)
            try await state.withS3 { (store) throws(S3Error) in
                _ = try store.upload(id, bucket: bucket, key: key)
                store.abort(id)
            }
            return Response(status: .noContent, headers: [.init("x-amz-request-id")!: requestID])
        case (.get, false, let id?):
            try await authorize("s3:ListMultipartUploadParts", objectARN)
            let upload = try await state.s3.upload(id, bucket: bucket, key: key)
            let maxParts = try Self.boundedCount(query["max-parts"], name: "max-parts")
            let marker = query["part-number-marker"].map { Int($0) ?? -1 } ?? 0
            guard marker >= 0 else { throw S3Store.error("InvalidArgument", "Provided part-number-marker not an integer or within integer range", 400) }
            let numbers = upload.parts.keys.sorted().filter { $0 > marker }
            let page = numbers.prefix(maxParts)
            var xml = "<ListPartsResult xmlns=\"\(Self.s3Namespace)\"><Bucket>\(Self.escape(bucket))</Bucket><Key>\(Self.escape(key))</Key>"
                + "<UploadId>\(upload.id)</UploadId><PartNumberMarker>\(marker)</PartNumberMarker>"
            if let last = page.last { xml += "<NextPartNumberMarker>\(last)</NextPartNumberMarker>" }
            xml += "<MaxParts>\(maxParts)</MaxParts><IsTruncated>\(numbers.count > page.count)</IsTruncated>"
            for number in page {
                guard let part = upload.parts[number] else { continue }
                xml += "<Part><PartNumber>\(number)</PartNumber><LastModified>\(Self.s3Time(part.lastModified))</LastModified>"
                    + "<ETag>\(Self.escape(part.etag))</ETag><Size>\(part.data.count)</Size></Part>"
            }
            xml += "<Initiator><ID>\(Self.escape(upload.initiator))</ID><DisplayName>\(Self.escape(caller.arn))</DisplayName></Initiator>"
                + owner(caller) + "<StorageClass>STANDARD</StorageClass></ListPartsResult>"
            return Self.s3XML(xml, requestID: requestID)
        default:
            throw S3Store.error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
        }
    }

    /// ListMultipartUploads (`GET /BUCKET?uploads`): uploads in progress under `prefix`, by key then initiation.
    func listUploads(_ bucket: String, query: [String: String], requestID: String) async throws(S3Error) -> Response {
        let store = await state.s3
        _ = try store.bucket(bucket)
        let prefix = Array((query["prefix"] ?? "").utf8)
        let maxUploads = try Self.boundedCount(query["max-uploads"], name: "max-uploads")
        let uploads = store.uploads.values.filter { $0.bucket == bucket && Array($0.key.utf8).starts(with: prefix) }
            .sorted { S3Store.Key($0.key) == S3Store.Key($1.key) ? $0.initiated < $1.initiated : S3Store.Key($0.key) < S3Store.Key($1.key) }
        let page = uploads.prefix(maxUploads)
        var xml = "<ListMultipartUploadsResult xmlns=\"\(Self.s3Namespace)\"><Bucket>\(Self.escape(bucket))</Bucket>"
            + "<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>\(Self.escape(query["prefix"] ?? ""))</Prefix>"
            + "<MaxUploads>\(maxUploads)</MaxUploads><IsTruncated>\(uploads.count > page.count)</IsTruncated>"
        for upload in page {
            xml += "<Upload><Key>\(Self.escape(upload.key))</Key><UploadId>\(upload.id)</UploadId>"
                + "<Initiator><ID>\(Self.escape(upload.initiator))</ID></Initiator><StorageClass>STANDARD</StorageClass>"
                + "<Initiated>\(Self.s3Time(upload.initiated))</Initiated></Upload>"
        }
        return Self.s3XML(xml + "</ListMultipartUploadsResult>", requestID: requestID)
    }

    /// `max-parts`, `max-uploads`: a non-negative integer, at most 1,000 (S3's page size).
    static func boundedCount(_ text: String?, name: String) throws(S3Error) -> Int {
        guard let text else { return 1000 }
        guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text) else {
            throw S3Store.error("InvalidArgument", "Provided \(name) not an integer or within integer range", 400,
                                [("ArgumentName", name), ("ArgumentValue", text)])
        }
        return min(value, 1000)
    }

    /// `x-amz-meta-*` user metadata of a request (names lowercased, as S3 keeps them).
    static func userMetadata(_ request: Request) -> [String: String] {
        var metadata: [String: String] = [:]
        for field in request.headers where field.name.canonicalName.hasPrefix("x-amz-meta-") {
            metadata[String(field.name.canonicalName.dropFirst("x-amz-meta-".count))] = field.value
        }
        return metadata
    }
}
