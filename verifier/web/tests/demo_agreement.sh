#!/usr/bin/env bash
# Agreement on the demo's draw: runs ops/demo.sh against this build, then the browser
# verifier and `suiji-verify --bundle` on the demo's proof bundle and on every tampered variant
# (verifier/web/tests/agreement.test.mjs). BUILD_DIR names the build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/suiji-demo-agree.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
BUILD_DIR="$BUILD_DIR" "$ROOT/ops/demo.sh" "$WORK/data" > "$WORK/demo.log" 2>&1 || { tail -30 "$WORK/demo.log"; exit 1; }
"$BUILD_DIR/api/suiji" key verifier --data "$WORK/data" > "$WORK/bundle.key"
node "$ROOT/verifier/web/tests/agreement.test.mjs" --verify "$BUILD_DIR/verifier/suiji-verify" \
  --dist "$BUILD_DIR/verifier/web" "$WORK/bundle.json"
