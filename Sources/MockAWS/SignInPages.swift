import AWSFederation
import Foundation
import SAML

/// The pages of `https://signin.aws.amazon.com/saml`: the role chooser in the shape AWS serves (captured in saml2aws
/// `testdata/saml.html`, aws-entra.md §4), the console landing page, and AWS-style error pages.
enum SignInPages {
    static func escape(_ s: String) -> String { Markup.escape(s) }

    static func chooser(_ sessions: [AssumeRoleWithSAMLResult], samlResponse: String, relayState: String) -> String {
        var html = "<!DOCTYPE html><html><head><title>Amazon Web Services Login</title></head><body>"
            + "<form id=\"saml_form\" name=\"saml_form\" action=\"/saml\" method=\"post\">"
            + "<input type=\"hidden\" name=\"RelayState\" value=\"\(escape(relayState))\" />"
            + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"\(escape(samlResponse))\" />"
            + "<input type=\"hidden\" name=\"name\" value=\"\" />"
            + "<p style=\"font-size: 16px; padding-left: 20px;\">Select a role:</p><fieldset>"
        var accounts: [String] = []
        for session in sessions where !accounts.contains(session.session.account) { accounts.append(session.session.account) }
        for account in accounts {
            html += "<div class=\"saml-account\"><div class=\"saml-account-name\">Account: \(account)</div><hr/>"
            for session in sessions where session.session.account == account {
                let arn = escape(session.session.role.roleARN.description)
                html += "<div class=\"saml-role\"><input type=\"radio\" name=\"roleIndex\" value=\"\(arn)\" class=\"saml-radio\" id=\"\(arn)\" />"
                    + "<label for=\"\(arn)\" class=\"saml-role-description\">\(escape(session.session.roleName))</label></div>"
            }
            html += "</div>"
        }
        return html + "</fieldset><input type=\"submit\" id=\"signin_button\" value=\"Sign In\" /></form></body></html>"
    }

    static func console(_ result: AssumeRoleWithSAMLResult, relayState: String?) -> String {
        let session = result.session
        return "<!DOCTYPE html><html><head><title>AWS Management Console</title></head><body>"
            + "<header><span id=\"nav-usernameMenu\" data-testid=\"awsc-nav-account-menu-button\">\(escape(session.consoleDisplay))</span></header>"
            + "<main><h1>Console Home</h1><dl>"
            + "<dt>Account</dt><dd id=\"account\">\(session.account)</dd>"
            + "<dt>Role</dt><dd id=\"role\">\(escape(session.roleName))</dd>"
            + "<dt>Federated user</dt><dd id=\"session-name\">\(escape(session.roleSessionName))</dd>"
            + "<dt>Assumed role</dt><dd id=\"assumed-role-arn\">\(escape(session.assumedRoleARN))</dd>"
            + "<dt>Session expires</dt><dd id=\"expiration\">\(MockAWS.isoSeconds(result.expiration))</dd>"
            // Only an AWS console URL is a destination (what AWS follows); anything else stays on Console Home.
            + (relayState.flatMap { AWSConsoleURL.contains($0) ? $0 : nil }
                .map { "<dt>Destination</dt><dd id=\"relay-state\">\(escape($0))</dd>" } ?? "")
            + "</dl></main></body></html>"
    }

    static func error(code: String, message: String, detail: String? = nil) -> String {
        "<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body><div id=\"error\">"
            + "<h1>Error</h1><p id=\"error_message\">\(escape(message))</p><p id=\"error_code\">\(escape(code))</p>"
            + (detail.map { "<p id=\"error_detail\">\(escape($0))</p>" } ?? "")
            + "</div></body></html>"
    }
}
