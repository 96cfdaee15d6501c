import AWSFederation
import Foundation
import SAML

/// S3's buckets and objects, in memory, optionally kept in a directory (one folder per bucket, one file per object
/// with its metadata beside it), bounded in object size and in total. Errors are S3's codes and texts (S3 API
/// Reference, "Error responses").
public struct S3Store: Sendable {
    public struct Object: Sendable {
        public var data: [UInt8]
        /// The quoted MD5 of the data, as S3's ETag for a single-part upload.
        public var etag: String
        public var lastModified: Date
        public var contentType: String
        /// `x-amz-meta-*` user metadata (names lowercased).
        public var metadata: [String: String]
        /// The sizes of the parts of a multipart upload, in order (GetObject's `partNumber`); `nil` for one PUT.
        public var partSizes: [Int]? = nil
        /// The standard headers S3 keeps with an object and returns (Cache-Control, Content-Disposition,
        /// Content-Encoding, Content-Language, Expires), by lowercased name.
        public var headers: [String: String] = [:]
        /// The additional checksum a single PUT was made with (`crc32` → base64), returned when a GET or HEAD asks
        /// with `x-amz-checksum-mode: ENABLED`.
        public var checksums: [String: String] = [:]
    }

    /// An object key compared byte for byte, as S3 compares keys (Swift's `String` equality is Unicode canonical
    /// equivalence: a precomposed and a decomposed `é` would be one key here and two in S3 and in policies, so a
    /// Deny on one spelling could be bypassed through the other).
    public struct Key: Hashable, Sendable, Comparable {
        public let bytes: [UInt8]
        public init(_ key: String) { bytes = Array(key.utf8) }
        public var string: String { String(decoding: bytes, as: UTF8.self) }
        public static func < (a: Key, b: Key) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
    }

    public struct Bucket: Sendable {
        public var name: String
        public var created: Date
        public var objects: [Key: Object] = [:]
    }

    public private(set) var buckets: [String: Bucket] = [:]
    /// A mock's bounds: S3's own limit is 5 GB per PUT; mock-aws keeps everything in memory.
    public static let maxObjectBytes = 16 * 1024 * 1024
    public static let maxTotalBytes = 256 * 1024 * 1024
    /// S3's default bucket quota per account.
    public static let maxBuckets = 100
    /// Bytes held: objects and the parts of uploads in progress (both count against ``maxTotalBytes``).
    var totalBytes = 0
    /// Multipart uploads in progress, by upload ID (see S3Multipart.swift).
    public internal(set) var uploads: [String: Upload] = [:]
    /// Where objects are kept across restarts, when set.
    public let directory: URL?

    init(directory: URL? = nil) {
        self.directory = directory
        if let directory { load(directory) }
    }

    static func error(_ code: String, _ message: String, _ status: Int, _ extra: [(String, String)] = []) -> S3Error {
        S3Error(code: code, message: message, httpStatus: status, extra: extra)
    }

    // MARK: - Buckets

