// The task wizard: the form across its steps, the plan and item list it draws from, the
// server's estimate (POST /api/v1/tasks/estimate, nothing written) and the definition.
import { computed, reactive, ref } from 'vue'
import { ApiError } from '../../api/client'
import { defineTask, estimateTask, itemListInForce, listPlans, type ItemList, type Plan, type TaskEstimate } from '../../api/planner'
import { newForm, readEstimate, stepOfField, STEPS, toTask, validateStep, type FieldErrors } from './taskWizard'

export function useTaskWizard(orgId: string, region: string) {
  const plans = ref<Plan[]>([])
  const plan = ref<Plan | null>(null)
  const form = reactive(newForm(orgId, '', new Date().getFullYear(), region))
  const step = ref(0)
  const errors = reactive<FieldErrors>({})
  const items = ref<ItemList | null>(null)
  const itemsError = ref('')
  const estimate = ref<TaskEstimate | null>(null)
  const estimating = ref(false)
  const estimateError = ref('')
  const defining = ref(false)
  const defined = ref('')
  const view = computed(() => (estimate.value ? readEstimate(estimate.value) : null))
  const blocked = computed(() => view.value?.warnings.some((w) => w.level === 'error') ?? true)

  function setErrors(e: FieldErrors) {
    for (const k of Object.keys(errors)) delete errors[k]
    Object.assign(errors, e)
  }

  async function load(planId: string) {
    plans.value = (await listPlans()).plans
    choosePlan(planId || plans.value[0]?.plan_id || '')
  }

  function choosePlan(planId: string) {
    plan.value = plans.value.find((p) => p.plan_id === planId) ?? null
    if (!plan.value) return
    const year = plan.value.year
    Object.assign(form, { plan_id: plan.value.plan_id, window_start: `${year}-06-01`, window_end: `${year}-11-30` })
    void loadItems()
  }

  // The item list in force when the window opens (the task must name that version).
  async function loadItems() {
    itemsError.value = ''
    try {
      items.value = await itemListInForce(orgId, form.window_start)
      form.item_list_version = items.value.version
      form.item_ids = form.item_ids.filter((id) => items.value!.items.some((i) => i.item_id === id))
    } catch (e) {
      items.value = null
      form.item_list_version = 0
      itemsError.value = e instanceof ApiError && e.status === 404 ? `${form.window_start} 没有生效的抽查事项清单` : '读取抽查事项清单失败'
    }
  }

  function next(): boolean {
    const e = validateStep(step.value, form, plan.value?.year ?? 0)
    setErrors(e)
    if (Object.keys(e).length > 0) return false
    step.value = Math.min(step.value + 1, STEPS.length - 1)
    if (step.value === STEPS.length - 1) void runEstimate()
    return true
  }

  function back() {
    setErrors({})
    step.value = Math.max(0, step.value - 1)
  }

  // A refusal from the server: shown on its field, at its step.
  function showRefusal(e: unknown, fallback: { set: (m: string) => void }) {
    if (e instanceof ApiError && e.field) {
      setErrors({ [e.field]: e.message })
      step.value = stepOfField(e.field)
    } else {
      fallback.set(e instanceof ApiError ? e.message : '服务器未响应')
    }
  }

  async function runEstimate() {
    estimating.value = true
    estimateError.value = ''
    estimate.value = null
    try {
      estimate.value = await estimateTask(toTask(form))
    } catch (e) {
      showRefusal(e, { set: (m) => (estimateError.value = m) })
    } finally {
      estimating.value = false
    }
  }

  async function define() {
    defining.value = true
    estimateError.value = ''
    try {
      await defineTask(toTask(form))
      defined.value = form.task_id.trim()
    } catch (e) {
      showRefusal(e, { set: (m) => (estimateError.value = m) })
    } finally {
      defining.value = false
    }
  }

  return { plans, plan, form, step, errors, items, itemsError, estimate, estimating, estimateError, defining, defined, view, blocked, load, choosePlan, loadItems, next, back, runEstimate, define }
}
