#!/usr/bin/env bash
# HTTP benchmark of `suiji serve`, beside the physical limits of the ledger core measured in
# the same run on the same machine.
#
# Sets up a node in a fresh temporary directory (org units, N employers with valid credit
# codes, inspectors, an item list, a plan, a task and a draw taken through freeze, commit,
# reveal and announcement, a registry clerk with a bearer token), serves it on a free local
# port, and then, ROUNDS times:
#   - public reads: the notice page /public (HTML) and /public/v1/notices (JSON);
#   - a directory query: GET /api/v1/targets?region=R&limit=50 with the clerk's token;
#   - writes: PUT /api/v1/targets/{code}, each a real change of one employer's headcount, so
#     each request appends exactly one signed event; events/s from the log size before and
#     after (/healthz) over the wall time;
#   - bulk writes: POST /api/v1/imports/targets with the whole directory (GB18030 CSV, as
#     Excel on Chinese Windows writes it) of which IMPORT_FRACTION was changed since the
#     previous round: one request appending one event per changed row;
#   - the ledger core's limits: raw Ed25519 sign rate and durable LMDB append in batches of
#     1000 (ledger_bench --events 200000), and durable append of one event per commit, i.e.
#     one fsync per event (ledger_bench --events 3000 --batch 1).
# Prints each round, the medians and a summary against the targets (public reads >= 5,000
# req/s with p99 <= 50 ms; writes >= 50% of the batched append rate). A MISS is a result:
# the exit status is 0. It is non-zero when the setup fails or a request class fails
# outright (wrk fails, nothing answered 2xx, the server dies).
#
#   ops/bench/http_bench.sh
#   SUIJI=/path/suiji LEDGER_BENCH=/path/ledger_bench ROUNDS=3 DURATION=10 ops/bench/http_bench.sh
#
# Environment (defaults): BUILD_DIR ($ROOT/build), SUIJI ($BUILD_DIR/api/suiji), LEDGER_BENCH
# ($BUILD_DIR/tests/bench/ledger_bench), TARGETS (20000), ROUNDS (3), DURATION (10 seconds
# per wrk run), WRK_THREADS (2), CONNECTIONS (32), REGION (320412: the directory query's
# county), SERVE_THREADS (unset: the server's default, 64 worker threads; else written to a
# config file for suiji serve), IMPORT_FRACTION (0.5), KEEP (0; 1 keeps the work directory with the node, server
# log and wrk outputs).
# Needs wrk, curl, python3 (the directory generator, ops/sample/gen_directory.py) and,
# optionally, ss (iproute2) to count connections left waiting for a server thread.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/ops/bench"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SUIJI="${SUIJI:-$BUILD_DIR/api/suiji}"
LEDGER_BENCH="${LEDGER_BENCH:-$BUILD_DIR/tests/bench/ledger_bench}"
TARGETS="${TARGETS:-20000}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WRK_THREADS="${WRK_THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
REGION="${REGION:-320412}"
SERVE_THREADS="${SERVE_THREADS:-}"
IMPORT_FRACTION="${IMPORT_FRACTION:-0.5}"
KEEP="${KEEP:-0}"

# Targets of the summary.
PUBLIC_MIN_RPS=5000
PUBLIC_MAX_P99_MS=50
WRITE_MIN_SHARE_OF_BATCHED=0.50

die() { printf 'http_bench: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || die "needs $tool (wrk and python3: ops/install-deps.sh; curl: apt-get install curl)"
done
[ -x "$SUIJI" ] || die "no suiji binary at $SUIJI (set SUIJI or BUILD_DIR)"
[ -x "$LEDGER_BENCH" ] || die "no ledger_bench binary at $LEDGER_BENCH (set LEDGER_BENCH or BUILD_DIR)"
HAVE_SS=0
command -v ss >/dev/null && HAVE_SS=1

WORK="$(mktemp -d /tmp/suiji-http-bench.XXXXXX)"
DATA="$WORK/data"
SERVER_PID=""
WRK_PID=""
WATCHER_PID=""
cleanup() {
  for pid in $WRK_PID $WATCHER_PID; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so the EXIT trap stops the server on Ctrl-C or kill too

# --- helpers ---------------------------------------------------------------------------------

# The log size the server reports.
log_size() {
  local health
  health="$(curl -sf "$BASE_URL/healthz")" || die "/healthz does not answer"
  sed -n 's/.*"log_size":\([0-9]*\).*/\1/p' <<< "$health"
}

# Polls until the log size is the same twice 0.2 s apart (writes still queued in the server
# when wrk stops are applied after it; at most 10 s) and prints it.
settled_log_size() {
  local before after
  after="$(log_size)"
  for _ in $(seq 50); do
    before="$after"
    sleep 0.2
    after="$(log_size)"
    [ "$after" = "$before" ] && break
  done
  echo "$after"
}

server_alive() {
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server died (log: $WORK/serve.log)"
}

# Samples the server's sockets at 40%, 60% and 80% of a run and writes to $1 the median
# number of connections holding a request the server has not read yet. With more
# connections than worker threads (cpp-httplib keeps a thread per keep-alive connection)
# those wait in its queue; with both cores busy they also wait for a core. wrk's
# Requests/sec and percentiles come only from answered requests.
count_unread_connections() {
  local out="$1" tenth
  if [ "$HAVE_SS" != 1 ]; then echo "n/a" > "$out"; return; fi
  tenth="$(awk -v d="$DURATION" 'BEGIN { print d / 10 }')"
  local counts=()
  sleep "$(awk -v t="$tenth" 'BEGIN { print 2 * t }')"
  for _ in 1 2 3; do
    sleep "$(awk -v t="$tenth" 'BEGIN { print 2 * t }')"
    counts+=("$(ss -tnH state established "( sport = :$PORT )" | awk '$1 > 0 { n++ } END { print n + 0 }')")
  done
  median "${counts[@]}" > "$out"
}

# SYNs the kernel dropped because a listen queue was full (system-wide, from /proc/net/netstat;
# cpp-httplib listens with a backlog of 5, and a dropped SYN is retried after a second).
listen_overflows() {
  awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["ListenOverflows"] }' /proc/net/netstat
}

# Parses one wrk output file: prints "REQ_PER_S P99_MS REQUESTS NON_2XX SOCKET_ERRORS".
parse_wrk() {
  awk '
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" {
      v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      scale = unit == "us" ? 0.001 : unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : -1
      p99 = v * scale
    }
    / requests in / { requests = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errors = $4 + $6 + $8 + $10 }
    END { printf "%s %s %d %d %d\n", rps == "" ? "NaN" : rps, p99 == "" ? "NaN" : p99, requests, non2xx, errors }
  ' "$1"
}

# One wrk run. Usage: run_wrk NAME PATH [wrk options...]; leaves the parsed figures in
# W_RPS W_P99 W_REQUESTS W_NON2XX W_ERRORS W_UNREAD W_SYN_DROPS and the output in
# $WORK/NAME.txt.
FAILED=()
run_wrk() {
  local name="$1" path="$2"; shift 2
  local out="$WORK/$name.txt" status=0 drops_before
  drops_before="$(listen_overflows)"
  count_unread_connections "$WORK/$name.unread" &
  WATCHER_PID=$!
  # The URL before the options: a script's arguments follow "--" at the end. In the
  # background, so that Ctrl-C or kill reaches the EXIT trap at once, not after the run.
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE_URL$path" "$@" > "$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || status=$?
  WRK_PID=""
  wait "$WATCHER_PID" || true
  WATCHER_PID=""
  server_alive
  read -r W_RPS W_P99 W_REQUESTS W_NON2XX W_ERRORS < <(parse_wrk "$out")
  W_UNREAD="$(cat "$WORK/$name.unread")"
  W_SYN_DROPS=$(($(listen_overflows) - drops_before))
  if [ "$status" -ne 0 ] || [ "$W_REQUESTS" -eq 0 ] || [ "$W_NON2XX" -ge "$W_REQUESTS" ]; then
    printf '\n!!! %s FAILED: wrk status %d, %d requests, %d non-2xx (output: %s)\n' \
      "$name" "$status" "$W_REQUESTS" "$W_NON2XX" "$out"
    sed -n 1,40p "$out"
    FAILED+=("$name")
  elif [ "$W_NON2XX" -gt 0 ]; then
    printf '\n!!! %s: %d of %d replies were not 2xx\n' "$name" "$W_NON2XX" "$W_REQUESTS"
  fi
}

print_wrk() {  # LABEL
  printf '  %-34s %8.0f req/s  p99 %7.2f ms  %7d requests  %d non-2xx  %d socket errors  unread %s/%d  SYN drops %d\n' \
    "$1" "$W_RPS" "$W_P99" "$W_REQUESTS" "$W_NON2XX" "$W_ERRORS" "$W_UNREAD" "$CONNECTIONS" "$W_SYN_DROPS"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- the node --------------------------------------------------------------------------------

step "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); $(wrk -v 2>&1 | sed -n 's/^\(wrk [^ ]*\).*/\1/p'); work directory $WORK"
echo "suiji: $SUIJI"
echo "ledger_bench: $LEDGER_BENCH"

step "Setup: a node with $TARGETS employers, a draw announced, a registry clerk with a token"
"$SUIJI" init --data "$DATA" --ledger bench.suiji/http --description "HTTP benchmark" \
  --org 320400 --user bench --no-calendar > "$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; die "init failed"; }
"$SUIJI" org add --data "$DATA" --user bench --id 320000 --name 江苏省人力资源和社会保障厅 \
  --region 320000 --level province
"$SUIJI" org add --data "$DATA" --user bench --id 320400 --name 常州市人力资源和社会保障局 \
  --region 320400 --level city --parent 320000
# Valid GB 32100-2015 credit codes, real Changzhou county codes and industry classes.
python3 "$ROOT/ops/sample/gen_directory.py" --out "$WORK/sample" --targets "$TARGETS" --inspectors 60 \
  --only-org 320400
"$SUIJI" import targets --data "$DATA" --org 320400 --user bench "$WORK/sample/targets.csv"
"$SUIJI" import inspectors --data "$DATA" --org 320400 --user bench "$WORK/sample/inspectors.csv"
"$SUIJI" import items --data "$DATA" --org 320400 --user bench --effective 2026-01-01 "$WORK/sample/items.csv"

# The demo's ceremony (ops/demo.sh step 13 and 15), so the notices carry a real draw.
"$SUIJI" plan file --data "$DATA" --org 320400 --user bench --id P-320400-2026 --year 2026 \
  --title "常州市人力资源和社会保障局2026年度双随机抽查工作计划" --filed-with 320000
cat > "$WORK/task.json" <<'JSON'
{
  "task_id": "T-320400-2026-02",
  "plan_id": "P-320400-2026",
  "org_id": "320400",
  "title": "2026年第二批 劳动合同和工资支付情况双随机抽查",
  "item_list_version": 1,
  "item_ids": ["HRSS-01", "HRSS-02"],
  "regions": ["320400"],
  "ratio_bp": 200,
  "strata_by": "region",
  "credit": {"grade_c_ratio_bp": 2000},
  "window_start": "2026-06-01",
  "window_end": "2026-07-31",
  "inspectors": {"domains": ["劳动用工", "工资支付"], "team_size": 2, "substitutes": 2}
}
JSON
DRAW=T-320400-2026-02-d1
"$SUIJI" task define --data "$DATA" --org 320400 --user bench "$WORK/task.json"
"$SUIJI" draw freeze --data "$DATA" --org 320400 --user bench T-320400-2026-02 > "$WORK/freeze.log"
"$SUIJI" draw commit --data "$DATA" --org 320400 --user bench "$DRAW" --no-drand \
  --witness 市人大代表张某 --witness 政协委员李某 > "$WORK/commit.log"
"$SUIJI" draw reveal --data "$DATA" --org 320400 --user bench "$DRAW" \
  --witness-digits 3817 --witness-digits 0562 --limit 0 > "$WORK/reveal.log"
"$SUIJI" announce --data "$DATA" --org 320400 --user bench "$DRAW" --confirmed-by 王科长,赵科员

"$SUIJI" user add --data "$DATA" --org 320400 --user bench --id clerk --name 登记员 --org-id 320400 \
  --role registry_clerk
TOKEN="$("$SUIJI" token issue --data "$DATA" --org 320400 --user bench clerk --label http-bench 2>/dev/null)"
case "$TOKEN" in sj_*) ;; *) die "token issue printed no token" ;; esac

