import AWSFederation
import Foundation
import Hummingbird
import SAML

/// The console mock-aws serves in place of `console.aws.amazon.com` (offline): `GET /console/...` shows the session
/// the sign-in endpoint opened (the `aws-creds` cookie), and `POST /console/logout` (Sign out) ends it.
extension MockAWS {
    /// The actions the console page asks the evaluator about: what the guide's two roles differ on (S3 against IAM),
    /// and a few of services mock-aws does not serve. The resource is the one IAM authorizes the call against
    /// (Service Authorization Reference); `ACCOUNT` is replaced by the account.
    static let consoleActions: [(action: String, resource: String)] = [
        ("s3:ListAllMyBuckets", "*"), ("s3:CreateBucket", "arn:aws:s3:::*"), ("s3:PutObject", "arn:aws:s3:::*/*"),
        ("iam:ListRoles", "*"), ("iam:CreateUser", "arn:aws:iam::ACCOUNT:user/*"), ("iam:CreateSAMLProvider", "arn:aws:iam::ACCOUNT:saml-provider/*"),
        ("cloudtrail:LookupEvents", "*"), ("ec2:DescribeInstances", "*"),
    ]

    /// `GET /console` and every path under it: the console page of the session in the cookie; without one (never
    /// opened, expired, signed out), AWS's "session expired" page with 403, and the stale cookie removed.
    func consolePage(_ request: Request, _ context: MockAWSContext) async -> Response {
        let now = clock.now
        guard let entry = await consoleSessions.find(request.cookies[ConsoleSessions.cookieName]?.value, now: now),
              let caller = (try? await state.caller(accessKeyID: entry.accessKeyID, now: now)) ?? nil else {
            var response = Self.html(SignInPages.notSignedIn(), status: .forbidden)
            if request.cookies[ConsoleSessions.cookieName] != nil { response.setCookie(Self.consoleCookie("", maxAge: 0)) }
            return response
        }
        let store = await state.policies
        // Listed only while the role the session was issued for exists, as the evaluator reads them.
        let current = await state.identityPolicies(of: caller).isEmpty == false
        var policies: [SignInPages.ConsoleView.PolicyRow] = []
        if current {
            for policy in store.attached(to: entry.roleName, .role) {
                policies.append(.init(name: policy.name, type: policy.isAWSManaged ? "AWS managed" : "Customer managed", arn: policy.arn))
            }
            for name in store.inlineNames(on: entry.roleName, .role) { policies.append(.init(name: name, type: "Customer inline", arn: nil)) }
        }
        // The boundary limits what the policies above allow (IAM User Guide, "Permissions boundaries for IAM entities").
        if let boundary = store.boundary(of: entry.roleName, .role) {
            policies.append(.init(name: boundary.name, type: "Permissions boundary", arn: boundary.arn))
        }
        var actions: [SignInPages.ConsoleView.ActionRow] = []
        for (action, pattern) in Self.consoleActions {
            let resource = pattern.replacingOccurrences(of: "ACCOUNT", with: state.account)
            let evaluation = await evaluate(caller, Authorization(action: action, resource: resource, shownResource: nil),
                                            sourceIP: context.remoteIP, userAgent: request.headers[.userAgent])
            actions.append(.init(action: action, resource: resource, decision: evaluation.decision))
        }
        let path = request.uri.path
        let query = request.uri.query
        let view = SignInPages.ConsoleView(session: entry, path: path + (query.map { "?" + $0 } ?? ""),
                                           region: ConsoleDestination.region(inQuery: query, fallback: region),
                                           service: ConsoleDestination.service(ofPath: path), policies: policies, actions: actions)
        return Self.html(SignInPages.console(view), status: .ok)
    }

    /// `POST /console/logout`, the account menu's Sign out: only the console's own form ends the session. A forged
    /// cross-site post is refused (403) three ways: the browser's `Sec-Fetch-Site` or `Origin` names another origin,
    /// the session cookie is `SameSite=Lax` (not sent on a cross-site post), and the form must carry the session's
    /// sign-out token, which another origin cannot read.
    func consoleSignOut(_ request: Request, _ context: MockAWSContext) async -> Response {
        if let reason = Self.crossSiteReason(request) {
            logger.notice("sign out refused", metadata: ["reason": "\(reason)", "source": "\(context.remoteIP)"])
            return Self.html(SignInPages.forbiddenSignOut("Sign out must come from the console itself (\(reason))."), status: .forbidden)
        }
        let now = clock.now
        guard let entry = await consoleSessions.find(request.cookies[ConsoleSessions.cookieName]?.value, now: now) else {
            var response = Self.html(SignInPages.notSignedIn(), status: .forbidden)
            response.setCookie(Self.consoleCookie("", maxAge: 0))
            return response
        }
        let fields = (try? FormEncoding.decodePairs(String(decoding: (try? await Self.body(request)) ?? [], as: UTF8.self))) ?? [:]
        guard let token = fields["csrf"], SigV4.constantTimeEqual(token, entry.signOutToken) else {
            logger.notice("sign out refused", metadata: ["reason": "no sign-out token", "source": "\(context.remoteIP)"])
            return Self.html(SignInPages.forbiddenSignOut("Sign out must come from the console itself (the form's token is missing or wrong)."),
                             status: .forbidden)
        }
        await consoleSessions.close(entry.token)
        var response = Self.html(SignInPages.signedOut(), status: .ok)
        response.setCookie(Self.consoleCookie("", maxAge: 0))
        return response
    }

    /// Why `request` is not from mock-aws's own pages, or nil: Fetch Metadata (`Sec-Fetch-Site` other than
    /// `same-origin`), or an `Origin` other than the origin the request was sent to (`http://` + its checked Host).
    static func crossSiteReason(_ request: Request) -> String? {
        if let site = request.headers.first(where: { $0.name.canonicalName == "sec-fetch-site" })?.value, site != "same-origin" {
            return "Sec-Fetch-Site: \(site.prefix(40))"
        }
        if let origin = request.headers[.origin], origin != "http://" + (request.head.authority ?? "") {
            return "Origin: \(origin.prefix(100))"
        }
        return nil
    }

    /// The console session cookie: `HttpOnly` (no script reads it), `SameSite=Lax` (sent on the top-level redirect
    /// from the sign-in post, not on a cross-site post), scoped to the console's paths. Not `Secure`: mock-aws is
    /// plain HTTP on the loopback.
    static func consoleCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: ConsoleSessions.cookieName, value: value, maxAge: maxAge, path: "/console", httpOnly: true, sameSite: .lax)
    }
}
