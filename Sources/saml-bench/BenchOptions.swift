import ArgumentParser

/// saml-bench's command line, on swift-argument-parser (already built for the `saml`, `mock-aws` and `mock-entra`
/// commands): `--help` lists the modes, and an unknown option, a missing or malformed value or one out of range is
/// refused with usage and exit 64. The hand-read list it replaces crashed on `--seconds` as the last argument and
/// took `--paired abc` for 60 pairs and `--threads 0` for one thread without a word (tried as a new user would).
/// A command only for its name and help: main.swift parses it (`parseOrExit`) and runs the mode itself.
struct BenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml-bench",
        abstract: "Signs and verifies an Entra-style AWS response and compares the rates with the floor and the peers.",
        discussion: """
            Without a mode: the full run (verify and sign of a 5.9 KB and a 243 KB response, the floor, python3-saml, \
            signxml and openssl speed), its last line one JSON object. Pin it to one core: taskset -c 0 saml-bench.
            """)

    @Option(help: "Seconds per figure, each the best of 5 rounds of a fifth of it (3 when not given; not with --paired, whose windows are fixed).")
    var seconds: Double?
    @Flag(help: "Leave python3-saml, signxml and openssl speed out of the full run and of --paired.")
    var noPeers = false
    @Option(help: "Also verify on this many threads sharing one Verifier (run it without taskset).")
    var threads: Int = 1
    @Option(help: ArgumentHelp("Only the paired ratios: the median of this many pairs of adjacent windows, ours against the floor, python3-saml and signxml, and our sign against openssl speed (a fifth as many pairs, at least 5), each as the median of all pairs and of the steady ones; with --threads, N threads against one, ours and the floor's.", valueName: "pairs"))
    var paired: Int?
    @Flag(help: "Only where the time of one verification and one signature goes, step by step.")
    var stages = false
    @Flag(help: "Only the time to answer every hostile input at the size limits, on every path.")
    var hostile = false
    @Option(help: ArgumentHelp("Only write the hostile inputs as files into this directory.", valueName: "directory"))
    var hostileInputs: String?
    @Option(help: ArgumentHelp("Only rounds of sign and verify in every mode and three rejections, for leak checkers.", valueName: "rounds"))
    var loop: Int?
    @Option(help: ArgumentHelp("Only replay-checked verifications per second, PostgreSQL at this URL beside the in-memory cache.", valueName: "url"))
    var replayPostgres: String?
    @Option(help: "Assertions signed beforehand for --replay-postgres.")
    var replayPool: Int = 2000
    @Flag(help: "Only print a freshly signed response as Entra sends it (base64), for load tests of mock-aws.")
    var emitAwsResponse = false
    @Flag(help: .hidden) var profileVerify = false
    @Flag(help: .hidden) var profileFloor = false
    @Flag(help: .hidden) var profileSign = false

    func validate() throws {
        if let seconds, !(seconds > 0 && seconds.isFinite) { throw ValidationError("--seconds must be a number of seconds above 0") }
        if paired != nil, seconds != nil { throw ValidationError("--seconds does not apply to --paired: its windows are fixed (0.1, 0.2 and 1 s)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let paired, paired < 1 { throw ValidationError("--paired takes a number of pairs of at least 1") }
        if let loop, loop < 1 { throw ValidationError("--loop takes a number of rounds of at least 1") }
        guard replayPool >= 1 else { throw ValidationError("--replay-pool must be at least 1") }
        let modes = [paired != nil, stages, hostile, hostileInputs != nil, loop != nil, replayPostgres != nil, emitAwsResponse,
                     profileVerify, profileFloor, profileSign].filter { $0 }.count
        guard modes <= 1 else { throw ValidationError("choose one of --paired, --stages, --hostile, --hostile-inputs, --loop, --replay-postgres and --emit-aws-response") }
    }
}
