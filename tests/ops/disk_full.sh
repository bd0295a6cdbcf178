#!/usr/bin/env bash
# A full disk is just an error (issue 17, item 15), on a real small tmpfs holding the node:
#  - the command line refuses an import with "disk full: <the log's folder>", says nothing
#    was written, and exits 5; nothing is half-written (the log verifies, the projection's
#    digest equals a rebuild's) and reads go on;
#  - the server, its disk filled under it, refuses a write with 507 disk_full, still serves
#    reads (200) and /healthz, and is alive;
#  - an import the log took while the projection's disk (a second tmpfs) is full exits 5
#    saying the events are in the log; a reader still shows them; a writer catches up.
# Mounting needs root: as root it mounts; otherwise it re-runs itself in a user and mount
# namespace (unshare -rm); if neither is possible it FAILS, naming the reason (never skips).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}"
SUIJI="$BIN/api/suiji"
VERIFY="$BIN/verifier/suiji-verify"
fail() { echo "disk_full: FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  [ -z "${SUIJI_DISK_FULL_UNSHARED:-}" ] || fail "not root even in a user namespace"
  command -v unshare >/dev/null || fail "not root and no unshare: cannot mount a tmpfs"
  SUIJI_DISK_FULL_UNSHARED=1 exec unshare -rm "$0" "$@" ||
    fail "not root and unshare -rm failed (user namespaces disabled?): cannot mount a tmpfs"
fi

WORK="$(mktemp -d /tmp/suiji-diskfull.XXXXXX)"
DISK="$WORK/disk"
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${PROJ_MOUNTED:-}" ]; then umount "$DISK/node/projections/state" 2>/dev/null || true; fi
  umount "$DISK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$DISK"
mount -t tmpfs -o size=24m,mode=0700 suiji-disk-full "$DISK" || fail "mount -t tmpfs failed"
DIR="$DISK/node"

csv() {  # csv SEED COUNT: employers of 320402 with valid credit codes (ops/sample/gen_directory.py's)
  python3 - "$1" "$2" <<PY
import random, sys
sys.path.insert(0, "$ROOT/ops/sample")
import gen_directory as g
rng = random.Random(int(sys.argv[1]))
print("credit_code,name,region,industry,headcount")
for i in range(int(sys.argv[2])):
    print(f"{g.uscc('320402', rng)},测试企业{sys.argv[1]}-{i}有限公司,320402,3411,{10 + i}")
PY
}
fill() { dd if=/dev/zero of="$DISK/filler.$1" bs=64k status=none 2>/dev/null || true; }

"$SUIJI" init --data "$DIR" --ledger diskfull.test/ledger --no-calendar >/dev/null
"$SUIJI" org add --data "$DIR" --org 320000 --id 320000 --name 江苏省人社厅 --region 320000 --level province >/dev/null
"$SUIJI" org add --data "$DIR" --org 320000 --id 320400 --name 常州市人社局 --region 320400 --level city --parent 320000 >/dev/null
csv 1 20 > "$WORK/first.csv"
csv 2 5 > "$WORK/second.csv"
"$SUIJI" import targets --data "$DIR" --org 320400 "$WORK/first.csv" >/dev/null
before="$("$SUIJI" list targets --data "$DIR" --limit 0 --json)"

# --- the command line ---
fill 1
set +e
out="$("$SUIJI" import targets --data "$DIR" --org 320400 "$WORK/second.csv" 2>&1)"
rc=$?
set -e
echo "import on a full disk: exit $rc: $out"
[ "$rc" = 5 ] || fail "the import on a full disk exited $rc, not 5 (disk full)"
case "$out" in *"disk full: $DIR/log"*"were not written"*) ;; *) fail "the message does not name the disk and what was not written: $out" ;; esac
[ "$("$SUIJI" list targets --data "$DIR" --limit 0 --json)" = "$before" ] || fail "reads changed or failed on a full disk"
"$SUIJI" show org --data "$DIR" 320400 >/dev/null || fail "a read failed on a full disk"
digest="$("$SUIJI" projection digest --data "$DIR")" || fail "projection digest failed on a full disk"
# Exporting and verifying need no room on the node's disk (no checkpoint can be written:
# the export carries the stored ones and says what they leave uncovered).
"$SUIJI" log export --data "$DIR" --out "$WORK/full-disk.export" 2>"$WORK/export.err" ||
  fail "log export failed on a full disk: $(cat "$WORK/export.err")"
