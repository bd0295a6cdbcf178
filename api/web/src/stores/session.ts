// Who is signed in, shared by the pages (a small reactive store; Pinia can replace it when
// the console grows).
import { reactive } from 'vue'
import type { SessionUser } from '../api/session'
import { currentUser } from '../api/session'

export const session = reactive<{ user: SessionUser | null; checked: boolean }>({ user: null, checked: false })

// Asks the node once whether the browser's cookie still holds a session.
export async function loadSession(): Promise<SessionUser | null> {
  if (!session.checked) {
    try {
      session.user = await currentUser()
    } catch {
      session.user = null
    }
    session.checked = true
  }
  return session.user
}
