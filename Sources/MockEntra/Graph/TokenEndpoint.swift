import Foundation
import Hummingbird
import JWTKit
import SAML

/// A refusal of the token endpoint in Entra's JSON (seen in answers quoted in public issues, e.g. for AADSTS7000215:
/// `error`, `error_description` "AADSTS…: text\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …", `error_codes`,
/// `timestamp` "yyyy-MM-dd HH:mm:ssZ", `trace_id`, `correlation_id`, `error_uri`), with the status Entra uses:
/// 401 for `invalid_client`, 400 otherwise (RFC 6749 §5.2).
struct OAuthError: Error, Sendable, Hashable {
    /// RFC 6749 §5.2's code: `invalid_request`, `invalid_client`, `unauthorized_client`, `unsupported_grant_type`…
    let error: String
    /// The AADSTS number.
    let code: Int
    let message: String

    var status: Int { error == "invalid_client" ? 401 : 400 }

    static func missing(_ parameter: String) -> OAuthError {
        OAuthError(error: "invalid_request", code: 900144, message: "The request body must contain the following parameter: '\(parameter)'.")
    }

    static func duplicated(_ parameter: String) -> OAuthError {
        OAuthError(error: "invalid_request", code: 9000411, message: "The request is not properly formatted. The parameter '\(parameter.prefix(100))' is duplicated.")
    }

    static func unsupportedGrant(_ grant: String) -> OAuthError {
        OAuthError(error: "unsupported_grant_type", code: 70003, message: "The app requested an unsupported grant type '\(grant.prefix(100))'.")
    }

