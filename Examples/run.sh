#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and signs and verifies an AWS assertion.
set -euo pipefail
cd "$(dirname "$0")/.."
Tests/install-dependencies.sh
swift run sign-and-verify-aws
