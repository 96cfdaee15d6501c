// replay-fleet-member: one service-provider instance of a fleet. It verifies one SAML response with the library's
// Verifier and a PostgresReplayCache that every instance of the fleet shares, prints the verdict and exits:
//   accepted: NAMEID (assertion ID)          exit 0
//   refused: CODE: MESSAGE                   exit 1   (replay.detected when another instance already accepted it)
//   usage or input error                     exit 2
//
//   replay-fleet-member --postgres URL --certificate IDP.crt --issuer ENTITY-ID [--now INSTANT] [--table NAME]
//                       [--audience URI]... [--acs URL]... [--timeout SECONDS] RESPONSE-FILE
//
// RESPONSE-FILE holds the response as XML or as the base64 SAMLResponse form field ("-": standard input). The URL may
// also come from SAML_REPLAY_POSTGRES_URL. --now fixes the clock (ISO 8601), for responses signed at a fixed instant;
// --audience and --acs default to AWS's sign-in endpoint. SAMLPostgresTests runs two of these as separate processes
// on one response: the first accepts it, the second refuses it as a replay.
import Foundation
import SAML
import SAMLPostgres

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("replay-fleet-member: \(message)\n".utf8))
    exit(status)
}

var options: [String: [String]] = [:]
var positional: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument.hasPrefix("--") {
        guard let value = arguments.popFirst() else { fail("\(argument) needs a value") }
        options[String(argument.dropFirst(2)), default: []].append(value)
    } else {
        positional.append(argument)
    }
}
let known: Set = ["postgres", "certificate", "issuer", "now", "table", "audience", "acs", "timeout"]
if let unknown = options.keys.first(where: { !known.contains($0) }) { fail("unknown option --\(unknown)") }
guard positional.count == 1 else { fail("usage: replay-fleet-member --postgres URL --certificate IDP.crt --issuer ENTITY-ID [--now INSTANT] RESPONSE-FILE") }
guard let url = options["postgres"]?.last ?? ProcessInfo.processInfo.environment["SAML_REPLAY_POSTGRES_URL"] else {
    fail("no database: --postgres URL or SAML_REPLAY_POSTGRES_URL")
}
guard let certificatePath = options["certificate"]?.last, let issuer = options["issuer"]?.last else {
    fail("--certificate and --issuer are required")
}

do {
    let certificate = try Certificate(pem: String(contentsOfFile: certificatePath, encoding: .utf8))
    let input = positional[0] == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                                     : try Data(contentsOf: URL(fileURLWithPath: positional[0]))
    let text = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let clock: any SAMLClock
    if let now = options["now"]?.last {
        guard let fixed = FixedClock(now) else { fail("--now \(now) is not an ISO 8601 instant") }
        clock = fixed
    } else {
        clock = SystemClock()
    }
    let aws = "https://signin.aws.amazon.com/saml"
    let serviceProvider = ServiceProvider(audiences: Set(options["audience"] ?? [aws, "urn:amazon:webservices"]),
                                          acsURLs: Set(options["acs"] ?? [aws]), idpEntityID: issuer)
    let timeout = options["timeout"]?.last.flatMap(Double.init) ?? 5
    let cache = try PostgresReplayCache(configuration: PostgresReplayCache.configuration(url: url),
                                        tableName: options["table"]?.last ?? PostgresReplayCache.defaultTableName,
                                        timeout: .milliseconds(Int(timeout * 1000)))
    defer { cache.shutdown() }
    let verifier = Verifier(trusting: [certificate], serviceProvider: serviceProvider, replayCache: cache, clock: clock)
    // In a function of its own: top-level code resolves `verify` to the synchronous overload even with `await` (the
    // compiler then refuses it, since it is `noasync`); inside an async function the async verify, the one that can
    // wait on a database, is chosen.
    func verify() async throws(SAMLError) -> VerifiedResponse {
        text.hasPrefix("<") ? try await verifier.verify(text) : try await verifier.verify(base64: text)
    }
    do throws(SAMLError) {
        let verified = try await verify()
        print("accepted: \(verified.nameID?.value ?? "(no NameID)") (assertion \(verified.assertion.id))")
        exit(0)
    } catch {
        print("refused: \(error.code): \(error.message)")
        exit(1)
    }
} catch {
    fail("\(error)")
}
