import Foundation
import TOTP
import MockEntra
import Testing

@Suite("Tenant directory")
struct TenantTests {
    let tenant = Tenant.contoso()
    let now = Date(timeIntervalSince1970: 1_746_100_800)
    var app: Tenant.Application { tenant.applications[0] }

    @Test("the guide's set-up: each user gets the role of their group, and MFA is required for both")
    func guide() {
        #expect(tenant.roleValues(for: "test-awsadmin@contoso.com", application: app, at: now)
                == ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"])
        #expect(tenant.roleValues(for: "Test-AWSDeveloper@contoso.com", application: app, at: now)
                == ["arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"])
        #expect(tenant.roleValues(for: "nobody@contoso.com", application: app, at: now).isEmpty)
        #expect(tenant.conditionalAccess(for: "test-awsadmin@contoso.com", application: app, at: now) == .requireMFA(policy: "AWS Console – MFA"))
        #expect(tenant.conditionalAccess(for: "nobody@contoso.com", application: app, at: now) == .allow)
        #expect(tenant.issuer == "https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/")
        #expect(TOTP(base32: tenant.users[0].totpSecret ?? "") != nil)
        #expect(tenant.user("TEST-AWSADMIN@contoso.com")?.displayName == "Test-AWSAdmin" && tenant.user("nobody@contoso.com") == nil)
        #expect(tenant.application("33333333-aaaa-4bbb-8ccc-000000000001")?.displayName == "AWS Single-Account Access")
        #expect(tenant.application("unknown") == nil)
    }

    @Test("PIM: an eligible membership yields its role only while activated")
    func pim() {
        var tenant = self.tenant
        tenant.groups[0].eligibleMembers = ["test-awsdeveloper@contoso.com"]
        let developer = "test-awsdeveloper@contoso.com"
        #expect(tenant.roleValues(for: developer, application: app, at: now).count == 1)
        let activation = Tenant.Activation(user: developer, group: "AWS-Account1-Administrators", justification: "incident 42",
                                           expires: now.addingTimeInterval(3600))
        let roles = tenant.roleValues(for: developer, application: app, activations: [activation], at: now)
        #expect(roles.count == 2 && roles[0].contains("role/Administrator"), "app-role order, both roles while active")
        #expect(tenant.roleValues(for: developer, application: app, activations: [activation], at: now.addingTimeInterval(3600)).count == 1,
                "expired: the Administrator value is no longer issued")
    }

    @Test("block wins over MFA; the tenant round-trips through its JSON configuration form")
    func blockAndCodable() throws {
        var tenant = self.tenant
        tenant.conditionalAccess.append(.init(name: "Block developers", groups: ["AWS-Account1-Developers"],
                                              applications: [app.appID], grant: .block))
        #expect(tenant.conditionalAccess(for: "test-awsdeveloper@contoso.com", application: app, at: now) == .block(policy: "Block developers"))
        #expect(tenant.conditionalAccess(for: "test-awsadmin@contoso.com", application: app, at: now) == .requireMFA(policy: "AWS Console – MFA"))
        let decoded = try JSONDecoder().decode(Tenant.self, from: JSONEncoder().encode(tenant))
        #expect(decoded == tenant)
    }
}
