import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting

/// An application under HummingbirdTesting's `.router` framework: each request goes to the router in-process,
/// without a socket (the Host is `localhost`, the client address unknown).
public struct RouterClient: HTTPTestServer {
    let client: any TestClientProtocol
    public var baseURL: String { "http://localhost" }

    public init(client: any TestClientProtocol) { self.client = client }

    public func request(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> ServerProcess.HTTPResult {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        guard let method = HTTPRequest.Method(method) else { throw ServerProcess.StartFailure(description: "not a method: \(method)") }
        let uri = path.hasPrefix(baseURL) ? String(path.dropFirst(baseURL.count)) : path
        let response = try await client.executeRequest(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        var received: [String: String] = [:]
        for field in response.headers {
            let name = field.name.canonicalName
            received[name] = received[name].map { $0 + ", " + field.value } ?? field.value
        }
        return ServerProcess.HTTPResult(status: Int(response.status.code), body: String(buffer: response.body), headers: received)
    }
}
