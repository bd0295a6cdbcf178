// The registry clerk's API (api/http/routes_clerk.cc, routes_directory.cc): the staff searches
// of employers and inspectors paged on the server, records and their histories, conflicts of
// interest, retirement, imports (a dry run that returns the file as read beside its problems,
// then the real import) and the import templates. Hand-written types, named after the API's
// objects, until the console's types are generated from openapi.json.
import { ApiError, getCsrfToken, request, type ApiErrorBody } from './client'
import type { Target } from './directory'

// A page of GET /api/v1/targets?cursor=... (the staff search).
export interface TargetPage {
  targets: Target[]
  region: string
  limit: number
  next_cursor: string // empty on the last page
  bounded: boolean // the page stopped at the server's bound on rows looked at
  examined: number
}

export interface TargetSearchQuery {
  name?: string
  credit_code?: string
  region?: string
  industry?: string
  grade?: string
  status?: string
  limit?: number
  cursor?: string
}

// GET /api/v1/inspectors/{id} (and the rows of a search, without conflicts).
export interface Inspector {
  inspector_id: string
  name: string
  domains: string[]
  specialties: string[]
  org_id: string
  region: string
  status: string // active, suspended, retired
  auxiliary: boolean
  conflicts?: string[] // credit codes it must not inspect (回避)
}

export interface InspectorPage {
  inspectors: Inspector[]
  region: string
  limit: number
  next_cursor: string
  bounded: boolean
  examined: number
}

export interface InspectorSearchQuery {
  name?: string
  inspector_id?: string
  org?: string
  region?: string
  domain?: string
  status?: string
  limit?: number
  cursor?: string
}

// One event of GET /api/v1/history/{kind}/{id}: the payload is the event's as the schema
// names its fields (schemas/directory.fbs); an update carries only the changed fields.
export interface HistoryEvent {
  sequence: number
  type: string
  time_us: number
  actor: { org_unit: string; user: string }
  payload: Record<string, unknown> | null
}

export interface RecordHistory {
  kind: string
  id: string
  events: HistoryEvent[]
}

export type ImportKind = 'targets' | 'inspectors' | 'items'

// One bad cell of an import (row as Excel numbers it, the file's own column header).
export interface RowProblem {
  row: number
  column: string
  value: string
  reason: string
}

// The file as the server read it (a dry run only): at most 2,000 rows.
export interface ImportPreview {
  header: string[]
  rows: { row: number; cells: string[] }[]
  total_rows: number
}

// POST /api/v1/imports/{kind}: the reply (201 written, 200 nothing to write or a dry run) or,
// with bad rows and nothing written, the details of the 422.
export interface ImportReport {
  rows: number
  added: number
  changed: number
  unchanged: number
  retired: number
  bad_rows: number
  events: number
  written: boolean
  first_sequence: number
  problems: RowProblem[]
  preview?: ImportPreview
}

function query(q: object): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue
    if (k !== 'cursor' && v === '') continue
    p.set(k, String(v))
  }
  if (!p.has('cursor')) p.set('cursor', '')
  return p.toString()
}

export function searchTargets(q: TargetSearchQuery): Promise<TargetPage> {
  return request<TargetPage>('GET', '/api/v1/targets?' + query(q))
}

export function searchInspectors(q: InspectorSearchQuery): Promise<InspectorPage> {
  return request<InspectorPage>('GET', '/api/v1/inspectors?' + query(q))
}

export function getInspector(id: string): Promise<Inspector> {
  return request<Inspector>('GET', '/api/v1/inspectors/' + encodeURIComponent(id))
}

export function getHistory(kind: 'target' | 'inspector', id: string): Promise<RecordHistory> {
  return request<RecordHistory>('GET', `/api/v1/history/${kind}/${encodeURIComponent(id)}`)
}

export function retireTarget(code: string, reason: string, moved: boolean): Promise<{ sequence: number }> {
  return request('POST', `/api/v1/targets/${encodeURIComponent(code)}/retire`, { reason, moved })
}

export function retireInspector(id: string, reason: string): Promise<{ sequence: number }> {
  return request('POST', `/api/v1/inspectors/${encodeURIComponent(id)}/retire`, { reason })
}

export function declareConflict(inspectorId: string, creditCode: string, reason: string): Promise<{ sequence: number }> {
  return request('POST', '/api/v1/conflicts', { inspector_id: inspectorId, credit_code: creditCode, reason })
}

export function withdrawConflict(inspectorId: string, creditCode: string, reason: string): Promise<{ sequence: number }> {
  const q = new URLSearchParams({ reason })
  return request(
    'DELETE',
    `/api/v1/conflicts/${encodeURIComponent(inspectorId)}/${encodeURIComponent(creditCode)}?${q.toString()}`,
  )
}

// The CSV template of a kind (UTF-8 with a BOM, the Chinese headers the importer reads).
export function templateUrl(kind: ImportKind): string {
  return '/api/v1/import-templates/' + kind
}

export interface ImportOptions {
  dryRun: boolean
  effective?: string // items: the date the new list version takes effect
  onUploadProgress?: (percent: number) => void
  onUploaded?: () => void // the file is sent; the server reads, checks (and writes) it
}

// Sends the file as the body (CSV or XLSX). A 422 with bad rows resolves with its report
// (the preview shows the problems); every other error rejects with ApiError.
export function importFile(kind: ImportKind, file: Blob, opts: ImportOptions): Promise<ImportReport> {
  const q = new URLSearchParams()
  if (opts.dryRun) q.set('dry_run', '1')
  if (opts.effective) q.set('effective', opts.effective)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1/imports/${kind}?${q.toString()}`)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    const csrf = getCsrfToken()
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && opts.onUploadProgress) opts.onUploadProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.upload.onload = () => opts.onUploaded?.()
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', message: '网络错误：文件未能发送到服务器' }))
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as ImportReport)
      const b = (body ?? {}) as Partial<ApiErrorBody>
      if (xhr.status === 422 && b.code === 'bad_rows' && b.details) return resolve(b.details as unknown as ImportReport)
      reject(
        new ApiError(xhr.status, {
          code: b.code ?? 'http_' + xhr.status,
          message: b.message ?? `服务器返回 ${xhr.status}`,
          details: b.details,
        }),
      )
    }
    xhr.send(file)
  })
}
