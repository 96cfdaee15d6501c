import AWSFederation
import Foundation
import Hummingbird
import Logging
import MockServerKit
import SAML

/// mock-aws's request context: the client's address, for audit events.
public typealias MockAWSContext = ClientAddressContext

/// mock-aws's HTTP surface: the STS and IAM query APIs on `POST /`, the console sign-in endpoint `POST /saml`, and
/// the audit trail on `GET /audit`. Every rule is `AWSFederation`'s; this type only speaks AWS's wire formats.
public struct MockAWS: Sendable {
    public let state: AWSState
    public let clock: any SAMLClock
    /// The region mock-aws stands for: STS and the audit trail are signed for it (IAM always for us-east-1).
    public let region: String
    /// The names its Host header may carry (DNS rebinding, ``AllowedHosts``).
    public let allowedHosts: AllowedHosts
    /// Refuse a SAMLResponse whose assertion already opened a console session (SAML profiles 4.1.4.5); STS is
    /// not affected (see ``AWSState/consumeConsoleAssertion(_:now:)``).
    public let rejectsConsoleReplay: Bool
    public let logger: Logger
    /// The console sessions `POST /saml` opened (the `aws-creds` cookie).
    let consoleSessions: ConsoleSessions

    public init(state: AWSState, clock: any SAMLClock = SystemClock(), region: String = "us-east-1",
                allowedHosts: AllowedHosts = AllowedHosts(bindAddress: "127.0.0.1"), rejectsConsoleReplay: Bool = true,
                logger: Logger = Logger(label: "mock-aws")) {
        self.state = state
        self.clock = clock
        self.region = region
        self.allowedHosts = allowedHosts
        self.rejectsConsoleReplay = rejectsConsoleReplay
        self.logger = logger
        self.consoleSessions = ConsoleSessions()
    }

    /// Largest accepted request body: a 100,000-character SAMLAssertion and its form encoding, with room.
    static let maxBody = 512 * 1024

    /// The routes, behind the Host check, the 404 page and ``MockAWSFailure``'s mapping to AWS's answers.
    func router() -> Router<MockAWSContext> {
        let router = Router(context: MockAWSContext.self)
        // First: a request for another host name is answered before any route or 404 (DNS rebinding).
        router.add(middleware: HostCheckMiddleware(server: "mock-aws", allowed: allowedHosts, logger: logger))
        router.add(middleware: NotFoundMiddleware(server: "mock-aws"))
        router.add(middleware: MockAWSFailureMiddleware())
        // S3 shares the endpoint: a bucket host, or any path the routes below do not serve.
        router.add(middleware: S3Middleware(server: self))
        router.post("/") { request, context in try await self.queryAPI(request, context) }
        router.post("/saml") { request, context in try await self.signIn(request, context) }
        router.get("/console") { request, context in await self.consolePage(request, context) }
        router.get("/console/**") { request, context in await self.consolePage(request, context) }
        router.post("/console/logout") { request, context in await self.consoleSignOut(request, context) }
        router.get("/audit") { request, context in try await self.auditTrail(request, context) }
        router.get("/health") { _, _ in "ok" }
        return router
    }

    // MARK: - Query API

    private static let stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    static let iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    /// AWS's generic fault namespace, for answers of the front end rather than of one service's API.
    private static let faultNamespace = "http://webservices.amazon.com/AWSFault/2005-15-09"
    private static let stsActions: Set<String> = ["AssumeRoleWithSAML", "GetCallerIdentity"]
    /// Every IAM action mock-aws serves; each is authorized by the caller's policies before it runs.
    static let iamActions: Set<String> = [
        "ListRoles", "GetRole", "ListSAMLProviders", "ListUsers", "GetUser", "ListAccessKeys", "DeleteUser", "DeleteAccessKey",
        "CreateSAMLProvider", "GetSAMLProvider", "UpdateSAMLProvider", "DeleteSAMLProvider",
        "CreateRole", "DeleteRole", "CreateUser", "CreateAccessKey",
        "CreatePolicy", "GetPolicy", "GetPolicyVersion", "ListPolicies", "ListPolicyVersions", "CreatePolicyVersion",
        "SetDefaultPolicyVersion", "DeletePolicyVersion", "DeletePolicy",
        "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies", "AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies",
        "PutRolePolicy", "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy",
        "PutUserPolicy", "GetUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
        "SimulatePrincipalPolicy", "SimulateCustomPolicy",
        "CreateGroup", "GetGroup", "ListGroups", "ListGroupsForUser", "AddUserToGroup", "RemoveUserFromGroup", "DeleteGroup",
        "AttachGroupPolicy", "DetachGroupPolicy", "ListAttachedGroupPolicies", "PutGroupPolicy", "GetGroupPolicy", "ListGroupPolicies",
        "DeleteGroupPolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "PutUserPermissionsBoundary",
        "DeleteUserPermissionsBoundary", "UpdateRole", "UpdateAssumeRolePolicy",
        "TagRole", "UntagRole", "ListRoleTags", "TagUser", "UntagUser", "ListUserTags",
    ]

