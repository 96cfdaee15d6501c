import Foundation
import Hummingbird
import SAML

/// Test hooks (only with `--test-hooks`): issue a response without the interactive pages, optionally with a
/// ``ResponseFault`` so that a service provider's tests can check each rejection.
///
/// `POST /test/issue` with JSON `{"user": UPN, "app": appId, "relayState": …, "mfa": true, "fault": "xsw3",
/// "format": "json" | "page" | "xml"}`; only `user` is required (`app` defaults to the first application).
struct TestHooks: Sendable {
    let entra: MockEntra

    struct IssueRequest: Decodable, Sendable {
        var user: String
        var app: String?
        var relayState: String?
        var mfa: Bool?
        var fault: ResponseFault?
        var format: String?
    }

    struct IssueResult: Encodable {
        var samlResponse: String
        var destination: String
        var relayState: String?
        var responseID: String
        var roles: [String]
        var awsSessions: [String]
        var fault: ResponseFault?
    }

    func register(on router: Router<MockEntraContext>) {
        router.post("test/issue") { request, context in
            try await AdminAPI(entra: self.entra).decode(IssueRequest.self, request) { body in
                try await self.issue(body, ip: context.remoteIP)
            }
        }
    }

    func issue(_ body: IssueRequest, ip: String) async throws -> Response {
        let state = entra.state
        let firstApp = await state.tenant.applications.first?.appID
        guard let appID = body.app ?? firstApp else { throw AdminError(404, "the tenant has no application") }
        do throws(EntraError) {
            let (issuance, flow) = try await state.hookIssuance(user: body.user, appID: appID, relayState: body.relayState,
                                                                 mfa: body.mfa ?? true, fault: body.fault, ip: ip)
            let issued = try issuance.issue(keys: await state.keys, clock: state.clock, ids: entra.ids)
            await state.issued(issuance, issued, flow: flow, ip: ip, interactive: false)
            switch body.format ?? "json" {
            case "page":
                return MockEntra.html(issued.autoPostPage, status: .ok)
            case "xml":
                return Response(status: .ok, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(bytes: issued.xml)))
            default:
                return MockEntra.json(IssueResult(samlResponse: issued.base64, destination: issued.destination, relayState: issued.relayState,
                                                  responseID: issued.responseID, roles: issued.roles, awsSessions: issued.awsSessions,
                                                  fault: body.fault))
            }
        } catch {
            throw MockEntraFailure.hook(error)
        }
    }
}
