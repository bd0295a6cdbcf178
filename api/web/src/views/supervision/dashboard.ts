// The supervisor's dashboard, its logic (no Vue, no DOM: unit-tested under node --test,
// tests/unit/): coverage tables as rows, sums over draws, redraws and cancellations per task,
// deadline names, and the verifier's report rendered in Chinese.
import type {
  Coverage,
  CoverageBy,
  CoverageTables,
  DeadlinesByKind,
  DrawStats,
  StatsReport,
  TaskSummary,
  VerifyJob,
  VerifyReport,
} from '../../api/supervision'

export interface CoverageRow {
  key: string
  label: string
  eligible: number
  drawn: number
  ratio: number
  percent: string
}

export const GRADE_NAMES: Record<string, string> = { A: 'A 级', B: 'B 级', C: 'C 级', '-': '未评级', '': '未评级' }

// GB/T 4754-2017 sections (门类), the keys of by_industry_section.
export const INDUSTRY_SECTIONS: Record<string, string> = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
}

export const DEADLINE_KINDS: Record<string, string> = {
  confirm: '确认抽查名单（2 个工作日）',
  enter: '录入检查结果（2 个工作日）',
  publish: '公示检查结果（20 个工作日）',
}
export const DEADLINE_STATUS: Record<string, string> = {
  met: '按时',
  late: '逾期完成',
  open: '未到期',
  overdue: '已逾期',
  no_calendar: '缺少工作日历',
}
export const DRAW_PHASES: Record<string, string> = {
  frozen: '已冻结',
  committed: '已承诺',
  revealed: '已揭示',
  resulted: '已抽取',
  cancelled: '已取消',
}

// "12.5%" with one decimal (0 eligible: "—").
export function percent(drawn: number, eligible: number): string {
  if (eligible === 0) return '—'
  return ((drawn * 100) / eligible).toFixed(1) + '%'
}

// A coverage table as rows in key order, each labelled through `names` (the key itself
// when unnamed).
export function coverageRows(by: CoverageBy, names: Record<string, string> = {}): CoverageRow[] {
  return Object.keys(by)
    .sort()
    .map((key) => {
      const c = by[key]
      return {
        key,
        label: names[key] ? `${key} ${names[key]}`.trim() : key === '' || key === '-' ? '未评级' : key,
        eligible: c.eligible,
        drawn: c.drawn,
        ratio: c.ratio,
        percent: percent(c.drawn, c.eligible),
      }
    })
}

function addBy(into: CoverageBy, from: CoverageBy): void {
  for (const [k, c] of Object.entries(from)) {
    const t = (into[k] ??= { eligible: 0, drawn: 0, ratio: 0 })
    t.eligible += c.eligible
    t.drawn += c.drawn
    t.ratio = t.eligible === 0 ? 0 : t.drawn / t.eligible
  }
}

// Coverage summed over draws, as the server sums it for a user covering the whole node (an
// employer eligible for several tasks counts once per draw).
export function sumCoverage(draws: readonly DrawStats[]): CoverageTables {
  const t: CoverageTables = {
    total: { eligible: 0, drawn: 0, ratio: 0 },
    by_region: {},
    by_industry: {},
    by_industry_section: {},
    by_grade: {},
  }
  for (const d of draws) {
    t.total.eligible += d.coverage.total.eligible
    t.total.drawn += d.coverage.total.drawn
    addBy(t.by_region, d.coverage.by_region)
    addBy(t.by_industry, d.coverage.by_industry)
    addBy(t.by_industry_section, d.coverage.by_industry_section)
    addBy(t.by_grade, d.coverage.by_grade)
  }
  t.total.ratio = t.total.eligible === 0 ? 0 : t.total.drawn / t.total.eligible
  return t
}

// The report's coverage: the server's overall sums when it gave them, else the sum of the
// draws it listed (a supervisor of part of the node).
export function coverageOf(r: StatsReport): { tables: CoverageTables; fromServer: boolean } {
  if (r.overall.coverage) return { tables: r.overall.coverage, fromServer: true }
  return { tables: sumCoverage(r.draws), fromServer: false }
}

export interface DeadlineRow {
  org_id: string
  kind: string
  label: string
  met: number
  late: number
  open: number
  overdue: number
  no_calendar: number
}

export function deadlineRows(byOrg: Record<string, DeadlinesByKind>): DeadlineRow[] {
  const rows: DeadlineRow[] = []
  for (const org of Object.keys(byOrg).sort()) {
    for (const kind of ['confirm', 'enter', 'publish']) {
      const c = byOrg[org][kind]
      if (c) rows.push({ org_id: org, kind, label: DEADLINE_KINDS[kind] ?? kind, ...c })
    }
  }
  return rows
}