    func queryAPI(_ request: Request, _ context: MockAWSContext) async throws(MockAWSFailure) -> Response {
        let requestID = UUID().uuidString.lowercased()
        var namespace = Self.stsNamespace
        do {
            let body = try await Self.body(request)
            // CloudTrail speaks the JSON protocol on the same endpoint, named by its target header.
            if let target = request.headers[.init("X-Amz-Target")!] {
                guard target == Self.lookupEventsTarget else {
                    return Self.jsonError(AWSError(code: "UnknownOperationException", message: "Unknown operation \(target)"), requestID: requestID)
                }
                return await lookupEvents(request, body: body, sourceIP: context.remoteIP)
            }
            var parameters = try FormEncoding.decodePairs(String(decoding: body, as: UTF8.self))
            for (name, value) in try FormEncoding.decodePairs(request.uri.query ?? "") where parameters[name] == nil {
                parameters[name] = value
            }
            guard let action = parameters["Action"] else {
                throw AWSError(code: "MissingAction", message: "Missing Action")
            }
            if !Self.stsActions.contains(action) { namespace = Self.iamNamespace }
            switch action {
            case "AssumeRoleWithSAML":
                return try await assumeRoleWithSAML(parameters, requestID: requestID, sourceIP: context.remoteIP)
            case "GetCallerIdentity":
                // Never denied, whatever the policies say (STS API reference, GetCallerIdentity).
                let caller = try await authenticate(request, body: body, scope: .sts(serving: region))
                return Self.xml("GetCallerIdentity", namespace: namespace, requestID: requestID,
                                result: "<Arn>\(Self.escape(caller.arn))</Arn><UserId>\(Self.escape(caller.userID))</UserId><Account>\(state.account)</Account>")
            case _ where Self.iamActions.contains(action):
                let caller = try await authenticate(request, body: body, scope: .iam)
                do throws(AWSError) {
                    try await authorize(caller, await iamAuthorization(action, parameters, caller: caller), sourceIP: context.remoteIP,
                                        userAgent: request.headers[.userAgent])
                    var response = try await iamRead(action, parameters, requestID: requestID, caller: caller)
                    if response == nil { response = try await iamWrite(action, parameters, requestID: requestID, caller: caller) }
                    if response == nil { response = try await iamPolicy(action, parameters, requestID: requestID) }
                    if response == nil { response = try await simulate(action, parameters, requestID: requestID) }
                    if response == nil { response = try await iamGroups(action, parameters, requestID: requestID) }
                    if response == nil { response = try await iamTagging(action, parameters, requestID: requestID) }
                    guard let response else { throw AWSError(code: "InvalidAction", message: "Could not find operation \(action)") }
                    await auditCall(caller, action, parameters, source: "iam.amazonaws.com", sourceIP: context.remoteIP, requestID: requestID, error: nil)
                    return response
                } catch {
                    await auditCall(caller, action, parameters, source: "iam.amazonaws.com", sourceIP: context.remoteIP, requestID: requestID, error: error)
                    throw error
                }
            default:
                throw AWSError(code: "InvalidAction", message: "Could not find operation \(action) for version \(parameters["Version"] ?? "")")
            }
        } catch let error as AWSError {
            throw .query(error, namespace: namespace, requestID: requestID)
        } catch let error as SAMLError {
            throw .query(AWSError(code: "MalformedQueryString", message: error.message), namespace: namespace, requestID: requestID)
        } catch {
            throw .query(AWSError(code: "MalformedQueryString", message: "The request could not be read"), namespace: namespace,
                         requestID: requestID)
        }
    }

