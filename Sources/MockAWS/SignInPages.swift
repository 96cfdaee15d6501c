import AWSFederation
import Foundation
import SAML

/// The pages of `https://signin.aws.amazon.com/saml` and of the console mock-aws serves in place of
/// `console.aws.amazon.com`: the role chooser in the shape AWS serves (captured in saml2aws `testdata/saml.html`,
/// aws-entra.md §4: `saml_form`, hidden `RelayState`/`SAMLResponse`/`name`, `div.saml-account` >
/// `div.saml-account-name`, `div.saml-role` with a `roleIndex` radio whose value and id are the role ARN, a label for
/// it, `signin_button`), the console pages (header bar, account menu `ROLE/SESSION @ ACCOUNT`, Sign out), and AWS's
/// sign-in error page. Inline CSS only: mock-aws is offline and loads nothing from elsewhere.
enum SignInPages {
    static func escape(_ s: String) -> String { Markup.escape(s) }

    // MARK: - Sign-in endpoint

    /// "Select a role:": one radio per role, grouped by account. The element names and ids are the ones tools parse
    /// (saml2aws' `ParseAWSAccounts` reads `saml-account-name`, `saml-role` and the radio's id).
    static func chooser(_ sessions: [AssumeRoleWithSAMLResult], samlResponse: String, relayState: String) -> String {
        var html = "<div class=\"signin-card chooser\"><form id=\"saml_form\" name=\"saml_form\" action=\"/saml\" method=\"post\">"
            + "<input type=\"hidden\" name=\"RelayState\" value=\"\(escape(relayState))\" />"
            + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(escape(samlResponse))\" />"
            + "<input type=\"hidden\" name=\"name\" value=\"\" />"
            + "<p class=\"select-role\">Select a role:</p><fieldset>"
        var accounts: [String] = []
        for session in sessions where !accounts.contains(session.session.account) { accounts.append(session.session.account) }
        var first = true
        for account in accounts {
            html += "<div class=\"saml-account\"><div class=\"saml-account-name\">Account: \(escape(account))</div><hr/>"
            for session in sessions where session.session.account == account {
                let arn = escape(session.session.role.roleARN.description)
                // The first role is preselected, so Sign In always posts a choice.
                let checked = first
                first = false
                html += "<div class=\"saml-role\"><input type=\"radio\" name=\"roleIndex\" value=\"\(arn)\" class=\"saml-radio\" id=\"\(arn)\""
                    + (checked ? " checked" : "") + " />"
                    // saml2aws takes the label's whole text as the role's name: the ARN goes beside it, not in it.
                    + "<div><label for=\"\(arn)\" class=\"saml-role-description\">\(escape(session.session.roleName))</label>"
                    + "<span class=\"role-arn\">\(arn)</span></div></div>"
            }
            html += "</div>"
        }
        html += "</fieldset><input type=\"submit\" id=\"signin_button\" class=\"primary\" value=\"Sign In\" /></form></div>"
        return signInFrame(title: "Amazon Web Services Login", body: html)
    }

    /// AWS's sign-in error page: the message as the sign-in page words it, the error code, and (mock-aws only, in a
    /// note) the rule that failed, which AWS does not say.
    static func error(code: String, message: String, detail: String? = nil) -> String {
        let body = "<div class=\"signin-card\" id=\"error\"><div class=\"alert\"><span class=\"alert-icon\">!</span><div>"
            + "<h1>Error</h1><p id=\"error_message\">\(escape(message))</p></div></div>"
            + "<p class=\"muted\">Error code: <span id=\"error_code\">\(escape(code))</span></p>"
            + (detail.map { "<p class=\"note\">mock-aws: <span id=\"error_detail\">\(escape($0))</span></p>" } ?? "")
            + "</div>"
        return signInFrame(title: "Amazon Web Services Sign-In", body: body)
    }

    /// The page the sign-in host shows around a card: the AWS logo, the card, a footer.
    static func signInFrame(title: String, body: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title>"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>\(css)</style></head>"
            + "<body class=\"signin\"><div class=\"signin-logo\">\(logo)</div>\(body)"
            + "<footer class=\"signin-footer\">mock-aws, an offline stand-in for AWS sign-in</footer></body></html>"
    }

