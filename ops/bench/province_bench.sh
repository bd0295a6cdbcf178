#!/usr/bin/env bash
# The "Targets" benchmark of issue #16: a generated province (2,000,000 employers, 1,000
# inspectors, 200 draws at 5% with every result recorded, confirmed, submitted, reviewed and
# published: 2,680,992 entries as generated) measured with two builds of suiji side by side, in the same
# run, each measure interleaved old/new, medians of ROUNDS.
#
#   SUIJI_OLD=/path/to/old/suiji SUIJI_NEW=/path/to/new/suiji ops/bench/province_bench.sh [--entries-scale F]
#
# Either binary may be left out (its column then says "not run"). Writes a Markdown table
# "measure | target | old | new | ratio" to stdout and to ops/bench/results/ (dated, with the
# machine). See ops/bench/README.md.
#
# Environment (defaults):
#   SUIJI_OLD, SUIJI_NEW         the two suiji binaries (at least one)
#   ENTRIES_SCALE (1)            fraction of the province (employers, so visits and results);
#                                --entries-scale F on the command line wins
#   PROVINCE_CACHE (/tmp/suiji-province)  where generated provinces are kept, one per
#                                generator version and scale, reused by later runs
#   PROVINCE_GEN, PROVINCE_LOAD  the generator and the HTTP load tool (default
#                                $BUILD_DIR/tests/bench/province_{gen,load}, BUILD_DIR=build)
#   ROUNDS (3)                   rounds of each measure (the median is reported)
#   LOAD_DURATION (10)           seconds of each HTTP load run
#   WRITE_RATE (500)             writes per second sent beside the reads under writes
#   READERS (4)                  reading connections of each HTTP load run
#   OLD_ROUNDS (ROUNDS)          rounds of the old binary, if fewer (the old path folds the
#                                whole log per command: minutes each at scale 1)
#   CMD_TIMEOUT (300)            seconds a single command may take before it is stopped
#   SERVE_TIMEOUT (600)          seconds a server may take to become ready
#   SEARCH_CODE_PATH, SEARCH_NAME_PATH  public search routes, "{}" standing for the code or
#                                name part; default: found in the server's openapi.json
#                                (a public GET path with "search" in it), else n/a
#   RESULTS_PAGE_PATH (/public/results; the new binary: a paged route found in openapi.json
#                                if any, see below)
#   ONLY (empty)                 "cli" or "server": only that part's measures
#   RESULTS_DIR (ops/bench/results), WORK (a fresh /tmp/suiji-province-run.XXXXXX), KEEP (0)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
PROVINCE_GEN="${PROVINCE_GEN:-$BUILD_DIR/tests/bench/province_gen}"
PROVINCE_LOAD="${PROVINCE_LOAD:-$BUILD_DIR/tests/bench/province_load}"
PROVINCE_CACHE="${PROVINCE_CACHE:-/tmp/suiji-province}"
ENTRIES_SCALE="${ENTRIES_SCALE:-1}"
ROUNDS="${ROUNDS:-3}"
OLD_ROUNDS="${OLD_ROUNDS:-$ROUNDS}"
LOAD_DURATION="${LOAD_DURATION:-10}"
WRITE_RATE="${WRITE_RATE:-500}"
READERS="${READERS:-4}"
CMD_TIMEOUT="${CMD_TIMEOUT:-300}"
SERVE_TIMEOUT="${SERVE_TIMEOUT:-600}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/ops/bench/results}"
KEEP="${KEEP:-0}"
ONLY="${ONLY:-}"

while [ $# -gt 0 ]; do
  case "$1" in
    --entries-scale) ENTRIES_SCALE="$2"; shift 2 ;;
    --entries-scale=*) ENTRIES_SCALE="${1#*=}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "province_bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { printf 'province_bench: %s\n' "$*" >&2; exit 1; }
T0="$(date +%s)"
step() { printf '\n[%5d s] == %s\n' $(($(date +%s) - T0)) "$*"; }
note() { printf '[%5d s]    %s\n' $(($(date +%s) - T0)) "$*"; }