# The writes' bodies: each employer's full record as imported, without its headcount (the
# wrk script adds a new one per request): credit code, a tab, then the JSON up to the brace.
awk -F, '
  NR == 1 { next }
  {
    sub(/\r$/, "")
    if (NF != 15) { printf "targets.csv row %d has %d fields, not 15\n", NR, NF > "/dev/stderr"; exit 1 }
    for (i = 1; i <= NF; i++) { gsub(/\\/, "\\\\", $i); gsub(/"/, "\\\"", $i) }
    printf "%s\t{\"name\":\"%s\",\"region\":\"%s\",\"industry\":\"%s\",\"credit_grade\":\"%s\",\"grade_date\":\"%s\",\"blacklisted\":%s,\"blacklist_name\":\"%s\",\"blacklist_from\":\"%s\",\"blacklist_until\":\"%s\",\"star_level\":%d,\"complaints\":%d,\"org_id\":\"%s\"\n",
      $1, $2, $3, $4, $6, $7, ($8 == "是" ? "true" : "false"), $9, $10, $11, $12, $13, $15
  }' "$WORK/sample/targets.csv" > "$WORK/bodies.tsv"
[ "$(wc -l < "$WORK/bodies.tsv")" -eq "$TARGETS" ] || die "expected $TARGETS write bodies"

