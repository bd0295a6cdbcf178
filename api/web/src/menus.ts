// The console's menu: each entry names the roles that see it (the server checks them again on
// every request). Entries without a `path` are screens still to come (issue 18).
import type { RoleName } from './api/session'

export interface MenuEntry {
  title: string
  path?: string
  roles: RoleName[]
}

export const ROLE_NAMES: Record<RoleName, string> = {
  registry_clerk: '名录管理员',
  planner: '抽查计划员',
  inspector: '检查人员',
  reviewer: '审核人员',
  supervisor: '监督人员',
  administrator: '系统管理员',
}

export const MENU: MenuEntry[] = [
  { title: '用人单位名录', path: '/directory/targets', roles: ['registry_clerk', 'planner', 'supervisor'] },
  { title: '检查人员名录', roles: ['registry_clerk', 'planner', 'supervisor'] },
  { title: '名录导入', roles: ['registry_clerk'] },
  { title: '抽查计划与任务', path: '/planner/plans', roles: ['planner'] },
  { title: '抽取仪式', path: '/planner/ceremony', roles: ['planner'] },
  { title: '我的检查', roles: ['inspector'] },
  { title: '结果审核', roles: ['reviewer'] },
  { title: '统计与监督', roles: ['supervisor'] },
  { title: '用户与密码', roles: ['administrator'] },
]

export function menuFor(roles: readonly RoleName[]): MenuEntry[] {
  return MENU.filter((m) => m.roles.some((r) => roles.includes(r)))
}
