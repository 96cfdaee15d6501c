import Foundation
import TOTP
import MockEntra
import SAML
import ServerTesting
import Synchronization

/// A clock the test moves forward.
final class TestClock: SAMLClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

enum EntraFixtures {
    static let repository = ServerProcess.repository
    static let keys = repository.appendingPathComponent("TestVectors/keys")
    static func key(_ name: String) -> String { (try? String(contentsOf: keys.appendingPathComponent(name), encoding: .utf8)) ?? "" }
    static let idp = try! SigningCredential(key: SigningKey(pem: key("idp.key")), certificate: Certificate(pem: key("idp.crt")))
    static let rollover = try! SigningCredential(key: SigningKey(pem: key("idp-rollover.key")),
                                                 certificate: Certificate(pem: key("idp-rollover.crt")))
    static let appID = "33333333-aaaa-4bbb-8ccc-000000000001"
    static let tenantID = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
    static let awsSignIn = "https://signin.aws.amazon.com/saml"
    static let adminPair = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"
    static let developerPair = "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// The guide's tenant plus three users for the failure paths: one assigned to nothing, one in the Developers
    /// group without an authenticator, one only eligible (PIM) for the Administrators group.
    static func tenant() -> Tenant {
        var tenant = Tenant.contoso()
        tenant.users += [
            Tenant.User(objectID: "11111111-aaaa-4bbb-8ccc-000000000003", userPrincipalName: "test-nobody@contoso.com",
                        displayName: "Test-Nobody", givenName: "Test", surname: "Nobody", password: "N0body-Passw0rd!",
                        totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            Tenant.User(objectID: "11111111-aaaa-4bbb-8ccc-000000000004", userPrincipalName: "test-nomfa@contoso.com",
                        displayName: "Test-NoMFA", givenName: "Test", surname: "NoMFA", password: "N0mfa-Passw0rd!"),
            Tenant.User(objectID: "11111111-aaaa-4bbb-8ccc-000000000005", userPrincipalName: "test-pim@contoso.com",
                        displayName: "Test-PIM", givenName: "Test", surname: "PIM", password: "P1m-Passw0rd!",
                        totpSecret: "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"),
        ]
        tenant.groups[1].members.append("test-nomfa@contoso.com")
        tenant.groups[0].eligibleMembers = ["test-pim@contoso.com"]
        return tenant
    }

    static func state(clock: TestClock, tenant: Tenant = tenant()) throws -> EntraState {
        try EntraState(tenant: tenant, keys: KeyRing(credentials: [idp]), clock: clock)
    }

    static func code(_ secret: String, at date: Date) -> String { TOTP(base32: secret)?.code(at: date) ?? "" }

    /// The verifier an AWS-like SP would use, trusting `certificates`.
    static func verifier(_ certificates: [Certificate] = [idp.certificate], clock: any SAMLClock, allowSHA1: Bool = false) -> Verifier {
        Verifier(trusting: certificates,
                 serviceProvider: ServiceProvider(audiences: [awsSignIn], acsURLs: [awsSignIn],
                                                  idpEntityID: "https://sts.windows.net/\(tenantID)/"),
                 algorithms: AlgorithmPolicy(allowSHA1: allowSHA1), clock: clock)
    }
}
