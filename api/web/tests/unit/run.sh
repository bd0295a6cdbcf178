#!/bin/sh
# The console's unit tests (ctest unit.console_wizard): compiles the TypeScript with rules
# (src/views/planner/taskWizard.ts, ceremony.ts and what they import) with the pinned typescript into a
# temporary folder, then runs tests/unit/*.test.mjs with Node's built-in test runner.
# Skipped (77) without node_modules unless CI=true.
set -eu
WEB="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -x "$WEB/node_modules/.bin/tsc" ]; then
  echo "console unit tests: api/web/node_modules missing (npm ci there, or ops/build.sh)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
OUT="$(mktemp -d "${TMPDIR:-/tmp}/suiji-console-unit-XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
"$WEB/node_modules/.bin/tsc" --outDir "$OUT" --rootDir "$WEB/src" --target ES2022 --module ES2022 \
  --moduleResolution bundler --strict --skipLibCheck --types node --typeRoots "$WEB/node_modules/@types" \
  "$WEB/src/views/planner/taskWizard.ts" "$WEB/src/views/planner/ceremony.ts"
echo '{"type":"module"}' > "$OUT/package.json"
SUIJI_UNIT_JS="$OUT" node --test "$WEB"/tests/unit/*.test.mjs
