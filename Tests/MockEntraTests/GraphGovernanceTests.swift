import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// Conditional Access policies, sign-in logs, PIM for Groups and the signing certificate rollover through Graph,
/// each seen taking effect on the sign-ins mock-entra serves.
@Suite("mock-entra: Graph Conditional Access, sign-in logs, PIM, signing certificates")
struct GraphGovernanceTests {
    typealias H = GraphHarness
    static let admins = "22222222-aaaa-4bbb-8ccc-000000000001"
    static let developers = "22222222-aaaa-4bbb-8ccc-000000000002"
    static let awsSP = GraphIDs.derived("servicePrincipal", EntraFixtures.appID)

    func issue(_ h: GraphHarness, _ upn: String, mfa: Bool) async throws -> ServerProcess.HTTPResult {
        try await h.server.request("POST", "/test/issue", body: Data("{\"user\":\"\(upn)\",\"mfa\":\(mfa)}".utf8),
                                   headers: ["Content-Type": "application/json"])
    }

    @Test("Conditional Access: list in Graph's shape; disable, re-enable, block, delete; what is not enforced is refused")
    func conditionalAccess() async throws {
        try await H.run { h in
            let token = try await h.token()
            let list = try await h.graph("GET", "identity/conditionalAccess/policies", token: token)
            let policy = try #require(H.values(list.body).first)
            #expect(policy["displayName"] as? String == "AWS Console – MFA" && policy["state"] as? String == "enabled")
            let conditions = policy["conditions"] as? [String: Any] ?? [:]
            #expect((conditions["users"] as? [String: Any])?["includeGroups"] as? [String] == [Self.admins, Self.developers])
            #expect((conditions["applications"] as? [String: Any])?["includeApplications"] as? [String] == [EntraFixtures.appID])
            #expect((policy["grantControls"] as? [String: Any])?["builtInControls"] as? [String] == ["mfa"])
            let id = try #require(policy["id"] as? String)

            // Enforced: without MFA the sign-in is refused (AADSTS50076); disabled, it passes.
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: false).body.contains("AADSTS50076"))
            #expect(try await h.graph("PATCH", "identity/conditionalAccess/policies/\(id)", token: token, json: ["state": "disabled"]).status == 204)
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: false).status == 200)
            #expect(try await h.graph("PATCH", "identity/conditionalAccess/policies/\(id)", token: token, json: ["state": "enabled"]).status == 204)
            // Excluding the developers' group lifts it for them only.
            let exclude: [String: Any] = ["conditions": ["users": ["includeGroups": [Self.admins, Self.developers], "excludeGroups": [Self.developers]],
                                                         "applications": ["includeApplications": [EntraFixtures.appID]]]]
            #expect(try await h.graph("PATCH", "identity/conditionalAccess/policies/\(id)", token: token, json: exclude).status == 204)
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: false).status == 200)
            #expect(try await issue(h, "test-awsadmin@contoso.com", mfa: false).body.contains("AADSTS50076"))

            let block: [String: Any] = ["displayName": "Block developers", "state": "enabled",
                                        "conditions": ["users": ["includeGroups": [Self.developers]], "applications": ["includeApplications": [EntraFixtures.appID]],
                                                       "clientAppTypes": ["all"]],
                                        "grantControls": ["operator": "OR", "builtInControls": ["block"]]]
            let created = try await h.graph("POST", "identity/conditionalAccess/policies", token: token, json: block)
            #expect(created.status == 201, "\(created.body)")
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: true).body.contains("AADSTS53003"))
            let blockID = try #require(H.object(created.body)["id"] as? String)
            #expect(try await h.graph("POST", "identity/conditionalAccess/policies", token: token, json: block).status == 400, "a second of that name")
            #expect(try await h.graph("DELETE", "identity/conditionalAccess/policies/\(blockID)", token: token).status == 204)
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: true).status == 200)

            // Not enforced by mock-entra: refused, nothing stored.
            var unsupported: [[String: Any]] = []
            for change in [{ (p: inout [String: Any]) in p["grantControls"] = ["operator": "OR", "builtInControls": ["compliantDevice"]] },
                           { p in p["conditions"] = ["users": ["includeUsers": ["All"]], "applications": ["includeApplications": [EntraFixtures.appID]]] },
                           { p in p["conditions"] = ["users": ["includeGroups": [Self.admins]], "applications": ["includeApplications": ["All"]]] },
                           { p in p["conditions"] = ["users": ["includeRoles": ["62e90394-69f5-4237-9190-012177145e10"]], "applications": ["includeApplications": [EntraFixtures.appID]]] },
                           { p in p["conditions"] = ["users": ["includeGroups": [Self.admins]], "applications": ["includeApplications": [EntraFixtures.appID]],
                                                     "locations": ["includeLocations": ["All"]]] },
                           { p in p["sessionControls"] = ["signInFrequency": ["value": 1]] },
                           { p in p["state"] = "on" }] {
                var p = block
                p["displayName"] = "Unsupported \(unsupported.count)"
                change(&p)
                unsupported.append(p)
            }
            for p in unsupported {
                let refused = try await h.graph("POST", "identity/conditionalAccess/policies", token: token, json: p)
                #expect(refused.status == 400, "\(p["displayName"] ?? ""): \(refused.status) \(refused.body)")
            }
            #expect(await h.state.tenant.conditionalAccess.count == 1)
        }
    }

    @Test("a policy's exclusions and state, as configured (admin API or file): exclusion wins, only enabled is enforced")
    func policyRule() async throws {
        let tenant = EntraFixtures.tenant()
        let app = try #require(tenant.application(EntraFixtures.appID))
        var policy = Tenant.ConditionalAccessPolicy(name: "p", groups: ["AWS-Account1-Developers"], applications: [app.appID], grant: .block)
        let groups: Set<String> = ["AWS-Account1-Developers"]
        #expect(policy.applies(to: "test-awsdeveloper@contoso.com", groups: groups, appID: app.appID))
        policy.excludeUsers = ["TEST-AWSDEVELOPER@contoso.com"]
        #expect(!policy.applies(to: "test-awsdeveloper@contoso.com", groups: groups, appID: app.appID))
        policy.excludeUsers = nil
        policy.includeUsers = ["test-nobody@contoso.com"]
        #expect(policy.applies(to: "test-nobody@contoso.com", groups: [], appID: app.appID))
        for state in ["disabled", "enabledForReportingButNotEnforced"] {
            policy.state = state
            #expect(!policy.applies(to: "test-awsdeveloper@contoso.com", groups: groups, appID: app.appID))
        }
        let state = try EntraFixtures.state(clock: TestClock(EntraFixtures.start))
        for bad in [Tenant.ConditionalAccessPolicy(name: "x", groups: [], applications: [], grant: .block, excludeGroups: ["nope"]),
                    Tenant.ConditionalAccessPolicy(name: "x", groups: [], applications: [], grant: .block, includeUsers: ["nobody@contoso.com"]),
                    Tenant.ConditionalAccessPolicy(name: "x", groups: [], applications: [], grant: .block, state: "on")] {
            await #expect(throws: AdminError.self) { try await state.setConditionalAccess([bad]) }
        }
    }

    @Test("auditLogs/signIns: newest first, Graph's shape, $filter on UPN, app and time, $top; AuditLog.Read.All")
    func signIns() async throws {
        try await H.run { h in
            let token = try await h.token()
            #expect(try await issue(h, "test-awsadmin@contoso.com", mfa: true).status == 200)
            h.clock.advance(60)
            #expect(try await issue(h, "test-nobody@contoso.com", mfa: true).status == 403)
            h.clock.advance(60)
            #expect(try await issue(h, "test-awsdeveloper@contoso.com", mfa: false).status == 401)
            let all = H.values(try await h.graph("GET", "auditLogs/signIns", token: token).body)
            #expect(all.map { $0["userPrincipalName"] as? String } == ["test-awsdeveloper@contoso.com", "test-nobody@contoso.com", "test-awsadmin@contoso.com"])
            let failed = all[1]
            #expect((failed["status"] as? [String: Any])?["errorCode"] as? Int == 50105)
            #expect(failed["appId"] as? String == EntraFixtures.appID && failed["appDisplayName"] as? String == "AWS Single-Account Access")
            let mfa = all[0]
            #expect((mfa["status"] as? [String: Any])?["errorCode"] as? Int == 50076)
            #expect(mfa["authenticationRequirement"] as? String == "multiFactorAuthentication")
            #expect((mfa["appliedConditionalAccessPolicies"] as? [[String: Any]])?.first?["displayName"] as? String == "AWS Console – MFA")
            #expect(all[2]["conditionalAccessStatus"] as? String == "success" && all[2]["createdDateTime"] is String)

            func filtered(_ filter: String, top: Int? = nil) async throws -> [[String: Any]] {
                var path = "auditLogs/signIns?$filter=\(FormEncoding.encode(filter))"
                if let top { path += "&$top=\(top)" }
                let result = try await h.graph("GET", path, token: token)
                #expect(result.status == 200, "\(filter): \(result.body)")
                return H.values(result.body)
            }
            #expect(try await filtered("userPrincipalName eq 'test-nobody@contoso.com'").count == 1)
            #expect(try await filtered("appId eq '\(EntraFixtures.appID)'").count == 3)
            let since = SAMLInstant.format(EntraFixtures.start.addingTimeInterval(30))
            #expect(try await filtered("createdDateTime ge \(since)").count == 2)
            #expect(try await filtered("createdDateTime ge \(since) and status/errorCode eq 50105").count == 1)
            #expect(try await filtered("appId eq '\(EntraFixtures.appID)'", top: 1).count == 1)
            // Another permission does not read the log.
            var tenant = EntraFixtures.tenant()
            let noAudit = GraphClient(appID: "55555555-aaaa-4bbb-8ccc-000000000009", displayName: "no audit", secret: "x~NoAudit-Secret-0009",
                                      roles: [GraphPermission.userReadAll, GraphPermission.directoryReadAll])
            tenant.graphClients = [noAudit]
            try await H.run(tenant: tenant) { other in
                let denied = try await other.graph("GET", "auditLogs/signIns", token: try await other.token(noAudit))
                #expect(denied.status == 403)
            }
        }
    }

    @Test("PIM for Groups: an administrator makes a member eligible, activates for a duration; the role comes and goes")
    func pim() async throws {
        try await H.run { h in
            let token = try await h.token()
            let base = "identityGovernance/privilegedAccess/group"
            let nobody = "11111111-aaaa-4bbb-8ccc-000000000003"
            #expect(try await issue(h, "test-nobody@contoso.com", mfa: true).status == 403)
            let eligible: [String: Any] = ["accessId": "member", "principalId": nobody, "groupId": Self.admins, "action": "adminAssign",
                                           "scheduleInfo": ["startDateTime": "2026-01-01T00:00:00Z", "expiration": ["type": "noExpiration"]],
                                           "justification": "on-call rotation"]
            let made = try await h.graph("POST", "\(base)/eligibilityScheduleRequests", token: token, json: eligible)
            #expect(made.status == 201 && H.object(made.body)["status"] as? String == "Provisioned", "\(made.body)")
            #expect(H.values(try await h.graph("GET", "\(base)/eligibilitySchedules", token: token).body).contains { $0["principalId"] as? String == nobody })
            // Eligible is not active: still not assigned.
            #expect(try await issue(h, "test-nobody@contoso.com", mfa: true).status == 403)
            var activate = eligible
            activate["scheduleInfo"] = ["startDateTime": "2026-01-01T00:00:00Z", "expiration": ["type": "afterDuration", "duration": "PT1H"]]
            let selfActivate = activate.merging(["action": "selfActivate"]) { $1 }
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: selfActivate).status == 403)
            let active = try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: activate)
            #expect(active.status == 201, "\(active.body)")
            let issued = try await issue(h, "test-nobody@contoso.com", mfa: true)
            #expect(issued.status == 200 && H.object(issued.body)["roles"] as? [String] == [EntraFixtures.adminPair], "\(issued.body)")
            #expect(H.values(try await h.graph("GET", "\(base)/assignmentScheduleInstances", token: token).body).count == 1)
            h.clock.advance(3601)
            #expect(try await issue(h, "test-nobody@contoso.com", mfa: true).status == 403, "the activation expired")
            for bad in ["PT0H", "P1H", "PTxH", "PT1S", "", "1:00:00", "PT", "P1DT", "PT1H1H1H1H1H1H1H1H1H1H"] {
                var wrong = activate
                wrong["scheduleInfo"] = ["expiration": ["type": "afterDuration", "duration": bad]]
                #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: wrong).status == 400, "\(bad)")
            }
            let remove = eligible.merging(["action": "adminRemove"]) { $1 }
            #expect(try await h.graph("POST", "\(base)/eligibilityScheduleRequests", token: token, json: remove).status == 201)
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: activate).status == 400)
        }
    }

    @Test("the member's own PIM activation: a delegated token (password grant), selfActivate for themself only, up to the maximum; selfDeactivate")
    func selfActivation() async throws {
        try await H.run { h in
            let base = "identityGovernance/privilegedAccess/group"
            let pim = "11111111-aaaa-4bbb-8ccc-000000000005"   // test-pim@contoso.com, eligible for the administrators
            func userToken(_ upn: String, _ password: String) async throws -> ServerProcess.HTTPResult {
                try await h.tokenResult([("client_id", H.admin.appID), ("client_secret", H.admin.secret), ("scope", "https://graph.microsoft.com/.default"),
                                         ("grant_type", "password"), ("username", upn), ("password", password)])
            }
            let wrong = try await userToken("test-pim@contoso.com", "nope")
            #expect(wrong.status == 400 && H.object(wrong.body)["error"] as? String == "invalid_grant" && H.object(wrong.body)["error_codes"] as? [Int] == [50126])
            #expect(H.object(try await userToken("ghost@contoso.com", "x").body)["error_codes"] as? [Int] == [50034])
            let granted = try await userToken("test-pim@contoso.com", "P1m-Passw0rd!")
            let token = try #require(H.object(granted.body)["access_token"] as? String, "\(granted.body)")
            let claims = H.claims(token)
            #expect(claims["idtyp"] as? String == "user" && claims["upn"] as? String == "test-pim@contoso.com" && claims["oid"] as? String == pim)
            #expect(claims["scp"] as? String == "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup" && claims["roles"] == nil)
            // A user's token reaches only the member's own calls: not the directory, not an administrator's action.
            #expect(try await h.graph("GET", "users", token: token).status == 403)
            #expect(try await h.graph("PATCH", "users/test-awsadmin@contoso.com", token: token, json: ["passwordProfile": ["password": "Hijack-Passw0rd!"]]).status == 403)
            var request: [String: Any] = ["accessId": "member", "principalId": pim, "groupId": Self.admins, "action": "selfActivate",
                                          "justification": "incident 42",
                                          "scheduleInfo": ["startDateTime": "2026-01-01T00:00:00Z", "expiration": ["type": "afterDuration", "duration": "PT1H"]]]
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: request.merging(["action": "adminAssign"]) { $1 }).status == 403)
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token,
                                      json: request.merging(["principalId": "11111111-aaaa-4bbb-8ccc-000000000003"]) { $1 }).status == 403, "for another user")
            let tooLong = try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token,
                                            json: request.merging(["scheduleInfo": ["expiration": ["type": "afterDuration", "duration": "PT2H"]]]) { $1 })
            #expect(tooLong.status == 400 && H.errorCode(tooLong.body) == "RoleAssignmentRequestPolicyValidationFailed")
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: request.merging(["justification": " "]) { $1 }).status == 400)
            #expect(try await issue(h, "test-pim@contoso.com", mfa: true).status == 403)
            let activated = try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: request)
            #expect(activated.status == 201, "\(activated.body)")
            #expect(H.object(try await issue(h, "test-pim@contoso.com", mfa: true).body)["roles"] as? [String] == [EntraFixtures.adminPair])
            request["action"] = "selfDeactivate"
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: request).status == 201)
            #expect(try await issue(h, "test-pim@contoso.com", mfa: true).status == 403)
            // A user deleted since their token was issued has no rights left.
            #expect(try await h.graph("DELETE", "users/test-pim@contoso.com", token: try await h.token()).status == 204)
            request["action"] = "selfActivate"
            #expect(try await h.graph("POST", "\(base)/assignmentScheduleRequests", token: token, json: request).status == 401)
        }
    }

    @Test("ISO 8601 durations of PIM requests: whole minutes only")
    func durations() {
        #expect(GraphAPI.minutes("PT1H") == 60 && GraphAPI.minutes("PT1H30M") == 90 && GraphAPI.minutes("P1DT2H") == 1560)
        #expect(GraphAPI.minutes("PT3600S") == 60 && GraphAPI.minutes("P1D") == 1440)
        for bad in ["PT0H", "PT30S", "1:00:00", "PT", "P", "PT1D", "P1H", "PT-1H", "PT99999999999H", "PTH"] {
            #expect(GraphAPI.minutes(bad) == nil, "\(bad)")
        }
    }

    @Test("addTokenSigningCertificate publishes a certificate; preferredTokenSigningKeyThumbprint makes it sign")
    func signingRollover() async throws {
        try await H.run { h in
            let token = try await h.token()
            let added = try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/addTokenSigningCertificate", token: token,
                                          json: ["displayName": "CN=AWS Single-Account Access 2027"])
            #expect(added.status == 200, "\(added.body)")
            let certificate = H.object(added.body)
            let thumbprint = try #require(certificate["thumbprint"] as? String)
            #expect(certificate["type"] as? String == "AsymmetricX509Cert" && certificate["usage"] as? String == "Verify")
            let ring = await h.state.keys
            #expect(ring.credentials.count == 2 && ring.activeThumbprint == EntraFixtures.idp.thumbprint)
            // The application's metadata (?appid=) publishes its certificates.
            let metadata = try await h.server.get("/\(H.tenantID)/federationmetadata/2007-06/federationmetadata.xml?appid=\(EntraFixtures.appID)")
            #expect(metadata.body.contains(certificate["key"] as? String ?? "-"), "published in the app's metadata before it signs")
            #expect(try await h.graph("PATCH", "servicePrincipals/\(Self.awsSP)", token: token, json: ["preferredTokenSigningKeyThumbprint": "00"]).status == 400)
            #expect(try await h.graph("PATCH", "servicePrincipals/\(Self.awsSP)", token: token, json: ["preferredTokenSigningKeyThumbprint": thumbprint]).status == 204)
            #expect(await h.state.keys.activeThumbprint == thumbprint)
            let sp = H.object(try await h.graph("GET", "servicePrincipals(appId='\(EntraFixtures.appID)')", token: token).body)
            #expect(sp["preferredTokenSigningKeyThumbprint"] as? String == thumbprint)
        }
    }
}
