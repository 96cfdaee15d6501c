import ArgumentParser
import Foundation
import SAML

struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an RSA key and a self-signed certificate, Entra-style by default.",
        discussion: """
            Entra's per-application SAML signing certificate is self-signed, CN=Microsoft Azure Federated SSO
            Certificate, RSA-2048, sha256WithRSAEncryption, valid 3 years; that is the default here. The key file is
            created with mode 0600.

            Examples:
              saml keygen --key idp.key --cert idp.crt
              saml keygen --key sp.key --cert sp.crt --subject "CN=sp.example.com,O=Example" --years 1 --bits 3072
            """)

    @Option(help: "Where to write the private key (PEM, PKCS#8).")
    var key: String

    @Option(name: .customLong("cert"), help: "Where to write the certificate (PEM).")
    var certificate: String

    @Option(help: "The certificate's subject (and issuer), as TYPE=value pairs separated by commas.")
    var subject = "CN=Microsoft Azure Federated SSO Certificate"

    @Option(help: "Validity in years.")
    var years = 3

    @Option(help: "RSA key size.")
    var bits = 2048

    @Flag(help: "Overwrite existing files.")
    var force = false

    func validate() throws {
        guard [2048, 3072, 4096].contains(bits) else { throw ValidationError("--bits: 2048, 3072 or 4096") }
        guard (1...30).contains(years) else { throw ValidationError("--years: 1 to 30") }
    }

    func run() async throws {
        try await guarded {
            for path in [key, certificate] where !force && FileManager.default.fileExists(atPath: path) {
                throw ToolFailure("\(path) exists (use --force to overwrite)")
            }
            do {
                let signingKey = try SigningKey.generateRSA(bits: bits)
                let generated = try Certificate.selfSigned(key: signingKey, subject: subject, years: years)
                if force { try? FileManager.default.removeItem(atPath: key) }
                guard FileManager.default.createFile(atPath: key, contents: Data(try signingKey.pem().utf8),
                                                     attributes: [.posixPermissions: 0o600]) else { throw ToolFailure("cannot write \(key)") }
                try Input.write(Array(generated.pem.utf8), to: certificate)
                print("Key: \(key) (RSA \(bits))")
                print("Certificate: \(certificate)")
                print("  Subject: \(generated.subject)")
                print("  Valid: \(generated.notBefore.map(SAMLInstant.format) ?? "?") to \(generated.notAfter.map(SAMLInstant.format) ?? "?")")
                print("  SHA-1 thumbprint: \(generated.sha1Thumbprint)")
                print("  SHA-256 thumbprint: \(generated.sha256Thumbprint)")
            } catch let error as SAMLError {
                throw ToolFailure(error.message)
            }
        }
    }
}
