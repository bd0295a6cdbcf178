#!/usr/bin/env bash
# Generates a year of draws with the real `suiji` command line and writes one proof bundle
# per draw (and its verifier key beside it) into OUT, for the agreement test between the
# browser verifier and `suiji-verify --bundle`.
#
#   gen_year.sh SUIJI OUT [ROOT]
#
# 13 tasks, 15 bundles: strata by region, city and industry division; ratio and count with
# proportional, equal and explicit quotas; grade C strata; credit rules (grade A exemption,
# star policy exempt, blacklist and complaint weights); a directed draw; key items drawn in
# batches; required specialists; experts; declared conflicts; overlapping windows (merged
# visits) and previous teams; declines; a draw cancelled after its result and redrawn; a freeze
# cancelled before its commitment; a draw abandoned after its commitment (cancelled). Entropy:
# witnesses, and one draw with drand declared (a made-up signature: a test has no network; the
# protocol's vectors cover a real quicknet round, tests/vectors/draw/draws.json).
set -euo pipefail
SUIJI="$1"
OUT="$2"
ROOT="${3:-$(cd "$(dirname "$0")/../../.." && pwd)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/suiji-year.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
A=(--org 320400 --user 王科长)
mkdir -p "$OUT"
q() { "$SUIJI" "$@" >/dev/null; }

q init --data "$D" --ledger year.test/inspections --org 320400 --user 王科长 --no-calendar
q org add --data "$D" --user 王科长 --id 320000 --name 江苏省人力资源和社会保障厅 --region 320000 --level province
q org add --data "$D" --user 王科长 --id 320400 --name 常州市人力资源和社会保障局 --region 320400 --level city --parent 320000
python3 "$ROOT/ops/sample/gen_directory.py" --out "$WORK/sample" --targets 2500 --inspectors 60 --only-org 320400 --seed 2027 >/dev/null
q import targets --data "$D" "${A[@]}" "$WORK/sample/targets.csv"
q import inspectors --data "$D" "${A[@]}" "$WORK/sample/inspectors.csv"
q import items --data "$D" "${A[@]}" --effective 2026-01-01 "$WORK/sample/items.csv"
q plan file --data "$D" "${A[@]}" --id P-320400-2026 --year 2026 --title 常州市2026年度双随机抽查工作计划 --filed-with 320000

# Conflicts: the first 12 non-auxiliary inspectors each with 3 employers of the busiest county.
python3 - "$WORK/sample" > "$WORK/conflicts.txt" <<'PY'
import csv, sys
def rows(n): return list(csv.reader(open(f"{sys.argv[1]}/{n}", encoding="utf-8-sig")))[1:]
ins = [r[0] for r in rows("inspectors.csv") if r[7] == "否"][:12]
tgt = [r[0] for r in rows("targets.csv") if r[2] == "320412"][:36]
for i, code in enumerate(tgt):
    print(ins[i % len(ins)], code)
PY
while read -r ins code; do
  q conflict declare --data "$D" "${A[@]}" --inspector "$ins" --code "$code" --reason 亲属关系
done < "$WORK/conflicts.txt"

task() {  # task ID JSON-FIELDS
  printf '{"task_id":"%s","plan_id":"P-320400-2026","org_id":"320400","item_list_version":1,"regions":["320400"],%s}\n' "$1" "$2" > "$WORK/$1.json"
  q task define --data "$D" "${A[@]}" "$WORK/$1.json"
}
draw() {  # DRAW: freeze (by task), commit, reveal with witnesses
  local d="$1" t="${1%-d*}"
  q draw freeze --data "$D" "${A[@]}" "$t"
  q draw commit --data "$D" "${A[@]}" "$d" --no-drand --witness 人大代表张某 --witness 工会代表赵某
  q draw reveal --data "$D" "${A[@]}" "$d" --witness-digits "${#d}2026${d: -1}" --witness-digits 0815
}
INS='"inspectors":{"domains":["劳动用工","工资支付","社会保险"],"team_size":2,"substitutes":2}'

