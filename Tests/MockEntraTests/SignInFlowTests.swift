import AWSFederation
import Foundation
@testable import MockEntra
import SAML
import Testing

/// The sign-in logic of ``EntraState`` driven directly, with a clock the tests move.
@Suite("mock-entra sign-in flow")
struct SignInFlowTests {
    typealias F = EntraFixtures

    func issued(_ step: SignInStep, state: EntraState, clock: TestClock) async throws -> IssuedResponse {
        guard case .issue(let issuance, let flow, _) = step else { throw Unexpected(step) }
        let response = try issuance.issue(keys: await state.keys, clock: clock, ids: RandomIDGenerator())
        await state.issued(issuance, response, flow: flow, ip: "10.0.0.1")
        return response
    }

    struct Unexpected: Error, CustomStringConvertible {
        var description: String
        init(_ step: SignInStep) { description = "unexpected step \(step)" }
    }

    @Test("password, then TOTP, then a response AWS accepts; the SSO session skips both next time; a code works once")
    func interactive() async throws {
        let clock = TestClock(F.start)
        let state = try F.state(clock: clock)
        let app = try #require(Tenant.contoso().application(F.appID))
        guard case .login(let flow, nil, nil) = await state.begin(.idpInitiated(app), session: nil, ip: "10.0.0.1") else {
            Issue.record("expected the sign-in page"); return
        }
        guard case .password(_, _, let wrong?) = await state.password(flow: flow, username: "test-awsadmin@contoso.com", password: "nope", ip: "10.0.0.1"),
              case .login(_, _, let unknown?) = await state.password(flow: flow, username: "ghost@contoso.com", password: "x", ip: "10.0.0.1") else {
            Issue.record("expected the sign-in page again"); return
        }
        #expect(wrong.code == "AADSTS50126" && unknown.code == "AADSTS50034")
        guard case .mfa(let mfaFlow, let user, nil) = await state.password(flow: flow, username: "Test-AWSAdmin@contoso.com",
                                                                          password: "Adm1n-Passw0rd!", ip: "10.0.0.1") else {
            Issue.record("expected the code page"); return
        }
        #expect(mfaFlow == flow && user.userPrincipalName == "test-awsadmin@contoso.com")
        guard case .mfa(_, _, let bad?) = await state.verifyCode(flow: flow, code: "000000", ip: "10.0.0.1") else {
            Issue.record("expected the code page again"); return
        }
        #expect(bad.code == "AADSTS500121")
        clock.advance(40)
        let code = F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: clock.now)
        // The code typed: "Stay signed in?" comes before issuance (the user typed credentials in this flow).
        guard case .kmsi(flow, _) = await state.verifyCode(flow: flow, code: code, ip: "10.0.0.1") else {
            Issue.record("expected the KMSI page"); return
        }
        let step = await state.staySignedIn(flow: flow, keep: true, ip: "10.0.0.1")
        guard case .issue(_, _, let session) = step else { Issue.record("expected issuance, got \(step)"); return }
        guard case .failed(let answered) = await state.staySignedIn(flow: flow, keep: true, ip: "10.0.0.1") else {
            Issue.record("a flow issues once"); return
        }
        #expect(answered.code == "AADSTS50058")
        let response = try await issued(step, state: state, clock: clock)
        let verified = try await F.verifier(clock: clock).verify(response.xml)
        #expect(verified.attribute(AttributeName.awsRole) == [F.adminPair])
        #expect(verified.attribute(AttributeName.awsRoleSessionName) == ["test-awsadmin@contoso.com"])
        #expect(verified.attribute(AttributeName.authnMethodsReferences)?.contains("http://schemas.microsoft.com/claims/multipleauthn") == true)
        #expect(verified.nameID?.format == SAMLURI.nameIDEmail && verified.response.inResponseTo == nil)
        #expect(response.awsSessions == ["Administrator/test-awsadmin@contoso.com @ 123456789012"])

        // ForceAuthn ignores the session.
        var forced = SignInRequest.idpInitiated(app)
        forced.forceAuthn = true
        guard case .login(let flow2, _, _) = await state.begin(forced, session: session, ip: "10.0.0.1"),
              case .mfa = await state.password(flow: flow2, username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!", ip: "10.0.0.1") else {
            Issue.record("ForceAuthn must ask again"); return
        }
        // Still in the same 30-second window: the code already used is refused (RFC 6238 §5.2).
        guard case .mfa(_, _, let replayed?) = await state.verifyCode(flow: flow2, code: code, ip: "10.0.0.1") else {
            Issue.record("a used code must be refused"); return
        }
        #expect(replayed.code == "AADSTS500121")