export interface RedrawRow {
  task_id: string
  title: string
  commits: number
  redraws: number
  cancelled: number
  cancellations: { draw_id: string; reason: string }[]
}

// Tasks with a redraw or a cancelled draw (R8: redraws are public and counted).
export function redrawRows(tasks: readonly TaskSummary[]): RedrawRow[] {
  return tasks
    .map((t) => {
      const cancellations = t.draws
        .filter((d) => d.phase === 'cancelled')
        .map((d) => ({ draw_id: d.draw_id, reason: d.cancel_reason ?? '' }))
      return {
        task_id: t.task.task_id,
        title: t.task.title,
        commits: t.commits,
        redraws: t.redraws,
        cancelled: cancellations.length,
        cancellations,
      }
    })
    .filter((r) => r.redraws > 0 || r.cancelled > 0)
}

// The violation share of each draw with its 95% interval, in percent, for the chart.
export interface ShareBar {
  draw_id: string
  share: number
  low: number
  high: number
}
export function shareBars(draws: readonly DrawStats[]): ShareBar[] {
  return draws
    .filter((d) => d.violation_share !== null)
    .map((d) => {
      const e = d.violation_share!
      const r = (x: number) => Math.round(x * 1000) / 10
      return { draw_id: d.draw_id, share: r(e.share), low: r(e.ci95[0]), high: r(e.ci95[1]) }
    })
}

// --- the verifier ----------------------------------------------------------------------------

export const VERIFY_PHASES: Record<string, string> = {
  integrity: '第 1/4 步：日志完整性（签名、哈希链、默克尔树、检查点）',
  draws: '第 2/4 步：复算每次抽取',
  inspections: '第 3/4 步：检查结果与期限规则',
  authority: '第 4/4 步：操作人员的权限',
  done: '已完成',
}

export function progressPercent(job: VerifyJob): number {
  return Math.min(100, Math.max(0, Math.round(job.progress * 100)))
}

// Event types as the report counts them, in Chinese (an unknown one is shown as is).
export const EVENT_NAMES: Record<string, string> = {
  Genesis: '创世',
  KeyRegistered: '登记密钥',
  KeyRevoked: '吊销密钥',
  Memo: '签名声明',
  OrgUnitRegistered: '登记机构',
  TargetRegistered: '登记用人单位',
  TargetUpdated: '变更用人单位',
  TargetRetired: '注销用人单位',
  InspectorRegistered: '登记检查人员',
  InspectorUpdated: '变更检查人员',
  InspectorRetired: '注销检查人员',
  ItemListPublished: '发布检查事项清单',
  ConflictDeclared: '申报回避',
  ConflictWithdrawn: '撤回回避',
  CalendarPublished: '发布工作日历',
  PlanFiled: '报备抽查计划',
  TaskDefined: '定义抽查任务',
  TaskWithdrawn: '撤回抽查任务',
  DrawFrozen: '冻结名单',
  DrawCommitted: '承诺种子',
  DrawRevealed: '揭示种子',
  DrawResult: '抽取结果',
  DrawCancelled: '取消抽取',
  AssignmentDeclined: '检查人员回避替补',
  TargetsAnnounced: '公告抽查名单',
  ResultRecorded: '录入检查结果',
  ResultConfirmed: '检查组确认',
  ResultSubmitted: '提交审核',
  ResultReviewed: '审核',
  ResultPublished: '公示结果',
  ResultCorrected: '更正结果',
  ResultInternalNote: '内部备注',
  CaseTransferred: '移送',
  CreditReevaluated: '信用重新评价',
  UserRegistered: '登记用户',
  UserDisabled: '停用用户',
  TokenIssued: '签发令牌',
  TokenRevoked: '吊销令牌',
  CredentialSet: '设置密码',
}

// Known English findings and warnings, rendered in Chinese; anything else keeps its English
// text after a Chinese lead (the verifier's findings are English: suiji-verify).
const FINDING_PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(\d+) entries after the latest checkpoint/, (m) => `最新检查点之后还有 ${m[1]} 条记录未被检查点覆盖`],
  [/no checkpoint/i, () => '日志中没有检查点'],
  [/signature/i, () => '签名不正确'],
  [/hash chain|prev(ious)? hash/i, () => '哈希链断裂'],
  [/root/i, () => '默克尔树根不一致'],
]