BINS=()
[ -n "${SUIJI_OLD:-}" ] && { [ -x "$SUIJI_OLD" ] || die "SUIJI_OLD=$SUIJI_OLD is not executable"; BINS+=(old); }
[ -n "${SUIJI_NEW:-}" ] && { [ -x "$SUIJI_NEW" ] || die "SUIJI_NEW=$SUIJI_NEW is not executable"; BINS+=(new); }
[ "${#BINS[@]}" -gt 0 ] || die "set SUIJI_OLD and/or SUIJI_NEW to suiji binaries"
[ -x "$PROVINCE_GEN" ] || die "no generator at $PROVINCE_GEN (cmake --build build --target province_gen province_load)"
[ -x "$PROVINCE_LOAD" ] || die "no load tool at $PROVINCE_LOAD (cmake --build build --target province_load)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
command -v curl > /dev/null || die "needs curl"
command -v python3 > /dev/null || die "needs python3 (reads openapi.json)"
awk -v s="$ENTRIES_SCALE" 'BEGIN { exit !(s > 0 && s <= 1) }' || die "--entries-scale must be in (0, 1]"
# Whether BIN runs in round R (the old binary only in its first OLD_ROUNDS).
in_round() { [ "$1" != old ] || [ "$2" -le "$OLD_ROUNDS" ]; }
bin_of() { if [ "$1" = old ]; then echo "$SUIJI_OLD"; else echo "$SUIJI_NEW"; fi; }

WORK="${WORK:-$(mktemp -d /tmp/suiji-province-run.XXXXXX)}"
mkdir -p "$WORK"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

MACHINE="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
step "Machine: $MACHINE; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "${BINS[@]}"; do note "$b: $(bin_of "$b")"; done

# --- the province, generated once per generator version and scale ----------------------------
GEN_V="$("$PROVINCE_GEN" --version)"
CACHE="$PROVINCE_CACHE/v$GEN_V-s$ENTRIES_SCALE"
if [ -f "$CACHE/ready" ]; then
  step "Province: cached in $CACHE"
else
  step "Province: generating at scale $ENTRIES_SCALE into $CACHE (generator version $GEN_V)"
  rm -rf "$CACHE.tmp"
  mkdir -p "$PROVINCE_CACHE"
  "$PROVINCE_GEN" --dir "$CACHE.tmp" --scale "$ENTRIES_SCALE" || die "the generator failed"
  rm -rf "$CACHE"
  mv "$CACHE.tmp" "$CACHE"
  # The generator's directory projection is its build's; every binary builds its own below.
  touch "$CACHE/ready"
fi
# shellcheck disable=SC1091
. "$CACHE/bench/manifest.env"
note "$GEN_ENTRIES entries: $GEN_EMPLOYERS employers, $GEN_INSPECTORS inspectors, $GEN_DRAWS draws, $GEN_RESULTS results"
BENCH="$CACHE/bench"

# Each binary works on its own copy, without the generator's projections: its first
# `projection rebuild` (the first round of that measure) builds them from the log.
for b in "${BINS[@]}"; do
  step "Copying the province for $b"
  rm -rf "$WORK/$b"
  mkdir -p "$WORK/$b"
  cp -a --reflink=auto "$CACHE/." "$WORK/$b/data"
  rm -rf "$WORK/$b/data/projections" "$WORK/$b/data/bench" "$WORK/$b/data/ready"
  du -sh "$WORK/$b/data" | sed 's/^/    /'
done

# --- helpers -------------------------------------------------------------------------------

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Figures per measure and binary: FIG[<measure>.<bin>] holds the space-separated values of
# the rounds; NOTE[<measure>.<bin>] a word for the table when there is no figure.
declare -A FIG NOTE FROZEN

