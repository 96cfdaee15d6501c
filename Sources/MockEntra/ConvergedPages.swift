import Foundation
import SAML

/// Entra's converged sign-in pages (entra-signin-protocol.md §2.1, §2.3–2.5): ConvergedSignIn (username, then
/// password), ConvergedTFA (the authenticator's code) and KmsiInterrupt ("Stay signed in?"). Each carries its
/// `$Config` for clients that read it (saml2aws, davmail, grizzly) and, since nothing here needs JavaScript, a form
/// with Entra's element names and ids for browsers and the tools that drive them (aws-azure-login src/login.ts
/// selectors, ROADtools roadtx selenium.py ids).
///
/// saml2aws (pkg/provider/aad/aad.go `Authenticate`) tells pages apart by plain substring search, in the order
/// ConvergedSignIn, ConvergedProofUpRedirect, KmsiInterrupt, ConvergedTFA, SAMLRequest, then the `hiddenform`: so no
/// page may contain the marker of a page earlier in that order, anywhere (``pageMarkers``; tests check every page).
public enum ConvergedPages {
    /// saml2aws's classification order (aad.go `Authenticate`).
    public static let pageMarkers = ["ConvergedSignIn", "ConvergedProofUpRedirect", "KmsiInterrupt", "ConvergedTFA", "SAMLRequest"]

    /// The per-flow values every page carries: the flow token and the request context and canaries derived from it.
    public struct Flow: Sendable {
        public var token: String
        public var ctx: String
        public var canary: String
        public var apiCanary: String
        public var correlationId: String
        public var sessionId: String
    }

    /// Where the pages post and call, absolute on mock-entra's base URL (saml2aws uses the GetCredentialType, SAS
    /// and ProcessAuth URLs as given, without resolving them).
    public struct Endpoints: Sendable {
        public var base: String
        public var tenantID: String
        var login: String { "\(base)/\(tenantID)/login" }
        var credentialType: String { "\(base)/common/GetCredentialType?mkt=en-US" }
        var beginAuth: String { "\(base)/common/SAS/BeginAuth" }
        var endAuth: String { "\(base)/common/SAS/EndAuth" }
        var processAuth: String { "\(base)/common/SAS/ProcessAuth" }
        /// The form's target; `$Config.urlPost` stays relative (`/kmsi`) as Entra's is (saml2aws's older aad.go
        /// checks for it; grizzly auth/aad.py takes a relative urlPost as the sign of a right password).
        var kmsi: String { "\(base)/kmsi" }
        public init(base: String, tenantID: String) { (self.base, self.tenantID) = (base, tenantID) }
    }

    static func escape(_ s: String) -> String { Markup.escape(s) }

    /// `AADSTS50126` → `50126`, as `sErrorCode` carries it.
    static func number(_ error: EntraError) -> String { String(error.code.drop { !$0.isNumber }) }

    static func config(_ pgid: String, hpg: (Int, Int), flow: Flow, urlPost: String, error: EntraError?, firstVisit: Bool) -> ConvergedConfig {
        // "50058" (not signed in yet) is what Entra shows on a first visit; saml2aws stops on any other non-empty value.
        let code = error.map(number) ?? (firstVisit ? "50058" : "")
        return ConvergedConfig(pgid: pgid, hpgid: hpg.0, hpgact: hpg.1, sFT: flow.token, sCtx: flow.ctx, canary: flow.canary,
                               apiCanary: flow.apiCanary, correlationId: flow.correlationId, sessionId: flow.sessionId, urlPost: urlPost,
                               sErrorCode: code, sErrTxt: error?.description ?? "", arrValErrs: code.isEmpty ? [] : [code],
                               strServiceExceptionMessage: "")
    }

