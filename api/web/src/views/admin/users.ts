// The administrator's user screens, their rules (no Vue: unit-tested under node --test,
// tests/unit/): the user form's checks, the password checks (the server's are
// api/credentials.cc CheckNewPassword: at least 10 characters, at most 128 bytes), token states.
import type { TokenSummary, UserInput } from '../../api/admin'
import type { RoleName } from '../../api/session'

export type FieldErrors = Record<string, string>

export const ALL_ROLES: RoleName[] = [
  'registry_clerk',
  'planner',
  'inspector',
  'reviewer',
  'supervisor',
  'administrator',
]

export const MIN_PASSWORD_CHARS = 10
export const MAX_PASSWORD_BYTES = 128

export function validateUser(u: UserInput): FieldErrors {
  const e: FieldErrors = {}
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(u.user_id)) e.user_id = '用户名为 1-64 位字母、数字或 . _ @ -'
  if (!u.name.trim()) e.name = '请填写姓名'
  if (!u.org_id) e.org_id = '请选择所属机构'
  if (u.roles.length === 0) e.roles = '至少选择一个角色'
  if (u.roles.includes('inspector') && !u.inspector_id.trim()) {
    e.inspector_id = '检查人员角色须填写对应的检查人员编号（执法证号）'
  }
  if (!u.roles.includes('inspector') && u.inspector_id.trim()) {
    e.inspector_id = '只有检查人员角色才填写检查人员编号'
  }
  return e
}

// The new password and its repetition; `old` is checked only when a user changes its own.
export function validatePassword(password: string, repeat: string, old?: string): FieldErrors {
  const e: FieldErrors = {}
  if (old !== undefined && !old) e.old_password = '请输入原密码'
  const chars = [...password].length
  if (chars < MIN_PASSWORD_CHARS) e.password = `密码至少需要 ${MIN_PASSWORD_CHARS} 个字符`
  else if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    e.password = `密码不能超过 ${MAX_PASSWORD_BYTES} 字节`
  } else if (old !== undefined && password === old) e.password = '新密码不能与原密码相同'
  if (repeat !== password) e.repeat = '两次输入的密码不一致'
  return e
}

// A token's state as of `nowUs` (microseconds since the epoch).
export function tokenState(t: TokenSummary, nowUs: number): '已吊销' | '已过期' | '有效' {
  if (t.revoked) return '已吊销'
  if (t.expires_us !== 0 && t.expires_us <= nowUs) return '已过期'
  return '有效'
}

// "2026-12-08 10:00" in China time (UTC+8), or "永不过期" for 0.
export function formatExpiry(us: number): string {
  if (us === 0) return '永不过期'
  const d = new Date(us / 1000 + 8 * 3600 * 1000)
  return d.toISOString().slice(0, 16).replace('T', ' ')
}
