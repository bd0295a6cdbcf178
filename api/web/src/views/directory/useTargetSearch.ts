// The directory searches' logic (employers and inspectors), apart from the pages so that it
// can be tested without a browser (tests/unit): the search forms checked as the user types
// (each message next to its field), the query sent to the server, and the cursor pager (the
// server pages: GET /api/v1/targets?cursor=..., each page's next_cursor leads to the next;
// going back re-asks for a page from the cursor it was first asked with).
import type { InspectorSearchQuery, TargetSearchQuery } from '../../api/registry'

export const PAGE_SIZES = [10, 20, 50, 100]

export const STATUS_NAMES: Record<string, string> = {
  active: '在册',
  deregistered: '已注销',
  moved: '已迁出',
}

export const INSPECTOR_STATUS_NAMES: Record<string, string> = {
  active: '在岗',
  suspended: '暂停',
  retired: '已退出',
}

export const GRADE_NAMES: Record<string, string> = {
  A: 'A级',
  B: 'B级',
  C: 'C级',
  '-': '未评级',
}

export interface TargetForm {
  name: string
  code: string
  region: string
  industry: string
  grade: string
  status: string
}

export interface InspectorForm {
  name: string
  id: string
  region: string
  domain: string
  status: string
}

export type FieldErrors = Partial<Record<string, string>>

function checkRegion(region: string, errors: FieldErrors) {
  if (region && !/^\d{6}$/.test(region)) errors.region = '行政区划代码为 6 位数字（如 320402）'
}

function checkName(name: string, errors: FieldErrors) {
  if ([...name].length > 50) errors.name = '名称不超过 50 个字'
}

// The employer search form: its field errors (empty when it may be sent) and the query.
export function targetQuery(f: TargetForm, limit: number): { errors: FieldErrors; query: TargetSearchQuery } {
  const errors: FieldErrors = {}
  const name = f.name.trim()
  const code = f.code.trim().toUpperCase()
  const region = f.region.trim()
  const industry = f.industry.trim()
  checkName(name, errors)
  if (code && !/^[0-9A-Z]{1,18}$/.test(code)) {
    errors.credit_code = '统一社会信用代码由数字和大写字母组成，不超过 18 位（可只填开头部分）'
  }
  checkRegion(region, errors)
  if (industry && !/^\d{1,4}$/.test(industry)) errors.industry = '行业代码为 1 至 4 位数字（GB/T 4754，可只填开头部分）'
  return {
    errors,
    query: { name, credit_code: code, region, industry, grade: f.grade, status: f.status, limit },
  }
}

export function inspectorQuery(f: InspectorForm, limit: number): { errors: FieldErrors; query: InspectorSearchQuery } {
  const errors: FieldErrors = {}
  const name = f.name.trim()
  const id = f.id.trim()
  const region = f.region.trim()
  checkName(name, errors)
  checkRegion(region, errors)
  if (id.length > 40) errors.inspector_id = '执法证号不超过 40 个字符'
  return { errors, query: { name, inspector_id: id, region, domain: f.domain.trim(), status: f.status, limit } }
}

// The cursor pager: page n (1-based) is asked for with cursors[n - 1] ("" for the first).
export class CursorPager {
  private cursors: string[] = ['']
  page = 1
  hasNext = false

  reset(): string {
    this.cursors = ['']
    this.page = 1
    this.hasNext = false
    return ''
  }
  // The cursor to ask the current page with.
  get cursor(): string {
    return this.cursors[this.page - 1]
  }
  get hasPrev(): boolean {
    return this.page > 1
  }
  // After a page came back: its next_cursor.
  loaded(nextCursor: string): void {
    this.cursors.length = this.page
    if (nextCursor) this.cursors.push(nextCursor)
    this.hasNext = nextCursor !== ''
  }
  next(): string {
    if (!this.hasNext) throw new Error('没有下一页')
    this.page += 1
    return this.cursor
  }
  prev(): string {
    if (!this.hasPrev) throw new Error('已是第一页')
    this.page -= 1
    return this.cursor
  }
}

// The line under a page: how many rows, and why a page can be short.
export function pageSummary(page: number, rows: number, hasNext: boolean, bounded: boolean, examined: number): string {
  const base = `第 ${page} 页，本页 ${rows} 条`
  if (bounded) return `${base}；本次已查看 ${examined} 条记录仍未查完（服务器每次最多查看 ${examined} 条），请点“下一页”继续查找`
  return hasNext ? `${base}，后面还有` : `${base}，已到最后一页`
}
