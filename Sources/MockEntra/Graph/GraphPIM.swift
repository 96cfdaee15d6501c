import Foundation
import Hummingbird
import SAML

/// PIM for Groups under `identityGovernance/privilegedAccess/group` (Graph docs "PIM for Groups APIs"):
/// `eligibilityScheduleRequests` (an administrator makes a user eligible for a group's membership, `adminAssign`,
/// or removes it, `adminRemove`) and `assignmentScheduleRequests` (`adminAssign` with a duration: a time-bound active
/// membership, as an activation; `adminRemove` ends it), with the schedules to read back. `selfActivate` (with a
/// justification and a duration up to the group's maximum) and `selfDeactivate` are the member's own calls, with the
/// member's delegated token from the password grant. Permissions (Graph docs "Create eligibilityScheduleRequests",
/// "Create assignmentScheduleRequests"): PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup and
/// PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup.
extension GraphAPI {
    static let pimEligibilityWrite = [GraphPermission.eligibilityReadWriteGroup]
    static let pimAssignmentWrite = [GraphPermission.assignmentReadWriteGroup]
    static let pimBase = "identityGovernance/privilegedAccess/group"

    static let requestType = ResourceType(
        name: "privilegedAccessGroupScheduleRequest",
        properties: ["id", "status", "action", "accessId", "principalId", "groupId", "justification", "createdDateTime", "scheduleInfo",
                     "targetScheduleId"],
        defaults: ["id", "status", "action", "accessId", "principalId", "groupId", "justification", "createdDateTime", "scheduleInfo",
                   "targetScheduleId"],
        directory: false)

    static let scheduleType = ResourceType(
        name: "privilegedAccessGroupSchedule",
        properties: ["id", "accessId", "principalId", "groupId", "memberType", "status", "scheduleInfo"],
        defaults: ["id", "accessId", "principalId", "groupId", "memberType", "status", "scheduleInfo"], directory: false)

    /// An ISO 8601 duration (`PT2H`, `PT30M`, `PT1H30M`, `P1DT0H`, `PT3600S`) in whole minutes; nil for anything else,
    /// a zero duration, or seconds that are not whole minutes.
    static func minutes(_ duration: String) -> Int? {
        guard duration.hasPrefix("P"), !duration.hasSuffix("T"), duration.utf8.count <= 24 else { return nil }
        var seconds = 0, number = "", inTime = false, last = -1
        for c in duration.dropFirst() {
            if c.isASCII, c.isNumber { number.append(c); continue }
            if c == "T", number.isEmpty, !inTime { inTime = true; continue }
            // Each designator once, in ISO 8601's order (D, then H, M, S).
            guard let n = Int(number), n <= 1_000_000, let rank = "DHMS".firstIndex(of: c)?.utf16Offset(in: "DHMS"), rank > last else { return nil }
            last = rank
            switch (c, inTime) {
            case ("D", false): seconds += n * 86_400
            case ("H", true): seconds += n * 3600
            case ("M", true): seconds += n * 60
            case ("S", true): seconds += n
            default: return nil
            }
            number = ""
        }
        guard number.isEmpty, seconds > 0, seconds % 60 == 0 else { return nil }
        return seconds / 60
    }

    struct ScheduleRequest {
        var action: String
        var principal: Tenant.User
        var group: Tenant.Group
        var justification: String
        var body: [String: JSONValue]
    }

    func scheduleRequest(_ call: Call) async throws(GraphError) -> ScheduleRequest {
        let body = try await Self.body(call)
        try Self.allow(body, ["accessId", "principalId", "groupId", "action", "scheduleInfo", "justification"], type: "privilegedAccessGroupScheduleRequest")
        guard body["accessId"]?.string == "member" else {
            throw .badRequest("mock-entra's PIM for Groups serves accessId 'member' (group ownership is not modelled).")
        }
        let principal = try Self.string(body, "principalId", resource: "PrivilegedAccessGroupScheduleRequest")
        let groupID = try Self.string(body, "groupId", resource: "PrivilegedAccessGroupScheduleRequest")
        guard let user = await state.tenant.users.first(where: { $0.objectID.lowercased() == principal.lowercased() }) else { throw .notFound(principal) }
        guard let group = await state.graphGroup(groupID) else { throw .notFound(groupID) }
        return ScheduleRequest(action: try Self.string(body, "action", resource: "PrivilegedAccessGroupScheduleRequest"), principal: user,
                               group: group, justification: body["justification"]?.string ?? "", body: body)
    }

    func requestResponse(_ request: ScheduleRequest, call: Call, kind: String) throws(GraphError) -> Response {
        let id = MockEntra.guid(EntraState.newID())
        let object: [String: JSONValue] = [
            "id": .string(id), "status": .string("Provisioned"), "action": .string(request.action), "accessId": .string("member"),
            "principalId": .string(request.principal.objectID), "groupId": .string(request.group.objectID),
            "justification": .string(request.justification), "createdDateTime": .string(SAMLInstant.format(state.clock.now)),
            "scheduleInfo": request.body["scheduleInfo"] ?? .null, "targetScheduleId": .string(id),
        ]
        return try Self.entity(object, type: Self.requestType, entitySet: "\(Self.pimBase)/\(kind)", call: call, status: .created)
    }

