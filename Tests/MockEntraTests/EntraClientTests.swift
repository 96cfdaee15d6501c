import EntraClient
import Foundation
import SAML
import ServerTesting
import Testing

/// `EntraClient`'s reading of Entra's pages, on pages shaped as Entra's are (written here from the structure
/// entra-signin-protocol.md §2.1, §2.6, §2.7 documents), and its whole sign-in against mock-entra.
@Suite("EntraClient: Entra's pages and a sign-in against mock-entra", .serialized)
struct EntraClientTests {
    typealias F = EntraFixtures

    static let signIn = """
        <!-- Copyright (C) Microsoft Corporation. All rights reserved. --><!DOCTYPE html><html dir="ltr" class="" lang="en"><head>
        <title>Sign in to your account</title><meta name="PageID" content="ConvergedSignIn" />
        <script type="text/javascript">//<![CDATA[
        $Config={"fShowPersistentCookiesWarning":false,"urlPost":"/common/login","sFTName":"flowToken","sFT":"AQABAAEAAA-ft","sCtx":"rQQIARAA-ctx","canary":"cn=0:1","apiCanary":"api","correlationId":"c1","sessionId":"s1","urlGetCredentialType":"https://login.microsoftonline.com/common/GetCredentialType?mkt=en-US","sErrorCode":"50058","arrValErrs":["50058"],"sErrTxt":"","desktopSsoConfig":{"reason":"a; b};c"},"pgid":"ConvergedSignIn"};
        //]]></script><script>ServerData = $Config;</script></head><body style="display: none"></body></html>
        """

    @Test("pages told apart in saml2aws's order; $Config cut out with `;` inside strings and `//]]>` on the same line")
    func pages() throws {
        let page = ConvergedPage(Self.signIn)
        #expect(page.kind == .signIn)
        let config = try page.config()
        #expect(config.sFT == "AQABAAEAAA-ft" && config.sCtx == "rQQIARAA-ctx" && config.urlPost == "/common/login" && config.sErrorCode == "50058")
        #expect(config.flowTokenName == "flowToken" && config.urlGetCredentialType?.hasSuffix("/common/GetCredentialType?mkt=en-US") == true)
        let sameLine = ConvergedPage(#"<meta name="PageID" content="KmsiInterrupt" /><script>//<![CDATA[$Config={"pgid":"KmsiInterrupt","urlPost":"/kmsi","sFT":"f","sCtx":"c"};//]]></script>"#)
        #expect(try sameLine.kind == .kmsi && sameLine.config().urlPost == "/kmsi")
        // The first marker in saml2aws's order wins, wherever it is.
        #expect(ConvergedPage("ConvergedTFA … KmsiInterrupt").kind == .kmsi)
        #expect(ConvergedPage("ConvergedTFA … SAMLRequest").kind == .tfa)
        #expect(ConvergedPage("<html>no marker</html>").kind == .other)
        #expect(throws: EntraSignIn.Refused.self) { try ConvergedPage("ConvergedSignIn without config").config() }

        let hidden = """
            <html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="https://signin.aws.amazon.com/saml">\
            <input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlLz4=" /><input type="hidden" name="RelayState" value="a&amp;b" />\
            <noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>\
            <script language="javascript">document.forms[0].submit();</script></body></html>
            """
        let form = ConvergedPage(hidden)
        #expect(form.kind == .hiddenForm && form.formAction() == "https://signin.aws.amazon.com/saml")
        #expect(form.inputs().map(\.name) == ["SAMLResponse", "RelayState"], "inputs with a name and a value")
        #expect(form.inputs().first { $0.name == "RelayState" }?.value == "a&b")
        #expect(ConvergedPage("<!DOCTYPE html>" + hidden).kind == .other, "the exact first bytes, as saml2aws checks them")
        // The launcher's page: the last piece naming SAMLRequest, from https:// to the quote.
        let launcher = """
            <form name="RedirectToFederatedApplicationForm"></form><script>var x = 'SAMLRequest'; \
            window.location = 'https://login.microsoftonline.com/t1/saml2?SAMLRequest=fZFBT&RelayState=r';</script>
            """
        #expect(ConvergedPage(launcher).kind == .samlRequest)
        #expect(ConvergedPage(launcher).samlRequestURL() == "https://login.microsoftonline.com/t1/saml2?SAMLRequest=fZFBT&RelayState=r")
    }

    @Test("a whole sign-in against mock-entra: password, the code (BeginAuth/EndAuth/ProcessAuth), KMSI; refusals with their AADSTS code")
    func signInAgainstMockEntra() async throws {
        try await MockEntraApp.test(live: true) { entra in
            let client = EntraSignIn(baseURL: entra.baseURL, tenant: F.tenantID, appID: F.appID)
            let posted = try await client.signIn(username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!") {
                F.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", at: Date())
            }
            #expect(posted.endpoint == F.awsSignIn && posted.kind == .response)
            let verified = try await F.verifier(try await entra.publishedCertificates(), clock: SystemClock()).verify(posted.xml)
            #expect(verified.attribute(AttributeName.awsRole) == [F.adminPair])
            for (user, password, code, expected) in [("test-awsdeveloper@contoso.com", "nope", "000000", "AADSTS50126"),
                                                     ("ghost@contoso.com", "x", "000000", "AADSTS50034"),
                                                     ("test-awsdeveloper@contoso.com", "Dev3loper-Passw0rd!", "000000", "AADSTS500121")] {
                do {
                    _ = try await client.signIn(username: user, password: password) { code }
                    Issue.record("\(user) signed in")
                } catch let refused as EntraSignIn.Refused {
                    #expect(refused.code == expected && refused.message.hasPrefix(expected), "\(user): \(refused.code ?? "-") \(refused.message)")
                }
            }
            // Another tenant: Entra's error page, AADSTS90002.
            do {
                _ = try await EntraSignIn(baseURL: entra.baseURL, tenant: "fabrikam.com", appID: F.appID)
                    .signIn(username: "test-awsadmin@contoso.com", password: "Adm1n-Passw0rd!") { "000000" }
                Issue.record("another tenant signed in")
            } catch let refused as EntraSignIn.Refused {
                #expect(refused.code == "AADSTS90002", "\(refused.message)")
            }
            // Entra's error page (Conditional Access blocks the developers): its AADSTS line.
            let block = #"[{"name": "Block developers", "groups": ["AWS-Account1-Developers"], "applications": [""# + F.appID + #""], "grant": "block"}]"#
            #expect(try await entra.json("PUT", "/admin/conditional-access", block).status == 200)
            do {
                _ = try await client.signIn(username: "test-awsdeveloper@contoso.com", password: "Dev3loper-Passw0rd!") { "000000" }
                Issue.record("a blocked user signed in")
            } catch let refused as EntraSignIn.Refused {
                #expect(refused.code == "AADSTS53003" && refused.message.hasPrefix("AADSTS53003: Access has been blocked"), "\(refused.message)")
            }
        }
    }
}