# run_cmd MEASURE BIN ARGS...: runs `suiji ARGS` under /usr/bin/time, adds "wall" to
# FIG[MEASURE.BIN] and the max RSS in MB to FIG[MEASURE-rss.BIN]. A command that fails or
# takes longer than CMD_TIMEOUT is noted in the table.
run_cmd() {
  local m="$1" b="$2"; shift 2
  local out="$WORK/$b/$m.out" t="$WORK/$b/$m.time" status=0
  /usr/bin/time -f '%e %M %U %S' -o "$t" timeout "$CMD_TIMEOUT" "$(bin_of "$b")" "$@" > "$out" 2>&1 || status=$?
  local wall rss user sys
  read -r wall rss user sys < <(tail -1 "$t")
  if [ "$status" = 124 ]; then
    NOTE[$m.$b]="> ${CMD_TIMEOUT} s (stopped)"
    note "$b $m: stopped after $CMD_TIMEOUT s"
    return 1
  elif [ "$status" != 0 ]; then
    NOTE[$m.$b]="failed (exit $status)"
    note "$b $m: FAILED, exit $status: $(head -c 400 "$out" | tr '\n' ' ')"
    return 1
  fi
  FIG[$m.$b]+="$wall "
  FIG[$m-rss.$b]+="$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') "
  FIG[$m-cpu.$b]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') "
  note "$(printf '%-4s %-18s %8.2f s %7.0f MB  (cpu %.2f s)' "$b" "$m" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")"
}

# Whether the binary has a subcommand (probes `--help`; command names may differ between
# builds): has_cmd BIN WORD... e.g. has_cmd new projection rebuild.
has_cmd() {
  local b="$1"; shift
  "$(bin_of "$b")" "$@" --help > /dev/null 2>&1
}

# --- command-line measures -----------------------------------------------------------------

D() { echo "$WORK/$1/data"; }
OPS=(--user bench-operator)

# A task scoped to one county (task define) and one over the whole province (the freeze).
write_task() {  # FILE ID ORG REGIONS_JSON TITLE
  cat > "$1" <<JSON
{
  "task_id": "$2",
  "plan_id": "$( [ "$3" = 320000 ] && echo "P-320000-bench" || echo "$PLAN_ID")",
  "org_id": "$3",
  "title": "$5",
  "item_list_version": 1,
  "item_ids": ["HRSS-01", "HRSS-02"],
  "regions": $4,
  "min_headcount": 1,
  "ratio_bp": 500,
  "strata_by": "city",
  "credit": {"grade_a_exempt_years": 0, "grade_c_ratio_bp": 500},
  "frequency": {"max_per_year": 20, "no_repeat_item_within_year": false},
  "window_start": "$FINAL_DAY",
  "window_end": "2026-12-30",
  "inspectors": {"domains": ["劳动用工"], "team_size": 2, "substitutes": 2}
}
JSON
}

if [ "$ONLY" = server ]; then
  # The projections the command-line part would have built (not measured).
  for b in "${BINS[@]}"; do run_cmd setup "$b" projection rebuild --data "$(D "$b")" > /dev/null || true; done
fi
if [ "$ONLY" != server ]; then
step "Command line: $ROUNDS rounds, each measure old then new"
# Rebuild of all projections: the first round builds them from nothing (the copies have
# none); entries/s = the log's entries / wall time.
for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    if has_cmd "$b" projection rebuild; then
      run_cmd rebuild "$b" projection rebuild --data "$(D "$b")" || true
    else
      NOTE[rebuild.$b]="n/a ($b)"
    fi
  done
done
# The first command after a rebuild opens the projections once, and the first that opens the
# ledger builds its persisted state (DIR/ledger-state, once per data directory); not measured.
for b in "${BINS[@]}"; do
  run_cmd warmup "$b" list orgs --data "$(D "$b")" > /dev/null || true
  run_cmd warmup "$b" key list --data "$(D "$b")" > /dev/null || true
done

