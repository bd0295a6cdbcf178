#!/usr/bin/env bash
# Configures and builds Suiji into build/ (or $BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
# The staff console (api/web/), next to the suiji binary.
BUILD_DIR="$BUILD_DIR" "$ROOT/ops/build-console.sh"
# The browser verifier (verifier/web/), and its Node command suiji-verify-js.
BUILD_DIR="$BUILD_DIR" "$ROOT/ops/build-verifier-web.sh"
