// The supervisor's dashboard logic (src/views/supervision/dashboard.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'
const {
  coverageOf,
  coverageRows,
  deadlineRows,
  percent,
  progressPercent,
  redrawRows,
  reportZh,
  shareBars,
  sumCoverage,
  INDUSTRY_SECTIONS,
} = await load('views/supervision/dashboard.js')

const cov = (eligible, drawn) => ({ eligible, drawn, ratio: eligible ? drawn / eligible : 0 })
const draw = (id, tables, share = null) => ({
  draw_id: id,
  task_id: 'T',
  org_id: '320400',
  title: '',
  coverage: tables,
  outcomes: {},
  deadlines: {},
  notes: [],
  violation_share: share,
})
const d1 = draw('T-1-d1', {
  total: cov(40, 4),
  by_region: { 320402: cov(25, 3), 320411: cov(15, 1) },
  by_industry: { 1810: cov(40, 4) },
  by_industry_section: { C: cov(40, 4) },
  by_grade: { A: cov(10, 0), B: cov(30, 4) },
})
const d2 = draw(
  'T-2-d1',
  {
    total: cov(20, 2),
    by_region: { 320402: cov(20, 2) },
    by_industry: { 4720: cov(20, 2) },
    by_industry_section: { E: cov(20, 2) },
    by_grade: { '-': cov(20, 2) },
  },
  { share: 0.25, ci95: [0.0513, 0.4487], population: 20, drawn: 2, observed: 2, violations: 1, std_error: 0.1, strata: [], notes: [] },
)

test('percent and coverageRows', () => {
  assert.equal(percent(3, 25), '12.0%')
  assert.equal(percent(1, 3), '33.3%')
  assert.equal(percent(0, 0), '—')
  assert.deepEqual(coverageRows(d1.coverage.by_industry_section, INDUSTRY_SECTIONS), [
    { key: 'C', label: 'C 制造业', eligible: 40, drawn: 4, ratio: 0.1, percent: '10.0%' },
  ])
  assert.deepEqual(
    coverageRows(d1.coverage.by_region).map((r) => [r.label, r.eligible, r.drawn, r.percent]),
    [
      ['320402', 25, 3, '12.0%'],
      ['320411', 15, 1, '6.7%'],
    ],
  )
})

test('sumCoverage adds draws as the server does; coverageOf prefers the server sums', () => {
  const t = sumCoverage([d1, d2])
  assert.deepEqual(t.total, { eligible: 60, drawn: 6, ratio: 0.1 })
  assert.deepEqual(t.by_region['320402'], { eligible: 45, drawn: 5, ratio: 5 / 45 })
  assert.deepEqual(Object.keys(t.by_grade).sort(), ['-', 'A', 'B'])
  const server = { total: cov(1, 1), by_region: {}, by_industry: {}, by_industry_section: {}, by_grade: {} }
  assert.equal(coverageOf({ draws: [d1], overall: { coverage: server, deadlines_by_org: {} } }).tables, server)
  const mine = coverageOf({ draws: [d1, d2], overall: { deadlines_by_org: {} } })
  assert.equal(mine.fromServer, false)
  assert.equal(mine.tables.total.eligible, 60)
})

test('shareBars in percent with the interval; draws without an estimate left out', () => {
  assert.deepEqual(shareBars([d1, d2]), [{ draw_id: 'T-2-d1', share: 25, low: 5.1, high: 44.9 }])
})