export function findingZh(what: string): string {
  for (const [re, zh] of FINDING_PATTERNS) {
    const m = what.match(re)
    if (m) return `${zh(m)}（原文：${what}）`
  }
  return `发现问题（原文：${what}）`
}

export interface ReportSection {
  title: string
  ok: boolean | null // null: not run (integrity failed first)
  rows: [string, string][]
  findings: string[]
}

export interface ReportZh {
  verdict: '通过' | '未通过'
  summary: string
  sections: ReportSection[]
  events: { type: string; name: string; count: number }[]
}

// A count the report gives as a number or as a map of counts (by_operator: actor -> events).
export function total(x: unknown): number {
  if (typeof x === 'number') return x
  if (x && typeof x === 'object') return Object.values(x).reduce<number>((a, v) => a + total(v), 0)
  return 0
}

type Failure = { sequence?: number | null; what?: string; draw?: string }

function failuresZh(list: unknown[] | undefined): string[] {
  return (list ?? []).map((f) => {
    const x = f as Failure
    const where = [x.draw ? `抽取 ${x.draw}` : '', x.sequence != null ? `第 ${x.sequence} 条记录` : '']
      .filter(Boolean)
      .join('，')
    return (where ? where + '：' : '') + findingZh(x.what ?? JSON.stringify(f))
  })
}

// The report in Chinese: the verdict, one section per pass with its figures and findings.
export function reportZh(r: VerifyReport): ReportZh {
  const integrityOk = !r.problem
  const sections: ReportSection[] = [
    {
      title: '日志完整性',
      ok: integrityOk,
      rows: [
        ['账本', r.ledger],
        ['记录条数', String(r.entries)],
        ['检查点', `${r.checkpoints} 个（最新覆盖 ${r.latest_checkpoint_size} 条）`],
        ['未被检查点覆盖的记录', String(r.uncovered_entries)],
        ['默克尔树根', r.root],
        ['签名密钥', `${r.keys.length} 把（已吊销 ${r.keys.filter((k) => k.revoked_at !== null).length} 把）`],
      ],
      findings: [
        ...(r.problem
          ? [
              (r.problem.sequence != null ? `第 ${r.problem.sequence} 条记录：` : '') + findingZh(r.problem.what),
            ]
          : []),
        ...r.warnings.map((w) => '提示：' + findingZh(w).replace(/^发现问题/, '')),
      ],
    },
  ]
  const d = r.draw_audit
  sections.push({
    title: '抽取复算',
    ok: d ? d.ok : null,
    rows: d
      ? [
          ['复算的抽取', `${d.draws.length} 次（已取消 ${d.draws.filter((x) => x.phase === 'cancelled').length} 次）`],
          ['重新抽取的任务', `${d.redrawn.length} 个`],
          ['放弃的承诺', `${d.abandoned.length} 个`],
          [
            '抽中概率的卡方检验',
            d.fairness.df > 0
              ? `χ² = ${d.fairness.chi_square.toFixed(2)}，自由度 ${d.fairness.df}，p = ${d.fairness.p_value.toFixed(3)}`
              : '样本不足，未检验',
          ],
        ]
      : [],
    findings: d ? failuresZh(d.failures) : [],
  })
  const i = r.inspection_audit
  sections.push({
    title: '检查结果与期限',
    ok: i ? i.ok : null,
    rows: i
      ? [
          ['公告', String(i['announcements'] ?? 0)],
          ['更正', String(i['corrections'] ?? 0)],
          ['移送', String(i['transfers'] ?? 0)],
        ]
      : [],
    findings: i ? failuresZh(i.failures) : [],
  })
  const a = r.authority_audit
  sections.push({
    title: '操作权限',
    ok: a ? a.ok : null,
    rows: a
      ? [
          ['登记用户', String(a.users)],
          ['令牌', String(a.tokens)],
          ['用户所写记录', String(total(a.events_by_users))],
          ['运维人员所写记录', String(total(a.by_operator))],
        ]
      : [],
    findings: a ? failuresZh(a.failures as unknown[]) : [],
  })
  const events = Object.entries(r.event_counts)
    .map(([type, count]) => ({ type, name: EVENT_NAMES[type] ?? type, count }))
    .sort((x, y) => y.count - x.count || x.type.localeCompare(y.type))
  return {
    verdict: r.ok ? '通过' : '未通过',
    summary: r.ok
      ? `全部 ${r.entries} 条记录核验通过，用时 ${r.seconds.toFixed(2)} 秒`
      : `核验未通过：${r.entries} 条记录中发现问题，见下文`,
    sections,
    events,
  }
}