# --- the server ------------------------------------------------------------------------------

step "Serve on a free port (port 0: the kernel picks one; the server prints it)"
SERVE_ARGS=(--data "$DATA" --listen 127.0.0.1:0)
# wrk's connections all come from 127.0.0.1, which the node would otherwise cap at
# max_connections_per_address (32, half its workers): in production a bureau's clients are
# many addresses, or nginx (a trusted proxy, not capped) in front.
echo "max_connections_per_address = $((CONNECTIONS * 4))" > "$WORK/serve.conf"
SERVE_ARGS+=(--config "$WORK/serve.conf")
if [ -n "$SERVE_THREADS" ]; then
  echo "threads = $SERVE_THREADS" >> "$WORK/serve.conf"
fi
"$SUIJI" serve "${SERVE_ARGS[@]}" 2> "$WORK/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 100); do
  PORT="$(sed -n 's|^suiji serve: http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$WORK/serve.log")"
  [ -n "$PORT" ] && break
  server_alive
  sleep 0.1
done
[ -n "$PORT" ] || die "the server did not say where it listens (log: $WORK/serve.log)"
BASE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do
  curl -sf "$BASE_URL/healthz" > /dev/null && break
  server_alive
  sleep 0.1
done
curl -sf "$BASE_URL/healthz" > /dev/null || die "/healthz does not answer"
echo "serving $BASE_URL (pid $SERVER_PID, ${SERVE_THREADS:-the default 64} worker threads), log size $(log_size)"

