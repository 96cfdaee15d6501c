import AWSFederation
import Foundation
import Hummingbird
import SAML

/// The IAM query actions beyond reads: SAML providers (with assertion encryption keys), roles, users, access keys.
/// Shapes and error codes follow IAM's service model (aws-entra.md §2 "IAM SAML provider").
extension MockAWS {
    /// The IAM reads: roles, SAML providers, users.
    /// The user a call names, or the caller itself when it names none (GetUser, ListAccessKeys); a role session must
    /// name one, as IAM requires.
    func userNamed(_ name: String?, caller: Caller?) async throws(AWSError) -> String {
        if let name, !name.isEmpty { return name }
        guard case .user(let own)? = caller?.kind else {
            throw AWSError(code: "ValidationError", message: "Must specify userName when calling with non-User credentials")
        }
        return own
    }

    func iamRead(_ action: String, _ p: [String: String], requestID: String, caller: Caller? = nil) async throws(AWSError) -> Response? {
        let ns = Self.iamNamespace
        switch action {
        case "ListRoles":
            let created = await state.created
            let prefix = try IAMPaging.pathPrefix(p)
            // IAM lists roles in name order.
            let (page, next) = try IAMPaging.page(await state.roles.filter { Self.rolePath($0).hasPrefix(prefix) }.sorted { $0.name < $1.name },
                                                  p, marker: { $0.name })
            let descriptions = await state.roleDescriptions
            let members = page.map { "<member>\(Self.roleXML($0, created: created[$0.arn.description] ?? clock.now, description: descriptions[$0.name]))</member>" }.joined()
            return Self.xml(action, namespace: ns, requestID: requestID, result: IAMPaging.truncation(next) + "<Roles>\(members)</Roles>")
        case "GetRole":
            let name = p["RoleName"] ?? ""
            guard let role = await state.roles.first(where: { $0.name == name }) else { throw Self.noSuchRole(name) }
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<Role>\(Self.roleXML(role, created: await state.createDate(role.arn.description), description: await state.roleDescriptions[name], boundary: await state.policies.boundary(of: name, .role)?.arn, tags: await state.iamTags["role:" + name] ?? []))</Role>")
        case "ListSAMLProviders":
            let created = await state.created
            let members = await state.providers.map {
                "<member><Arn>\($0.arn)</Arn><ValidUntil>\(Self.isoSeconds(Self.validUntil($0.metadata)))</ValidUntil><CreateDate>\(Self.isoSeconds(created[$0.arn] ?? clock.now))</CreateDate></member>"
            }.joined()
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<SAMLProviderList>\(members)</SAMLProviderList>")
        case "GetUser", "ListAccessKeys":
            let name = try await userNamed(p["UserName"], caller: caller)
            guard let id = await state.users[name] else { throw Self.noSuchUser(name) }
            if action == "GetUser" {
                return Self.xml(action, namespace: ns, requestID: requestID, result:
                    "<User><Path>\(Self.escape(await state.userPaths[name] ?? "/"))</Path><UserName>\(Self.escape(name))</UserName><UserId>\(id)</UserId>"
                    + "<Arn>\(Self.escape(await state.userARN(name)))</Arn><CreateDate>\(Self.isoSeconds(await state.createDate(await state.userARN(name))))</CreateDate>"
                    + Self.boundaryXML(await state.policies.boundary(of: name, .user)?.arn)
                    + ((await state.iamTags["user:" + name]).map { $0.isEmpty ? "" : "<Tags>\(IAMTags.xml($0))</Tags>" } ?? "") + "</User>")
            }
            let keys = await state.accessKeys.values.filter { $0.userName == name }.sorted { $0.created < $1.created }
            let (page, next) = try IAMPaging.page(keys, p, marker: { $0.credentials.accessKeyID })
            let members = page.map { "<member><UserName>\(Self.escape(name))</UserName><AccessKeyId>\($0.credentials.accessKeyID)</AccessKeyId><Status>Active</Status><CreateDate>\(Self.isoSeconds($0.created))</CreateDate></member>" }.joined()
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<AccessKeyMetadata>\(members)</AccessKeyMetadata>" + IAMPaging.truncation(next))
        case "ListUsers":
            let created = await state.created
            let paths = await state.userPaths
            let prefix = try IAMPaging.pathPrefix(p)
            let (page, next) = try IAMPaging.page(await state.users.sorted(by: { $0.key < $1.key }).filter { (paths[$0.key] ?? "/").hasPrefix(prefix) },
                                                  p, marker: { $0.key })
            let members = page.map { name, id in
                let arn = "arn:aws:iam::\(state.account):user\(paths[name] ?? "/")\(name)"
                return "<member><Path>\(Self.escape(paths[name] ?? "/"))</Path><UserName>\(Self.escape(name))</UserName><UserId>\(id)</UserId>"
                    + "<Arn>\(Self.escape(arn))</Arn><CreateDate>\(Self.isoSeconds(created[arn] ?? clock.now))</CreateDate></member>"
            }.joined()
            return Self.xml(action, namespace: ns, requestID: requestID, result: IAMPaging.truncation(next) + "<Users>\(members)</Users>")
        default:
            return nil
        }
    }

