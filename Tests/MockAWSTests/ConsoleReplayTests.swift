import Foundation
import ServerTesting
import Testing

/// One SAMLResponse opens one console session at `POST /saml` (SAML profiles 4.1.4.5), while STS keeps taking the
/// same assertion within its validity, as AWS does.
@Suite("mock-aws: a SAMLResponse opens one console session", .serialized)
struct ConsoleReplayTests {
    static let developerRole = "arn:aws:iam::123456789012:role/Developer"
    static let refusal = "Your request included an invalid SAML response. To logout, click here."

    func assume(_ server: MockAWSApp, _ saml: String) async throws -> ServerProcess.HTTPResult {
        try await server.post("/", form: [("Action", "AssumeRoleWithSAML"), ("Version", "2011-06-15"),
                                          ("RoleArn", "arn:aws:iam::123456789012:role/Administrator"),
                                          ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/EntraID"), ("SAMLAssertion", saml)])
    }

    @Test("the second post of one response is refused with AWS's text and a 4xx, and audited; STS still takes it")
    func secondPostRefused() async throws {
        try await MockAWSApp.test { server in
            let saml = try MockAWSProcess.samlResponse()
            let first = try await server.consoleSignIn([("SAMLResponse", saml)])
            #expect(first.signIn.status == 302 && first.session == "Administrator/test-awsadmin@contoso.com @ 123456789012")
            let second = try await server.post("/saml", form: [("SAMLResponse", saml)])
            #expect(second.status == 400 && second.body.contains(Self.refusal) && second.body.contains("InvalidIdentityToken"), "\(second.body.prefix(600))")
            #expect(second.body.contains("replay.detected") && second.headers["location"] == nil && second.headers["set-cookie"] == nil)
            // STS is another matter: saml2aws and the like redeem the assertion the sign-in endpoint has seen.
            #expect(try await assume(server, saml).status == 200)
            #expect(try await assume(server, saml).status == 200)
            // A fresh response still signs in.
            #expect(try await server.post("/saml", form: [("SAMLResponse", try MockAWSProcess.samlResponse())]).status == 302)

            let events = try await server.server.auditEvents().filter { $0["eventName"] as? String == "ConsoleLogin" }
            #expect(events.map { $0["errorCode"] as? String ?? "-" } == ["-", "InvalidIdentityToken", "-"], "\(events)")
        }
    }

    @Test("the role chooser does not use the response up: chooser, chooser, choice works once, then both are refused")
    func chooserThenChoice() async throws {
        try await MockAWSApp.test { server in
            let both = try MockAWSProcess.samlResponse(roles: [MockAWSProcess.adminPair, MockAWSProcess.developerPair])
            for _ in 0..<2 {
                let chooser = try await server.post("/saml", form: [("SAMLResponse", both)])
                #expect(chooser.status == 200 && chooser.body.contains("Select a role:"))
            }
            let chosen = try await server.consoleSignIn([("SAMLResponse", both), ("roleIndex", Self.developerRole)])
            #expect(chosen.signIn.status == 302 && chosen.session == "Developer/test-awsadmin@contoso.com @ 123456789012")
            let again = try await server.post("/saml", form: [("SAMLResponse", both), ("roleIndex", "arn:aws:iam::123456789012:role/Administrator")])
            #expect(again.status == 400 && again.body.contains(Self.refusal), "\(again.body.prefix(400))")
            let chooserAgain = try await server.post("/saml", form: [("SAMLResponse", both)])
            #expect(chooserAgain.status == 400 && !chooserAgain.body.contains("Select a role:"))
        }
    }

    @Test("two posts of one response at once open one session")
    func concurrentPosts() async throws {
        try await MockAWSApp.test { server in
            let saml = try MockAWSProcess.samlResponse()
            let opened = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await server.post("/saml", form: [("SAMLResponse", saml)]).status == 302 ? 1 : 0 } }
                return try await group.reduce(0, +)
            }
            #expect(opened == 1)
        }
    }

    @Test("--allow-console-replay and the configuration's consoleReplayCheck: false let a response be used again")
    func switchedOff() async throws {
        try await MockAWSApp.test(allowConsoleReplay: true) { flag in
            let saml = try MockAWSProcess.samlResponse()
            for _ in 0..<2 { #expect(try await flag.post("/saml", form: [("SAMLResponse", saml)]).status == 302) }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mock-aws-replay-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: MockAWSIAMTests.metadata, toPath: directory.appendingPathComponent("idp.xml").path)
            let config = directory.appendingPathComponent("mock-aws.json")
            try #"{"providers": [{"name": "EntraID", "metadataFile": "idp.xml"}], "consoleReplayCheck": false}"#
                .write(to: config, atomically: true, encoding: .utf8)
            try await MockAWSApp.test(metadata: nil, config: config) { configured in
                let pair = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"
                let forConfigured = try MockAWSProcess.samlResponse(roles: [pair])
                let one = try await configured.post("/saml", form: [("SAMLResponse", forConfigured)])
                let two = try await configured.post("/saml", form: [("SAMLResponse", forConfigured)])
                #expect(one.status == 302 && two.status == 302, "\(one.status) \(two.body.prefix(300))")
            }
        }
    }
}
