import Foundation
import Hummingbird
import SAML

/// Microsoft Graph v1.0 on mock-entra's base URL under `/v1.0`, and the OAuth 2.0 endpoints its tokens come from.
/// Every `/v1.0` request passes ``GraphAuth`` (the bearer token) and then the permission its route needs, checked
/// against the token's `roles`; every refusal is Graph's error JSON. One handler dispatches the routes (``routes``)
/// so that an unknown segment gets Graph's own answer and `$ref`/`$count` segments need no router support.
struct GraphAPI: Sendable {
    let entra: MockEntra
    var state: EntraState { entra.state }

    /// Registers the token endpoint, keys and OpenID configuration under `/{tenant}` and Graph under `/v1.0`.
    func register(on router: Router<MockEntraContext>, tenant: RouterGroup<MockEntraContext>) {
        let tokens = TokenEndpoint(entra: entra)
        // Not in the tenant group: an unknown tenant gets Entra's JSON (AADSTS90002), not its HTML error page.
        router.post(":tenant/oauth2/v2.0/token") { request, context in await tokens.token(request, context) }
        tenant.get("discovery/v2.0/keys") { request, context in try await tokens.keys(request, context) }
        tenant.get("v2.0/.well-known/openid-configuration") { request, context in try await tokens.openIDConfiguration(request, context) }
        for method in [HTTPRequest.Method.get, .post, .patch, .put, .delete] {
            router.on("v1.0/**", method: method) { request, _ in await self.handle(request) }
        }
    }

    /// One Graph request as a handler sees it.
    struct Call: Sendable {
        let request: Request
        /// The path's `{}` values, decoded.
        let parameters: [String]
        let caller: GraphCaller
        /// `http://host:port/v1.0`, for `@odata.context` and `@odata.nextLink`.
        let root: String
        /// The path below `/v1.0`, still encoded (the next link's).
        let path: String
        /// `ConsistencyLevel: eventual` (Graph's advanced queries).
        var eventual: Bool {
            guard let name = Self.consistencyLevel else { return false }
            return request.headers[name]?.lowercased() == "eventual"
        }
        static let consistencyLevel = HTTPFields.Element.Name("ConsistencyLevel")
    }

    typealias Handler = @Sendable (Call) async throws(GraphError) -> Response

    /// A route: method, path pattern (`{}` for a key), and the permissions any one of which lets the call through
    /// (the least-privileged one Graph's documentation names for the call, then the broader ones that include it).
    struct Route: Sendable {
        let method: HTTPRequest.Method
        let pattern: [Substring]
        let permissions: [String]
        /// Whether a user's delegated token may call it (the member's own PIM calls); every other route is for apps.
        let delegated: Bool
        let handler: Handler

        init(_ method: HTTPRequest.Method, _ pattern: String, _ permissions: [String], delegated: Bool = false, _ handler: @escaping Handler) {
            (self.method, self.pattern, self.permissions, self.handler) = (method, pattern.split(separator: "/"), permissions, handler)
            self.delegated = delegated
        }

        func match(_ segments: [String]) -> [String]? {
            guard segments.count == pattern.count else { return nil }
            var values: [String] = []
            for (want, got) in zip(pattern, segments) {
                if want == "{}" { values.append(got) } else if want.lowercased() != got.lowercased() { return nil }
            }
            return values
        }
    }

    /// `$count` of the directory collections; first, so that `$count` is not read as an object ID.
    var countRoutes: [Route] {
        [
            Route(.get, "users/$count", Self.userRead) { call throws(GraphError) in
                try Self.count(await self.state.tenant.users.map(Self.userObject), type: Self.userType, call: call)
            },
            Route(.get, "groups/$count", Self.groupRead) { call throws(GraphError) in
                try Self.count(await self.state.tenant.groups.map(Self.groupObject), type: Self.groupType, call: call)
            },
            Route(.get, "applications/$count", Self.applicationRead) { call throws(GraphError) in
                try Self.count(await self.applications(), type: Self.applicationType, call: call)
            },
            Route(.get, "servicePrincipals/$count", Self.applicationRead) { call throws(GraphError) in
                try Self.count(await self.servicePrincipals(), type: Self.servicePrincipalType, call: call)
            },
        ]
    }

    var routes: [Route] { countRoutes + userRoutes + groupRoutes + applicationRoutes + policyRoutes + signInRoutes + pimRoutes + certificateRoutes }

    /// The longest path read; Graph paths are short.
    static let maxPath = 2048

