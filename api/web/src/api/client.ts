// The typed client of the node's JSON API (api/http/). The browser signs in with a session
// cookie (HttpOnly: this code never sees it); every request that is not GET carries the
// session's CSRF token in X-CSRF-Token, which the sign-in reply and GET /api/v1/session give.

export interface ApiErrorBody {
  code: string
  message: string
  details?: Record<string, unknown>
}

// An error reply of the API: status, code and the server's message (Chinese first).
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly body: ApiErrorBody,
  ) {
    super(body.message)
  }
  // The request field the error concerns, if the server named one (details.field).
  get field(): string | undefined {
    const f = this.body.details?.field
    return typeof f === 'string' ? f : undefined
  }
}

let csrfToken: string | null = null
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}
// For requests that cannot go through request() (an upload with progress: XMLHttpRequest).
export function getCsrfToken(): string | null {
  return csrfToken
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  })
  const text = await res.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = null
  }
  if (!res.ok) {
    const b = parsed as Partial<ApiErrorBody> | null
    throw new ApiError(res.status, {
      code: b?.code ?? 'http_' + res.status,
      message: b?.message ?? `服务器返回 ${res.status}`,
      details: b?.details,
    })
  }
  return parsed as T
}