    /// S3's bucket naming rules (S3 User Guide, "Bucket naming rules"): 3-63 characters of lowercase letters,
    /// digits, dots and hyphens, beginning and ending with a letter or digit; no two adjacent dots; not shaped as an
    /// IP address; not beginning `xn--`, `sthree-` or `amzn-s3-demo-`, not ending `-s3alias` or `--ol-s3`.
    public static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last, alnum(first), alnum(last),
              bytes.allSatisfy({ alnum($0) || $0 == 46 || $0 == 45 }), !name.contains("..") else { return false }
        let octets = name.split(separator: ".")
        if octets.count == 4 && octets.allSatisfy({ UInt8($0) != nil }) { return false }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] where name.hasPrefix(prefix) { return false }
        for suffix in ["-s3alias", "--ol-s3"] where name.hasSuffix(suffix) { return false }
        return true
    }

    /// - Parameter region: the region mock-aws serves: in us-east-1 creating a bucket one already owns succeeds
    ///   (S3 API Reference, CreateBucket: "in the North Virginia Region … returns 200 OK"); elsewhere it is
    ///   `BucketAlreadyOwnedByYou`.
    mutating func createBucket(_ name: String, now: Date, region: String = "us-west-2") throws(S3Error) {
        guard Self.isValidBucketName(name), !MockAWS.reservedPaths.contains(name) else {
            throw Self.error("InvalidBucketName", "The specified bucket is not valid.", 400, [("BucketName", name)])
        }
        if buckets[name] != nil && region == "us-east-1" { return }
        guard buckets[name] == nil else {
            throw Self.error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.",
                             409, [("BucketName", name)])
        }
        guard buckets.count < Self.maxBuckets else {
            throw Self.error("TooManyBuckets", "You have attempted to create more buckets than allowed", 400, [("BucketName", name)])
        }
        buckets[name] = Bucket(name: name, created: now)
        if let directory {
            try? FileManager.default.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
        }
    }

    func bucket(_ name: String) throws(S3Error) -> Bucket {
        guard let bucket = buckets[name] else {
            throw Self.error("NoSuchBucket", "The specified bucket does not exist", 404, [("BucketName", name)])
        }
        return bucket
    }

    mutating func deleteBucket(_ name: String) throws(S3Error) {
        let bucket = try bucket(name)
        guard bucket.objects.isEmpty else {
            throw Self.error("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, [("BucketName", name)])
        }
        buckets[name] = nil
        for (id, upload) in uploads where upload.bucket == name { abort(id) }
        if let directory { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
    }

    // MARK: - Objects

    mutating func put(_ data: [UInt8], bucket name: String, key: String, contentType: String?, metadata: [String: String],
                      headers: [String: String] = [:], now: Date, maxBytes: Int = S3Store.maxObjectBytes) throws(S3Error) -> Object {
        var bucket = try bucket(name)
        guard !key.isEmpty, key.utf8.count <= 1024 else {
            throw Self.error("KeyTooLongError", "Your key is too long", 400)
        }
        guard data.count <= maxBytes else {
            throw Self.error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400,
                             [("ProposedSize", "\(data.count)"), ("MaxSizeAllowed", "\(maxBytes)")])
        }
        var object = Object(data: data, etag: "\"" + SAMLDigest.hex(SAMLDigest.md5(data)) + "\"", lastModified: now,
                            contentType: contentType ?? "binary/octet-stream", metadata: metadata)
        object.headers = headers
        try store(object, in: &bucket, key: key)
        return object
    }

    /// Keeps `object` under `key` (replacing what was there) within the memory bound, and in the directory if set.
    mutating func store(_ object: Object, in bucket: inout Bucket, key: String) throws(S3Error) {
        let previous = bucket.objects[Key(key)]?.data.count ?? 0
        guard totalBytes - previous + object.data.count <= Self.maxTotalBytes else {
            throw Self.error("ServiceUnavailable", "mock-aws keeps at most \(Self.maxTotalBytes) bytes of objects in memory.", 503)
        }
        bucket.objects[Key(key)] = object
        buckets[bucket.name] = bucket
        totalBytes += object.data.count - previous
        save(object, bucket: bucket.name, key: key)
    }

    mutating func setChecksums(_ checksums: [String: String], bucket name: String, key: String) throws(S3Error) {
        var bucket = try bucket(name)
        bucket.objects[Key(key)]?.checksums = checksums
        buckets[name] = bucket
    }

    func object(bucket name: String, key: String) throws(S3Error) -> Object {
        guard let object = try bucket(name).objects[Key(key)] else {
            throw Self.error("NoSuchKey", "The specified key does not exist.", 404, [("Key", key)])
        }
        return object
    }

    /// DeleteObject: S3 answers 204 whether or not the key existed.
    mutating func delete(bucket name: String, key: String) throws(S3Error) {
        var bucket = try bucket(name)
        if let removed = bucket.objects.removeValue(forKey: Key(key)) {
            totalBytes -= removed.data.count
            buckets[name] = bucket
            if let file = file(bucket: name, key: key) {
                try? FileManager.default.removeItem(at: file)
                try? FileManager.default.removeItem(at: file.appendingPathExtension("meta"))
            }
        }
    }

    // MARK: - Keeping objects in a directory

    private struct Sidecar: Codable {
        var key: String
        var etag: String
        var lastModified: Date
        var contentType: String
        var metadata: [String: String]
    }

    /// An object's file: its key percent-encoded (no `/` left), so that any key is one file in its bucket's folder.
    private func file(bucket: String, key: String) -> URL? {
        directory?.appendingPathComponent(bucket).appendingPathComponent(FormEncoding.encode(key))
    }

    private func save(_ object: Object, bucket: String, key: String) {
        guard let file = file(bucket: bucket, key: key) else { return }
        try? Data(object.data).write(to: file)
        let sidecar = Sidecar(key: key, etag: object.etag, lastModified: object.lastModified, contentType: object.contentType,
                              metadata: object.metadata)
        try? JSONEncoder().encode(sidecar).write(to: file.appendingPathExtension("meta"))
    }

    private mutating func load(_ directory: URL) {
        let manager = FileManager.default
        try? manager.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] where Self.isValidBucketName(name) {
            let folder = directory.appendingPathComponent(name)
            let created = (try? manager.attributesOfItem(atPath: folder.path)[.creationDate] as? Date) ?? Date()
            var bucket = Bucket(name: name, created: created)
            for entry in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] where entry.hasSuffix(".meta") {
                let metaFile = folder.appendingPathComponent(entry)
                guard let meta = try? JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: metaFile)),
                      let data = try? Data(contentsOf: metaFile.deletingPathExtension()), data.count <= Self.maxObjectBytes,
                      totalBytes + data.count <= Self.maxTotalBytes else { continue }
                bucket.objects[Key(meta.key)] = Object(data: Array(data), etag: meta.etag, lastModified: meta.lastModified,
                                                  contentType: meta.contentType, metadata: meta.metadata)
                totalBytes += data.count
            }
            buckets[name] = bucket
        }
    }
}

/// An S3 error: its code, message and HTTP status, and the extra elements S3 adds (`BucketName`, `Key`, …).
public struct S3Error: Error, Sendable {
    public var code: String
    public var message: String
    public var httpStatus: Int
    public var extra: [(String, String)] = []
}
