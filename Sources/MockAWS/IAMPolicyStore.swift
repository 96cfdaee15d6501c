import AWSFederation
import Foundation
import SAML

/// The account's permission policies, as IAM keeps them: AWS managed policies (read-only, ``AWSManagedPolicies``),
/// customer managed policies with up to five versions, their attachments to roles and users, and inline role and user
/// policies. A value type kept by ``AWSState``; every refusal is IAM's error with IAM's text (botocore's IAM service
/// model for the codes and statuses; the messages as real AWS output quoted in public issues shows them).
public struct IAMPolicyStore: Sendable {
    /// One version of a managed policy.
    public struct Version: Sendable {
        public var id: String
        public var document: PolicyDocument
        public var createDate: Date
    }

    /// A managed policy (AWS's or the account's).
    public struct ManagedPolicy: Sendable {
        public var name: String
        public var arn: String
        public var path: String
        public var policyID: String
        public var description: String?
        public var createDate: Date
        public var updateDate: Date
        public var versions: [Version]
        public var defaultVersionID: String
        public var isAWSManaged: Bool
        /// Versions are numbered from 1 and never reused (IAM: a deleted v2 is not issued again).
        var nextVersion: Int

        public var defaultVersion: Version? { versions.first { $0.id == defaultVersionID } }
    }

    public private(set) var managed: [String: ManagedPolicy] = [:]
    /// Role, user or group name → attached policy ARNs, in attachment order.
    private(set) var attachments: [PrincipalKind: [String: [String]]] = [:]
    /// Role, user or group name → inline policy name → document.
    private(set) var inlinePolicies: [PrincipalKind: [String: [String: PolicyDocument]]] = [:]
    /// Role or user name → the managed policy ARN set as its permissions boundary.
    private(set) var boundaries: [PrincipalKind: [String: String]] = [:]

    /// IAM's default quotas (IAM User Guide, "IAM and AWS STS quotas"): managed policies attached per role or user,
    /// versions per policy.
    public static let maxAttachedPerPrincipal = 10
    public static let maxVersions = 5

    public let account: String

    init(account: String) {
        self.account = account
        let parse = ISO8601DateFormatter()
        for entry in AWSManagedPolicies.all {
            // The documents are AWS's; one that did not parse would be a defect of this table, caught by the tests.
            guard let document = try? PolicyDocument(json: entry.document, kind: .identity) else { continue }
            let created = parse.date(from: entry.createDate) ?? Date(timeIntervalSince1970: 0)
            let updated = parse.date(from: entry.updateDate) ?? created
            let arn = "arn:aws:iam::aws:policy/\(entry.name)"
            managed[arn] = ManagedPolicy(
                name: entry.name, arn: arn, path: "/", policyID: entry.policyID.isEmpty ? Self.derivedID(entry.name) : entry.policyID,
                description: entry.description, createDate: created, updateDate: updated,
                versions: [Version(id: entry.defaultVersionID, document: document, createDate: updated)],
                defaultVersionID: entry.defaultVersionID, isAWSManaged: true, nextVersion: 0)
        }
    }

    /// A stable `ANPA…` ID for an AWS policy whose real ID is not known here.
    static func derivedID(_ name: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "ANPA" + String(SAMLDigest.sha256(Array(name.utf8)).prefix(17).map { alphabet[Int($0) % 32] })
    }

    // MARK: - Managed policies

    /// Resolves a policy ARN, or the bare name of an AWS managed policy (for configuration files).
    public func policy(_ arnOrName: String) -> ManagedPolicy? {
        managed[arnOrName] ?? managed["arn:aws:iam::aws:policy/\(arnOrName)"]
            ?? managed["arn:aws:iam::\(account):policy/\(arnOrName)"]
    }

    func requirePolicy(_ arn: String) throws(AWSError) -> ManagedPolicy {
        guard let policy = managed[arn] else {
            throw AWSError(code: "NoSuchEntity", message: "Policy \(arn) was not found.", httpStatus: 404)
        }
        return policy
    }

    /// CreatePolicy: version v1, the default.
    mutating func create(name: String, path: String, document: String, description: String?, now: Date) throws(AWSError) -> ManagedPolicy {
        try Self.checkName(name, "policyName", max: 128)
        try Self.checkPath(path)
        let arn = "arn:aws:iam::\(account):policy\(path)\(name)"
        // Names are unique without regard to case (IAM: "Names are not distinguished by case").
        guard !managed.values.contains(where: { !$0.isAWSManaged && $0.name.lowercased() == name.lowercased() }) else {
            throw AWSError(code: "EntityAlreadyExists", message: "A policy called \(name) already exists. Duplicate names are not allowed.",
                           httpStatus: 409)
        }
        let parsed = try Self.managedDocument(document)
        let policy = ManagedPolicy(name: name, arn: arn, path: path, policyID: "ANPA" + AWSState.randomID(17), description: description,
                                   createDate: now, updateDate: now, versions: [Version(id: "v1", document: parsed, createDate: now)],
                                   defaultVersionID: "v1", isAWSManaged: false, nextVersion: 2)
        managed[arn] = policy
        return policy
    }

