// Sign-in, who am I, sign-out and passwords (api/http/routes_session.cc), typed from openapi.json.
import { api, setCsrfToken } from './client'
import type { Role, Session } from './types'

export type RoleName = Role
// GET /api/v1/session and the sign-in reply.
export type SessionUser = Session

export async function signIn(userId: string, password: string): Promise<SessionUser> {
  const u = await api.post('/api/v1/session', { body: { user_id: userId, password } })
  setCsrfToken(u.csrf_token)
  return u
}

export async function currentUser(): Promise<SessionUser> {
  const u = await api.get('/api/v1/session')
  setCsrfToken(u.csrf_token)
  return u
}

export async function signOut(): Promise<void> {
  await api.del('/api/v1/session')
  setCsrfToken(null)
}

export async function setPassword(userId: string, password: string, oldPassword?: string): Promise<void> {
  await api.post('/api/v1/users/{user_id}/password', {
    path: { user_id: userId },
    body: { password, old_password: oldPassword },
  })
}
