// mock-aws: the AWS side of Entra -> AWS SAML sign-in, on loopback. See README "mock-aws".
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MockAWS
import MockServerKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@main
struct MockAWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-aws",
        abstract: "A local AWS: the SAML sign-in endpoint, STS, IAM, S3 and CloudTrail, enforcing what AWS enforces.",
        discussion: """
            Prints `mock-aws listening on http://HOST:PORT` first, then serves on it:
              POST /saml   the console sign-in endpoint: 302 to the console (a
                           RelayState console deep link, else Console Home)
                           or the role chooser; an assertion opens one
                           console session only
              GET  /console/...  the console page of the session (cookie
                           aws-creds); POST /console/logout signs out
              POST /       STS AssumeRoleWithSAML (unsigned), GetCallerIdentity;
                           IAM: SAML providers, roles, users, groups, keys,
                           policies, boundaries, tags, the policy simulator;
                           CloudTrail LookupEvents (by X-Amz-Target)
              other paths  S3, path-style or BUCKET.localhost: buckets,
                           objects, multipart, copies, presigned URLs
              GET  /audit  the same events as JSON
            Signatures: SigV4 for sts/cloudtrail/s3 in --region, iam in
            us-east-1. Every call is authorized by the caller's policies.
            Requests must name it in their Host header: localhost,
            *.localhost, 127.x.y.z, [::1], --host, or an --allowed-host
            (a guard against DNS rebinding).

            Example:
              mock-aws --idp-metadata federationmetadata.xml --port 0
              aws --endpoint-url http://127.0.0.1:PORT sts assume-role-with-saml \\
                --role-arn arn:aws:iam::123456789012:role/Administrator \\
                --principal-arn arn:aws:iam::123456789012:saml-provider/EntraID \\
                --saml-assertion "$SAMLResponse"
            """)

    @Option(help: "A JSON configuration file (account, users, providers, roles); see README. Default: the embedded account.")
    var config: String?

    @Option(help: "The IdP's federation metadata, a file or an http(s) URL (such as mock-entra's).")
    var idpMetadata: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 takes any free port.")
    var port = 0

    @Option(help: "Also append each audit event to this JSON-lines file.")
    var auditLog: String?

    @Option(help: "The region it stands for: STS calls and the audit trail must be signed for it (IAM for us-east-1).")
    var region = "us-east-1"

    @Option(help: "Also answer to this host name (repeatable): a name that points here besides the loopback ones.")
    var allowedHost: [String] = []

    @Option(help: "Keep S3 objects in this directory across restarts (default: in memory only).")
    var s3Directory: String?

    @Flag(help: "Let one SAMLResponse open several console sessions (SAML profiles 4.1.4.5 says refuse; default refuse).")
    var allowConsoleReplay = false

    func run() async throws {
        let logger = MockServer.logger("mock-aws")
        let configuration = try config.map { try MockAWSConfiguration.load(URL(fileURLWithPath: $0)) }
        let state = try AWSState(account: configuration?.account ?? DefaultAccount.account,
                                 auditFile: auditLog.map { URL(fileURLWithPath: $0) },
                                 s3Directory: s3Directory.map { URL(fileURLWithPath: $0) })
        var metadata: String?
        if let idpMetadata { metadata = try await Self.load(idpMetadata) }
        if let configuration, let config {
            try await configuration.seed(state, relativeTo: URL(fileURLWithPath: config).deletingLastPathComponent(),
                                         metadataOverride: metadata)
        } else {
            try await DefaultAccount.seed(state, metadata: metadata)
        }
        let host = self.host
        let embedded = configuration == nil
        let rejectsReplay = !allowConsoleReplay && configuration?.consoleReplayCheck != false
        if !rejectsReplay { logger.warning("console replay check off: one SAMLResponse can open any number of console sessions") }
        let app = buildApplication(configuration: MockAWSServerConfiguration(
            state: state, host: host, port: port, region: region, allowedHosts: allowedHost, rejectsConsoleReplay: rejectsReplay,
            logger: logger) { base in
            // Its own sign-in URL counts as an AWS sign-in endpoint, so mock-entra's Reply URL can point here.
            var local = [base + "/saml"]
            if host == "127.0.0.1" { local.append(base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/saml") }
            for url in local { await state.acceptSignInURL(url) }
            // The embedded roles trust it too (a configured account's trust policies are the configuration's).
            if embedded { await DefaultAccount.putRoles(state, signInURLs: ["https://signin.aws.amazon.com/saml"] + local) }
            MockServer.announce("mock-aws", base)
        })
        try await app.runService()
    }

    static func load(_ source: String) async throws -> String {
        if source.hasPrefix("http://") || source.hasPrefix("https://"), let url = URL(string: source) {
            let (data, response) = try await URLSession.shared.data(from: url)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw ValidationError("could not fetch \(source): HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        return try String(contentsOf: URL(fileURLWithPath: source), encoding: .utf8)
    }
}
