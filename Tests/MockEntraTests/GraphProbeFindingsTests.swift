import Foundation
@testable import MockEntra
import ServerTesting
import Testing

/// What an outside probe of Graph found lenient, each now refused as Entra and Graph refuse it.
@Suite("Graph: refusals an outside probe asked for")
struct GraphProbeFindingsTests {
    typealias H = GraphHarness
    static let admins = GraphGovernanceTests.admins
    static let base = "identityGovernance/privilegedAccess/group"

    func issue(_ h: GraphHarness, _ upn: String, mfa: Bool) async throws -> ServerProcess.HTTPResult {
        try await GraphGovernanceTests().issue(h, upn, mfa: mfa)
    }

    @Test("PIM: a start in the future is not activated now; a second activation is RoleAssignmentExists; removing none is RoleAssignmentDoesNotExist")
    func pimSchedules() async throws {
        try await H.run { h in
            let token = try await h.token()
            let nobody = "11111111-aaaa-4bbb-8ccc-000000000003"
            let eligible: [String: Any] = ["accessId": "member", "principalId": nobody, "groupId": Self.admins, "action": "adminAssign",
                                           "justification": "on call", "scheduleInfo": ["expiration": ["type": "noExpiration"]]]
            #expect(try await h.graph("POST", "\(Self.base)/eligibilityScheduleRequests", token: token, json: eligible).status == 201)
            var activate = eligible
            activate["scheduleInfo"] = ["startDateTime": "2099-01-01T00:00:00Z", "expiration": ["type": "afterDuration", "duration": "PT1H"]]
            let future = try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: activate)
            #expect(future.status == 400, "\(future.body)")
            #expect(try await issue(h, "test-nobody@contoso.com", mfa: true).status == 403, "nothing was activated")
            activate["scheduleInfo"] = ["startDateTime": "yesterday", "expiration": ["type": "afterDuration", "duration": "PT1H"]]
            #expect(try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: activate).status == 400)
            activate["scheduleInfo"] = ["expiration": ["type": "afterDuration", "duration": "PT1H"]]
            #expect(try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: activate).status == 201)
            let again = try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: activate)
            #expect(again.status == 400 && H.errorCode(again.body) == "RoleAssignmentExists", "\(again.body)")
            let remove = activate.merging(["action": "adminRemove"]) { $1 }
            #expect(try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: remove).status == 201)
            let twice = try await h.graph("POST", "\(Self.base)/assignmentScheduleRequests", token: token, json: remove)
            #expect(twice.status == 400 && H.errorCode(twice.body) == "RoleAssignmentDoesNotExist", "\(twice.body)")
        }
    }

    @Test("smart lockout: ten wrong passwords lock the account for a minute (AADSTS50053), through the token endpoint (the sign-in pages use the same check); every password-grant attempt is in the sign-in log")
    func lockout() async throws {
        try await H.run { h in
            func attempt(_ password: String) async throws -> [Int] {
                let result = try await h.tokenResult([("client_id", H.admin.appID), ("client_secret", H.admin.secret),
                                                      ("scope", "https://graph.microsoft.com/.default"), ("grant_type", "password"),
                                                      ("username", "test-pim@contoso.com"), ("password", password)])
                return H.object(result.body)["error_codes"] as? [Int] ?? (result.status == 200 ? [0] : [])
            }
            for _ in 0..<10 { #expect(try await attempt("wrong") == [50126]) }
            #expect(try await attempt("P1m-Passw0rd!") == [50053], "locked, whatever the password")
            let log = try await h.graph("GET", "auditLogs/signIns?$filter=userPrincipalName eq 'test-pim@contoso.com'", token: try await h.token())
            #expect(H.values(log.body).count == 11, "\(log.body.prefix(400))")
            h.clock.advance(61)
            #expect(try await attempt("P1m-Passw0rd!") == [0], "a minute later the right password works")
        }
    }

    @Test("a mail another user has is refused (proxyAddresses are unique), so no one can take another's emailaddress claim")
    func uniqueMail() async throws {
        try await H.run { h in
            let token = try await h.token()
            let taken = try await h.graph("PATCH", "users/test-awsdeveloper@contoso.com", token: token, json: ["mail": "TEST-AWSADMIN@contoso.com"])
            #expect(taken.status == 400 && taken.body.contains("proxyAddresses"), "\(taken.body)")
            #expect(try await h.graph("PATCH", "users/test-awsdeveloper@contoso.com", token: token, json: ["mail": "dev.team@contoso.com"]).status == 204)
        }
    }

    @Test("Conditional Access: a PATCH keeps what it does not name; a policy that applies to no one or nothing, or with an unknown operator, is refused")
    func conditionalAccessShapes() async throws {
        try await H.run { h in
            let token = try await h.token()
            let block: [String: Any] = ["displayName": "Block admins", "state": "enabled",
                                        "conditions": ["users": ["includeGroups": [Self.admins]], "applications": ["includeApplications": [EntraFixtures.appID]],
                                                       "clientAppTypes": ["all"]],
                                        "grantControls": ["operator": "OR", "builtInControls": ["block"]]]
            let created = try await h.graph("POST", "identity/conditionalAccess/policies", token: token, json: block)
            let id = try #require(H.object(created.body)["id"] as? String, "\(created.body)")
            #expect(try await issue(h, "test-awsadmin@contoso.com", mfa: true).body.contains("AADSTS53003"))
            let partial = try await h.graph("PATCH", "identity/conditionalAccess/policies/\(id)", token: token,
                                            json: ["conditions": ["users": ["excludeUsers": ["11111111-aaaa-4bbb-8ccc-000000000002"]]]])
            #expect(partial.status == 204, "\(partial.body)")
            #expect(try await issue(h, "test-awsadmin@contoso.com", mfa: true).body.contains("AADSTS53003"), "still blocks: groups and apps kept")
            for (name, edit) in [("no users", { (p: inout [String: Any]) in p["conditions"] = ["applications": ["includeApplications": [EntraFixtures.appID]], "clientAppTypes": ["all"]] }),
                                 ("no applications", { (p: inout [String: Any]) in p["conditions"] = ["users": ["includeGroups": [Self.admins]], "clientAppTypes": ["all"]] }),
                                 ("no clientAppTypes", { (p: inout [String: Any]) in p["conditions"] = ["users": ["includeGroups": [Self.admins]], "applications": ["includeApplications": [EntraFixtures.appID]]] }),
                                 ("empty applications", { (p: inout [String: Any]) in p["conditions"] = ["users": ["includeGroups": [Self.admins]], "applications": ["includeApplications": []], "clientAppTypes": ["all"]] }),
                                 ("XOR", { (p: inout [String: Any]) in p["grantControls"] = ["operator": "XOR", "builtInControls": ["block"]] })] as [(String, (inout [String: Any]) -> Void)] {
                var policy = block
                policy["displayName"] = name
                edit(&policy)
                #expect(try await h.graph("POST", "identity/conditionalAccess/policies", token: token, json: policy).status == 400, "\(name)")
            }
        }
    }

    @Test("members/$ref names an object on Graph's v1.0 root only; token-signing certificates are bounded")
    func referencesAndCertificates() async throws {
        try await H.run { h in
            let token = try await h.token()
            let group = GraphGovernanceTests.developers
            let user = "11111111-aaaa-4bbb-8ccc-000000000003"
            for url in ["https://evil.example/v1.0/directoryObjects/\(user)", "http://127.0.0.1:1/v1.0/directoryObjects/\(user)",
                        "https://graph.microsoft.com/beta/directoryObjects/\(user)", "https://graph.microsoft.us/v1.0/directoryObjects/\(user)",
                        user] {
                let refused = try await h.graph("POST", "groups/\(group)/members/$ref", token: token, json: ["@odata.id": url])
                #expect(refused.status == 400, "\(url): \(refused.status)")
            }
            #expect(try await h.graph("POST", "groups/\(group)/members/$ref", token: token,
                                      json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(user)"]).status == 204)
            let sp = GraphGovernanceTests.awsSP
            var statuses: [Int] = []
            for _ in 0..<12 {
                statuses.append(Int(try await h.graph("POST", "servicePrincipals/\(sp)/addTokenSigningCertificate", token: token, json: [:]).status))
                if statuses.last != 200 && statuses.last != 201 { break }
            }
            #expect(statuses.last == 400 && statuses.count <= 10, "\(statuses)")
        }
    }
}
