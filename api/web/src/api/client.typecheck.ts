// Type-level checks of the typed client (client.ts over schema.d.ts), run by `vue-tsc --noEmit`
// (ops/build-console.sh): each @ts-expect-error line must be a type error, or the check fails.
// Never imported, so never bundled; the functions are never called.
import { api, type Body, type Reply } from './client'
import type { Draw, ResultEntry, Session, Target, Written } from './types'

export async function typedReplies(): Promise<void> {
  const t: Target = await api.get('/api/v1/targets/{credit_code}', { path: { credit_code: '91320402MA1XXXXXXX' } })
  const s: Session = await api.get('/api/v1/session')
  const d: Draw = await api.get('/api/v1/draws/{draw_id}', { path: { draw_id: 'T1-1' } })
  const w: Written = await api.post('/api/v1/tasks/{task_id}/freeze', { path: { task_id: 'T1' } }).then((f) => ({
    sequence: f.sequence,
  }))
  const phase: 'frozen' | 'committed' | 'revealed' | 'drawn' | 'cancelled' = d.phase
  const csrf: string | null = s.csrf_token
  void [t, w, phase, csrf]
  // @ts-expect-error a reply has only the schema's keys
  void t.colour
  // @ts-expect-error the path's parameter is required
  await api.get('/api/v1/targets/{credit_code}')
  // @ts-expect-error no such route
  await api.get('/api/v1/secret')
  // @ts-expect-error GET /api/v1/results/{draw_id}/{credit_code}/submit does not exist (it is a POST)
  await api.get('/api/v1/results/{draw_id}/{credit_code}/submit', { path: { draw_id: 'x', credit_code: 'y' } })
}

export async function typedBodies(entry: ResultEntry): Promise<void> {
  await api.post('/api/v1/results', { body: entry })
  await api.post('/api/v1/draws/{draw_id}/cancel', { path: { draw_id: 'x' }, body: { reason: '名录同步未完成' } })
  // @ts-expect-error a body key the server refuses
  await api.post('/api/v1/draws/{draw_id}/cancel', { path: { draw_id: 'x' }, body: { reason: 'x', when: 'now' } })
  // @ts-expect-error the body is required
  await api.post('/api/v1/draws/{draw_id}/cancel', { path: { draw_id: 'x' } })
  // @ts-expect-error an outcome outside the common list
  const bad: Body<'/api/v1/results', 'post'> = { ...entry, items: [{ item_id: 'I1', outcome: 'fine' }] }
  void bad
  await api.get('/api/v1/targets', { query: { grade: 'C', limit: 100 } })
  // @ts-expect-error grade D does not exist
  await api.get('/api/v1/targets', { query: { grade: 'D' } })
  const issued: Reply<'/api/v1/users/{user_id}/tokens', 'post'> = await api.post('/api/v1/users/{user_id}/tokens', {
    path: { user_id: 'me' },
    body: { label: '报表' },
  })
  void issued.token
}
