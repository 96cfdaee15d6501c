import Foundation
import SAML

/// Time-based one-time passwords (RFC 6238, on RFC 4226's HOTP), as Microsoft Authenticator and every other
/// authenticator app computes them: mock-entra checks them on its MFA page, `saml login` computes them from a secret.
public struct TOTP: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512"

        var hmac: SAMLDigest.Hash {
            switch self {
            case .sha1: return .sha1
            case .sha256: return .sha256
            case .sha512: return .sha512
            }
        }
    }

    public let secret: [UInt8]
    public let digits: Int
    public let period: Int
    public let algorithm: Algorithm

    /// Authenticator apps' defaults: 6 digits, 30 seconds, SHA-1.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1) {
        self.secret = secret
        self.digits = min(max(digits, 6), 10)
        self.period = max(period, 1)
        self.algorithm = algorithm
    }

    /// A secret given in Base32 (RFC 4648, what authenticator apps show and scan); `nil` if it is not Base32.
    public init?(base32: String, digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1) {
        guard let secret = Base32.decode(base32), !secret.isEmpty else { return nil }
        self.init(secret: secret, digits: digits, period: period, algorithm: algorithm)
    }

    /// A new random 160-bit secret (RFC 4226 §4 recommends at least 128 bits).
    public static func random(algorithm: Algorithm = .sha1) -> TOTP { TOTP(secret: SAMLRandom.bytes(20), algorithm: algorithm) }

    public var base32Secret: String { Base32.encode(secret) }

    /// The code for the time step containing `date`.
    public func code(at date: Date) -> String { code(step: Int64(floor(date.timeIntervalSince1970 / Double(period)))) }

    func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = SAMLDigest.hmac(algorithm.hmac, key: secret, message)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(UInt64(binary) % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// Whether `code` is valid at `date`, accepting `window` steps either side for clock drift (RFC 6238 §5.2).
    /// Compares in constant time.
    public func verify(_ code: String, at date: Date, window: Int = 1) -> Bool { matchingStep(code, at: date, window: window) != nil }

    /// The time step `code` belongs to, within `window` steps of `date`; nil when it matches none. A verifier
    /// remembers the last accepted step per user and refuses it again, so a code works once (RFC 6238 §5.2).
    public func matchingStep(_ code: String, at date: Date, window: Int = 1) -> Int64? {
        let step = Int64(floor(date.timeIntervalSince1970 / Double(period)))
        let given = Array(code.utf8)
        var matched: Int64?
        for delta in -window...window {
            let expected = Array(self.code(step: step + Int64(delta)).utf8)
            if expected.count == given.count, zip(expected, given).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 {
                matched = step + Int64(delta)
            }
        }
        return matched
    }

    /// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…`, the QR-code payload
    /// authenticator apps read.
    public func otpauthURL(issuer: String, account: String) -> String {
        "otpauth://totp/\(FormEncoding.encode(issuer)):\(FormEncoding.encode(account))?secret=\(base32Secret)"
            + "&issuer=\(FormEncoding.encode(issuer))&algorithm=\(algorithm.rawValue)&digits=\(digits)&period=\(period)"
    }
}

/// RFC 4648 Base32 (upper case, `=` padding optional on input; spaces and case ignored, as apps display secrets).
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        while out.count % 8 != 0 { out.append(61) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        var buffer: UInt32 = 0, bits = 0
        for c in text.uppercased().utf8 where c != 32 && c != 45 && c != 61 {
            guard let value = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
