import AWSFederation
import ArgumentParser
import EntraClient
import Foundation
import SAML
import TOTP
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in through Entra's sign-in pages like saml2aws, assume a role with AssumeRoleWithSAML, keep the credentials.",
        discussion: """
            Speaks Entra's converged sign-in protocol, as mock-entra and Entra serve it: the app's user access URL,
            the sign-in page (username, password), the verification code of an authenticator app when Conditional
            Access asks for MFA, "Stay signed in?" (answered No), then takes the SAML response, lets you choose a role, calls STS
            AssumeRoleWithSAML (mock-aws, or any --sts-endpoint), then writes the credentials to a profile of the AWS
            credentials file, or prints them as credential_process JSON. What is not given is asked on the terminal,
            without echo.

            Examples:
              saml login --idp-url http://127.0.0.1:8443 --username test-awsadmin@contoso.com --profile contoso
              saml login --idp-url http://127.0.0.1:8443 --username test-awsdeveloper@contoso.com \\
                --password 'Dev3loper-Passw0rd!' --totp-secret KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU \\
                --role Developer --sts-endpoint http://127.0.0.1:9000 --credential-process
            In ~/.aws/config: credential_process = saml login --idp-url … --credential-process
            """)

    @Option(help: "Where the app's user access URL is: mock-entra's base URL, or https://account.activedirectory.windowsazure.com for Entra.")
    var idpUrl: String

    @Option(help: "The tenant (GUID or domain).")
    var tenant = "aaaabbbb-0000-cccc-1111-dddd2222eeee"

    @Option(help: "The application ID of the AWS app.")
    var app = "33333333-aaaa-4bbb-8ccc-000000000001"

    @Option(help: "The user principal name (asked when not given).")
    var username: String?

    @Option(help: "The password (asked without echo when not given; SAML_LOGIN_PASSWORD also works).")
    var password: String?

    @Option(help: "A verification code from the authenticator app (asked when needed and not given).")
    var totp: String?

    @Option(help: "The authenticator's Base32 secret, to compute the code (for scripts).")
    var totpSecret: String?

    @Option(help: "The role to assume: its ARN or its name (asked when the user has several).")
    var role: String?

    @Option(help: "STS endpoint (default: mock-aws when the response is posted to one, else https://sts.amazonaws.com).")
    var stsEndpoint: String?

    @Option(help: "DurationSeconds for AssumeRoleWithSAML (default: the response's SessionDuration; when it exceeds the role's MaxSessionDuration, the role's default hour is used instead).")
    var duration: Int?

    @Option(help: "The profile to write in the credentials file.")
    var profile = "saml"

    @Option(help: "The credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials).")
    var credentialsFile: String?

    @Flag(help: "Print credential_process JSON instead of writing a profile.")
    var credentialProcess = false

    func run() async throws {
        do {
            try await signIn()
        } catch let failure as LoginFailure {
            FileHandle.standardError.write(Data("saml login: \(TerminalText.line("\(failure)"))\n".utf8))
            throw ExitCode(1)
        }
    }

    func signIn() async throws {
        try await guarded {
            let user = try username ?? Terminal.ask("Username: ", echo: true)
            let secret = try password ?? ProcessInfo.processInfo.environment["SAML_LOGIN_PASSWORD"] ?? Terminal.ask("Password: ", echo: false)
            let given = totp, computed = totpSecret.flatMap { TOTP(base32: $0) }
            let posted: CapturedMessage
            do {
                posted = try await EntraSignIn(baseURL: idpUrl, tenant: tenant, appID: app).signIn(username: user, password: secret) {
                    try given ?? computed?.code(at: Date()) ?? Terminal.ask("Verification code: ", echo: false)
                }
            } catch let refused as EntraSignIn.Refused {
                throw LoginFailure(refused.message)
            }
            let response = try ResponsePeek.response(posted.xml)
            let pairs = (response.assertion?.attribute(AttributeName.awsRole) ?? []).compactMap { try? AWSRolePair($0) }
            let sessionName = response.assertion?.attribute(AttributeName.awsRoleSessionName)?.first ?? user
            let chosen = try choose(pairs, sessionName: sessionName)
            let endpoint = stsEndpoint ?? Self.stsEndpoint(form: posted.endpoint)
            // As saml2aws users ask (#1357, #1514): this flag, else the IdP's SessionDuration; and when AWS answers that it
            // exceeds the role's MaxSessionDuration, once more without it (AWS's default hour) rather than failing.
            let wanted = duration ?? response.assertion?.attribute(AttributeName.awsSessionDuration)?.first.flatMap { Int($0) }
            let assertion = Data(posted.xml).base64EncodedString()
            let credentials: STS.Credentials
            do {
                credentials = try await STS.assumeRoleWithSAML(endpoint: endpoint, role: chosen, samlResponse: assertion, duration: wanted)
            } catch let failure as LoginFailure where wanted != nil && failure.description.contains("MaxSessionDuration") {
                FileHandle.standardError.write(Data("saml login: \(wanted ?? 0) s exceeds the role's MaxSessionDuration; asking for AWS's default instead\n".utf8))
                credentials = try await STS.assumeRoleWithSAML(endpoint: endpoint, role: chosen, samlResponse: assertion, duration: nil)
            }
            if credentialProcess {
                print(credentials.credentialProcessJSON)
            } else {
                let file = credentialsFile ?? ProcessInfo.processInfo.environment["AWS_SHARED_CREDENTIALS_FILE"]
                    ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".aws/credentials").path
                try CredentialsFile.write(credentials, profile: profile, to: file)
                FileHandle.standardError.write(Data("""
                    Signed in: \(FederatedSession(role: chosen, roleSessionName: sessionName).consoleDisplay)
                    Credentials for profile [\(profile)] in \(file), valid until \(credentials.expiration).

                    """.utf8))
            }
        }
    }

    func choose(_ pairs: [AWSRolePair], sessionName: String) throws -> AWSRolePair {
        guard !pairs.isEmpty else { throw LoginFailure("the response carries no AWS role: the user is assigned no app role with a value") }
        if let role {
            guard let match = pairs.first(where: { $0.roleARN.description == role || $0.roleName == role }) else {
                throw LoginFailure("role \(role) is not among \(pairs.map(\.roleARN.description).joined(separator: ", "))")
            }
            return match
        }
        if pairs.count == 1 { return pairs[0] }
        var menu = "Choose a role:\n"
        for (index, pair) in pairs.enumerated() {
            menu += "  \(index + 1)) \(FederatedSession(role: pair, roleSessionName: sessionName).consoleDisplay)\n"
        }
        let answer = try Terminal.ask(menu + "Role [1-\(pairs.count)]: ", echo: true)
        guard let number = Int(answer.trimmingCharacters(in: .whitespaces)), (1...pairs.count).contains(number) else {
            throw LoginFailure("no role numbered \(answer)")
        }
        return pairs[number - 1]
    }

    /// mock-aws when the form posts to it (its `/saml`), AWS's global STS otherwise.
    static func stsEndpoint(form action: String?) -> String {
        guard let action, let url = URL(string: action), let host = url.host, !host.hasSuffix("amazon.com"), !host.hasSuffix("amazonaws.cn") else {
            return "https://sts.amazonaws.com"
        }
        return "\(url.scheme ?? "http")://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}

/// The sign-in or the assume failed: printed, exit status 1.
struct LoginFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prompts on the controlling terminal, echo off for secrets.
enum Terminal {
    /// Asks only when standard input is a terminal, so scripts fail fast instead of waiting.
    static func ask(_ prompt: String, echo: Bool) throws -> String {
        let what = prompt.trimmingCharacters(in: CharacterSet(charactersIn: ": ")).split(separator: "\n").last.map(String.init) ?? prompt
        guard isatty(STDIN_FILENO) == 1, let tty = fopen("/dev/tty", "r+") else {
            throw ToolFailure("\(what) is needed and standard input is not a terminal to ask on: give it as an option")
        }
        defer { fclose(tty) }
        fputs(prompt, tty)
        fflush(tty)
        var saved = termios()
        let fd = fileno(tty)
        if !echo {
            tcgetattr(fd, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if !echo {
                tcsetattr(fd, TCSAFLUSH, &saved)
                fputs("\n", tty)
            }
        }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), tty) != nil else { throw ToolFailure("no answer") }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}

/// STS AssumeRoleWithSAML (unsigned, as the AWS CLI sends it).
enum STS {
    struct Credentials {
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String
        var expiration: String
        var assumedRoleARN: String

        /// The AWS CLI's `credential_process` format.
        var credentialProcessJSON: String {
            let object: [String: Any] = ["Version": 1, "AccessKeyId": accessKeyID, "SecretAccessKey": secretAccessKey,
                                         "SessionToken": sessionToken, "Expiration": expiration]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func assumeRoleWithSAML(endpoint: String, role: AWSRolePair, samlResponse: String, duration: Int?) async throws -> Credentials {
        var form = [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"), ("RoleArn", role.roleARN.description),
                    ("PrincipalArn", role.providerARN.description), ("SAMLAssertion", samlResponse)]
        if let duration { form.append(("DurationSeconds", String(duration))) }
        let result = try await EntraSignIn.send(endpoint.hasSuffix("/") ? endpoint : endpoint + "/", form: form)
        func text(_ element: String) -> String? {
            guard let open = result.body.range(of: "<\(element)>"),
                  let close = result.body.range(of: "</\(element)>", range: open.upperBound..<result.body.endIndex) else { return nil }
            return Markup.unescape(String(result.body[open.upperBound..<close.lowerBound]))
        }
        guard result.status == 200, let key = text("AccessKeyId"), let secret = text("SecretAccessKey"), let token = text("SessionToken"),
              let expiration = text("Expiration") else {
            throw LoginFailure("AssumeRoleWithSAML failed: \(text("Code") ?? "HTTP \(result.status)"): \(text("Message") ?? "")")
        }
        return Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration,
                           assumedRoleARN: text("Arn") ?? "")
    }
}

/// The AWS shared credentials file (INI): one profile replaced or added, the rest kept, mode 0600.
enum CredentialsFile {
    static func write(_ credentials: STS.Credentials, profile: String, to path: String) throws {
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var lines: [String] = []
        var skipping = false
        for line in existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                skipping = trimmed == "[\(profile)]"
            }
            if !skipping { lines.append(line) }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if !lines.isEmpty { lines.append("") }
        lines += ["[\(profile)]", "aws_access_key_id = \(credentials.accessKeyID)", "aws_secret_access_key = \(credentials.secretAccessKey)",
                  "aws_session_token = \(credentials.sessionToken)", "x_security_token_expires = \(credentials.expiration)",
                  "x_principal_arn = \(credentials.assumedRoleARN)", ""]
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // Written beside the file with mode 0600 from the start, then renamed over it: the secrets are never in a
        // file others can read, and a crash leaves the old file whole.
        let temporary = path + ".saml-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(lines.joined(separator: "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else { throw ToolFailure("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ToolFailure("cannot replace \(path)")
        }
    }
}
