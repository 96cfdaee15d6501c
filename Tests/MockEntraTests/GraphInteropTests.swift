import Foundation
@testable import MockEntra
import ServerTesting
import Testing

/// A Graph client nobody here wrote the logic of (Python's urllib, and `cryptography` checking RS256 against the
/// JWKS from its n and e) against mock-entra on a socket: discovery, token, signature, the guide's set-up calls.
@Suite("mock-entra: Graph from an independent client")
struct GraphInteropTests {
    static let script = ServerProcess.repository.appendingPathComponent("Tests/Interop/graph_client.py").path

    static let sdkScript = ServerProcess.repository.appendingPathComponent("Tests/Interop/msgraph_sdk_setup.py").path

    /// The script's JSON verdict line.
    static func verdict(_ arguments: [String]) async throws -> [String: Any] {
        let run = try await ServerProcess.runDetached(["python3", "-W", "ignore"] + arguments)
        let last = run.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(run.output.suffix(2000))")
    }

    @Test("the Microsoft Graph SDK for Python (msgraph-sdk) does the guide's set-up; the sign-ins then show it; the SDK reads them back")
    func msgraphSDK() async throws {
        try await MockEntraApp.test(live: true) { entra in
            let client = [entra.server.baseURL, "contoso.com", GraphClient.administration.appID, GraphClient.administration.secret]
            let setup = try await Self.verdict([Self.sdkScript, "setup"] + client)
            #expect(setup["assignment"] as? String == "Group" && setup["activation"] as? String == "Provisioned", "\(setup)")
            #expect(setup["not_found"] as? String == "Request_ResourceNotFound")
            let user = try #require(setup["user"] as? String)
            #expect(setup["members"] as? [String] == [user])
            func issue(_ upn: String, mfa: Bool) async throws -> ServerProcess.HTTPResult {
                try await entra.server.request("POST", "/test/issue", body: Data("{\"user\":\"\(upn)\",\"mfa\":\(mfa)}".utf8),
                                               headers: ["Content-Type": "application/json"])
            }
            // The new policy wants MFA of the new group; with it, the group's Developer role is issued.
            #expect(try await issue("sdk-engineer@contoso.com", mfa: false).body.contains("AADSTS50076"))
            let signedIn = try await issue("sdk-engineer@contoso.com", mfa: true)
            #expect((try JSONSerialization.jsonObject(with: Data(signedIn.body.utf8)) as? [String: Any])?["roles"] as? [String]
                    == ["arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"])
            // The PIM activation: Test-AWSDeveloper now also gets the Administrator role.
            let developer = try await issue("test-awsdeveloper@contoso.com", mfa: true)
            #expect(developer.body.contains("role\\/Administrator") || developer.body.contains("role/Administrator"), "\(developer.body.prefix(300))")
            let log = try await Self.verdict([Self.sdkScript, "signins"] + client + ["sdk-engineer@contoso.com"])
            let entries = log["signins"] as? [[String: Any]] ?? []
            #expect(entries.map { $0["errorCode"] as? Int } == [0, 50076], "\(log)")
            #expect(entries.last?["ca"] as? String == "failure")
        }
    }

    @Test("Python: discovery, token, RS256 verified with the JWKS, create user, add member, paging, $count, 401")
    func python() async throws {
        try await MockEntraApp.test(live: true) { entra in
            let run = try await ServerProcess.runDetached(["python3", "-W", "ignore", Self.script, entra.server.baseURL, "contoso.com",
                                                           GraphClient.administration.appID, GraphClient.administration.secret])
            let last = run.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
            let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(run.output)")
            #expect(json["ok"] as? Bool == true, "\(run.output)")
            #expect(await entra.state.tenant.group("AWS-Account1-Developers")?.members.contains("py-engineer@contoso.com") == true)
        }
    }
}
