import AWSFederation
import Foundation
import Hummingbird
import MockServerKit
import SAML

/// S3 on mock-aws's endpoint and port, as the AWS CLI (`aws s3 mb/cp/ls/rm/rb`) and boto3 call it with
/// `--endpoint-url`: path-style (`/BUCKET/KEY`) and virtual-hosted (`BUCKET.localhost`) addressing, SigV4 with S3's
/// payload rules, every call authorized by the caller's policies (`s3:ListAllMyBuckets`, `s3:CreateBucket`,
/// `s3:ListBucket`, `s3:PutObject`, …, on `arn:aws:s3:::BUCKET[/KEY]`), S3's XML errors. Operations: ListBuckets,
/// CreateBucket, HeadBucket, DeleteBucket, ListObjectsV2 (and V1), GetBucketLocation, PutObject, GetObject (with
/// Range), HeadObject, DeleteObject; anything else is S3's `NotImplemented`. Shapes from botocore's S3 model.
extension MockAWS {
    /// Paths mock-aws serves itself, never bucket names.
    static let reservedPaths: Set<String> = ["saml", "audit", "health", "console"]
    static let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// Whether `request` is for S3: any request but mock-aws's own (the query API's `POST /`, and `/saml`, `/audit`,
    /// `/health`, `/console` on any host, so that those keep working under every loopback name, `BUCKET.localhost`
    /// included; objects with those names are not reachable by virtual-hosted addressing).
    func isS3(_ request: Request) -> Bool {
        let path = request.uri.path
        let first = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if Self.reservedPaths.contains(first) { return false }
        return !(request.method == .post && path == "/")
    }

    /// `BUCKET` of a `BUCKET.localhost[:PORT]` Host (loopback names only: other hosts are refused before this).
    func virtualHostBucket(_ request: Request) -> String? {
        guard let authority = request.head.authority else { return nil }
        let host = authority.split(separator: ":").first.map { String($0).lowercased() } ?? ""
        guard host.hasSuffix(".localhost") else { return nil }
        let bucket = String(host.dropLast(".localhost".count))
        return S3Store.isValidBucketName(bucket) ? bucket : nil
    }

