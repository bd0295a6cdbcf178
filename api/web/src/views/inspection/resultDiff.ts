// The difference between two revisions of a result (or a revision and a correction), for the
// reviewer (结果审核: 修订对比): items, outcomes, checklist findings, violations (description,
// legal basis, handling, fine, no-penalty list), evidence files and the team, each change
// named in Chinese with its value before and after. Pure (unit-tested in tests/unit/).
import type { Evidence, ItemResult, ResultRecord, Violation } from '../../api/inspection'

export type ChangeKind = 'added' | 'removed' | 'changed'

export interface Change {
  kind: ChangeKind
  where: string // e.g. "事项 HRSS-02 · 违法行为 1 · 描述"
  before: string
  after: string
}

// The labels the diff shows (kept here so the tests need no Vue).
const OUTCOME: Record<string, string> = {
  no_problem: '未发现问题',
  corrected: '发现问题已责令改正',
  pending_handling: '发现问题待后续处理',
  uncooperative: '不配合检查',
  unreachable: '通过登记的住所无法联系',
  closed: '已关闭停业或正在清算',
  no_activity: '未发现开展本次抽查涉及的经营活动',
  other: '其他',
}
const HANDLING: Record<string, string> = {
  order_correction: '责令改正',
  case_filed: '立案查处',
  fine: '罚款',
  transfer_department: '移送有关部门',
  transfer_police: '移送公安机关',
  no_penalty: '不予处罚',
}

const yesNo = (b: boolean) => (b ? '是' : '否')

function violationText(v: Violation): string {
  return `${v.description}（${v.legal_basis}；${v.handling.map((h) => HANDLING[h] ?? h).join('、')}）`
}

function evidenceText(e: Evidence): string {
  return `${e.name}（${e.kind}，${e.size} 字节，SHA-256 ${e.sha256}）`
}

function push(out: Change[], where: string, before: string, after: string) {
  if (before === after) return
  out.push({ kind: before === '' ? 'added' : after === '' ? 'removed' : 'changed', where, before, after })
}

function diffViolations(out: Change[], at: string, a: readonly Violation[], b: readonly Violation[]) {
  const n = Math.max(a.length, b.length)
  for (let k = 0; k < n; k++) {
    const va = a[k]
    const vb = b[k]
    const w = `${at} · 违法行为 ${k + 1}`
    if (!va || !vb) {
      push(out, w, va ? violationText(va) : '', vb ? violationText(vb) : '')
      continue
    }
    push(out, w + ' · 描述', va.description, vb.description)
    push(out, w + ' · 法律依据', va.legal_basis, vb.legal_basis)
    push(
      out,
      w + ' · 处理措施',
      va.handling.map((h) => HANDLING[h] ?? h).join('、'),
      vb.handling.map((h) => HANDLING[h] ?? h).join('、'),
    )
    if ((va.fine_yuan ?? 0) !== (vb.fine_yuan ?? 0)) {
      out.push({ kind: 'changed', where: w + ' · 罚款（元）', before: String(va.fine_yuan ?? 0), after: String(vb.fine_yuan ?? 0) })
    }
    if (!!va.no_penalty_list !== !!vb.no_penalty_list) {
      out.push({ kind: 'changed', where: w + ' · 轻微违法不予处罚清单', before: yesNo(!!va.no_penalty_list), after: yesNo(!!vb.no_penalty_list) })
    }
  }
}

function diffItem(out: Change[], a: ItemResult | undefined, b: ItemResult | undefined, id: string) {
  const at = `事项 ${id}`
  if (!a || !b) {
    const it = (a ?? b) as ItemResult
    const text = OUTCOME[it.outcome] ?? it.outcome
    push(out, at, a ? text : '', b ? text : '')
    return
  }
  push(out, at + ' · 检查结果', OUTCOME[a.outcome] ?? a.outcome, OUTCOME[b.outcome] ?? b.outcome)
  push(out, at + ' · 结果说明', a.outcome_text ?? '', b.outcome_text ?? '')
  const points = [...new Set([...(a.findings ?? []).map((f) => f.point), ...(b.findings ?? []).map((f) => f.point)])]
  for (const p of points) {
    const fa = (a.findings ?? []).find((f) => f.point === p)
    const fb = (b.findings ?? []).find((f) => f.point === p)
    const text = (f: typeof fa) => (f ? (f.compliant ? '符合' : '不符合') + (f.text ? `：${f.text}` : '') : '')
    push(out, `${at} · 检查要点「${p}」`, text(fa), text(fb))
  }
  diffViolations(out, at, a.violations ?? [], b.violations ?? [])
}

// What changed from `a` to `b`, in the order of the form: date, team, items (in b's order,
// then those only in a), evidence (by hash).
export function diffResults(a: ResultRecord, b: ResultRecord): Change[] {
  const out: Change[] = []
  push(out, '检查日期', a.inspection_date, b.inspection_date)
  push(out, '检查人员', a.team.join('、'), b.team.join('、'))
  const ids = [...b.items.map((i) => i.item_id), ...a.items.map((i) => i.item_id).filter((id) => !b.items.some((i) => i.item_id === id))]
  for (const id of ids) {
    diffItem(out, a.items.find((i) => i.item_id === id), b.items.find((i) => i.item_id === id), id)
  }
  const hashes = [...new Set([...a.evidence.map((e) => e.sha256), ...b.evidence.map((e) => e.sha256)])]
  for (const h of hashes) {
    const ea = a.evidence.find((e) => e.sha256 === h)
    const eb = b.evidence.find((e) => e.sha256 === h)
    push(out, '证据文件', ea ? evidenceText(ea) : '', eb ? evidenceText(eb) : '')
  }
  return out
}
