// swift-tools-version:6.0
// swift-saml: SAML 2.0 for Microsoft Entra ID -> AWS single sign-on, on libxml2 + libxmlsec1 + OpenSSL.
//
// Dependencies: the SAML and AWSFederation libraries need only the system libraries (libxml2-dev libxmlsec1-dev
// libssl-dev zlib1g-dev). The servers add Hummingbird (HTTP), swift-log (logging) and swift-argument-parser (CLI);
// only the server and tool targets depend on them.
import PackageDescription

let package = Package(
    name: "swift-saml",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SAML", targets: ["SAML"]),
        .library(name: "AWSFederation", targets: ["AWSFederation"]),
        .library(name: "SAMLAttacks", targets: ["SAMLAttacks"]),
        .library(name: "LocalFederation", targets: ["LocalFederation"]),
        .library(name: "SAMLPostgres", targets: ["SAMLPostgres"]),
        .executable(name: "saml-bench", targets: ["saml-bench"]),
        .executable(name: "mock-aws", targets: ["mock-aws"]),
        .executable(name: "mock-entra", targets: ["mock-entra"]),
        .executable(name: "saml", targets: ["saml"]),
        .executable(name: "saml-testvectors", targets: ["saml-testvectors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Already in the graph through Hummingbird; named here because LocalFederation runs two servers as one group.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already in the graph through Hummingbird; named here for MockServerKit's one channel handler (the interim
        // `100 Continue` botocore waits for on uploads), which needs NIOCore and the HTTP-types channel parts.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Documentation only: `swift package generate-documentation` (the test script checks the catalogs build cleanly).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
        // Tests only: property-based tests (generated URLs, mutated responses) with shrinking.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // SAMLPostgres only: a replay cache shared by a fleet of service providers through PostgreSQL (PostgresClient,
        // pooled). SAML itself keeps no server dependency.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // MockEntra only: the OAuth 2.0 access tokens of its Microsoft Graph (JWT RS256 signed with the tenant's keys,
        // verified on every /v1.0 call). A maintained JWT library rather than hand-rolled JOSE: its verifier refuses
        // `alg: none` and algorithm confusion by construction. Brings swift-crypto and swift-certificates (offline).
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        // libxml2 + libxmlsec1 + OpenSSL as pkg-config reports them (include paths and libraries).
        .systemLibrary(
            name: "CXMLSec",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxml2-dev", "libxmlsec1-dev", "libssl-dev", "zlib1g-dev"]), .brew(["libxmlsec1", "pkg-config"])]
        ),
        // The few things Swift cannot import from those headers (macros, once-only init, error capture).
        .target(name: "CXMLSecShim", dependencies: ["CXMLSec"]),
        // The library: model, Entra-shaped serialisation, signing, hardened verification.
        // MemberImportVisibility: a file sees only the members of the modules it imports, so the plain-Swift rules
        // in Rules/ (which import no C module) cannot reach into libxml2 or xmlsec structures.
        .target(name: "SAML", dependencies: ["CXMLSec", "CXMLSecShim"],
                swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]),
        // AWS's side of SAML federation: Role pairs, session rules, trust policies, AssumeRoleWithSAML validation.
        .target(name: "AWSFederation", dependencies: ["SAML"]),
        // What the two servers share: client-address context, bounded bodies, pages, start-up line.
        .target(name: "MockServerKit", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The AWS side as an HTTP server: sign-in endpoint, STS and IAM query APIs, audit events.
        .target(name: "MockAWS", dependencies: [
            "AWSFederation", "SAML", "MockServerKit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "mock-aws", dependencies: [
            "MockAWS", "MockServerKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Entra ID's side as an HTTP server: tenant, sign-in and MFA pages, Conditional Access, PIM, My Apps,
        // SAML endpoint and metadata, role provisioning (SigV4 via AWSFederation), sign-in log, test hooks.
        .target(name: "MockEntra", dependencies: [
            "SAML", "AWSFederation", "SAMLAttacks", "TOTP", "MockServerKit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "JWTKit", package: "jwt-kit"),
        ]),
        .executableTarget(name: "mock-entra", dependencies: [
            "MockEntra", "MockServerKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // mock-entra and mock-aws in one process, wired together: Swift integration tests and the offline demo.
        .target(name: "LocalFederation", dependencies: [
            "MockEntra", "MockAWS", "MockServerKit", "EntraClient", "TOTP", "AWSFederation", "SAML",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // README's first command: the whole sign-in offline, then both servers left up for a browser.
        .executableTarget(name: "offline-sso-demo", dependencies: [
            "LocalFederation", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Examples/OfflineSSODemo"),
        // RFC 6238 one-time codes: mock-entra's MFA page checks them, `saml login` computes them.
        .target(name: "TOTP", dependencies: ["SAML"]),
        // The command-line tool: verify (AWS's verdict and why), inspect, sign, keygen, metadata, login.
        // Signing in through mock-entra's pages as a browser does (saml login, the demo, the examples).
        .target(name: "EntraClient", dependencies: ["SAML"]),
        .executableTarget(name: "saml", dependencies: [
            "SAML", "AWSFederation", "TOTP", "EntraClient", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Attack shapes (XSW1-8 and edits after signing) for testing that a service provider refuses them.
        .target(name: "SAMLAttacks"),
        // The project's test corpus, generated from fixed keys and a fixed clock; used by the generator and the tests.
        .target(name: "SAMLTestVectors", dependencies: ["SAML", "SAMLAttacks"]),
        // Regenerates TestVectors/ (files and manifest).
        .executableTarget(name: "saml-testvectors", dependencies: ["SAML", "SAMLTestVectors"]),
        // libFuzzer target over decoding and verification (built with -sanitize=fuzzer,address -DFUZZING), or a
        // replayer of inputs when built normally.
        .executableTarget(name: "saml-fuzz", dependencies: ["SAML"]),
        // Sign/verify throughput, with peers measured in the same run (SAMLPostgres: --replay-postgres URL only).
        .executableTarget(name: "saml-bench", dependencies: [
            "SAML", "AWSFederation", "SAMLAttacks", "SAMLPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["peers.py"]),
        // A ReplayCache in PostgreSQL, shared by several service-provider instances (one atomic INSERT per assertion).
        .target(name: "SAMLPostgres", dependencies: [
            "SAML", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
        ]),
        // One service-provider instance of a fleet: verifies a response with the PostgreSQL replay cache (the tests
        // run two of them as separate processes on one database).
        .executableTarget(name: "replay-fleet-member", dependencies: ["SAML", "SAMLPostgres"], path: "Examples/ReplayFleet"),
        // Example (a): sign and verify an AWS assertion.
        .executableTarget(name: "sign-and-verify-aws", dependencies: ["SAML"], path: "Examples/SignAndVerifyAWS"),
        // Example (b): judge a captured response against Entra metadata as AWS would.
        .executableTarget(name: "validate-capture", dependencies: ["SAML", "AWSFederation"], path: "Examples/ValidateCapture"),
        // Example (c): both servers inside a Swift test.
        .testTarget(name: "FederationExampleTests", dependencies: ["LocalFederation"], path: "Examples/FederationTest"),
        .testTarget(name: "SAMLTests", dependencies: [
            "SAML", "SAMLTestVectors", "SAMLAttacks", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        // Against a real PostgreSQL server that Tests/run.sh starts (skipped, and shown so, without one).
        .testTarget(name: "SAMLPostgresTests", dependencies: ["SAML", "SAMLPostgres"]),
        .testTarget(name: "AWSFederationTests", dependencies: [
            "AWSFederation", "SAML", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        // Starts the built servers for the tests, as a user would, and talks HTTP to them.
        // Test support shared by the server test targets: the process and in-process wrappers (mock-aws in-process
        // is used by both MockAWSTests and MockEntraTests).
        .target(name: "ServerTesting", dependencies: [
            "AWSFederation", "MockAWS", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], path: "Tests/ServerTesting"),
        // PropertyBased (already the SAML and AWSFederation tests' dependency): the console redirect's property test.
        .testTarget(name: "MockAWSTests", dependencies: [
            "MockAWS", "AWSFederation", "SAML", "ServerTesting", .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "SAMLToolTests", dependencies: ["SAML", "ServerTesting"]),
        .testTarget(name: "MockEntraTests", dependencies: [
            "MockEntra", "EntraClient", "AWSFederation", "SAML", "SAMLAttacks", "ServerTesting", "TOTP",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
