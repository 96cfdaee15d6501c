#!/usr/bin/env python3
"""The deployment guide's set-up through the Microsoft Graph SDK for Python (`msgraph-sdk`), its request adapter
pointed at mock-entra's /v1.0 and its tokens from mock-entra's token endpoint (an AccessTokenProvider doing the
client-credentials grant: azure-identity's credentials insist on Entra's https authority). Prints one JSON line.

Usage: msgraph_sdk_setup.py setup BASE_URL TENANT CLIENT_ID CLIENT_SECRET
       msgraph_sdk_setup.py signins BASE_URL TENANT CLIENT_ID CLIENT_SECRET UPN
"""
import asyncio
import json
import sys
import urllib.parse
import urllib.request
from urllib.parse import urlparse

from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.conditional_access_applications import ConditionalAccessApplications
from msgraph.generated.models.conditional_access_client_app import ConditionalAccessClientApp
from msgraph.generated.models.conditional_access_condition_set import ConditionalAccessConditionSet
from msgraph.generated.models.conditional_access_grant_control import ConditionalAccessGrantControl
from msgraph.generated.models.conditional_access_grant_controls import ConditionalAccessGrantControls
from msgraph.generated.models.conditional_access_policy import ConditionalAccessPolicy
from msgraph.generated.models.conditional_access_policy_state import ConditionalAccessPolicyState
from msgraph.generated.models.conditional_access_users import ConditionalAccessUsers
from msgraph.generated.models.expiration_pattern import ExpirationPattern
from msgraph.generated.models.expiration_pattern_type import ExpirationPatternType
from msgraph.generated.models.group import Group
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.privileged_access_group_assignment_schedule_request import PrivilegedAccessGroupAssignmentScheduleRequest
from msgraph.generated.models.privileged_access_group_eligibility_schedule_request import PrivilegedAccessGroupEligibilityScheduleRequest
from msgraph.generated.models.privileged_access_group_relationships import PrivilegedAccessGroupRelationships
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.request_schedule import RequestSchedule
from msgraph.generated.models.schedule_request_actions import ScheduleRequestActions
from msgraph.generated.models.user import User
from msgraph.generated.audit_logs.sign_ins.sign_ins_request_builder import SignInsRequestBuilder
from msgraph.generated.groups.groups_request_builder import GroupsRequestBuilder
from msgraph.generated.service_principals.service_principals_request_builder import ServicePrincipalsRequestBuilder

AWS_APP = "33333333-aaaa-4bbb-8ccc-000000000001"


class ClientCredentials(AccessTokenProvider):
    """OAuth 2.0 client credentials against mock-entra's token endpoint, cached until it expires."""

    def __init__(self, base, tenant, client_id, secret):
        self.url, self.form, self.token = f"{base}/{tenant}/oauth2/v2.0/token", {
            "client_id": client_id, "client_secret": secret, "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default"}, None
        self.hosts = AllowedHostsValidator([urlparse(base).netloc])

    async def get_authorization_token(self, uri, additional_authentication_context={}):
        if not self.token:
            data = urllib.parse.urlencode(self.form).encode()
            with urllib.request.urlopen(urllib.request.Request(self.url, data=data, method="POST")) as answer:
                self.token = json.load(answer)["access_token"]
        return self.token

    def get_allowed_hosts_validator(self):
        return self.hosts


def client(base, tenant, client_id, secret):
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(ClientCredentials(base, tenant, client_id, secret)))
    adapter.base_url = f"{base}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


