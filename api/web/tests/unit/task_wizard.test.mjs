// Unit tests of the task wizard's rules (src/views/planner/taskWizard.ts), run by Node's own
// test runner over the TypeScript compiled by tests/unit/run.mjs (ctest unit.console_logic).
import test from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const w = await load('views/planner/taskWizard.js')

const estimate = (over) => ({
  task_id: 'T1', plan_year: 2026, targets: 0, inspectors: 4, experts: 0,
  excluded: { out_of_scope: 0, grade_a: 0, star: 0, max_per_year: 0, repeat_item: 0, directed_filter: 0 },
  strata: [], visits: 0, grade_c_visits: 0, count: 0, ratio_bp: 0, grade_c_ratio_bp: 10000, team_size: 2,
  freeze_refusal: '', ...over,
})

test('lists split on commas of either width, 、, semicolons and spaces', () => {
  assert.deepEqual(w.splitList(' 320402, 320411、320412；320413  320481，'), ['320402', '320411', '320412', '320413', '320481'])
  assert.deepEqual(w.splitList(''), [])
})

test('percent and basis points', () => {
  assert.equal(w.percentToBp(5), 500)
  assert.equal(w.percentToBp(12.5), 1250)
  assert.equal(w.percentToBp(0.01), 1)
  assert.equal(w.bpToPercent(10000), '100%')
  assert.equal(w.bpToPercent(1250), '12.5%')
  assert.equal(w.bpToPercent(1), '0.01%')
})

test('the task file has every key, ratio or count but never both', () => {
  const f = w.newForm('320400', 'P1', 2026, '320400')
  Object.assign(f, { task_id: ' T-1 ', title: '工资支付专项', item_list_version: 1, item_ids: ['HRSS-01'],
                     regions: '320402、320411', domains: '劳动用工，工资支付', ratio_percent: 12.5, grade_c_percent: 20 })
  const t = w.toTask(f)
  assert.equal(t.task_id, 'T-1')
  assert.deepEqual(t.regions, ['320402', '320411'])
  assert.deepEqual(t.inspectors.domains, ['劳动用工', '工资支付'])
  assert.equal(t.ratio_bp, 1250)
  assert.equal(t.count, 0)
  assert.equal(t.credit.grade_c_ratio_bp, 2000)
  assert.equal(t.window_start, '2026-06-01')
  f.mode = 'count'
  f.count = 30
  const c = w.toTask(f)
  assert.equal(c.ratio_bp, 0)
  assert.equal(c.count, 30)
})

test('each step refuses what the server would, in Chinese, on its field', () => {
  const f = w.newForm('320400', 'P1', 2026, '')
  assert.deepEqual(w.validateStep(0, f, 2026), {
    task_id: '任务编号须为1至64位字母、数字或 . _ -',
    title: '请填写任务名称',
    item_ids: '至少选择一个抽查事项',
    regions: '至少填写一个行政区划代码',
  })
  Object.assign(f, { task_id: 'T1', title: 't', item_ids: ['I1'], regions: '32040' })
  assert.deepEqual(w.validateStep(0, f, 2026), { regions: '行政区划代码为6位数字' })
  f.regions = '320400'
  assert.deepEqual(w.validateStep(0, f, 2026), {})
  f.ratio_percent = 100
  assert.deepEqual(w.validateStep(1, f, 2026), { ratio_bp: '只有重点事项可以全部检查（100%）' })
  f.ratio_percent = 0
  assert.deepEqual(w.validateStep(1, f, 2026), { ratio_bp: '抽查比例须大于0且不超过100%' })
  f.ratio_percent = 2.555
  assert.deepEqual(w.validateStep(1, f, 2026), { ratio_bp: '抽查比例最多保留两位小数' })
  f.mode = 'count'
  f.count = 0
  assert.deepEqual(w.validateStep(1, f, 2026), { count: '抽查数量须为正整数' })
  f.team_size = 1
  assert.deepEqual(w.validateStep(5, f, 2026), { 'inspectors.team_size': '检查组至少2人', 'inspectors.domains': '至少填写一个执法领域' })
  Object.assign(f, { window_start: '2025-12-01', window_end: '2026-12-31' })
  assert.deepEqual(w.validateStep(6, f, 2026), { window_start: '开始日期须在计划年度 2026 年内', window_end: '年度任务须在 2026-12-30 前完成' })
  Object.assign(f, { window_start: '2026-07-01', window_end: '2026-06-30' })
  assert.deepEqual(w.validateStep(6, f, 2026), { window_end: '结束日期早于开始日期' })
})

test("a server error's field leads back to its step", () => {
  assert.equal(w.stepOfField('task_id'), 0)
  assert.equal(w.stepOfField('count'), 1)
  assert.equal(w.stepOfField('credit.grade_c_ratio_bp'), 3)
  assert.equal(w.stepOfField('inspectors.team_size'), 5)
  assert.equal(w.stepOfField('window_end'), 6)
  assert.equal(w.stepOfField(undefined), 7)
  assert.equal(w.stepOfField('nonsense'), 7)
})

test('the estimate per stratum, with grade C strata named as such', () => {
  const v = w.readEstimate(estimate({
    targets: 11, ratio_bp: 3000, visits: 5, grade_c_visits: 2,
    strata: [
      { key: '320402', population: 5, weight_total: 10, quota: 2, grade_c: false },
      { key: '320402/C', population: 2, weight_total: 4, quota: 1, grade_c: true },
      { key: '320411', population: 3, weight_total: 6, quota: 1, grade_c: false },
    ],
  }))
  assert.deepEqual(v.rows.map((r) => [r.label, r.population, r.quota, r.share]), [
    ['320402', 5, 2, '40%'], ['320402（C级）', 2, 1, '50%'], ['320411', 3, 1, '33.3%'],
  ])
  assert.equal(v.visits, 5)
  assert.deepEqual(v.warnings, [])
})

test('a count task ballooned by grade C at 100% is a warning with the numbers', () => {
  const v = w.readEstimate(estimate({
    targets: 60, count: 5, visits: 17, grade_c_visits: 12, grade_c_ratio_bp: 10000,
    strata: [
      { key: 'all', population: 48, weight_total: 96, quota: 5, grade_c: false },
      { key: 'all/C', population: 12, weight_total: 24, quota: 12, grade_c: true },
    ],
  }))
  assert.deepEqual(v.rows.map((r) => r.label), ['全部', '全部（C级）'])
  assert.deepEqual(v.warnings, [{
    level: 'warning', code: 'balloon',
    text: '计划抽查 5 家，但C级单位按 100% 另行抽取 12 家，实际将检查 17 家，是计划数量的 3.4 倍。如非本意，请降低C级单位抽查比例或改按比例抽取。',
  }])
})

test('what a freeze would refuse is an error', () => {
  assert.deepEqual(w.readEstimate(estimate({ freeze_refusal: 'no_eligible_target' })).warnings.map((x) => x.code),
                   ['no_eligible_target'])
  const short = w.readEstimate(estimate({ targets: 3, visits: 1, inspectors: 1, team_size: 2, freeze_refusal: 'too_few_inspectors' }))
  assert.deepEqual(short.warnings, [{ level: 'error', code: 'too_few_inspectors', text: '符合条件的检查人员只有 1 名，不足一个 2 人的检查组，无法抽取' }])
})