    /// STS AssumeRoleWithSAML: unsigned, as on AWS.
    func assumeRoleWithSAML(_ parameters: [String: String], requestID: String, sourceIP: String) async throws(AWSError) -> Response {
        let federation = await state.federation(clock: clock)
        let principal = parameters["PrincipalArn"] ?? ""
        do {
            let sessionPolicies = try await sessionPolicies(parameters)
            let result = try federation.assumeRoleWithSAML(AssumeRoleWithSAMLRequest(
                samlAssertion: parameters["SAMLAssertion"] ?? "", roleARN: parameters["RoleArn"] ?? "", principalARN: principal,
                durationSeconds: parameters["DurationSeconds"].flatMap { Int($0) }))
            let session = await state.issueSession(for: result, sessionPolicies: sessionPolicies)
            await audit("AssumeRoleWithSAML", source: "sts.amazonaws.com", sourceIP: sourceIP, requestID: requestID,
                        subject: result.subject, nameQualifier: result.nameQualifier, provider: principal,
                        session: result.session.consoleDisplay, role: result.session.role.roleARN.description, error: nil,
                        signedWith: result.signingCertificates, requestParameters: Self.assumeParameters(parameters),
                        responseElements: [
                            "credentials": .object(["accessKeyId": .string(session.credentials.accessKeyID),
                                                    "expiration": .string(Self.isoSeconds(result.expiration))]),
                            "assumedRoleUser": .object(["assumedRoleId": .string(result.assumedRoleID), "arn": .string(result.session.assumedRoleARN)]),
                            "subject": .string(result.subject), "subjectType": .string(result.subjectType), "issuer": .string(result.issuer),
                            "audience": .string(result.audience), "nameQualifier": .string(result.nameQualifier),
                        ])
            var fields = "<Credentials><AccessKeyId>\(session.credentials.accessKeyID)</AccessKeyId>"
                + "<SecretAccessKey>\(session.credentials.secretAccessKey)</SecretAccessKey>"
                + "<SessionToken>\(session.credentials.sessionToken ?? "")</SessionToken>"
                + "<Expiration>\(Self.isoSeconds(result.expiration))</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>\(Self.escape(result.assumedRoleID))</AssumedRoleId>"
                + "<Arn>\(Self.escape(result.session.assumedRoleARN))</Arn></AssumedRoleUser>"
                + "<PackedPolicySize>0</PackedPolicySize><Subject>\(Self.escape(result.subject))</Subject>"
                + "<SubjectType>\(Self.escape(result.subjectType))</SubjectType><Issuer>\(Self.escape(result.issuer))</Issuer>"
                + "<Audience>\(Self.escape(result.audience))</Audience><NameQualifier>\(result.nameQualifier)</NameQualifier>"
            if let sourceIdentity = result.sourceIdentity { fields += "<SourceIdentity>\(Self.escape(sourceIdentity))</SourceIdentity>" }
            return Self.xml("AssumeRoleWithSAML", namespace: Self.stsNamespace, requestID: requestID, result: fields)
        } catch {
            await audit("AssumeRoleWithSAML", source: "sts.amazonaws.com", sourceIP: sourceIP, requestID: requestID, subject: nil,
                        nameQualifier: nil, provider: principal, session: nil, role: parameters["RoleArn"], error: error,
                        requestParameters: Self.assumeParameters(parameters))
            throw error
        }
    }

    /// AssumeRoleWithSAML's session policies: `Policy` (inline JSON, at most 2,048 characters) and `PolicyArns` (up to
    /// 10 managed policies of the account or AWS's), as STS's service model bounds them; `nil` when neither is given.
    func sessionPolicies(_ parameters: [String: String]) async throws(AWSError) -> [PolicySource]? {
        var result: [PolicySource] = []
        if let text = parameters["Policy"] {
            guard (1...2048).contains(text.count) else {
                throw AWSError.validationError("1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")
            }
            result.append(PolicySource(id: "SessionPolicy", type: .none, document: try PolicyDocument(json: text, kind: .identity)))
        }
        var arns: [String] = []
        while let arn = parameters["PolicyArns.member.\(arns.count + 1).arn"], arns.count <= 10 { arns.append(arn) }
        guard arns.count <= 10 else {
            throw AWSError.validationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
        }
        for arn in arns {
            // The exact STS text for an unknown ARN is not documented; IAM's wording for one is used.
            guard let policy = await state.policies.policy(arn), policy.arn == arn, let version = policy.defaultVersion else {
                throw AWSError.malformedPolicyDocument("Policy \(arn) does not exist or is not attachable.")
            }
            result.append(PolicySource(id: policy.name, type: policy.isAWSManaged ? .awsManaged : .userManaged, document: version.document))
        }
        return result.isEmpty ? nil : result
    }

