#!/usr/bin/env bash
# Builds the browser verifier (verifier/web/: TypeScript, Vite library mode) into
# $BUILD_DIR/verifier/web: suiji-verify.js (the ESM module the public draw page loads),
# suiji-verify-cli.js and suiji-verify-js.mjs (the Node command) and index.html (the standalone
# page). Dependencies come from verifier/web/package-lock.json (`npm ci`, again only when the
# lock file changed). Without npm, or with a Node.js older than Vite needs, it is skipped,
# saying so; everything else still builds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
WEB="$ROOT/verifier/web"
if ! command -v npm >/dev/null 2>&1; then
  echo "build-verifier-web: npm not found: the browser verifier is NOT built; run ops/install-deps.sh" >&2
  exit 0
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "build-verifier-web: Node.js $(node --version) is older than 20.19 (Vite 7 needs it): the browser verifier is NOT built" >&2
  exit 0
fi
cd "$WEB"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx --no-install tsc --noEmit
npx --no-install vite build --outDir "$BUILD_DIR/verifier/web" --emptyOutDir --logLevel warn
chmod +x "$BUILD_DIR/verifier/web/suiji-verify-js.mjs"
echo "build-verifier-web: $BUILD_DIR/verifier/web"
