import Foundation
import SAML

/// mock-entra's other pages: the error page, My Apps, signed out, the sign-in log (the sign-in pages are
/// ``ConvergedPages``).
public enum Pages {
    static func escape(_ s: String) -> String { Markup.escape(s) }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
        .box{background:#fff;max-width:440px;margin:64px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
        h1{font-size:24px;font-weight:600;margin:16px 0}.logo{font-weight:600;color:#737373}
        input[type=text],input[type=password],input[type=email]{width:100%;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px;margin:8px 0}
        input[type=submit],button{background:#0067b8;color:#fff;border:0;padding:8px 32px;font-size:15px;margin-top:16px;cursor:pointer}
        .error{color:#e81123;margin:8px 0}.small{font-size:12px;color:#666;word-break:break-all}
        .tiles{display:flex;flex-wrap:wrap;gap:16px}.tile{border:1px solid #ccc;padding:16px;width:160px;text-decoration:none;color:#000;background:#fff}
        table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}</style>
        </head><body>\(body)</body></html>
        """
    }

    /// Entra's error page: the AADSTS line (in `#service_exception_message`, the element aws-azure-login src/login.ts
    /// reports and stops on), then the request details; its `$Config` carries the same for clients without a DOM.
    public static func error(_ error: EntraError, correlation: String, at now: Date) -> String {
        page("Sign in to your account", """
            \(ConvergedConfig.script(ConvergedConfig.ErrorConfig(error, correlation: correlation)))
            <div class="box"><div class="logo">Microsoft</div><h1>Sorry, but we’re having trouble signing you in.</h1>
            <div id="service_exception_message"><p id="errorCode" data-code="\(escape(error.code))">\(escape(error.description))</p></div>
            <div class="small"><b>Troubleshooting details</b><br>Error code: \(escape(error.code)) (\(escape(error.name)))<br>
            Correlation ID: \(escape(correlation))<br>Timestamp: \(escape(SAMLInstant.format(now)))</div></div>
            """)
    }

    /// My Apps: one tile per assigned application, launching IdP-initiated sign-in.
    public static func myApps(user: Tenant.User, applications: [Tenant.Application], tenant: Tenant) -> String {
        let tiles = applications.map { app in
            "<a class=\"tile\" id=\"app-\(escape(app.appID))\" href=\"/api/signin/\(escape(app.appID))?tenantId=\(escape(tenant.tenantID))\">\(escape(app.displayName))</a>"
        }.joined()
        return page("My Apps", """
            <div class="box" style="max-width:800px"><div class="logo">My Apps</div><h1>Apps</h1>
            <p class="small">Signed in as <span id="signedInUser">\(escape(user.userPrincipalName))</span></p>
            <div class="tiles">\(tiles.isEmpty ? "<p>No apps are assigned to you.</p>" : tiles)</div></div>
            """)
    }

    public static func signedOut() -> String {
        page("Signed out", "<div class=\"box\"><div class=\"logo\">Microsoft</div><h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p></div>")
    }

    /// The sign-in log as the admin centre shows it, newest first.
    public static func signInLogs(_ entries: [SignInLogEntry]) -> String {
        let rows = entries.reversed().map { e in
            "<tr><td>\(escape(e.createdDateTime))</td><td>\(escape(e.userPrincipalName ?? ""))</td><td>\(escape(e.appDisplayName ?? ""))</td>"
                + "<td>\(escape(e.result))</td><td>\(escape(e.aadstsCode ?? ""))</td><td>\(e.mfaDone ? "yes" : "no")</td>"
                + "<td>\(escape(e.conditionalAccessStatus))</td>"
                + "<td>\(e.authenticationDetails.map { escape("\($0.authenticationMethod): \($0.authenticationStepResultDetail)") }.joined(separator: "<br>"))</td>"
                + "<td>\(e.awsSessions.map(escape).joined(separator: "<br>"))</td>"
                + "<td>\(escape(e.ipAddress))</td></tr>"
        }.joined()
        return page("Sign-in logs", """
            <div style="margin:24px"><h1>Sign-in logs</h1><table id="signins"><tr><th>Date (UTC)</th><th>User</th><th>Application</th>
            <th>Result</th><th>Error</th><th>MFA</th><th>Conditional Access</th><th>Steps</th><th>AWS sessions</th><th>IP address</th></tr>\(rows)</table></div>
            """)
    }
}
