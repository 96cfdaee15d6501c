#!/usr/bin/env python3
"""An independent Microsoft Graph client for mock-entra: urllib for HTTP, `cryptography` (already a test dependency,
through signxml) for RS256. It discovers the endpoints from the OpenID configuration, gets a client-credentials
token, verifies the token's signature against the published JWKS from n and e (not trusting anything else the
server says), then drives the guide's set-up as the Graph SDKs shape their requests ($-options percent-encoded,
client-request-id, JSON bodies) and prints one JSON verdict line.

Usage: graph_client.py BASE_URL TENANT CLIENT_ID CLIENT_SECRET
"""
import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def call(method, url, token=None, body=None, form=None, headers=None):
    data, sent = None, {"client-request-id": str(uuid.uuid4()), "Accept": "application/json"}
    if token:
        sent["Authorization"] = "Bearer " + token
    if body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data, sent["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    sent.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None)


def main():
    base, tenant, client_id, secret = sys.argv[1:5]
    checks = {}
    status, config = call("GET", f"{base}/{tenant}/v2.0/.well-known/openid-configuration")
    status, jwks = call("GET", config["jwks_uri"])
    status, answer = call("POST", config["token_endpoint"], form={
        "client_id": client_id, "client_secret": secret, "scope": "https://graph.microsoft.com/.default",
        "grant_type": "client_credentials"})
    checks["token"] = status == 200 and answer["token_type"] == "Bearer"
    token = answer["access_token"]
    header_b64, payload_b64, signature_b64 = token.split(".")
    header, claims = json.loads(b64url(header_b64)), json.loads(b64url(payload_b64))
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = rsa.RSAPublicNumbers(int.from_bytes(b64url(key["e"]), "big"), int.from_bytes(b64url(key["n"]), "big")).public_key()
    public.verify(b64url(signature_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
    checks["signature"] = header["alg"] == "RS256"
    checks["claims"] = claims["aud"] == "https://graph.microsoft.com" and claims["appid"] == client_id and "User.ReadWrite.All" in claims["roles"]

    status, _ = call("POST", config["token_endpoint"], form={
        "client_id": client_id, "client_secret": secret + "x", "scope": "https://graph.microsoft.com/.default",
        "grant_type": "client_credentials"})
    checks["wrong_secret_401"] = status == 401

    graph = f"{base}/v1.0"
    status, user = call("POST", f"{graph}/users", token, {
        "accountEnabled": True, "displayName": "Py-Engineer", "mailNickname": "py-engineer",
        "userPrincipalName": "py-engineer@contoso.com",
        "passwordProfile": {"forceChangePasswordNextSignIn": False, "password": "Py-Passw0rd!42"}})
    checks["create_user"] = status == 201
    status, found = call("GET", f"{graph}/groups?%24filter=" + urllib.parse.quote("displayName eq 'AWS-Account1-Developers'"), token)
    group = found["value"][0]["id"]
    status, _ = call("POST", f"{graph}/groups/{group}/members/$ref", token,
                     {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user['id']}"})
    checks["add_member"] = status == 204
    # Paging as an SDK's page iterator follows it.
    seen, url = [], f"{graph}/users?%24top=2&%24select=userPrincipalName"
    while url:
        status, page = call("GET", url, token)
        seen += [u["userPrincipalName"] for u in page["value"]]
        url = page.get("@odata.nextLink")
    checks["paging"] = "py-engineer@contoso.com" in seen and len(seen) == len(set(seen))
    status, count = call("GET", f"{graph}/users?%24count=true&%24top=1", token, headers={"ConsistencyLevel": "eventual"})
    checks["count"] = count.get("@odata.count") == len(seen)
    status, error = call("GET", f"{graph}/users", "not-a-token")
    checks["bad_token_401"] = status == 401 and error["error"]["code"] == "InvalidAuthenticationToken"
    print(json.dumps({"ok": all(checks.values()), "checks": checks}))


if __name__ == "__main__":
    main()
