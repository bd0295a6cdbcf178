// A result under review (结果审核): the result with its revisions, the task's items (for a
// correction's form), and the reviewer's steps: approve or return with a reason, publish,
// correct, transfer, re-grade. Each refusal comes back in Chinese with its field.
import { computed, reactive, ref } from 'vue'
import { request } from '../../api/client'
import {
  correctResult,
  getResult,
  publishResult,
  regradeResult,
  reviewResult,
  transferResult,
  type ResultInfo,
  type ResultRecord,
  type VisitItem,
} from '../../api/inspection'
import { shownError } from '../inspection/apiError'
import { diffResults } from '../inspection/resultDiff'
import { formFromRecord, toResultRecord, validateResultForm, type ResultForm } from '../inspection/resultForm'

// A version the diff can compare: a revision, or a correction after publication.
export interface Version {
  key: string
  label: string
  record: ResultRecord
}

export function useReview(drawId: string, code: string) {
  const result = ref<ResultInfo | null>(null)
  const items = ref<VisitItem[]>([])
  const taskWindow = ref({ start: '', end: '' })
  const loading = ref(true)
  const loadError = ref('')
  const busy = ref('')
  const notice = ref('')
  const errors = ref<Record<string, string>>({})
  const actionError = ref('')
  const reason = ref('')
  const fromKey = ref('')
  const toKey = ref('')
  const correction = reactive<{ form: ResultForm; reason: string }>({
    form: { inspection_date: '', items: [], evidence: [], team: [] },
    reason: '',
  })
  const transfer = reactive({ kind: 'department' as 'department' | 'police', to: '', date: '', reason: '' })
  const regrade = reactive({ grade: 'C', date: '', reason: '' })

  const versions = computed<Version[]>(() => {
    const r = result.value
    if (!r) return []
    return [
      ...r.revisions.map((x) => ({ key: 'r' + x.revision, label: `第 ${x.revision} 版（${x.entered_date} ${x.entered_by}）`, record: x })),
      ...r.corrections.map((c) => ({ key: 'c' + c.correction, label: `更正 ${c.correction}（${c.date}）`, record: c.result })),
    ]
  })
  const latest = computed(() => result.value?.revisions[result.value.revisions.length - 1] ?? null)
  const current = computed(() => versions.value[versions.value.length - 1]?.record ?? null)
  const diff = computed(() => {
    const a = versions.value.find((v) => v.key === fromKey.value)
    const b = versions.value.find((v) => v.key === toKey.value)
    return a && b ? diffResults(a.record, b.record) : []
  })

  async function loadItems() {
    // The draw's task names its bureau's item list version: its items with their checklists.
    try {
      const d = await request<{ task_id: string }>('GET', `/api/v1/draws/${encodeURIComponent(drawId)}`)
      const t = await request<{ task: { org_id: string; item_list_version: number; item_ids: string[]; window_start: string; window_end: string } }>(
        'GET', `/api/v1/tasks/${encodeURIComponent(d.task_id)}`)
      taskWindow.value = { start: t.task.window_start, end: t.task.window_end }
      const l = await request<{ items: VisitItem[] }>(
        'GET', `/api/v1/items/${encodeURIComponent(t.task.org_id)}?version=${t.task.item_list_version}`)
      items.value = l.items.filter((i) => t.task.item_ids.includes(i.item_id))
    } catch {
      // Without the list, the correction form shows the points the result itself names.
      items.value = (current.value?.items ?? []).map((i) => ({
        item_id: i.item_id, name: '', legal_basis: '', content: '', checklist: i.findings.map((f) => f.point),
      }))
    }
  }

  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      result.value = await getResult(drawId, code)
      const n = versions.value.length
      toKey.value = versions.value[n - 1]?.key ?? ''
      fromKey.value = versions.value[Math.max(0, n - 2)]?.key ?? ''
      if (result.value.state === 'published' && items.value.length === 0) await loadItems()
      if (current.value) correction.form = formFromRecord(current.value, items.value)
    } catch (e) {
      loadError.value = shownError(e).text
    } finally {
      loading.value = false
    }
  }

  async function step(name: string, fn: () => Promise<unknown>, done: string) {
    busy.value = name
    actionError.value = ''
    notice.value = ''
    errors.value = {}
    try {
      await fn()
      notice.value = done
      reason.value = ''
      await load()
      return true
    } catch (e) {
      const s = shownError(e)
      if (s.field) errors.value = { [name + '.' + s.field]: s.text }
      actionError.value = s.text
      return false
    } finally {
      busy.value = ''
    }
  }

  const approve = () => step('review', () => reviewResult(drawId, code, true, reason.value.trim()), '已审核通过')
  function returnIt() {
    if (!reason.value.trim()) {
      errors.value = { 'review.reason': '退回须写明理由' }
      return Promise.resolve(false)
    }
    return step('review', () => reviewResult(drawId, code, false, reason.value.trim()), '已退回检查组')
  }
  const publish = () => step('publish', () => publishResult(drawId, code), '已公示')
  function correct() {
    const errs = validateResultForm(correction.form, { window_start: taskWindow.value.start || '0000-00-00', window_end: taskWindow.value.end || '9999-12-31', today: '' })
    if (!correction.reason.trim()) errs.reason = '更正须写明原因'
    if (Object.keys(errs).length) {
      errors.value = Object.fromEntries(Object.entries(errs).map(([k, v]) => ['correct.' + k, v]))
      actionError.value = '更正内容有未填或有误的项目，请按提示修改'
      return Promise.resolve(false)
    }
    const record = toResultRecord(correction.form, drawId, code)
    return step('correct', () => correctResult(drawId, code, correction.reason.trim(), record), '已更正（与原结果并列公示）')
  }
  const doTransfer = () => step('transfer', () => transferResult(drawId, code, { ...transfer }), '已记录移送')
  const doRegrade = () => step('regrade', () => regradeResult(drawId, code, { ...regrade }), '已重新评定信用等级')

  // The correction form's errors without their "correct." prefix, for the editor.
  const correctionErrors = computed(() =>
    Object.fromEntries(Object.entries(errors.value).filter(([k]) => k.startsWith('correct.')).map(([k, v]) => [k.slice(8), v])),
  )

  return {
    result, items, loading, loadError, busy, notice, errors, actionError, reason, fromKey, toKey, versions, latest,
    current, diff, correction, correctionErrors, transfer, regrade, load, approve, returnIt, publish, correct, doTransfer, doRegrade,
  }
}
