import Foundation
import SAML

/// S3's additional checksums (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`, `-sha1`, `-sha256`): botocore sends
/// one with every upload since 1.36 (its `request_checksum_calculation` defaults to `when_supported`), and S3
/// refuses a body that does not match it (S3 User Guide, "Checking object integrity"; the texts are S3's:
/// "The CRC32 you specified did not match the calculated checksum.", `BadDigest`). Written here because no
/// package in the build offers CRC-32C or CRC-64/NVME; CRC-32 is the same table-driven code with zlib's polynomial.
enum S3Checksums {
    /// The algorithms S3 accepts, by the header suffix, with the name S3's messages use.
    static let algorithms: [(header: String, name: String)] = [
        ("crc32", "CRC32"), ("crc32c", "CRC32C"), ("crc64nvme", "CRC64NVME"), ("sha1", "SHA1"), ("sha256", "SHA256"),
    ]

    /// The base64 checksum of `data` with `algorithm` (a header suffix), big-endian for the CRCs as S3 writes them.
    static func checksum(_ algorithm: String, of data: [UInt8]) -> String? {
        let bytes: [UInt8]
        switch algorithm {
        case "crc32": bytes = bigEndian(UInt64(crc(data, table: crc32Table, width: 32)), count: 4)
        case "crc32c": bytes = bigEndian(UInt64(crc(data, table: crc32cTable, width: 32)), count: 4)
        case "crc64nvme": bytes = bigEndian(crc(data, table: crc64Table, width: 64), count: 8)
        case "sha1": bytes = SAMLDigest.sha1(data)
        case "sha256": bytes = SAMLDigest.sha256(data)
        default: return nil
        }
        return Data(bytes).base64EncodedString()
    }

    /// The `x-amz-checksum-*` header of a request (algorithm suffix, value): at most one, of a known algorithm.
    static func given(_ headers: [(name: String, value: String)]) throws(S3Error) -> (algorithm: String, value: String)? {
        let given = headers.filter { $0.name.lowercased().hasPrefix("x-amz-checksum-") && $0.name.lowercased() != "x-amz-checksum-mode"
            && $0.name.lowercased() != "x-amz-checksum-algorithm" && $0.name.lowercased() != "x-amz-checksum-type" }
        guard given.count <= 1 else {
            throw S3Store.error("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", 400)
        }
        guard let header = given.first else { return nil }
        let algorithm = String(header.name.lowercased().dropFirst("x-amz-checksum-".count))
        guard algorithms.contains(where: { $0.header == algorithm }) else {
            throw S3Store.error("InvalidRequest", "The algorithm type you specified in x-amz-checksum- header is invalid.", 400)
        }
        return (algorithm, header.value)
    }

    /// Checks the body against the request's checksum header, if any; returns it for the response.
    static func verify(_ headers: [(name: String, value: String)], body: [UInt8]) throws(S3Error) -> (algorithm: String, value: String)? {
        guard let (algorithm, value) = try given(headers) else { return nil }
        let name = algorithms.first { $0.header == algorithm }?.name ?? algorithm.uppercased()
        guard let expected = checksum(algorithm, of: body) else { return nil }
        guard Data(base64Encoded: value) != nil else {
            throw S3Store.error("InvalidRequest", "Value for x-amz-checksum-\(algorithm) header is invalid.", 400)
        }
        guard expected == value else {
            throw S3Store.error("BadDigest", "The \(name) you specified did not match the calculated checksum.", 400)
        }
        return (algorithm, value)
    }

    // MARK: - Reflected table-driven CRCs

    private static func table(_ polynomial: UInt64) -> [UInt64] {
        (0..<256).map { byte in
            var value = UInt64(byte)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ polynomial : value >> 1 }
            return value
        }
    }

    /// CRC-32 (ISO-HDLC, zlib's), CRC-32C (Castagnoli) and CRC-64/NVME, each reflected with all-ones start and end.
    private static let crc32Table = table(0xEDB8_8320)
    private static let crc32cTable = table(0x82F6_3B78)
    private static let crc64Table = table(0x9A6C_9329_AC4B_C9B5)

    static func crc(_ data: [UInt8], table: [UInt64], width: Int) -> UInt64 {
        let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        var value = mask
        for byte in data { value = table[Int((value ^ UInt64(byte)) & 0xFF)] ^ (value >> 8) }
        return (value ^ mask) & mask
    }

    private static func bigEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
    }
}
