import Foundation
import SAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bearer token of mock-entra's admin API (`Authorization: Bearer TOKEN` on every `/admin` request). The admin
/// API can read every user's password and TOTP secret and change Conditional Access and the signing keys, so
/// anything that can reach the port (another user on the machine, a web page through DNS rebinding) must not be
/// able to use it without a secret only the operator has.
public struct AdminToken: Sendable, Hashable {
    public let value: String

    public enum Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        case tooShort(Int)
        case tooLong(Int)
        case badCharacter

        public var description: String {
            switch self {
            case .tooShort(let count): return "the admin token has \(count) characters; at least 16 are needed"
            case .tooLong(let count): return "the admin token has \(count) characters; at most 512 are accepted"
            case .badCharacter: return "the admin token may hold only visible ASCII characters, no spaces"
            }
        }
    }

    /// A configured token: 16 to 512 visible ASCII characters (what fits an Authorization header unchanged).
    public init(_ value: String) throws(Invalid) {
        guard value.utf8.count >= 16 else { throw .tooShort(value.utf8.count) }
        guard value.utf8.count <= 512 else { throw .tooLong(value.utf8.count) }
        guard value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .badCharacter }
        self.value = value
    }

    private init(unchecked value: String) { self.value = value }

    /// 32 random bytes (OpenSSL's generator), base64url without padding: 43 characters.
    public static func generate() -> AdminToken {
        AdminToken(unchecked: Data(SAMLRandom.bytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))
    }

    /// Whether `presented` is the token, in time that does not depend on where they differ: both are hashed first,
    /// so the comparison always runs over 32 bytes whatever the lengths.
    public func matches(_ presented: String) -> Bool {
        let a = SAMLDigest.sha256(Array(value.utf8)), b = SAMLDigest.sha256(Array(presented.utf8))
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The token kept in a file, `admin-token` in mock-entra's keys directory (mode 0600, like the signing keys):
/// made on first start and read again on every later one, so scripts can read it where the keys are.
public struct AdminTokenFile: Sendable {
    public static let name = "admin-token"
    public let url: URL

    public init(directory: URL) { url = directory.appendingPathComponent(Self.name) }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unreadable(String, String)
        case exposed(String, Int)
        case invalid(String, AdminToken.Invalid)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read or create the admin token file \(path): \(reason)"
            case .exposed(let path, let mode):
                return "the admin token file \(path) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`"
            case .invalid(let path, let reason): return "\(path): \(reason)"
            }
        }
    }

    /// The token in the file, or a new one written there (created exclusively with mode 0600, so it is never
    /// readable by others, not even briefly, and two servers starting at once cannot both write one).
    /// `created` says which.
    public func loadOrCreate() throws(Failure) -> (token: AdminToken, created: Bool) {
        if let token = try load() { return (token, false) }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unreadable(url.path, "\(error.localizedDescription)")
        }
        let token = AdminToken.generate()
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            // Another process created it first: use that one.
            if code == EEXIST, let existing = try load() { return (existing, false) }
            throw .unreadable(url.path, String(cString: strerror(code)))
        }
        let bytes = Array((token.value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw .unreadable(url.path, "short write") }
        return (token, true)
    }

    /// The token in the file; nil when there is no file. A file others can read is refused, as ssh refuses such a
    /// private key: the token would no longer be the operator's alone.
    public func load() throws(Failure) -> AdminToken? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let mode: Int
        let text: String
        do {
            mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? 0
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadable(url.path, "\(error.localizedDescription)")
        }
        guard mode & 0o077 == 0 else { throw .exposed(url.path, mode) }
        do {
            return try AdminToken(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw .invalid(url.path, error)
        }
    }
}
