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
# A directory event smuggled in with its real inclusion proof (the node's own `proof
# inclusion`): both verifiers must fail it at that entry ("a public bundle never carries one").
SIZE="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['checkpoint']['note'].split(chr(10))[1])" "$WORK/bundle.json")"
SEQ="$("$BUILD_DIR/api/suiji" log show --data "$WORK/data" --from 1 --limit 200 --json | python3 -c "
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e['type'] == 'TargetRegistered':
        print(e['sequence']); break")"
"$BUILD_DIR/api/suiji" proof inclusion --data "$WORK/data" --seq "$SEQ" --size "$SIZE" --out "$WORK/dir.proof"
python3 - "$WORK/bundle.json" "$WORK/dir.proof" "$WORK/tampered-directory-event.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
seq = int(next(l.split()[1] for l in lines if l.startswith("index ")))
entry = next(l.split()[1] for l in lines if l.startswith("entry "))
path = [l.split()[1] for l in lines if l.startswith("path ")]
b["entries"].append({"sequence": seq, "type": "TargetRegistered", "entry": entry, "path": path})
b["entries"].sort(key=lambda e: e["sequence"])
json.dump(b, open(sys.argv[3], "w"), ensure_ascii=False)
PY
cp "$WORK/bundle.key" "$WORK/tampered-directory-event.key"
node "$ROOT/verifier/web/tests/agreement.test.mjs" --verify "$BUILD_DIR/verifier/suiji-verify" \
  --dist "$BUILD_DIR/verifier/web" "$WORK/bundle.json" "$WORK/tampered-directory-event.json"
