import AWSFederation
import Foundation
import SAML
import SAMLAttacks

/// `saml-bench --hostile`: the time to answer each hostile input, up to the size limits, on every path that reads
/// one: the library, the AWS rules (what mock-aws and `saml verify --aws` run), the CLI, and both servers over HTTP.
/// The goal (issue 11) is every answer within 100 ms on one core; the worst case and its input are named. python3-saml
/// is measured on the same files, in the same run (capped at 5 s per input).
struct HostileBench {
    let signer: Signer
    let attacker: Signer
    let certificate: Certificate
    let user: EntraAWSResponse
    let clock: FixedClock
    let judged: FixedClock
    let binDirectory: URL
    let peers: URL

    struct Input {
        let name: String
        let xml: [UInt8]
    }

    struct Measurement {
        let input: String
        let path: String
        let milliseconds: Double
        let outcome: String
    }

    /// The inputs: each cost bomb filling the library's size limit, the worst shapes that pass the pre-scan, and the
    /// role bombs.
    func inputs() throws -> [Input] {
        let limit = ParseLimits.default
        let plain = try signer.sign(user.response(clock: clock, ids: SequentialIDGenerator(seed: 1)), mode: .assertion)
        let budget = limit.maxDocumentBytes - plain.utf8.count - 64
        var inputs: [Input] = []
        for bomb in CostBomb.allCases {
            inputs.append(Input(name: "\(bomb.rawValue) bomb, 1 MiB", xml: Array(try bomb.apply(to: plain, count: bomb.count(forBytes: budget)).utf8)))
        }
        // Just under every limit at once, filling 1 MiB: 31 attributes on each of 315 elements (9,765 attributes),
        // 9,300 more empty elements, and text.
        let element = "<x" + (0..<(limit.maxAttributesPerElement - 1)).map { " a\($0)=\"v\"" }.joined() + "/>"
        let attributed = (limit.maxAttributes - 200) / (limit.maxAttributesPerElement - 1)
        let empties = limit.maxElements - 1000 - attributed
        let body = String(repeating: element, count: attributed) + String(repeating: "<y/>", count: empties)
        let text = String(repeating: "t", count: max(0, budget - body.utf8.count))
        inputs.append(Input(name: "every limit at once: 9,765 attributes, 9,000 elements, 1 MiB",
                            xml: Array(try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions>" + body + text + "</samlp:Extensions><samlp:Status>").utf8)))
        // 60-deep nests side by side up to the element limit, padded with text to 1 MiB.
        let nest = String(repeating: "<y>", count: 60) + String(repeating: "</y>", count: 60)
        let nests = (limit.maxElements - 200) / 60
        let padding = String(repeating: "p", count: max(0, budget - nests * nest.utf8.count))
        inputs.append(Input(name: "\(nests) nests 60 deep + text (under the limits)",
                            xml: Array(try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions>" + String(repeating: nest, count: nests) + padding + "</samlp:Extensions><samlp:Status>").utf8)))
        // 16 namespace declarations on each of 16 elements (256 in all), each element with 15 prefixed children.
        var namespaced = ""
        for e in 0..<16 {
            namespaced += "<n" + (0..<16).map { " xmlns:p\(e)x\($0)=\"urn:p\($0)\"" }.joined() + ">"
            namespaced += (0..<15).map { "<p\(e)x\($0):c/>" }.joined() + "</n>"
        }
        inputs.append(Input(name: "256 namespace declarations (under the limits)",
                            xml: Array(try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions>" + namespaced + "</samlp:Extensions><samlp:Status>").utf8)))
        // A prefixed copy of the Reference's URI holding a cubic XPath over as many elements as the limit allows (stop
        // 25's differential trial: libxmlsec1 reads URI by local name and evaluated it before any signature check, 30 s
        // for 1,600 elements).
        let xpath = try AttackEdit.replace(plain, "<Reference ", "<Reference xmlns:ns0=\"urn:x\" ns0:URI=\"#xpointer(//*[count(//*[count(//*)>0])>0])\" ")
        let bytes = Array(plain.utf8)
        let present = bytes.indices.dropLast().filter { bytes[$0] == UInt8(ascii: "<") && ![UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(bytes[$0 + 1]) }.count
        let counted = limit.maxElements - present - 1
        inputs.append(Input(name: "an XPath in a prefixed Reference URI, \(counted.formatted()) elements",
                            xml: Array(try AttackEdit.replace(xpath, "<samlp:Status>", "<samlp:Extensions xmlns:x=\"urn:x\">"
                                + String(repeating: "<x:e/>", count: counted) + "</samlp:Extensions><samlp:Status>").utf8)))
        // Declarations in scope times elements times depth (stop 25's second trial: C14N under libxmlsec1 took 5 s for
        // this, before any signature check): 60 nested elements declaring 4 namespaces each, over 9,700 empty ones.
        var chain = "", unchain = ""
        for level in 0..<60 {
            chain += "<c" + (0..<4).map { " xmlns:q\(level)x\($0)=\"urn:q\(level)x\($0)\"" }.joined() + ">"
            unchain += "</c>"
        }
        let scoped = limit.maxElements - present - 62  // the 60 levels, their wrapper and Extensions
        inputs.append(Input(name: "240 namespaces in scope of \(scoped.formatted()) elements 60 deep",
                            xml: Array(try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions><x xmlns=\"urn:x\">" + chain
                                + String(repeating: "<e/>", count: scoped) + unchain + "</x></samlp:Extensions><samlp:Status>").utf8)))
        // Padding a valid capture (found by an outside probe): 1 MiB of empty comments, or of processing instructions.
        inputs.append(Input(name: "120,000 comments before a valid response", xml: Array((String(repeating: "<!---->", count: 120_000) + plain).utf8)))
        inputs.append(Input(name: "120,000 processing instructions before it", xml: Array((String(repeating: "<?a b?>", count: 120_000) + plain).utf8)))
        // Role bombs: 4,000 Role values (distinct providers), signed by an attacker without KeyInfo; and as many as fit
        // under AWS's 100,000 characters (290: Entra writes each value in its role claim and in AWS's Role claim),
        // validly signed, every provider in the account.
        var roles = user
        roles.roles = (0..<4000).map { "arn:aws:iam::123456789012:role/R\($0),arn:aws:iam::123456789012:saml-provider/P\($0)" }
        var bomb = try attacker.sign(roles.response(clock: clock, ids: SequentialIDGenerator(seed: 2)), mode: .assertion)
        if let keyInfo = bomb.range(of: "<KeyInfo>"), let end = bomb.range(of: "</KeyInfo>") { bomb.removeSubrange(keyInfo.lowerBound..<end.upperBound) }
        inputs.append(Input(name: "4,000 Role values, attacker-signed, no KeyInfo", xml: Array(bomb.utf8)))
        roles.roles = Array(roles.roles.prefix(290))
        inputs.append(Input(name: "290 Role values, 290 providers, valid",
                            xml: Array(try signer.sign(roles.response(clock: clock, ids: SequentialIDGenerator(seed: 3)), mode: .assertion).utf8)))
        return inputs
    }

    /// The account for the AWS path: 700 providers publishing the corpus certificate, one role each.
    func federation() -> AWSFederation {
        let metadata = IdentityProviderMetadata(entityID: user.issuer, signingCertificates: [certificate])
        let providers = (0..<700).map { SAMLProvider(name: "P\($0)", account: "123456789012", metadata: metadata) }
        let roles = (0..<700).map {
            IAMRole(arn: AWSARN("arn:aws:iam::123456789012:role/R\($0)")!, uniqueID: "AROA\($0)",
                    trustPolicy: .consoleWizard(providerARN: providers[$0].arn))
        }
        return AWSFederation(providers: providers, roles: roles, clock: judged)
    }

    /// Milliseconds of the slowest of three runs of `body` (its own figure when it measures itself, as curl does).
    func time(_ body: () -> String) -> (Double, String) { time { (nil, body()) } }

    func time(_ body: () -> (Double?, String)) -> (Double, String) {
        var worst = 0.0
        var outcome = ""
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let start = clock.now
            let (own, answer) = body()
            outcome = answer
            let d = clock.now - start
            worst = max(worst, own ?? Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        return (worst, outcome)
    }

    func run() throws -> [Measurement] {
        let verifier = Verifier(trusting: [certificate], serviceProvider: ServiceProvider(
            audiences: ["https://signin.aws.amazon.com/saml"], acsURLs: ["https://signin.aws.amazon.com/saml"], idpEntityID: user.issuer),
            clock: judged)
        let federation = federation()
        let judge = ResponseJudge(certificates: [certificate], aws: true, clock: judged)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("saml-bench-hostile-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificatePath = directory.appendingPathComponent("idp.crt")
        try Data(certificate.pem.utf8).write(to: certificatePath)
        let servers = try Servers(binDirectory: binDirectory)
        defer { servers.stop() }
        var results: [Measurement] = []
        func record(_ input: Input, _ path: String, _ measured: (Double, String)) {
            results.append(Measurement(input: input.name, path: path, milliseconds: measured.0, outcome: measured.1))
            print("  " + path.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%9.1f ms  ", measured.0) + measured.1)
        }
        for (index, input) in try inputs().enumerated() {
            print("\(input.name) (\(input.xml.count) bytes)")
            let base64 = Data(input.xml).base64EncodedString()
            let file = directory.appendingPathComponent("input\(index).xml")
            try Data(input.xml).write(to: file)
            record(input, "library verify", time { Self.outcome { try verifier.verify(input.xml) } })
            record(input, "AWS console rules (signIn)", time { Self.outcome { try federation.signIn(samlResponse: base64) } })
            record(input, "ResponseJudge --aws", time { judge.judge(input.xml).error?.code ?? "accepted" })
            for aws in [false, true] {
                let arguments = ["verify", "--cert", certificatePath.path, "--at", "2025-05-01T12:00:30Z"] + (aws ? ["--aws"] : []) + [file.path]
                let output = directory.appendingPathComponent("output")
                record(input, "saml verify" + (aws ? " --aws" : "") + " (process)", time {
                    Self.spawn(binDirectory.appendingPathComponent("saml").path, arguments, output: output.path)
                })
            }
            let form = "SAMLResponse=" + FormEncoding.encode(base64)
            record(input, "mock-aws POST /saml", time { servers.post(servers.aws + "/saml", form) })
            record(input, "mock-aws STS AssumeRoleWithSAML", time {
                servers.post(servers.aws + "/", "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdministrator&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&" + "SAMLAssertion=" + FormEncoding.encode(base64))
            })
            // mock-entra reads AuthnRequests: the same shapes as a POST-binding SAMLRequest, within its 256 KiB body.
            let request = Self.authnRequest(from: input.xml, maxBytes: 180_000)
            record(input, "mock-entra POST /saml2 (request)", time {
                servers.post(servers.entra + "/contoso.onmicrosoft.com/saml2", "SAMLRequest=" + FormEncoding.encode(Data(request).base64EncodedString()))
            })
        }
        return results
    }

    /// The input's bytes as an AuthnRequest: its root renamed, cut to `maxBytes` at an element boundary when longer.
    static func authnRequest(from xml: [UInt8], maxBytes: Int) -> [UInt8] {
        var text = String(decoding: xml, as: UTF8.self)
            .replacingOccurrences(of: "<samlp:Response", with: "<samlp:AuthnRequest")
            .replacingOccurrences(of: "</samlp:Response>", with: "</samlp:AuthnRequest>")
        if text.utf8.count > maxBytes {
            // Keep the head (the root's start tag carries the attribute and namespace bombs) and close the root.
            let head = String(decoding: Array(text.utf8.prefix(maxBytes)), as: UTF8.self)
            text = String(head[..<(head.lastIndex(of: ">").map { head.index(after: $0) } ?? head.endIndex)]) + "</samlp:AuthnRequest>"
        }
        return Array(text.utf8)
    }

    static func outcome(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "accepted"
        } catch let error as AWSError {
            return error.code + (error.cause.map { " (\($0.code))" } ?? "")
        } catch let error as SAMLError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    /// Runs `saml verify` with posix_spawn (Foundation's Process costs ~50 ms of its own on Linux, which is not the
    /// tool's): milliseconds from spawn to exit, the exit status and the verdict line.
    static func spawn(_ executable: String, _ arguments: [String], output: String) -> (Double?, String) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let clock = ContinuousClock()
        let start = clock.now
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return (nil, "could not start \(executable)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let d = clock.now - start
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let verdict = text.split(separator: "\n").first { $0.hasPrefix("Rejected") || $0.hasPrefix("Accepted") }
        return (Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15,
                "exit \((status >> 8) & 0xFF): " + (verdict.map { String($0.prefix(70)) } ?? ""))
    }

    /// `saml verify`'s exit status and verdict line.
    static func command(_ executable: String, _ arguments: [String]) -> String {
        let (status, output) = execute(executable, arguments)
        let verdict = output.split(separator: "\n").first { $0.hasPrefix("Rejected") || $0.hasPrefix("Accepted") }
        return "exit \(status): " + (verdict.map { String($0.prefix(70)) } ?? "")
    }

    static func execute(_ executable: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (-1, "could not start \(executable)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// mock-aws and mock-entra started from the same build folder, on free loopback ports, and curl to talk to them.
final class Servers {
    let processes: [Process]
    let aws: String
    let entra: String

    init(binDirectory: URL) throws {
        var processes: [Process] = []
        func start(_ name: String, _ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = binDirectory.appendingPathComponent(name)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = pipe.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                line.append(chunk)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let url = text.split(separator: " ").last?.split(separator: "\n").first else {
                throw SAMLError(.libraryUnavailable, "\(name) did not start", found: text)
            }
            return String(url)
        }
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("saml-bench-keys-\(getpid())")
        aws = try start("mock-aws", ["--port", "0"])
        entra = try start("mock-entra", ["--port", "0", "--keys-dir", keys.path, "--aws-url", aws])
        self.processes = processes
    }

    /// POSTs a form body; returns curl's own time to the last byte (ms) and the HTTP status.
    func post(_ url: String, _ body: String) -> (Double?, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("saml-bench-body-\(getpid())")
        try? Data(body.utf8).write(to: file)
        let (_, output) = HostileBench.execute("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                                                                 "-H", "Content-Type: application/x-www-form-urlencoded", "-H", "Expect:",
                                                                 "--data-binary", "@" + file.path, url])
        let fields = output.split(separator: " ")
        return (fields.count == 2 ? Double(fields[1]).map { $0 * 1000 } : nil, "HTTP " + (fields.first.map(String.init) ?? "?"))
    }

    func stop() {
        for process in processes where process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }
}
