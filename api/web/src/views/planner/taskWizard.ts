// The task wizard's rules, kept free of Vue and the network so the unit tests
// (api/web/tests/unit/) run them as they are: the wizard's form and the task file it makes,
// the checks of each step before the server is asked, and how the server's estimate
// (POST /api/v1/tasks/estimate) is read out: per stratum, and the warnings (a count task
// that balloons because grade C is drawn at a higher ratio, too few inspectors, nothing
// eligible).
import type { StrataBy, TaskEstimate, TaskRecord } from '../../api/planner'
// .js: the unit tests run the compiled file under Node, which needs the extension.
import { stratumLabel } from './ceremony.js'

// The wizard's steps, in order; each names the task fields it sets (for errors from the
// server, which name a field: the wizard goes back to that step).
export const STEPS: { title: string; fields: string[] }[] = [
  { title: '范围与事项', fields: ['task_id', 'plan_id', 'org_id', 'title', 'item_list_version', 'item_ids', 'key_items', 'regions', 'industries', 'min_headcount', 'directed', 'credit_grades', 'blacklisted_only'] },
  { title: '比例或数量', fields: ['ratio_bp', 'count', 'quota_split', 'quotas'] },
  { title: '分层', fields: ['strata_by'] },
  { title: '信用规则', fields: ['credit'] },
  { title: '频次规则', fields: ['frequency'] },
  { title: '检查组要求', fields: ['inspectors'] },
  { title: '检查时间与批次', fields: ['window_start', 'window_end', 'batch_size', 'joint_departments'] },
  { title: '预估与确认', fields: [] },
]