    /// Verifies SigV4 with an IAM user's key or STS-issued temporary credentials, scoped to `scope`; returns the caller.
    func authenticate(_ request: Request, body: [UInt8], scope: SigningScope, s3: Bool = false) async throws(AWSError) -> Caller {
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority { headers.append((name: "Host", value: authority)) }
        let signed = SigV4.Request(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                   headers: headers, body: body)
        let now = clock.now
        // Resolve the caller up front (an actor call), then verify synchronously against that answer.
        let keyID = SigV4.accessKeyID(of: signed)
        var caller: Caller?
        if let keyID { caller = try await state.caller(accessKeyID: keyID, now: now) }
        let checkScope = { (region: String, service: String) throws(AWSError) in
            do throws(AWSError) {
                try scope.check(region: region, service: service)
            } catch {
                logger.notice("signature refused: credential scope", metadata: ["scope": "\(region)/\(service)", "expected": "\(scope.service)"])
                throw error
            }
        }
        let lookup = { (id: String) throws(AWSError) -> SigV4.Credentials? in id == keyID ? caller?.credentials : nil }
        // Only S3 takes presigned URLs; the query APIs read X-Amz-* query parameters as unknown ones.
        if s3 && SigV4.isPresigned(signed) {
            _ = try SigV4.verifyPresigned(signed, now: now, scope: checkScope, lookup: lookup)
        } else {
            _ = try SigV4.verify(signed, now: now, s3: s3, scope: checkScope, lookup: lookup)
        }
        guard let caller else {
            throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", httpStatus: 403)
        }
        return caller
    }

    // MARK: - Audit trail

