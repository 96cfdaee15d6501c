import AWSFederation
import Foundation
import SAML

/// Everything mock-aws knows, in memory: one account, IAM users and their keys, roles, SAML providers, the
/// temporary credentials STS issued, and the audit trail. An actor, so concurrent requests see a consistent state.
public actor AWSState {
    public struct AccessKey: Sendable {
        package var credentials: SigV4.Credentials
        public var userName: String
        public var created: Date
    }

    /// Temporary credentials from AssumeRoleWithSAML.
    public struct Session: Sendable {
        package var credentials: SigV4.Credentials
        public var expiration: Date
        public var assumedRoleARN: String
        public var assumedRoleID: String
        public var account: String
        public var roleName: String
        public var roleSessionName: String
        /// The session policies passed with AssumeRoleWithSAML (`Policy`, `PolicyArns`); `nil` when none were.
        public var sessionPolicies: [PolicySource]?
        /// The session tags (SAML `PrincipalTag:` attributes), as `aws:PrincipalTag/KEY` condition keys.
        public var principalTags: [String: String]
        /// When the credentials were issued (`aws:TokenIssueTime`, which AWS's "revoke active sessions" policy tests).
        public var issued: Date
        /// The unique ID (`AROA…`) of the role the session belongs to: a role deleted and created again under the
        /// same name is another identity, and the session gets none of its permissions.
        public var roleUniqueID: String
    }

    public let account: String
    public private(set) var users: [String: String] = [:]  // name → user ID
    public private(set) var accessKeys: [String: AccessKey] = [:]
    public private(set) var roles: [IAMRole] = []
    public private(set) var providers: [SAMLProvider] = []
    public private(set) var providerDocuments: [String: String] = [:]  // ARN → metadata document
    /// Per provider ARN: its UUID (the IdP-ID of the encrypted-assertion endpoints) and private keys with their IDs.
    public private(set) var providerUUIDs: [String: String] = [:]
    public private(set) var privateKeys: [String: [(id: String, added: Date, key: SigningKey)]] = [:]
    public private(set) var sessions: [String: Session] = [:]
    /// Managed and inline permission policies and their attachments.
    public internal(set) var policies: IAMPolicyStore
    /// S3's buckets and objects.
    public internal(set) var s3: S3Store
    /// Issue order of `sessions`, oldest first, for eviction.
    private var sessionOrder: [String] = []
    private var sessionOrderStart = 0
    /// The most recent audit events (all of them also go to the JSON-lines file, when configured).
    public private(set) var auditEvents: [AuditEvent] = []
    /// Memory bounds, so a long-running mock under load keeps a flat footprint: the oldest sessions and in-memory
    /// audit events are dropped beyond these (AWS would keep credentials until they expire).
    public let maxSessions: Int
    public let maxAuditEventsInMemory: Int
    private let auditFile: FileHandle?
    public private(set) var settings: FederationSettings
    /// Assertions that opened a console session: the sign-in endpoint's replay cache (SAML profiles 4.1.4.5), the
    /// library's bounded one, failing closed when full. STS keeps none: AssumeRoleWithSAML takes the same assertion
    /// again while it is valid (saml2aws posts it to the sign-in endpoint for the role list, then to STS).
    private let consoleAssertions: InMemoryReplayCache

    /// Accepts `url` as a sign-in endpoint (mock-aws's own `/saml`, known once the port is bound).
    public func acceptSignInURL(_ url: String) { settings.additionalSignInURLs.insert(url) }

    /// When roles, users and providers were created (their `CreateDate`), by ARN.
    public private(set) var created: [String: Date] = [:]
    /// Reads the time for creation dates.
    public let clock: any SAMLClock

    /// - Parameter s3Directory: Where S3 objects are kept across restarts; `nil` keeps them in memory only.
    public init(account: String, settings: FederationSettings = FederationSettings(), auditFile: URL? = nil,
                maxSessions: Int = 10_000, maxAuditEventsInMemory: Int = 10_000, maxConsoleAssertions: Int = 100_000,
                clock: any SAMLClock = SystemClock(), s3Directory: URL? = nil) throws {
        self.account = account
        self.s3 = S3Store(directory: s3Directory)
        self.clock = clock
        self.policies = IAMPolicyStore(account: account)
        self.settings = settings
        self.consoleAssertions = InMemoryReplayCache(capacity: maxConsoleAssertions)
        self.maxSessions = max(1, maxSessions)
        self.maxAuditEventsInMemory = max(1, maxAuditEventsInMemory)
        if let auditFile {
            if !FileManager.default.fileExists(atPath: auditFile.path) {
                _ = FileManager.default.createFile(atPath: auditFile.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: auditFile)
            try handle.seekToEnd()
            self.auditFile = handle
        } else {
            self.auditFile = nil
        }
    }

    // MARK: - IAM

    public func addUser(_ name: String, path: String = "/") -> String {
        if let id = users[name] { return id }
        let id = "AIDA" + Self.randomID(17)
        users[name] = id
        userPaths[name] = path
        created[userARN(name)] = clock.now
        return id
    }

    /// Users' paths (`/` unless CreateUser gave one).
    public private(set) var userPaths: [String: String] = [:]
    /// IAM groups by name (see IAMGroups.swift).
    public internal(set) var groups: [String: IAMGroup] = [:]
    /// Tags of roles (`role:NAME`) and users (`user:NAME`), in the order set (see IAMTags.swift).
    public internal(set) var iamTags: [String: [IAMTag]] = [:]
    /// Role descriptions (CreateRole's and UpdateRole's `Description`), by role name.
    public internal(set) var roleDescriptions: [String: String] = [:]

    public func userARN(_ name: String) -> String { "arn:aws:iam::\(account):user\(userPaths[name] ?? "/")\(name)" }

    /// DeleteUser: IAM refuses while the user has access keys or policies (IAM User Guide, "Deleting an IAM user").
    public func deleteUser(_ name: String) throws(AWSError) {
        guard users[name] != nil else {
            throw AWSError(code: "NoSuchEntity", message: "The user with name \(name) cannot be found.", httpStatus: 404)
        }
        guard accessKeyCount(user: name) == 0 else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must delete access keys first.", httpStatus: 409)
        }
        guard !policies.hasPolicies(name, .user) else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must detach all policies first.", httpStatus: 409)
        }
        // IAM's order of clean-up: the user must leave its groups first (IAM User Guide, "Deleting an IAM user").
        guard !groups.values.contains(where: { $0.members.contains(name) }) else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must remove users from group first.", httpStatus: 409)
        }
        created[userARN(name)] = nil
        iamTags["user:" + name] = nil
        users[name] = nil
        userPaths[name] = nil
        policies.forget(name, .user)
    }

    /// DeleteAccessKey: the key must be the user's.
    public func deleteAccessKey(_ id: String, user: String) throws(AWSError) {
        guard accessKeys[id]?.userName == user else {
            throw AWSError(code: "NoSuchEntity", message: "The Access Key with id \(id) cannot be found.", httpStatus: 404)
        }
        accessKeys[id] = nil
    }

    /// An IAM user's access keys: IAM allows two (IAM User Guide, "IAM and AWS STS quotas").
    public func accessKeyCount(user: String) -> Int { accessKeys.values.filter { $0.userName == user }.count }

    /// The creation time of the role, user or provider `arn` (now, for one created before this was recorded).
    public func createDate(_ arn: String) -> Date { created[arn] ?? clock.now }

    package func addAccessKey(user: String, keyID: String? = nil, secret: String? = nil) -> SigV4.Credentials {
        let credentials = SigV4.Credentials(accessKeyID: keyID ?? "AKIA" + Self.randomID(16),
                                            secretAccessKey: secret ?? Self.randomSecret())
        accessKeys[credentials.accessKeyID] = AccessKey(credentials: credentials, userName: user, created: clock.now)
        return credentials
    }

    func replaceRole(at index: Int, with role: IAMRole) { roles[index] = role }

    public func putRole(_ role: IAMRole) {
        roles.removeAll { $0.arn == role.arn }
        roles.append(role)
        if created[role.arn.description] == nil { created[role.arn.description] = clock.now }
    }

    /// DeleteRole: IAM refuses while policies are attached or inline ones remain.
    public func deleteRole(name: String) throws(AWSError) -> Bool {
        guard roles.contains(where: { $0.name == name }) else { return false }
        guard !policies.hasPolicies(name, .role) else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete entity, must detach all policies first.", httpStatus: 409)
        }
        roles.removeAll { $0.name == name }
        policies.forget(name, .role)
        roleDescriptions[name] = nil
        iamTags["role:" + name] = nil
        created["arn:aws:iam::\(account):role/\(name)"] = nil
        return true
    }

    public func putProvider(_ provider: SAMLProvider, document: String) {
        var provider = provider
        let keys = privateKeys[provider.arn] ?? []
        provider.decryption = keys.isEmpty ? nil : Decryption(keys: keys.map(\.key), allowCBC: true)
        providers.removeAll { $0.arn == provider.arn }
        providers.append(provider)
        providerDocuments[provider.arn] = document
        if created[provider.arn] == nil { created[provider.arn] = clock.now }
        if providerUUIDs[provider.arn] == nil { providerUUIDs[provider.arn] = Self.randomID(22) }
    }

    /// Adds a decryption key (AddPrivateKey); returns its KeyId. AWS allows two per provider.
    public func addPrivateKey(_ key: SigningKey, to arn: String, now: Date) throws(AWSError) -> String {
        guard (privateKeys[arn]?.count ?? 0) < 2 else {
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for PrivateKeysPerSAMLProvider: 2", httpStatus: 409)
        }
        let id = Self.randomID(22)
        privateKeys[arn, default: []].append((id, now, key))
        refreshDecryption(arn)
        return id
    }

    public func removePrivateKey(_ id: String, from arn: String) throws(AWSError) {
        guard privateKeys[arn]?.contains(where: { $0.id == id }) == true else {
            throw AWSError(code: "NoSuchEntity", message: "The private key with id \(id) cannot be found.", httpStatus: 404)
        }
        privateKeys[arn]?.removeAll { $0.id == id }
        refreshDecryption(arn)
    }

    private func refreshDecryption(_ arn: String) {
        guard let index = providers.firstIndex(where: { $0.arn == arn }) else { return }
        let keys = privateKeys[arn] ?? []
        providers[index].decryption = keys.isEmpty ? nil : Decryption(keys: keys.map(\.key), allowCBC: true)
    }

    public func deleteProvider(arn: String) -> Bool {
        let before = providers.count
        providers.removeAll { $0.arn == arn }
        providerDocuments[arn] = nil
        providerUUIDs[arn] = nil
        privateKeys[arn] = nil
        return providers.count != before
    }

    public func federation(clock: any SAMLClock) -> AWSFederation {
        AWSFederation(providers: providers, roles: roles, settings: settings, clock: clock)
    }

    // MARK: - STS

    /// Mints temporary credentials for a validated AssumeRoleWithSAML.
    /// - Parameter sessionPolicies: The session policies passed with the request, or `nil` when none were.
    public func issueSession(for result: AssumeRoleWithSAMLResult, sessionPolicies: [PolicySource]? = nil) -> Session {
        let credentials = SigV4.Credentials(accessKeyID: "ASIA" + Self.randomID(16), secretAccessKey: Self.randomSecret(),
                                            sessionToken: Self.randomToken())
        var tags: [String: String] = [:]
        for tag in result.claims.principalTags { tags[tag.key] = tag.value }
        let session = Session(credentials: credentials, expiration: result.expiration, assumedRoleARN: result.session.assumedRoleARN,
                              assumedRoleID: result.assumedRoleID, account: result.session.account, roleName: result.session.roleName,
                              roleSessionName: result.session.roleSessionName, sessionPolicies: sessionPolicies, principalTags: tags,
                              issued: clock.now, roleUniqueID: String(result.assumedRoleID.prefix { $0 != ":" }))
        sessions[credentials.accessKeyID] = session
        sessionOrder.append(credentials.accessKeyID)
        while sessions.count > maxSessions, sessionOrderStart < sessionOrder.count {
            sessions[sessionOrder[sessionOrderStart]] = nil
            sessionOrderStart += 1
        }
        if sessionOrderStart > 4096 && sessionOrderStart * 2 > sessionOrder.count {
            sessionOrder.removeFirst(sessionOrderStart)
            sessionOrderStart = 0
        }
        return session
    }

    /// Who an access key belongs to, for SigV4 verification; expired session credentials give AWS's error.
    package func caller(accessKeyID: String, now: Date) throws(AWSError) -> Caller? {
        if let key = accessKeys[accessKeyID] {
            return Caller(kind: .user(name: key.userName), arn: userARN(key.userName),
                          userID: users[key.userName] ?? "", account: account, credentials: key.credentials)
        }
        if let session = sessions[accessKeyID] {
            guard session.expiration > now else {
                throw AWSError(code: "ExpiredToken", message: "The security token included in the request is expired", httpStatus: 403)
            }
            return Caller(kind: .assumedRole(role: session.roleName, session: session.roleSessionName), arn: session.assumedRoleARN,
                          userID: session.assumedRoleID, account: account, credentials: session.credentials,
                          sessionPolicies: session.sessionPolicies, principalTags: session.principalTags,
                          tokenIssueTime: session.issued, roleUniqueID: session.roleUniqueID)
        }
        return nil
    }

    /// The identity-based policies IAM evaluates for `caller`: its user's, or its role's.
    /// A user's policies are its own and those of every group it belongs to (IAM User Guide, "IAM user groups").
    public func identityPolicies(of caller: Caller) -> [PolicySource] {
        switch caller.kind {
        case .user(let name): return userPolicies(name)
        case .assumedRole(let role, _):
            // Only while the role the session was issued for exists: not a new role that took its name.
            guard roles.contains(where: { $0.name == role && $0.uniqueID == caller.roleUniqueID }) else { return [] }
            return policies.sources(for: role, .role)
        }
    }

    /// A user's own policies, then its groups', in group name order.
    func userPolicies(_ name: String) -> [PolicySource] {
        policies.sources(for: name, .user)
            + groups.values.filter { $0.members.contains(name) }.sorted { $0.name < $1.name }.flatMap { policies.sources(for: $0.name, .group) }
    }

    /// The caller's permissions boundary (its user's, or its role's), `nil` when there is none.
    public func permissionsBoundary(of caller: Caller) -> [PolicySource]? {
        switch caller.kind {
        case .user(let name): return policies.boundarySources(for: name, .user)
        case .assumedRole(let role, _): return policies.boundarySources(for: role, .role)
        }
    }

    /// Attaches the managed policy `arnOrName` (an ARN, or an AWS managed policy's name) to a role or user; for the
    /// embedded account and configuration files.
    public func attachPolicy(_ arnOrName: String, toRole role: String? = nil, toUser user: String? = nil) throws(AWSError) {
        guard let arn = policies.policy(arnOrName)?.arn else {
            throw AWSError(code: "NoSuchEntity", message: "Policy \(arnOrName) does not exist or is not attachable.", httpStatus: 404)
        }
        if let role { try policies.attach(arn, to: role, .role) }
        if let user { try policies.attach(arn, to: user, .user) }
    }

    /// Puts an inline policy on a role or user; for configuration files.
    public func putInlinePolicy(_ name: String, document: String, onRole role: String? = nil, onUser user: String? = nil) throws(AWSError) {
        if let role { try policies.putInline(name, document: document, on: role, .role) }
        if let user { try policies.putInline(name, document: document, on: user, .user) }
    }

    /// Runs `body` on the S3 store (one actor turn).
    func withS3<T>(_ body: (inout S3Store) throws(S3Error) -> T) throws(S3Error) -> T {
        try body(&s3)
    }

    /// Runs `body` on the policy store (the IAM policy actions' edits, in one actor turn).
    func withPolicies<T>(_ body: (inout IAMPolicyStore) throws(AWSError) -> T) throws(AWSError) -> T {
        try body(&policies)
    }

    // MARK: - Console sign-in

    /// Whether the assertion `id` already opened a console session (and could still be presented).
    public func consoleAssertionUsed(_ id: String, now: Date) -> Bool { consoleAssertions.contains(id, now: now) }

    /// Records that the assertion of `result` opens a console session, until it could no longer be presented
    /// (its NotOnOrAfter plus the clock skew the time checks allow); throws AWS's refusal for a second use.
    public func consumeConsoleAssertion(_ result: AssumeRoleWithSAMLResult, now: Date) throws(AWSError) {
        // AWS's sign-in endpoint requires a bearer NotOnOrAfter (the recipient check), so the fallback, one hour
        // (Entra's assertion lifetime), only serves results made without one.
        let expiry = (result.assertionNotOnOrAfter ?? now.addingTimeInterval(3600)).addingTimeInterval(settings.clockSkew)
        let fresh: Bool
        do throws(SAMLError) {
            fresh = try consoleAssertions.insert(result.assertionID, until: expiry, now: now)
        } catch {
            // Full of unexpired IDs: failing closed, since forgetting one would re-open it for replay.
            throw AWSError(code: "Throttling", message: "Rate exceeded", httpStatus: 400, cause: error)
        }
        guard fresh else { throw Self.consoleReplay(result.assertionID) }
    }

    /// The console's answer to a used assertion: the text its error page shows for any refused response.
    public static func consoleReplay(_ id: String) -> AWSError {
        AWSError.invalidIdentityToken("Your request included an invalid SAML response. To logout, click here.",
                                      cause: SAMLError(.replayDetected, "this assertion already opened a console session",
                                                       expected: "an assertion not used before (SAML profiles 4.1.4.5)", found: "assertion ID \(id)"))
    }

    // MARK: - Audit

    public func record(_ event: AuditEvent) {
        auditEvents.append(event)
        if auditEvents.count > maxAuditEventsInMemory + 1024 { auditEvents.removeFirst(auditEvents.count - maxAuditEventsInMemory) }
        if let auditFile, let line = try? JSONEncoder.audit.encode(event) {
            auditFile.write(line + Data("\n".utf8))
        }
    }

    // MARK: - Identifiers

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Characters drawn from one OpenSSL random buffer (both alphabets divide 256, so there is no modulo bias).
    static func randomString(_ count: Int, from characters: [Character]) -> String {
        String(SAMLRandom.bytes(count).map { characters[Int($0) % characters.count] })
    }

    static func randomID(_ count: Int) -> String { randomString(count, from: alphabet) }

    static func randomSecret() -> String { randomString(40, from: secretAlphabet) }

    /// Shaped as STS's session tokens are today: base64 starting `IQoJb3JpZ2luX2Vj`, several hundred characters.
    static func randomToken() -> String { "IQoJb3JpZ2luX2Vj" + Data(SAMLRandom.bytes(640)).base64EncodedString() }

    /// A stable ID for a seeded entity (the embedded roles keep their IDs across restarts): `prefix` and 17 characters
    /// of IAM's alphabet (A-Z, 2-7) from a digest of `seed`, 21 characters in all as IAM's unique IDs are.
    public static func stableID(_ prefix: String, seed: String) -> String {
        prefix + String(SAMLDigest.sha256(Array(seed.utf8)).prefix(17).map { alphabet[Int($0) % alphabet.count] })
    }
}

