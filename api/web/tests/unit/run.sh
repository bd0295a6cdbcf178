#!/bin/sh
# The console's unit tests (ctest: unit.console_logic): compiles the logic modules the tests
# cover (tsconfig.json: CommonJS, no Vue) into OUT with the pinned TypeScript, copies the
# tests beside them and runs them with Node's built-in runner (node --test).
# Usage: run.sh OUT_DIR   (exit 77: TypeScript not installed here, npm ci not run)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
WEB="$(cd "$HERE/../.." && pwd)"
OUT="${1:?usage: run.sh OUT_DIR}"
if [ ! -x "$WEB/node_modules/.bin/tsc" ]; then
  echo "console unit tests: api/web/node_modules is missing (npm ci there, or ops/build.sh)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
rm -rf "$OUT"
mkdir -p "$OUT/tests/unit"
"$WEB/node_modules/.bin/tsc" -p "$HERE/tsconfig.json" --outDir "$OUT"
echo '{"type": "commonjs"}' > "$OUT/package.json"
cp "$HERE"/*.test.mjs "$OUT/tests/unit/"
cd "$OUT"
exec node --test tests/unit/
