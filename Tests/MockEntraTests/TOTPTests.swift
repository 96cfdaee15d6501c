import Foundation
import TOTP
import MockEntra
import Testing

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 Appendix B, 8-digit codes.
    @Test("the RFC's test vectors", arguments: [
        (TOTP.Algorithm.sha1, "12345678901234567890", [59: "94287082", 1_111_111_109: "07081804", 1_111_111_111: "14050471",
                                                       1_234_567_890: "89005924", 2_000_000_000: "69279037", 20_000_000_000: "65353130"]),
        (.sha256, "12345678901234567890123456789012", [59: "46119246", 1_111_111_109: "68084774", 1_111_111_111: "67062674",
                                                       1_234_567_890: "91819424", 2_000_000_000: "90698825", 20_000_000_000: "77737706"]),
        (.sha512, "1234567890123456789012345678901234567890123456789012345678901234",
         [59: "90693936", 1_111_111_109: "25091201", 1_111_111_111: "99943326", 1_234_567_890: "93441116",
          2_000_000_000: "38618901", 20_000_000_000: "47863826"]),
    ])
    func rfcVectors(_ algorithm: TOTP.Algorithm, _ secret: String, _ codes: [Int: String]) {
        let totp = TOTP(secret: Array(secret.utf8), digits: 8, algorithm: algorithm)
        for (time, code) in codes {
            #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == code, "T=\(time)")
        }
    }

    @Test("six-digit codes, drift window, Base32 secrets and otpauth URLs")
    func apps() throws {
        let totp = try #require(TOTP(base32: "gezd gnbv gy3t qojq gezd gnbv gy3t qojq"))  // "12345678901234567890", spaced and lower case
        #expect(totp.secret == Array("12345678901234567890".utf8))
        #expect(totp.base32Secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        #expect(totp.code(at: now) == "050471")
        #expect(totp.verify("050471", at: now))
        #expect(totp.verify(totp.code(at: now.addingTimeInterval(-30)), at: now), "one step of drift is accepted")
        #expect(!totp.verify(totp.code(at: now.addingTimeInterval(-90)), at: now), "three steps are not")
        #expect(!totp.verify("000000", at: now) || totp.code(at: now) == "000000")
        #expect(!totp.verify("05047", at: now))
        #expect(TOTP(base32: "not base32!") == nil)
        #expect(totp.otpauthURL(issuer: "Contoso", account: "test-awsadmin@contoso.com")
                == "otpauth://totp/Contoso:test-awsadmin%40contoso.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Contoso&algorithm=SHA1&digits=6&period=30")
        let fresh = TOTP.random()
        #expect(fresh.secret.count == 20 && TOTP(base32: fresh.base32Secret) == fresh)
    }
}