/// A CloudTrail record of an API call (STS, IAM, CloudTrail) or a console sign-in, success or failure: the fields
/// CloudTrail's record schema gives them (CloudTrail User Guide, "CloudTrail record contents"), plus the session and
/// signing certificates mock-aws adds for sign-ins.
public struct AuditEvent: Codable, Sendable, Hashable {
    public struct UserIdentity: Codable, Sendable, Hashable {
        /// `SAMLUser`, `IAMUser` or `AssumedRole`.
        public var type: String
        public var principalId: String?
        public var userName: String?
        public var identityProvider: String?
        public var arn: String?
        public var accountId: String?
        public var accessKeyId: String?
        /// For `AssumedRole`: the role that issued the session and when (CloudTrail User Guide, "CloudTrail
        /// userIdentity element": `sessionContext.sessionIssuer`, `sessionContext.attributes`).
        public var sessionContext: SessionContext?

        public init(type: String, principalId: String? = nil, userName: String? = nil, identityProvider: String? = nil,
                    arn: String? = nil, accountId: String? = nil, accessKeyId: String? = nil, sessionContext: SessionContext? = nil) {
            (self.type, self.principalId, self.userName, self.identityProvider) = (type, principalId, userName, identityProvider)
            (self.arn, self.accountId, self.accessKeyId, self.sessionContext) = (arn, accountId, accessKeyId, sessionContext)
        }
    }

