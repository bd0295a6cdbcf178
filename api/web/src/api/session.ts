import { request, setCsrfToken } from './client'

export type RoleName =
  | 'registry_clerk'
  | 'planner'
  | 'inspector'
  | 'reviewer'
  | 'supervisor'
  | 'administrator'

// GET /api/v1/session and the sign-in reply.
export interface SessionUser {
  user_id: string
  name: string
  org_id: string
  region: string
  roles: RoleName[]
  inspector_id: string
  csrf_token: string | null
  expires_us: number | null
}

export async function signIn(userId: string, password: string): Promise<SessionUser> {
  const u = await request<SessionUser>('POST', '/api/v1/session', { user_id: userId, password })
  setCsrfToken(u.csrf_token)
  return u
}

export async function currentUser(): Promise<SessionUser> {
  const u = await request<SessionUser>('GET', '/api/v1/session')
  setCsrfToken(u.csrf_token)
  return u
}

export async function signOut(): Promise<void> {
  await request<{ signed_out: boolean }>('DELETE', '/api/v1/session')
  setCsrfToken(null)
}

export async function setPassword(userId: string, password: string, oldPassword?: string): Promise<void> {
  await request('POST', `/api/v1/users/${encodeURIComponent(userId)}/password`, {
    password,
    old_password: oldPassword,
  })
}
