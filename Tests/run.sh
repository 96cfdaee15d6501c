#!/usr/bin/env bash
# The test command (README): installs what is missing, builds, runs every test, checks that TestVectors/ is what its
# generator makes, runs the examples, the demo and the browser walk-through, and runs the leak check. A throwaway
# PostgreSQL server (Tests/postgres.sh) runs during the tests, for the shared replay cache (SAMLPostgresTests).
# (Example (c), both servers inside a Swift test, is a test target: `swift test` runs it.)
set -euo pipefail
cd "$(dirname "$0")/.."

Tests/install-dependencies.sh --tests

echo "== build"
swift build --build-tests
echo "== swift test"
swift test --skip-build
# In a run of their own: their timeouts are measured, and the run above keeps both cores busy for minutes (there they
# show as skipped, with no server yet).
echo "== PostgreSQL for SAMLPostgresTests (a temporary server on 127.0.0.1, stopped and removed on exit)"
source Tests/postgres.sh
swift test --skip-build --filter SAMLPostgresTests
echo "== The C boundary: the plain-Swift rules (Sources/SAML/Rules) import no C module"
if grep -ln "import CXMLSec" Sources/SAML/Rules/*.swift; then echo "the files above import a C module"; exit 1; fi
echo "== DocC: every public function of SAML and AWSFederation documents its parameters and what it throws"
python3 Tests/doccheck.py
echo "== DocC: the SAML and AWSFederation catalogs build without warnings"
for target in SAML AWSFederation; do
  swift package generate-documentation --target "$target" > ".build/docc-$target.log" 2>&1 || { cat ".build/docc-$target.log"; exit 1; }
  # SwiftPM's own notes (pkg-config's -D flags, a dependency's stray file) are not DocC's.
  if grep -E "warning:|error:" ".build/docc-$target.log" | grep -vE "prohibited flag|which are unhandled"; then
    echo "DocC warnings in $target (above)"; exit 1
  fi
done
echo "== TestVectors/ is what the generator makes"
swift run --skip-build saml-testvectors --check
echo "== example (a): sign and verify an AWS assertion"
swift run --skip-build sign-and-verify-aws
echo "== example (b): judge a captured response against Entra metadata"
swift run --skip-build validate-capture
echo "== example (d): Python, mock-entra's test hooks and boto3 against mock-aws"
python3 Examples/python/hooks_and_boto3.py .build/debug
echo "== example (e): Python, the guide's set-up through mock-entra's Microsoft Graph"
python3 Examples/python/graph_setup.py .build/debug
echo "== the offline SSO demo (README's first command), stopping after the sign-ins"
swift run --skip-build offline-sso-demo --check
echo "== headless Chromium: My Apps → sign-in → MFA → role chooser → console (screenshots in .build/artifacts/browser)"
python3 Tests/browser/browser_flow.py .build/debug .build/artifacts/browser
echo "== aws-azure-login's browser flow against mock-entra: SP-initiated, its page states, the ACS POST intercepted"
python3 Tests/browser/aws_azure_login_flow.py .build/debug .build/artifacts/aws-azure-login
echo "== fuzzing: 60 seconds of libFuzzer (ASan) over capture decoding, the bindings and verification"
swift build --scratch-path .build/fuzz --product saml-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING
mkdir -p .build/fuzz-corpus .build/fuzz-artifacts
.build/fuzz/debug/saml-fuzz -max_total_time=60 -max_len=16384 -artifact_prefix=.build/fuzz-artifacts/ .build/fuzz-corpus TestVectors
echo "== saml-bench's command line: what it cannot run is refused with usage and exit 64; --paired runs and ends in JSON"
for bad in "--paired 0" "--paired abc" "--seconds" "--seconds 0" "--threads 0" "--bogus" "--stages --paired 2" "--paired 2 --seconds 1"; do
  rc=0; .build/debug/saml-bench $bad >/dev/null 2>&1 || rc=$?
  [ "$rc" = 64 ] || { echo "saml-bench $bad: exit $rc, expected 64"; exit 1; }
done
help=$(.build/debug/saml-bench --help); grep -q -- "--paired <pairs>" <<< "$help"  # read whole: no SIGPIPE under pipefail
# With the peers: python3-saml and signxml answer windows from one Python process, openssl speed signs beside our sign.
.build/debug/saml-bench --paired 2 | tail -1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["paired_windows"] == 2 and 0 < d["ratio_parse_and_xmlsec_paired_median"] < 5, d
assert d["paired_windows_openssl_speed"] == 5 and 0 < d["cpu_share_of_our_windows"] <= 1.05, d
assert 0 < d["cpu_share_of_peer_windows"] <= 1.05, d
for key in ("python3_saml_validate_sign", "signxml_verify", "openssl_rsa2048_sign"):
    assert d["ratio_%s_paired_q1" % key] <= d["ratio_%s_paired_median" % key] <= d["ratio_%s_paired_q3" % key], (key, d)
    assert 0 <= d["ratio_%s_paired_steady_pairs" % key] <= d["paired_windows_openssl_speed" if "openssl" in key else "paired_windows"], (key, d)
    assert d[key + "_per_s"] > 0, (key, d)'
.build/debug/saml-bench --paired 2 --no-peers | tail -1 | python3 -c 'import json, sys; d = json.load(sys.stdin); assert "signxml_verify_per_s" not in d, d'
# Two threads: the scaling of ours, of the floor and of ours against the floor's, without steady pairs.
.build/debug/saml-bench --paired 2 --threads 2 | tail -1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["paired_thread_rounds"] == 2 and d["ratio_verify_2_threads_scaling_to_floor_paired_median"] > 0, d
assert not [k for k in d if "steady" in k], d'
# Interrupted in the peers phase: exit 130 through the handler, the peers and openssl speed stopped with it.
rc=0; err=$(timeout --preserve-status -s INT 8 .build/debug/saml-bench --paired 6 2>&1 > /dev/null) || rc=$?; sleep 1
[ "$rc" = 130 ] && [ "$err" = "saml-bench: interrupted" ] && ! pgrep -f "peers.py --serve|openssl speed -elapsed" > /dev/null \
  || { echo "interrupted saml-bench: exit $rc, $err"; exit 1; }
# A peer process that dies mid-run (a python3 that answers "ready", then fails) is an error naming its last words.
fake=$(mktemp -d); printf '#!/bin/sh\necho ready\nread request\necho "peer failed on purpose" >&2\nexit 3\n' > "$fake/python3"
chmod +x "$fake/python3"; rc=0; out=$(PATH="$fake:$PATH" .build/debug/saml-bench --paired 1 2>&1) || rc=$?; rm -rf "$fake"
[ "$rc" = 1 ] && grep -q "(peers.py) stopped, exit 3;.*peer failed on purpose" <<< "$out" || { echo "a dead peer: exit $rc, $out"; exit 1; }
# A peer that answers nonsense and keeps reading is stopped and reported, not waited for (it hung before).
fake=$(mktemp -d); printf '#!/bin/sh\necho ready\nwhile read request; do echo nonsense; done\n' > "$fake/python3"
chmod +x "$fake/python3"; rc=0; out=$(PATH="$fake:$PATH" timeout 60 .build/debug/saml-bench --paired 1 2>&1) || rc=$?; rm -rf "$fake"
[ "$rc" = 1 ] && grep -q 'answered "nonsense" for python3_saml' <<< "$out" || { echo "a nonsense peer: exit $rc, $out"; exit 1; }
echo "saml-bench refused 8 malformed command lines with exit 64; --paired 2 printed its JSON, paired with the peers, without and on two threads; a dead or nonsense peer is an error, an interruption stops the peers"
echo "== leak check (valgrind over sign + verify + rejections)"
# On a copy without DWARF: valgrind 3.19 cannot read the DWARF 5 forms in AWSFederation's debug info (saml-bench links
# it for --hostile); leak detection needs only the symbol table, which stays.
mkdir -p .build/leak
objcopy --strip-debug .build/debug/saml-bench .build/leak/saml-bench
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
  .build/leak/saml-bench --loop 5
echo "All checks passed."
