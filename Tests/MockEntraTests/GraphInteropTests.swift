import Foundation
@testable import MockEntra
import ServerTesting
import Testing

/// A Graph client nobody here wrote the logic of (Python's urllib, and `cryptography` checking RS256 against the
/// JWKS from its n and e) against mock-entra on a socket: discovery, token, signature, the guide's set-up calls.
@Suite("mock-entra: Graph from an independent client")
struct GraphInteropTests {
    static let script = ServerProcess.repository.appendingPathComponent("Tests/Interop/graph_client.py").path

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
