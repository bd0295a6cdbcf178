// The employer directory search: the node's GET /api/v1/targets gives a region's employers
// (the caller's jurisdiction; at most 1000); the name and credit-code filters and the paging
// run here over that list. (A server-side name index and cursor paging for the staff API are
// the next step: api/web/README.md.)
import type { Target } from '../../api/directory'

export interface TargetFilter {
  name: string
  code: string
}

export function filterTargets(targets: readonly Target[], f: TargetFilter): Target[] {
  const name = f.name.trim()
  const code = f.code.trim().toUpperCase()
  return targets.filter((t) => (!name || t.name.includes(name)) && (!code || t.credit_code.includes(code)))
}

export function pageOf<T>(rows: readonly T[], page: number, size: number): T[] {
  return rows.slice((page - 1) * size, page * size)
}

export const STATUS_NAMES: Record<string, string> = {
  active: '在册',
  deregistered: '已注销',
  moved: '已迁出',
}
