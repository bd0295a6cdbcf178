#!/usr/bin/env bash
# Builds Suiji and runs every test: the dependency-direction check, then ctest (unit,
# integration and slow labels). Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
"$ROOT/ops/check-deps.sh"
"$ROOT/ops/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 -j "$(nproc)"
