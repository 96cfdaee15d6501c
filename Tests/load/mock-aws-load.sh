#!/usr/bin/env bash
# mock-aws under load (README "Performance"): AssumeRoleWithSAML over loopback with wrk for DURATION seconds
# (default 60) against a release build, printing requests/s, latency percentiles, non-2xx count and the server's
# RSS every 5 seconds. Usage: Tests/load/mock-aws-load.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60}
connections=${2:-16}
source Tests/load/common.sh
swift build -c release --product saml-bench >/dev/null
start_server mock-aws --idp-metadata TestVectors/entra_federationmetadata.xml
saml=$(.build/release/saml-bench --emit-aws-response | tail -1)
body="Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdministrator&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&SAMLAssertion=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$saml")"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = [[%s]]\n' "$body" > "$work/post.lua"
curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" "$url/" | grep -q '<AssumedRoleUser>' \
  || { echo "mock-aws did not accept the load request"; exit 1; }
load "$duration" "$connections" "$work/post.lua" "$url/"
