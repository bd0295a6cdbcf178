#!/usr/bin/env bash
# The main job, end to end on the embedded LMDB default: create a ledger, record signed
# events, rotate the node key, issue checkpoints, export, verify the whole log with the
# standalone verifier, hand a third party inclusion and consistency proofs to check, and
# show that tampering is caught with the sequence number where it happened; then import the
# directories, run a draw ceremony (plan, task, freeze, commit, reveal), announce it, record a
# result, have each inspector of the team confirm it under its own user, review, publish and
# correct it, export the public record, check one draw from its public proof bundle, and
# verify again.
#
#   ops/demo.sh [DATA_DIR]      (default: a fresh temporary directory)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}"
SUIJI="$BIN/api/suiji"
VERIFY="$BIN/verifier/suiji-verify"
DATA="${1:-$(mktemp -d /tmp/suiji-demo.XXXXXX)/data}"
WORK="$(dirname "$DATA")"
step() { printf '\n== %s\n' "$*"; }

step "1. Create the ledger of the Changzhou bureau (genesis, root and node keys, first checkpoint)"
"$SUIJI" init --data "$DATA" --ledger cz.hrss.gov.cn/inspections \
  --description "常州市人力资源和社会保障局 双随机抽查记录" --org 320400 --user 王科长 \
  --no-calendar  # the calendar is published in step 14, to show it

step "2. Record signed events (ceremony minutes, witness statements)"
"$SUIJI" memo --data "$DATA" --org 320400 --user 王科长 --subject "2026年第二批双随机抽查会议" \
  --text "抽查会议于2026年6月1日召开；监督员：市人大代表张某、政协委员李某、工会代表赵某。"
"$SUIJI" memo --data "$DATA" --org 320400 --user 张某 --subject "见证人声明" \
  --text "本人现场见证摇号过程，未发现异常。"
"$SUIJI" checkpoint --data "$DATA" > "$WORK/checkpoint-early.txt"
OLD_VKEY="$("$SUIJI" key verifier --data "$DATA")"
echo "saved an early checkpoint (a supervisor keeps this):"; cat "$WORK/checkpoint-early.txt"

step "3. Rotate the node key (the old one is revoked in the same signed event)"
"$SUIJI" key rotate --data "$DATA" --org 320400 --user 系统管理员
for i in 1 2 3; do
  "$SUIJI" memo --data "$DATA" --org 320402 --user 检查员$i --subject "检查记录 $i" --text "现场检查完成，已全程录像。" >/dev/null
done
"$SUIJI" key list --data "$DATA"

step "4. The log as stored"
"$SUIJI" log show --data "$DATA"

step "5. Export and verify the whole log with the standalone verifier"
"$SUIJI" log export --data "$DATA" --out "$WORK/ledger.export"
"$VERIFY" "$WORK/ledger.export" --checkpoint "$WORK/checkpoint-early.txt"

step "6. Proofs for a third party: entry 3 is in the log; the log only grew since the early checkpoint"
VKEY="$("$SUIJI" key verifier --data "$DATA")"
echo "published verifier key: $VKEY"
"$SUIJI" proof inclusion --data "$DATA" --seq 3 --out "$WORK/inclusion.proof"
"$VERIFY" proof "$WORK/inclusion.proof" --key "$VKEY"
EARLY_SIZE="$(sed -n 2p "$WORK/checkpoint-early.txt")"
"$SUIJI" proof consistency --data "$DATA" --from "$EARLY_SIZE" --out "$WORK/consistency.proof"
# The early checkpoint was signed by the node key before rotation: --old-key names that key.
"$VERIFY" proof "$WORK/consistency.proof" --key "$VKEY" \
  --old-checkpoint "$WORK/checkpoint-early.txt" --old-key "$OLD_VKEY"

step "7. Tampering is caught: change one byte of the witness statement (entry 3)"
cp "$WORK/ledger.export" "$WORK/tampered.export"
python3 - "$WORK/tampered.export" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read())
i = b.find("本人现场见证".encode())
b[i] ^= 0x01
open(p, 'wb').write(b)
PY
if "$VERIFY" "$WORK/tampered.export" > "$WORK/tampered.report"; then
  echo "tampering NOT detected"; exit 1
fi
tail -1 "$WORK/tampered.report"
grep -q "FAILED at sequence 3" "$WORK/tampered.report" || { echo "tampering misattributed"; exit 1; }
step "8. Org units and jurisdictions (province -> city)"
"$SUIJI" org add --data "$DATA" --user 王科长 --id 320000 --name 江苏省人力资源和社会保障厅 --region 320000 --level province
"$SUIJI" org add --data "$DATA" --user 王科长 --id 320400 --name 常州市人力资源和社会保障局 --region 320400 --level city --parent 320000

step "9. Bulk import of the directories from Excel-style CSV (GB18030, Chinese headers)"
python3 "$ROOT/ops/sample/gen_directory.py" --out "$WORK/sample" --targets 5000 --inspectors 60 \
  --only-org 320400 --encoding gb18030