read_measures=(
  "dir-list|list targets --data DATA --region $LIST_REGION --limit 50"
  "dir-show|show target --data DATA $SHOW_CODE"
  "task-list|task list --data DATA"
  "task-show|task show --data DATA $TASK_ID"
  "draw-show|draw show --data DATA $DRAW_ID --limit 50"
  "stats|stats --data DATA"
)
for spec in "${read_measures[@]}"; do
  m="${spec%%|*}"
  for r in $(seq "$ROUNDS"); do
    for b in "${BINS[@]}"; do
      in_round "$b" "$r" || continue
      # shellcheck disable=SC2206
      args=(${spec#*|})
      run_cmd "$m" "$b" "${args[@]/#DATA/$(D "$b")}" || true
    done
  done
done

# Writes: a plan, a task (one county), a result (a reserved visit of the last draw).
for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    run_cmd plan-file "$b" plan file --data "$(D "$b")" --org "$CITY_ORG" "${OPS[@]}" --id "P-bench-$r" --year 2026 \
      --title "基准测试计划$r" --filed-with 320000 || true
  done
done
for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    write_task "$WORK/$b/task-$r.json" "T-bench-$r" "$CITY_ORG" "[\"$LIST_REGION\"]" "基准测试任务$r"
    run_cmd task-define "$b" task define --data "$(D "$b")" --org "$CITY_ORG" "${OPS[@]}" "$WORK/$b/task-$r.json" || true
  done
done
for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    k=$(( (r - 1) * 2 )); [ "$b" = new ] && k=$((k + 1))
    [ "$k" -lt "$RESERVED" ] || { NOTE[result-record.$b]="no reserved visit left"; continue; }
    user="$(python3 -c 'import json,sys; print("u" + json.load(open(sys.argv[1]))["team"][0])' "$BENCH/result-$k.json")"
    run_cmd result-record "$b" result record --data "$(D "$b")" --org "$RESERVED_ORG" --user "$user" \
      "$BENCH/result-$k.json" || true
  done
done

# The freeze over the whole province: a province-wide task with no exclusions (every
# employer with a headcount, no exemption, no frequency limit), defined (not measured) and
# frozen (measured), a new task each round.
for b in "${BINS[@]}"; do
  run_cmd setup "$b" plan file --data "$(D "$b")" --org 320000 "${OPS[@]}" --id P-320000-bench --year 2026 \
    --title 省级基准测试计划 > /dev/null || true
done
for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    write_task "$WORK/$b/prov-$r.json" "T-province-$r" 320000 '["320000"]' "全省基准测试任务$r"
    run_cmd setup "$b" task define --data "$(D "$b")" --org 320000 "${OPS[@]}" "$WORK/$b/prov-$r.json" > /dev/null || true
    run_cmd freeze "$b" draw freeze --data "$(D "$b")" --org 320000 "${OPS[@]}" "T-province-$r" || true
    FROZEN[$b]="$(sed -n 's/^ *targets: *\([0-9][0-9]*\).*/\1/p' "$WORK/$b/freeze.out" | head -1)"
    note "$b freeze: $(head -3 "$WORK/$b/freeze.out" | tr '\n' ' ' | cut -c1-200)"
  done
done

fi  # ONLY != server

# --- the server ----------------------------------------------------------------------------

# start_server BIN: starts `suiji serve` on a free port; sets SERVER_PID, BASE_URL and
# READY_S (seconds from the start until /healthz answers 200).
start_server() {
  local b="$1" log="$WORK/$1/serve.log" t0 port="" code
  echo "max_connections_per_address = 256" > "$WORK/$b/serve.conf"
  rm -f "$log"  # else the previous server's line could be read before this one truncates it
  t0="$(date +%s.%N)"
  "$(bin_of "$b")" serve --data "$(D "$b")" --listen 127.0.0.1:0 --config "$WORK/$b/serve.conf" 2> "$log" &
  SERVER_PID=$!
  READY_S=""
  while :; do
    kill -0 "$SERVER_PID" 2>/dev/null || { note "$b: the server died: $(tail -c 400 "$log" | tr '\n' ' ')"; SERVER_PID=""; return 1; }
    if [ -z "$port" ] && [ -f "$log" ]; then
      port="$(sed -n 's|^suiji serve: https\{0,1\}://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -1)"
    fi
    if [ -n "$port" ]; then
      code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)"
      if [ "$code" = 200 ]; then
        READY_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
        break
      fi
    fi
    if awk -v a="$t0" -v b="$(date +%s.%N)" -v l="$SERVE_TIMEOUT" 'BEGIN { exit !(b - a > l) }'; then
      note "$b: the server was not ready within $SERVE_TIMEOUT s"
      stop_server
      return 1
    fi
    sleep 0.05
  done
  BASE_URL="http://127.0.0.1:$port"
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# The public routes of a running server: the search routes from its openapi.json unless
# set; prints "CODE_PATH|NAME_PATH|RESULTS_PATH", a field empty when there is none.
find_routes() {
  curl -sf "$BASE_URL/api/v1/openapi.json" > "$WORK/openapi.json" || echo '{}' > "$WORK/openapi.json"
  python3 - "$WORK/openapi.json" "${SEARCH_CODE_PATH:-}" "${SEARCH_NAME_PATH:-}" "${RESULTS_PAGE_PATH:-}" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
paths = [p for p, ops in spec.get("paths", {}).items() if "get" in ops]
code, name, results = sys.argv[2], sys.argv[3], sys.argv[4]
def params(p):
    return [q.get("name", "") for q in spec["paths"][p]["get"].get("parameters", []) if q.get("in") == "query"]
search = [p for p in paths if p.startswith("/public") and "search" in p and "{" not in p]
for p in search:
    ps = params(p)
    if not code:
        k = next((q for q in ps if q in ("credit_code", "code", "uscc")), None) or ("q" if "q" in ps or not ps else None)
        if k: code = p + "?" + k + "={}"
    if not name:
        k = next((q for q in ps if q in ("name", "employer", "q")), None) or ("q" if not ps else None)
        if k: name = p + "?" + k + "={}"
if not results:
    # A paged results route if there is one, else the results page.
    paged = [p for p in paths if p.startswith("/public/v1/results") and "{" not in p and
             any(q in ("limit", "page", "cursor") for q in params(p))]
    results = paged[0] + "?limit=50" if paged else "/public/results"
print(f"{code}|{name}|{results}")
PY
}

# load BIN MEASURE PATH INPUTS WRITES_PER_S: one province_load run; adds the p99 in ms to
# FIG[MEASURE.BIN] (and, with writes, the writes accepted per second to FIG[MEASURE-wps.BIN]).
LOAD_RUN=0
load() {
  local b="$1" m="$2" path="$3" inputs="$4" wps="$5" out args
  LOAD_RUN=$((LOAD_RUN + 1))
  out="$WORK/$b/$m-$LOAD_RUN.load"
  args=(--url "$BASE_URL" --duration "$LOAD_DURATION" --read "$path" --readers "$READERS")
  [ -n "$inputs" ] && args+=(--inputs "$inputs")
  if [ "$wps" != 0 ]; then
    args+=(--writes-per-s "$wps" --bodies "$BENCH/bodies.tsv" --token "$CLERK_TOKEN"
           --headcount-base $((30000 + LOAD_RUN)))
  fi
  "$PROVINCE_LOAD" "${args[@]}" > "$out" 2>&1 || { note "$b $m: load failed: $(cat "$out")"; NOTE[$m.$b]="failed"; return 0; }
  local reads non2xx p99 ok wnon2xx per_s err
  reads="$(awk '{ print $2 }' "$out")"; non2xx="$(awk '{ print $4 }' "$out")"; p99="$(awk '{ print $8 }' "$out")"
  ok="$(awk '{ print $14 }' "$out")"; wnon2xx="$(awk '{ print $16 }' "$out")"; per_s="$(awk '{ print $18 }' "$out")"
  err="$(sed -n 's/.* first_error //p' "$out")"
  if [ "$reads" = 0 ] || [ "$non2xx" -ge "$reads" ]; then
    NOTE[$m.$b]="failed (no 2xx reply)"
    note "$b $m: no read answered 2xx: $err"
    return 0
  fi
  FIG[$m.$b]+="$p99 "
  [ "$wps" != 0 ] && FIG[$m-wps.$b]+="$per_s "
  note "$(printf '%-4s %-22s p99 %9.2f ms  %6d reads %d non-2xx' "$b" "$m" "$p99" "$reads" "$non2xx")$( [ "$wps" != 0 ] && printf '  | writes %s/s accepted, %s non-2xx' "$per_s" "$wnon2xx")$( [ "$err" != - ] && printf '  | first error: %s' "${err:0:160}")"
}

[ "$ONLY" = cli ] || step "Server: $ROUNDS rounds, each binary started (ready time), loaded, measured, stopped"
[ "$ONLY" = cli ] || for r in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    in_round "$b" "$r" || continue
    start_server "$b" || { NOTE[ready.$b]="failed"; continue; }
    FIG[ready.$b]+="$READY_S "
    note "$(printf '%-4s %-22s %8.2f s (log %s)' "$b" "serve ready" "$READY_S" "$(curl -sf "$BASE_URL/healthz" | sed -n 's/.*"log_size":\([0-9]*\).*/\1/p')")"
    IFS='|' read -r code_path name_path results_path < <(find_routes)
    [ "$r" = 1 ] && note "$b routes: search by code ${code_path:-n/a}, by name ${name_path:-n/a}, results page $results_path"
    # Warm-up: each route once, then writes for a while (what a running node sees).
    for p in "${code_path/\{\}/$SHOW_CODE}" "$results_path" /public; do
      [ -n "$p" ] && curl -s -o /dev/null --max-time "$CMD_TIMEOUT" "$BASE_URL$p" || true
    done
    "$PROVINCE_LOAD" --url "$BASE_URL" --duration 5 --writes-per-s "$WRITE_RATE" --bodies "$BENCH/bodies.tsv" \
      --token "$CLERK_TOKEN" --headcount-base $((29000 + r)) > "$WORK/$b/warmup.load" 2>&1 || true
    note "$b warm-up writes: $(cut -d' ' -f11-20 "$WORK/$b/warmup.load")"
    if [ -n "$code_path" ]; then
      load "$b" search-code "$code_path" "$BENCH/search_codes.txt" 0
      load "$b" search-code-w "$code_path" "$BENCH/search_codes.txt" "$WRITE_RATE"
    else
      NOTE[search-code.$b]="n/a ($b)"; NOTE[search-code-w.$b]="n/a ($b)"
    fi
    if [ -n "$name_path" ]; then
      load "$b" search-name "$name_path" "$BENCH/search_names.txt" 0
      load "$b" search-name-w "$name_path" "$BENCH/search_names.txt" "$WRITE_RATE"
    else
      NOTE[search-name.$b]="n/a ($b)"; NOTE[search-name-w.$b]="n/a ($b)"
    fi
    load "$b" results-page-w "$results_path" "" "$WRITE_RATE"
    FIG[server-rss.$b]+="$(rss_mb) "
    note "$b server RSS after the loads: $(rss_mb) MB (peak $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status") MB)"
    stop_server
  done
