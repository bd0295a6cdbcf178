#!/usr/bin/env bash
# Installs everything Suiji needs to build and test on Debian 12, from Debian's packages.
# Idempotent; uses sudo when not run as root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  liblmdb-dev lmdb-utils libsodium-dev libssl-dev
  flatbuffers-compiler libflatbuffers-dev
  libcpp-httplib-dev librdkafka-dev
  libgtest-dev nlohmann-json3-dev libcli11-dev libzip-dev libxml2-dev python3
  maven default-jre-headless iproute2 procps
  clang-format clang-tidy clang-14 libclang-rt-14-dev wrk curl
  nginx  # the supported front (ops/nginx/), run in front of the node by tests/nginx/
  chromium fonts-noto-cjk  # the staff console's browser test (api/web/tests/) and its screenshots
)
# The staff console (api/web/) is built with Node.js and npm: Debian's, unless a Node.js is
# installed already (Vite 7 needs Node.js 20.19 or later: Debian 13's; Debian 12's is 18).
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