# Each request class answers as it should before it is measured. (Replies are read whole
# before grep: grep -q on a pipe would stop reading early, and pipefail would see SIGPIPE.)
page="$(curl -sf "$BASE_URL/public")" || die "GET /public failed"
grep -q "$DRAW" <<< "$page" || die "/public does not show the draw $DRAW"
notices="$(curl -sf "$BASE_URL/public/v1/notices")" || die "GET /public/v1/notices failed"
grep -q "\"$DRAW\"" <<< "$notices" || die "/public/v1/notices has no draw $DRAW"
QUERY="/api/v1/targets?region=$REGION&limit=50"
listed="$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE_URL$QUERY" | grep -o '"credit_code"' | wc -l)"
[ "$listed" -eq 50 ] || die "GET $QUERY listed $listed employers, not 50"
IFS=$'\t' read -r code prefix < <(sed -n 1p "$WORK/bodies.tsv")
before="$(log_size)"
reply="$(curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data "$prefix,\"headcount\":29999}" "$BASE_URL/api/v1/targets/$code")" || die "PUT /api/v1/targets/$code failed"
[ "$(log_size)" -eq $((before + 1)) ] || die "a PUT appended $(($(log_size) - before)) events, not 1: $reply"
echo "checked: /public and the notices show $DRAW; the query lists 50 employers; a PUT appends one event"

# --- the rounds ------------------------------------------------------------------------------

