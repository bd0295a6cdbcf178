// The result form of a visit (录入检查结果): the form's model, point by point on the item
// list's checklist, its validation (the rules of ValidateResult and CheckResultContent in
// ledger/core/inspection/, checked as the inspector types, each message in Chinese under the
// field it concerns) and the result file it becomes (POST /api/v1/results). Pure: no Vue, no
// requests (unit-tested in tests/unit/).
import type {
  Evidence,
  Finding,
  HandlingKey,
  ItemResult,
  OutcomeKey,
  ResultRecord,
  VisitItem,
} from '../../api/inspection'

export const OUTCOMES: { key: OutcomeKey; label: string }[] = [
  { key: 'no_problem', label: '未发现问题' },
  { key: 'corrected', label: '发现问题已责令改正' },
  { key: 'pending_handling', label: '发现问题待后续处理' },
  { key: 'uncooperative', label: '不配合检查' },
  { key: 'unreachable', label: '通过登记的住所无法联系' },
  { key: 'closed', label: '已关闭停业或正在清算' },
  { key: 'no_activity', label: '未发现开展本次抽查涉及的经营活动' },
  { key: 'other', label: '其他' },
]

export const HANDLINGS: { key: HandlingKey; label: string }[] = [
  { key: 'order_correction', label: '责令改正' },
  { key: 'case_filed', label: '立案查处' },
  { key: 'fine', label: '罚款' },
  { key: 'transfer_department', label: '移送有关部门' },
  { key: 'transfer_police', label: '移送公安机关' },
  { key: 'no_penalty', label: '不予处罚（轻微违法不予处罚清单）' },
]

export const outcomeLabel = (k: string): string => OUTCOMES.find((o) => o.key === k)?.label ?? k
export const handlingLabel = (k: string): string => HANDLINGS.find((h) => h.key === k)?.label ?? k

// Outcomes that found problems: they list the violations (FoundProblems).
export const foundProblems = (o: string): boolean => o === 'corrected' || o === 'pending_handling'

// A checklist point: not checked, compliant, or not (with what was found).
export type PointState = '' | 'compliant' | 'noncompliant'

export interface PointForm {
  point: string
  state: PointState
  text: string
}

export interface ViolationForm {
  description: string
  legal_basis: string
  handling: HandlingKey[]
  no_penalty_list: boolean
  fine_yuan: number
}

export interface ItemForm {
  item_id: string
  name: string
  outcome: OutcomeKey | ''
  outcome_text: string
  points: PointForm[]
  violations: ViolationForm[]
}

export interface ResultForm {
  inspection_date: string
  items: ItemForm[]
  evidence: Evidence[]
  team: string[]
}

export function emptyViolation(legalBasis = ''): ViolationForm {
  return { description: '', legal_basis: legalBasis, handling: [], no_penalty_list: false, fine_yuan: 0 }
}

// A blank form for a visit: every item of the task, each with its checklist's points.
export function emptyForm(items: readonly VisitItem[], team: readonly string[]): ResultForm {
  return {
    inspection_date: '',
    items: items.map((it) => ({
      item_id: it.item_id,
      name: it.name,
      outcome: '',
      outcome_text: '',
      points: it.checklist.map((p) => ({ point: p, state: '', text: '' })),
      violations: [],
    })),
    evidence: [],
    team: [...team],
  }
}

// The form filled from a recorded revision (a new revision after a return, or a correction).
export function formFromRecord(r: ResultRecord, items: readonly VisitItem[]): ResultForm {
  const form = emptyForm(items, r.team)
  form.inspection_date = r.inspection_date
  form.evidence = r.evidence.map((e) => ({ ...e }))
  for (const it of form.items) {
    const got = r.items.find((x) => x.item_id === it.item_id)
    if (!got) continue
    it.outcome = got.outcome
    it.outcome_text = got.outcome_text ?? ''
    for (const f of got.findings ?? []) {
      let p = it.points.find((x) => x.point === f.point)
      if (!p) {
        p = { point: f.point, state: '', text: '' }
        it.points.push(p)
      }
      p.state = f.compliant ? 'compliant' : 'noncompliant'
      p.text = f.text ?? ''
    }
    it.violations = (got.violations ?? []).map((v) => ({
      description: v.description,
      legal_basis: v.legal_basis,
      handling: [...v.handling],
      no_penalty_list: !!v.no_penalty_list,
      fine_yuan: v.fine_yuan ?? 0,
    }))
  }
  return form
}

