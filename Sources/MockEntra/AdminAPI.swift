import AWSFederation
import Foundation
import Hummingbird
import SAML

/// The tenant administrator's API (JSON under `/admin`): what the Entra admin centre and PIM do for the
/// deployment guide. Every route is registered on one group behind ``AdminGuard`` (the bearer token, JSON only), so
/// no route can be added without it.
struct AdminAPI: Sendable {
    let entra: MockEntra
    var state: EntraState { entra.state }

    func register(on router: Router<MockEntraContext>) {
        let admin = router.group("admin").add(middleware: AdminGuard(token: entra.adminToken, logger: entra.logger))
        admin.get("tenant") { _, _ in MockEntra.json(await self.state.tenant) }
        admin.get("signins") { request, _ in
            let limit = request.uri.queryParameters.get("top", as: Int.self) ?? EntraState.maxLogs
            return MockEntra.json(await self.state.signInLogs(limit: limit))
        }
        admin.get("signins/page") { _, _ in MockEntra.html(Pages.signInLogs(await self.state.signInLogs()), status: .ok) }
        admin.put("conditional-access") { request, _ in
            try await self.decode([Tenant.ConditionalAccessPolicy].self, request) { policies throws(AdminError) in
                try await self.state.setConditionalAccess(policies)
                return MockEntra.json(await self.state.tenant.conditionalAccess)
            }
        }
        admin.get("pim/activations") { _, _ in MockEntra.json(await self.state.activations) }
        admin.post("pim/activations") { request, _ in
            try await self.decode(ActivationRequest.self, request) { body throws(AdminError) in
                let activation = try await self.state.activate(upn: body.user, password: body.password, group: body.group,
                                                               justification: body.justification, minutes: body.minutes)
                return MockEntra.json(activation, status: .created)
            }
        }
        admin.get("keys") { _, _ in MockEntra.json(Self.describe(await self.state.keys)) }
        admin.post("keys") { request, _ in
            try await self.decode(NewCertificate.self, request, emptyIsDefault: NewCertificate()) { body throws(AdminError) in
                do {
                    var credential: SigningCredential?
                    if let key = body.key, let certificate = body.certificate {
                        credential = try SigningCredential(key: SigningKey(pem: key), certificate: Certificate(pem: certificate))
                    }
                    let added = try await self.state.addCertificate(credential)
                    if body.activate == true { try await self.state.activateCertificate(added.thumbprint) }
                    return MockEntra.json(Self.describe(await self.state.keys), status: .created)
                } catch let error as SAMLError {
                    throw AdminError(400, error.description)
                } catch {
                    throw AdminError(500, "\(error)")
                }
            }
        }
        admin.post("keys/:thumbprint/activate") { _, context in
            try await self.keyChange { () async throws in try await self.state.activateCertificate(context.parameters.get("thumbprint") ?? "") }
        }
        admin.delete("keys/:thumbprint") { _, context in
            try await self.keyChange { () async throws in try await self.state.retireCertificate(context.parameters.get("thumbprint") ?? "") }
        }
        admin.post("applications/:appId/provisioning") { request, context in
            try await self.decode(ProvisioningRequest.self, request) { body throws(AdminError) in
                try await self.provision(appID: context.parameters.get("appId") ?? "", body)
            }
        }
        admin.patch("applications/:appId") { request, context in
            try await self.decode(ApplicationPatch.self, request) { patch throws(AdminError) in
                MockEntra.json(try await self.state.updateApplication(context.parameters.get("appId") ?? "", patch))
            }
        }
        admin.put("applications/:appId/assignments") { request, context in
            try await self.decode([String: [String]].self, request) { body throws(AdminError) in
                let appID = context.parameters.get("appId") ?? ""
                for (group, roles) in body.sorted(by: { $0.key < $1.key }) {
                    try await self.state.assign(group: group, roles: roles, appID: appID)
                }
                return MockEntra.json(await self.state.tenant.application(appID)?.assignments ?? [:])
            }
        }
    }

    struct ActivationRequest: Decodable {
        var user: String
        var password: String
        var group: String
        var justification: String
        var minutes: Int
    }

    struct NewCertificate: Decodable {
        var key: String?
        var certificate: String?
        var activate: Bool?
    }

    struct ProvisioningRequest: Decodable {
        /// IAM endpoint: mock-aws's base URL.
        var endpoint: String
        var accessKeyId: String
        var secretAccessKey: String
        var region: String?
    }

    struct ProvisioningResult: Encodable {
        var imported: [Tenant.AppRole]
        var roles: [RoleProvisioning.Outcome]
    }

    struct KeyDescription: Encodable {
        var thumbprint: String
        var subject: String
        var notAfter: String?
        var active: Bool
        var certificate: String
    }

    static func describe(_ ring: KeyRing) -> [KeyDescription] {
        ring.credentials.map {
            KeyDescription(thumbprint: $0.thumbprint, subject: $0.certificate.subject,
                           notAfter: $0.certificate.notAfter.map(SAMLInstant.format), active: $0.thumbprint == ring.activeThumbprint,
                           certificate: $0.certificate.pem)
        }
    }

    /// Role provisioning as the guide runs it: ListRoles with the provisioning user's keys, then the import.
    func provision(appID: String, _ body: ProvisioningRequest) async throws(AdminError) -> Response {
        guard let endpoint = URL(string: body.endpoint), endpoint.scheme == "http" || endpoint.scheme == "https" else {
            throw AdminError(400, "endpoint must be an http(s) URL; got '\(body.endpoint)'")
        }
        guard await state.tenant.application(appID) != nil else { throw AdminError(404, "no application '\(appID)'") }
        let provisioning = RoleProvisioning(endpoint: endpoint, credentials: .init(accessKeyID: body.accessKeyId,
                                                                                    secretAccessKey: body.secretAccessKey),
                                            region: body.region ?? "us-east-1")
        let outcomes: [RoleProvisioning.Outcome]
        do {
            outcomes = try await provisioning.listRoles(clock: state.clock)
        } catch {
            entra.logger.notice("role provisioning failed", metadata: ["reason": "\(error)"])
            throw AdminError(502, "\(error)")
        }
        let pairs = outcomes.compactMap { $0.value.flatMap { try? AWSRolePair($0) } }
        let imported = try await state.importRoles(pairs, into: appID)
        return MockEntra.json(ProvisioningResult(imported: imported, roles: outcomes))
    }

    func keyChange(_ change: @Sendable () async throws -> Void) async throws(AdminError) -> Response {
        do {
            try await change()
            return MockEntra.json(Self.describe(await state.keys))
        } catch let error as SAMLError {
            throw AdminError(error.code == .keyInvalid ? 400 : 500, error.description)
        } catch {
            throw AdminError(500, "\(error)")
        }
    }

    /// Reads a JSON body as `T` (400 with the decoder's reason otherwise) and runs `handle`.
    func decode<T: Decodable & Sendable>(_ type: T.Type, _ request: Request, emptyIsDefault: T? = nil,
                                         _ handle: @Sendable (T) async throws -> Response) async throws -> Response {
        let body: [UInt8]
        do {
            body = try await MockEntra.body(request)
        } catch {
            throw AdminError(413, "the body is larger than \(MockEntra.maxBody) bytes")
        }
        let value: T
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 }), let emptyIsDefault {
            value = emptyIsDefault
        } else {
            do {
                value = try JSONDecoder().decode(T.self, from: Data(body))
            } catch {
                throw AdminError(400, "the body is not the expected JSON: \(Self.reason(error))")
            }
        }
        return try await handle(value)
    }

    static func reason(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