declare -a PAGE_RPS PAGE_P99 NOTICES_RPS NOTICES_P99 QUERY_RPS QUERY_P99 WRITE_EPS IMPORT_EPS
IMPORT_SRC="$WORK/sample/targets.csv"
declare -a SIGN BATCHED SINGLE UNREAD_PAGE UNREAD_NOTICES UNREAD_QUERY UNREAD_WRITE
# Headcounts above every imported one (at most 20,000) and the check's 29,999; each round
# starts above the values of the rounds before it (see put_target.lua).
HEADCOUNT_BASE=30000
for round in $(seq "$ROUNDS"); do
  step "Round $round of $ROUNDS (wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency)"

  # Public reads, no authentication: the notice page (HTML rendered from the public record)
  # and the notices as JSON.
  run_wrk "r$round-public" /public
  print_wrk "GET /public"
  PAGE_RPS+=("$W_RPS"); PAGE_P99+=("$W_P99"); UNREAD_PAGE+=("$W_UNREAD")
  run_wrk "r$round-notices" /public/v1/notices
  print_wrk "GET /public/v1/notices"
  NOTICES_RPS+=("$W_RPS"); NOTICES_P99+=("$W_P99"); UNREAD_NOTICES+=("$W_UNREAD")

  # A directory query by the clerk: 50 employers of one county from the LMDB projection.
  run_wrk "r$round-query" "$QUERY" -H "Authorization: Bearer $TOKEN"
  print_wrk "GET /api/v1/targets?region=$REGION"
  QUERY_RPS+=("$W_RPS"); QUERY_P99+=("$W_P99"); UNREAD_QUERY+=("$W_UNREAD")

  # Writes: each PUT changes one employer's headcount: one signed event per request,
  # committed durably before the reply. The server's log size counts what was appended,
  # including requests the server took up only after wrk stopped (sent during the run).
  log_before="$(log_size)"
  t0="$(date +%s.%N)"
  run_wrk "r$round-write" / -H "Authorization: Bearer $TOKEN" -s "$HERE/put_target.lua" -- \
    "$WORK/bodies.tsv" "$HEADCOUNT_BASE" "$WRK_THREADS"
  t1="$(date +%s.%N)"
  log_after="$(settled_log_size)"
  appended=$((log_after - log_before))
  eps="$(awk -v n="$appended" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')"
  print_wrk "PUT /api/v1/targets/{code}"
  ok=$((W_REQUESTS - W_NON2XX))
  printf '  %-34s %9.1f events/s (%d events in %.2f s wall; %d answered 2xx; %s)\n' \
    "  log growth" "$eps" "$appended" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$ok" \
    "$(sed -n 's/^statuses: //p' "$WORK/r$round-write.txt")"
  if [ "$W_NON2XX" -gt 0 ]; then
    printf '\n!!!!!!!! WRITE RUN: %d NON-2XX REPLIES !!!!!!!!\n' "$W_NON2XX"
    sed -n 's/^first non-2xx reply: /!!! first: /p' "$WORK/r$round-write.txt"
  fi
  if [ "$appended" -lt "$ok" ] || [ "$appended" -gt $((ok + CONNECTIONS)) ]; then
    printf '\n!!! WRITE RUN: %d events appended for %d successful writes (expected %d to %d)\n' \
      "$appended" "$ok" "$ok" $((ok + CONNECTIONS))
  fi
  WRITE_EPS+=("$eps"); UNREAD_WRITE+=("$W_UNREAD")
  HEADCOUNT_BASE=$((HEADCOUNT_BASE + (appended + CONNECTIONS) / TARGETS + 2))

  # Bulk writes: one import request carrying the directory with IMPORT_FRACTION of it changed
  # (and some new employers), encoded in GB18030; each changed row is one signed event, all
  # appended as one durable batch before the reply.
  python3 "$ROOT/ops/sample/gen_directory.py" --mutate "$IMPORT_SRC" --fraction "$IMPORT_FRACTION" \
    --seed $((2026 + round)) --encoding gb18030 --out "$WORK/import-r$round" > /dev/null
  IMPORT_SRC="$WORK/import-r$round/targets-updated.csv"
  log_before="$(log_size)"
  t0="$(date +%s.%N)"
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$IMPORT_SRC" \
    "$BASE_URL/api/v1/imports/targets?org=320400" > "$WORK/r$round-import.json" ||
    die "POST /api/v1/imports/targets failed: $(cat "$WORK/r$round-import.json")"
  t1="$(date +%s.%N)"
  appended=$(($(log_size) - log_before))
  reported="$(sed -n 's/.*"events":\([0-9]*\).*/\1/p' "$WORK/r$round-import.json")"
  [ "$appended" = "$reported" ] || die "the import reported $reported events but the log grew by $appended"
  ieps="$(awk -v n="$appended" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')"
  printf '  %-34s %9.1f events/s (%d events, %d rows, in %.2f s wall)\n' "POST /api/v1/imports/targets" "$ieps" \
    "$appended" "$(($(wc -l < "$IMPORT_SRC") - 1))" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  IMPORT_EPS+=("$ieps")

  # The ledger core's limits, without HTTP, while the server idles: the raw Ed25519 sign
  # rate of one core and durable appends in batches of 1000 (group commit), then durable
  # appends of one event per commit (one fsync per event: the least a write request costs).
  "$LEDGER_BENCH" --events 200000 --rounds 1 --dir "$WORK/ledger-bench" > "$WORK/r$round-ledger.txt" ||
    die "ledger_bench failed: $(cat "$WORK/r$round-ledger.txt")"
  "$LEDGER_BENCH" --events 3000 --batch 1 --rounds 1 --dir "$WORK/ledger-bench" > "$WORK/r$round-ledger1.txt" ||
    die "ledger_bench --batch 1 failed: $(cat "$WORK/r$round-ledger1.txt")"
  sign="$(sed -n 's/^round 0: raw sign \([0-9]*\)\/s.*/\1/p' "$WORK/r$round-ledger.txt")"
  batched="$(sed -n 's/^round 0: .*durable append \([0-9]*\) events\/s.*/\1/p' "$WORK/r$round-ledger.txt")"
  single="$(sed -n 's/^round 0: .*durable append \([0-9]*\) events\/s.*/\1/p' "$WORK/r$round-ledger1.txt")"
  [ -n "$sign" ] && [ -n "$batched" ] && [ -n "$single" ] || die "cannot read ledger_bench's output ($WORK/r$round-ledger*.txt)"
  printf '  %-34s %9d signatures/s (1 core)\n' "raw Ed25519 sign" "$sign"
  printf '  %-34s %9d events/s\n' "durable append, batches of 1000" "$batched"
  printf '  %-34s %9d events/s\n' "durable append, 1 event per commit" "$single"
  SIGN+=("$sign"); BATCHED+=("$batched"); SINGLE+=("$single")