    func handle(_ request: Request) async -> Response {
        let ids = GraphRequestIDs(request)
        do throws(GraphError) {
            var response = try await dispatch(request)
            ids.stamp(&response)
            return response
        } catch {
            if error.status >= 401 && error.status <= 403 {
                entra.logger.notice("Graph request refused", metadata: ["code": "\(error.code)", "path": "\(request.uri.path.prefix(100))"])
            }
            return ids.response(error, at: state.clock.now)
        }
    }

    func dispatch(_ request: Request) async throws(GraphError) -> Response {
        // Authentication comes first, so that nothing about the directory (not even which paths exist) is told to a
        // caller without a valid token.
        let caller = try await GraphAuth(state: state).authenticate(request)
        let raw = request.uri.path
        guard raw.utf8.count <= Self.maxPath, raw.hasPrefix("/v1.0/") else { throw .segmentNotFound(String(raw.prefix(100))) }
        let path = String(raw.dropFirst("/v1.0/".count))
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let decoded = try? FormEncoding.decodePath(part), !decoded.isEmpty else { throw .segmentNotFound(String(part)) }
            segments.append(decoded)
        }
        segments = Self.alternateKey(segments)
        let candidates = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else {
            // Graph names the first segment it could not resolve.
            let known = Set(routes.map { $0.pattern.first.map { $0.lowercased() } ?? "" })
            throw .segmentNotFound(known.contains(segments.first?.lowercased() ?? "") ? (segments.last ?? "") : (segments.first ?? ""))
        }
        guard let (route, parameters) = candidates.first(where: { $0.0.method == request.method }) else { throw .methodNotAllowed }
        // mock-entra has no directory roles to bound what a user may do through a delegated token, so a user's token
        // reaches only the routes made for the user's own actions.
        if caller.user != nil, !route.delegated { throw .insufficientPrivileges }
        try caller.require(route.permissions)
        return try await route.handler(Call(request: request, parameters: parameters, caller: caller,
                                            root: "\(entra.baseURL(request))/v1.0", path: path))
    }

    /// Graph's alternate key `servicePrincipals(appId='…')` and `applications(appId='…')` as the object's own ID.
    static func alternateKey(_ segments: [String]) -> [String] {
        guard let first = segments.first else { return segments }
        for (set, kind) in [("servicePrincipals", "servicePrincipal"), ("applications", "application")] {
            let prefix = "\(set)(appId='"
            guard first.hasPrefix(prefix), first.hasSuffix("')") else { continue }
            let appID = first.dropFirst(prefix.count).dropLast(2)
            guard !appID.isEmpty, !appID.contains("'") else { return segments }
            return [set, GraphIDs.derived(kind, String(appID))] + segments.dropFirst()
        }
        return segments
    }

    // MARK: - Bodies and answers

    /// A write's JSON object body: JSON media type (415 otherwise, as the admin API: no form or text/plain body a
    /// cross-origin page could send), at most ``MockEntra/maxBody`` bytes.
    static func body(_ call: Call) async throws(GraphError) -> [String: JSONValue] {
        guard let type = call.request.headers[.contentType],
              type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json" else { throw .notJSON }
        let bytes: [UInt8]
        do {
            bytes = try await MockEntra.body(call.request)
        } catch {
            throw .bodyTooLarge
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), let object = value.object else { throw .unreadableBody }
        return object
    }

    /// 204, as Graph answers a PATCH, a DELETE and a `$ref` POST.
    static var noContent: Response { Response(status: .noContent) }

    static func json(_ object: [String: JSONValue], status: HTTPResponse.Status = .ok) -> Response {
        var response = MockEntra.json(JSONValue.object(object), status: status)
        response.headers[.contentType] = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
        return response
    }

    /// What Graph knows of a resource type: its name, every property, and those returned without `$select`.
    struct ResourceType: Sendable {
        let name: String
        let properties: [String]
        let defaults: [String]
        /// Directory objects: `$count` and advanced filters need `ConsistencyLevel: eventual`.
        let directory: Bool

        func property(_ name: String) -> String? { properties.first { $0.lowercased() == name.lowercased() } }

        /// The object with only `select` (or the default properties), `id` always kept as Graph does.
        func project(_ object: [String: JSONValue], _ select: [String]?) throws(GraphError) -> [String: JSONValue] {
            var names: [String] = []
            for field in select ?? defaults {
                guard let property = property(field) else { throw .unknownProperty(field, type: name) }
                names.append(property)
            }
            if select != nil, properties.contains("id") { names.append("id") }
            var out: [String: JSONValue] = [:]
            for key in names { out[key] = object[key] ?? .null }
            if let type = object["@odata.type"] { out["@odata.type"] = type }
            return out
        }
    }

    /// One entity with `$select` applied, and its `@odata.context`.
    static func entity(_ object: [String: JSONValue], type: ResourceType, entitySet: String, call: Call,
                       status: HTTPResponse.Status = .ok) throws(GraphError) -> Response {
        let query = try ODataQuery.parse(call.request.uri.query)
        var out = try type.project(object, query.select)
        let selected = query.select.map { "(\($0.joined(separator: ",")))" } ?? ""
        out["@odata.context"] = .string("\(call.root)/$metadata#\(entitySet)\(selected)/$entity")
        return json(out, status: status)
    }

    /// A collection with Graph's OData: `$filter`, `$count` (with `ConsistencyLevel: eventual` on directory
    /// objects), paging by `$top` (default 100) with `@odata.nextLink`, `$select`, and `@odata.context`.
    static func collection(_ items: [[String: JSONValue]], type: ResourceType, entitySet: String, call: Call,
                           defaultPage: Int = 100, maxTop: Int = 999) throws(GraphError) -> Response {
        let query = try ODataQuery.parse(call.request.uri.query, maxTop: maxTop)
        if let filter = query.filter {
            for name in filter.properties {
                guard let root = name.split(separator: "/").first, type.property(String(root)) != nil else {
                    throw .unknownProperty(name, type: type.name)
                }
            }
            // Graph docs "Advanced query capabilities": ne and not need ConsistencyLevel eventual and $count=true.
            if type.directory, filter.isAdvanced, !(call.eventual && query.count) {
                throw GraphError(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for resource '\(type.name)'. Use ConsistencyLevel: eventual and $count=true for 'ne' and 'not'.")
            }
        }
        if query.count, type.directory, !call.eventual {
            // Graph docs: $count on directory objects is an advanced query, needing ConsistencyLevel: eventual.
            throw .badRequest("$count is not currently supported.")
        }
        let filtered = query.filter.map { filter in items.filter(filter.matches) } ?? items
        let page = query.top ?? defaultPage
        let start = min(query.skip, filtered.count)
        let end = min(start + page, filtered.count)
        var values: [JSONValue] = []
        for item in filtered[start..<end] { values.append(.object(try type.project(item, query.select))) }
        let selected = query.select.map { "(\($0.joined(separator: ",")))" } ?? ""
        var out: [String: JSONValue] = ["@odata.context": .string("\(call.root)/$metadata#\(entitySet)\(selected)"), "value": .array(values)]
        if query.count { out["@odata.count"] = .int(filtered.count) }
        if end < filtered.count {
            let carried = query.carried.map { "\($0.name)=\($0.value)" } + ["$skiptoken=\(SkipToken.make(end))"]
            out["@odata.nextLink"] = .string("\(call.root)/\(call.path)?\(carried.joined(separator: "&"))")
        }
        return json(out)
    }

    /// `GET /{collection}/$count`: the number of (filtered) items as `text/plain`; on directory objects only with
    /// `ConsistencyLevel: eventual` (Graph docs "Advanced query capabilities on Microsoft Entra ID objects").
    static func count(_ items: [[String: JSONValue]], type: ResourceType, call: Call) throws(GraphError) -> Response {
        guard !type.directory || call.eventual else { throw .badRequest("$count is not currently supported.") }
        let query = try ODataQuery.parse(call.request.uri.query)
        if let filter = query.filter {
            for name in filter.properties where name.split(separator: "/").first.flatMap({ type.property(String($0)) }) == nil {
                throw .unknownProperty(name, type: type.name)
            }
        }
        let total = query.filter.map { filter in items.filter(filter.matches).count } ?? items.count
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "\(total)")))
    }

    /// A required string property of a body, Graph's 400 when absent or not a string.
    static func string(_ body: [String: JSONValue], _ key: String, resource: String) throws(GraphError) -> String {
        guard let value = body[key]?.string, !value.trimmingCharacters(in: .whitespaces).isEmpty, value.utf8.count <= 1024 else {
            throw .invalidValue(key, resource: resource)
        }
        return value
    }

    /// Refuses a property a write does not know or may not set (Graph answers an unknown one so too).
    static func allow(_ body: [String: JSONValue], _ keys: Set<String>, type: String) throws(GraphError) {
        for key in body.keys where !keys.contains(key) && !key.hasPrefix("@odata.") { throw .unknownProperty(key, type: type) }
    }
}
