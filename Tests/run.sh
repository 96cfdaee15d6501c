#!/usr/bin/env bash
# The test command (README): installs what is missing, builds, runs every test, checks that TestVectors/ is what its
# generator makes, runs the examples, and runs the leak check.
set -euo pipefail
cd "$(dirname "$0")/.."

Tests/install-dependencies.sh --tests

echo "== build"
swift build --build-tests
echo "== swift test"
swift test --skip-build
echo "== TestVectors/ is what the generator makes"
swift run --skip-build saml-testvectors --check
echo "== example: sign and verify an AWS assertion"
swift run --skip-build sign-and-verify-aws
echo "== leak check (valgrind over sign + verify + rejections)"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
  .build/debug/saml-bench --loop 5
echo "All checks passed."
