import AWSFederation
import Foundation

/// SigV4-signed requests to mock-aws, as the AWS CLI and SDKs send them, for the tests that call its signed APIs
/// directly (the audit trail, and the signing-scope rules with scopes no SDK would choose).
extension ServerProcess {
    /// mock-aws's embedded IAM user `admin` (its key is public on purpose).
    package static let mockAWSAdmin = SigV4.Credentials(accessKeyID: "AKIAMOCKAWSADMIN0001",
                                                       secretAccessKey: "mockAwsAdminSecretKey0000000000000000000")
}

extension HTTPTestServer {
    /// `method path` with `body`, signed with `credentials` for `service` in `region` now.
    package func signed(_ method: String, _ path: String, body: String = "", credentials: SigV4.Credentials = ServerProcess.mockAWSAdmin,
                       region: String = "us-east-1", service: String) async throws -> ServerProcess.HTTPResult {
        guard let url = URL(string: baseURL + path), let host = url.host else { throw ServerProcess.StartFailure(description: "not a URL: \(path)") }
        var headers = [(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)]
        if !body.isEmpty { headers.append((name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")) }
        let request = SigV4.sign(SigV4.Request(method: method, path: url.path.isEmpty ? "/" : url.path, query: url.query ?? "",
                                               headers: headers, body: Array(body.utf8)),
                                 credentials: credentials, region: region, service: service, date: Date())
        var fields: [String: String] = [:]
        for header in request.headers where header.name.lowercased() != "host" { fields[header.name] = header.value }
        return try await self.request(method, path, body: body.isEmpty ? nil : Data(body.utf8), headers: fields)
    }

    /// mock-aws's `GET /audit`, signed for CloudTrail (its rule), as decoded JSON events.
    package func auditEvents(credentials: SigV4.Credentials = ServerProcess.mockAWSAdmin, region: String = "us-east-1") async throws -> [[String: Any]] {
        let result = try await signed("GET", "/audit", credentials: credentials, region: region, service: "cloudtrail")
        guard result.status == 200, let events = try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [[String: Any]] else {
            throw ServerProcess.StartFailure(description: "GET /audit answered \(result.status): \(result.body.prefix(300))")
        }
        return events
    }
}
