// mock-entra: Microsoft Entra ID's side of Entra -> AWS SAML sign-in, on loopback. See README "mock-entra".
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MockEntra
import MockServerKit

@main
struct MockEntraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-entra",
        abstract: "A local Microsoft Entra ID for the AWS gallery app: sign-in, MFA, Conditional Access, My Apps, SAML.",
        discussion: """
            Prints `mock-entra listening on http://HOST:PORT` first, then
            serves on it (TENANT: the tenant GUID or domain):
              /TENANT/saml2         SAML SSO and logout (Redirect, POST)
              /TENANT/FederationMetadata/2007-06/FederationMetadata.xml
                                    tenant metadata; ?appid=APP: the app's
              /common/login, /common/GetCredentialType, /common/SAS/…,
              /kmsi                 Entra's converged sign-in and MFA
              /myapps               My Apps; tiles launch the AWS app
              /TENANT/oauth2/v2.0/token, /TENANT/discovery/v2.0/keys,
              /TENANT/v2.0/.well-known/openid-configuration
                                    OAuth 2.0 client credentials, RS256
              /v1.0/…               Microsoft Graph: users, groups,
                                    applications, service principals and
                                    app-role assignments, Conditional
                                    Access, PIM for Groups, sign-in logs
              /admin/…              the admin API (README)
              /test/issue           issuance with faults (--test-hooks)
            Graph needs a token from the token endpoint; /admin the
            configuration's adminToken or KEYS-DIR/admin-token (mode 0600,
            --print-admin-token). Requests must name the server in their
            Host header: localhost, *.localhost, 127.x.y.z, [::1], --host,
            --public-url's host or an --allowed-host (against DNS
            rebinding).

            Example:
              mock-entra --port 0 --aws-url http://127.0.0.1:9000
              open http://127.0.0.1:PORT/myapps
              (test-awsadmin@contoso.com / Adm1n-Passw0rd!)
            """)

    @Option(help: "A JSON configuration file (tenant, reply URL, signing keys); see README. Default: the guide's contoso tenant.")
    var config: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 takes any free port.")
    var port = 0

    @Flag(help: "Enable POST /test/issue (non-interactive issuance with fault injection) for integration tests.")
    var testHooks = false

    @Option(help: "Where the signing keys live (default: beside --config, else ~/.mock-entra/keys).")
    var keysDir: String?

    @Option(help: "A local mock-aws base URL: AWS applications get <URL>/saml as Reply URL.")
    var awsURL: String?

    @Option(help: "The base URL to publish in metadata (default: http:// and the request's Host).")
    var publicURL: String?

    @Option(help: "Also append each sign-in log entry to this JSON-lines file.")
    var signInLog: String?

    @Option(help: "Also answer to this host name (repeatable): a name that points here besides the loopback ones and --public-url's.")
    var allowedHost: [String] = []

    @Flag(help: "Print the admin API's bearer token (made in the keys directory if there is none yet) and exit.")
    var printAdminToken = false

    func run() async throws {
        let logger = MockServer.logger("mock-entra")
        let configURL = config.map { URL(fileURLWithPath: $0) }
        let configuration = try configURL.map(MockEntraConfiguration.load) ?? MockEntraConfiguration()
        let base = configURL?.deletingLastPathComponent()
        let defaultKeys = keysDir.map { URL(fileURLWithPath: $0) }
            ?? configURL.map { $0.deletingPathExtension().appendingPathExtension("keys") }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".mock-entra/keys")
        let admin = try configuration.resolvedAdminToken(base: base, defaultDirectory: defaultKeys)
        if printAdminToken {
            print(admin.token.value)
            return
        }
        let tenant = configuration.resolvedTenant(replyURL: awsURL.map { $0.hasSuffix("/") ? $0 + "saml" : $0 + "/saml" })
        let (keys, directory) = try configuration.keyRing(base: base, defaultDirectory: defaultKeys)
        let tenantKeys = try configuration.tenantKeyRing(base: base, defaultDirectory: defaultKeys)
        let state = try EntraState(tenant: tenant, keys: keys, tenantKeys: tenantKeys, keyDirectory: directory,
                                   signInLog: signInLog.map { URL(fileURLWithPath: $0) })
        logger.info("tenant", metadata: ["name": "\(tenant.name)", "id": "\(tenant.tenantID)",
                                         "signing": "\(keys.activeThumbprint)", "keys": "\(directory?.url.path ?? "configuration")"])
        // Where the token is, never the token itself: logs get copied into CI output and bug reports.
        logger.notice("admin API: send Authorization: Bearer TOKEN", metadata: [
            "token": "\(admin.file.map { (admin.created ? "new, " : "") + "in \($0.path) (mode 0600)" } ?? "the configuration's adminToken")"])
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            logger.warning("\(host) is not loopback: the test users' passwords and TOTP secrets are public, anyone who reaches the port can sign in as them")
        }
        let app = buildApplication(configuration: MockEntraServerConfiguration(
            state: state, host: host, port: port, testHooks: testHooks, publicURL: publicURL, adminToken: admin.token,
            allowedHosts: allowedHost, logger: logger) { base in MockServer.announce("mock-entra", base) })
        try await app.runService()
    }
}