    var pimRoutes: [Route] {
        [
            Route(.post, "\(Self.pimBase)/eligibilityScheduleRequests", Self.pimEligibilityWrite) { call throws(GraphError) in
                let request = try await self.scheduleRequest(call)
                switch request.action {
                case "adminAssign": try await self.state.setEligible(request.principal.userPrincipalName, group: request.group.objectID, eligible: true)
                case "adminRemove": try await self.state.setEligible(request.principal.userPrincipalName, group: request.group.objectID, eligible: false)
                default: throw .badRequest("mock-entra serves the eligibility actions adminAssign and adminRemove.")
                }
                return try self.requestResponse(request, call: call, kind: "eligibilityScheduleRequests")
            },
            Route(.post, "\(Self.pimBase)/assignmentScheduleRequests", Self.pimAssignmentWrite, delegated: true) { call throws(GraphError) in
                let request = try await self.scheduleRequest(call)
                // A member acts for themself with their own token; an administrator's actions need an app's.
                let selfAction = request.action == "selfActivate" || request.action == "selfDeactivate"
                guard selfAction == (call.caller.user != nil) else {
                    throw GraphError(403, "Authorization_RequestDenied", selfAction
                        ? "\(request.action) is the member's own call: it needs the member's delegated token (the password grant)."
                        : "\(request.action.prefix(40)) needs an application's token.")
                }
                if selfAction, call.caller.user?.lowercased() != request.principal.userPrincipalName.lowercased() {
                    throw GraphError(403, "Authorization_RequestDenied", "The principalId must be the signed-in user's.")
                }
                // A schedule starts at scheduleInfo.startDateTime (Graph: requestSchedule). mock-entra activates now
                // only: a start in the future is refused, never activated early; an unreadable one is a bad request.
                if let start = request.body["scheduleInfo"]?.object?["startDateTime"], start != .null {
                    guard let text = start.string, let date = SAMLInstant.parse(text) else {
                        throw .badRequest("Invalid value for scheduleInfo.startDateTime: an ISO 8601 date and time is required.")
                    }
                    guard date.timeIntervalSince(self.state.clock.now) <= 300 else {
                        throw .badRequest("mock-entra starts assignments now: a scheduleInfo.startDateTime in the future is not served.")
                    }
                }
                let now = self.state.clock.now
                let active = await self.state.activations.contains { activation in
                    activation.expires > now && activation.user.lowercased() == request.principal.userPrincipalName.lowercased()
                        && activation.group.lowercased() == request.group.displayName.lowercased()
                }
                if (request.action == "selfActivate" || request.action == "adminAssign") && active {
                    throw GraphError(400, "RoleAssignmentExists", "The Role assignment already exists.")
                }
                if (request.action == "selfDeactivate" || request.action == "adminRemove") && !active {
                    throw GraphError(400, "RoleAssignmentDoesNotExist", "The Role assignment does not exist.")
                }
                switch request.action {
                case "selfActivate":
                    let expiration = request.body["scheduleInfo"]?.object?["expiration"]?.object
                    guard expiration?["type"]?.string == "afterDuration", let duration = expiration?["duration"]?.string,
                          let minutes = Self.minutes(duration) else {
                        throw .badRequest("An activation needs scheduleInfo.expiration {type: afterDuration, duration: PTnHnM}.")
                    }
                    try await self.state.activateSelf(request.principal.userPrincipalName, group: request.group.displayName,
                                                      justification: request.justification, minutes: minutes)
                case "selfDeactivate":
                    await self.state.endActivation(request.principal.userPrincipalName, group: request.group.displayName)
                case "adminAssign":
                    let expiration = request.body["scheduleInfo"]?.object?["expiration"]?.object
                    guard expiration?["type"]?.string == "afterDuration", let duration = expiration?["duration"]?.string,
                          let minutes = Self.minutes(duration), minutes <= 525_600 else {
                        throw .badRequest("mock-entra's active assignments are time-bound: scheduleInfo.expiration {type: afterDuration, duration: PTnHnM}.")
                    }
                    guard !request.justification.trimmingCharacters(in: .whitespaces).isEmpty else { throw .badRequest("A justification is required.") }
                    try await self.state.activateByAdministrator(request.principal.userPrincipalName, group: request.group.displayName,
                                                                 justification: request.justification, minutes: minutes)
                case "adminRemove":
                    await self.state.endActivation(request.principal.userPrincipalName, group: request.group.displayName)
                default: throw .badRequest("Unknown action '\(request.action.prefix(40))'.")
                }
                return try self.requestResponse(request, call: call, kind: "assignmentScheduleRequests")
            },
            Route(.get, "\(Self.pimBase)/eligibilitySchedules", Self.pimEligibilityWrite) { call throws(GraphError) in
                let tenant = await self.state.tenant
                let schedules: [[String: JSONValue]] = tenant.groups.flatMap { group in
                    group.eligibleMembers.compactMap { tenant.user($0) }.map { user in
                        ["id": .string(GraphIDs.derived("eligibility", "\(group.objectID)|\(user.objectID)")), "accessId": .string("member"),
                         "principalId": .string(user.objectID), "groupId": .string(group.objectID), "memberType": .string("direct"),
                         "status": .string("Provisioned"),
                         "scheduleInfo": .object(["expiration": .object(["type": .string("noExpiration")])])]
                    }
                }
                return try Self.collection(schedules, type: Self.scheduleType, entitySet: "\(Self.pimBase)/eligibilitySchedules", call: call)
            },
            Route(.get, "\(Self.pimBase)/assignmentScheduleInstances", Self.pimAssignmentWrite) { call throws(GraphError) in
                let tenant = await self.state.tenant
                let now = self.state.clock.now
                let instances: [[String: JSONValue]] = await self.state.activations.filter { $0.expires > now }.compactMap { activation in
                    guard let user = tenant.user(activation.user), let group = tenant.group(activation.group) else { return nil }
                    return ["id": .string(GraphIDs.derived("activation", "\(group.objectID)|\(user.objectID)")), "accessId": .string("member"),
                            "principalId": .string(user.objectID), "groupId": .string(group.objectID), "memberType": .string("direct"),
                            "status": .string("Provisioned"),
                            "scheduleInfo": .object(["expiration": .object(["type": .string("afterDateTime"),
                                                                            "endDateTime": .string(SAMLInstant.format(activation.expires))])])]
                }
                return try Self.collection(instances, type: Self.scheduleType, entitySet: "\(Self.pimBase)/assignmentScheduleInstances", call: call)
            },
        ]
    }
}