    static func page(_ pgid: String, config: ConvergedConfig, _ body: String) -> String {
        """
        <!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
        <meta name="PageID" content="\(pgid)" />
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(config.script())
        <style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
        .box{background:#fff;max-width:440px;margin:64px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
        .title{font-size:24px;font-weight:600;margin:16px 0}.logo{font-weight:600;color:#737373}
        input[type=text],input[type=password],input[type=email],input[type=tel]{width:100%;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px;margin:8px 0}
        input[type=submit],button{background:#0067b8;color:#fff;border:0;padding:8px 32px;font-size:15px;margin-top:16px;cursor:pointer}
        button.secondary{background:#ccc;color:#000}.link{background:none;color:#0067b8;padding:0}
        .alert-error{color:#e81123;margin:8px 0}.has-error{border-bottom-color:#e81123}.small{font-size:12px;color:#666;word-break:break-all}</style>
        </head><body><div class="box"><div class="logo">Microsoft</div>
        \(body)
        </div></body></html>
        """
    }

    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
    }

    /// ConvergedSignIn. Without `password`, the username step (`loginfmt` visible, id i0116); with it, the password
    /// step (`loginfmt` kept hidden with class `moveOffScreen`, which aws-azure-login waits for, and `passwd` shown,
    /// id i0118). An unknown user's error goes in `#usernameError`, a wrong password's in `#passwordError`, both
    /// `.alert-error` (the class aws-azure-login prints), and in `sErrorCode`/`sErrTxt`.
    public static func signIn(flow: Flow, endpoints: Endpoints, username: String?, passwordStep: Bool, error: EntraError?,
                              domain: String) -> String {
        var config = config("ConvergedSignIn", hpg: (1104, 1800), flow: flow, urlPost: endpoints.login, error: error, firstVisit: true)
        config.urlGetCredentialType = endpoints.credentialType
        config.sPOST_Username = username
        let alert = error.map {
            "<div id=\"\(passwordStep ? "passwordError" : "usernameError")\" class=\"alert-error\" role=\"alert\">\(escape($0.description))</div>"
        } ?? ""
        let fields: String
        if passwordStep, let username {
            fields = """
                <div id="displayName" class="small">\(escape(username))</div><div class="title" id="loginHeader">Enter password</div>\(alert)
                <input type="hidden" name="loginfmt" class="moveOffScreen" value="\(escape(username))">
                <input type="password" name="passwd" id="i0118" placeholder="Password" autocomplete="current-password" required\(error == nil ? "" : " class=\"has-error\"")>
                <input type="submit" id="idSIButton9" value="Sign in">
                """
        } else {
            fields = """
                <div class="title" id="loginHeader">Sign in</div>\(alert)
                <input type="email" name="loginfmt" id="i0116" placeholder="Email, phone, or Skype" value="\(escape(username ?? ""))"\(error == nil ? "" : " class=\"has-error\"") required>
                <input type="submit" id="idSIButton9" value="Next">
                """
        }
        return page("ConvergedSignIn", config: config, """
            <form method="post" name="f1" id="i0281" action="\(escape(endpoints.login))" autocomplete="off">
            \(hidden("flowToken", flow.token))\(hidden("ctx", flow.ctx))\(hidden("canary", flow.canary))\(hidden("hpgrequestid", flow.sessionId))
            \(fields)
            </form><p class="small">\(escape(domain)) · mock-entra</p>
            """)
    }

    /// ConvergedTFA: the authenticator's code. `$Config` offers one proof, PhoneAppOTP (a TOTP code), for
    /// BeginAuth/EndAuth clients; the form (`otc`, id idTxtBx_SAOTCC_OTC) posts the code straight to ProcessAuth.
    public static func tfa(flow: Flow, endpoints: Endpoints, user: Tenant.User, error: EntraError?) -> String {
        var config = config("ConvergedTFA", hpg: (1114, 2202), flow: flow, urlPost: endpoints.processAuth, error: error, firstVisit: false)
        config.urlBeginAuth = endpoints.beginAuth
        config.urlEndAuth = endpoints.endAuth
        config.sPOST_Username = user.userPrincipalName
        config.arrUserProofs = [.init(authMethodId: StrongAuth.phoneAppOTP, data: StrongAuth.phoneAppOTP,
                                      display: "Authenticator app", isDefault: true, phoneAppOtpTypes: ["SoftwareTokenBasedTOTP"])]
        config.oPerAuthPollingInterval = [StrongAuth.phoneAppOTP: 1.0, "PhoneAppNotification": 1.0]
        config.sAuthMethodInputFieldName = "mfaAuthMethod"
        config.iTotpOtcLength = 6
        let alert = error.map { "<div id=\"idSpan_SAOTCC_Error_OTC\" class=\"alert-error\" role=\"alert\">\(escape($0.description))</div>" } ?? ""
        let common = hidden("flowToken", flow.token) + hidden("request", flow.ctx) + hidden("canary", flow.canary)
            + hidden("login", user.userPrincipalName) + hidden("hpgrequestid", flow.sessionId)
        return page("ConvergedTFA", config: config, """
            <div class="small">\(escape(user.userPrincipalName))</div>
            <div class="title" id="idDiv_SAOTCC_Title">Enter code</div>
            <div id="idDiv_SAOTCC_Description">Enter the code displayed in the authenticator app on your mobile device</div>\(alert)
            <form method="post" name="f1" action="\(escape(endpoints.processAuth))" autocomplete="off">
            \(common)\(hidden("mfaAuthMethod", StrongAuth.phoneAppOTP))\(hidden("type", "19"))
            <input type="tel" name="otc" id="idTxtBx_SAOTCC_OTC" inputmode="numeric" maxlength="8" placeholder="Code" required>
            <input type="submit" id="idSubmit_SAOTCC_Continue" value="Verify"></form>
            <form method="post" action="\(escape(endpoints.processAuth))">\(common)
            <button type="submit" name="cancel" value="1" id="signInAnotherWay" class="link">I can't use my authenticator app right now</button></form>
            """)
    }

    /// KmsiInterrupt, "Stay signed in?": Yes posts LoginOptions=1 (`#idSIButton9`), No LoginOptions=3
    /// (`#idBtn_Back`), as aws-azure-login clicks them; `$Config.urlPost` is the relative `/kmsi`.
    public static func kmsi(flow: Flow, endpoints: Endpoints, user: Tenant.User) -> String {
        var config = config("KmsiInterrupt", hpg: (1115, 2005), flow: flow, urlPost: "/kmsi", error: nil, firstVisit: false)
        config.sCanaryTokenName = "canary"
        config.sPOST_Username = user.userPrincipalName
        return page("KmsiInterrupt", config: config, """
            <div class="small">\(escape(user.userPrincipalName))</div>
            <div class="title" id="KmsiDescription">Stay signed in?</div>
            <p>Do this to reduce the number of times you are asked to sign in.</p>
            <form method="post" name="f1" action="\(escape(endpoints.kmsi))">
            \(hidden("flowToken", flow.token))\(hidden("ctx", flow.ctx))\(hidden("canary", flow.canary))\(hidden("type", "28"))\(hidden("hpgrequestid", flow.sessionId))
            <label><input type="checkbox" name="DontShowAgain" id="KmsiCheckboxField" value="true"> Don't show this again</label><br>
            <button type="submit" name="LoginOptions" value="1" id="idSIButton9">Yes</button>
            <button type="submit" name="LoginOptions" value="3" id="idBtn_Back" class="secondary">No</button></form>
            """)
    }
}
