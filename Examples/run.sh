#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts mock-entra and mock-aws on loopback, signs
# Test-AWSAdmin and Test-AWSDeveloper in to the AWS console through the real pages (password and MFA), prints their
# sessions, and leaves both servers up for a browser until Ctrl-C. `Examples/run.sh --check` stops after the sign-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
Tests/install-dependencies.sh
swift build --product offline-sso-demo
exec .build/debug/offline-sso-demo "$@"
