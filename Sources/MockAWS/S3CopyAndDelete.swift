import AWSFederation
import Foundation
import Hummingbird
import SAML

/// CopyObject (`PUT` with `x-amz-copy-source`, what `aws s3 cp s3://… s3://…` and `aws s3 mv` send) and
/// DeleteObjects (`POST /BUCKET?delete`, what `aws s3 rm --recursive` sends), with S3's permissions: reading the
/// source needs `s3:GetObject` on it and writing `s3:PutObject` on the target; each key of a multi-object delete
/// needs `s3:DeleteObject` on itself and is answered on its own (S3 API Reference, "CopyObject", "DeleteObjects").
extension MockAWS {
    /// The object an `x-amz-copy-source` names (`BUCKET/KEY` or `/BUCKET/KEY`, URL-encoded), once the caller may
    /// read it. A version other than `null` does not exist here (mock-aws keeps no versions).
    func copySource(_ header: String, authorize: S3Authorize) async throws(S3Error) -> (bucket: String, key: String, object: S3Store.Object) {
        var source = Substring(header)
        if let question = source.firstIndex(of: "?") {
            let version = source[source.index(after: question)...]
            guard version == "versionId=null" else {
                throw S3Store.error("NoSuchVersion", "The specified version does not exist.", 404)
            }
            source = source[..<question]
        }
        if source.first == "/" { source = source.dropFirst() }
        let decoded: String
        do { decoded = try FormEncoding.decodePath(source) } catch {
            throw S3Store.error("InvalidArgument", "Invalid copy source encoding", 400, [("ArgumentName", "x-amz-copy-source")])
        }
        guard let slash = decoded.firstIndex(of: "/"), slash != decoded.startIndex, decoded.index(after: slash) != decoded.endIndex else {
            throw S3Store.error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", 400,
                                [("ArgumentName", "x-amz-copy-source"), ("ArgumentValue", header)])
        }
        let bucket = String(decoded[..<slash]), key = String(decoded[decoded.index(after: slash)...])
        try await authorize("s3:GetObject", "arn:aws:s3:::\(bucket)/\(key)")
        return (bucket, key, try await state.s3.object(bucket: bucket, key: key))
    }

    func copyObject(_ request: Request, bucket: String, key: String, requestID: String, authorize: S3Authorize) async throws(S3Error) -> Response {
        try await authorize("s3:PutObject", "arn:aws:s3:::\(bucket)/\(key)")
        guard let header = request.headers[.init("x-amz-copy-source")!] else { throw S3RequestXML.malformed }
        let (sourceBucket, sourceKey, source) = try await copySource(header, authorize: authorize)
        // The copy's conditions (S3 API Reference, CopyObject: x-amz-copy-source-if-match / -if-none-match).
        func bare(_ etag: String) -> String { etag.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        if let match = request.headers[.init("x-amz-copy-source-if-match")!], bare(match) != bare(source.etag) && match != "*" {
            throw S3Store.error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                                [("Condition", "x-amz-copy-source-If-Match")])
        }
        if let noneMatch = request.headers[.init("x-amz-copy-source-if-none-match")!], bare(noneMatch) == bare(source.etag) || noneMatch == "*" {
            throw S3Store.error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                                [("Condition", "x-amz-copy-source-If-None-Match")])
        }
        let directive = request.headers[.init("x-amz-metadata-directive")!] ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw S3Store.error("InvalidArgument", "Unknown metadata directive.", 400,
                                [("ArgumentName", "x-amz-metadata-directive"), ("ArgumentValue", directive)])
        }
        let replace = directive == "REPLACE"
        if !replace && sourceBucket == bucket && S3Store.Key(sourceKey) == S3Store.Key(key) {
            throw S3Store.error("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.", 400)
        }
        let now = clock.now
        let copy = try await state.withS3 { (store) throws(S3Error) in
            try store.put(source.data, bucket: bucket, key: key,
                          contentType: replace ? request.headers[.contentType] : source.contentType,
                          metadata: replace ? Self.userMetadata(request) : source.metadata, now: now)
        }
        return Self.s3XML("<CopyObjectResult><LastModified>\(Self.s3Time(copy.lastModified))</LastModified><ETag>\(Self.escape(copy.etag))</ETag></CopyObjectResult>",
                          requestID: requestID)
    }

    /// DeleteObjects: up to 1,000 keys; the request must carry Content-MD5 or an `x-amz-checksum-*` of its body.
    func deleteObjects(_ request: Request, bucket: String, body: [UInt8], requestID: String, authorize: S3Authorize) async throws(S3Error) -> Response {
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let md5 = request.headers[.init("Content-MD5")!]
        let checksum = try S3Checksums.verify(headers, body: body)
        if let md5, Data(base64Encoded: md5).map(Array.init) != SAMLDigest.md5(body) {
            throw S3Store.error("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
        }
        guard md5 != nil || checksum != nil else {
            throw S3Store.error("InvalidRequest", "Missing required header for this request: Content-MD5", 400)
        }
        _ = try await state.s3.bucket(bucket)
        let xml = try S3RequestXML(body, root: "Delete")
        let objects = xml.root.all("Object")
        guard !objects.isEmpty, objects.count <= 1000 else { throw S3RequestXML.malformed }
        let quiet = xml.root.text("Quiet") == "true"
        var result = ""
        for object in objects {
            guard let key = object.text("Key"), !key.isEmpty else { throw S3RequestXML.malformed }
            do throws(S3Error) {
                if let version = object.text("VersionId"), version != "null" {
                    throw S3Store.error("NoSuchVersion", "The specified version does not exist.", 404)
                }
                try await authorize("s3:DeleteObject", "arn:aws:s3:::\(bucket)/\(key)")
                try await state.withS3 { (store) throws(S3Error) in try store.delete(bucket: bucket, key: key) }
                if !quiet { result += "<Deleted><Key>\(Self.escape(key))</Key></Deleted>" }
            } catch {
                result += "<Error><Key>\(Self.escape(key))</Key><Code>\(Self.escape(error.code))</Code><Message>\(Self.escape(error.message))</Message></Error>"
            }
        }
        return Self.s3XML("<DeleteResult xmlns=\"\(Self.s3Namespace)\">\(result)</DeleteResult>", requestID: requestID)
    }
}