    static func noSuchRole(_ name: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: "The role with name \(name) cannot be found.", httpStatus: 404)
    }

    /// A provider's ValidUntil: its metadata's `validUntil` when it has one, else a century on (IAM's default for
    /// metadata without one is not documented; what it shows is the far future).
    static func validUntil(_ metadata: IdentityProviderMetadata) -> Date {
        metadata.validUntil ?? Date(timeIntervalSince1970: 4_891_363_200)  // 2125-01-01
    }

    static func noSuchUser(_ name: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: "The user with name \(name) cannot be found.", httpStatus: 404)
    }

    func iamWrite(_ action: String, _ p: [String: String], requestID: String, caller: Caller? = nil) async throws(AWSError) -> Response? {
        let ns = Self.iamNamespace
        let account = state.account
        switch action {
        case "CreateSAMLProvider":
            let name = try required(p, "Name")
            guard Self.isProviderName(name) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(name)' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+")
            }
            let arn = "arn:aws:iam::\(account):saml-provider/\(name)"
            guard await !state.providers.contains(where: { $0.arn == arn }) else {
                throw AWSError(code: "EntityAlreadyExists", message: "SAMLProvider with name \(name) already exists.", httpStatus: 409)
            }
            let document = try required(p, "SAMLMetadataDocument")
            var provider = SAMLProvider(name: name, account: account, metadata: try Self.metadata(document))
            provider.requiresEncryption = try Self.encryptionMode(p["AssertionEncryptionMode"]) ?? false
            await state.putProvider(provider, document: document)
            if let pem = p["AddPrivateKey"] { _ = try await state.addPrivateKey(try Self.privateKey(pem), to: arn, now: clock.now) }
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<SAMLProviderArn>\(arn)</SAMLProviderArn>")

        case "GetSAMLProvider":
            let arn = try required(p, "SAMLProviderArn")
            guard let provider = await state.providers.first(where: { $0.arn == arn }) else { throw Self.noSuchProvider(arn) }
            let document = await state.providerDocuments[arn] ?? ""
            let keys = await state.privateKeys[arn] ?? []
            let keyList = keys.map { "<member><KeyId>\($0.id)</KeyId><Timestamp>\(Self.isoSeconds($0.added))</Timestamp></member>" }.joined()
            return Self.xml(action, namespace: ns, requestID: requestID, result:
                "<SAMLProviderUUID>\(await state.providerUUIDs[arn] ?? "")</SAMLProviderUUID>"
                + "<SAMLMetadataDocument>\(Self.escape(document))</SAMLMetadataDocument>"
                + "<CreateDate>\(Self.isoSeconds(await state.createDate(arn)))</CreateDate><ValidUntil>\(Self.isoSeconds(Self.validUntil(provider.metadata)))</ValidUntil>"
                + "<AssertionEncryptionMode>\(provider.requiresEncryption ? "Required" : "Allowed")</AssertionEncryptionMode>"
                + "<PrivateKeyList>\(keyList)</PrivateKeyList>")

        case "UpdateSAMLProvider":
            let arn = try required(p, "SAMLProviderArn")
            guard var provider = await state.providers.first(where: { $0.arn == arn }) else { throw Self.noSuchProvider(arn) }
            var document = await state.providerDocuments[arn] ?? ""
            if let updated = p["SAMLMetadataDocument"] {
                provider.metadata = try Self.metadata(updated)
                document = updated
            }
            if let mode = try Self.encryptionMode(p["AssertionEncryptionMode"]) { provider.requiresEncryption = mode }
            await state.putProvider(provider, document: document)
            if let pem = p["AddPrivateKey"] { _ = try await state.addPrivateKey(try Self.privateKey(pem), to: arn, now: clock.now) }
            if let id = p["RemovePrivateKey"] { try await state.removePrivateKey(id, from: arn) }
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<SAMLProviderArn>\(arn)</SAMLProviderArn>")

        case "DeleteSAMLProvider":
            let arn = try required(p, "SAMLProviderArn")
            guard await state.deleteProvider(arn: arn) else { throw Self.noSuchProvider(arn) }
            return Self.empty(action, namespace: ns, requestID: requestID)

        case "CreateRole":
            let name = try required(p, "RoleName")
            guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(name)' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
            }
            let path = p["Path"] ?? "/"
            try IAMPolicyStore.checkPath(path)
            // IAM names are unique without regard to case ("Names are not distinguished by case", CreateRole).
            guard await !state.roles.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw AWSError(code: "EntityAlreadyExists", message: "Role with name \(name) already exists.", httpStatus: 409)
            }
            let trustDocument = try required(p, "AssumeRolePolicyDocument")
            try Self.checkTrustPolicySize(trustDocument)
            let policy = try TrustPolicy(json: trustDocument)
            let maxSession = Int(p["MaxSessionDuration"] ?? "3600") ?? -1
            guard (3600...43_200).contains(maxSession) else {
                throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(maxSession)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200")
            }
            guard let arn = AWSARN("arn:aws:iam::\(account):role\(path)\(name)") else { throw AWSError(code: "ValidationError", message: "Invalid role name") }
            let role = IAMRole(arn: arn, uniqueID: "AROA" + AWSState.randomID(17), trustPolicy: policy, maxSessionDuration: maxSession)
            let tags = try IAMTags.parse(p)
            if let description = p["Description"] { try Self.checkRoleDescription(description) }
            let boundary = p["PermissionsBoundary"]
            if let boundary, await state.policies.policy(boundary)?.arn != boundary {
                throw AWSError(code: "NoSuchEntity", message: "Policy \(boundary) does not exist or is not attachable.", httpStatus: 404)
            }
            await state.putRole(role)
            await state.updateRole(role, description: p["Description"])
            if let boundary { try await state.withPolicies { (store) throws(AWSError) in try store.setBoundary(boundary, on: name, .role) } }
            if !tags.isEmpty { try await state.withTags { (all) throws(AWSError) in all["role:" + name] = tags } }
            return Self.xml(action, namespace: ns, requestID: requestID, result: "<Role>\(Self.roleXML(role, created: await state.createDate(role.arn.description), description: p["Description"], boundary: boundary, tags: tags))</Role>")

        case "DeleteRole":
            let name = try required(p, "RoleName")
            guard try await state.deleteRole(name: name) else {
                throw Self.noSuchRole(name)
            }
            return Self.empty(action, namespace: ns, requestID: requestID)

        case "CreateUser":
            let name = try required(p, "UserName")
            try IAMPolicyStore.checkName(name, "userName", max: 64)
            let path = p["Path"] ?? "/"
            try IAMPolicyStore.checkPath(path)
            guard await !state.users.keys.contains(where: { $0.lowercased() == name.lowercased() }) else {
                throw AWSError(code: "EntityAlreadyExists", message: "User with name \(name) already exists.", httpStatus: 409)
            }
            let boundary = p["PermissionsBoundary"]
            if let boundary, await state.policies.policy(boundary)?.arn != boundary {
                throw AWSError(code: "NoSuchEntity", message: "Policy \(boundary) does not exist or is not attachable.", httpStatus: 404)
            }
            let tags = try IAMTags.parse(p)
            let id = await state.addUser(name, path: path)
            if let boundary { try await state.withPolicies { (store) throws(AWSError) in try store.setBoundary(boundary, on: name, .user) } }
            if !tags.isEmpty { try await state.withTags { (all) throws(AWSError) in all["user:" + name] = tags } }
            return Self.xml(action, namespace: ns, requestID: requestID, result:
                "<User><Path>\(Self.escape(path))</Path><UserName>\(Self.escape(name))</UserName><UserId>\(id)</UserId>"
                + "<Arn>\(Self.escape(await state.userARN(name)))</Arn><CreateDate>\(Self.isoSeconds(clock.now))</CreateDate>"
                + Self.boundaryXML(boundary) + (tags.isEmpty ? "" : "<Tags>\(IAMTags.xml(tags))</Tags>") + "</User>")

        case "DeleteUser":
            try await state.deleteUser(try required(p, "UserName"))
            return Self.empty(action, namespace: ns, requestID: requestID)

        case "DeleteAccessKey":
            let id = try required(p, "AccessKeyId")
            let name = try await userNamed(p["UserName"], caller: caller)
            try await state.deleteAccessKey(id, user: name)
            return Self.empty(action, namespace: ns, requestID: requestID)

        case "CreateAccessKey":
            let name = try required(p, "UserName")
            guard await state.users[name] != nil else {
                throw Self.noSuchUser(name)
            }
            guard await state.accessKeyCount(user: name) < 2 else {
                throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for AccessKeysPerUser: 2", httpStatus: 409)
            }
            let key = await state.addAccessKey(user: name)
            return Self.xml(action, namespace: ns, requestID: requestID, result:
                "<AccessKey><UserName>\(Self.escape(name))</UserName><AccessKeyId>\(key.accessKeyID)</AccessKeyId>"
                + "<Status>Active</Status><SecretAccessKey>\(key.secretAccessKey)</SecretAccessKey>"
                + "<CreateDate>\(Self.isoSeconds(clock.now))</CreateDate></AccessKey>")

        default:
            return nil
        }
    }

    func required(_ p: [String: String], _ name: String) throws(AWSError) -> String {
        guard let value = p[name], !value.isEmpty else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    static func noSuchProvider(_ arn: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: "Manifest not found for arn \(arn)", httpStatus: 404)
    }

    static func isProviderName(_ name: String) -> Bool {
        (1...128).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// CreateSAMLProvider's checks: 1,000-10,000,000 characters, parseable IdP metadata, at most 10 signing keys.
    static func metadata(_ document: String) throws(AWSError) -> IdentityProviderMetadata {
        guard (1000...10_000_000).contains(document.count) else {
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length between 1000 and 10000000")
        }
        let parsed: IdentityProviderMetadata
        do {
            parsed = try IdentityProviderMetadata.parse(Array(document.utf8))
        } catch {
            throw AWSError(code: "InvalidInput", message: "Could not parse metadata.", cause: error)
        }
        guard parsed.signingCertificates.count <= 10 else {
            throw AWSError(code: "LimitExceeded", message: "Cannot exceed quota for KeysPerSAMLProvider: 10", httpStatus: 409)
        }
        return parsed
    }

    static func encryptionMode(_ value: String?) throws(AWSError) -> Bool? {
        switch value {
        case nil: return nil
        case "Required": return true
        case "Allowed": return false
        default:
            throw AWSError(code: "ValidationError", message: "1 validation error detected: Value '\(value ?? "")' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Allowed, Required]")
        }
    }

    static func privateKey(_ pem: String) throws(AWSError) -> SigningKey {
        do {
            return try SigningKey(pem: pem)
        } catch {
            throw AWSError(code: "InvalidInput", message: "The private key is not a valid PEM RSA key.", cause: error)
        }
    }

    static func empty(_ action: String, namespace: String, requestID: String) -> Response {
        let text = "<\(action)Response xmlns=\"\(namespace)\"><ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>"
        return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
