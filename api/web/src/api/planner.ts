// The planner's part of the node's JSON API (api/http/routes_draw.cc, routes_planner.cc):
// plans and their versions, tasks, the estimate of a task, and the draw ceremony. The types
// are hand-written, named after the API's objects (api/cli_draw.cc PlanJson, TaskToJson,
// TaskInfoJson, DrawJson; routes_planner.cc), all in this one file, so that moving to types
// generated from openapi.json is a matter of replacing them.
import { request } from './client'

// --- plans ---

export interface Plan {
  plan_id: string
  org_id: string
  year: number
  title: string
  filed_with_org_id: string
  version: number
  note: string
  sequence: number
  tasks?: number // GET /api/v1/plans: the plan's tasks
}

export interface PlanFiling {
  plan_id: string
  org_id: string
  year: number
  title: string
  filed_with_org_id: string
  note: string
}

export interface Written {
  sequence: number
}

export function listPlans(): Promise<{ plans: Plan[] }> {
  return request('GET', '/api/v1/plans')
}

export function planVersions(planId: string): Promise<{ plan_id: string; versions: Plan[] }> {
  return request('GET', `/api/v1/plans/${encodeURIComponent(planId)}/versions`)
}

// Files a plan, or its next version (same plan_id).
export function filePlan(p: PlanFiling): Promise<Written> {
  return request('POST', '/api/v1/plans', p)
}

// --- tasks: the task file (ledger/core/draw/records.h TaskRecord) ---

export type StrataBy = 'none' | 'region' | 'city' | 'industry'
export type QuotaSplit = 'proportional' | 'equal' | 'explicit'
export type StarPolicy = 'exempt' | 'reduce' | 'ignore'

export interface CreditRules {
  grade_a_exempt_years: number
  grade_c_ratio_bp: number
  grade_c_ignores_no_repeat: boolean
  base_weight: number
  blacklist_multiplier: number
  star_threshold: number
  star_policy: StarPolicy
  complaint_step: number
  complaint_cap: number
}

export interface FrequencyRules {
  max_per_year: number
  no_repeat_item_within_year: boolean
}

export interface InspectorRequirements {
  domains: string[]
  specialties: string[]
  regions: string[]
  team_size: number
  substitutes: number
  experts: number
  expert_specialties: string[]
}

export interface StratumQuota {
  key: string
  count: number
}

export interface TaskRecord {
  task_id: string
  plan_id: string
  org_id: string
  title: string
  item_list_version: number
  item_ids: string[]
  key_items: boolean
  batch_size: number
  regions: string[]
  industries: string[]
  min_headcount: number
  directed: boolean
  credit_grades: string[]
  blacklisted_only: boolean
  ratio_bp: number
  count: number
  strata_by: StrataBy
  quota_split: QuotaSplit
  quotas: StratumQuota[]
  credit: CreditRules
  frequency: FrequencyRules
  window_start: string
  window_end: string
  inspectors: InspectorRequirements
  joint_departments: string[]
}

export interface TaskInfo {
  task: TaskRecord
  sequence: number
  year: number
  withdrawn: boolean
  params_hash: string
  draws: { draw_id: string; phase: DrawPhase; cancel_reason?: string }[]
  commits: number
  cancelled_commits: number
  redraws: number
}

export function listTasks(planId?: string): Promise<{ tasks: TaskInfo[] }> {
  return request('GET', '/api/v1/tasks' + (planId ? '?plan=' + encodeURIComponent(planId) : ''))
}