    mutating func createVersion(_ arn: String, document: String, setAsDefault: Bool, now: Date) throws(AWSError) -> Version {
        var policy = try requireCustomer(arn)
        guard policy.versions.count < Self.maxVersions else {
            throw AWSError(code: "LimitExceeded", message: "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
                           httpStatus: 409)
        }
        let version = Version(id: "v\(policy.nextVersion)", document: try Self.managedDocument(document), createDate: now)
        policy.nextVersion += 1
        policy.versions.append(version)
        if setAsDefault { policy.defaultVersionID = version.id }
        policy.updateDate = now
        managed[arn] = policy
        return version
    }

    mutating func setDefaultVersion(_ arn: String, _ id: String, now: Date) throws(AWSError) {
        var policy = try requireCustomer(arn)
        guard policy.versions.contains(where: { $0.id == id }) else { throw Self.noSuchVersion(arn, id) }
        policy.defaultVersionID = id
        policy.updateDate = now
        managed[arn] = policy
    }

    mutating func deleteVersion(_ arn: String, _ id: String) throws(AWSError) {
        var policy = try requireCustomer(arn)
        guard policy.versions.contains(where: { $0.id == id }) else { throw Self.noSuchVersion(arn, id) }
        guard id != policy.defaultVersionID else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete the default version of a policy.", httpStatus: 409)
        }
        policy.versions.removeAll { $0.id == id }
        managed[arn] = policy
    }

    /// DeletePolicy: only when attached nowhere and no other version is left (IAM's order of clean-up).
    mutating func delete(_ arn: String) throws(AWSError) {
        let policy = try requireCustomer(arn)
        guard attachmentCount(arn) == 0 && boundaryUsageCount(arn) == 0 else {
            throw AWSError(code: "DeleteConflict", message: "Cannot delete a policy attached to entities.", httpStatus: 409)
        }
        guard policy.versions.count == 1 else {
            throw AWSError(code: "DeleteConflict", message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
                           httpStatus: 409)
        }
        managed[arn] = nil
    }

    func attachmentCount(_ arn: String) -> Int {
        attachments.values.reduce(0) { $0 + $1.values.filter { $0.contains(arn) }.count }
    }

    /// How many roles and users have `arn` as their permissions boundary (IAM's `PermissionsBoundaryUsageCount`).
    func boundaryUsageCount(_ arn: String) -> Int {
        boundaries.values.reduce(0) { $0 + $1.values.filter { $0 == arn }.count }
    }

    private func requireCustomer(_ arn: String) throws(AWSError) -> ManagedPolicy {
        let policy = try requirePolicy(arn)
        guard !policy.isAWSManaged else {
            throw AWSError(code: "InvalidInput", message: "Policy \(arn) is an AWS managed policy and cannot be modified.")
        }
        return policy
    }

    static func noSuchVersion(_ arn: String, _ id: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: "Policy \(arn) version \(id) does not exist or is not attachable.", httpStatus: 404)
    }

    // MARK: - Attachments

    enum PrincipalKind: Hashable, Sendable {
        case role, user, group

        /// IAM's words in quota names and messages.
        var quotaName: String { self == .role ? "PoliciesPerRole" : self == .user ? "PoliciesPerUser" : "PoliciesPerGroup" }
        var word: String { self == .role ? "role" : self == .user ? "user" : "group" }
    }

    mutating func attach(_ arn: String, to name: String, _ kind: PrincipalKind) throws(AWSError) {
        guard managed[arn] != nil else {
            throw AWSError(code: "NoSuchEntity", message: "Policy \(arn) does not exist or is not attachable.", httpStatus: 404)
        }
        var list = attachments[kind]?[name] ?? []
        guard !list.contains(arn) else { return }  // IAM: attaching twice succeeds and changes nothing
        guard list.count < Self.maxAttachedPerPrincipal else {
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for \(kind.quotaName): \(Self.maxAttachedPerPrincipal)",
                           httpStatus: 409)
        }
        list.append(arn)
        attachments[kind, default: [:]][name] = list
    }

    mutating func detach(_ arn: String, from name: String, _ kind: PrincipalKind) throws(AWSError) {
        var list = attachments[kind]?[name] ?? []
        guard list.contains(arn) else {
            throw AWSError(code: "NoSuchEntity", message: "Policy \(arn) was not found.", httpStatus: 404)
        }
        list.removeAll { $0 == arn }
        attachments[kind, default: [:]][name] = list
    }

    func attached(to name: String, _ kind: PrincipalKind) -> [ManagedPolicy] {
        (attachments[kind]?[name] ?? []).compactMap { managed[$0] }
    }

    // MARK: - Permissions boundaries

    /// PutRolePermissionsBoundary / PutUserPermissionsBoundary: a managed policy (the account's or AWS's) limits what
    /// the identity policies can allow (IAM User Guide, "Permissions boundaries for IAM entities").
    mutating func setBoundary(_ arn: String?, on name: String, _ kind: PrincipalKind) throws(AWSError) {
        if let arn {
            guard managed[arn] != nil else {
                throw AWSError(code: "NoSuchEntity", message: "Policy \(arn) does not exist or is not attachable.", httpStatus: 404)
            }
        }
        boundaries[kind, default: [:]][name] = arn
    }

    func boundary(of name: String, _ kind: PrincipalKind) -> ManagedPolicy? {
        boundaries[kind]?[name].flatMap { managed[$0] }
    }

    // MARK: - Inline policies

    mutating func putInline(_ policyName: String, document: String, on name: String, _ kind: PrincipalKind) throws(AWSError) {
        try Self.checkName(policyName, "policyName", max: 128)
        let parsed = try PolicyDocument(json: document, kind: .identity)
        // IAM's quotas on a principal's inline policies together, whitespace not counted: 2,048 characters for a
        // user, 5,120 for a group, 10,240 for a role (IAM User Guide, "IAM and AWS STS quotas").
        let existing = (inlinePolicies[kind]?[name] ?? [:]).filter { $0.key != policyName }.values
        let size = ([parsed] + existing).reduce(0) { $0 + $1.document.unicodeScalars.filter { !$0.properties.isWhitespace }.count }
        let limit = kind == .role ? 10_240 : kind == .group ? 5_120 : 2_048
        guard size <= limit else {
            let quota = kind == .role ? "RolePolicySize" : kind == .group ? "GroupPolicySize" : "UserPolicySize"
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for \(quota): \(limit)", httpStatus: 409)
        }
        inlinePolicies[kind, default: [:]][name, default: [:]][policyName] = parsed
    }

    func inline(_ policyName: String, on name: String, _ kind: PrincipalKind) throws(AWSError) -> PolicyDocument {
        guard let document = inlinePolicies[kind]?[name]?[policyName] else {
            throw AWSError(code: "NoSuchEntity", message: "The \(kind.word) policy with name \(policyName) cannot be found.", httpStatus: 404)
        }
        return document
    }

    func inlineNames(on name: String, _ kind: PrincipalKind) -> [String] {
        (inlinePolicies[kind]?[name] ?? [:]).keys.sorted()
    }

    mutating func deleteInline(_ policyName: String, on name: String, _ kind: PrincipalKind) throws(AWSError) {
        _ = try inline(policyName, on: name, kind)
        inlinePolicies[kind]?[name]?[policyName] = nil
    }

    /// A deleted role, user or group leaves nothing behind (IAM refuses the deletion while policies remain; see
    /// ``hasPolicies(_:_:)``).
    mutating func forget(_ name: String, _ kind: PrincipalKind) {
        attachments[kind]?[name] = nil
        inlinePolicies[kind]?[name] = nil
        boundaries[kind]?[name] = nil
    }

    func hasPolicies(_ name: String, _ kind: PrincipalKind) -> Bool {
        !attached(to: name, kind).isEmpty || !inlineNames(on: name, kind).isEmpty
    }

    // MARK: - What the evaluator reads

    /// The identity-based policies of a role, user or group: attached managed policies (their default versions), then
    /// inline ones, named as the policy simulator names them.
    func sources(for name: String, _ kind: PrincipalKind) -> [PolicySource] {
        var result: [PolicySource] = []
        for policy in attached(to: name, kind) {
            guard let version = policy.defaultVersion else { continue }
            result.append(PolicySource(id: policy.name,
                                       type: policy.isAWSManaged ? .awsManaged : .userManaged, document: version.document))
        }
        let type: PolicySource.SourceType = kind == .role ? .role : kind == .user ? .user : .group
        for (policyName, document) in (inlinePolicies[kind]?[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
            result.append(PolicySource(id: "\(kind.word)_\(name)_\(policyName)", type: type, document: document))
        }
        return result
    }

    /// The permissions boundary of a role or user as the evaluator reads it; `nil` when it has none.
    func boundarySources(for name: String, _ kind: PrincipalKind) -> [PolicySource]? {
        guard let policy = boundary(of: name, kind), let version = policy.defaultVersion else { return nil }
        return [PolicySource(id: policy.name, type: policy.isAWSManaged ? .awsManaged : .userManaged, document: version.document)]
    }

    // MARK: - Validation

    /// IAM's size quota for managed policies (6,144 characters without whitespace) and the identity grammar.
    static func managedDocument(_ text: String) throws(AWSError) -> PolicyDocument {
        guard text.unicodeScalars.filter({ !$0.properties.isWhitespace }).count <= 6_144 else {
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for PolicySize: 6144", httpStatus: 409)
        }
        return try PolicyDocument(json: text, kind: .identity)
    }

    static func checkName(_ name: String, _ field: String, max: Int) throws(AWSError) {
        guard (1...max).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(name)' at '\(field)' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
        }
    }

    static func checkPath(_ path: String) throws(AWSError) {
        let segmentCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,+@=_-")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...512).contains(path.count), path.hasPrefix("/"), path.hasSuffix("/"),
              segments.dropFirst().dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy(segmentCharacters.contains) }) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(path)' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/")
        }
    }
}
