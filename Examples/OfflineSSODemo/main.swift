// The offline SSO demo (README's first command): mock-entra and mock-aws on loopback, both test users signed in to
// the AWS console through the real pages (password and MFA), then both servers left up for a browser.
import ArgumentParser
import Foundation
import LocalFederation
import Logging

@main
struct OfflineSSODemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offline-sso-demo",
        abstract: "Entra ID → AWS single sign-on, offline: sign both test users in, then leave the servers up.")

    @Option(help: "mock-entra's port (0: any free port).")
    var entraPort = 0

    @Option(help: "mock-aws's port (0: any free port).")
    var awsPort = 0

    @Flag(help: "Stop after the two sign-ins (for CI) instead of serving until Ctrl-C.")
    var check = false

    func run() async throws {
        var logger = Logger(label: "offline-sso-demo")
        logger.logLevel = .warning
        let keys = URL(fileURLWithPath: ".build/offline-sso-demo/keys")
        let configuration = LocalFederation.Configuration(entraPort: entraPort, awsPort: awsPort, keysDirectory: keys,
                                                          serveUntilSignal: !check, logger: logger)
        let check = self.check
        try await LocalFederation.run(configuration) { federation in
            say("mock-entra (tenant contoso): \(federation.entraURL)")
            say("mock-aws (account 123456789012): \(federation.awsURL)")
            say("mock-entra admin API token file: \(federation.adminTokenFile?.path ?? "none, this run only")")
            say("")
            for (name, upn, role) in [("Test-AWSAdmin", "test-awsadmin@contoso.com", "Administrator"),
                                      ("Test-AWSDeveloper", "test-awsdeveloper@contoso.com", "Developer")] {
                let (session, samlResponse) = try await federation.signIn(upn)
                say("\(name) signed in with password and MFA → AWS console session: \(session)")
                // What the guide's "confirm the differences in role mapping and permissions" checks, as AWS answers.
                let answers = try await federation.tryCalls(samlResponse: samlResponse, role: role)
                for (call, answer) in answers { say("  \(call): \(answer)") }
                // The guide's roles: both may use S3; only the Administrator may change IAM.
                let expected = role == "Administrator" ? ["allowed", "allowed"] : ["allowed", "AccessDenied"]
                guard answers.map({ String($0.answer.prefix(while: { $0 != ":" })) }) == expected else {
                    throw ValidationError("\(name)'s permissions are not the guide's: \(answers)")
                }
            }
            let logs = await federation.entra.signInLogs()
            say("")
            say("Sign-in log: \(logs.filter { $0.result == "success" }.count) sign-ins, \(logs.filter { $0.aadstsCode == "AADSTS50076" }.count) MFA prompts "
                  + "(GET \(federation.entraURL)/admin/signins with the admin token)")
            guard !check else { return }
            say("""

                Open \(federation.entraURL)/myapps in a browser and sign in:
                  test-awsadmin@contoso.com      Adm1n-Passw0rd!       authenticator: otpauth://totp/contoso:test-awsadmin@contoso.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
                  test-awsdeveloper@contoso.com  Dev3loper-Passw0rd!   authenticator: otpauth://totp/contoso:test-awsdeveloper@contoso.com?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU
                (add the otpauth URL to any authenticator app); the AWS tile lands on mock-aws's console page.
                From a terminal: swift run saml login --idp-url \(federation.entraURL) --profile contoso
                Ctrl-C stops both servers.
                """)
        }
    }
}

/// Unbuffered, so a pipe or a log file shows each line as it happens.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
