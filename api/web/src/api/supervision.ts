// The supervisor's API: statistics (R16), overdue deadlines, tasks with their redraws and
// cancellations, and the verifier run as a job. Hand-written types after the server's JSON
// (ledger/core/inspection/stats.cc ToJson, api/cli_inspection.cc DeadlineJson,
// api/cli_draw.cc TaskInfoJson, api/http/routes_admin.cc, verifier/report.cc ReportJson), one
// per API object, to be swapped for the ones generated from openapi.json.
import { request } from './client'

export interface Coverage {
  eligible: number
  drawn: number
  ratio: number
}
export type CoverageBy = Record<string, Coverage>
export interface CoverageTables {
  total: Coverage
  by_region: CoverageBy
  by_industry: CoverageBy
  by_industry_section: CoverageBy
  by_grade: CoverageBy
}

export interface OutcomeCounts {
  visits: number
  recorded: number
  published: number
  unpublished: number
  corrected: number
  with_violation: number
  observed: number
  by_state: Record<string, number>
  by_outcome: { outcome: string; label: string; items: number }[]
  by_handling: { handling: string; label: string; count: number }[]
  no_penalty: number
  fines_yuan: number
  transfers: number
  reevaluations: number
}

export interface DeadlineCounts {
  met: number
  late: number
  open: number
  overdue: number
  no_calendar: number
}
// By kind: confirm, enter, publish.
export type DeadlinesByKind = Record<string, DeadlineCounts>

export interface StratumEstimate {
  stratum: string
  population: number
  drawn: number
  observed: number
  violations: number
  has_estimate: boolean
  share: number
  std_error: number
  ci95: [number, number]
  exact_design: boolean
  std_error_known: boolean
}

export interface ShareEstimate {
  population: number
  drawn: number
  observed: number
  violations: number
  share: number
  std_error: number
  ci95: [number, number]
  strata: StratumEstimate[]
  notes: string[]
}

export interface DrawStats {
  draw_id: string
  task_id: string
  org_id: string
  title: string
  coverage: CoverageTables
  outcomes: OutcomeCounts
  deadlines: DeadlinesByKind
  notes: string[]
  violation_share: ShareEstimate | null
  violation_share_error?: string
}

// GET /api/v1/stats. `overall` has coverage and outcomes only for a user whose jurisdiction
// covers the whole node; otherwise only deadlines_by_org.
export interface StatsReport {
  today: string
  entries: number
  draws: DrawStats[]
  overall: {
    coverage?: CoverageTables
    outcomes?: OutcomeCounts
    deadlines_by_org: Record<string, DeadlinesByKind>
  }
  notes: string[]
}

// GET /api/v1/overdue.
export interface Deadline {
  kind: string
  status: string
  org_id: string
  task_id: string
  draw_id: string
  credit_code: string
  from: string
  due: string
  done: string
  working_days_late: number
  note: string
}
export interface OverdueList {
  today: string
  overdue: Deadline[]
}

// GET /api/v1/tasks (the fields the dashboard reads).
export interface TaskSummary {
  task: { task_id: string; title: string; org_id: string; plan_id: string }
  year: number
  withdrawn: boolean
  draws: { draw_id: string; phase: string; cancel_reason?: string }[]
  commits: number
  cancelled_commits: number
  redraws: number
}

// The verifier's report (suiji-verify --json; English keys and findings).
export interface VerifyReport {
  ok: boolean
  ledger: string
  entries: number
  checkpoints: number
  latest_checkpoint_size: number
  uncovered_entries: number
  root: string
  threads: number
  seconds: number
  event_counts: Record<string, number>
  warnings: string[]
  keys: { key_id: string; roles: string[]; label: string; registered_at: number; revoked_at: number | null }[]
  problem?: { what: string; sequence: number | null; checkpoint_size: number | null }
  draw_audit?: {
    ok: boolean
    failures: { draw: string; sequence: number | null; what: string }[]
    draws: { draw: string; task: string; phase: string; selected: number; recomputed: boolean; cancel_reason: string; last_minute_total: number }[]
    redrawn: { task: string; commits: number; redraws: number; cancellations: number }[]
    abandoned: unknown[]
    pending: unknown[]
    fairness: { chi_square: number; df: number; p_value: number; cells: number }
    notes: string[]
  }
  inspection_audit?: {
    ok: boolean
    failures: { sequence: number | null; what: string }[]
    [k: string]: unknown
  }
  authority_audit?: {
    ok: boolean
    failures: { sequence: number | null; what: string }[] | unknown[]
    failures_total: number
    users: number
    tokens: number
    events_by_users: number
    by_operator: Record<string, number> // events by actors who are no registered user, by actor
    [k: string]: unknown
  }
}

// POST /api/v1/verify/jobs and GET /api/v1/verify/jobs/{id}.
export interface VerifyJob {
  job_id: string
  state: 'running' | 'done'
  phase: 'integrity' | 'draws' | 'inspections' | 'authority' | 'done'
  progress: number
  entries: number
  bytes: number
  started_by: string
  started_us: number
  report?: VerifyReport
}

export function getStats(): Promise<StatsReport> {
  return request<StatsReport>('GET', '/api/v1/stats')
}

export function getOverdue(): Promise<OverdueList> {
  return request<OverdueList>('GET', '/api/v1/overdue')
}

export async function listTasks(): Promise<TaskSummary[]> {
  return (await request<{ tasks: TaskSummary[] }>('GET', '/api/v1/tasks')).tasks
}

export function startVerify(): Promise<VerifyJob> {
  return request<VerifyJob>('POST', '/api/v1/verify/jobs')
}

export function getVerifyJob(id: string): Promise<VerifyJob> {
  return request<VerifyJob>('GET', `/api/v1/verify/jobs/${encodeURIComponent(id)}`)
}
