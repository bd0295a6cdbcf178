// The draw ceremony of one task: freeze, commit (witnesses, drand, a lottery draw), the
// countdown to the entropy, the witnesses' digits, reveal, the result; cancel, declines and
// the announcement. Every step is one API call; the draw is read again after each.
import { computed, onUnmounted, reactive, ref } from 'vue'
import { ApiError } from '../../api/client'
import {
  announceDraw, cancelDraw, commitDraw, declineDraw, freezeTask, getDraw, getTask, listInspectors, listTasks, revealDraw,
  type Draw, type TaskInfo,
} from '../../api/planner'
import { checkDigits, entropyWaits, readRefusal } from './ceremony'

export function useCeremony(orgId: string) {
  const tasks = ref<TaskInfo[]>([])
  const task = ref<TaskInfo | null>(null)
  const draw = ref<Draw | null>(null)
  const names = ref<Record<string, string>>({})
  const busy = ref('') // the step running: freeze, commit, reveal, cancel, decline, announce
  const errors = reactive<Record<string, string>>({})
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), 1000)
  onUnmounted(() => clearInterval(timer))

  const commitForm = reactive({
    witnesses: ['', ''],
    drand: true,
    drand_delay_seconds: 30,
    lottery: false,
    lottery_name: '福彩3D',
    lottery_issue: '',
    lottery_time: '', // "YYYY-MM-DD HH:mm" Beijing time
    note: '',
  })
  const revealForm = reactive({ witness_digits: [] as string[], lottery_digits: '' })
  const cancelForm = reactive({ reason: '' })
  const declineForm = reactive({ credit_code: '', inspector_id: '', reason: '' })
  const lastReplacement = ref<{ credit_code: string; inspector_id: string; replacement: string } | null>(null)
  const announceForm = reactive({ confirmed_by: '', publish_targets: true, withheld_reason: '', note: '' })
  const announced = ref(0)

  const waits = computed(() => (draw.value?.commitment ? entropyWaits(draw.value.commitment) : []))

  function clearErrors() {
    for (const k of Object.keys(errors)) delete errors[k]
  }

  function fail(e: unknown, step: string) {
    if (e instanceof ApiError) {
      const r = readRefusal(e.message, e.field)
      if (step === 'cancel' && r.field === 'reason') r.field = 'cancel_reason'
      errors[r.field || step] = r.text
      if (r.field && r.field !== step) errors[step] = r.text
    } else {
      errors[step] = '服务器未响应，请重试'
    }
  }

  async function loadTasks() {
    tasks.value = (await listTasks()).tasks.filter((t) => !t.withdrawn)
    try {
      const list = await listInspectors(orgId)
      names.value = Object.fromEntries(list.inspectors.map((i) => [i.inspector_id, i.name]))
    } catch {
      names.value = {}
    }
  }

  // Opens a task: its live draw (the last not cancelled), or the last one.
  async function openTask(taskId: string, drawId = '') {
    clearErrors()
    task.value = await getTask(taskId)
    const live = [...task.value.draws].reverse().find((d) => d.phase !== 'cancelled')
    const id = drawId || live?.draw_id || task.value.draws.at(-1)?.draw_id || ''
    draw.value = id ? await getDraw(id) : null
    syncForms()
  }

  async function refresh() {
    if (draw.value) draw.value = await getDraw(draw.value.draw_id)
    if (task.value) task.value = await getTask(task.value.task.task_id)
    syncForms()
  }

  function syncForms() {
    const w = draw.value?.commitment?.witnesses ?? []
    if (revealForm.witness_digits.length !== w.length) revealForm.witness_digits = w.map(() => '')
  }

  async function run(step: string, fn: () => Promise<void>) {
    clearErrors()
    busy.value = step
    try {
      await fn()
    } catch (e) {
      fail(e, step)
    } finally {
      busy.value = ''
    }
  }

  const freeze = () =>
    run('freeze', async () => {
      const f = await freezeTask(task.value!.task.task_id)
      await openTask(task.value!.task.task_id, f.draw_id)
    })

  // Beijing "YYYY-MM-DD HH:mm" to unix seconds.
  function beijingToUnix(text: string): number {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text.trim())
    if (!m) return 0
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5]) / 1000
  }

  const commit = () =>
    run('commit', async () => {
      const witnesses = commitForm.witnesses.map((w) => w.trim())
      const emptyAt = witnesses.findIndex((w) => !w)
      if (emptyAt >= 0) {
        errors.witnesses = `请填写第 ${emptyAt + 1} 位见证人的姓名（不需要的请删除）`
        return
      }
      if (commitForm.lottery && !beijingToUnix(commitForm.lottery_time)) {
        errors.lottery_time = '开奖时间格式为 YYYY-MM-DD HH:mm（北京时间）'
        return
      }
      await commitDraw(draw.value!.draw_id, {
        drand: commitForm.drand,
        drand_delay_seconds: commitForm.drand_delay_seconds,
        ...(commitForm.lottery
          ? { lottery_name: commitForm.lottery_name, lottery_issue: commitForm.lottery_issue, lottery_time: beijingToUnix(commitForm.lottery_time) }
          : {}),
        witnesses,
        note: commitForm.note.trim(),
      })
      await refresh()
    })

  const reveal = () =>
    run('reveal', async () => {
      const bad = checkDigits(revealForm.witness_digits)
      if (Object.keys(bad).length > 0) {
        for (const [i, m] of Object.entries(bad)) errors['witness_digits.' + i] = m
        errors.witness_digits = '每位见证人须报1至64位数字'
        return
      }
      const c = draw.value!.commitment!
      const body: Parameters<typeof revealDraw>[1] = { witness_digits: revealForm.witness_digits.map((d) => d.trim()) }
      if (c.lottery_name) body.lottery_digits = revealForm.lottery_digits.trim()
      if (c.drand_chain && c.drand_url) {
        // The round's randomness and signature, fetched from drand by this browser; the node
        // checks that the randomness is the signature's SHA-256.
        const r = await fetch(c.drand_url)
        if (!r.ok) {
          errors.drand = `无法从 drand 取得第 ${c.drand_round} 轮随机数（${r.status}），请稍后再试`
          return
        }
        const j = (await r.json()) as { randomness: string; signature: string }
        body.drand_randomness = j.randomness
        body.drand_signature = j.signature
      }
      await revealDraw(draw.value!.draw_id, body)
      await refresh()
    })

  const cancel = () =>
    run('cancel', async () => {
      if (!cancelForm.reason.trim()) {
        errors.cancel_reason = '取消抽取须说明公开理由'
        return
      }
      await cancelDraw(draw.value!.draw_id, cancelForm.reason.trim())
      cancelForm.reason = ''
      await refresh()
    })

  const decline = () =>
    run('decline', async () => {
      if (!declineForm.credit_code) errors.credit_code = '请选择单位'
      if (!declineForm.inspector_id) errors.inspector_id = '请选择不能参加的检查人员'
      if (!declineForm.reason.trim()) errors.reason = '请填写理由（如回避、病假）'
      if (Object.keys(errors).length > 0) return
      const r = await declineDraw(draw.value!.draw_id, { ...declineForm, reason: declineForm.reason.trim() })
      lastReplacement.value = { credit_code: declineForm.credit_code, inspector_id: declineForm.inspector_id, replacement: r.replacement ?? '' }
      Object.assign(declineForm, { credit_code: '', inspector_id: '', reason: '' })
      await refresh()
    })

  const announce = () =>
    run('announce', async () => {
      const people = announceForm.confirmed_by.split(/[,，、\s]+/).filter(Boolean)
      if (people.length === 0) {
        errors.confirmed_by = '请填写确认抽取结果的人员'
        return
      }
      if (!announceForm.publish_targets && !announceForm.withheld_reason.trim()) {
        errors.withheld_reason = '不公布检查对象须说明理由'
        return
      }
      const r = await announceDraw(draw.value!.draw_id, {
        confirmed_by: people,
        publish_targets: announceForm.publish_targets,
        ...(announceForm.publish_targets ? {} : { withheld_reason: announceForm.withheld_reason.trim() }),
        note: announceForm.note.trim(),
      })
      announced.value = r.sequence
    })

  return {
    tasks, task, draw, names, busy, errors, now, waits, commitForm, revealForm, cancelForm, declineForm, lastReplacement,
    announceForm, announced, loadTasks, openTask, refresh, freeze, commit, reveal, cancel, decline, announce,
  }
}
