import AWSFederation
import ArgumentParser
import Foundation
import SAML

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a captured SAML response and say exactly why it is accepted or rejected.",
        discussion: """
            The input form is detected: XML, base64, URL-encoded base64, a form body (SAMLResponse=…&RelayState=…),
            an HTML page with the auto-post form, or a HAR file from the browser's developer tools.
            Exit status: 0 accepted, 1 rejected, anything else: the tool failed (unreadable file, bad flags).

            Examples:
              saml verify --aws --metadata federationmetadata.xml capture.har
              saml verify --aws --cert entra.pem --at 2025-05-01T12:00:30Z response.b64
              saml verify --aws --metadata arn:aws:iam::123456789012:saml-provider/AppA=a.xml \\
                                --metadata arn:aws:iam::123456789012:saml-provider/AppB=b.xml capture.har
              pbpaste | saml verify --cert idp.pem --audience https://sp.example.com --json -
            """)

    @Argument(help: "The captured response (a file, or - for standard input).")
    var file: String?

    @Option(name: .customLong("cert"), help: "A trusted signing certificate (PEM); repeatable.")
    var certificates: [String] = []

    @Option(help: ArgumentHelp(
        "IdP federation metadata (a file or an http(s) URL): its certificates and entity ID are trusted.",
        discussion: "With --aws, PROVIDER-ARN=SOURCE makes it the metadata of that IAM SAML provider, and each Role pair is then judged with its own provider's keys only, as AWS does; repeat it for several providers.",
        valueName: "[PROVIDER-ARN=]SOURCE"))
    var metadata: [String] = []

    @Flag(help: "Apply AWS's rules: AWS audiences and sign-in URLs, the Role and RoleSessionName attributes, the sessions.")
    var aws = false

    @Option(help: "An accepted Audience; repeatable (added to AWS's with --aws).")
    var audience: [String] = []

    @Option(help: "An accepted Destination/Recipient; repeatable (added to AWS's with --aws).")
    var recipient: [String] = []

    @Option(help: "The expected Issuer (default: the metadata's entity ID).")
    var issuer: String?

    @Option(help: "Judge at this instant (ISO 8601, such as 2025-05-01T12:00:30Z) instead of now.")
    var at: String?

    @Flag(help: "Accept RSA-SHA1 signatures (AWS's rules accept them anyway).")
    var allowSHA1 = false

    @Flag(help: "Print one JSON object instead of the checklist.")
    var json = false

    /// `--metadata` values split into (provider ARN, source); the ARN is nil for plain sources.
    var metadataSources: [(provider: AWSARN?, source: String)] {
        metadata.map { value in
            if value.hasPrefix("arn:"), let equals = value.firstIndex(of: "="), let arn = AWSARN(String(value[..<equals])) {
                return (arn, String(value[value.index(after: equals)...]))
            }
            return (nil, value)
        }
    }

    func validate() throws {
        if certificates.isEmpty && metadata.isEmpty { throw ValidationError("give the IdP's certificate (--cert) or metadata (--metadata)") }
        let bound = metadataSources.filter { $0.provider != nil }
        if !bound.isEmpty {
            guard aws else { throw ValidationError("--metadata PROVIDER-ARN=SOURCE names an IAM provider: it needs --aws") }
            guard bound.count == metadata.count, certificates.isEmpty else {
                throw ValidationError("with PROVIDER-ARN=SOURCE, give every metadata that way and no --cert: each key belongs to one provider")
            }
            let arns = bound.compactMap { $0.provider?.description }
            if let repeated = arns.first(where: { arn in arns.filter { $0 == arn }.count > 1 }) {
                throw ValidationError("--metadata \(repeated)=… is given twice: each IAM provider has one metadata document")
            }
            for (arn, source) in bound {
                guard let arn, arn.service == "iam", arn.resource.hasPrefix("saml-provider/") else {
                    throw ValidationError("not a SAML provider ARN: \(arn?.description ?? "")")
                }
                guard !source.isEmpty else { throw ValidationError("--metadata \(arn)=: no metadata file or URL after '='") }
            }
        } else if metadata.count > 1 {
            throw ValidationError("several metadata files: say which IAM provider each belongs to (--metadata PROVIDER-ARN=SOURCE)")
        }
        if let at, SAMLInstant.parse(at) == nil { throw ValidationError("--at: not an ISO 8601 instant: \(at)") }
    }

    func run() async throws {
        try await guarded(json: json) {
            var trusted = try Input.certificates(certificates)
            var entityID = issuer
            var providers: [SAMLProvider] = []
            for (arn, source) in metadataSources {
                let parsed = try await Input.metadata(source)
                if let arn {
                    providers.append(SAMLProvider(name: String(arn.resource.dropFirst("saml-provider/".count)), account: arn.account,
                                                  metadata: parsed, partition: arn.partition))
                } else {
                    trusted += parsed.signingCertificates
                    entityID = entityID ?? parsed.entityID
                }
            }
            let clock: any SAMLClock = at.flatMap(FixedClock.init) ?? SystemClock()
            let judge = ResponseJudge(certificates: trusted, entityID: entityID, aws: aws, audiences: Set(audience),
                                      recipients: Set(recipient), allowSHA1: allowSHA1, clock: clock, providers: providers)
            let diagnosis: ResponseDiagnosis
            var captured: CapturedMessage?
            do {
                captured = try Input.message(file)
                diagnosis = captured.map { judge.judge($0) } ?? judge.unreadable(SAMLError(.inputEmpty, "no input"))
            } catch let unreadable as MessageUnreadable {
                diagnosis = judge.unreadable(unreadable.error)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(diagnosis), as: UTF8.self))
            } else {
                print(Self.render(diagnosis, captured: captured, aws: aws))
            }
            if !diagnosis.accepted { throw ExitCode(1) }
        }
    }

    static func render(_ d: ResponseDiagnosis, captured: CapturedMessage?, aws: Bool) -> String {
        var lines: [String] = []
        if let captured {
            var source = "Input: \(captured.form.label)"
            if let endpoint = captured.endpoint { source += ", sent to \(endpoint)" }
            lines.append(source + " (\(captured.xml.count) bytes of XML)")
        }
        for check in d.checks {
            switch check.result {
            case "passed": lines.append("✓ \(check.name): \(check.summary)")
            case "failed": lines.append("✗ \(check.name): " + [check.code, check.message].compactMap { $0 }.joined(separator: ": "))
            case "notChecked": lines.append("– \(check.name): not checked, \(check.message ?? "")")
            default: lines.append("· \(check.name): not reached")
            }
        }
        if d.accepted {
            lines.append("")
            lines.append("Accepted" + (d.signedElements.map { " (signed: \($0))" } ?? "") + ".")
            if let issuer = d.issuer { lines.append("Issuer: \(issuer)") }
            if let nameID = d.nameID { lines.append("NameID: \(nameID)") }
            if let part = d.aws {
                lines.append(part.sessions.count == 1 ? "AWS session:" : "AWS sessions (the user chooses one):")
                lines += part.sessions.map { "  \($0)" }
            }
        } else if let error = d.error {
            lines.append("")
            lines.append("Rejected: \(error.code): \(error.message)")
            if let hint = error.hint { lines.append("Fix: \(hint)") }
            if let issuer = d.issuer { lines.append("The response claims (unverified): Issuer \(issuer)" + (d.nameID.map { ", NameID \($0)" } ?? "")) }
        }
        // Every line carries values the message chose (issuer, name, messages quoting what was found): one line each.
        return lines.map(TerminalText.line).joined(separator: "\n")
    }
}
