import AWSFederation
import Foundation
import Hummingbird
import SAML

/// What S3 checks and keeps around an object beyond its bytes: conditional requests (RFC 9110 §13 as S3 applies
/// them: S3 User Guide "Conditional requests" and "Conditional writes"; PutObject, CompleteMultipartUpload, GetObject,
/// CopyObject API references), the standard headers it stores and returns, the request options it does not offer
/// here (refused, never silently dropped), GetObject's `partNumber` and `response-*` overrides.
enum S3Conditions {
    /// Headers S3 keeps with an object and returns on GET and HEAD.
    static let storedHeaders = ["cache-control", "content-disposition", "content-encoding", "content-language", "expires"]

    static func precondition(_ header: String) -> S3Error {
        S3Store.error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, [("Condition", header)])
    }

    static func bare(_ etag: String) -> Substring {
        let trimmed = Substring(etag.trimmingCharacters(in: .whitespaces))
        return trimmed.utf8.count >= 2 && trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"") ? trimmed.dropFirst().dropLast() : trimmed
    }

    /// `If-Match`/`If-None-Match` lists (`"a", "b"`, or `*`) against an ETag.
    static func matches(_ list: String, _ etag: String) -> Bool {
        list.split(separator: ",").contains { bare(String($0)) == "*" || bare(String($0)) == bare(etag) }
    }

    /// A conditional write (PutObject, CompleteMultipartUpload): `If-None-Match: *` refuses an existing key;
    /// `If-Match` needs the key to exist with that ETag (404 NoSuchKey when it does not exist).
    static func checkWrite(_ headers: HTTPFields, existing: S3Store.Object?, key: String) throws(S3Error) {
        if let noneMatch = headers[.ifNoneMatch] {
            guard noneMatch.trimmingCharacters(in: .whitespaces) == "*" else {
                throw S3Store.error("NotImplemented", "A header you provided implies functionality that is not implemented", 501,
                                    [("Header", "If-None-Match")])
            }
            if existing != nil { throw precondition("If-None-Match") }
        }
        if let match = headers[.ifMatch] {
            guard let existing else { throw S3Store.error("NoSuchKey", "The specified key does not exist.", 404, [("Key", key)]) }
            if !matches(match, existing.etag) { throw precondition("If-Match") }
        }
    }

    /// A conditional read (GetObject, HeadObject), in RFC 9110 §13.2.2's order: If-Match, If-Unmodified-Since,
    /// If-None-Match, If-Modified-Since. Returns `true` for 304 Not Modified.
    static func checkRead(_ headers: HTTPFields, _ object: S3Store.Object) throws(S3Error) -> Bool {
        let modified = floor(object.lastModified.timeIntervalSince1970)
        if let match = headers[.ifMatch] {
            if !matches(match, object.etag) { throw precondition("If-Match") }
        } else if let since = headers[.ifUnmodifiedSince].flatMap(httpDate), modified > since.timeIntervalSince1970 {
            throw precondition("If-Unmodified-Since")
        }
        if let noneMatch = headers[.ifNoneMatch] { return matches(noneMatch, object.etag) }
        if let since = headers[.ifModifiedSince].flatMap(httpDate) { return modified <= since.timeIntervalSince1970 }
        return false
    }

    /// CopyObject's and UploadPartCopy's conditions on the source.
    static func checkCopySource(_ headers: HTTPFields, _ source: S3Store.Object) throws(S3Error) {
        let modified = floor(source.lastModified.timeIntervalSince1970)
        func header(_ name: String) -> String? { HTTPFields.Element.Name(name).flatMap { headers[$0] } }
        if let match = header("x-amz-copy-source-if-match"), !matches(match, source.etag) {
            throw precondition("x-amz-copy-source-If-Match")
        }
        if header("x-amz-copy-source-if-match") == nil, let since = header("x-amz-copy-source-if-unmodified-since").flatMap(httpDate),
           modified > since.timeIntervalSince1970 {
            throw precondition("x-amz-copy-source-If-Unmodified-Since")
        }
        if let noneMatch = header("x-amz-copy-source-if-none-match"), matches(noneMatch, source.etag) {
            throw precondition("x-amz-copy-source-If-None-Match")
        }
        if header("x-amz-copy-source-if-none-match") == nil, let since = header("x-amz-copy-source-if-modified-since").flatMap(httpDate),
           modified <= since.timeIntervalSince1970 {
            throw precondition("x-amz-copy-source-If-Modified-Since")
        }
    }

    /// The options a PutObject, CreateMultipartUpload or CopyObject may carry that mock-aws does not offer: refused
    /// with S3's answer rather than accepted and dropped. Buckets made since April 2023 have ACLs disabled
    /// ("AccessControlListNotSupported", S3 User Guide, "Controlling ownership of objects"); SSE-S3 (AES256) is what
    /// S3 applies to every object anyway and is accepted.
    static func refuseUnsupported(_ headers: HTTPFields) throws(S3Error) {
        func header(_ name: String) -> String? { HTTPFields.Element.Name(name).flatMap { headers[$0] } }
        if header("x-amz-acl") != nil || headers.contains(where: { $0.name.canonicalName.hasPrefix("x-amz-grant-") }) {
            throw S3Store.error("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
        }
        if let sse = header("x-amz-server-side-encryption"), sse != "AES256" {
            throw S3Store.error("NotImplemented", "A header you provided implies functionality that is not implemented", 501,
                                [("Header", "x-amz-server-side-encryption")])
        }
        for (name, allowed) in [("x-amz-storage-class", "STANDARD")] where header(name).map({ $0 != allowed }) == true {
            throw S3Store.error("NotImplemented", "A header you provided implies functionality that is not implemented", 501, [("Header", name)])
        }
        for name in ["x-amz-tagging", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
                     "x-amz-website-redirect-location", "x-amz-server-side-encryption-customer-algorithm"] where header(name) != nil {
            throw S3Store.error("NotImplemented", "A header you provided implies functionality that is not implemented", 501, [("Header", name)])
        }
    }

    /// The standard headers of a request that S3 stores with the object.
    static func stored(_ headers: HTTPFields) -> [String: String] {
        var result: [String: String] = [:]
        for name in storedHeaders { if let field = HTTPFields.Element.Name(name), let value = headers[field] { result[name] = value } }
        return result
    }

    /// GetObject's `response-*` overrides (S3 API Reference, GetObject: only on signed requests, which every
    /// request here is).
    static let overrides = ["response-content-type": "content-type", "response-content-language": "content-language",
                            "response-expires": "expires", "response-cache-control": "cache-control",
                            "response-content-disposition": "content-disposition", "response-content-encoding": "content-encoding"]

    static func httpDate(_ text: String) -> Date? { MockAWS.httpDateFormatter().date(from: text) }
}