        // The SSO session: straight to issuance, MFA remembered, AuthnInstant kept from the interactive sign-in.
        clock.advance(600)
        let again = await state.begin(.idpInitiated(app), session: session, ip: "10.0.0.1")
        let second = try await issued(again, state: state, clock: clock)
        let secondVerified = try await F.verifier(clock: clock).verify(second.xml)
        #expect(secondVerified.assertion.authnStatement?.authnInstant == verified.assertion.authnStatement?.authnInstant)
        // Each launch keeps the same session: a busy user does not fill (or evict from) the session table.
        for _ in 0..<50 {
            guard case .issue(_, _, let same) = await state.begin(.idpInitiated(app), session: session, ip: "10.0.0.1") else {
                Issue.record("the session stopped working"); return
            }
            #expect(same == session)
        }
        #expect(await state.sessionCount == 1)
        let logs = await state.signInLogs()
        #expect(logs.map(\.result) == ["failure", "failure", "interrupted", "failure", "interrupted", "success", "interrupted", "failure", "success"])
        #expect(logs.map { $0.aadstsCode ?? "-" } == ["AADSTS50126", "AADSTS50034", "AADSTS50076", "AADSTS500121", "AADSTS50140", "-",
                                                      "AADSTS50076", "AADSTS500121", "-"])
        let success = logs[5]
        // Each step of the sign-in, in the entries as they come: the wrong password, the right one, the codes, KMSI.
        #expect(success.authenticationDetails.map { "\($0.authenticationMethod) \($0.succeeded)" }
                == ["Password false", "Password true", "Mobile app verification code false", "Mobile app verification code true",
                    "Keep me signed in true"])
        #expect(success.authenticationDetails.last?.authenticationStepResultDetail == "LoginOptions=1")
        #expect(success.mfaDone && success.conditionalAccessStatus == "success" && success.authenticationRequirement == "multiFactorAuthentication")
        #expect(success.awsSessions == ["Administrator/test-awsadmin@contoso.com @ 123456789012"] && success.ipAddress == "10.0.0.1")
        #expect(logs[0].conditionalAccessStatus == "notApplied", "a wrong password never reaches Conditional Access")
        #expect(Set(logs.prefix(6).map(\.correlationId)).count == 1)
    }

    @Test("AADSTS50105 unassigned, 50079 no authenticator, 53003 blocked; every attempt logged")
    func refusals() async throws {
        let clock = TestClock(F.start)
        let state = try F.state(clock: clock)
        let app = try #require(Tenant.contoso().application(F.appID))
        func attempt(_ user: String, _ password: String) async -> SignInStep {
            guard case .login(let flow, _, _) = await state.begin(.idpInitiated(app), session: nil, ip: "::1") else { return .failed(.flowExpired) }
            return await state.password(flow: flow, username: user, password: password, ip: "::1")
        }
        guard case .failed(let unassigned) = await attempt("test-nobody@contoso.com", "N0body-Passw0rd!"),
              case .failed(let enrol) = await attempt("test-nomfa@contoso.com", "N0mfa-Passw0rd!") else {
            Issue.record("expected error pages"); return
        }
        #expect(unassigned.code == "AADSTS50105" && unassigned.message.contains("'test-nobody@contoso.com' is blocked"))
        #expect(enrol.code == "AADSTS50079")
        try await state.setConditionalAccess([
            .init(name: "Block developers", groups: ["AWS-Account1-Developers"], applications: [F.appID], grant: .block),
            .init(name: "AWS Console – MFA", groups: ["AWS-Account1-Administrators"], applications: [F.appID], grant: .requireMFA),
        ])
        guard case .failed(let blocked) = await attempt("test-awsdeveloper@contoso.com", "Dev3loper-Passw0rd!") else {
            Issue.record("expected the block"); return
        }
        #expect(blocked.code == "AADSTS53003" && blocked.httpStatus == 403)
        await #expect(throws: AdminError.self) {
            try await state.setConditionalAccess([.init(name: "x", groups: ["No-Such-Group"], applications: [F.appID], grant: .block)])
        }
        // The code page: five wrong codes end the sign-in (AADSTS50074); giving up is AADSTS50076.
        guard case .mfa(let flow, _, _) = await attempt("test-awsadmin@contoso.com", "Adm1n-Passw0rd!") else { Issue.record("code page"); return }
        for _ in 1..<EntraState.maxCodeAttempts {
            guard case .mfa = await state.verifyCode(flow: flow, code: "000000", ip: "::1") else { Issue.record("retry"); return }
        }
        guard case .failed(let exhausted) = await state.verifyCode(flow: flow, code: "000000", ip: "::1") else { Issue.record("limit"); return }
        #expect(exhausted.code == "AADSTS50074")
        guard case .mfa(let flow2, _, _) = await attempt("test-awsadmin@contoso.com", "Adm1n-Passw0rd!"),
              case .failed(let cancelled) = await state.cancelMFA(flow: flow2, ip: "::1") else { Issue.record("cancel"); return }
        #expect(cancelled.code == "AADSTS50076")
        let logs = Array(await state.signInLogs().prefix(3))
        #expect(logs.map { $0.aadstsCode ?? "-" } == ["AADSTS50105", "AADSTS50079", "AADSTS53003"])
        #expect(logs[2].conditionalAccessStatus == "failure"
                && logs[2].appliedConditionalAccessPolicies.first { $0.displayName == "Block developers" }?.result == "failure")
        // The hooks apply the same rules: MFA not done where a policy wants it is AADSTS50076.
        await #expect(throws: EntraError.mfaRequired(application: app)) {
            _ = try await state.hookIssuance(user: "test-awsadmin@contoso.com", appID: F.appID, relayState: nil, mfa: false, fault: nil, ip: "::1")
        }
    }

    @Test("PIM: the role is issued only during a justified, bounded activation, and not after it expires")
    func pim() async throws {
        let clock = TestClock(F.start)
        let state = try F.state(clock: clock)
        func roles() async throws -> [String] {
            let (issuance, _) = try await state.hookIssuance(user: "test-pim@contoso.com", appID: F.appID, relayState: nil, mfa: true,
                                                             fault: nil, ip: "::1")
            return try issuance.issue(keys: await state.keys, clock: clock, ids: RandomIDGenerator()).roles
        }
        await #expect(throws: EntraError.self) { _ = try await roles() }
        for (password, group, justification, minutes, status) in [
            ("wrong", "AWS-Account1-Administrators", "ticket 42", 30, 401), ("P1m-Passw0rd!", "AWS-Account1-Developers", "ticket 42", 30, 403),
            ("P1m-Passw0rd!", "AWS-Account1-Administrators", " ", 30, 400), ("P1m-Passw0rd!", "AWS-Account1-Administrators", "ticket 42", 61, 400),
            ("P1m-Passw0rd!", "No-Such-Group", "ticket 42", 30, 404),
        ] {
            do {
                _ = try await state.activate(upn: "test-pim@contoso.com", password: password, group: group, justification: justification,
                                             minutes: minutes)
                Issue.record("activation \(group) \(minutes) min should fail")
            } catch {
                #expect(error.status == status, "\(error.message)")
            }
        }
        let activation = try await state.activate(upn: "test-pim@contoso.com", password: "P1m-Passw0rd!", group: "AWS-Account1-Administrators",
                                                  justification: "ticket 42", minutes: 30)
        #expect(activation.expires == F.start.addingTimeInterval(1800))
        #expect(try await roles() == [F.adminPair])
        clock.advance(29 * 60)
        #expect(try await roles() == [F.adminPair])
        clock.advance(61)
        await #expect(throws: EntraError.self, "expired: no longer assigned") { _ = try await roles() }
    }

    @Test("ten wrong codes in a row, over several sign-ins, lock the user out for a minute (AADSTS50053)")
    func codeLockout() async throws {
        let clock = TestClock(F.start)
        let state = try F.state(clock: clock)
        let app = try #require(Tenant.contoso().application(F.appID))
        func codePage() async -> String? {
            guard case .login(let flow, _, _) = await state.begin(.idpInitiated(app), session: nil, ip: "::1"),
                  case .mfa = await state.password(flow: flow, username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!", ip: "::1") else {
                return nil
            }
            return flow
        }
        var wrong = 0
        while wrong < EntraState.maxCodeFailures {
            let flow = try #require(await codePage())
            for _ in 0..<min(4, EntraState.maxCodeFailures - wrong) {
                _ = await state.verifyCode(flow: flow, code: "000000", ip: "::1")
                wrong += 1
            }
        }
        let locked = try #require(await codePage())
        guard case .failed(let error) = await state.verifyCode(flow: locked, code: F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: clock.now), ip: "::1") else {
            Issue.record("the right code must be refused while locked out"); return
        }
        #expect(error.code == "AADSTS50053")
        clock.advance(EntraState.codeLockout + 1)
        let after = try #require(await codePage())
        guard case .kmsi = await state.verifyCode(flow: after, code: F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: clock.now), ip: "::1"),
              case .issue = await state.staySignedIn(flow: after, keep: false, ip: "::1") else {
            Issue.record("after the lockout the right code works"); return
        }
    }

    @Test("a sign-in page left open past 15 minutes must be started again")
    func flowExpires() async throws {
        let clock = TestClock(F.start)
        let state = try F.state(clock: clock)
        let app = try #require(Tenant.contoso().application(F.appID))
        guard case .login(let flow, _, _) = await state.begin(.idpInitiated(app), session: nil, ip: "::1") else { return }
        clock.advance(EntraState.pendingLifetime + 1)
        guard case .failed(let error) = await state.password(flow: flow, username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!", ip: "::1") else {
            Issue.record("expected the expiry page"); return
        }
        #expect(error.code == "AADSTS50058")
        guard case .failed = await state.verifyCode(flow: "no-such-flow", code: "123456", ip: "::1") else { Issue.record("unknown flow"); return }
    }
}