// The step a task field belongs to ("credit.grade_c_ratio_bp" -> the credit step); the last
// step when unknown.
export function stepOfField(field: string | undefined): number {
  if (!field) return STEPS.length - 1
  const head = field.split(/[.[]/)[0]
  const i = STEPS.findIndex((s) => s.fields.includes(head))
  return i < 0 ? STEPS.length - 1 : i
}

export interface WizardForm {
  task_id: string
  plan_id: string
  org_id: string
  title: string
  item_list_version: number
  item_ids: string[]
  key_items: boolean
  regions: string // comma- or 、-separated codes
  industries: string
  min_headcount: number
  mode: 'ratio' | 'count'
  ratio_percent: number // 0.01 .. 100
  count: number
  quota_split: 'proportional' | 'equal'
  strata_by: StrataBy
  grade_a_exempt_years: number
  grade_c_percent: number
  grade_c_ignores_no_repeat: boolean
  star_policy: 'exempt' | 'reduce' | 'ignore'
  max_per_year: number
  no_repeat_item_within_year: boolean
  domains: string
  specialties: string
  team_size: number
  substitutes: number
  experts: number
  window_start: string
  window_end: string
  batch_size: number
}

export function newForm(orgId: string, planId: string, year: number, region: string): WizardForm {
  return {
    task_id: '',
    plan_id: planId,
    org_id: orgId,
    title: '',
    item_list_version: 0,
    item_ids: [],
    key_items: false,
    regions: region,
    industries: '',
    min_headcount: 8,
    mode: 'ratio',
    ratio_percent: 5,
    count: 0,
    quota_split: 'proportional',
    strata_by: 'region',
    grade_a_exempt_years: 2,
    grade_c_percent: 100,
    grade_c_ignores_no_repeat: true,
    star_policy: 'reduce',
    max_per_year: 2,
    no_repeat_item_within_year: true,
    domains: '',
    specialties: '',
    team_size: 2,
    substitutes: 2,
    experts: 0,
    window_start: `${year}-06-01`,
    window_end: `${year}-11-30`,
    batch_size: 0,
  }
}

// "320402, 320411、320412" -> ["320402", "320411", "320412"]: commas (either width), 、,
// semicolons and spaces separate.
export function splitList(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

// Percent (two decimals at most) to basis points: 5 -> 500, 12.5 -> 1250.
export function percentToBp(p: number): number {
  return Math.round(p * 100)
}

export function bpToPercent(bp: number): string {
  return (bp / 100).toFixed(bp % 100 === 0 ? 0 : 2).replace(/(\.\d)0$/, '$1') + '%'
}

// The task file the API takes (every key set: nothing is left to a default the planner did
// not see).
export function toTask(f: WizardForm): TaskRecord {
  return {
    task_id: f.task_id.trim(),
    plan_id: f.plan_id,
    org_id: f.org_id,
    title: f.title.trim(),
    item_list_version: f.item_list_version,
    item_ids: [...f.item_ids],
    key_items: f.key_items,
    batch_size: f.batch_size,
    regions: splitList(f.regions),
    industries: splitList(f.industries),
    min_headcount: f.min_headcount,
    directed: false,
    credit_grades: [],
    blacklisted_only: false,
    ratio_bp: f.mode === 'ratio' ? percentToBp(f.ratio_percent) : 0,
    count: f.mode === 'count' ? f.count : 0,
    strata_by: f.strata_by,
    quota_split: f.quota_split,
    quotas: [],
    credit: {
      grade_a_exempt_years: f.grade_a_exempt_years,
      grade_c_ratio_bp: percentToBp(f.grade_c_percent),
      grade_c_ignores_no_repeat: f.grade_c_ignores_no_repeat,
      base_weight: 2,
      blacklist_multiplier: 3,
      star_threshold: 4,
      star_policy: f.star_policy,
      complaint_step: 1,
      complaint_cap: 4,
    },
    frequency: { max_per_year: f.max_per_year, no_repeat_item_within_year: f.no_repeat_item_within_year },
    window_start: f.window_start,
    window_end: f.window_end,
    inspectors: {
      domains: splitList(f.domains),
      specialties: splitList(f.specialties),
      regions: [],
      team_size: f.team_size,
      substitutes: f.substitutes,
      experts: f.experts,
      expert_specialties: [],
    },
    joint_departments: [],
  }
}

// Field -> Chinese message; empty when the step may be left.
export type FieldErrors = Record<string, string>

const ID = /^[A-Za-z0-9._-]{1,64}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

// The checks of one step that need no server (the server checks everything again, and the
// estimate runs every rule a definition runs).
export function validateStep(step: number, f: WizardForm, planYear: number): FieldErrors {
  const e: FieldErrors = {}
  switch (step) {
    case 0:
      if (!ID.test(f.task_id.trim())) e.task_id = '任务编号须为1至64位字母、数字或 . _ -'
      if (!f.title.trim()) e.title = '请填写任务名称'
      if (f.item_ids.length === 0) e.item_ids = '至少选择一个抽查事项'
      if (splitList(f.regions).length === 0) e.regions = '至少填写一个行政区划代码'
      else if (splitList(f.regions).some((r) => !/^\d{6}$/.test(r))) e.regions = '行政区划代码为6位数字'
      if (splitList(f.industries).some((i) => !/^[A-T](\d{0,4})$|^\d{2,4}$/.test(i))) {
        e.industries = '行业代码为门类字母或2至4位数字'
      }
      if (!(f.min_headcount >= 0)) e.min_headcount = '职工人数下限不能为负'
      break
    case 1:
      if (f.mode === 'ratio') {
        if (!(f.ratio_percent > 0 && f.ratio_percent <= 100)) e.ratio_bp = '抽查比例须大于0且不超过100%'
        else if (f.ratio_percent === 100 && !f.key_items) e.ratio_bp = '只有重点事项可以全部检查（100%）'
        else if (Math.abs(f.ratio_percent * 100 - Math.round(f.ratio_percent * 100)) > 1e-9) {
          e.ratio_bp = '抽查比例最多保留两位小数'
        }
      } else if (!(Number.isInteger(f.count) && f.count >= 1)) {
        e.count = '抽查数量须为正整数'
      }
      break
    case 3:
      if (!(f.grade_c_percent > 0 && f.grade_c_percent <= 100)) e['credit.grade_c_ratio_bp'] = 'C级单位抽查比例须大于0且不超过100%'
      if (!(f.grade_a_exempt_years >= 0 && f.grade_a_exempt_years <= 10)) e['credit.grade_a_exempt_years'] = 'A级免查年限为0至10年'
      break
    case 4:
      if (!(Number.isInteger(f.max_per_year) && f.max_per_year >= 1)) e['frequency.max_per_year'] = '每年最多检查次数至少为1'
      break
    case 5:
      if (!(Number.isInteger(f.team_size) && f.team_size >= 2)) e['inspectors.team_size'] = '检查组至少2人'
      if (!(Number.isInteger(f.substitutes) && f.substitutes >= 0)) e['inspectors.substitutes'] = '替补人数不能为负'
      if (splitList(f.domains).length === 0) e['inspectors.domains'] = '至少填写一个执法领域'
      break
    case 6:
      if (!DATE.test(f.window_start)) e.window_start = '请选择开始日期'
      else if (!f.window_start.startsWith(String(planYear))) e.window_start = `开始日期须在计划年度 ${planYear} 年内`
      if (!DATE.test(f.window_end)) e.window_end = '请选择结束日期'
      else if (f.window_end < f.window_start) e.window_end = '结束日期早于开始日期'
      else if (f.window_end > `${planYear}-12-30`) e.window_end = `年度任务须在 ${planYear}-12-30 前完成`
      if (!(Number.isInteger(f.batch_size) && f.batch_size >= 0)) e.batch_size = '批次大小不能为负'
      break
  }
  return e
}

// --- the estimate, read out ---

export interface EstimateRow {
  key: string
  label: string // "320402", "320402（C级）", "全部"
  population: number
  quota: number
  share: string // quota / population as a percent, e.g. "20%"
  grade_c: boolean
}

export interface Warning {
  level: 'error' | 'warning'
  code: 'balloon' | 'no_eligible_target' | 'too_few_inspectors' | 'nothing_drawn'
  text: string
}

export interface EstimateView {
  rows: EstimateRow[]
  visits: number
  warnings: Warning[]
}

function share(quota: number, population: number): string {
  if (population === 0) return '0%'
  const p = (quota * 100) / population
  return (Number.isInteger(p) ? String(p) : p.toFixed(1)) + '%'
}

export function readEstimate(est: TaskEstimate): EstimateView {
  const rows = est.strata.map((s) => ({
    key: s.key,
    label: stratumLabel(s.key),
    population: s.population,
    quota: s.quota,
    share: share(s.quota, s.population),
    grade_c: s.grade_c,
  }))
  const warnings: Warning[] = []
  if (est.freeze_refusal === 'no_eligible_target') {
    warnings.push({ level: 'error', code: 'no_eligible_target', text: '按当前条件没有符合抽查条件的用人单位，任务无法抽取' })
  } else if (est.visits === 0) {
    warnings.push({ level: 'error', code: 'nothing_drawn', text: '按当前条件不会抽中任何用人单位' })
  }
  if (est.freeze_refusal === 'too_few_inspectors') {
    warnings.push({
      level: 'error',
      code: 'too_few_inspectors',
      text: `符合条件的检查人员只有 ${est.inspectors} 名，不足一个 ${est.team_size} 人的检查组，无法抽取`,
    })
  }
  // A count task: grade C strata are drawn at their own ratio on top of the count.
  if (est.count > 0 && est.visits > est.count && est.grade_c_visits > 0) {
    const times = est.visits / est.count
    warnings.push({
      level: 'warning',
      code: 'balloon',
      text:
        `计划抽查 ${est.count} 家，但C级单位按 ${bpToPercent(est.grade_c_ratio_bp)} 另行抽取 ${est.grade_c_visits} 家，` +
        `实际将检查 ${est.visits} 家，是计划数量的 ${Number.isInteger(times) ? times : times.toFixed(1)} 倍。` +
        `如非本意，请降低C级单位抽查比例或改按比例抽取。`,
    })
  }
  return { rows, visits: est.visits, warnings }
}