done

# --- where the server's time goes ------------------------------------------------------------

step "Server-side time per request over all rounds (/metrics: handler, locks and rendering; not the socket)"
curl -sf "$BASE_URL/metrics" > "$WORK/metrics.txt"
awk '
  /^suiji_http_request_seconds_sum/ { split($0, a, "\""); sum[a[2]] = $NF }
  /^suiji_http_request_seconds_count/ { split($0, a, "\""); count[a[2]] = $NF }
  END { for (r in count) if (count[r] > 0) printf "  %-40s %9d requests  mean %8.3f ms\n", r, count[r], 1000 * sum[r] / count[r] }
' "$WORK/metrics.txt" | sort
sed -n 's/^suiji_http_requests_total{route="\(.*\)",status="\(.*\)"} \(.*\)/  \1 -> \2: \3/p' "$WORK/metrics.txt"

# --- medians and the summary -----------------------------------------------------------------

m_page_rps="$(median "${PAGE_RPS[@]}")"; m_page_p99="$(median "${PAGE_P99[@]}")"
m_notices_rps="$(median "${NOTICES_RPS[@]}")"; m_notices_p99="$(median "${NOTICES_P99[@]}")"
m_query_rps="$(median "${QUERY_RPS[@]}")"; m_query_p99="$(median "${QUERY_P99[@]}")"
m_write="$(median "${WRITE_EPS[@]}")"
m_import="$(median "${IMPORT_EPS[@]}")"
m_sign="$(median "${SIGN[@]}")"; m_batched="$(median "${BATCHED[@]}")"; m_single="$(median "${SINGLE[@]}")"

