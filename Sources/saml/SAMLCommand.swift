// saml: validate captured SAML responses the way AWS would, inspect, sign, make keys and metadata, and sign in
// through mock-entra like saml2aws. See README "The saml command".
import ArgumentParser
import Foundation

@main
struct SAMLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml",
        abstract: "SAML 2.0 for Entra ID → AWS: say why AWS accepts or rejects a response, and more.",
        subcommands: [Verify.self, Inspect.self, Sign.self, Keygen.self, MetadataCommand.self, Login.self])
}

/// A failure of the tool itself (unreadable file, unusable key), as opposed to a verdict: exit status 2.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension AsyncParsableCommand {
    /// Runs `body`; a ``ToolFailure`` or any other error is printed to standard error and exits with status 2, so
    /// that 1 keeps meaning "rejected".
    /// - Parameter json: also print the failure on standard output as one JSON object, `{"accepted": false,
    ///   "toolError": {"message": …}}`, so that a script reading `--json` output always has an object to read.
    func guarded(json: Bool = false, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let verdict as LoginFailure {
            throw verdict
        } catch {
            // Errors quote what they found in the input: one line, escaped, like the rest of the output.
            FileHandle.standardError.write(Data("saml: \(TerminalText.line("\(error)"))\n".utf8))
            if json, let object = try? JSONSerialization.data(
                withJSONObject: ["accepted": false, "toolError": ["message": "\(error)"]] as [String: Any],
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
                print(String(decoding: object, as: UTF8.self))
            }
            throw ExitCode(2)
        }
    }
}