    static func unknownClient(_ clientID: String, tenant: Tenant) -> OAuthError {
        OAuthError(error: "unauthorized_client", code: 700016,
                   message: "Application with identifier '\(clientID.prefix(100))' was not found in the directory '\(tenant.name)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
    }

    /// Entra's AADSTS90002 for a token request to another tenant (the text of ``EntraError/tenantNotFound(_:)``).
    static func tenantNotFound(_ segment: String) -> OAuthError {
        OAuthError(error: "invalid_request", code: 90002, message: String(EntraError.tenantNotFound(String(segment.prefix(100))).message))
    }

    /// A sign-in refusal of the password grant (`invalid_grant`, 400), with the sign-in page's AADSTS text.
    static func passwordGrant(_ error: EntraError) -> OAuthError {
        OAuthError(error: "invalid_grant", code: Int(error.code.dropFirst(6)) ?? 50126, message: error.message)
    }

    static let secretMissing = OAuthError(error: "invalid_client", code: 7000218,
                                          message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")

    static func wrongSecret(_ clientID: String) -> OAuthError {
        OAuthError(error: "invalid_client", code: 7000215,
                   message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'.")
    }

    /// A scope without `/.default` (AADSTS1002012, quoted in public issues).
    static func scopeNotDefault(_ scope: String) -> OAuthError {
        OAuthError(error: "invalid_scope", code: 1002012,
                   message: "The provided value for scope \(scope.prefix(200)) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
    }

    static func unknownResource(_ resource: String, tenant: Tenant) -> OAuthError {
        OAuthError(error: "invalid_resource", code: 500011,
                   message: "The resource principal named \(resource.prefix(200)) was not found in the tenant named \(tenant.name). This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.")
    }

    static let notForm = OAuthError(error: "invalid_request", code: 900144,
                                    message: "The request body must contain the following parameter: 'grant_type'.")

    struct Body: Encodable {
        var error: String
        var errorDescription: String
        var errorCodes: [Int]
        var timestamp: String
        var traceID: String
        var correlationID: String
        var errorURI: String
        enum CodingKeys: String, CodingKey {
            case error, timestamp
            case errorDescription = "error_description"
            case errorCodes = "error_codes"
            case traceID = "trace_id"
            case correlationID = "correlation_id"
            case errorURI = "error_uri"
        }
    }

    func response(at now: Date, correlation: String, base: String) -> Response {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let timestamp = formatter.string(from: now)
        let trace = MockEntra.guid(EntraState.newID())
        let description = "AADSTS\(code): \(message)\r\nTrace ID: \(trace)\r\nCorrelation ID: \(correlation)\r\nTimestamp: \(timestamp)"
        var response = MockEntra.json(Body(error: error, errorDescription: description, errorCodes: [code], timestamp: timestamp,
                                           traceID: trace, correlationID: correlation, errorURI: "\(base)/error?code=\(code)"),
                                      status: HTTPResponse.Status(code: status))
        response.headers[.cacheControl] = "no-store, no-cache"
        return response
    }
}

/// OAuth 2.0 for Graph on Entra's paths: the token endpoint (client credentials for apps; the password grant for a
/// user's own delegated token), the signing keys, and
/// the OpenID configuration that announces both.
struct TokenEndpoint: Sendable {
    let entra: MockEntra

    /// Entra's app-only tokens live about an hour; `expires_in` 3599 as it answers.
    static let lifetime = 3599
    /// The Graph resource identifiers a `/.default` scope may name.
    static let graphResources: Set<String> = [GraphAccessToken.graphAudience, GraphAccessToken.graphAppID,
                                              "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000/"]

    struct TokenResponse: Encodable {
        var tokenType = "Bearer"
        var expiresIn: Int
        var extExpiresIn: Int
        var accessToken: String
        enum CodingKeys: String, CodingKey {
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case extExpiresIn = "ext_expires_in"
            case accessToken = "access_token"
        }
    }

    /// `POST /{tenant}/oauth2/v2.0/token`.
    func token(_ request: Request, _ context: MockEntraContext) async -> Response {
        let correlation = GraphRequestIDs(request).clientRequestID
        do throws(OAuthError) {
            let tenant = await entra.state.tenant
            let segment = context.parameters.get("tenant") ?? ""
            guard tenant.isNamed(segment) else { throw .tenantNotFound(segment) }
            return try await issue(request, tenant: tenant, ip: context.remoteIP)
        } catch {
            entra.logger.notice("token request refused", metadata: ["code": "AADSTS\(error.code)", "source": "\(context.remoteIP)"])
            return error.response(at: entra.state.clock.now, correlation: correlation, base: entra.baseURL(request))
        }
    }

    func issue(_ request: Request, tenant: Tenant, ip: String) async throws(OAuthError) -> Response {
        let bytes: [UInt8]
        do {
            bytes = try await MockEntra.body(request)
        } catch {
            throw OAuthError(error: "invalid_request", code: 90020, message: "The request body is too large.")
        }
        // RFC 6749 §4.4.2: the parameters come form-encoded in the body.
        let media = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard media == "application/x-www-form-urlencoded" else { throw .notForm }
        var form: [String: String] = [:]
        for (name, value) in FormEncoding.rawPairs(String(decoding: bytes, as: UTF8.self)) {
            guard let key = try? FormEncoding.decode(name), let decoded = try? FormEncoding.decode(value) else { throw .notForm }
            guard form[key] == nil else { throw .duplicated(key) }
            form[key] = decoded
        }
        guard let grant = form["grant_type"], !grant.isEmpty else { throw .missing("grant_type") }
        guard grant == "client_credentials" || grant == "password" else { throw .unsupportedGrant(grant) }
        // RFC 6749 §2.3.1: the client may authenticate with HTTP Basic instead of body parameters.
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        if let basic = Self.basicCredentials(request.headers[.authorization]) {
            clientID = clientID ?? basic.id
            secret = secret ?? basic.secret
        }
        guard let clientID, !clientID.isEmpty else { throw .missing("client_id") }
        guard let scope = form["scope"], !scope.isEmpty else { throw .missing("scope") }
        guard let client = tenant.graphClients.first(where: { $0.appID.lowercased() == clientID.lowercased() }) else {
            throw .unknownClient(clientID, tenant: tenant)
        }
        guard let secret, !secret.isEmpty else { throw .secretMissing }
        guard EntraState.constantTimeEqual(client.secret, secret) else { throw .wrongSecret(client.appID) }
        let scopes = scope.split(separator: " ").map(String.init)
        guard scopes.count == 1, let only = scopes.first, only.hasSuffix("/.default") else { throw .scopeNotDefault(scope) }
        let resource = String(only.dropLast("/.default".count))
        guard Self.graphResources.contains(resource.lowercased()) else { throw .unknownResource(resource, tenant: tenant) }

        let state = entra.state
        var claims = GraphAccessToken.issue(to: client, tenantID: tenant.tenantID, now: state.clock.now, lifetime: Self.lifetime,
                                            id: Base64URL.encode(SAMLRandom.bytes(16)))
        if grant == "password" {
            // The resource owner password credentials grant (RFC 6749 §4.3, Entra's ROPC): the user's delegated token,
            // its `scp` the client's permissions that have a delegated form a member uses for themself.
            guard let username = form["username"], !username.isEmpty else { throw .missing("username") }
            guard let password = form["password"], !password.isEmpty else { throw .missing("password") }
            let user: Tenant.User
            switch await state.passwordGrant(username, password: password, ip: ip) {
            case .success(let found): user = found
            case .failure(let error): throw .passwordGrant(error)
            }
            claims = GraphAccessToken.issue(to: client, user: user, scopes: client.roles.filter(GraphPermission.delegated.contains),
                                            tenantID: tenant.tenantID, now: state.clock.now, lifetime: Self.lifetime,
                                            id: Base64URL.encode(SAMLRandom.bytes(16)))
        }
        let jwt: String
        do {
            jwt = try await TokenKeys(ring: state.tenantKeys).sign(claims)
        } catch {
            entra.logger.error("token signing failed", metadata: ["reason": "\(error)"])
            throw OAuthError(error: "server_error", code: 50000, message: "There was an error issuing a token.")
        }
        var response = MockEntra.json(TokenResponse(expiresIn: Self.lifetime, extExpiresIn: Self.lifetime, accessToken: jwt))
        // RFC 6749 §5.1: a token response is never cached.
        response.headers[.cacheControl] = "no-store, no-cache"
        if let pragma = HTTPFields.Element.Name("Pragma") { response.headers[pragma] = "no-cache" }
        return response
    }

    /// `Basic base64(id:secret)` (RFC 6749 §2.3.1: each part form-encoded first); nil for anything else.
    static func basicCredentials(_ header: String?) -> (id: String, secret: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: String(parts[1])),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
              let id = try? FormEncoding.decode(text[..<colon]), let secret = try? FormEncoding.decode(text[text.index(after: colon)...]) else {
            return nil
        }
        return (id, secret)
    }

    /// `GET /{tenant}/discovery/v2.0/keys`.
    func keys(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = try context.resolvedTenant()
        do {
            return MockEntra.json(try TokenKeys(ring: entra.state.tenantKeys).jwks(tenantID: tenant.tenantID, issuerBase: entra.baseURL(request)))
        } catch {
            throw .page(EntraError(code: "AADSTS50003", name: "MissingSigningKey", message: "\(error)", httpStatus: 500))
        }
    }

    /// The OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3) of Entra's v2.0 endpoint, on mock-entra's base.
    struct OpenIDConfiguration: Encodable {
        var tokenEndpoint: String
        var tokenEndpointAuthMethodsSupported = ["client_secret_post", "private_key_jwt", "client_secret_basic"]
        var jwksURI: String
        var responseModesSupported = ["query", "fragment", "form_post"]
        var subjectTypesSupported = ["pairwise"]
        var idTokenSigningAlgValuesSupported = ["RS256"]
        var responseTypesSupported = ["code", "id_token", "code id_token", "id_token token"]
        var scopesSupported = ["openid", "profile", "email", "offline_access"]
        var issuer: String
        var requestURIParameterSupported = false
        var authorizationEndpoint: String
        var tenantRegionScope: String? = nil
        var cloudInstanceName = "microsoftonline.com"
        var msgraphHost = "graph.microsoft.com"
        enum CodingKeys: String, CodingKey {
            case issuer
            case tokenEndpoint = "token_endpoint"
            case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
            case jwksURI = "jwks_uri"
            case responseModesSupported = "response_modes_supported"
            case subjectTypesSupported = "subject_types_supported"
            case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
            case responseTypesSupported = "response_types_supported"
            case scopesSupported = "scopes_supported"
            case requestURIParameterSupported = "request_uri_parameter_supported"
            case authorizationEndpoint = "authorization_endpoint"
            case tenantRegionScope = "tenant_region_scope"
            case cloudInstanceName = "cloud_instance_name"
            case msgraphHost = "msgraph_host"
        }
    }

    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    func openIDConfiguration(_ request: Request, _ context: MockEntraContext) async throws(MockEntraFailure) -> Response {
        let tenant = try context.resolvedTenant()
        let base = "\(entra.baseURL(request))/\(tenant.tenantID)"
        return MockEntra.json(OpenIDConfiguration(tokenEndpoint: "\(base)/oauth2/v2.0/token", jwksURI: "\(base)/discovery/v2.0/keys",
                                                  issuer: "\(base)/v2.0", authorizationEndpoint: "\(base)/oauth2/v2.0/authorize"))
    }
}
