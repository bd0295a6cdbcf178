// The plans screen: the plans of the planner's jurisdiction, filing a plan or its next
// version, a plan's versions and its tasks.
import { reactive, ref } from 'vue'
import { ApiError } from '../../api/client'
import { filePlan, listPlans, listTasks, planVersions, type Plan, type PlanFiling, type TaskInfo } from '../../api/planner'

export function usePlans(orgId: string, parentOrgId: string) {
  const plans = ref<Plan[]>([])
  const loading = ref(false)
  const error = ref('')
  const selected = ref<Plan | null>(null)
  const versions = ref<Plan[]>([])
  const tasks = ref<TaskInfo[]>([])
  const detailLoading = ref(false)

  const form = reactive<PlanFiling>({
    plan_id: '',
    org_id: orgId,
    year: new Date().getFullYear(),
    title: '',
    filed_with_org_id: parentOrgId,
    note: '',
  })
  const formErrors = reactive<Record<string, string>>({})
  const saving = ref(false)
  const dialog = ref(false)
  const isNewVersion = ref(false)

  async function load() {
    loading.value = true
    error.value = ''
    try {
      plans.value = (await listPlans()).plans
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : '读取计划失败'
    } finally {
      loading.value = false
    }
  }

  async function open(p: Plan) {
    selected.value = p
    detailLoading.value = true
    try {
      const [v, t] = await Promise.all([planVersions(p.plan_id), listTasks(p.plan_id)])
      versions.value = v.versions
      tasks.value = t.tasks
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : '读取计划详情失败'
    } finally {
      detailLoading.value = false
    }
  }

  function startNew() {
    Object.assign(form, { plan_id: '', org_id: orgId, year: new Date().getFullYear(), title: '', filed_with_org_id: parentOrgId, note: '' })
    isNewVersion.value = false
    clearErrors()
    dialog.value = true
  }

  function startVersion(p: Plan) {
    Object.assign(form, { plan_id: p.plan_id, org_id: p.org_id, year: p.year, title: p.title, filed_with_org_id: p.filed_with_org_id, note: '' })
    isNewVersion.value = true
    clearErrors()
    dialog.value = true
  }

  function clearErrors() {
    for (const k of Object.keys(formErrors)) delete formErrors[k]
  }

  function check(): boolean {
    clearErrors()
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(form.plan_id)) formErrors.plan_id = '计划编号须为1至64位字母、数字或 . _ -'
    if (!form.title.trim()) formErrors.title = '请填写计划名称'
    if (!(form.year >= 2000 && form.year <= 2100)) formErrors.year = '请填写年度'
    if (!form.filed_with_org_id.trim()) formErrors.filed_with_org_id = '请填写备案机构（上级机构编号）'
    return Object.keys(formErrors).length === 0
  }

  async function save(): Promise<boolean> {
    if (!check()) return false
    saving.value = true
    try {
      await filePlan({ ...form, title: form.title.trim(), note: form.note.trim() })
      dialog.value = false
      await load()
      const p = plans.value.find((x) => x.plan_id === form.plan_id)
      if (p) await open(p)
      return true
    } catch (e) {
      if (e instanceof ApiError) formErrors[planField(e)] = planMessage(e.message)
      else formErrors.plan_id = '提交失败'
      return false
    } finally {
      saving.value = false
    }
  }

  return { plans, loading, error, selected, versions, tasks, detailLoading, form, formErrors, saving, dialog, isNewVersion, load, open, startNew, startVersion, save }
}

// The plan field an error concerns: the server's details.field, else read from its message
// ("plan "P1": title: ..." or "must be filed with its parent org").
function planField(e: ApiError): string {
  if (e.field) return e.field
  const m = e.message
  if (/filed with/.test(m)) return 'filed_with_org_id'
  for (const f of ['title', 'year', 'note', 'org_id']) if (m.includes(`: ${f}:`)) return f
  return 'plan_id'
}

// The node's plan refusals (ledger/core/draw/state.cc CheckPlan) in Chinese, its own words after.
function planMessage(m: string): string {
  if (/[\u4e00-\u9fff]/.test(m) && !/must be filed|unknown org|version/.test(m)) return m
  if (/must be filed with its parent org/.test(m)) return `年度计划须向上级机构备案（${m}）`
  if (/unknown org/.test(m)) return `机构不存在（${m}）`
  return `提交被拒绝（${m}）`
}