"$SUIJI" import targets --data "$DATA" --org 320400 --user 王科长 "$WORK/sample/targets.csv"
"$SUIJI" import inspectors --data "$DATA" --org 320400 --user 王科长 "$WORK/sample/inspectors.csv"
"$SUIJI" import items --data "$DATA" --org 320400 --user 王科长 --effective 2026-01-01 "$WORK/sample/items.csv"
"$SUIJI" list items --data "$DATA" --org 320400

step "10. A bad file is refused whole, with row, column, value and reason"
python3 - "$WORK/sample/targets.csv" "$WORK/bad.csv" <<'PY'
import sys
rows = open(sys.argv[1], 'rb').read().decode('gb18030').split('\r\n')
cells = rows[3].split(',')
cells[0] = cells[0][:-1] + ('1' if cells[0][-1] != '1' else '2')   # wrong check character
rows[3] = ','.join(cells)
open(sys.argv[2], 'wb').write('\r\n'.join(rows).encode('gb18030'))
PY
if "$SUIJI" import targets --data "$DATA" --org 320400 "$WORK/bad.csv"; then
  echo "a bad file was accepted"; exit 1
fi

step "11. The twice-yearly synchronisation: re-import with 5% changes appends only the differences"
python3 "$ROOT/ops/sample/gen_directory.py" --mutate "$WORK/sample/targets.csv" --fraction 0.05 --out "$WORK/sample"
"$SUIJI" import targets --data "$DATA" --org 320400 --user 王科长 --sync "$WORK/sample/targets-updated.csv"
CODE="$(python3 -c "import sys,csv,io; r=list(csv.reader(io.StringIO(open(sys.argv[1],'rb').read().decode('gb18030')))); print(r[1][0])" "$WORK/sample/targets.csv")"
"$SUIJI" show target --data "$DATA" "$CODE"
"$SUIJI" history target --data "$DATA" "$CODE"
"$SUIJI" list targets --data "$DATA" --region 320412 --grade C --limit 5

step "12. The projection is a pure function of the log: drop it, rebuild it, same digest"
BEFORE="$("$SUIJI" projection digest --data "$DATA")"
"$SUIJI" projection rebuild --data "$DATA"
AFTER="$("$SUIJI" projection digest --data "$DATA")"
[ "$BEFORE" = "$AFTER" ] || { echo "projection digest changed: $BEFORE vs $AFTER"; exit 1; }
echo "digest $AFTER before and after"

step "13. A draw (R6-R10, R20): plan, task, freeze the populations, commit before any entropy exists, reveal"
"$SUIJI" plan file --data "$DATA" --org 320400 --user 王科长 --id P-320400-2026 --year 2026 \
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
"$SUIJI" task define --data "$DATA" --org 320400 --user 王科长 "$WORK/task.json"
"$SUIJI" draw freeze --data "$DATA" --org 320400 --user 王科长 T-320400-2026-02
DRAW=T-320400-2026-02-d1
# Witnesses only, so the demo needs no network and no waiting; a real ceremony also names a
# drand round (the default) or a lottery draw that does not exist yet at the commitment.
"$SUIJI" draw commit --data "$DATA" --org 320400 --user 王科长 "$DRAW" --no-drand \
  --witness 市人大代表张某 --witness 政协委员李某 --note "2026年第二批双随机抽查会议"
"$SUIJI" draw reveal --data "$DATA" --org 320400 --user 王科长 "$DRAW" \
  --witness-digits 3817 --witness-digits 0562 --limit 10
"$SUIJI" draw show --data "$DATA" "$DRAW" --limit 3
"$SUIJI" draw show --data "$DATA" "$DRAW" --json > "$WORK/draw.json"
"$SUIJI" draw frozen --data "$DATA" "$DRAW" --out "$WORK/frozen.txt"
python3 - "$WORK/draw.json" "$WORK/frozen.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
assert d["phase"] == "drawn", d["phase"]
quota = sum(s["quota"] for s in d["freeze"]["strata"])
assert d["result"]["selected_total"] == quota, (d["result"]["selected_total"], quota)
assert sum(1 for l in lines if l.startswith(b"T\x1f")) == d["commitment"]["target_count"]
print("drawn %d of %d eligible employers; %d frozen leaf lines match the commitment's counts"
      % (quota, d["commitment"]["target_count"], len(lines)))
PY

step "14. The working-day calendar (R18): official holidays and make-up days as ledger data"
"$SUIJI" calendar load --data "$DATA" --org 320400 --user 王科长
echo "an inspection on 2025-09-30 must be entered within 2 working days: by $("$SUIJI" calendar deadline --data "$DATA" 2025-09-30 2) (National Day 1-8 October)"
echo "published within 20 working days of a task ending 2026-09-30: by $("$SUIJI" calendar deadline --data "$DATA" 2026-09-30 20)"

