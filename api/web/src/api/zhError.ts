// An API error for display in Chinese. The server's messages are Chinese first where the
// route writes one (sign-in, passwords); others are English only, so the console leads with a
// Chinese sentence chosen by status and code and keeps the server's words after it.
import { ApiError } from './client'

const HAS_CJK = /[\u4e00-\u9fff]/

const BY_CODE: Record<string, string> = {
  outside_jurisdiction: '超出您的辖区',
  separation_of_duties: '职责分离：令牌只能由本人签发',
  not_found: '未找到',
  invalid: '填写有误',
  forbidden: '无权操作',
  already_exists: '已存在',
  conflict: '与现有记录冲突',
  verification_running: '核验正在进行',
  csrf: '会话校验失败，请刷新页面后重试',
  too_many_failures: '失败次数过多，请稍后再试',
}

const BY_STATUS: Record<number, string> = {
  400: '请求有误',
  401: '未登录或会话已过期',
  403: '无权操作',
  404: '未找到',
  409: '与现有记录冲突',
  413: '内容过大',
  422: '填写有误',
  429: '请求过于频繁',
  503: '服务暂不可用',
  507: '存储空间已满',
}

// English-only messages the administrator's screens meet, as Chinese sentences.
const BY_MESSAGE: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^inspector_id (\S+): no inspector by that id in your jurisdiction/, (m) => `辖区内没有编号为 ${m[1]} 的检查人员`],
  [/^org unit (\S+) is outside your jurisdiction/, (m) => `机构 ${m[1]} 超出您的辖区`],
  [/^region (\S+) is outside your jurisdiction/, (m) => `行政区划 ${m[1]} 超出您的辖区`],
]

export function zhError(e: unknown, fallback = '操作失败'): string {
  if (!(e instanceof ApiError)) return fallback + '：无法连接服务器'
  if (HAS_CJK.test(e.message)) return e.message
  for (const [re, zh] of BY_MESSAGE) {
    const m = e.message.match(re)
    if (m) return `${zh(m)}（${e.message}）`
  }
  const lead = BY_CODE[e.body.code] ?? BY_STATUS[e.status] ?? fallback
  return `${lead}（${e.message}）`
}

// The form field an error concerns: details.field, else a field the message starts with
// ("level: one of ..."), else undefined.
export function errorField(e: unknown, fields: readonly string[]): string | undefined {
  if (!(e instanceof ApiError)) return undefined
  if (e.field && fields.includes(e.field)) return e.field
  const m = e.message.match(/^([a-z_]+)[: ]/)
  if (m && fields.includes(m[1])) return m[1]
  return undefined
}
