#!/usr/bin/env bash
# Installs what swift-saml needs and is missing. Used by the README's two commands.
#   Tests/install-dependencies.sh            system packages for building (libxml2, libxmlsec1, OpenSSL headers)
#   Tests/install-dependencies.sh --tests    also the independent implementations the tests compare with, and
#                                            PostgreSQL (the shared replay cache's tests start a temporary server)
set -euo pipefail

packages=(pkg-config libxml2-dev libxmlsec1-dev libssl-dev zlib1g-dev)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(xmlsec1 valgrind python3-pip chromium chromium-driver postgresql)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# pip may come from outside Debian (pyenv); only ask apt for it when there is no pip at all.
if [[ " ${missing[*]-} " == *" python3-pip "* ]] && python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
missing=(${missing[@]+"${missing[@]}"})
if ((${#missing[@]})); then
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--tests" ]]; then
  # signxml and python-xmlsec sign and verify against us in InteropTests; python3-saml is a benchmark peer and an SP
  # for mock-entra; pysaml2 is an SP and an IdP in the interop tests; the AWS CLI and boto3 call mock-aws, botocore
  # signs requests in SigV4Tests, moto is compared with mock-aws; Selenium drives Chromium through the whole flow;
  # the Microsoft Graph SDK for Python (msgraph-sdk) does the guide's set-up against mock-entra's Graph.
  pypi=(signxml xmlsec lxml python3-saml pysaml2 awscli boto3 moto selenium msgraph-sdk)
  if ! python3 -c "import signxml, xmlsec, lxml, onelogin.saml2, saml2, boto3, botocore, moto, selenium, msgraph" >/dev/null 2>&1 \
     || ! command -v aws >/dev/null; then
    echo "Installing PyPI packages: ${pypi[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${pypi[@]}" \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${pypi[@]}"
  fi
fi