verdict_read() {  # RPS P99
  awk -v r="$1" -v p="$2" -v mr="$PUBLIC_MIN_RPS" -v mp="$PUBLIC_MAX_P99_MS" \
    'BEGIN { print (r >= mr && p <= mp) ? "PASS" : "MISS" }'
}
unread() {  # the median count of connections with an unread request, or n/a
  if [ "$HAVE_SS" = 1 ]; then median "$@"; else echo "n/a"; fi
}

step "Medians of $ROUNDS rounds ($(nproc) cores; the server and wrk share them)"
printf '%-38s %14s %11s %9s  %s\n' "measure" "median" "p99" "unread" "target"
printf '%-38s %10.0f req/s %8.2f ms %5s/%-3d  >= %d req/s, p99 <= %d ms: %s\n' "public page GET /public" \
  "$m_page_rps" "$m_page_p99" "$(unread "${UNREAD_PAGE[@]}")" "$CONNECTIONS" "$PUBLIC_MIN_RPS" "$PUBLIC_MAX_P99_MS" \
  "$(verdict_read "$m_page_rps" "$m_page_p99")"
printf '%-38s %10.0f req/s %8.2f ms %5s/%-3d  >= %d req/s, p99 <= %d ms: %s\n' "notices JSON GET /public/v1/notices" \
  "$m_notices_rps" "$m_notices_p99" "$(unread "${UNREAD_NOTICES[@]}")" "$CONNECTIONS" "$PUBLIC_MIN_RPS" "$PUBLIC_MAX_P99_MS" \
  "$(verdict_read "$m_notices_rps" "$m_notices_p99")"
printf '%-38s %10.0f req/s %8.2f ms %5s/%-3d  (no target)\n' "directory query (50 of region $REGION)" \
  "$m_query_rps" "$m_query_p99" "$(unread "${UNREAD_QUERY[@]}")" "$CONNECTIONS"
printf '%-38s %9.1f ev/s %11s %5s/%-3d  >= %.0f%% of batched append: %s\n' "writes PUT /api/v1/targets/{code}" \
  "$m_write" "" "$(unread "${UNREAD_WRITE[@]}")" "$CONNECTIONS" "$(awk -v s="$WRITE_MIN_SHARE_OF_BATCHED" 'BEGIN { print 100 * s }')" \
  "$(awk -v w="$m_write" -v b="$m_batched" -v s="$WRITE_MIN_SHARE_OF_BATCHED" 'BEGIN { print (w >= s * b) ? "PASS" : "MISS" }')"
printf '%-38s %9.1f ev/s %11s %9s  >= %.0f%% of batched append: %s\n' "bulk writes POST /api/v1/imports/targets" \
  "$m_import" "" "" "$(awk -v s="$WRITE_MIN_SHARE_OF_BATCHED" 'BEGIN { print 100 * s }')" \
  "$(awk -v w="$m_import" -v b="$m_batched" -v s="$WRITE_MIN_SHARE_OF_BATCHED" 'BEGIN { print (w >= s * b) ? "PASS" : "MISS" }')"
printf '%-38s %10.0f /s\n' "raw Ed25519 sign (1 core)" "$m_sign"
printf '%-38s %9.0f ev/s\n' "durable append, batches of 1000" "$m_batched"
printf '%-38s %9.0f ev/s\n' "durable append, 1 event per commit" "$m_single"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f (%.1f%%)", a / b, 100 * a / b }'; }
printf '%-38s %s\n' "writes / raw sign" "$(ratio "$m_write" "$m_sign")"
printf '%-38s %s\n' "writes / batched durable append" "$(ratio "$m_write" "$m_batched")"
printf '%-38s %s\n' "writes / single-event durable append" "$(ratio "$m_write" "$m_single")"
printf '%-38s %s\n' "bulk writes / raw sign" "$(ratio "$m_import" "$m_sign")"
printf '%-38s %s\n' "bulk writes / batched durable append" "$(ratio "$m_import" "$m_batched")"
echo "(unread: connections holding a request the server had not read yet, sampled at 40/60/80%"
echo " of each run: waiting for one of the server's worker threads, or for a core; wrk's req/s"
echo " and p99 count only answered requests. SYN drops: connections the listen queue refused"
echo " at first, retried after 1 s.)"

if [ "${#FAILED[@]}" -gt 0 ]; then
  printf '\nFAILED request classes: %s\n' "${FAILED[*]}"
  exit 1
fi
