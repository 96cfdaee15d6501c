#!/usr/bin/env python3
"""Example (e): the deployment guide's set-up through Microsoft Graph, against mock-entra, with Python's standard
library only: a client-credentials token, a user with a password, a security group with that user, an app role of
the AWS app assigned to the group, a Conditional Access policy requiring MFA, a PIM-eligible member activated for an
hour; then the new user signs in (test hooks), and the sign-ins are read back from auditLogs/signIns. Point BASE at
another Graph and the same calls run there (with a real app registration's ID and secret).

    python3 Examples/python/graph_setup.py [BUILD_DIR]      (default .build/debug)
"""
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

BUILD = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
TENANT = "contoso.com"
AWS_APP = "33333333-aaaa-4bbb-8ccc-000000000001"
# mock-entra's administration app (README, "Microsoft Graph"): a mock's secret, public on purpose.
CLIENT_ID, CLIENT_SECRET = "55555555-aaaa-4bbb-8ccc-000000000001", "mock~Graph-Admin-Secret.NotForProduction~0001"


def request(method, url, token=None, body=None, form=None):
    headers, data = {}, None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"], data = "application/json", json.dumps(body).encode()
    if form is not None:
        headers["Content-Type"], data = "application/x-www-form-urlencoded", urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as answer:
            text = answer.read().decode()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode() or "null")


def main():
    keys = f"{BUILD}/example-graph-keys"
    process = subprocess.Popen([f"{BUILD}/mock-entra", "--test-hooks", "--keys-dir", keys, "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = process.stdout.readline().split(" listening on ")[1].strip()
    graph = f"{base}/v1.0"
    try:
        _, answer = request("POST", f"{base}/{TENANT}/oauth2/v2.0/token", form={
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default"})
        token = answer["access_token"]

        status, user = request("POST", f"{graph}/users", token, {
            "accountEnabled": True, "displayName": "Test-AWSReadOnly", "mailNickname": "test-awsreadonly",
            "userPrincipalName": "test-awsreadonly@contoso.com",
            "passwordProfile": {"forceChangePasswordNextSignIn": False, "password": "R3adOnly-Passw0rd!"}})
        assert status == 201, user
        status, group = request("POST", f"{graph}/groups", token, {
            "displayName": "AWS-Account1-ReadOnly", "mailEnabled": False, "mailNickname": "aws-account1-readonly", "securityEnabled": True})
        assert status == 201, group
        status, _ = request("POST", f"{graph}/groups/{group['id']}/members/$ref", token,
                            {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user['id']}"})
        assert status == 204

        query = urllib.parse.quote(f"appId eq '{AWS_APP}'")
        _, found = request("GET", f"{graph}/servicePrincipals?$filter={query}", token)
        sp = found["value"][0]
        role = next(r for r in sp["appRoles"] if r["displayName"].startswith("Developer,"))
        status, assignment = request("POST", f"{graph}/servicePrincipals/{sp['id']}/appRoleAssignedTo", token,
                                     {"principalId": group["id"], "resourceId": sp["id"], "appRoleId": role["id"]})
        assert status == 201, assignment
        status, policy = request("POST", f"{graph}/identity/conditionalAccess/policies", token, {
            "displayName": "AWS Console – MFA (read-only)", "state": "enabled",
            "conditions": {"users": {"includeGroups": [group["id"]]}, "applications": {"includeApplications": [AWS_APP]},
                           "clientAppTypes": ["all"]},
            "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}})
        assert status == 201, policy

        # PIM for Groups: Test-AWSDeveloper becomes eligible for the administrators' group, then active for an hour.
        _, admins = request("GET", f"{graph}/groups?$filter=" + urllib.parse.quote("displayName eq 'AWS-Account1-Administrators'"), token)
        _, developer = request("GET", f"{graph}/users/test-awsdeveloper@contoso.com", token)
        pim = f"{graph}/identityGovernance/privilegedAccess/group"
        member = {"accessId": "member", "principalId": developer["id"], "groupId": admins["value"][0]["id"], "justification": "on call"}
        assert request("POST", f"{pim}/eligibilityScheduleRequests", token,
                       dict(member, action="adminAssign", scheduleInfo={"expiration": {"type": "noExpiration"}}))[0] == 201
        assert request("POST", f"{pim}/assignmentScheduleRequests", token,
                       dict(member, action="adminAssign", scheduleInfo={"expiration": {"type": "afterDuration", "duration": "PT1H"}}))[0] == 201

        # The new user signs in: without MFA the new policy refuses; with it, the Developer role is issued.
        for mfa in (False, True):
            status, issued = request("POST", f"{base}/test/issue", body={"user": "test-awsreadonly@contoso.com", "mfa": mfa})
            print(f"sign-in with mfa={mfa}: {status} {issued.get('roles') or issued.get('error')}")
        status, issued = request("POST", f"{base}/test/issue", body={"user": "test-awsdeveloper@contoso.com", "mfa": True})
        print(f"Test-AWSDeveloper after the PIM activation: {status} {issued.get('roles')}")
        assert len(issued["roles"]) == 2
        filter_ = urllib.parse.quote("userPrincipalName eq 'test-awsreadonly@contoso.com'")
        _, signins = request("GET", f"{graph}/auditLogs/signIns?$filter={filter_}", token)
        for entry in signins["value"]:
            print(f"sign-in log: {entry['createdDateTime']} {entry['userPrincipalName']} errorCode={entry['status']['errorCode']}"
                  f" conditionalAccess={entry['conditionalAccessStatus']}")
        assert [e["status"]["errorCode"] for e in signins["value"]] == [0, 50076]
        print("Graph set-up done")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