extension EntraState {
    /// PIM: makes `upn` eligible for (or no longer eligible for) a group's membership.
    func setEligible(_ upn: String, group id: String, eligible: Bool) throws(GraphError) {
        guard let index = tenant.groups.firstIndex(where: { $0.objectID.lowercased() == id.lowercased() }) else { throw .notFound(id) }
        let key = upn.lowercased()
        let present = tenant.groups[index].eligibleMembers.contains { $0.lowercased() == key }
        if eligible {
            guard !present else { throw .badRequest("The Role assignment already exists.") }
            tenant.groups[index].eligibleMembers.append(upn)
        } else {
            guard present else { throw .notFound(upn) }
            tenant.groups[index].eligibleMembers.removeAll { $0.lowercased() == key }
            let name = tenant.groups[index].displayName
            activations.removeAll { $0.user.lowercased() == key && $0.group == name }
        }
    }

    /// PIM: an administrator makes an eligible membership active for `minutes` (no password, unlike the member's own
    /// activation, ``activate(upn:password:group:justification:minutes:)``).
    func activateByAdministrator(_ upn: String, group name: String, justification: String, minutes: Int) throws(GraphError) {
        guard let group = tenant.group(name), group.eligibleMembers.contains(where: { $0.lowercased() == upn.lowercased() }) else {
            throw .badRequest("mock-entra activates eligible memberships: make the user eligible first (eligibilityScheduleRequests).")
        }
        let now = clock.now
        activations.removeAll { $0.expires <= now || ($0.user.lowercased() == upn.lowercased() && $0.group == name) }
        activations.append(Tenant.Activation(user: upn, group: name, justification: justification,
                                             expires: now.addingTimeInterval(TimeInterval(minutes * 60))))
    }

    /// PIM: the member activates their own eligible membership (the same rules as ``activate(upn:password:group:justification:minutes:)``,
    /// the delegated token standing for the password): a justification, at most the group's `maxActivationMinutes`.
    func activateSelf(_ upn: String, group name: String, justification: String, minutes: Int) throws(GraphError) {
        guard let group = tenant.group(name), group.eligibleMembers.contains(where: { $0.lowercased() == upn.lowercased() }) else {
            throw GraphError(403, "Authorization_RequestDenied", "\(upn) is not eligible for '\(name)'.")
        }
        guard !justification.trimmingCharacters(in: .whitespaces).isEmpty else { throw .badRequest("A justification is required.") }
        guard minutes <= group.maxActivationMinutes else {
            throw GraphError(400, "RoleAssignmentRequestPolicyValidationFailed",
                             "The activation may last at most \(group.maxActivationMinutes) minutes; \(minutes) were asked.")
        }
        try activateByAdministrator(upn, group: name, justification: justification, minutes: minutes)
    }

    func endActivation(_ upn: String, group name: String) {
        activations.removeAll { $0.user.lowercased() == upn.lowercased() && $0.group == name }
    }
}