    func s3(_ request: Request, _ context: MockAWSContext) async -> Response {
        let requestID = AWSState.randomID(16)
        var bucket = virtualHostBucket(request)
        var key = ""
        let segments = request.uri.path.split(separator: "/", maxSplits: bucket == nil ? 2 : 1, omittingEmptySubsequences: false).dropFirst()
        let isHead = request.method == .head
        do throws(S3Error) {
            // A malformed escape is refused, never read as the raw text (S3: InvalidURI).
            func decode(_ s: Substring) throws(S3Error) -> String {
                do { return try FormEncoding.decodePath(s) } catch {
                    throw S3Store.error("InvalidURI", "Couldn't parse the specified URI.", 400)
                }
            }
            if bucket == nil {
                if let first = segments.first, !first.isEmpty { bucket = try decode(first) }
                if segments.count > 1, let rest = segments.last { key = try decode(rest) }
            } else if let rest = segments.first {
                key = try decode(rest)
            }
            // Browser POST uploads (an HTML form with a signed policy) are not offered: said so, not "Access Denied".
            if request.method == .post, request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
                throw Self.notImplemented("POST Object (browser-based upload)")
            }
            // A request with no credential is refused before its body is read (see ExpectContinueHandler).
            guard request.headers[.authorization] != nil || request.uri.query?.contains("X-Amz-Signature=") == true
                    || request.uri.query?.contains("Signature=") == true else {
                throw S3Error(code: "AccessDenied", message: "Access Denied", httpStatus: 403)
            }
            let body: [UInt8]
            do { body = try await MockServer.body(request, limit: S3Store.maxObjectBytes + 1) } catch {
                throw S3Store.error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
            }
            // Signature Version 2 (`Authorization: AWS KEY:SIG`, or `AWSAccessKeyId`/`Signature` in a presigned URL):
            // S3 refuses it for every bucket created after June 24, 2020 (AWS's SigV2 deprecation notice, revised plan),
            // which every bucket here is.
            let rawQuery = request.uri.query ?? ""
            if request.headers[.authorization]?.hasPrefix("AWS ") == true
                || (rawQuery.contains("AWSAccessKeyId=") && rawQuery.contains("Signature=") && !rawQuery.contains("X-Amz-Signature=")) {
                throw S3Store.error("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", 400)
            }
            let caller: Caller
            do throws(AWSError) {
                guard request.headers[.authorization] != nil || request.uri.query?.contains("X-Amz-Signature=") == true else {
                    throw AWSError(code: "AccessDenied", message: "Access Denied", httpStatus: 403)
                }
                caller = try await authenticate(request, body: body, scope: .s3(serving: region), s3: true)
            } catch {
                throw S3Error(code: error.code, message: error.message, httpStatus: error.httpStatus)
            }
            // A parameter given twice is refused, never dropped (a dropped `prefix` would widen a listing).
            var query: [String: String]
            do { query = try FormEncoding.decodePairs(request.uri.query ?? "") } catch {
                throw S3Store.error("InvalidArgument", "The query string is malformed or repeats a parameter.", 400)
            }
            // A presigned URL's own parameters were checked with its signature; the operation reads the rest.
            let presigned = query["X-Amz-Signature"] != nil
            query = query.filter { !SigV4.queryAuthParameters.contains($0.key) && $0.key != "X-Amz-Security-Token" }
            return try await s3Operation(request, caller: caller, bucket: bucket, key: key, query: query, body: body,
                                         requestID: requestID, sourceIP: context.remoteIP, presigned: presigned)
        } catch {
            logger.notice("S3 refused", metadata: ["code": "\(error.code)", "bucket": "\(bucket ?? "")", "source": "\(context.remoteIP)"])
            return Self.s3Error(error, requestID: requestID, head: isHead)
        }
    }

    private func s3Operation(_ request: Request, caller: Caller, bucket: String?, key: String, query: [String: String],
                             body: [UInt8], requestID: String, sourceIP: String, presigned: Bool) async throws(S3Error) -> Response {
        let now = clock.now
        let method = request.method
        // S3's condition keys for every request, and ListBucket's own (S3 User Guide, "Condition keys for Amazon S3").
        var s3Context: [String: [String]] = ["s3:authType": [presigned ? "REST-QUERY-STRING" : "REST-HEADER"],
                                             "s3:signatureversion": ["AWS4-HMAC-SHA256"]]
        for (parameter, key) in [("prefix", "s3:prefix"), ("delimiter", "s3:delimiter"), ("max-keys", "s3:max-keys")] {
            if let value = query[parameter] { s3Context[key] = [value] }
        }
        func authorize(_ action: String, _ resource: String) async throws(S3Error) {
            do throws(AWSError) {
                // S3 quotes the resource in its denial (`on resource: "arn:aws:s3:::bucket"`).
                try await self.authorize(caller, Authorization(action: action, resource: resource, shownResource: "\"\(resource)\"",
                                                               context: action == "s3:ListBucket" ? s3Context : s3Context.filter { !["s3:prefix", "s3:delimiter", "s3:max-keys"].contains($0.key) }),
                                         sourceIP: sourceIP, userAgent: request.headers[.userAgent])
            } catch {
                if action == "s3:CreateBucket" || action == "s3:DeleteBucket" {
                    // Management events: CloudTrail records refusals too.
                    await auditCall(caller, String(action.dropFirst(3)), ["BucketName": bucket ?? ""], source: "s3.amazonaws.com",
                                    sourceIP: sourceIP, requestID: requestID, error: error)
                }
                throw S3Error(code: error.code, message: error.message, httpStatus: 403)
            }
        }
        guard let bucket else {
            guard method == .get else { throw S3Store.error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405) }
            try await authorize("s3:ListAllMyBuckets", "*")
            let buckets = await state.s3.buckets.values.sorted { $0.name < $1.name }
            let list = buckets.map { "<Bucket><Name>\(Self.escape($0.name))</Name><CreationDate>\(Self.s3Time($0.created))</CreationDate></Bucket>" }.joined()
            return Self.s3XML("<ListAllMyBucketsResult xmlns=\"\(Self.s3Namespace)\">\(owner(caller))<Buckets>\(list)</Buckets></ListAllMyBucketsResult>",
                              requestID: requestID)
        }
        let bucketARN = "arn:aws:s3:::\(bucket)"
        if key.isEmpty {
            let unsupported = query.keys.filter { !["list-type", "prefix", "delimiter", "max-keys", "continuation-token", "start-after",
                                                    "encoding-type", "fetch-owner", "marker", "location", "x-id", "delete", "uploads",
                                                    "max-uploads", "key-marker", "upload-id-marker"].contains($0) }
            if let name = unsupported.first { throw Self.notImplemented(name) }
            switch method {
            case .post where query["delete"] != nil:
                return try await deleteObjects(request, bucket: bucket, body: body, requestID: requestID, authorize: authorize)
            case .get where query["uploads"] != nil:
                try await authorize("s3:ListBucketMultipartUploads", bucketARN)
                return try await listUploads(bucket, query: query, requestID: requestID)
            case .put:
                try await authorize("s3:CreateBucket", bucketARN)
                try await state.withS3 { [region] (store) throws(S3Error) in try store.createBucket(bucket, now: now, region: region) }
                await auditS3(caller, "CreateBucket", bucket: bucket, sourceIP: sourceIP, requestID: requestID)
                return Response(status: .ok, headers: [.location: "/\(bucket)", .init("x-amz-request-id")!: requestID])
            case .delete:
                try await authorize("s3:DeleteBucket", bucketARN)
                try await state.withS3 { (store) throws(S3Error) in try store.deleteBucket(bucket) }
                await auditS3(caller, "DeleteBucket", bucket: bucket, sourceIP: sourceIP, requestID: requestID)
                return Response(status: .noContent, headers: [.init("x-amz-request-id")!: requestID])
            case .head:
                try await authorize("s3:ListBucket", bucketARN)
                _ = try await state.s3.bucket(bucket)
                return Response(status: .ok, headers: [.init("x-amz-bucket-region")!: region, .init("x-amz-request-id")!: requestID])
            case .get where query["location"] != nil:
                try await authorize("s3:GetBucketLocation", bucketARN)
                _ = try await state.s3.bucket(bucket)
                // us-east-1 is written as an empty LocationConstraint (S3 API Reference, GetBucketLocation).
                let constraint = region == "us-east-1" ? "" : Self.escape(region)
                return Self.s3XML("<LocationConstraint xmlns=\"\(Self.s3Namespace)\">\(constraint)</LocationConstraint>", requestID: requestID)
            case .get:
                try await authorize("s3:ListBucket", bucketARN)
                return try await listObjects(bucket, query: query, requestID: requestID)
            default:
                throw S3Store.error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
            }
        }
        let objectARN = "\(bucketARN)/\(key)"
        var objectParameters: Set = ["x-id", "uploads", "uploadId", "partNumber", "max-parts", "part-number-marker"]
        if method == .get || method == .head { objectParameters.formUnion(S3Conditions.overrides.keys) }
        if let name = query.keys.first(where: { !objectParameters.contains($0) }) { throw Self.notImplemented(name) }
        if query["uploads"] != nil || query["uploadId"] != nil {
            return try await multipart(request, caller: caller, bucket: bucket, key: key, query: query, body: body,
                                       requestID: requestID, authorize: authorize)
        }
        switch method {
        case .put where request.headers[.init("x-amz-copy-source")!] != nil:
            return try await copyObject(request, bucket: bucket, key: key, requestID: requestID, authorize: authorize)
        case .put:
            try await authorize("s3:PutObject", objectARN)
            try S3Conditions.refuseUnsupported(request.headers)
            if let md5 = request.headers[.init("Content-MD5")!] {
                guard let given = Data(base64Encoded: md5), given.count == 16 else {
                    throw S3Store.error("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
                }
                guard Array(given) == SAMLDigest.md5(body) else {
                    throw S3Store.error("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
                }
            }
            let checksum = try S3Checksums.verify(request.headers.map { (name: $0.name.canonicalName, value: $0.value) }, body: body)
            let metadata = Self.userMetadata(request)
            let contentType = request.headers[.contentType]
            let conditions = request.headers
            let object = try await state.withS3 { (store) throws(S3Error) in
                // Conditional writes are checked in the same actor turn as the write (no race between the two).
                try S3Conditions.checkWrite(conditions, existing: try store.bucket(bucket).objects[S3Store.Key(key)], key: key)
                var object = try store.put(body, bucket: bucket, key: key, contentType: contentType, metadata: metadata,
                                           headers: S3Conditions.stored(conditions), now: now)
                if let checksum {
                    object.checksums = [checksum.algorithm: checksum.value]
                    try store.setChecksums(object.checksums, bucket: bucket, key: key)
                }
                return object
            }
            var headers: HTTPFields = [.eTag: object.etag, .init("x-amz-request-id")!: requestID,
                                       .init("x-amz-server-side-encryption")!: "AES256"]
            if let checksum, let name = HTTPFields.Element.Name("x-amz-checksum-" + checksum.algorithm) { headers[name] = checksum.value }
            return Response(status: .ok, headers: headers)
        case .get, .head:
            try await authorize("s3:GetObject", objectARN)
            let object: S3Store.Object
            do throws(S3Error) {
                object = try await state.s3.object(bucket: bucket, key: key)
            } catch where error.code == "NoSuchKey" {
                // Without s3:ListBucket a missing key is AccessDenied, so that absence does not leak (S3 API Reference,
                // GetObject, "Permissions").
                let listing = PolicyEvaluator.evaluate(AuthorizationRequest(action: "s3:ListBucket", resource: bucketARN,
                                                                            context: await principalContext(caller, sourceIP: sourceIP)),
                                                       identity: await state.identityPolicies(of: caller), session: caller.sessionPolicies,
                                                       boundary: await state.permissionsBoundary(of: caller))
                guard listing.isAllowed else { throw S3Store.error("AccessDenied", "Access Denied", 403) }
                throw error
            }
            var headers: HTTPFields = [.eTag: object.etag, .lastModified: Self.httpDate(object.lastModified), .contentType: object.contentType,
                                       .acceptRanges: "bytes", .init("x-amz-request-id")!: requestID,
                                       .init("x-amz-server-side-encryption")!: "AES256"]
            for (name, value) in object.metadata { if let field = HTTPFields.Element.Name("x-amz-meta-" + name) { headers[field] = value } }
            for (name, value) in object.headers { if let field = HTTPFields.Element.Name(name) { headers[field] = value } }
            // The stored checksum, only when asked for (S3 User Guide, "Checking object integrity"), and not for a
            // range, whose bytes it does not describe.
            if request.headers[.init("x-amz-checksum-mode")!]?.uppercased() == "ENABLED", request.headers[.range] == nil, query["partNumber"] == nil {
                for (algorithm, value) in object.checksums {
                    if let field = HTTPFields.Element.Name("x-amz-checksum-" + algorithm) { headers[field] = value }
                }
            }
            for (parameter, name) in S3Conditions.overrides {
                if let value = query[parameter], let field = HTTPFields.Element.Name(name) { headers[field] = value }
            }
            if try S3Conditions.checkRead(request.headers, object) {
                return Response(status: .notModified, headers: [.eTag: object.etag, .lastModified: Self.httpDate(object.lastModified),
                                                               .init("x-amz-request-id")!: requestID])
            }
            var data = object.data
            var status = HTTPResponse.Status.ok
            if let text = query["partNumber"] {
                // GetObject by part (S3 API Reference, GetObject, PartNumber): a multipart object's part, or the
                // whole of a single-part object as part 1.
                let number = try S3Store.partNumber(text)
                let sizes = object.partSizes ?? [object.data.count]
                guard number <= sizes.count else {
                    throw S3Store.error("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                                        [("PartNumberRequested", text), ("ActualPartCount", "\(sizes.count)")])
                }
                guard request.headers[.range] == nil else {
                    throw S3Store.error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter", 400)
                }
                let start = sizes.prefix(number - 1).reduce(0, +), end = start + sizes[number - 1] - 1
                data = sizes[number - 1] == 0 ? [] : Array(object.data[start...end])
                status = .partialContent
                headers[.contentRange] = "bytes \(start)-\(end)/\(object.data.count)"
                headers[.init("x-amz-mp-parts-count")!] = "\(sizes.count)"
            } else if let range = request.headers[.range], let (start, end) = try Self.byteRange(range, size: object.data.count) {
                data = Array(object.data[start...end])
                status = .partialContent
                headers[.contentRange] = "bytes \(start)-\(end)/\(object.data.count)"
            }
            headers[.contentLength] = "\(data.count)"
            if method == .head { return Response(status: status, headers: headers) }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .delete:
            try await authorize("s3:DeleteObject", objectARN)
            try await state.withS3 { (store) throws(S3Error) in try store.delete(bucket: bucket, key: key) }
            return Response(status: .noContent, headers: [.init("x-amz-request-id")!: requestID])
        default:
            throw S3Store.error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
        }
    }

    /// ListObjectsV2 (`list-type=2`) or V1: keys in UTF-8 order under `prefix`, rolled up at `delimiter` into
    /// CommonPrefixes, `max-keys` (at most 1,000) entries a page, continued after the last entry returned.
    private func listObjects(_ bucket: String, query: [String: String], requestID: String) async throws(S3Error) -> Response {
        guard query["list-type"] == nil || query["list-type"] == "2" else {
            throw S3Store.error("InvalidArgument", "Invalid List Type specified in Request", 400)
        }
        let v2 = query["list-type"] == "2"
        let prefix = query["prefix"] ?? "", delimiter = query["delimiter"] ?? ""
        let encode = query["encoding-type"] == "url"
        guard query["encoding-type"] == nil || encode else {
            throw S3Store.error("InvalidArgument", "Invalid Encoding Method specified in Request", 400)
        }
        let maxKeys = min(1000, Int(query["max-keys"] ?? "1000") ?? -1)
        guard maxKeys >= 0 else { throw S3Store.error("InvalidArgument", "Provided max-keys not an integer or within integer range", 400) }
        var after = v2 ? (query["start-after"] ?? "") : (query["marker"] ?? "")
        if v2, let token = query["continuation-token"] {
            guard let decoded = Data(base64Encoded: token).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw S3Store.error("InvalidArgument", "The continuation token provided is incorrect", 400)
            }
            after = decoded
        }
        let objects = try await state.s3.bucket(bucket).objects
        // Byte for byte throughout, as S3 compares keys (see S3Store.Key).
        let prefixBytes = Array(prefix.utf8), delimiterBytes = Array(delimiter.utf8), afterBytes = Array(after.utf8)
        var contents: [String] = [], prefixes: [String] = []
        var last: String?
        var truncated = false
        for key in objects.keys.sorted() where key.bytes.starts(with: prefixBytes) {
            if !afterBytes.isEmpty {
                if !afterBytes.lexicographicallyPrecedes(key.bytes) { continue }
                if !delimiterBytes.isEmpty, afterBytes.reversed().starts(with: delimiterBytes.reversed()), key.bytes.starts(with: afterBytes) { continue }
            }
            var entry = key.bytes
            var isPrefix = false
            if !delimiterBytes.isEmpty, let end = Self.firstRange(of: delimiterBytes, in: key.bytes, from: prefixBytes.count) {
                entry = Array(key.bytes[..<end])
                isPrefix = true
                if prefixes.last.map({ Array($0.utf8) == entry }) == true { continue }
            }
            if contents.count + prefixes.count == maxKeys { truncated = true; break }
            let text = String(decoding: entry, as: UTF8.self)
            if isPrefix { prefixes.append(text) } else { contents.append(text) }
            last = text
        }
        func text(_ s: String) -> String { Self.escape(encode ? FormEncoding.encode(s) : s) }
        var xml = "<ListBucketResult xmlns=\"\(Self.s3Namespace)\"><Name>\(Self.escape(bucket))</Name><Prefix>\(text(prefix))</Prefix>"
        if !delimiter.isEmpty { xml += "<Delimiter>\(text(delimiter))</Delimiter>" }
        xml += "<MaxKeys>\(maxKeys)</MaxKeys>"
        if encode { xml += "<EncodingType>url</EncodingType>" }
        xml += "<IsTruncated>\(truncated)</IsTruncated>"
        if v2 {
            xml += "<KeyCount>\(contents.count + prefixes.count)</KeyCount>"
            if let token = query["continuation-token"] { xml += "<ContinuationToken>\(Self.escape(token))</ContinuationToken>" }
            if truncated, let last { xml += "<NextContinuationToken>\(Data(last.utf8).base64EncodedString())</NextContinuationToken>" }
            if let start = query["start-after"] { xml += "<StartAfter>\(text(start))</StartAfter>" }
        } else {
            xml += "<Marker>\(text(query["marker"] ?? ""))</Marker>"
            if truncated, let last, !delimiter.isEmpty { xml += "<NextMarker>\(text(last))</NextMarker>" }
        }
        for key in contents {
            guard let object = objects[S3Store.Key(key)] else { continue }
            xml += "<Contents><Key>\(text(key))</Key><LastModified>\(Self.s3Time(object.lastModified))</LastModified>"
                + "<ETag>\(Self.escape(object.etag))</ETag><Size>\(object.data.count)</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        for common in prefixes { xml += "<CommonPrefixes><Prefix>\(text(common))</Prefix></CommonPrefixes>" }
        return Self.s3XML(xml + "</ListBucketResult>", requestID: requestID)
    }

    /// The end index of the first occurrence of `needle` in `haystack` at or after `start`.
    static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i + needle.count
        }
        return nil
    }

    func owner(_ caller: Caller) -> String {
        "<Owner><ID>\(SAMLDigest.hex(SAMLDigest.sha256(Array(state.account.utf8))))</ID><DisplayName>mock-aws-\(state.account)</DisplayName></Owner>"
    }

    /// S3's bucket-level calls are CloudTrail management events; object calls are data events, off by default.
    private func auditS3(_ caller: Caller, _ action: String, bucket: String, sourceIP: String, requestID: String) async {
        await auditCall(caller, action, ["BucketName": bucket], source: "s3.amazonaws.com", sourceIP: sourceIP, requestID: requestID, error: nil)
    }

    /// `bytes=a-b`, `bytes=a-` or `bytes=-n` (RFC 9110 §14.1.2); `nil` for what S3 ignores (several ranges, other
    /// units, malformed), so the whole object is returned; `InvalidRange` (416) when the range starts past the end.
    static func byteRange(_ header: String, size: Int) throws(S3Error) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        let unsatisfiable = S3Store.error("InvalidRange", "The requested range is not satisfiable", 416,
                                          [("RangeRequested", header), ("ActualObjectSize", "\(size)")])
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0 else { return nil }
            guard size > 0 else { throw unsatisfiable }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(spec[0]) else { return nil }
        guard spec[1].isEmpty || Int(spec[1]).map({ $0 >= start }) == true else { return nil }
        guard start < size else { throw unsatisfiable }
        return (start, spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? size - 1, size - 1))
    }

    static func notImplemented(_ what: String) -> S3Error {
        S3Store.error("NotImplemented", "A header you provided implies functionality that is not implemented", 501, [("Header", what)])
    }

    static func s3XML(_ body: String, requestID: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/xml", .init("x-amz-request-id")!: requestID],
                 body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body)))
    }

    /// S3's error document (a HEAD request gets the status alone, as S3 sends no body to HEAD).
    static func s3Error(_ error: S3Error, requestID: String, head: Bool) -> Response {
        let status = HTTPResponse.Status(code: error.httpStatus)
        if head { return Response(status: status, headers: [.init("x-amz-request-id")!: requestID]) }
        let extra = error.extra.map { "<\($0.0)>\(escape($0.1))</\($0.0)>" }.joined()
        return s3XML("<Error><Code>\(escape(error.code))</Code><Message>\(escape(error.message))</Message>\(extra)"
                     + "<RequestId>\(requestID)</RequestId><HostId>\(Data(SAMLRandom.bytes(24)).base64EncodedString())</HostId></Error>",
                     requestID: requestID, status: status)
    }

    /// `2025-05-01T12:00:30.000Z`, as S3 writes times in XML.
    static func s3Time(_ date: Date) -> String { SAMLInstant.format(date) }

    /// `Thu, 01 May 2025 12:00:30 GMT` (RFC 9110 IMF-fixdate), for Last-Modified.
    static func httpDate(_ date: Date) -> String { httpDateFormatter().string(from: date) }

    /// An IMF-fixdate reader and writer (a new one per use: DateFormatter is not safe to share between tasks).
    static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}

/// Sends S3-addressed requests (a bucket host, or a path mock-aws does not serve itself) to ``MockAWS/s3(_:_:)``.
struct S3Middleware: RouterMiddleware {
    typealias Context = MockAWSContext
    let server: MockAWS

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard server.isS3(request) else { return try await next(request, context) }
        return await server.s3(request, context)
    }
}