    // MARK: - Console

    /// What the console page shows: the session, its policies, and the evaluator's answers for a few actions.
    struct ConsoleView: Sendable {
        struct PolicyRow: Sendable {
            var name: String
            var type: String
            var arn: String?
        }
        struct ActionRow: Sendable {
            var action: String
            var resource: String
            var decision: PolicyEvaluation.Decision
        }
        var session: ConsoleSessions.Entry
        var path: String
        var region: String
        var service: String?
        var policies: [PolicyRow]
        var actions: [ActionRow]
    }

    /// A console page: the header bar with the account menu (and Sign out), the page's title (Console Home or the
    /// deep link's service), the session, its permissions policies, and what it may do.
    static func console(_ view: ConsoleView) -> String {
        let session = view.session
        let title = view.service.map { serviceTitle($0) } ?? "Console Home"
        let crumb = view.service.map { " <span>&rsaquo;</span> <span id=\"service\">\(escape($0))</span>" } ?? ""
        var main = "<nav class=\"breadcrumb\"><a href=\"\(ConsoleDestination.home)\">Console Home</a>\(crumb)</nav>"
        main += "<h1 id=\"page-title\">\(escape(title))</h1>"
        main += "<p class=\"muted\">Page <code id=\"console-path\">\(escape(view.path))</code> in <span id=\"region\">\(escape(view.region))</span></p>"
        main += "<div class=\"grid\"><section class=\"panel\"><h2>Session</h2><dl>"
            + "<dt>Account</dt><dd id=\"account\">\(escape(session.account))</dd>"
            + "<dt>Role</dt><dd id=\"role\">\(escape(session.roleName))</dd>"
            + "<dt>Federated user</dt><dd id=\"session-name\">\(escape(session.roleSessionName))</dd>"
            + "<dt>Assumed role</dt><dd id=\"assumed-role-arn\">\(escape(session.assumedRoleARN))</dd>"
            + "<dt>Session expires</dt><dd id=\"expiration\">\(MockAWS.isoSeconds(session.expiration))</dd>"
            + "</dl></section>"
        main += "<section class=\"panel\"><h2>Permissions policies (\(view.policies.count))</h2>"
        if view.policies.isEmpty {
            main += "<p class=\"muted\" id=\"no-policies\">No permissions policies are attached to \(escape(session.roleName)).</p>"
        } else {
            main += "<table id=\"policies\"><thead><tr><th>Policy name</th><th>Type</th></tr></thead><tbody>"
            for policy in view.policies {
                main += "<tr><td class=\"policy-name\" title=\"\(escape(policy.arn ?? ""))\">\(escape(policy.name))</td>"
                    + "<td>\(escape(policy.type))</td></tr>"
            }
            main += "</tbody></table>"
        }
        main += "</section></div><section class=\"panel\"><h2>What this session may do</h2>"
            + "<p class=\"muted\">Answers of mock-aws's policy evaluator for the role's policies, as the policy simulator gives them.</p>"
            + "<table id=\"actions\"><thead><tr><th>Action</th><th>Resource</th><th>Decision</th></tr></thead><tbody>"
        for row in view.actions {
            let allowed = row.decision == .allowed
            main += "<tr data-action=\"\(escape(row.action))\" data-decision=\"\(row.decision.rawValue)\"><td><code>\(escape(row.action))</code></td>"
                + "<td><code>\(escape(row.resource))</code></td>"
                + "<td><span class=\"badge \(allowed ? "ok" : "deny")\">\(allowed ? "Allowed" : row.decision == .explicitDeny ? "Denied (explicit)" : "Denied")</span></td></tr>"
        }
        main += "</tbody></table></section>"
        return consoleFrame(title: "\(title) | AWS Management Console", session: session, region: view.region, main: main)
    }

    /// After Sign out: the session has ended.
    static func signedOut() -> String {
        signInFrame(title: "Signed out | Amazon Web Services", body: "<div class=\"signin-card\" id=\"signed-out\"><h1>You have signed out</h1>"
                    + "<p>Your console session has ended. To sign in again, open AWS from your identity provider (My Apps).</p></div>")
    }

