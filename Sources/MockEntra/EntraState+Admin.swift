import AWSFederation
import Foundation
import SAML

/// The tenant administrator's operations on the state (what the admin API and PIM call): Conditional Access, PIM
/// activations, signing certificates, role provisioning's import, application settings and assignments.
extension EntraState {
    /// Replaces the Conditional Access policies.
    public func setConditionalAccess(_ policies: [Tenant.ConditionalAccessPolicy]) throws(AdminError) {
        for policy in policies {
            for group in policy.groups + (policy.excludeGroups ?? []) where tenant.group(group) == nil { throw AdminError(400, "no group named '\(group)'") }
            for app in policy.applications where tenant.application(app) == nil { throw AdminError(400, "no application '\(app)'") }
            for user in (policy.includeUsers ?? []) + (policy.excludeUsers ?? []) where tenant.user(user) == nil { throw AdminError(400, "no user '\(user)'") }
            if let state = policy.state, !["enabled", "disabled", "enabledForReportingButNotEnforced"].contains(state) {
                throw AdminError(400, "state must be enabled, disabled or enabledForReportingButNotEnforced; got '\(state)'")
            }
        }
        tenant.conditionalAccess = policies
    }

    /// PIM: `upn` (re-entering their password) activates an eligible membership for `minutes`, with a justification.
    public func activate(upn: String, password: String, group name: String, justification: String,
                         minutes: Int) throws(AdminError) -> Tenant.Activation {
        guard let user = tenant.user(upn), Self.constantTimeEqual(user.password, password) else {
            throw AdminError(401, "\(EntraError.invalidCredentials)")
        }
        guard let group = tenant.group(name) else { throw AdminError(404, "no group named '\(name)'") }
        guard group.eligibleMembers.contains(where: { $0.lowercased() == upn.lowercased() }) else {
            throw AdminError(403, "\(user.userPrincipalName) is not eligible for '\(name)'")
        }
        guard !justification.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AdminError(400, "a justification is required")
        }
        guard (1...group.maxActivationMinutes).contains(minutes) else {
            throw AdminError(400, "the activation must last 1 to \(group.maxActivationMinutes) minutes; \(minutes) was asked")
        }
        let now = clock.now
        activations.removeAll { $0.expires <= now || ($0.user.lowercased() == upn.lowercased() && $0.group == name) }
        let activation = Tenant.Activation(user: user.userPrincipalName, group: name, justification: justification,
                                           expires: now.addingTimeInterval(TimeInterval(minutes * 60)))
        activations.append(activation)
        return activation
    }

    /// Publishes another certificate (generated unless given).
    public func addCertificate(_ credential: SigningCredential?) throws -> SigningCredential {
        let credential = try credential ?? SigningCredential.generate(clock: clock)
        var ring = keys
        try ring.add(credential)
        try commit(ring)
        return credential
    }

    public func activateCertificate(_ thumbprint: String) throws {
        var ring = keys
        try ring.activate(thumbprint)
        try commit(ring)
    }

    public func retireCertificate(_ thumbprint: String) throws {
        var ring = keys
        try ring.retire(thumbprint)
        try commit(ring)
    }

    func commit(_ ring: KeyRing) throws {
        try keyDirectory?.save(ring)
        keys = ring
    }

    /// Role provisioning's result: the app's AWS roles become `pairs`, as `Role,Provider` app roles; roles without
    /// a value (msiam_access, User) stay, as do the IDs of roles that were already there.
    public func importRoles(_ pairs: [AWSRolePair], into appID: String) throws(AdminError) -> [Tenant.AppRole] {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else {
            throw AdminError(404, "\(EntraError.applicationNotFound(appID, tenant: tenant))")
        }
        let existing = tenant.applications[index].appRoles
        let imported = pairs.map { pair in
            let name = "\(pair.roleName),\(pair.providerName)"
            let id = existing.first { $0.value == pair.value || $0.displayName == name }?.id ?? Self.roleID(appID: appID, value: pair.value)
            return Tenant.AppRole(id: id, displayName: name, value: pair.value)
        }
        tenant.applications[index].appRoles = imported + existing.filter { $0.value.isEmpty }
        return imported
    }

    /// Changes an application's SAML settings (the portal's "Basic SAML configuration" and "SAML certificates").
    public func updateApplication(_ appID: String, _ patch: ApplicationPatch) throws(AdminError) -> Tenant.Application {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw AdminError(404, "no application '\(appID)'") }
        var app = tenant.applications[index]
        // Reply URLs are where browsers post assertions: only URLs every parser reads alike (BrowserURL), so the
        // exact comparison with an AuthnRequest's AssertionConsumerServiceURL means the same to a browser.
        for url in [patch.replyURL].compactMap({ $0 }) + (patch.additionalReplyURLs ?? []) {
            do {
                _ = try BrowserURL(url)
            } catch {
                throw AdminError(400, "Reply URLs must be absolute http(s) URLs in canonical form: \(error.message)")
            }
        }
        if let replyURL = patch.replyURL { app.replyURL = replyURL }
        if let urls = patch.additionalReplyURLs { app.additionalReplyURLs = urls }
        if let mode = patch.signingMode { app.signingMode = mode }
        if let algorithm = patch.signatureAlgorithm {
            guard algorithm == .rsaSHA256 || algorithm == .rsaSHA1 else {
                throw AdminError(400, "Entra signs with rsa-sha256 or rsa-sha1; got \(algorithm.rawValue)")
            }
            app.signatureAlgorithm = algorithm
        }
        if let format = patch.nameIDFormat { app.nameIDFormat = format }
        if let duration = patch.sessionDuration {
            guard (900...43200).contains(duration) else { throw AdminError(400, "sessionDuration must be 900 to 43200 seconds; got \(duration)") }
            app.sessionDuration = duration
        }
        if let relayState = patch.relayState { app.relayState = relayState.isEmpty ? nil : relayState }
        if let logoutURL = patch.logoutURL { app.logoutURL = logoutURL.isEmpty ? nil : logoutURL }
        if let required = patch.requireSignedRequests { app.requireSignedRequests = required }
        if let classRef = patch.authnContextClassRef { app.authnContextClassRef = classRef }
        tenant.applications[index] = app
        return app
    }

    /// Assigns app roles to a group (the portal's "Users and groups" blade).
    public func assign(group name: String, roles displayNames: [String], appID: String) throws(AdminError) {
        guard let index = tenant.applications.firstIndex(where: { $0.appID == appID }) else { throw AdminError(404, "no application '\(appID)'") }
        guard tenant.group(name) != nil else { throw AdminError(404, "no group named '\(name)'") }
        var ids: [String] = []
        for displayName in displayNames {
            guard let role = tenant.applications[index].appRoles.first(where: { $0.displayName == displayName }) else {
                throw AdminError(404, "the application has no role '\(displayName)'")
            }
            ids.append(role.id)
        }
        tenant.applications[index].assignments[name] = ids
    }
}
