#!/usr/bin/env bash
# Builds the staff console (api/web/: Vue 3 + TypeScript + Element Plus, Vite) into
# $BUILD_DIR/api/console, next to the suiji binary, where `suiji serve` finds it for /console/.
# Dependencies come from api/web/package-lock.json (`npm ci`, again only when the lock file
# changed). Without npm the console is skipped, saying so (ops/install-deps.sh installs
# Debian's nodejs and npm); everything else still builds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
WEB="$ROOT/api/web"
if ! command -v npm >/dev/null 2>&1; then
  echo "build-console: npm not found: the staff console (/console/) is NOT built; run ops/install-deps.sh" >&2
  exit 0
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "build-console: Node.js $(node --version) is older than 20.19 (Vite 7 needs it): the staff console (/console/) is NOT built" >&2
  exit 0
fi
cd "$WEB"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx --no-install vue-tsc --noEmit
npx --no-install vite build --outDir "$BUILD_DIR/api/console" --emptyOutDir --logLevel warn
echo "build-console: $BUILD_DIR/api/console"