task T01 '"title":"一季度 劳动合同抽查","item_ids":["HRSS-01"],"ratio_bp":300,"strata_by":"region","credit":{"grade_c_ratio_bp":5000},"window_start":"2026-03-01","window_end":"2026-03-31",'"$INS"
draw T01-d1
task T02 '"title":"工资支付 按市分层 等额","item_ids":["HRSS-03"],"count":40,"strata_by":"city","quota_split":"equal","window_start":"2026-03-15","window_end":"2026-04-15","inspectors":{"domains":["工资支付","劳动用工"],"team_size":2,"substitutes":3,"experts":1}'
draw T02-d1
task T03 '"title":"重点事项 分批","item_ids":["HRSS-02"],"key_items":true,"batch_size":5,"count":30,"strata_by":"industry","window_start":"2026-04-01","window_end":"2026-05-31",'"$INS"
draw T03-d1
task T04 '"title":"指定配额","item_ids":["HRSS-04"],"count":25,"strata_by":"region","quota_split":"explicit","quotas":[{"key":"320412","count":10},{"key":"320402","count":8},{"key":"999999","count":7}],"window_start":"2026-05-01","window_end":"2026-05-31",'"$INS"
draw T04-d1
task T05 '"title":"定向 黑名单","item_ids":["HRSS-05"],"directed":true,"blacklisted_only":true,"ratio_bp":5000,"window_start":"2026-06-01","window_end":"2026-06-30",'"$INS"
draw T05-d1
task T06 '"title":"需专长 三人组","item_ids":["HRSS-01"],"ratio_bp":100,"strata_by":"region","window_start":"2026-06-10","window_end":"2026-07-10","inspectors":{"domains":["劳动用工","工资支付","社会保险","工时休假"],"specialties":["制造业"],"team_size":3,"substitutes":3}'
draw T06-d1
# A draw cancelled after its result, and its redraw.
task T07 '"title":"取消后重抽","item_ids":["HRSS-03"],"ratio_bp":150,"strata_by":"city","window_start":"2026-07-01","window_end":"2026-07-31",'"$INS"
draw T07-d1
q draw cancel --data "$D" "${A[@]}" T07-d1 --reason "抽取时检查人员名录未更新"
draw T07-d2
# Declines: the first two visits' first team members cannot attend.
task T08 '"title":"回避递补","item_ids":["HRSS-04"],"ratio_bp":200,"strata_by":"region","window_start":"2026-08-01","window_end":"2026-08-31","inspectors":{"domains":["劳动用工","工资支付","社会保险"],"team_size":2,"substitutes":3}'
draw T08-d1
"$SUIJI" draw show --data "$D" T08-d1 --json > "$WORK/T08.json"
python3 - "$WORK/T08.json" > "$WORK/declines.txt" <<'PY'
import json, sys
v = [x for x in json.load(open(sys.argv[1]))["result"]["visits"] if x.get("team")]
for x in v[:2]:
    print(x["credit_code"], x["team"][0])
PY
while read -r code ins; do
  q draw decline --data "$D" "${A[@]}" T08-d1 --target "$code" --inspector "$ins" --reason 病假
done < "$WORK/declines.txt"
# A freeze cancelled before its commitment (not a redraw), then the draw.
task T09 '"title":"冻结后取消","item_ids":["HRSS-05"],"ratio_bp":100,"window_start":"2026-09-01","window_end":"2026-09-30",'"$INS"
q draw freeze --data "$D" "${A[@]}" T09
q draw cancel --data "$D" "${A[@]}" T09-d1 --reason "任务范围有误，重新冻结"
draw T09-d2
# Credit rules: stars exempt, heavier blacklist and complaints; grade A never exempt.
task T10 '"title":"信用规则","item_ids":["HRSS-02"],"ratio_bp":250,"strata_by":"region","credit":{"grade_a_exempt_years":0,"star_policy":"exempt","blacklist_multiplier":5,"complaint_step":2,"complaint_cap":3,"grade_c_ratio_bp":0},"window_start":"2026-10-01","window_end":"2026-10-31",'"$INS"
draw T10-d1
# An industry scope and a headcount floor, with overlapping windows (merges) and experts.
task T11 '"title":"制造业 50人以上","item_ids":["HRSS-01"],"industries":["13","14","18","34","36"],"min_headcount":50,"ratio_bp":2000,"strata_by":"industry","window_start":"2026-03-20","window_end":"2026-04-20","inspectors":{"domains":["劳动用工","工资支付","社会保险"],"team_size":2,"substitutes":2,"experts":2}'
draw T11-d1
# Committed and then cancelled before its reveal (abandoned), then redrawn.
task T12 '"title":"承诺后取消","item_ids":["HRSS-04"],"count":20,"strata_by":"city","quota_split":"proportional","window_start":"2026-11-01","window_end":"2026-11-30",'"$INS"
q draw freeze --data "$D" "${A[@]}" T12
q draw commit --data "$D" "${A[@]}" T12-d1 --no-drand --witness 人大代表张某
q draw cancel --data "$D" "${A[@]}" T12-d1 --reason "会场停电"
draw T12-d2

# drand declared (quicknet, the next round): a test has no network, so the reveal states a
# made-up 48-byte signature and its SHA-256. `suiji-verify` accepts it (it cannot check BLS
# offline); the browser verifier fails it at its drand step (the agreement test says so). The
# reveal is refused until the round's time has passed: it is retried once a second, at most 20.
task T13 '"title":"drand 信标","item_ids":["HRSS-03"],"ratio_bp":100,"window_start":"2026-12-01","window_end":"2026-12-30",'"$INS"
q draw freeze --data "$D" "${A[@]}" T13
q draw commit --data "$D" "${A[@]}" T13-d1 --drand-delay 0
SIG="$(python3 -c 'import hashlib; print(hashlib.sha256(b"not drand").hexdigest() + hashlib.sha256(b"x").hexdigest()[:32])')"
RND="$(python3 -c 'import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$SIG")"
for try in $(seq 20); do
  if "$SUIJI" draw reveal --data "$D" "${A[@]}" T13-d1 --drand-randomness "$RND" --drand-signature "$SIG" >/dev/null 2>"$WORK/reveal.err"; then break; fi
  [ "$try" = 20 ] && { cat "$WORK/reveal.err"; exit 1; }
  sleep 1
done

VKEY="$("$SUIJI" key verifier --data "$D")"
n=0
for d in T01-d1 T02-d1 T03-d1 T04-d1 T05-d1 T06-d1 T07-d1 T07-d2 T08-d1 T09-d2 T10-d1 T11-d1 T12-d1 T12-d2 T13-d1; do
  q public bundle --data "$D" "$d" --out "$OUT/$d.json"
  printf '%s\n' "$VKEY" > "$OUT/$d.key"
  n=$((n + 1))
done
echo "gen_year: $n bundles in $OUT"
