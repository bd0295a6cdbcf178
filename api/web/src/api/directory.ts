// The employer directory (api/http/routes_directory.cc), typed from openapi.json.
import { api } from './client'
import type { Target, TargetList } from './types'

export type { Target, TargetList }

// The employers of a region (the caller's own when empty), at most `limit` (the API's cap is 1000).
export function listTargets(region: string, limit = 1000): Promise<TargetList> {
  // Without ?cursor the route answers the list (TargetList), not a page of the staff search.
  return api.get('/api/v1/targets', { query: { limit, region: region || undefined } }) as Promise<TargetList>
}

export function getTarget(code: string): Promise<Target> {
  return api.get('/api/v1/targets/{credit_code}', { path: { credit_code: code } })
}
