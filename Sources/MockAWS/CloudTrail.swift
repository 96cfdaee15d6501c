import AWSFederation
import Foundation
import Hummingbird
import SAML

/// The audit trail as CloudTrail serves it: every API call and console sign-in recorded with CloudTrail's record
/// fields, and `LookupEvents` on CloudTrail's JSON protocol (`X-Amz-Target:
/// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`, SigV4 for `cloudtrail`), so that
/// `aws cloudtrail lookup-events` and boto3 read it. Shapes from botocore's CloudTrail service model.
extension MockAWS {
    static let lookupEventsTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"

    /// Records an authenticated API call (IAM) with the caller's identity, its parameters and its outcome.
    func auditCall(_ caller: Caller, _ action: String, _ parameters: [String: String], source: String, sourceIP: String,
                   requestID: String, error: AWSError?) async {
        let identity: AuditEvent.UserIdentity
        switch caller.kind {
        case .user(let name):
            identity = AuditEvent.UserIdentity(type: "IAMUser", principalId: caller.userID, userName: name, arn: caller.arn,
                                               accountId: caller.account, accessKeyId: caller.credentials.accessKeyID)
        case .assumedRole(let role, _):
            // CloudTrail names a role session by its ARN and principal ID; the role is the session's issuer, and
            // there is no top-level userName.
            let issuer = AuditEvent.SessionContext.Issuer(type: "Role", principalId: caller.roleUniqueID ?? "", arn: caller.principalARN,
                                                          accountId: caller.account, userName: role)
            let attributes = AuditEvent.SessionContext.Attributes(creationDate: Self.isoSeconds(caller.tokenIssueTime ?? clock.now),
                                                                  mfaAuthenticated: "false")
            identity = AuditEvent.UserIdentity(type: "AssumedRole", principalId: caller.userID, arn: caller.arn, accountId: caller.account,
                                               accessKeyId: caller.credentials.accessKeyID,
                                               sessionContext: AuditEvent.SessionContext(sessionIssuer: issuer, attributes: attributes))
        }
        let requestParameters = Self.cloudTrailParameters(parameters)
        let readOnly = ["List", "Get", "Simulate"].contains { action.hasPrefix($0) }
        if let error { logger.notice("\(action) refused", metadata: ["code": "\(error.code)", "caller": "\(caller.arn)"]) }
        await state.record(AuditEvent(eventTime: Self.isoSeconds(clock.now), eventSource: source, eventName: action, awsRegion: region,
                                      sourceIPAddress: sourceIP, userIdentity: identity, errorCode: error?.code, errorMessage: error?.message,
                                      requestID: requestID, eventID: UUID().uuidString.lowercased(), readOnly: readOnly,
                                      eventType: "AwsApiCall", requestParameters: requestParameters.isEmpty ? nil : requestParameters))
    }

    /// Query parameters as CloudTrail records them: names in lower camel case (`userName`, `policyArn`), and the
    /// query protocol's flattened lists folded back (`ActionNames.member.1` → `"actionNames": [...]`,
    /// `PolicyArns.member.1.arn` → `"policyArns": [{"arn": ...}]`), as the API's own JSON shapes are.
    static func cloudTrailParameters(_ parameters: [String: String]) -> [String: JSONValue] {
        func camel(_ name: Substring) -> String { name.prefix(1).lowercased() + name.dropFirst() }
        var result: [String: JSONValue] = [:]
        var lists: [String: [Int: [String: String]]] = [:]
        var plain: [String: [Int: String]] = [:]
        for (name, value) in parameters where name != "Action" && name != "Version" {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count >= 3, parts[1] == "member", let index = Int(parts[2]), (1...1000).contains(index) {
                let list = camel(parts[0])
                if parts.count == 3 {
                    plain[list, default: [:]][index] = value
                } else {
                    lists[list, default: [:]][index, default: [:]][parts[3...].map(camel).joined(separator: ".")] = value
                }
            } else {
                result[camel(Substring(name))] = .string(value)
            }
        }
        for (list, members) in plain { result[list] = .array(members.keys.sorted().compactMap { members[$0].map(JSONValue.string) }) }
        for (list, members) in lists {
            result[list] = .array(members.keys.sorted().compactMap { index in
                members[index].map { .object($0.mapValues(JSONValue.string)) }
            })
        }
        return result
    }

