import ArgumentParser
import Foundation
import SAML

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a response, an assertion, a request or metadata with a key and its certificate.",
        discussion: """
            A Response is signed as Entra's Signing Option says: the assertion (default), the response, or both
            (the assertion first, so the response signature covers it). Other messages and metadata sign their root.
            The Signature is Entra's: exclusive C14N, RSA-SHA256 (or SHA-1), the certificate in KeyInfo, placed
            right after the Issuer. The rest of the document is kept; the output is one line of XML.

            Examples:
              saml sign --key idp.key --cert idp.crt response.xml -o signed.xml
              saml sign --key idp.key --cert idp.crt --mode both response.xml
              saml sign --key idp.key --cert idp.crt metadata.xml -o signed-metadata.xml
            """)

    enum Mode: String, ExpressibleByArgument, CaseIterable { case assertion, response, both }

    @Argument(help: "The unsigned document (a file, or - for standard input; any input form `saml inspect` reads).")
    var file: String?

    @Option(help: "The private key (PEM).")
    var key: String

    @Option(name: .customLong("cert"), help: "Its certificate (PEM).")
    var certificate: String

    @Option(help: "For a Response: assertion, response or both.")
    var mode: Mode = .assertion

    @Flag(help: "Sign with RSA-SHA1 (Entra's legacy option) instead of RSA-SHA256.")
    var sha1 = false

    @Option(name: .shortAndLong, help: "Where to write the signed XML (default: standard output).")
    var output: String?

    func run() async throws {
        try await guarded {
            let certificates = try Input.certificates([certificate])
            guard let first = certificates.first else { throw ToolFailure("\(certificate): no certificate") }
            let signer: Signer
            do {
                signer = try Signer(key: try Input.key(key), certificate: first, algorithm: sha1 ? .rsaSHA1 : .rsaSHA256, allowLegacySHA1: sha1)
            } catch let error as SAMLError {
                throw ToolFailure(error.message)
            }
            let message: CapturedMessage
            do { message = try Input.message(file) } catch let unreadable as MessageUnreadable {
                throw ToolFailure("no SAML document: \(unreadable.error.message)")
            }
            do {
                let root = try ResponsePeek.rootElement(message.xml).name
                let signed = root == "Response" || root == "Assertion"
                    ? try MessageSignatures.sign(message.xml, mode: SigningMode(rawValue: mode.rawValue) ?? .assertion, with: signer)
                    : try MessageSignatures.sign(message.xml, with: signer)
                try Input.write(signed + (output == nil ? [10] : []), to: output)
            } catch let error as SAMLError {
                throw ToolFailure(error.message)
            }
        }
    }
}
