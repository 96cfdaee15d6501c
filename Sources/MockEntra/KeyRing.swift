import Foundation
import SAML

/// A signing key and its certificate, as Entra keeps one per federated application.
public struct SigningCredential: Sendable {
    public let key: SigningKey
    public let certificate: Certificate

    public init(key: SigningKey, certificate: Certificate) throws(SAMLError) {
        guard key.matches(certificate) else {
            throw SAMLError(.keyInvalid, "the private key does not belong to the certificate",
                            expected: "the key of \(certificate.subject)", found: "another key")
        }
        self.key = key
        self.certificate = certificate
    }

    /// A new RSA-2048 key with a self-signed certificate valid 3 years: by default Entra's per-application
    /// `CN=Microsoft Azure Federated SSO Certificate`, or ``tenantSubject`` for the tenant's own keys.
    /// - Parameters:
    ///   - subject: The certificate's subject.
    ///   - clock: The start of validity.
    public static func generate(subject: String = Certificate.entraSubject, clock: any SAMLClock = SystemClock()) throws(SAMLError) -> SigningCredential {
        let key = try SigningKey.generateRSA(bits: 2048)
        return try SigningCredential(key: key, certificate: Certificate.selfSigned(key: key, subject: subject, clock: clock))
    }

    /// The subject of Entra's tenant-wide token-signing certificates, the ones its tenant federation metadata
    /// publishes and is signed with (the sample KeyDescriptor of MicrosoftDocs/entra-docs federation-metadata.md
    /// decodes to `CN=accounts.accesscontrol.windows.net`), unlike an application's own SSO certificate.
    public static let tenantSubject = "CN=accounts.accesscontrol.windows.net"

    /// The SHA-1 thumbprint the Entra portal shows, uppercase hex: the credential's name in the admin API.
    public var thumbprint: String { certificate.sha1Thumbprint }
}

/// A tenant's or an application's signing certificates during a rollover (aws-entra.md §7): every one is published in the metadata,
/// one is active and signs. Adding, activating and retiring follow the portal's steps: a new certificate is
/// published first, made active when the service providers have it, and the old one removed last.
public struct KeyRing: Sendable {
    /// In publication order.
    public private(set) var credentials: [SigningCredential]
    public private(set) var activeThumbprint: String
    /// Signers for the active credential, one per algorithm an application may choose (made once, used per request).
    public private(set) var signers: [SignatureAlgorithm: Signer]

    public init(credentials: [SigningCredential], active: String? = nil) throws(SAMLError) {
        guard let first = credentials.first else {
            throw SAMLError(.metadataNoSigningKey, "a tenant needs a signing certificate", expected: "1 or more", found: "0")
        }
        self.credentials = credentials
        activeThumbprint = first.thumbprint
        signers = [:]
        try activate(active ?? first.thumbprint)
    }

    public var active: SigningCredential { credentials.first { $0.thumbprint == activeThumbprint } ?? credentials[0] }

    /// The certificates to publish: the active one first, then the others.
    public var publishedCertificates: [Certificate] {
        [active.certificate] + credentials.filter { $0.thumbprint != activeThumbprint }.map(\.certificate)
    }

    public func signer(_ algorithm: SignatureAlgorithm) -> Signer? { signers[algorithm] }

    /// Publishes another certificate (not yet signing).
    public mutating func add(_ credential: SigningCredential) throws(SAMLError) {
        guard !credentials.contains(where: { $0.thumbprint == credential.thumbprint }) else {
            throw SAMLError(.keyInvalid, "the certificate is already in the tenant", expected: "a new certificate",
                            found: credential.thumbprint)
        }
        credentials.append(credential)
    }

    /// Makes a published certificate the one that signs.
    public mutating func activate(_ thumbprint: String) throws(SAMLError) {
        guard let credential = credentials.first(where: { $0.thumbprint == thumbprint.uppercased() }) else {
            throw SAMLError(.keyInvalid, "no such certificate", expected: credentials.map(\.thumbprint).joined(separator: " or "),
                            found: thumbprint)
        }
        signers = [
            .rsaSHA256: try Signer(key: credential.key, certificate: credential.certificate, algorithm: .rsaSHA256),
            .rsaSHA1: try Signer(key: credential.key, certificate: credential.certificate, algorithm: .rsaSHA1, allowLegacySHA1: true),
        ]
        activeThumbprint = credential.thumbprint
    }