test('deadlineRows and redrawRows', () => {
  const rows = deadlineRows({ 320400: { publish: { met: 1, late: 0, open: 3, overdue: 2, no_calendar: 0 } } })
  assert.deepEqual(rows, [
    { org_id: '320400', kind: 'publish', label: '公示检查结果（20 个工作日）', met: 1, late: 0, open: 3, overdue: 2, no_calendar: 0 },
  ])
  const tasks = [
    { task: { task_id: 'A', title: '甲' }, draws: [{ draw_id: 'A-d1', phase: 'resulted' }], commits: 1, cancelled_commits: 0, redraws: 0 },
    {
      task: { task_id: 'B', title: '乙' },
      draws: [
        { draw_id: 'B-d1', phase: 'cancelled', cancel_reason: '熵源故障' },
        { draw_id: 'B-d2', phase: 'resulted' },
      ],
      commits: 2,
      cancelled_commits: 1,
      redraws: 1,
    },
  ]
  assert.deepEqual(redrawRows(tasks), [
    { task_id: 'B', title: '乙', commits: 2, redraws: 1, cancelled: 1, cancellations: [{ draw_id: 'B-d1', reason: '熵源故障' }] },
  ])
})

test('progressPercent', () => {
  assert.equal(progressPercent({ progress: 0.374 }), 37)
  assert.equal(progressPercent({ progress: 1.2 }), 100)
})

const report = {
  ok: true,
  ledger: 'test.suiji/x',
  entries: 123,
  checkpoints: 2,
  latest_checkpoint_size: 120,
  uncovered_entries: 3,
  root: 'ab'.repeat(32),
  threads: 1,
  seconds: 0.0421,
  event_counts: { TargetRegistered: 60, Genesis: 1, SomethingNew: 2 },
  warnings: [],
  keys: [{ key_id: 'k', roles: [], label: '', registered_at: 0, revoked_at: null }],
  draw_audit: {
    ok: true,
    failures: [],
    draws: [{ phase: 'resulted' }, { phase: 'cancelled' }],
    redrawn: [{}],
    abandoned: [],
    pending: [],
    fairness: { chi_square: 3.14159, df: 4, p_value: 0.5343, cells: 5 },
    notes: [],
  },
  inspection_audit: { ok: true, failures: [], announcements: 1, corrections: 0, transfers: 0 },
  authority_audit: { ok: true, failures: [], failures_total: 0, users: 6, tokens: 0, events_by_users: 10, by_operator: { 测试运维: 110, setup: 3 } },
}

test('reportZh: the verdict, each pass in Chinese, event types named', () => {
  const z = reportZh(report)
  assert.equal(z.verdict, '通过')
  assert.equal(z.summary, '全部 123 条记录核验通过，用时 0.04 秒')
  assert.deepEqual(z.sections.map((s) => [s.title, s.ok]), [
    ['日志完整性', true],
    ['抽取复算', true],
    ['检查结果与期限', true],
    ['操作权限', true],
  ])
  assert.deepEqual(z.sections[0].rows[1], ['记录条数', '123'])
  assert.deepEqual(z.sections[1].rows[0], ['复算的抽取', '2 次（已取消 1 次）'])
  assert.deepEqual(z.sections[3].rows[3], ['运维人员所写记录', '113'])
  assert.deepEqual(z.sections[1].rows[3], ['抽中概率的卡方检验', 'χ² = 3.14，自由度 4，p = 0.534'])
  assert.deepEqual(z.events, [
    { type: 'TargetRegistered', name: '登记用人单位', count: 60 },
    { type: 'SomethingNew', name: 'SomethingNew', count: 2 },
    { type: 'Genesis', name: '创世', count: 1 },
  ])
})

test('reportZh: a failed log names the entry, in Chinese, keeping the original text', () => {
  const bad = {
    ...report,
    ok: false,
    problem: { what: 'entry 7: signature does not verify', sequence: 7, checkpoint_size: null },
    draw_audit: undefined,
    inspection_audit: undefined,
    authority_audit: undefined,
  }
  const z = reportZh(bad)
  assert.equal(z.verdict, '未通过')
  assert.equal(z.sections[0].ok, false)
  assert.deepEqual(z.sections[0].findings, ['第 7 条记录：签名不正确（原文：entry 7: signature does not verify）'])
  assert.deepEqual(z.sections.slice(1).map((s) => s.ok), [null, null, null])
})