    /// `userIdentity.sessionContext` of a role session.
    public struct SessionContext: Codable, Sendable, Hashable {
        public struct Issuer: Codable, Sendable, Hashable {
            /// `Role`.
            public var type: String
            /// The role's `AROA…` ID.
            public var principalId: String
            public var arn: String
            public var accountId: String
            /// The role's name.
            public var userName: String
        }
        public struct Attributes: Codable, Sendable, Hashable {
            /// When the session's credentials were issued.
            public var creationDate: String
            /// `"false"`: a SAML session is not an MFA-authenticated IAM session.
            public var mfaAuthenticated: String
        }
        public var sessionIssuer: Issuer
        public var attributes: Attributes
    }

    public var eventTime: String
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var sourceIPAddress: String
    public var userIdentity: UserIdentity
    /// `ROLE/SESSION @ ACCOUNT` for successful sign-ins and calls.
    public var session: String?
    public var roleArn: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var requestID: String
    /// For sign-ins: SHA-256 thumbprints of the certificates that verified the response, all of them published by
    /// `userIdentity.identityProvider` (a Role pair is only granted with its own provider's keys).
    public var signingCertificates: [String]?
    /// CloudTrail's `eventID` (a UUID).
    public var eventID: String?
    /// Whether the call only reads (`List*`, `Get*`, `Simulate*`, `LookupEvents`).
    public var readOnly: Bool?
    /// `AwsApiCall` or `AwsConsoleSignIn`.
    public var eventType: String?
    public var requestParameters: [String: JSONValue]?
    public var responseElements: [String: JSONValue]?

    public init(eventTime: String, eventSource: String, eventName: String, awsRegion: String, sourceIPAddress: String,
                userIdentity: UserIdentity, session: String? = nil, roleArn: String? = nil, errorCode: String? = nil,
                errorMessage: String? = nil, requestID: String, signingCertificates: [String]? = nil, eventID: String? = nil,
                readOnly: Bool? = nil, eventType: String? = nil, requestParameters: [String: JSONValue]? = nil,
                responseElements: [String: JSONValue]? = nil) {
        self.signingCertificates = signingCertificates
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress
        self.userIdentity = userIdentity
        self.session = session
        self.roleArn = roleArn
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.requestID = requestID
        (self.eventID, self.readOnly, self.eventType, self.requestParameters, self.responseElements) =
            (eventID, readOnly, eventType, requestParameters, responseElements)
    }
}

extension JSONEncoder {
    static var audit: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
