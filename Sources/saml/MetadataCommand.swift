import ArgumentParser
import Foundation
import SAML

struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Write signed IdP federation metadata in Entra's shape for a key, its certificate and an entity ID.",
        discussion: """
            The document is what Entra serves at /TENANT/federationmetadata/2007-06/federationmetadata.xml?appid=…:
            the signed EntityDescriptor, the two WS-Federation RoleDescriptors and the IDPSSODescriptor with SSO and
            logout endpoints at LOGIN-URL/TENANT/saml2. Extra --publish certificates appear too (a rollover). It is
            what the IAM console takes when creating a SAML identity provider.

            Examples:
              saml metadata --key idp.key --cert idp.crt --tenant-id aaaabbbb-0000-cccc-1111-dddd2222eeee -o federationmetadata.xml
              saml metadata --key idp.key --cert idp.crt --entity-id https://idp.example.com/ --login-url https://idp.example.com
            """)

    @Option(help: "The signing key (PEM).")
    var key: String

    @Option(name: .customLong("cert"), help: "Its certificate (PEM), published first.")
    var certificate: String

    @Option(help: "Further certificates to publish (PEM), for a rollover; repeatable.")
    var publish: [String] = []

    @Option(help: "The Entra tenant ID (GUID); the entity ID is https://sts.windows.net/TENANT/ unless --entity-id.")
    var tenantId: String?

    @Option(help: "The entity ID (Issuer).")
    var entityId: String?

    @Option(help: "The login base URL of the endpoints.")
    var loginUrl = "https://login.microsoftonline.com"

    @Option(name: .shortAndLong, help: "Where to write the metadata (default: standard output).")
    var output: String?

    func validate() throws {
        if tenantId == nil && entityId == nil { throw ValidationError("give --tenant-id or --entity-id") }
    }

    func run() async throws {
        try await guarded {
            let certificates = try Input.certificates([certificate] + publish)
            guard let first = certificates.first else { throw ToolFailure("\(certificate): no certificate") }
            let tenant = tenantId ?? entityId.flatMap(Self.tenant(fromEntityID:)) ?? "00000000-0000-0000-0000-000000000000"
            do {
                let signer = try Signer(key: try Input.key(key), certificate: first)
                let document = EntraMetadata(tenantID: tenant, certificates: certificates, loginBaseURL: loginUrl, entityID: entityId)
                let xml = try document.xml(id: RandomIDGenerator().next(), signedWith: signer)
                try Input.write(Array(xml.utf8) + (output == nil ? [10] : []), to: output)
            } catch let error as SAMLError {
                throw ToolFailure(error.message)
            }
        }
    }

    /// The GUID of `https://sts.windows.net/GUID/`.
    static func tenant(fromEntityID entityID: String) -> String? {
        let prefix = "https://sts.windows.net/"
        guard entityID.hasPrefix(prefix) else { return nil }
        return String(entityID.dropFirst(prefix.count).prefix { $0 != "/" })
    }
}