    /// `GET /audit`: the events, for any credential of the account (an IAM user's key or an STS session) signed for
    /// CloudTrail in mock-aws's region; an unsigned request gets AWS's MissingAuthenticationToken (403). The trail
    /// names users, roles and source addresses, which AWS shows only to signed callers.
    func auditTrail(_ request: Request, _ context: MockAWSContext) async throws(MockAWSFailure) -> Response {
        let requestID = UUID().uuidString.lowercased()
        do throws(AWSError) {
            let caller = try await authenticate(request, body: [], scope: .cloudTrail(serving: region))
            // CloudTrail's LookupEvents has no resource type: AWS's denial names none.
            try await authorize(caller, Authorization(action: "cloudtrail:LookupEvents", resource: "*", shownResource: nil),
                                sourceIP: context.remoteIP, userAgent: request.headers[.userAgent])
        } catch {
            logger.notice("audit trail refused", metadata: ["code": "\(error.code)", "source": "\(context.remoteIP)"])
            throw .query(error, namespace: Self.faultNamespace, requestID: requestID)
        }
        let events = await state.auditEvents
        let body = (try? JSONEncoder.audit.encode(events)) ?? Data("[]".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: - Sign-in endpoint

    func signIn(_ request: Request, _ context: MockAWSContext) async throws(MockAWSFailure) -> Response {
        let requestID = UUID().uuidString.lowercased()
        let fields: [String: String]
        do {
            fields = try FormEncoding.decodePairs(String(decoding: try await Self.body(request), as: UTF8.self))
        } catch {
            let failure = AWSError(code: "InvalidRequest", message: "The sign-in request could not be read.")
            await audit("ConsoleLogin", source: "signin.amazonaws.com", sourceIP: context.remoteIP, requestID: requestID, subject: nil,
                        nameQualifier: nil, provider: nil, session: nil, role: nil, error: failure)
            throw .console(failure, requestID: requestID)
        }
        guard let samlResponse = fields["SAMLResponse"], !samlResponse.isEmpty else {
            let failure = AWSError.invalidIdentityToken("Your request included an invalid SAML response. To logout, click here.")
            await audit("ConsoleLogin", source: "signin.amazonaws.com", sourceIP: context.remoteIP, requestID: requestID, subject: nil,
                        nameQualifier: nil, provider: nil, session: nil, role: nil, error: failure)
            throw .console(failure, requestID: requestID)
        }
        let federation = await state.federation(clock: clock)
        do throws(AWSError) {
            let sessions = try federation.signIn(samlResponse: samlResponse)
            // One assertion, one console session: a used one is refused before the chooser too, so a captured
            // response cannot even list the roles again. Only issuing the session consumes it (the chooser re-posts
            // the same SAMLResponse with `roleIndex`).
            if rejectsConsoleReplay, let id = sessions.first?.assertionID, await state.consoleAssertionUsed(id, now: clock.now) {
                throw AWSState.consoleReplay(id)
            }
            if let chosen = fields["roleIndex"] {
                guard let session = sessions.first(where: { $0.session.role.roleARN.description == chosen }) else {
                    throw AWSError.accessDenied()
                }
                return try await openConsole(session, relayState: fields["RelayState"], request: request, sourceIP: context.remoteIP,
                                             requestID: requestID)
            }
            if sessions.count == 1, let session = sessions.first {
                return try await openConsole(session, relayState: fields["RelayState"], request: request, sourceIP: context.remoteIP,
                                             requestID: requestID)
            }
            return Self.html(SignInPages.chooser(sessions, samlResponse: samlResponse, relayState: fields["RelayState"] ?? ""), status: .ok)
        } catch {
            await audit("ConsoleLogin", source: "signin.amazonaws.com", sourceIP: context.remoteIP, requestID: requestID, subject: nil,
                        nameQualifier: nil, provider: nil, session: nil, role: fields["roleIndex"], error: error)
            throw .console(error, requestID: requestID)
        }
    }

    /// Opens a console session for `session`, after recording its assertion as used (the check and the record are
    /// one actor call, so two posts of one assertion at once cannot both open a session), and sends the browser to
    /// the console: 302 Found, as AWS's sign-in endpoint answers (aws-entra.md §4; saml2aws PR #467: "AWS
    /// automatically redirects to the Console when there is only one role"), to the RelayState when it is an AWS
    /// console URL and to Console Home otherwise (``ConsoleDestination``), with the session cookie.
    private func openConsole(_ session: AssumeRoleWithSAMLResult, relayState: String?, request: Request, sourceIP: String,
                             requestID: String) async throws(AWSError) -> Response {
        if rejectsConsoleReplay { try await state.consumeConsoleAssertion(session, now: clock.now) }
        await auditConsole(session, sourceIP: sourceIP, requestID: requestID)
        // The console acts with STS credentials for the role, as AWS's sign-in obtains them.
        let credentials = await state.issueSession(for: session)
        let now = clock.now
        let entry = await consoleSessions.open(session, session: credentials, now: now)
        // The Host header was checked against the names mock-aws answers to, so the Location stays on mock-aws.
        let location = ConsoleDestination.absolute(ConsoleDestination.path(relayState: relayState), authority: request.head.authority ?? "localhost")
        var response = Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        response.setCookie(Self.consoleCookie(entry.token, maxAge: max(1, Int(session.expiration.timeIntervalSince(now)))))
        return response
    }

    private func auditConsole(_ result: AssumeRoleWithSAMLResult, sourceIP: String, requestID: String) async {
        await audit("ConsoleLogin", source: "signin.amazonaws.com", sourceIP: sourceIP, requestID: requestID, subject: result.subject,
                    nameQualifier: result.nameQualifier, provider: result.session.role.providerARN.description,
                    session: result.session.consoleDisplay, role: result.session.role.roleARN.description, error: nil,
                    signedWith: result.signingCertificates)
    }

    private func audit(_ name: String, source: String, sourceIP: String, requestID: String, subject: String?, nameQualifier: String?,
                       provider: String?, session: String?, role: String?, error: AWSError?, signedWith: [String]? = nil,
                       requestParameters: [String: JSONValue]? = nil, responseElements: [String: JSONValue]? = nil) async {
        if let error {
            logger.notice("\(name) refused", metadata: ["code": "\(error.code)", "reason": "\(error.cause?.description ?? error.message)",
                                                     "source": "\(sourceIP)", "request": "\(requestID)"])
        } else {
            // Successes are in the audit trail; logging each at debug keeps a loaded server off the stdout lock.
            logger.debug("\(name)", metadata: ["session": "\(session ?? "")", "source": "\(sourceIP)", "request": "\(requestID)"])
        }
        let identity = AuditEvent.UserIdentity(type: "SAMLUser",
                                               principalId: subject.map { "\(nameQualifier ?? ""):\($0)" },
                                               userName: subject, identityProvider: provider)
        let console = name == "ConsoleLogin"
        await state.record(AuditEvent(eventTime: Self.isoSeconds(clock.now), eventSource: source, eventName: name, awsRegion: region,
                                      sourceIPAddress: sourceIP, userIdentity: identity, session: session, roleArn: role,
                                      errorCode: error?.code, errorMessage: error?.message, requestID: requestID,
                                      signingCertificates: signedWith, eventID: UUID().uuidString.lowercased(), readOnly: false,
                                      eventType: console ? "AwsConsoleSignIn" : "AwsApiCall", requestParameters: requestParameters,
                                      responseElements: console ? ["ConsoleLogin": .string(error == nil ? "Success" : "Failure")] : responseElements))
    }

    // MARK: - Wire formats

    static func body(_ request: Request) async throws -> [UInt8] { try await MockServer.body(request, limit: maxBody) }

    static func xml(_ action: String, namespace: String, requestID: String, result: String) -> Response {
        let text = "<\(action)Response xmlns=\"\(namespace)\"><\(action)Result>\(result)</\(action)Result>"
            + "<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>"
        return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ page: String, status: HTTPResponse.Status) -> Response { MockServer.html(page, status: status) }

    static func roleXML(_ role: IAMRole, created: Date, description: String? = nil, boundary: String? = nil, tags: [IAMTag] = []) -> String {
        "<Path>\(escape(rolePath(role)))</Path><AssumeRolePolicyDocument>\(FormEncoding.encode(role.trustPolicy.document))</AssumeRolePolicyDocument>"
            + "<MaxSessionDuration>\(role.maxSessionDuration)</MaxSessionDuration><RoleId>\(role.uniqueID)</RoleId>"
            + "<RoleName>\(escape(role.name))</RoleName><Arn>\(role.arn)</Arn><CreateDate>\(isoSeconds(created))</CreateDate>"
            + (description.map { "<Description>\(escape($0))</Description>" } ?? "") + boundaryXML(boundary)
            + (tags.isEmpty ? "" : "<Tags>\(IAMTags.xml(tags))</Tags>")
    }

    /// IAM's `PermissionsBoundary` element of a role or user (nothing when it has none).
    static func boundaryXML(_ arn: String?) -> String {
        arn.map { "<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>\(escape($0))</PermissionsBoundaryArn></PermissionsBoundary>" } ?? ""
    }

    /// Text escaped for XML, with any character XML 1.0 does not allow (C0 controls but tab, newline and carriage
    /// return; U+FFFE, U+FFFF) replaced by U+FFFD: a value echoed into a response, such as an invalid name quoted in a
    /// ValidationError, must never make the whole response unreadable.
    static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { !isXMLCharacter($0) }) else { return Markup.escape(s) }
        var clean = String.UnicodeScalarView()
        for scalar in s.unicodeScalars { clean.append(isXMLCharacter(scalar) ? scalar : "\u{FFFD}") }
        return Markup.escape(String(clean))
    }

    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF)
    }

    /// IAM's description types (botocore: `roleDescriptionType`, pattern `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`,
    /// at most 1,000 characters).
    static func checkRoleDescription(_ description: String) throws(AWSError) {
        let allowed = description.unicodeScalars.allSatisfy { v in
            [0x9, 0xA, 0xD].contains(v.value) || (0x20...0x7E).contains(v.value) || (0xA1...0xFF).contains(v.value)
        }
        guard allowed, description.count <= 1000 else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*")
        }
    }

    /// A role's path, from its ARN (`role/team/Name` → `/team/`).
    static func rolePath(_ role: IAMRole) -> String {
        let parts = role.arn.resource.split(separator: "/")
        return "/" + parts.dropFirst().dropLast().map { $0 + "/" }.joined()
    }

    /// `2025-05-01T13:00:30Z`.
    static func isoSeconds(_ date: Date) -> String { String(SAMLInstant.format(date).prefix(19)) + "Z" }
}
