// The planner's routes (issue 18): inside the shell the plans, the task wizard and the draw
// ceremony; outside it the full-screen projector view. Each names the roles that may open
// it (meta.roles); refusedRoute sends anyone else to the 无权访问 page (the server refuses
// their API calls anyway).
import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import type { RoleName } from '../api/session'
import PlansView from '../views/planner/PlansView.vue'
import TaskWizard from '../views/planner/TaskWizard.vue'
import CeremonyView from '../views/planner/CeremonyView.vue'
import ProjectorView from '../views/planner/ProjectorView.vue'

const planner: RoleName[] = ['planner']

export const plannerShellRoutes: RouteRecordRaw[] = [
  { path: 'planner/plans', component: PlansView, meta: { roles: planner, title: '抽查计划与任务' } },
  { path: 'planner/tasks/new', component: TaskWizard, meta: { roles: planner, title: '定义抽查任务' } },
  { path: 'planner/ceremony', component: CeremonyView, meta: { roles: planner, title: '抽取仪式' } },
]

export const plannerRoutes: RouteRecordRaw[] = [
  { path: '/projector/:drawId', component: ProjectorView, meta: { roles: planner, title: '抽取仪式投屏' } },
]

export function refusedRoute(to: RouteLocationNormalized, roles: readonly RoleName[]) {
  const need = to.matched.flatMap((r) => (r.meta.roles as RoleName[] | undefined) ?? [])
  if (need.length === 0 || need.some((r) => roles.includes(r))) return null
  return { path: '/forbidden', query: { page: String(to.meta.title ?? to.path), from: to.fullPath } }
}