"$VERIFY" "$WORK/full-disk.export" >/dev/null || fail "the export made on a full disk does not verify"
"$VERIFY" --data "$DIR" --suiji "$SUIJI" >/dev/null || fail "suiji-verify --data failed on a full disk"
cp -a "$DIR" "$WORK/copy"
"$VERIFY" --data "$WORK/copy" --suiji "$SUIJI" >/dev/null || fail "the log does not verify after the refused import"
rebuilt="$("$SUIJI" projection rebuild --data "$WORK/copy" 2>/dev/null)"
case "$rebuilt" in *"digest $digest"*) ;; *) fail "projection digest $digest is not a rebuild's: $rebuilt" ;; esac
rm -f "$DISK"/filler.*
"$SUIJI" import targets --data "$DIR" --org 320400 "$WORK/second.csv" >/dev/null || fail "the import failed once space was freed"

# --- the server ---
"$SUIJI" user add --data "$DIR" --org 320400 --id clerk1 --name 录入员 --org-id 320400 --role registry_clerk >/dev/null
TOKEN="$("$SUIJI" token issue --data "$DIR" --org 320400 clerk1 2>/dev/null)"
"$SUIJI" serve --data "$DIR" --listen 127.0.0.1:0 2> "$WORK/serve.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 100); do  # bounded: the server prints its port once bound
  PORT="$(sed -n 's#.*http://127.0.0.1:\([0-9]*\).*#\1#p' "$WORK/serve.log")"
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server did not start: $(cat "$WORK/serve.log")"
  sleep 0.1
done
[ -n "$PORT" ] || fail "the server printed no port"
URL="http://127.0.0.1:$PORT"
curl -sf "$URL/healthz" >/dev/null || fail "/healthz before filling the disk"
csv 3 3 > "$WORK/third.csv"
fill 2
code="$(curl -s -o "$WORK/reply.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: text/csv' --data-binary @"$WORK/third.csv" "$URL/api/v1/imports/targets?org=320400")"
echo "import over HTTP on a full disk: $code $(cat "$WORK/reply.json")"
[ "$code" = 507 ] || fail "a write on a full disk answered $code, not 507"
grep -q '"disk_full"' "$WORK/reply.json" || fail "the 507 reply's code is not disk_full"
grep -q "disk full: $DIR/log" "$WORK/reply.json" || fail "the 507 reply does not name the disk"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/targets?limit=5")"
[ "$code" = 200 ] || fail "a read on a full disk answered $code, not 200"
code="$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")"
[ "$code" = 200 ] || fail "/healthz on a full disk answered $code"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died on a full disk"
rm -f "$DISK"/filler.*
code="$(curl -s -o "$WORK/reply.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: text/csv' --data-binary @"$WORK/third.csv" "$URL/api/v1/imports/targets?org=320400")"
[ "$code" = 201 ] || fail "the write once space was freed answered $code: $(cat "$WORK/reply.json")"
kill "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=

# --- the log takes an import, then the projection's disk is full ---
# The projection on a disk of its own (a second tmpfs, its files copied in), filled: the
# import is in the log, and the command says so; reads still show the log's content.
PROJ="$DIR/projections/state"
cp -a "$PROJ" "$WORK/projection"
mount -t tmpfs -o size=2m,mode=0700 suiji-disk-full-projection "$PROJ" || fail "mount of the projection's tmpfs failed"
PROJ_MOUNTED=1
cp -a "$WORK/projection/." "$PROJ/"
dd if=/dev/zero of="$PROJ/filler" bs=4k status=none 2>/dev/null || true
csv 4 400 > "$WORK/fourth.csv"
set +e
out="$("$SUIJI" import targets --data "$DIR" --org 320400 "$WORK/fourth.csv" 2>&1)"
rc=$?
set -e
echo "import with the projection's disk full: exit $rc: $(printf "%s" "$out" | tail -c 600)"
[ "$rc" = 5 ] || fail "the import whose projection could not follow exited $rc, not 5"
case "$out" in *"400 event(s) were appended to the log"*"disk full: $PROJ"*) ;;
  *) fail "the message does not say the import is in the log and which disk is full: $out" ;; esac
count="$("$SUIJI" list targets --data "$DIR" --limit 0 --json | grep -c credit_code)"
[ "$count" = 428 ] || fail "a reader shows $count targets, not the log's 428"
rm -f "$PROJ/filler"
"$SUIJI" import targets --data "$DIR" --org 320400 "$WORK/fourth.csv" >/dev/null ||
  fail "a writer once space was freed"  # re-import: nothing new, the projection catches up
digest="$("$SUIJI" projection digest --data "$DIR")"
rm -rf "$WORK/copy" && cp -a "$DIR" "$WORK/copy"
rebuilt="$("$SUIJI" projection rebuild --data "$WORK/copy" 2>/dev/null)"
case "$rebuilt" in *"digest $digest"*) ;; *) fail "the projection after the full disk is not a rebuild's" ;; esac
"$VERIFY" --data "$DIR" --suiji "$SUIJI" >/dev/null || fail "the log does not verify at the end"
echo "disk_full: ok"
