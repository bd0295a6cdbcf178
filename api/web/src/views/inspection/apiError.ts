// An error of a call as the result screens show it: the API's refusal in Chinese with the
// field it concerns (errorText.ts), or a network failure.
import { ApiError } from '../../api/client'
import { zhError, type ZhError } from './errorText'

export function shownError(e: unknown): ZhError {
  if (e instanceof ApiError) {
    const z = zhError(e.status, e.body.code, e.body.message)
    return { text: z.text, field: z.field ?? e.field }
  }
  return { text: '无法连接服务器，请检查网络后重试' }
}