export function getTask(taskId: string): Promise<TaskInfo> {
  return request('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}`)
}

export function defineTask(t: TaskRecord): Promise<Written> {
  return request('POST', '/api/v1/tasks', t)
}

// --- the estimate (POST /api/v1/tasks/estimate: writes nothing) ---

export interface EstimateStratum {
  key: string
  population: number
  weight_total: number
  quota: number
  grade_c: boolean
}

export interface TaskEstimate {
  task_id: string
  plan_year: number
  targets: number
  inspectors: number
  experts: number
  excluded: {
    out_of_scope: number
    grade_a: number
    star: number
    max_per_year: number
    repeat_item: number
    directed_filter: number
  }
  strata: EstimateStratum[]
  visits: number
  grade_c_visits: number
  count: number
  ratio_bp: number
  grade_c_ratio_bp: number
  team_size: number
  freeze_refusal: '' | 'no_eligible_target' | 'too_few_inspectors'
}

export function estimateTask(t: TaskRecord): Promise<TaskEstimate> {
  return request('POST', '/api/v1/tasks/estimate', t)
}

// --- the item list (GET /api/v1/items/{org}) ---

export interface Item {
  item_id: string
  name: string
  implementing_body: string
  legal_basis: string
  content: string
  method: string
  kind: string
  checklist: string[]
  responsible_body: string
}

export interface ItemList {
  org_id: string
  version: number
  effective_date: string
  note: string
  items: Item[]
}

export function itemListInForce(orgId: string, date: string): Promise<ItemList> {
  return request('GET', `/api/v1/items/${encodeURIComponent(orgId)}?date=${encodeURIComponent(date)}`)
}

// --- draws ---

export type DrawPhase = 'frozen' | 'committed' | 'revealed' | 'drawn' | 'cancelled'

export interface Stratum {
  key: string
  population: number
  weight_total: number
  quota: number
  selected?: number
}

export interface Freeze {
  sequence: number
  time: string
  target_count: number
  target_root: string
  inspector_count: number
  inspector_root: string
  expert_count: number
  expert_root: string
  strata: Stratum[]
}

export interface Commitment {
  sequence: number
  time: string
  commitment_hash: string
  task_id: string
  freeze_sequence: number
  target_count: number
  target_root: string
  inspector_count: number
  inspector_root: string
  expert_count: number
  expert_root: string
  params_hash: string
  algorithm: string
  secret_hash: string
  drand_chain: string
  drand_round: number
  drand_round_time: number
  drand_url?: string
  lottery_name: string
  lottery_issue: string
  lottery_time: number
  witnesses: string[]
  note: string
}

export interface Reveal {
  sequence: number
  time: string
  secret: string
  drand_randomness: string
  drand_signature: string
  lottery_digits: string
  witness_digits: string[]
  seed: string
}

export interface Visit {
  order: number
  batch: number
  credit_code: string
  name: string
  stratum: string
  weight: number
  rank_key: number
  team: string[]
  experts: string[]
  substitutes: string[]
  merged_into: string
}

export interface DrawResult {
  parts: number
  selected_total: number
  strata: Stratum[]
  visits: Visit[]
}

export interface Decline {
  credit_code: string
  inspector_id: string
  reason: string
  replacement_id: string
}

export interface Draw {
  draw_id: string
  task_id: string
  phase: DrawPhase
  freeze: Freeze
  commitment: Commitment | null
  reveal: Reveal | null
  result: DrawResult | null
  cancellation: { sequence: number; reason: string; phase_before: DrawPhase } | null
  declines: Decline[]
  redraws?: number
  task_draws?: { draw_id: string; phase: DrawPhase; cancel_reason?: string }[]
}

export function getDraw(drawId: string): Promise<Draw> {
  return request('GET', `/api/v1/draws/${encodeURIComponent(drawId)}`)
}

export function freezeTask(taskId: string): Promise<Written & { draw_id: string }> {
  return request('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/freeze`, {})
}

export interface EntropyPlan {
  drand: boolean
  drand_delay_seconds?: number
  lottery_name?: string
  lottery_issue?: string
  lottery_time?: number
  witnesses: string[]
  note?: string
}

export function commitDraw(drawId: string, e: EntropyPlan): Promise<Written> {
  return request('POST', `/api/v1/draws/${encodeURIComponent(drawId)}/commit`, e)
}

export interface RevealInputs {
  witness_digits: string[]
  lottery_digits?: string
  drand_randomness?: string
  drand_signature?: string
}

export function revealDraw(drawId: string, r: RevealInputs): Promise<Written> {
  return request('POST', `/api/v1/draws/${encodeURIComponent(drawId)}/reveal`, r)
}

export function cancelDraw(drawId: string, reason: string): Promise<Written> {
  return request('POST', `/api/v1/draws/${encodeURIComponent(drawId)}/cancel`, { reason })
}

export function declineDraw(
  drawId: string,
  d: { credit_code: string; inspector_id: string; reason: string },
): Promise<Written & { replacement?: string }> {
  return request('POST', `/api/v1/draws/${encodeURIComponent(drawId)}/decline`, d)
}

export interface Announcement {
  confirmed_by: string[]
  publish_targets: boolean
  withheld_reason?: string
  note?: string
}

export function announceDraw(drawId: string, a: Announcement): Promise<Written> {
  return request('POST', `/api/v1/draws/${encodeURIComponent(drawId)}/announce`, a)
}

// --- inspectors' names for the result (GET /api/v1/inspectors) ---

export interface InspectorName {
  inspector_id: string
  name: string
  auxiliary: boolean
}

export function listInspectors(orgId: string): Promise<{ inspectors: InspectorName[] }> {
  return request('GET', `/api/v1/inspectors?org=${encodeURIComponent(orgId)}&limit=1000`)
}
