#!/usr/bin/env bash
# The browser verifier on a 5,000-visit draw (issue #19: "verified in the browser in <= 10 s"),
# beside the C++ `suiji-verify --bundle` on the same bundle, in the same run; medians of ROUNDS.
# Uses prebuilt binaries only (it never builds): $BUILD_DIR/api/suiji, verifier/suiji-verify and
# verifier/web (ops/build-verifier-web.sh); Chromium at /usr/bin/chromium via verifier/web's
# playwright-core.
#
#   ops/bench/verifier_web_bench.sh            (TARGETS=25000 RATIO_BP=1600 ROUNDS=3 KEEP=0)
#   BUNDLE=/path/bundle.json ops/bench/verifier_web_bench.sh   (reuse a bundle; its key in bundle.key)
#
# Setup: a fresh node with TARGETS employers of Changzhou and 120 inspectors, one task at
# RATIO_BP per stratum (by region) and its draw (witnesses), and the draw's proof bundle. Then
# ROUNDS runs each of: `suiji-verify --bundle`, `suiji-verify-js` (Node), and the standalone
# page in Chromium (the time the page reports: reading the file to the verdict).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SUIJI="${SUIJI:-$BUILD_DIR/api/suiji}"
VERIFY="${VERIFY:-$BUILD_DIR/verifier/suiji-verify}"
WEB="${WEB:-$BUILD_DIR/verifier/web}"
TARGETS="${TARGETS:-25000}"
RATIO_BP="${RATIO_BP:-1600}"
ROUNDS="${ROUNDS:-3}"
WORK="$(mktemp -d /tmp/suiji-verifier-web-bench.XXXXXX)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
A=(--org 320400 --user bench)
q() { "$SUIJI" "$@" >/dev/null 2>&1; }

if [ -n "${BUNDLE:-}" ]; then  # a bundle made before (KEEP=1 keeps WORK/bundle.json and .key)
  cp "$BUNDLE" "$WORK/bundle.json"; cp "${BUNDLE%.json}.key" "$WORK/bundle.key"
else
echo "setup: $TARGETS employers, ratio $RATIO_BP bp, in $WORK"
q init --data "$D" --ledger bench.test/inspections --org 320400 --user bench --no-calendar
q org add --data "$D" --user bench --id 320000 --name 江苏省人力资源和社会保障厅 --region 320000 --level province
q org add --data "$D" --user bench --id 320400 --name 常州市人力资源和社会保障局 --region 320400 --level city --parent 320000
python3 "$ROOT/ops/sample/gen_directory.py" --out "$WORK/sample" --targets "$TARGETS" --inspectors 120 --only-org 320400 >/dev/null
q import targets --data "$D" "${A[@]}" "$WORK/sample/targets.csv"
q import inspectors --data "$D" "${A[@]}" "$WORK/sample/inspectors.csv"
q import items --data "$D" "${A[@]}" --effective 2026-01-01 "$WORK/sample/items.csv"
q plan file --data "$D" "${A[@]}" --id P-1 --year 2026 --title 基准计划 --filed-with 320000
printf '{"task_id":"T-1","plan_id":"P-1","org_id":"320400","title":"基准","item_list_version":1,"item_ids":["HRSS-01"],"regions":["320400"],"ratio_bp":%s,"strata_by":"region","window_start":"2026-06-01","window_end":"2026-07-31","inspectors":{"domains":["劳动用工","工资支付","社会保险"],"team_size":2,"substitutes":2}}\n' "$RATIO_BP" > "$WORK/task.json"
q task define --data "$D" "${A[@]}" "$WORK/task.json"
q draw freeze --data "$D" "${A[@]}" T-1
q draw commit --data "$D" "${A[@]}" T-1-d1 --no-drand --witness 见证人甲
q draw reveal --data "$D" "${A[@]}" T-1-d1 --witness-digits 20260601
q public bundle --data "$D" T-1-d1 --out "$WORK/bundle.json"
"$SUIJI" key verifier --data "$D" > "$WORK/bundle.key"
fi
KEY="$(cat "$WORK/bundle.key")"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { date +%s%3N; }
# CPU time (user + system, ms) of a command: on a loaded machine wall time mostly measures the
# wait for a core, so both are reported.
cpu_ms() { local TIMEFORMAT='%3U %3S'; { time "$@" >/dev/null; } 2>&1 | awk '{printf "%d\n", ($1 + $2) * 1000}'; }
cpp=(); js=(); cppcpu=(); jscpu=()
for _ in $(seq "$ROUNDS"); do
  t0=$(now_ms); "$VERIFY" --bundle "$WORK/bundle.json" --key "$KEY" > "$WORK/cpp.txt"; t1=$(now_ms)
  cpp+=($((t1 - t0)))
  t0=$(now_ms); node "$WEB/suiji-verify-js.mjs" "$WORK/bundle.json" --key "$KEY" --json > "$WORK/js.json"; t1=$(now_ms)
  js+=($((t1 - t0)))
  cppcpu+=("$(cpu_ms "$VERIFY" --bundle "$WORK/bundle.json" --key "$KEY")")
  jscpu+=("$(cpu_ms node "$WEB/suiji-verify-js.mjs" "$WORK/bundle.json" --key "$KEY")")
done
browser="$(node "$ROOT/verifier/web/tests/bench_browser.mjs" "$WEB" "$WORK/bundle.json" "$ROUNDS")"
read -r visits targets bytes < <(python3 -c "
import json,sys,os
r=json.load(open('$WORK/js.json')); print(r['draw']['selected'], r['draw']['targets'], os.path.getsize('$WORK/bundle.json'))")
grep -q '"ok": true' "$WORK/js.json" || { echo "the browser verifier did not pass the bundle"; exit 1; }
c=$(printf '%s\n' "${cpp[@]}" | median); j=$(printf '%s\n' "${js[@]}" | median)
cc=$(printf '%s\n' "${cppcpu[@]}" | median); jc=$(printf '%s\n' "${jscpu[@]}" | median)
echo
echo "bundle: $visits visits, $targets eligible employers, $bytes bytes; medians of $ROUNDS; $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
printf '| verifier | median wall ms | visits/s | employers/s | median CPU ms |\n|---|---:|---:|---:|---:|\n'
for row in "suiji-verify --bundle (C++)|$c|$cc" "suiji-verify-js (Node $(node --version), process start included)|$j|$jc" "page in Chromium (time the page reports)|$browser|-"; do
  name="${row%%|*}"; rest="${row#*|}"; ms="${rest%|*}"; cpu="${rest#*|}"
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$ms" "$((visits * 1000 / (ms > 0 ? ms : 1)))" "$((targets * 1000 / (ms > 0 ? ms : 1)))" "$cpu"
done