step "15. Announcement, result, review, publication and correction (R11-R14)"
"$SUIJI" announce --data "$DATA" --org 320400 --user 王科长 "$DRAW" --confirmed-by 王科长,赵科员
python3 - "$WORK/draw.json" "$WORK" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = d["result"]["visits"][0]
result = {
  "draw_id": d["draw_id"], "credit_code": v["credit_code"], "inspection_date": "2026-07-15",
  "items": [
    {"item_id": "HRSS-01", "outcome": "no_problem"},
    {"item_id": "HRSS-02", "outcome": "corrected",
     "violations": [{"description": "未按月足额支付3名劳动者工资", "legal_basis": "《保障农民工工资支付条例》第十五条",
                     "handling": ["order_correction"]}]}],
  "evidence": [{"sha256": "9f2c" * 16, "size": 73400320, "kind": "video", "name": "执法记录仪-0715.mp4"}],
  "team": v["team"]}
json.dump(result, open(sys.argv[2] + "/result.json", "w"), ensure_ascii=False)
result["items"][1]["violations"][0]["description"] = "未按月足额支付4名劳动者工资"
json.dump(result, open(sys.argv[2] + "/corrected.json", "w"), ensure_ascii=False)
open(sys.argv[2] + "/code.txt", "w").write(v["credit_code"])
open(sys.argv[2] + "/team.txt", "w").write(" ".join(v["team"]) + "\n")
PY
CODE=$(cat "$WORK/code.txt")
read -r -a TEAM < "$WORK/team.txt"
# Each inspector of the team confirms the result as its own act: one inspector user each.
for i in "${!TEAM[@]}"; do
  "$SUIJI" user add --data "$DATA" --org 320400 --user 王科长 --id "insp-${TEAM[$i]}" --name "检查员$((i + 1))" \
    --org-id 320400 --role inspector --inspector-id "${TEAM[$i]}" >/dev/null
done
RECORDER="insp-${TEAM[0]}"
"$SUIJI" result record --data "$DATA" --org 320400 --user "$RECORDER" "$WORK/result.json"
# Not yet confirmed by the team: the submission is refused, naming who has not confirmed.
if "$SUIJI" result submit --data "$DATA" --org 320400 --user "$RECORDER" "$DRAW" "$CODE" 2>"$WORK/unconfirmed.txt"; then
  echo "an unconfirmed result was submitted"; exit 1
fi
cat "$WORK/unconfirmed.txt"
HASH="$("$SUIJI" result show --data "$DATA" "$DRAW" "$CODE" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["revisions"][-1]["sha256"])')"
for inspector in "${TEAM[@]}"; do
  "$SUIJI" result confirm --data "$DATA" --user "insp-$inspector" "$DRAW" "$CODE" --revision 1 --sha256 "$HASH"
done
"$SUIJI" result submit --data "$DATA" --org 320400 --user "$RECORDER" "$DRAW" "$CODE"
# Whoever entered a result does not review it: the same user is refused.
if "$SUIJI" result review --data "$DATA" --org 320400 --user "$RECORDER" "$DRAW" "$CODE" --approve 2>"$WORK/self-review.txt"; then
  echo "self-review was not refused"; exit 1
fi
cat "$WORK/self-review.txt"
"$SUIJI" result review --data "$DATA" --org 320400 --user 李处长 "$DRAW" "$CODE" --approve
"$SUIJI" result publish --data "$DATA" --org 320400 --user 李处长 "$DRAW" "$CODE"
"$SUIJI" result correct --data "$DATA" --org 320400 --user 李处长 "$WORK/corrected.json" \
  --reason "录入时劳动者人数有误"
"$SUIJI" result show --data "$DATA" "$DRAW" "$CODE"
echo "deadlines (the window ended 2026-07-31; the other visits are not published yet):"
"$SUIJI" result overdue --data "$DATA" | tail -2

step "16. The public record (一公开): notices, results in the credit publicity layout, statistics"
"$SUIJI" public export --data "$DATA" --out "$WORK/public"
head -2 "$WORK/public/results.csv"
"$SUIJI" stats --data "$DATA" > "$WORK/stats.txt"
grep -v -e '^    [0-9]' "$WORK/stats.txt" | sed -n 1,30p  # sed reads to the end: head would close the pipe early (SIGPIPE under pipefail)

step "17. A member of the public checks this one draw offline from its proof bundle"
VKEY_NOW="$("$SUIJI" key verifier --data "$DATA")"
"$SUIJI" public bundle --data "$DATA" "$DRAW" --out "$WORK/bundle.json"
"$VERIFY" --bundle "$WORK/bundle.json" --key "$VKEY_NOW" | tail -6

step "18. The whole log, directories, the draw, the calendar and the results included, still verifies"
"$VERIFY" --data "$DATA" --suiji "$SUIJI" > "$WORK/verify-final.txt"
grep -v -e '^      #' -e '^  overdue: ' "$WORK/verify-final.txt" | tail -22 || true
echo
echo "demo complete: data in $DATA, files in $WORK"
