import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// Users, groups, members, applications, service principals and app role assignments through Graph, on the state
/// mock-entra signs users in with: what Graph writes changes the SAML Role claim.
@Suite("mock-entra: Graph directory (users, groups, apps, app role assignments)")
struct GraphDirectoryTests {
    typealias H = GraphHarness
    static let admins = "22222222-aaaa-4bbb-8ccc-000000000001"
    static let developers = "22222222-aaaa-4bbb-8ccc-000000000002"
    static let awsSP = GraphIDs.derived("servicePrincipal", EntraFixtures.appID)

    @Test("users: list, get by id and by UPN (also %-encoded), $select, 404 in Graph's shape")
    func readUsers() async throws {
        try await H.run { h in
            let token = try await h.token()
            let list = try await h.graph("GET", "users", token: token)
            #expect(list.status == 200 && list.headers["content-type"]?.hasPrefix("application/json") == true)
            let body = H.object(list.body)
            #expect(body["@odata.context"] as? String == "http://localhost/v1.0/$metadata#users")
            let users = H.values(list.body)
            #expect(users.count == 5 && users.first?["userPrincipalName"] as? String == "test-awsadmin@contoso.com")
            #expect(users.first?.keys.sorted() == ["businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
                                                   "officeLocation", "preferredLanguage", "surname", "userPrincipalName"])
            #expect(!list.body.contains("Passw0rd") && !list.body.contains("JBSWY3DP"), "no password or TOTP secret")
            for key in ["11111111-aaaa-4bbb-8ccc-000000000001", "test-awsadmin@contoso.com", "TEST-AWSADMIN@contoso.com", "test-awsadmin%40contoso.com"] {
                let one = try await h.graph("GET", "users/\(key)", token: token)
                #expect(one.status == 200 && H.object(one.body)["displayName"] as? String == "Test-AWSAdmin", "\(key): \(one.body)")
                #expect(H.object(one.body)["@odata.context"] as? String == "http://localhost/v1.0/$metadata#users/$entity")
            }
            let selected = try await h.graph("GET", "users/test-awsadmin@contoso.com?$select=displayName,accountEnabled", token: token)
            #expect(H.object(selected.body).keys.sorted() == ["@odata.context", "accountEnabled", "displayName", "id"])
            let missing = try await h.graph("GET", "users/nobody@contoso.com", token: token)
            #expect(missing.status == 404 && H.errorCode(missing.body) == "Request_ResourceNotFound")
            let unknown = try await h.graph("GET", "users?$select=password", token: token)
            #expect(unknown.status == 400 && (H.object(unknown.body)["error"] as? [String: Any])?["message"] as? String
                    == "Could not find a property named 'password' on type 'microsoft.graph.user'.")
            let segment = try await h.graph("GET", "devices", token: token)
            #expect(segment.status == 400 && (H.object(segment.body)["error"] as? [String: Any])?["message"] as? String
                    == "Resource not found for the segment 'devices'.")
        }
    }

    @Test("users: create with passwordProfile, then sign in with that password; PATCH; DELETE; the refusals")
    func writeUsers() async throws {
        try await H.run { h in
            let token = try await h.token()
            let new: [String: Any] = ["accountEnabled": true, "displayName": "Test-New", "mailNickname": "test-new",
                                      "userPrincipalName": "test-new@contoso.com", "givenName": "Test", "surname": "New",
                                      "passwordProfile": ["forceChangePasswordNextSignIn": false, "password": "N3w-Passw0rd!"]]
            let created = try await h.graph("POST", "users", token: token, json: new)
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(H.object(created.body)["id"] as? String)
            #expect(!created.body.contains("N3w-Passw0rd!"))
            #expect(await h.state.tenant.user("test-new@contoso.com")?.password == "N3w-Passw0rd!")
            let again = try await h.graph("POST", "users", token: token, json: new)
            #expect(again.status == 400 && again.body.contains("Another object with the same value for property userPrincipalName already exists."))
            var weak = new
            (weak["userPrincipalName"], weak["passwordProfile"]) = ("weak@contoso.com", ["password": "password"])
            let refused = try await h.graph("POST", "users", token: token, json: weak)
            #expect(refused.status == 400 && refused.body.contains("password complexity"))
            var foreign = new
            foreign["userPrincipalName"] = "someone@fabrikam.com"
            #expect(try await h.graph("POST", "users", token: token, json: foreign).body.contains("verified domain names"))
            var missing = new
            missing.removeValue(forKey: "mailNickname")
            missing["userPrincipalName"] = "other@contoso.com"
            let noNickname = try await h.graph("POST", "users", token: token, json: missing)
            #expect(noNickname.status == 400 && noNickname.body.contains("'mailNickname'"))
            var extra = new
            (extra["userPrincipalName"], extra["isAdmin"]) = ("extra@contoso.com", true)
            #expect(try await h.graph("POST", "users", token: token, json: extra).status == 400)
            #expect(try await h.server.request("POST", "/v1.0/users", body: Data("displayName=x".utf8),
                                               headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/x-www-form-urlencoded"]).status == 415)
            #expect(try await h.graph("POST", "users", token: token, json: ["a": 1], headers: ["Content-Type": "text/plain"]).status == 415)

            let patched = try await h.graph("PATCH", "users/\(id)", token: token, json: ["displayName": "Test-Renamed", "userPrincipalName": "test-renamed@contoso.com"])
            #expect(patched.status == 204, "\(patched.body)")
            #expect(await h.state.tenant.user("test-renamed@contoso.com")?.displayName == "Test-Renamed")
            let deleted = try await h.graph("DELETE", "users/\(id)", token: token)
            #expect(deleted.status == 204)
            #expect(try await h.graph("GET", "users/\(id)", token: token).status == 404)
            #expect(try await h.graph("DELETE", "users/\(id)", token: token).status == 404)
        }
    }

    @Test("groups: create, list, get, members, members/$ref add and remove, rename carries assignments; directoryObjects")
    func groups() async throws {
        try await H.run { h in
            let token = try await h.token()
            let created = try await h.graph("POST", "groups", token: token, json: ["displayName": "AWS-Account1-ReadOnly", "mailEnabled": false,
                                                                                  "mailNickname": "aws-readonly", "securityEnabled": true])
            #expect(created.status == 201, "\(created.body)")
            let group = try #require(H.object(created.body)["id"] as? String)
            #expect(H.values(try await h.graph("GET", "groups", token: token).body).count == 3)
            #expect(try await h.graph("POST", "groups", token: token, json: ["displayName": "M365", "mailEnabled": true, "mailNickname": "m",
                                                                           "securityEnabled": false, "groupTypes": ["Unified"]]).status == 400)
            let ref = ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/11111111-aaaa-4bbb-8ccc-000000000003"]
            #expect(try await h.graph("POST", "groups/\(group)/members/$ref", token: token, json: ref).status == 204)
            let twice = try await h.graph("POST", "groups/\(group)/members/$ref", token: token, json: ref)
            #expect(twice.status == 400 && twice.body.contains("already exist"))
            let members = try await h.graph("GET", "groups/\(group)/members", token: token)
            #expect(H.values(members.body).map { $0["userPrincipalName"] as? String } == ["test-nobody@contoso.com"])
            #expect(H.values(members.body).first?["@odata.type"] as? String == "#microsoft.graph.user")
            #expect(try await h.graph("POST", "groups/\(group)/members/$ref", token: token,
                                      json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/nope"]).status == 404)
            #expect(try await h.graph("POST", "groups/\(group)/members/$ref", token: token, json: ["id": "x"]).status == 400)
            let object = try await h.graph("GET", "directoryObjects/\(group)", token: token)
            #expect(H.object(object.body)["@odata.type"] as? String == "#microsoft.graph.group")
            let user = try await h.graph("GET", "directoryObjects/11111111-aaaa-4bbb-8ccc-000000000003", token: token)
            #expect(H.object(user.body)["@odata.type"] as? String == "#microsoft.graph.user")
            #expect(try await h.graph("DELETE", "groups/\(group)/members/11111111-aaaa-4bbb-8ccc-000000000003/$ref", token: token).status == 204)
            #expect(try await h.graph("DELETE", "groups/\(group)/members/11111111-aaaa-4bbb-8ccc-000000000003/$ref", token: token).status == 404)
            #expect(H.values(try await h.graph("GET", "groups/\(group)/members", token: token).body).isEmpty)
            // A rename keeps the group's app role assignments and Conditional Access.
            #expect(try await h.graph("PATCH", "groups/\(Self.admins)", token: token, json: ["displayName": "AWS-Admins"]).status == 204)
            let tenant = await h.state.tenant
            #expect(tenant.application(EntraFixtures.appID)?.assignments["AWS-Admins"] == ["44444444-aaaa-4bbb-8ccc-000000000001"])
            #expect(tenant.conditionalAccess.first?.groups.contains("AWS-Admins") == true)
            #expect(try await h.graph("DELETE", "groups/\(group)", token: token).status == 204)
            #expect(try await h.graph("GET", "groups/\(group)", token: token).status == 404)
        }
    }

    @Test("applications and servicePrincipals: $filter=appId eq, appRoles, the SAML signing thumbprint")
    func applications() async throws {
        try await H.run { h in
            let token = try await h.token()
            let sps = try await h.graph("GET", "servicePrincipals?$filter=appId%20eq%20'\(EntraFixtures.appID)'", token: token)
            let sp = try #require(H.values(sps.body).first)
            #expect(H.values(sps.body).count == 1 && sp["id"] as? String == Self.awsSP && sp["id"] as? String != EntraFixtures.appID)
            #expect(sp["preferredTokenSigningKeyThumbprint"] as? String == EntraFixtures.idp.thumbprint)
            let roles = sp["appRoles"] as? [[String: Any]] ?? []
            #expect(roles.map { $0["value"] as? String } == [EntraFixtures.adminPair, EntraFixtures.developerPair, nil])
            let apps = try await h.graph("GET", "applications?$filter=appId eq '\(EntraFixtures.appID)'".replacingOccurrences(of: " ", with: "%20"), token: token)
            let app = try #require(H.values(apps.body).first)
            #expect(app["displayName"] as? String == "AWS Single-Account Access" && app["id"] as? String != Self.awsSP)
            #expect(try await h.graph("GET", "applications/\(app["id"] as? String ?? "")", token: token).status == 200)
            #expect(try await h.graph("GET", "servicePrincipals/\(Self.awsSP)", token: token).status == 200)
            let byName = try await h.graph("GET", "servicePrincipals?$filter=startswith(displayName,'AWS')&$select=appId", token: token)
            #expect(H.values(byName.body).map { $0.keys.sorted() } == [["appId", "id"]])
        }
    }

    @Test("appRoleAssignedTo a user: the role is issued to that user alone, follows a UPN change, and goes when deleted")
    func userAssignment() async throws {
        try await H.run { h in
            let token = try await h.token()
            let nobody = "11111111-aaaa-4bbb-8ccc-000000000003"
            func issue(_ upn: String) async throws -> ServerProcess.HTTPResult {
                try await h.server.request("POST", "/test/issue", body: Data("{\"user\":\"\(upn)\",\"mfa\":true}".utf8),
                                           headers: ["Content-Type": "application/json"])
            }
            #expect(try await issue("test-nobody@contoso.com").status == 403)
            let assign = ["principalId": nobody, "resourceId": Self.awsSP, "appRoleId": "44444444-aaaa-4bbb-8ccc-000000000002"]
            let created = try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: assign)
            #expect(created.status == 201 && H.object(created.body)["principalType"] as? String == "User", "\(created.body)")
            #expect(H.object(created.body)["principalName"] == nil, "the tenant's key stays inside")
            #expect(H.object(try await issue("test-nobody@contoso.com").body)["roles"] as? [String] == [EntraFixtures.developerPair])
            #expect(try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: assign).status == 400)
            #expect(try await h.graph("PATCH", "users/\(nobody)", token: token, json: ["userPrincipalName": "test-renamed@contoso.com"]).status == 204)
            #expect(H.object(try await issue("test-renamed@contoso.com").body)["roles"] as? [String] == [EntraFixtures.developerPair])
            let id = try #require(H.object(created.body)["id"] as? String)
            #expect(try await h.graph("DELETE", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo/\(id)", token: token).status == 204)
            #expect(try await issue("test-renamed@contoso.com").status == 403)
            #expect(try await h.graph("DELETE", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo/\(id)", token: token).status == 404)
        }
    }

    @Test("appRoleAssignedTo: assign a role to a group through Graph, sign a member in, see the Role claim; delete it, the role goes")
    func assignmentChangesSAML() async throws {
        try await H.run { h in
            let token = try await h.token()
            func issuedRoles(_ upn: String) async throws -> (Int, [String], String) {
                let result = try await h.server.request("POST", "/test/issue", body: Data("{\"user\":\"\(upn)\",\"mfa\":true}".utf8),
                                                        headers: ["Content-Type": "application/json"])
                let body = H.object(result.body)
                let xml = (body["samlResponse"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
                return (result.status, body["roles"] as? [String] ?? [], xml)
            }
            let before = try await issuedRoles("test-awsdeveloper@contoso.com")
            #expect(before.1 == [EntraFixtures.developerPair])
            let assign = ["principalId": Self.developers, "resourceId": Self.awsSP, "appRoleId": "44444444-aaaa-4bbb-8ccc-000000000001"]
            let created = try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: assign)
            #expect(created.status == 201, "\(created.body)")
            let assignment = H.object(created.body)
            #expect(assignment["principalType"] as? String == "Group" && assignment["principalDisplayName"] as? String == "AWS-Account1-Developers")
            #expect(assignment["resourceId"] as? String == Self.awsSP && (assignment["id"] as? String)?.count == 43)
            let after = try await issuedRoles("test-awsdeveloper@contoso.com")
            #expect(after.0 == 200 && Set(after.1) == [EntraFixtures.adminPair, EntraFixtures.developerPair])
            #expect(after.2.contains("role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"), "the Role attribute of the signed response")
            let list = H.values(try await h.graph("GET", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token).body)
            #expect(list.count == 3)
            #expect(try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: assign).status == 400)
            var wrongRole = assign
            wrongRole["appRoleId"] = "00000000-0000-0000-0000-000000000000"
            #expect(try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: wrongRole).status == 400)
            var wrongResource = assign
            wrongResource["resourceId"] = GraphClient.administration.servicePrincipalID
            #expect(try await h.graph("POST", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo", token: token, json: wrongResource).status == 400)

            let id = try #require(assignment["id"] as? String)
            #expect(try await h.graph("DELETE", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo/\(id)", token: token).status == 204)
            #expect(try await issuedRoles("test-awsdeveloper@contoso.com").1 == [EntraFixtures.developerPair])
            // Removing the developers' own role leaves them unassigned: AADSTS50105 at sign-in.
            let own = try #require(list.first { $0["principalId"] as? String == Self.developers && $0["appRoleId"] as? String == "44444444-aaaa-4bbb-8ccc-000000000002" })
            #expect(try await h.graph("DELETE", "servicePrincipals/\(Self.awsSP)/appRoleAssignedTo/\(own["id"] as? String ?? "")", token: token).status == 204)
            let unassigned = try await h.server.request("POST", "/test/issue", body: Data("{\"user\":\"test-awsdeveloper@contoso.com\"}".utf8),
                                                        headers: ["Content-Type": "application/json"])
            #expect(unassigned.status == 403 && unassigned.body.contains("AADSTS50105"))
        }
    }
}