    /// A console page without a session: none was opened, it expired, or it was signed out (403).
    static func notSignedIn() -> String {
        signInFrame(title: "Amazon Web Services Sign-In", body: "<div class=\"signin-card\" id=\"not-signed-in\"><div class=\"alert\">"
                    + "<span class=\"alert-icon\">!</span><div><h1>Session expired</h1><p id=\"error_message\">Your session has expired or you "
                    + "are not signed in. Sign in again through your identity provider.</p></div></div></div>")
    }

    /// A Sign out that did not come from the console's own form (403).
    static func forbiddenSignOut(_ reason: String) -> String {
        signInFrame(title: "Amazon Web Services Sign-In", body: "<div class=\"signin-card\" id=\"error\"><div class=\"alert\">"
                    + "<span class=\"alert-icon\">!</span><div><h1>Request refused</h1><p id=\"error_message\">\(escape(reason))</p></div></div></div>")
    }

    /// The console's frame: the dark header bar (logo, Services, search, Region, account menu with Sign out).
    static func consoleFrame(title: String, session: ConsoleSessions.Entry, region: String, main: String) -> String {
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title>"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>\(css)</style></head><body class=\"console\">"
        html += "<header id=\"awsc-nav-header\"><a class=\"nav-logo\" href=\"\(ConsoleDestination.home)\" aria-label=\"Console Home\">\(logo)</a>"
        html += "<span class=\"nav-item\">Services</span><input class=\"nav-search\" type=\"search\" placeholder=\"Search\" disabled />"
        html += "<span class=\"nav-spacer\"></span><span class=\"nav-item\" id=\"nav-regionMenu\">\(escape(region))</span>"
        html += "<details class=\"account-menu\"><summary><span id=\"nav-usernameMenu\" data-testid=\"awsc-nav-account-menu-button\">"
        html += "\(escape(session.display))</span></summary><div class=\"menu\">"
        html += "<p><span class=\"muted\">Account ID</span><br/><span id=\"menu-account\">\(escape(session.account))</span></p>"
        html += "<p><span class=\"muted\">Federated user</span><br/>\(escape(session.roleName))/\(escape(session.roleSessionName))</p>"
        html += "<form id=\"signout_form\" method=\"post\" action=\"/console/logout\">"
        html += "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(session.signOutToken))\" />"
        html += "<button type=\"submit\" id=\"aws-console-logout\" data-testid=\"aws-console-logout\" class=\"primary\">Sign out</button></form>"
        html += "</div></details></header><div class=\"subnav\">\(escape(session.display))</div><main>\(main)</main></body></html>"
        return html
    }

    static func serviceTitle(_ service: String) -> String {
        let known = ["s3": "Amazon S3", "ec2": "Amazon EC2", "iam": "IAM", "iamv2": "IAM", "cloudtrail": "CloudTrail",
                     "cloudtrailv2": "CloudTrail", "lambda": "Lambda", "rds": "Amazon RDS", "vpc": "VPC", "billing": "Billing"]
        return known[service] ?? service
    }

    /// The AWS wordmark, drawn in text and CSS (no image is fetched).
    static let logo = "<span class=\"logo\">aws<span class=\"smile\"></span></span>"

