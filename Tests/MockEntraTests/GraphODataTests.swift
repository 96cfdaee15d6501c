import Foundation
@testable import MockEntra
import SAML
import ServerTesting
import Testing

/// OData as Graph does it: $filter, $select, $top with @odata.nextLink, $count with ConsistencyLevel, and a parser
/// that refuses hostile input with 400.
@Suite("mock-entra: Graph OData query options")
struct GraphODataTests {
    typealias H = GraphHarness

    @Test("$filter: eq (case-insensitive), startswith, and/or, parentheses; unknown property 400")
    func filters() async throws {
        try await H.run { h in
            let token = try await h.token()
            func upns(_ filter: String) async throws -> [String] {
                let result = try await h.graph("GET", "users?$filter=\(FormEncoding.encode(filter))", token: token)
                #expect(result.status == 200, "\(filter): \(result.body)")
                return H.values(result.body).compactMap { $0["userPrincipalName"] as? String }
            }
            #expect(try await upns("userPrincipalName eq 'TEST-AWSADMIN@contoso.com'") == ["test-awsadmin@contoso.com"])
            #expect(try await upns("startswith(displayName,'test-aws')").count == 2)
            #expect(try await upns("displayName eq 'Test-PIM' or displayName eq 'Test-NoMFA'") == ["test-nomfa@contoso.com", "test-pim@contoso.com"])
            #expect(try await upns("startswith(userPrincipalName,'test') and (surname eq 'PIM' or surname eq 'Nobody')").count == 2)
            #expect(try await upns("displayName eq 'it''s'").isEmpty)
            for bad in ["password eq 'x'", "displayName eq", "displayName xx 'a'", "(displayName eq 'a'", "displayName eq 'a' and",
                        "startswith(displayName)", "displayName eq 'unterminated", String(repeating: "(", count: 40) + "displayName eq 'a'" + String(repeating: ")", count: 40),
                        Array(repeating: "displayName eq 'a'", count: 100).joined(separator: " or "), String(repeating: "x", count: 3000)] {
                let result = try await h.graph("GET", "users?$filter=\(FormEncoding.encode(bad))", token: token)
                #expect(result.status == 400 && H.errorCode(result.body) != nil, "\(bad.prefix(60)): \(result.status)")
            }
            // ne needs Graph's advanced query headers.
            let ne = "users?$filter=\(FormEncoding.encode("displayName ne 'Test-PIM'"))"
            #expect(try await h.graph("GET", ne, token: token).status == 400)
            let advanced = try await h.graph("GET", ne + "&$count=true", token: token, headers: ["ConsistencyLevel": "eventual"])
            #expect(advanced.status == 200 && H.values(advanced.body).count == 4 && H.object(advanced.body)["@odata.count"] as? Int == 4)
        }
    }

    @Test("paging: $top, @odata.nextLink followed to the end, $select carried; $top bounds; $count needs ConsistencyLevel")
    func paging() async throws {
        try await H.run { h in
            let token = try await h.token()
            // As the SDKs (Kiota) send it: `$` percent-encoded.
            var next: String? = "/v1.0/users?%24top=2&%24select=userPrincipalName"
            var seen: [String] = []
            var pages = 0
            while let link = next, pages < 10 {
                let result = try await h.graph("GET", link, token: token)
                #expect(result.status == 200, "\(link): \(result.body)")
                let body = H.object(result.body)
                #expect(body["@odata.context"] as? String == "http://localhost/v1.0/$metadata#users(userPrincipalName)")
                seen += H.values(result.body).map { $0["userPrincipalName"] as? String ?? "" }
                #expect(H.values(result.body).allSatisfy { $0.keys.sorted() == ["id", "userPrincipalName"] })
                next = body["@odata.nextLink"] as? String
                pages += 1
            }
            #expect(pages == 3 && seen.count == 5 && Set(seen).count == 5)
            for top in ["0", "1000", "-1", "x", "99999999999999999999"] {
                #expect(try await h.graph("GET", "users?$top=\(top)", token: token).status == 400, "$top=\(top)")
            }
            #expect(try await h.graph("GET", "users?$skiptoken=forged", token: token).status == 400)
            #expect(try await h.graph("GET", "users?$top=1&$top=2", token: token).status == 400)
            #expect(try await h.graph("GET", "users?$expand=memberOf", token: token).status == 400)
            let noHeader = try await h.graph("GET", "users?$count=true", token: token)
            #expect(noHeader.status == 400 && H.errorCode(noHeader.body) == "Request_BadRequest")
            // /users/$count: text/plain, with ConsistencyLevel only; $filter applies.
            #expect(try await h.graph("GET", "users/$count", token: token).status == 400)
            let plain = try await h.graph("GET", "users/%24count", token: token, headers: ["ConsistencyLevel": "eventual"])
            #expect(plain.status == 200 && plain.body == "5" && plain.headers["content-type"] == "text/plain")
            let some = try await h.graph("GET", "groups/$count?$filter=\(FormEncoding.encode("startswith(displayName,'AWS-Account1-Dev')"))", token: token,
                                         headers: ["ConsistencyLevel": "eventual"])
            #expect(some.body == "1", "\(some.body)")
            let counted = try await h.graph("GET", "users?$count=true&$top=1", token: token, headers: ["ConsistencyLevel": "eventual"])
            #expect(H.object(counted.body)["@odata.count"] as? Int == 5 && H.values(counted.body).count == 1)
        }
    }

