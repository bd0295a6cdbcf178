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
  { title: '检查人员名录', path: '/directory/inspectors', roles: ['registry_clerk', 'planner', 'supervisor'] },
  { title: '名录导入', path: '/directory/import', roles: ['registry_clerk'] },
  { title: '抽查计划与任务', path: '/planner/plans', roles: ['planner'] },
  { title: '抽取仪式', path: '/planner/ceremony', roles: ['planner'] },
  { title: '我的检查', path: '/inspection/visits', roles: ['inspector'] },
  { title: '结果审核', path: '/review', roles: ['reviewer'] },
  { title: '统计与监督', path: '/supervision', roles: ['supervisor'] },
  { title: '用户与密码', path: '/admin/users', roles: ['administrator'] },
  { title: '组织机构', path: '/admin/orgs', roles: ['administrator'] },
  { title: '工作日历', path: '/admin/calendar', roles: ['administrator'] },
]

// Whether a role may open a path of the menu (the router refuses the others; the server
// checks again). Paths outside the menu (首页, 修改密码) are open to every signed-in user.
export function mayOpen(path: string, roles: readonly RoleName[]): boolean {
  const entry = MENU.find((m) => m.path && (path === m.path || path.startsWith(m.path + '/')))
  return !entry || entry.roles.some((r) => roles.includes(r))
}

export function menuFor(roles: readonly RoleName[]): MenuEntry[] {
  return MENU.filter((m) => m.roles.some((r) => roles.includes(r)))
}