    static let css = """
        *{box-sizing:border-box}body{margin:0;font-family:"Amazon Ember","Helvetica Neue",Roboto,Arial,sans-serif;font-size:14px;\
        color:#16191f;background:#f2f3f3}a{color:#0073bb;text-decoration:none}code{font-family:Monaco,Menlo,Consolas,monospace;font-size:12px}\
        .logo{display:inline-block;position:relative;font-weight:700;font-size:26px;letter-spacing:-1px;line-height:1;padding-bottom:6px}\
        .smile{position:absolute;left:2px;right:4px;bottom:0;height:7px;border-bottom:3px solid #ff9900;border-radius:0 0 60% 60%}\
        .signin .logo{color:#232f3e}.signin-logo{text-align:center;padding:36px 0 18px}\
        .signin-card{max-width:560px;margin:0 auto;background:#fff;border:1px solid #d5dbdb;border-radius:8px;padding:24px 28px;\
        box-shadow:0 1px 4px rgba(0,28,36,.15)}.signin-card h1{font-size:20px;margin:0 0 8px}\
        .signin-footer{text-align:center;color:#687078;font-size:12px;padding:24px}\
        .select-role{font-size:16px;font-weight:700;margin:0 0 12px}fieldset{border:0;padding:0;margin:0}\
        .saml-account{border:1px solid #eaeded;border-radius:6px;padding:12px 16px;margin-bottom:14px}\
        .saml-account-name{font-weight:700;color:#232f3e}.saml-account hr{border:0;border-top:1px solid #eaeded;margin:10px 0}\
        .saml-role{display:flex;align-items:flex-start;padding:8px 6px;border-radius:4px}.saml-role:hover{background:#f1faff}\
        .saml-radio{margin:3px 10px 0 0;accent-color:#0073bb}.saml-role-description{cursor:pointer;font-weight:600}\
        .role-arn{display:block;font-weight:400;color:#687078;font-size:12px;font-family:Monaco,Menlo,Consolas,monospace}\
        .primary{background:#ec7211;border:1px solid #ec7211;color:#fff;font-weight:700;border-radius:2px;padding:6px 20px;\
        cursor:pointer;font-size:14px}.primary:hover{background:#eb5f07}#signin_button{margin-top:6px}\
        .alert{display:flex;gap:12px;border:1px solid #d13212;background:#fdf3f1;border-radius:4px;padding:14px 16px}\
        .alert h1{font-size:16px;color:#d13212;margin:0 0 4px}.alert p{margin:0}\
        .alert-icon{flex:none;width:22px;height:22px;border-radius:50%;background:#d13212;color:#fff;font-weight:700;\
        text-align:center;line-height:22px}.muted{color:#687078}.note{font-size:12px;color:#687078;border-top:1px solid #eaeded;\
        padding-top:10px;word-break:break-word}\
        header#awsc-nav-header{display:flex;align-items:center;gap:16px;background:#232f3e;color:#fff;height:44px;padding:0 16px}\
        .nav-logo .logo{color:#fff;font-size:22px}.nav-item{color:#fff;font-weight:700;font-size:14px}\
        .nav-search{width:360px;max-width:40vw;background:#fff;border:0;border-radius:4px;padding:6px 10px;font-size:13px}\
        .nav-spacer{flex:1}.account-menu{position:relative}.account-menu summary{list-style:none;cursor:pointer;font-weight:700;\
        padding:6px 8px;border-radius:4px}.account-menu summary::-webkit-details-marker{display:none}\
        .account-menu summary:after{content:" \\25BE"}.account-menu[open] summary{background:#414d5c}\
        .menu{position:absolute;right:0;top:38px;width:320px;background:#fff;color:#16191f;border-radius:6px;padding:14px 16px;\
        box-shadow:0 4px 20px rgba(0,28,36,.3);z-index:10;word-break:break-all}.menu p{margin:0 0 10px}.menu form{text-align:right}\
        .subnav{background:#fff;border-bottom:1px solid #eaeded;padding:8px 16px;color:#687078;font-size:12px}\
        main{max-width:1200px;margin:0 auto;padding:16px 24px}.breadcrumb{font-size:13px;color:#687078}\
        main h1{font-size:28px;font-weight:400;margin:8px 0 4px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:20px}\
        .panel{background:#fff;border-radius:8px;box-shadow:0 1px 1px rgba(0,28,36,.3),1px 1px 1px rgba(0,28,36,.15);\
        padding:16px 20px;margin-top:20px}.panel h2{font-size:18px;margin:0 0 12px}dl{display:grid;grid-template-columns:160px 1fr;\
        gap:8px 12px;margin:0}dt{color:#687078}dd{margin:0;word-break:break-all}table{width:100%;border-collapse:collapse}\
        th{text-align:left;background:#fafafa;border-bottom:1px solid #eaeded;padding:8px;font-size:13px}\
        td{border-bottom:1px solid #eaeded;padding:8px}.badge{display:inline-block;border-radius:12px;padding:2px 10px;font-size:12px;\
        font-weight:700}.badge.ok{background:#e9f7ec;color:#1d8102}.badge.deny{background:#fdf3f1;color:#d13212}
        """
}