done

# --- the table -----------------------------------------------------------------------------

# cell MEASURE BIN UNIT [TRANSFORM]: the median of the rounds, formatted; or the note.
med_of() {  # MEASURE BIN -> the median, or empty
  local v="${FIG[$1.$2]:-}"
  [ -n "$v" ] || return 0
  # shellcheck disable=SC2086
  median $v
}
fmt() {  # VALUE UNIT
  case "$2" in
    s) awk -v v="$1" 'BEGIN { printf(v < 10 ? "%.2f s" : "%.1f s", v) }' ;;
    MB) awk -v v="$1" 'BEGIN { printf "%.0f MB", v }' ;;
    ms) awk -v v="$1" 'BEGIN { printf(v < 100 ? "%.1f ms" : "%.0f ms", v) }' ;;
    eps) awk -v v="$1" 'BEGIN { printf "%.0f entries/s", v }' ;;
    wps) awk -v v="$1" 'BEGIN { printf "%.0f/s", v }' ;;
  esac
}
# verdict VALUE OP LIMIT: " ✓" or " ✗"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = op == "<=" ? v <= l : v >= l; printf(ok ? " ✓" : " ✗") }'; }

TABLE="$WORK/table.md"
{
  echo "| measure | target | old | new | ratio (new/old) |"
  echo "|---|---|---|---|---|"
} > "$TABLE"
# row LABEL TARGET_TEXT MEASURE UNIT OP LIMIT [TRANSFORM: "eps" turns seconds into entries/s]
row() {
  local label="$1" target="$2" m="$3" unit="$4" op="$5" limit="$6" conv="${7:-}"
  local cells=() vals=() b v
  for b in old new; do
    v="$(med_of "$m" "$b")"
    if [ -n "$v" ] && [ "$conv" = eps ]; then v="$(awk -v s="$v" -v n="$GEN_ENTRIES" 'BEGIN { print n / s }')"; fi
    vals+=("$v")
    if [ -n "$v" ]; then
      local cpu=""
      [ "$unit" = s ] && [ -n "${FIG[$m-cpu.$b]:-}" ] && cpu=" (cpu $(fmt "$(med_of "$m-cpu" "$b")" s))"
      cells+=("$(fmt "$v" "$unit")$( [ -z "$op" ] || verdict "$v" "$op" "$limit")$cpu")
    elif [ -n "${NOTE[$m.$b]:-}" ]; then
      cells+=("${NOTE[$m.$b]}")
    else
      cells+=("not run")
    fi
  done
  local ratio=""
  if [ -n "${vals[0]}" ] && [ -n "${vals[1]}" ]; then
    ratio="$(awk -v a="${vals[0]}" -v b="${vals[1]}" 'BEGIN { if (a > 0) printf "%.3g", b / a }')"
  fi
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$target" "${cells[0]}" "${cells[1]}" "$ratio" >> "$TABLE"
}
for spec in "dir-list|\`list targets --region R --limit 50\`" "dir-show|\`show target CODE\`" \
            "task-list|\`task list\`" "task-show|\`task show T\`" "draw-show|\`draw show D --limit 50\`" \
            "stats|\`stats\`" "plan-file|\`plan file\`" "task-define|\`task define\` (one county)" \
            "result-record|\`result record\`"; do
  m="${spec%%|*}"; label="${spec#*|}"
  row "$label, wall" "≤ 0.3 s" "$m" s "<=" 0.3
  row "$label, max RSS" "≤ 100 MB" "$m-rss" MB "<=" 100