async def setup(graph):
    done = {}
    user = await graph.users.post(User(
        account_enabled=True, display_name="SDK-Engineer", mail_nickname="sdk-engineer", user_principal_name="sdk-engineer@contoso.com",
        password_profile=PasswordProfile(force_change_password_next_sign_in=False, password="Sdk-Passw0rd!42")))
    done["user"] = user.id
    group = await graph.groups.post(Group(display_name="AWS-Account1-SDK", mail_enabled=False, mail_nickname="aws-account1-sdk",
                                          security_enabled=True, group_types=[]))
    await graph.groups.by_group_id(group.id).members.ref.post(
        ReferenceCreate(odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{user.id}"))
    members = await graph.groups.by_group_id(group.id).members.get()
    done["members"] = [m.id for m in members.value]

    query = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(filter=f"appId eq '{AWS_APP}'")
    sps = await graph.service_principals.get(request_configuration=RequestConfiguration(query_parameters=query))
    sp = sps.value[0]
    role = next(r for r in sp.app_roles if r.display_name.startswith("Developer,"))
    assignment = await graph.service_principals.by_service_principal_id(sp.id).app_role_assigned_to.post(
        AppRoleAssignment(principal_id=group.id, resource_id=sp.id, app_role_id=role.id))
    done["assignment"] = assignment.principal_type

    policy = await graph.identity.conditional_access.policies.post(ConditionalAccessPolicy(
        display_name="AWS Console – MFA (SDK)", state=ConditionalAccessPolicyState.Enabled,
        conditions=ConditionalAccessConditionSet(
            users=ConditionalAccessUsers(include_groups=[group.id]),
            applications=ConditionalAccessApplications(include_applications=[AWS_APP]),
            client_app_types=[ConditionalAccessClientApp.All]),
        grant_controls=ConditionalAccessGrantControls(operator="OR", built_in_controls=[ConditionalAccessGrantControl.Mfa])))
    done["policy"] = policy.id

    # PIM for Groups: Test-AWSDeveloper eligible for the administrators' group, then active for an hour.
    query = GroupsRequestBuilder.GroupsRequestBuilderGetQueryParameters(filter="displayName eq 'AWS-Account1-Administrators'")
    admins = (await graph.groups.get(request_configuration=RequestConfiguration(query_parameters=query))).value[0]
    developer = await graph.users.by_user_id("test-awsdeveloper@contoso.com").get()
    pim = graph.identity_governance.privileged_access.group
    await pim.eligibility_schedule_requests.post(PrivilegedAccessGroupEligibilityScheduleRequest(
        access_id=PrivilegedAccessGroupRelationships.Member, principal_id=developer.id, group_id=admins.id,
        action=ScheduleRequestActions.AdminAssign, justification="on call",
        schedule_info=RequestSchedule(expiration=ExpirationPattern(type=ExpirationPatternType.NoExpiration))))
    # The duration as ISO 8601 text: kiota's serializer writes a timedelta as "1:00:00", which Graph does not read.
    activation = await pim.assignment_schedule_requests.post(PrivilegedAccessGroupAssignmentScheduleRequest(
        access_id=PrivilegedAccessGroupRelationships.Member, principal_id=developer.id, group_id=admins.id,
        action=ScheduleRequestActions.AdminAssign, justification="incident 42",
        schedule_info=RequestSchedule(expiration=ExpirationPattern(type=ExpirationPatternType.AfterDuration, duration="PT1H"))))
    done["activation"] = activation.status

    try:
        await graph.users.by_user_id("nobody@contoso.com").get()
    except ODataError as error:
        done["not_found"] = error.error.code
    return done


async def signins(graph, upn):
    query = SignInsRequestBuilder.SignInsRequestBuilderGetQueryParameters(filter=f"userPrincipalName eq '{upn}'", top=10)
    page = await graph.audit_logs.sign_ins.get(request_configuration=RequestConfiguration(query_parameters=query))
    return {"signins": [{"upn": s.user_principal_name, "errorCode": s.status.error_code, "ca": s.conditional_access_status.value
                         if s.conditional_access_status else None} for s in page.value]}


def main():
    mode, base, tenant, client_id, secret = sys.argv[1:6]
    graph = client(base, tenant, client_id, secret)
    result = asyncio.run(setup(graph) if mode == "setup" else signins(graph, sys.argv[6]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
