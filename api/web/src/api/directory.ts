import { request } from './client'

// An employer as GET /api/v1/targets returns it (api/cli_directory.cc: ToJson).
export interface Target {
  credit_code: string
  name: string
  region: string
  industry: string
  headcount: number
  credit_grade: string
  grade_date: string
  blacklisted: boolean
  star_level: number
  complaints: number
  status: string
  org_id: string
}

export interface TargetList {
  targets: Target[]
  region: string
  limit: number
}

// The employers of a region (the caller's own when empty), at most `limit` (the API's cap is 1000).
export function listTargets(region: string, limit = 1000): Promise<TargetList> {
  const q = new URLSearchParams({ limit: String(limit) })
  if (region) q.set('region', region)
  return request<TargetList>('GET', '/api/v1/targets?' + q.toString())
}

export function getTarget(code: string): Promise<Target> {
  return request<Target>('GET', '/api/v1/targets/' + encodeURIComponent(code))
}
