#!/bin/sh
# The console's unit tests (ctest: unit.console_logic): the screen logic that has rules
# (src/views/**/*.ts without Vue) compiled by TypeScript into OUT, then Node's own test
# runner (`node --test`) over tests/unit/*.test.mjs, which import the compiled modules from
# $SUIJI_WEB_UNIT_OUT. Usage: run.sh OUT (default: a temporary directory).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WEB=$(cd "$HERE/../.." && pwd)
OUT=${1:-$(mktemp -d)}
if [ ! -x "$WEB/node_modules/.bin/tsc" ]; then
  echo "console unit tests: typescript is not installed in $WEB/node_modules (npm ci there, or ops/build.sh)"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
rm -rf "$OUT"
"$WEB/node_modules/.bin/tsc" -p "$HERE/tsconfig.json" --outDir "$OUT"
SUIJI_WEB_UNIT_OUT="$OUT" exec node --test "$HERE"/*.test.mjs
