// Inspections, results and their review (api/http/routes_visits.cc, routes_results.cc).
// Hand-written types, named after the API's objects (api/cli_inspection.cc ResultInfoJson,
// api/record_readers.cc ResultToJson); to be replaced by the ones generated from openapi.json.
import { request } from './client'

// --- the objects ---------------------------------------------------------------------------

export type OutcomeKey =
  | 'no_problem'
  | 'corrected'
  | 'pending_handling'
  | 'uncooperative'
  | 'unreachable'
  | 'closed'
  | 'no_activity'
  | 'other'

export type HandlingKey =
  | 'order_correction'
  | 'case_filed'
  | 'fine'
  | 'transfer_department'
  | 'transfer_police'
  | 'no_penalty'

export type ResultStateName = 'entered' | 'awaiting_review' | 'returned' | 'approved' | 'published'

// An item of the task's item list, with its checklist points (GET /api/v1/visits).
export interface VisitItem {
  item_id: string
  name: string
  legal_basis: string
  content: string
  checklist: string[]
}

export interface VisitDeadline {
  kind: 'confirm' | 'enter' | 'publish'
  status: 'met' | 'late' | 'open' | 'overdue' | 'no_calendar'
  from: string
  due: string
  done: string
}

// One visit of the caller's (GET /api/v1/visits?mine=1).
export interface Visit {
  draw_id: string
  task_id: string
  task_title: string
  org_id: string
  credit_code: string
  employer_name: string
  region: string
  role: 'team' | 'expert'
  team: string[]
  experts: string[]
  window_start: string
  window_end: string
  announced: boolean
  items: VisitItem[]
  result: {
    state: ResultStateName
    revision: number
    result_sha256: string
    unconfirmed: string[]
  } | null
  deadlines: VisitDeadline[]
}

export interface VisitList {
  inspector_id: string
  today: string
  visits: Visit[]
}

export interface Finding {
  point: string
  compliant: boolean
  text: string
}

export interface Violation {
  description: string
  legal_basis: string
  handling: HandlingKey[]
  no_penalty_list: boolean
  fine_yuan: number
}

export interface ItemResult {
  item_id: string
  outcome: OutcomeKey
  outcome_label?: string
  outcome_text: string
  findings: Finding[]
  violations: Violation[]
}

export interface Evidence {
  sha256: string
  size: number
  kind: string
  name: string
}

// The body of POST /api/v1/results (a result file), and a revision's record as read back.
export interface ResultRecord {
  draw_id: string
  credit_code: string
  inspection_date: string
  items: ItemResult[]
  evidence: Evidence[]
  team: string[]
  revision?: number
}

export interface Confirmation {
  inspector_id: string
  by: string
  date: string
  sequence: number
}

export interface ResultRevision extends ResultRecord {
  revision: number
  sequence: number
  entered_date: string
  entered_by: string
  sha256: string
  confirmations: Confirmation[]
}

export interface Review {
  revision: number
  approved: boolean
  reason: string
  by: string
  date: string
}

export interface Correction {
  correction: number
  reason: string
  date: string
  result: ResultRecord
}

export interface Transfer {
  kind: 'department' | 'police'
  to: string
  date: string
  reason: string
}

export interface Regrade {
  grade: string
  grade_date: string
  reason: string
}

// GET /api/v1/results/{draw_id}/{credit_code}.
export interface ResultInfo {
  draw_id: string
  credit_code: string
  employer_name: string // the directory's name (the HTTP route adds it; `result show` has none)
  state: ResultStateName
  published_revision: number
  published_date: string
  revisions: ResultRevision[]
  unconfirmed: string[]
  reviews: Review[]
  corrections: Correction[]
  transfers: Transfer[]
  credit_reevaluations: Regrade[]
  internal_notes: number
}

// A row of GET /api/v1/results.
export interface ResultRow {
  draw_id: string
  credit_code: string
  employer_name: string
  state: ResultStateName
  revision: number
  corrections: number
}

export interface Written {
  sequence: number
}

export interface Recorded extends Written {
  revision: number
  result_sha256: string
}

// --- the calls -----------------------------------------------------------------------------

const visit = (drawId: string, code: string) =>
  `/api/v1/results/${encodeURIComponent(drawId)}/${encodeURIComponent(code)}`

export function listMyVisits(): Promise<VisitList> {
  return request<VisitList>('GET', '/api/v1/visits?mine=1')
}

export function getResult(drawId: string, code: string): Promise<ResultInfo> {
  return request<ResultInfo>('GET', visit(drawId, code))
}

export function listResults(state?: ResultStateName): Promise<{ results: ResultRow[] }> {
  return request('GET', '/api/v1/results' + (state ? '?state=' + state : ''))
}

export function recordResult(r: ResultRecord): Promise<Recorded> {
  return request<Recorded>('POST', '/api/v1/results', r)
}

export function confirmResult(drawId: string, code: string, revision: number, sha256: string): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/confirm', { revision, result_sha256: sha256 })
}

export function submitResult(drawId: string, code: string): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/submit', {})
}

export function reviewResult(drawId: string, code: string, approve: boolean, reason: string): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/review', { approve, reason })
}

export function publishResult(drawId: string, code: string): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/publish', {})
}

export function correctResult(drawId: string, code: string, reason: string, result: ResultRecord): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/correct', { reason, result })
}

export function transferResult(
  drawId: string,
  code: string,
  t: { kind: 'department' | 'police'; to: string; date: string; reason: string },
): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/transfer', t)
}

export function regradeResult(
  drawId: string,
  code: string,
  g: { grade: string; date: string; reason: string },
): Promise<Written> {
  return request<Written>('POST', visit(drawId, code) + '/regrade', g)
}

// The printable inspection sheet (HTML, A4), opened in a new tab with the session cookie.
export function sheetUrl(drawId: string, code: string): string {
  return visit(drawId, code) + '/sheet'
}