export interface FormContext {
  window_start: string
  window_end: string
  today: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

// Every problem of the form, by field path as the API names fields ("inspection_date",
// "items[1].violations[0].description", ...), each in Chinese. Empty: the form may be sent.
export function validateResultForm(form: ResultForm, ctx: FormContext): Record<string, string> {
  const errs: Record<string, string> = {}
  const d = form.inspection_date
  if (!d) errs.inspection_date = '请填写检查日期'
  else if (!DATE.test(d)) errs.inspection_date = '日期格式应为 YYYY-MM-DD'
  else if (d < ctx.window_start || d > ctx.window_end) {
    errs.inspection_date = `检查日期须在任务时限 ${ctx.window_start} 至 ${ctx.window_end} 内`
  } else if (ctx.today && d > ctx.today) errs.inspection_date = `检查日期不能晚于今天（${ctx.today}）`
  if (form.items.length === 0) errs.items = '至少一个抽查事项'
  form.items.forEach((it, i) => {
    const f = `items[${i}]`
    if (!it.outcome) {
      errs[f + '.outcome'] = '请选择检查结果'
      return
    }
    if (it.outcome === 'other' && !it.outcome_text.trim()) errs[f + '.outcome_text'] = '结果为“其他”时须说明情况'
    it.points.forEach((p, j) => {
      if (p.state === 'noncompliant' && !p.text.trim()) errs[`${f}.points[${j}].text`] = '不符合时须写明发现的情况'
    })
    const problems = foundProblems(it.outcome)
    if (problems && it.violations.length === 0) errs[f + '.violations'] = '发现问题须列明违法行为'
    if (!problems && it.outcome !== 'other' && it.violations.length > 0) {
      errs[f + '.violations'] = `结果“${outcomeLabel(it.outcome)}”不应有违法行为`
    }
    let ordered = false
    it.violations.forEach((v, k) => {
      const g = `${f}.violations[${k}]`
      if (!v.description.trim()) errs[g + '.description'] = '请描述违法行为'
      if (!v.legal_basis.trim()) errs[g + '.legal_basis'] = '请填写法律依据'
      if (v.handling.length === 0) errs[g + '.handling'] = '须写明处理措施'
      const fined = v.handling.includes('fine')
      if (fined && !(v.fine_yuan > 0)) errs[g + '.fine_yuan'] = '选择罚款时须填写罚款金额'
      if (!fined && v.fine_yuan > 0) errs[g + '.fine_yuan'] = '未选择罚款措施时不应填写罚款金额'
      if (v.no_penalty_list) {
        if (fined || v.handling.includes('case_filed')) errs[g + '.handling'] = '轻微违法不予处罚清单事项不得罚款或立案'
        else if (!v.handling.includes('no_penalty') || !v.handling.includes('order_correction')) {
          errs[g + '.handling'] = '不予处罚事项须责令改正并注明不予处罚'
        }
      } else if (v.handling.includes('no_penalty')) {
        errs[g + '.handling'] = '不予处罚须属轻微违法不予处罚清单'
      }
      if (v.handling.includes('order_correction')) ordered = true
    })
    if (it.outcome === 'corrected' && !ordered && !errs[f + '.violations']) {
      errs[f + '.violations'] = '“发现问题已责令改正”须有责令改正措施'
    }
  })
  form.evidence.forEach((e, i) => {
    if (!/^[0-9a-f]{64}$/.test(e.sha256)) errs[`evidence[${i}]`] = '证据文件的 SHA-256 尚未算完'
    else if (e.size === 0) errs[`evidence[${i}]`] = '空文件不能作为证据'
  })
  if (form.team.length < 2) errs.team = '检查人员不少于两人'
  return errs
}

// The result file the form becomes: findings for the points checked, in checklist order.
export function toResultRecord(form: ResultForm, drawId: string, creditCode: string): ResultRecord {
  const items: ItemResult[] = form.items.map((it) => {
    const findings: Finding[] = it.points
      .filter((p) => p.state !== '')
      .map((p) => ({ point: p.point, compliant: p.state === 'compliant', text: p.text.trim() }))
    return {
      item_id: it.item_id,
      outcome: it.outcome as OutcomeKey,
      outcome_text: it.outcome_text.trim(),
      findings,
      violations: it.violations.map((v) => ({
        description: v.description.trim(),
        legal_basis: v.legal_basis.trim(),
        handling: [...v.handling],
        no_penalty_list: v.no_penalty_list,
        fine_yuan: v.handling.includes('fine') ? v.fine_yuan : 0,
      })),
    }
  })
  return {
    draw_id: drawId,
    credit_code: creditCode,
    inspection_date: form.inspection_date,
    items,
    evidence: form.evidence.map((e) => ({ sha256: e.sha256, size: e.size, kind: e.kind, name: e.name })),
    team: [...form.team],
  }
}

// The kind of an evidence file from its name and MIME type (what the ledger records as kind).
export function evidenceKind(name: string, mime: string): string {
  const m = mime.toLowerCase()
  if (m.startsWith('video/') || /\.(mp4|mov|avi|mkv)$/i.test(name)) return 'video'
  if (m.startsWith('image/') || /\.(jpe?g|png|heic|gif|webp)$/i.test(name)) return 'photo'
  if (m.startsWith('audio/') || /\.(mp3|m4a|wav|amr)$/i.test(name)) return 'audio'
  return 'document'
}

// A size in 字节/KB/MB for the screen.
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