    /// Removes a certificate that no longer signs.
    public mutating func retire(_ thumbprint: String) throws(SAMLError) {
        let id = thumbprint.uppercased()
        guard credentials.contains(where: { $0.thumbprint == id }) else {
            throw SAMLError(.keyInvalid, "no such certificate", expected: credentials.map(\.thumbprint).joined(separator: " or "),
                            found: thumbprint)
        }
        guard id != activeThumbprint else {
            throw SAMLError(.keyInvalid, "the active certificate cannot be retired", expected: "activate another certificate first",
                            found: "\(thumbprint) is active")
        }
        credentials.removeAll { $0.thumbprint == id }
    }
}

/// Keeps a ``KeyRing`` in a directory: `keys.json` names the files and the active certificate, each credential is
/// `<thumbprint>.key.pem` (mode 0600) and `<thumbprint>.crt.pem`. Created with a generated certificate on first use.
public struct KeyRingDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    struct Index: Codable {
        var active: String
        var certificates: [String]
    }

    /// The ring in the directory, generating (and saving) a first certificate when there is none.
    /// - Parameters:
    ///   - subject: The generated certificate's subject (the application's by default).
    ///   - clock: The generated certificate's start of validity.
    public func loadOrCreate(subject: String = Certificate.entraSubject, clock: any SAMLClock = SystemClock()) throws -> KeyRing {
        let index = url.appendingPathComponent("keys.json")
        guard FileManager.default.fileExists(atPath: index.path) else {
            let ring = try KeyRing(credentials: [SigningCredential.generate(subject: subject, clock: clock)])
            try save(ring)
            return ring
        }
        let entries = try JSONDecoder().decode(Index.self, from: Data(contentsOf: index))
        let credentials = try entries.certificates.map { thumbprint in
            try SigningCredential(key: SigningKey(pem: String(contentsOf: file(thumbprint, "key"), encoding: .utf8)),
                                  certificate: Certificate(pem: String(contentsOf: file(thumbprint, "crt"), encoding: .utf8)))
        }
        return try KeyRing(credentials: credentials, active: entries.active)
    }

    /// Writes the ring, and deletes the files of retired certificates.
    public func save(_ ring: KeyRing) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for credential in ring.credentials where !FileManager.default.fileExists(atPath: file(credential.thumbprint, "key").path) {
            // Created with mode 0600 so the private key is never readable by others, not even briefly.
            guard FileManager.default.createFile(atPath: file(credential.thumbprint, "key").path, contents: Data(try credential.key.pem().utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file(credential.thumbprint, "key").path])
            }
            try Data(credential.certificate.pem.utf8).write(to: file(credential.thumbprint, "crt"), options: .atomic)
        }
        // Only files this store wrote (a SHA-1 thumbprint, then .key.pem or .crt.pem) are ever removed: the
        // directory may be one the user keeps other PEM files in.
        let kept = Set(ring.credentials.map(\.thumbprint))
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            let parts = name.split(separator: ".")
            guard parts.count == 3, parts[2] == "pem", parts[1] == "key" || parts[1] == "crt", parts[0].count == 40,
                  parts[0].allSatisfy({ $0.isHexDigit && !$0.isLowercase }), !kept.contains(String(parts[0])) else { continue }
            try FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }
        let index = Index(active: ring.activeThumbprint, certificates: ring.credentials.map(\.thumbprint))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(index).write(to: url.appendingPathComponent("keys.json"), options: .atomic)
    }

    private func file(_ thumbprint: String, _ kind: String) -> URL { url.appendingPathComponent("\(thumbprint).\(kind).pem") }
}

extension KeyRing {
    /// Tenant keys made once per process, for a state given none (tests, a tenant kept only in memory).
    static let ephemeralTenantKeys: Result<KeyRing, SAMLError> = Result { () throws(SAMLError) in
        try KeyRing(credentials: [SigningCredential.generate(subject: SigningCredential.tenantSubject)])
    }
}
