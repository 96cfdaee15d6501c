import Foundation
import SAML
import Testing

/// Paths and fixtures shared by the tests.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let testVectors = repository.appendingPathComponent("TestVectors")
    static let keys = testVectors.appendingPathComponent("keys")
    /// `../shared/vectors`, present on the development machines only.
    static let sharedVectors = repository.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    /// Whether `../shared/vectors` is here: tests that need it are skipped (and shown so) when it is not.
    static var sharedVectorsAvailable: Bool { FileManager.default.fileExists(atPath: sharedVectors.path) }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
    static func key(_ name: String) throws -> String { try text(keys.appendingPathComponent(name)) }

    static let idpCertificate = try! Certificate(pem: key("idp.crt"))
    static let idpKey = try! SigningKey(pem: key("idp.key"))
    static let rolloverCertificate = try! Certificate(pem: key("idp-rollover.crt"))
    static let rolloverKey = try! SigningKey(pem: key("idp-rollover.key"))
    static let attackerCertificate = try! Certificate(pem: key("attacker.crt"))
    static let attackerKey = try! SigningKey(pem: key("attacker.key"))
    static let signer = try! Signer(key: idpKey, certificate: idpCertificate)

    static let issued = SAMLInstant.parse("2025-05-01T12:00:00.245Z")!
    static let clock = FixedClock(issued)
    static let tenant = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
    static let awsSignIn = "https://signin.aws.amazon.com/saml"

    static let admin = EntraAWSResponse(
        tenantID: tenant, objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", userPrincipalName: "test-awsadmin@contoso.com",
        displayName: "Test-AWSAdmin", givenName: "Test", surname: "AWSAdmin", mail: "test-awsadmin@contoso.com",
        roles: ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"])

    /// A fresh Entra-style response with deterministic IDs.
    static func response(seed: UInt64 = 1, _ edit: (inout Response) -> Void = { _ in }) -> Response {
        var r = admin.response(clock: clock, ids: SequentialIDGenerator(seed: seed))
        edit(&r)
        return r
    }

    static func serviceProvider() -> ServiceProvider {
        ServiceProvider(audiences: [awsSignIn, "urn:amazon:webservices"], acsURLs: [awsSignIn], idpEntityID: admin.issuer)
    }

    static func verifier(trusting: [Certificate] = [idpCertificate], at clock: any SAMLClock = Fixtures.clock,
                         replay: (any ReplayCache)? = nil, allowSHA1: Bool = false) -> Verifier {
        Verifier(trusting: trusting, serviceProvider: serviceProvider(), replayCache: replay,
                 algorithms: AlgorithmPolicy(allowSHA1: allowSHA1), clock: clock)
    }

    /// Runs a command; returns exit status and combined output.
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(input) }
        try? inputPipe.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func which(_ tool: String) -> Bool { (try? run(["which", tool]).status) == 0 }
}

/// Expects `body` to throw a ``SAMLError`` with `code`; returns the error for further checks.
@discardableResult
func expectError<T>(_ code: SAMLError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () throws -> T) -> SAMLError? {
    do {
        _ = try body()
        Issue.record("expected \(code), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as SAMLError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