    @Test("hostile bodies and queries: deep JSON, big bodies, random filters: 4xx, never a crash")
    func hostile() async throws {
        try await H.run { h in
            let token = try await h.token()
            for body in [String(repeating: "[", count: 200_000), String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000),
                         "{\"displayName\": \"" + String(repeating: "x", count: 300_000) + "\"}", "", "null", "[]", "\"x\""] {
                let result = try await h.server.request("POST", "/v1.0/groups", body: Data(body.utf8),
                                                        headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
                #expect((400..<500).contains(result.status) && H.errorCode(result.body) != nil, "\(body.prefix(20)): \(result.status)")
            }
            #expect(try await h.graph("GET", "users?" + String(repeating: "a=b&", count: 3000), token: token).status == 400)
            #expect(try await h.graph("GET", "users/" + String(repeating: "x/", count: 1500), token: token).status == 400)
        }
        // Random texts over the filter's alphabet: a filter or a GraphError, nothing else (a fixed seed, reproducible).
        var seed: UInt64 = 0x5EED
        let atoms = ["(", ")", "'", "''", ",", " ", "eq", "ne", "ge", "and", "or", "not", "startswith", "displayName", "status/errorCode",
                     "true", "null", "1", "2026-01-01T00:00:00Z", "é", "\u{0}", "/", "-"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(seed % 40) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += atoms[Int((seed >> 33) % UInt64(atoms.count))]
            }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            do {
                let filter = try ODataFilter.parse(text)
                _ = filter.matches(["displayName": .string("x"), "status": .object(["errorCode": .int(1)])])
            } catch {
                #expect(error.status == 400)
            }
        }
    }

    @Test("the filter parser: precedence (and before or), not, literals, bounded depth without recursion blow-up")
    func parser() throws {
        let filter = try ODataFilter.parse("a eq 'x' or b eq 'y' and c eq 'z'")
        #expect(filter == .or(.compare("a", .eq, .string("x")), .and(.compare("b", .eq, .string("y")), .compare("c", .eq, .string("z")))))
        #expect(try ODataFilter.parse("not (accountEnabled eq true)") == .not(.compare("accountEnabled", .eq, .bool(true))))
        #expect(try ODataFilter.parse("status/errorCode eq 0") == .compare("status/errorCode", .eq, .number(0)))
        let date = try ODataFilter.parse("createdDateTime ge 2026-06-01T00:00:00Z")
        guard case .compare(_, .ge, .date) = date else { Issue.record("\(date)"); return }
        #expect(throws: GraphError.self) { try ODataFilter.parse(String(repeating: "not ", count: 100) + "a eq 'b'") }
        #expect(throws: GraphError.self) { try ODataFilter.parse(String(repeating: "(", count: 2000)) }
        let object: [String: JSONValue] = ["displayName": .string("Ünïcode Name"), "status": .object(["errorCode": .int(50105)])]
        #expect(try ODataFilter.parse("startswith(displayName,'ünï')").matches(object))
        #expect(try ODataFilter.parse("status/errorCode eq 50105").matches(object))
        #expect(try !ODataFilter.parse("status/errorCode eq 0").matches(object))
    }
}