    static func assumeParameters(_ parameters: [String: String]) -> [String: JSONValue] {
        var result: [String: JSONValue] = ["roleArn": .string(parameters["RoleArn"] ?? ""), "principalArn": .string(parameters["PrincipalArn"] ?? "")]
        if let duration = parameters["DurationSeconds"].flatMap(Double.init) { result["durationSeconds"] = .number(duration) }
        return result
    }

    /// CloudTrail's JSON error: `{"__type": CODE, "message": TEXT}` (HTTP 400, as the JSON protocol answers).
    static func jsonError(_ error: AWSError, requestID: String) -> Response {
        let body = (try? JSONEncoder.audit.encode(["__type": error.code == "AccessDenied" ? "AccessDeniedException" : error.code,
                                                    "message": error.message])) ?? Data()
        return Response(status: HTTPResponse.Status(code: error.httpStatus == 403 && error.code != "AccessDenied" ? 403 : 400),
                        headers: [.contentType: "application/x-amz-json-1.1", .init("x-amzn-RequestId")!: requestID],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `LookupEvents`: newest first, one LookupAttribute at most, StartTime/EndTime (epoch seconds), MaxResults 1-50
    /// (default 50), NextToken.
    func lookupEvents(_ request: Request, body: [UInt8], sourceIP: String) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        do throws(AWSError) {
            let caller = try await authenticate(request, body: body, scope: .cloudTrail(serving: region))
            // CloudTrail's LookupEvents has no resource type: AWS's denial names none.
            try await authorize(caller, Authorization(action: "cloudtrail:LookupEvents", resource: "*", shownResource: nil), sourceIP: sourceIP,
                                userAgent: request.headers[.userAgent])
            guard case .object(let input)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body.isEmpty ? Array("{}".utf8) : body)) else {
                throw AWSError(code: "SerializationException", message: "Start of structure or map found where not expected")
            }
            var events = await state.auditEvents.reversed().map { $0 }
            if case .array(let attributes)? = input["LookupAttributes"] {
                guard attributes.count <= 1 else {
                    throw AWSError(code: "InvalidLookupAttributesException", message: "You can only specify one lookup attribute.")
                }
                if case .object(let attribute)? = attributes.first, case .string(let key)? = attribute["AttributeKey"],
                   case .string(let value)? = attribute["AttributeValue"] {
                    var kept: [AuditEvent] = []
                    for event in events where try Self.matches(event, key: key, value: value) { kept.append(event) }
                    events = kept
                }
            }
            if case .number(let start)? = input["StartTime"] { events = events.filter { Self.epoch($0) >= start } }
            if case .number(let end)? = input["EndTime"] { events = events.filter { Self.epoch($0) <= end } }
            var maxResults = 50
            if case .number(let n)? = input["MaxResults"] {
                guard (1...50).contains(Int(n)) else {
                    throw AWSError(code: "InvalidMaxResultsException", message: "Value for MaxResults is invalid. It must be between 1 and 50.")
                }
                maxResults = Int(n)
            }
            var offset = 0
            if case .string(let token)? = input["NextToken"] {
                guard let value = Int(token.dropFirst("mock-aws-".count)), token.hasPrefix("mock-aws-"), value >= 0 else {
                    throw AWSError(code: "InvalidNextTokenException", message: "Invalid NextToken.")
                }
                offset = value
            }
            let page = events.dropFirst(offset).prefix(maxResults)
            var output: [String: JSONValue] = ["Events": .array(page.map(cloudTrailEvent))]
            if offset + page.count < events.count { output["NextToken"] = .string("mock-aws-\(offset + page.count)") }
            let data = (try? JSONEncoder.audit.encode(output)) ?? Data("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/x-amz-json-1.1", .init("x-amzn-RequestId")!: requestID],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            logger.notice("LookupEvents refused", metadata: ["code": "\(error.code)", "source": "\(sourceIP)"])
            return Self.jsonError(error, requestID: requestID)
        }
    }

    private static func epoch(_ event: AuditEvent) -> Double {
        (SAMLInstant.parse(event.eventTime)?.timeIntervalSince1970) ?? 0
    }

    private static func matches(_ event: AuditEvent, key: String, value: String) throws(AWSError) -> Bool {
        switch key {
        case "EventName": return event.eventName == value
        case "EventSource": return event.eventSource == value
        case "Username": return event.userIdentity.userName == value
        case "ReadOnly": return (event.readOnly ?? false) == (value == "true")
        case "AccessKeyId": return event.userIdentity.accessKeyId == value
        case "EventId": return event.eventID == value
        case "ResourceType", "ResourceName": return false
        default:
            throw AWSError(code: "InvalidLookupAttributesException", message: "Invalid attribute key: \(key)")
        }
    }

    /// One `Event` of LookupEvents, with the full record as the `CloudTrailEvent` JSON string.
    private func cloudTrailEvent(_ event: AuditEvent) -> JSONValue {
        var identity: [String: JSONValue] = ["type": .string(event.userIdentity.type)]
        for (key, value) in [("principalId", event.userIdentity.principalId), ("userName", event.userIdentity.userName),
                             ("identityProvider", event.userIdentity.identityProvider), ("arn", event.userIdentity.arn),
                             ("accountId", event.userIdentity.accountId), ("accessKeyId", event.userIdentity.accessKeyId)] {
            if let value { identity[key] = .string(value) }
        }
        if let context = event.userIdentity.sessionContext {
            let issuer = context.sessionIssuer
            identity["sessionContext"] = .object([
                "sessionIssuer": .object(["type": .string(issuer.type), "principalId": .string(issuer.principalId), "arn": .string(issuer.arn),
                                          "accountId": .string(issuer.accountId), "userName": .string(issuer.userName)]),
                "attributes": .object(["creationDate": .string(context.attributes.creationDate),
                                       "mfaAuthenticated": .string(context.attributes.mfaAuthenticated)]),
            ])
        }
        var record: [String: JSONValue] = [
            "eventVersion": .string("1.08"), "userIdentity": .object(identity), "eventTime": .string(event.eventTime),
            "eventSource": .string(event.eventSource), "eventName": .string(event.eventName), "awsRegion": .string(event.awsRegion),
            "sourceIPAddress": .string(event.sourceIPAddress), "requestID": .string(event.requestID),
            "eventID": .string(event.eventID ?? event.requestID), "readOnly": .bool(event.readOnly ?? false),
            "eventType": .string(event.eventType ?? "AwsApiCall"), "managementEvent": .bool(true),
            "recipientAccountId": .string(state.account), "eventCategory": .string("Management"),
            "requestParameters": event.requestParameters.map(JSONValue.object) ?? .null,
            "responseElements": event.responseElements.map(JSONValue.object) ?? .null,
        ]
        if let code = event.errorCode { record["errorCode"] = .string(code) }
        if let message = event.errorMessage { record["errorMessage"] = .string(message) }
        let text = (try? JSONEncoder.audit.encode(JSONValue.object(record))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var resources: [JSONValue] = []
        if let role = event.roleArn { resources.append(.object(["ResourceType": .string("AWS::IAM::Role"), "ResourceName": .string(role)])) }
        var result: [String: JSONValue] = [
            "EventId": .string(event.eventID ?? event.requestID), "EventName": .string(event.eventName),
            "ReadOnly": .string((event.readOnly ?? false) ? "true" : "false"), "EventTime": .number(Self.epoch(event)),
            "EventSource": .string(event.eventSource), "Resources": .array(resources), "CloudTrailEvent": .string(text),
        ]
        if let name = event.userIdentity.userName { result["Username"] = .string(name) }
        if let key = event.userIdentity.accessKeyId { result["AccessKeyId"] = .string(key) }
        return .object(result)
    }
}
