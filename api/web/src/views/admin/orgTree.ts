// Org units as a tree (el-tree's data), and the checks of the "add an org unit" form before
// anything is sent (the server checks again: api/http/routes_directory.cc AddOrg). No Vue:
// unit-tested under node --test (tests/unit/).
import type { OrgUnit, OrgUnitInput } from '../../api/admin'

export const LEVEL_NAMES: Record<OrgUnit['level'], string> = { province: '省级', city: '市级', county: '县级' }

export interface OrgNode {
  id: string
  label: string
  org: OrgUnit
  children: OrgNode[]
}

// Roots are the units whose parent is empty or not listed; children in org id order.
export function buildOrgTree(orgs: readonly OrgUnit[]): OrgNode[] {
  const nodes = new Map<string, OrgNode>()
  for (const o of [...orgs].sort((a, b) => a.org_id.localeCompare(b.org_id))) {
    nodes.set(o.org_id, {
      id: o.org_id,
      label: `${o.name}（${o.org_id}，${LEVEL_NAMES[o.level] ?? o.level}）`,
      org: o,
      children: [],
    })
  }
  const roots: OrgNode[] = []
  for (const n of nodes.values()) {
    const parent = n.org.parent_org_id ? nodes.get(n.org.parent_org_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  return roots
}

// The level below a parent's (a province registers cities, a city counties).
export function childLevel(parent: OrgUnit | undefined): OrgUnit['level'] | null {
  if (!parent) return 'province'
  if (parent.level === 'province') return 'city'
  if (parent.level === 'city') return 'county'
  return null
}

export type FieldErrors = Record<string, string>

// GB/T 2260 region codes are six digits; an org unit's region lies inside its parent's
// (a city 3204xx under the province 32xxxx, a county 3204xx under the city 3204xx).
export function validateOrg(o: OrgUnitInput, parent: OrgUnit | undefined): FieldErrors {
  const e: FieldErrors = {}
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(o.org_id)) e.org_id = '机构编号为 1-64 位字母、数字或 . _ -'
  if (!o.name.trim()) e.name = '请填写机构名称'
  if (!/^\d{6}$/.test(o.region)) e.region = '行政区划代码为 6 位数字（GB/T 2260）'
  else if (parent) {
    const prefix = parent.level === 'province' ? parent.region.slice(0, 2) : parent.region.slice(0, 4)
    if (!o.region.startsWith(prefix) || o.region === parent.region) {
      e.region = `行政区划应在上级机构（${parent.region}）的辖区之内`
    }
  }
  if (parent && childLevel(parent) === null) e.parent_org_id = '县级机构之下不能再设下级机构'
  else if (parent && o.level !== childLevel(parent)) e.level = `上级为${LEVEL_NAMES[parent.level]}机构，新机构应为${LEVEL_NAMES[childLevel(parent)!]}`
  return e
}

// Whether a jurisdiction covers a region (GB/T 2260: a province 32xxxx covers 3204xx, a city
// 3204xx covers 320402), as the server decides (identity::UserInfo::Covers). The console only
// hides 新增下级 where the server would refuse.
export function covers(jurisdiction: string, region: string): boolean {
  let prefix = jurisdiction
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2)
  return region.startsWith(prefix)
}
