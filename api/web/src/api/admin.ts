// The administrator's API (org units, users, tokens, the working-day calendar). The types are
// written by hand after the server's JSON (api/http/routes_admin.cc, routes.cc,
// routes_directory.cc), one per API object, so that moving to the types generated from
// openapi.json is a rename.
import { request } from './client'
import type { RoleName } from './session'

// GET /api/v1/orgs: cli::OrgToJson (api/cli_directory.cc).
export interface OrgUnit {
  org_id: string
  name: string
  region: string
  level: 'province' | 'city' | 'county'
  parent_org_id: string
}

export interface OrgUnitInput {
  org_id: string
  name: string
  region: string
  level: 'province' | 'city' | 'county'
  parent_org_id: string
}

// A token as GET /api/v1/users lists it (never the token itself or its hash).
export interface TokenSummary {
  token_id: string
  label: string
  expires_us: number
  revoked: boolean
  sequence: number
}

// GET /api/v1/users: the users of the administrator's jurisdiction.
export interface User {
  user_id: string
  name: string
  org_id: string
  region: string
  roles: RoleName[]
  inspector_id: string
  disabled: boolean
  version: number
  signs_requests: boolean
  note: string
  tokens: TokenSummary[]
}

// POST /api/v1/users: a user or a new version of it.
export interface UserInput {
  user_id: string
  name: string
  org_id: string
  roles: RoleName[]
  inspector_id: string
  note: string
}

// POST /api/v1/users/{id}/tokens: shown once.
export interface IssuedToken {
  token_id: string
  token: string
  note: string
  sequence: number
}

// GET /api/v1/calendar/{year}.
export interface CalendarHoliday {
  date: string
  name: string
}
export interface CalendarYear {
  year: number
  source: string
  holidays: CalendarHoliday[]
  workdays: string[]
}

export interface Written {
  sequence: number
}

export async function listOrgs(): Promise<OrgUnit[]> {
  return (await request<{ orgs: OrgUnit[] }>('GET', '/api/v1/orgs')).orgs
}

export function addOrg(o: OrgUnitInput): Promise<Written> {
  return request<Written>('POST', '/api/v1/orgs', o)
}

export async function listUsers(): Promise<User[]> {
  return (await request<{ users: User[] }>('GET', '/api/v1/users')).users
}

export function addUser(u: UserInput): Promise<Written> {
  return request<Written>('POST', '/api/v1/users', u)
}

export function disableUser(userId: string, reason: string): Promise<Written> {
  return request<Written>('POST', `/api/v1/users/${encodeURIComponent(userId)}/disable`, { reason })
}

// An administrator sets or resets another user's password (no old password).
export function resetPassword(userId: string, password: string, reason: string): Promise<Written> {
  return request<Written>('POST', `/api/v1/users/${encodeURIComponent(userId)}/password`, { password, reason })
}

export function issueToken(userId: string, label: string, ttlSeconds: number): Promise<IssuedToken> {
  return request<IssuedToken>('POST', `/api/v1/users/${encodeURIComponent(userId)}/tokens`, {
    label,
    ttl_seconds: ttlSeconds,
  })
}

export function revokeToken(tokenId: string, reason: string): Promise<Written> {
  return request<Written>(
    'DELETE',
    `/api/v1/tokens/${encodeURIComponent(tokenId)}?reason=${encodeURIComponent(reason)}`,
  )
}

export function getCalendar(year: number): Promise<CalendarYear> {
  return request<CalendarYear>('GET', `/api/v1/calendar/${year}`)
}

// Publishes schedules as the table of ops/calendar/cn-workdays.tsv.
export function publishCalendar(table: string): Promise<{ published: number; years: number }> {
  return request('POST', '/api/v1/calendar', { table })
}
