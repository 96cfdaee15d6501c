#!/usr/bin/env python3
"""Example (d): a Python integration test against the two servers, started as any language would start them.

mock-entra's test hooks issue a response without the pages (and a deliberately broken one); boto3 redeems it at
mock-aws's STS and calls GetCallerIdentity with the temporary credentials, lists the IAM roles with mock-aws's admin
key, and reads the audit trail, a GET signed with botocore's SigV4Auth for CloudTrail (mock-aws's rule); then the
role list is read from mock-entra's admin API with its bearer token, kept in the keys directory.

    python3 Examples/python/hooks_and_boto3.py [BUILD_DIR]      (default .build/debug)
"""
import json
import subprocess
import sys
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

BUILD = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
APP = "33333333-aaaa-4bbb-8ccc-000000000001"


def start(*command):
    """Starts a server on a free port; its first line says where it listens."""
    process = subprocess.Popen(list(command) + ["--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    return process, line.split(" listening on ")[1].strip()


def issue(entra, **request):
    body = json.dumps(request).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{entra}/test/issue", data=body, method="POST")) as answer:
        return json.load(answer)["samlResponse"]


# mock-aws's embedded IAM user (a mock's key, public on purpose).
ADMIN_KEY = {"aws_access_key_id": "AKIAMOCKAWSADMIN0001", "aws_secret_access_key": "mockAwsAdminSecretKey0000000000000000000"}


def audit_events(aws):
    """GET /audit, signed with SigV4 for CloudTrail in mock-aws's region: unsigned, it answers 403."""
    request = AWSRequest(method="GET", url=f"{aws}/audit")
    SigV4Auth(Credentials(ADMIN_KEY["aws_access_key_id"], ADMIN_KEY["aws_secret_access_key"]), "cloudtrail", "us-east-1").add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(request.url, headers=dict(request.headers.items()))) as answer:
        return json.load(answer)


def main():
    keys = f"{BUILD}/example-python-keys"
    entra_process, entra = start(f"{BUILD}/mock-entra", "--test-hooks", "--keys-dir", keys)
    metadata = f"{entra}/{TENANT}/federationmetadata/2007-06/federationmetadata.xml?appid={APP}"
    aws_process, aws = start(f"{BUILD}/mock-aws", "--idp-metadata", metadata)
    try:
        sts = boto3.client("sts", endpoint_url=aws, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        assumed = sts.assume_role_with_saml(RoleArn="arn:aws:iam::123456789012:role/Developer",
                                            PrincipalArn="arn:aws:iam::123456789012:saml-provider/EntraID",
                                            SAMLAssertion=issue(entra, user="test-awsdeveloper@contoso.com"))
        credentials = assumed["Credentials"]
        me = boto3.client("sts", endpoint_url=aws, region_name="us-east-1", aws_access_key_id=credentials["AccessKeyId"],
                          aws_secret_access_key=credentials["SecretAccessKey"],
                          aws_session_token=credentials["SessionToken"]).get_caller_identity()
        print("boto3 signed in as", me["Arn"])
        assert me["Arn"] == "arn:aws:sts::123456789012:assumed-role/Developer/test-awsdeveloper@contoso.com", me["Arn"]
        try:
            sts.assume_role_with_saml(RoleArn="arn:aws:iam::123456789012:role/Developer",
                                      PrincipalArn="arn:aws:iam::123456789012:saml-provider/EntraID",
                                      SAMLAssertion=issue(entra, user="test-awsdeveloper@contoso.com", fault="xsw3"))
            raise SystemExit("an XSW3 response was accepted")
        except ClientError as error:
            print("an XSW3 response is refused:", error.response["Error"]["Code"])
        # IAM is global: botocore signs it for the client's region when given an endpoint URL, and AWS (and
        # mock-aws) want us-east-1.
        iam = boto3.client("iam", endpoint_url=aws, region_name="us-east-1", **ADMIN_KEY)
        print("IAM roles:", " ".join(role["RoleName"] for role in iam.list_roles()["Roles"]))
        events = audit_events(aws)
        print("audit trail:", ", ".join(f"{e['eventName']} {e.get('errorCode') or 'ok'}" for e in events))
        sign_ins = [e for e in events if e["eventName"] == "AssumeRoleWithSAML"]
        assert [e.get("errorCode") for e in sign_ins] == [None, "InvalidIdentityToken"], events
        assert [e["userIdentity"]["type"] for e in events if e["eventName"] == "ListRoles"] == ["IAMUser"], events
        with open(f"{keys}/admin-token") as file:
            token = file.read().strip()
        request = urllib.request.Request(f"{entra}/admin/tenant", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as answer:
            roles = [role["value"] for app in json.load(answer)["applications"] for role in app["appRoles"]]
        print("mock-entra's app roles (admin API):", len(roles))
    finally:
        for process in (aws_process, entra_process):
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
