// One visit of the signed-in inspector: its details (from GET /api/v1/visits?mine=1), its
// result if any (GET /api/v1/results/{draw}/{code}), and the steps the inspector takes on it:
// record a revision (POST /api/v1/results), confirm it (each of the team, by its hash), submit
// it. Errors come back in Chinese with their field (apiError.ts).
import { computed, reactive, ref } from 'vue'
import { ApiError } from '../../api/client'
import {
  confirmResult,
  getResult,
  listMyVisits,
  recordResult,
  submitResult,
  type ResultInfo,
  type Visit,
} from '../../api/inspection'
import { shownError } from './apiError'
import { emptyForm, formFromRecord, toResultRecord, validateResultForm, type ResultForm } from './resultForm'

export function useVisit(drawId: string, code: string, inspectorId: () => string) {
  const visit = ref<Visit | null>(null)
  const result = ref<ResultInfo | null>(null)
  const today = ref('')
  const loading = ref(true)
  const loadError = ref('')
  const busy = ref('')
  const actionError = ref('')
  const notice = ref('')
  const editing = ref(false)
  const form = reactive<ResultForm>({ inspection_date: '', items: [], evidence: [], team: [] })
  const errors = ref<Record<string, string>>({})

  const latest = computed(() => result.value?.revisions[result.value.revisions.length - 1] ?? null)
  const canRecord = computed(() => !result.value || ['entered', 'returned'].includes(result.value.state))
  const iConfirmed = computed(
    () => !!latest.value && latest.value.confirmations.some((c) => c.inspector_id === inspectorId()),
  )
  const mayConfirm = computed(
    () => result.value?.state === 'entered' && !!latest.value?.team.includes(inspectorId()) && !iConfirmed.value,
  )
  const lastReturn = computed(() => {
    const r = result.value?.reviews.filter((x) => !x.approved) ?? []
    return result.value?.state === 'returned' ? r[r.length - 1] ?? null : null
  })

  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      const l = await listMyVisits()
      today.value = l.today
      visit.value = l.visits.find((v) => v.draw_id === drawId && v.credit_code === code) ?? null
      if (!visit.value) return
      try {
        result.value = await getResult(drawId, code)
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e
        result.value = null
      }
      editing.value = !result.value
      resetForm()
    } catch (e) {
      loadError.value = shownError(e).text
    } finally {
      loading.value = false
    }
  }

  function resetForm() {
    if (!visit.value) return
    const f = latest.value ? formFromRecord(latest.value, visit.value.items) : emptyForm(visit.value.items, visit.value.team)
    Object.assign(form, f)
    errors.value = {}
  }

  function startRevision() {
    resetForm()
    editing.value = true
  }

  function validate(): boolean {
    if (!visit.value) return false
    errors.value = validateResultForm(form, {
      window_start: visit.value.window_start,
      window_end: visit.value.window_end,
      today: today.value,
    })
    return Object.keys(errors.value).length === 0
  }

  async function step(name: string, fn: () => Promise<unknown>, done: string) {
    busy.value = name
    actionError.value = ''
    notice.value = ''
    try {
      await fn()
      notice.value = done
      result.value = await getResult(drawId, code)
      return true
    } catch (e) {
      const s = shownError(e)
      if (s.field && name === 'record') errors.value = { ...errors.value, [s.field]: s.text }
      actionError.value = s.text
      return false
    } finally {
      busy.value = ''
    }
  }

  async function record() {
    if (!validate()) {
      actionError.value = '表单有未填或有误的项目，请按提示修改'
      return
    }
    const ok = await step('record', () => recordResult(toResultRecord(form, drawId, code)), '已录入，请检查组每位成员确认')
    if (ok) editing.value = false
  }

  const confirm = () =>
    step('confirm', () => confirmResult(drawId, code, latest.value!.revision, latest.value!.sha256), `已确认第 ${latest.value!.revision} 版`)
  const submit = () => step('submit', () => submitResult(drawId, code), '已提交审核')

  return {
    visit, result, latest, today, loading, loadError, busy, actionError, notice, editing, form, errors,
    canRecord, mayConfirm, iConfirmed, lastReturn, load, startRevision, validate, record, confirm, submit,
  }
}
