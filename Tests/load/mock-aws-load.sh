#!/usr/bin/env bash
# mock-aws under load (README "Performance"): AssumeRoleWithSAML over loopback with wrk for DURATION seconds
# (default 60) against a release build, printing requests/s, latency percentiles, non-2xx count and the server's
# RSS every 5 seconds. Usage: Tests/load/mock-aws-load.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60}
connections=${2:-16}
command -v wrk >/dev/null || { sudo=""; [[ "$(id -u)" -ne 0 ]] && sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product mock-aws >/dev/null
swift build -c release --product saml-bench >/dev/null
work=$(mktemp -d)
.build/release/mock-aws --idp-metadata TestVectors/entra_federationmetadata.xml --port 0 > "$work/server.out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^mock-aws listening on //p' "$work/server.out" | head -1)
saml=$(.build/release/saml-bench --emit-aws-response | tail -1)
body="Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdministrator&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FEntraID&SAMLAssertion=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$saml")"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = [[%s]]\n' "$body" > "$work/post.lua"
curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" "$url/" | grep -q '<AssumedRoleUser>' \
  || { echo "mock-aws did not accept the load request"; exit 1; }
# One wrk thread saturates 16 connections and leaves the second core to the server.
echo "mock-aws $url, pid $server; wrk -t1 -c$connections -d${duration}s"
(for t in $(seq 0 5 "$duration"); do
   echo "rss t=${t}s $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"; sleep 5; done) &
sampler=$!
wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "$url/"
wait $sampler 2>/dev/null || true
echo "rss end $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
