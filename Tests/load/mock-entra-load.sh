#!/usr/bin/env bash
# mock-entra under load (README "Performance"): IdP-initiated issuance over loopback, the My Apps tile URL
# /api/signin/APP?tenantId=TENANT with a signed-in (MFA-done) session cookie, so every request builds and signs a
# Response and returns the auto-post page. wrk for DURATION seconds (default 60) against a release build; prints
# requests/s, latency percentiles, non-2xx count and the server's RSS every 5 seconds.
# Usage: Tests/load/mock-entra-load.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60}
connections=${2:-16}
source Tests/load/common.sh
start_server mock-entra --keys-dir "$work/keys"
tenant=aaaabbbb-0000-cccc-1111-dddd2222eeee
app=33333333-aaaa-4bbb-8ccc-000000000001
launch="$url/api/signin/$app?tenantId=$tenant"
# Sign in once as a browser would, through the converged pages: the tile, username and password to the page's
# urlPost, the code form to SAS/ProcessAuth, then "Stay signed in?" (No); keep the session cookie.
start=$(curl -s "$launch")
field() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -n 1; }
flow=$(field flowToken <<<"$start")
ctx=$(field ctx <<<"$start")
tfa=$(curl -s --data-urlencode "flowToken=$flow" --data-urlencode "ctx=$ctx" --data-urlencode "loginfmt=test-awsadmin@contoso.com" \
  --data-urlencode "passwd=Adm1n-Passw0rd!" "$url/$tenant/login")
grep -q 'ConvergedTFA' <<<"$tfa" || { echo "no code page after the password"; exit 1; }
code=$(python3 -c 'import base64,hmac,hashlib,struct,time
k=base64.b32decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"); h=hmac.new(k,struct.pack(">Q",int(time.time())//30),hashlib.sha1).digest()
o=h[-1]&15; print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))')
curl -s -o /dev/null --data-urlencode "flowToken=$flow" --data-urlencode "request=$ctx" --data-urlencode "otc=$code" "$url/common/SAS/ProcessAuth"
cookie=$(curl -s -D - -o /dev/null --data-urlencode "flowToken=$flow" --data-urlencode "ctx=$ctx" --data-urlencode "LoginOptions=3" "$url/kmsi" \
  | sed -n 's/^[Ss]et-[Cc]ookie: ESTSAUTH=\([0-9a-f]*\);.*/\1/p')
[[ -n "$cookie" ]] || { echo "could not sign in to mock-entra"; exit 1; }
curl -s -H "Cookie: ESTSAUTH=$cookie" "$launch" | grep -q 'name="SAMLResponse"' || { echo "the tile did not issue a response"; exit 1; }
printf 'wrk.headers["Cookie"] = "ESTSAUTH=%s"\n' "$cookie" > "$work/get.lua"
load "$duration" "$connections" "$work/get.lua" "$launch"
curl -s -H "Authorization: Bearer $(cat "$work/keys/admin-token")" "$url/admin/signins?top=1" | python3 -c 'import json,sys; e=json.load(sys.stdin)[-1]; print("newest sign-in log entry:", e["result"], e["awsSessions"])'
