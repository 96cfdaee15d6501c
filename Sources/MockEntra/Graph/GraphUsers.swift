import Foundation
import Hummingbird

/// `users` (Graph docs "user resource type"): the tenant's users. Permissions are Graph's least privileged
/// application permission for each call (Graph docs "List users", "Get user": User.Read.All; "Create user",
/// "Update user", "Delete a user": User.ReadWrite.All), then the broader ones that include it.
extension GraphAPI {
    static let userRead = [GraphPermission.userReadAll, GraphPermission.userReadWriteAll, GraphPermission.directoryReadAll,
                           GraphPermission.directoryReadWriteAll]
    static let userWrite = [GraphPermission.userReadWriteAll, GraphPermission.directoryReadWriteAll]

    static let userType = ResourceType(
        name: "user",
        properties: ["id", "displayName", "givenName", "surname", "userPrincipalName", "mail", "businessPhones", "jobTitle", "mobilePhone",
                     "officeLocation", "preferredLanguage", "accountEnabled", "mailNickname", "passwordProfile"],
        // Graph's default properties of a user (Graph docs "Get user": returned without $select).
        defaults: ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage",
                   "surname", "userPrincipalName", "id"],
        directory: true)

    /// A user as Graph shows it. The password is never shown (`passwordProfile` reads as null, as in Graph).
    static func userObject(_ user: Tenant.User) -> [String: JSONValue] {
        ["id": .string(user.objectID), "displayName": .string(user.displayName), "givenName": .string(user.givenName),
         "surname": .string(user.surname), "userPrincipalName": .string(user.userPrincipalName), "mail": .optional(user.mail),
         "businessPhones": .array([]), "jobTitle": .null, "mobilePhone": .null, "officeLocation": .null, "preferredLanguage": .null,
         "accountEnabled": .bool(true), "mailNickname": .string(String(user.userPrincipalName.prefix { $0 != "@" })),
         "passwordProfile": .null]
    }

    var userRoutes: [Route] {
        [
            Route(.get, "users", Self.userRead) { call throws(GraphError) in
                let users = await self.state.tenant.users.map(Self.userObject)
                return try Self.collection(users, type: Self.userType, entitySet: "users", call: call)
            },
            Route(.get, "users/{}", Self.userRead) { call throws(GraphError) in
                guard let user = await self.state.graphUser(call.parameters[0]) else { throw .notFound(call.parameters[0]) }
                return try Self.entity(Self.userObject(user), type: Self.userType, entitySet: "users", call: call)
            },
            Route(.post, "users", Self.userWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                let user = try await self.newUser(body)
                let created = try await self.state.createUser(user)
                return try Self.entity(Self.userObject(created), type: Self.userType, entitySet: "users", call: call, status: .created)
            },
            Route(.patch, "users/{}", Self.userWrite) { call throws(GraphError) in
                let body = try await Self.body(call)
                guard var user = await self.state.graphUser(call.parameters[0]) else { throw .notFound(call.parameters[0]) }
                try Self.allow(body, ["displayName", "givenName", "surname", "userPrincipalName", "passwordProfile", "accountEnabled", "mail"], type: "user")
                if let mail = body["mail"] {
                    user.mail = mail == .null ? nil : try await self.uniqueMail(try Self.string(body, "mail", resource: "User"), for: user.objectID)
                }
                if body["displayName"] != nil { user.displayName = try Self.string(body, "displayName", resource: "User") }
                if body["givenName"] != nil { user.givenName = try Self.string(body, "givenName", resource: "User") }
                if body["surname"] != nil { user.surname = try Self.string(body, "surname", resource: "User") }
                if body["userPrincipalName"] != nil {
                    user.userPrincipalName = try await self.checkedUPN(try Self.string(body, "userPrincipalName", resource: "User"))
                }
                if let profile = body["passwordProfile"] { user.password = try Self.password(profile) }
                if let enabled = body["accountEnabled"] { try Self.enabled(enabled) }
                try await self.state.replaceUser(user.objectID, with: user)
                return Self.noContent
            },
            Route(.delete, "users/{}", Self.userWrite) { call throws(GraphError) in
                try await self.state.deleteUser(call.parameters[0])
                return Self.noContent
            },
        ]
    }

    /// `POST /users`: Graph requires accountEnabled, displayName, mailNickname, userPrincipalName and passwordProfile.
    func newUser(_ body: [String: JSONValue]) async throws(GraphError) -> Tenant.User {
        try Self.allow(body, ["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile", "givenName", "surname", "mail"],
                       type: "user")
        guard let enabled = body["accountEnabled"] else { throw .invalidValue("accountEnabled", resource: "User") }
        try Self.enabled(enabled)
        let displayName = try Self.string(body, "displayName", resource: "User")
        _ = try Self.string(body, "mailNickname", resource: "User")
        let upn = try await checkedUPN(try Self.string(body, "userPrincipalName", resource: "User"))
        guard let profile = body["passwordProfile"] else { throw .invalidValue("passwordProfile", resource: "User") }
        let password = try Self.password(profile)
        var mail: String?
        if let text = body["mail"]?.string { mail = try await uniqueMail(text, for: nil) }
        return Tenant.User(objectID: UUID().uuidString.lowercased(), userPrincipalName: upn, displayName: displayName,
                           givenName: body["givenName"]?.string ?? "", surname: body["surname"]?.string ?? "", password: password,
                           mail: mail)
    }

    /// A mail no other user has: setting `mail` sets the user's SMTP proxy address, which is unique in the directory
    /// (Graph: "Another object with the same value for property proxyAddresses already exists."); without this a
    /// user could take another's address, and with it their `emailaddress` claim.
    func uniqueMail(_ mail: String, for objectID: String?) async throws(GraphError) -> String {
        let taken = await state.tenant.users.contains { user in
            user.objectID != objectID && (user.mail?.lowercased() == mail.lowercased() || user.userPrincipalName.lowercased() == mail.lowercased())
        }
        guard !taken else {
            throw GraphError(400, "Request_BadRequest", "Another object with the same value for property proxyAddresses already exists.")
        }
        return mail
    }

    /// A UPN in one of the tenant's domains (Graph refuses another domain with this text).
    func checkedUPN(_ upn: String) async throws(GraphError) -> String {
        let tenant = await state.tenant
        let parts = upn.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._'".contains($0)) }) else {
            throw .invalidValue("userPrincipalName", resource: "User")
        }
        let domain = parts[1].lowercased()
        guard domain == tenant.domain.lowercased() || domain == "\(tenant.name.lowercased()).onmicrosoft.com" else {
            throw .badRequest("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.")
        }
        return upn
    }

    /// `passwordProfile.password`, with Entra's complexity rule (8 to 256 characters, three of: lower case, upper case,
    /// digits, symbols; Entra docs "Password policies"). `forceChangePasswordNextSignIn` is accepted and not enforced.
    static func password(_ profile: JSONValue) throws(GraphError) -> String {
        guard let object = profile.object, let password = object["password"]?.string else { throw .invalidValue("passwordProfile", resource: "User") }
        let classes = [password.contains { $0.isLowercase }, password.contains { $0.isUppercase }, password.contains { $0.isNumber },
                       password.contains { !$0.isLetter && !$0.isNumber }].filter { $0 }.count
        guard (8...256).contains(password.count), classes >= 3 else {
            throw .badRequest("The specified password does not comply with password complexity requirements. Please provide a different password.")
        }
        return password
    }

    /// mock-entra has no disabled accounts: `accountEnabled: false` is refused rather than accepted and not enforced.
    static func enabled(_ value: JSONValue) throws(GraphError) {
        guard let enabled = value.bool else { throw .invalidValue("accountEnabled", resource: "User") }
        guard enabled else { throw .badRequest("mock-entra does not model disabled accounts: accountEnabled must be true.") }
    }
}