done
row "\`draw freeze\` over the whole province ($(for b in "${BINS[@]}"; do printf '%s: %s eligible ' "$b" "${FROZEN[$b]:-?}"; done| sed 's/ $//')), wall" "≤ 5 s" freeze s "<=" 5
row "\`draw freeze\`, max RSS" "" freeze-rss MB "" ""
row "\`suiji serve\` ready after a restart" "≤ 3 s" ready s "<=" 3
row "server RSS, steady (after warm-up and the loads)" "≤ 1 GB" server-rss MB "<=" 1024
row "public search by credit code, p99" "≤ 20 ms" search-code ms "<=" 20
row "public search by credit code, p99, under writes" "≤ 20 ms" search-code-w ms "<=" 20
row "public search by name, p99" "≤ 20 ms" search-name ms "<=" 20
row "public search by name, p99, under writes" "≤ 20 ms" search-name-w ms "<=" 20
row "a results page, p99, under writes" "≤ 50 ms" results-page-w ms "<=" 50
row "writes accepted beside the results page (sent: $WRITE_RATE/s)" "500/s" results-page-w-wps wps ">=" "$WRITE_RATE"
row "rebuild of all projections (\`projection rebuild\`)" "≥ 100,000 entries/s" rebuild eps ">=" 100000 eps

STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
mkdir -p "$RESULTS_DIR"
REPORT="$RESULTS_DIR/province-$STAMP-s$ENTRIES_SCALE.md"
{
  echo "# Province benchmark (issue #16 targets), $STAMP"
  echo
  echo "- machine: $MACHINE; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- province: scale $ENTRIES_SCALE, $GEN_ENTRIES entries ($GEN_EMPLOYERS employers, $GEN_INSPECTORS inspectors, $GEN_DRAWS draws, $GEN_RESULTS published results), generator version $GEN_V"
  for b in "${BINS[@]}"; do echo "- $b: \`$(bin_of "$b")\`"; done
  echo "- medians of $ROUNDS rounds (old: $OLD_ROUNDS), old and new interleaved; HTTP loads of $LOAD_DURATION s, $READERS reading connections, writes (PUT /api/v1/targets/{code}) at $WRITE_RATE/s where it says so"
  echo "- wall time and max RSS by \`/usr/bin/time\`; \"cpu\" is the command's user + system time, which a loaded machine moves less than the wall time"
  echo "- rebuild: the first round builds the projections from nothing (each binary's copy starts without them), the later ones rebuild them"
  echo
  cat "$TABLE"
} > "$REPORT"
step "Results (also in $REPORT)"
cat "$TABLE"
