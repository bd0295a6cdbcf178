// A record's history as the timeline shows it (tests/unit): each event of GET
// /api/v1/history/{kind}/{id} with its time (Beijing), who wrote it, and what changed in
// words. The events are folded in order, so an update (which carries only the changed
// fields) is told as "职工人数：20 → 25".
import type { HistoryEvent } from '../../api/registry'

export const FIELD_NAMES: Record<string, string> = {
  name: '名称',
  region: '行政区划',
  industry: '行业代码',
  headcount: '职工人数',
  credit_grade: '信用等级',
  grade_date: '等级评定日期',
  blacklisted: '列入黑名单',
  blacklist_name: '黑名单名称',
  blacklist_from: '列入日期',
  blacklist_until: '移出日期',
  star_level: '和谐劳动关系星级',
  complaints: '投诉举报次数',
  status: '状态',
  org_id: '所属机构',
  domains: '执法领域',
  specialties: '业务专长',
  auxiliary: '辅助人员',
}

const VALUE_NAMES: Record<string, string> = {
  Active: '在册',
  Deregistered: '已注销',
  Moved: '已迁出',
  Suspended: '暂停',
  Retired: '已退出',
}

export interface TimelineItem {
  sequence: number
  time: string // YYYY-MM-DD HH:mm:ss, Beijing time
  who: string
  title: string
  changes: string[]
  kind: 'primary' | 'success' | 'warning' | 'danger' | 'info'
}

// Microseconds since the epoch as Beijing time (UTC+8, no daylight saving).
export function beijingTime(us: number): string {
  const d = new Date(Math.floor(us / 1000) + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  )
}

export function showValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return '（空）'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (Array.isArray(v)) return v.length ? v.join('、') : '（空）'
  const s = String(v)
  return VALUE_NAMES[s] ?? s
}

const IDS = new Set(['credit_code', 'inspector_id'])

export function describeHistory(events: readonly HistoryEvent[]): TimelineItem[] {
  const state: Record<string, unknown> = {}
  return events.map((e) => {
    const p = e.payload ?? {}
    const who = `${e.actor.user || '节点运维'}（${e.actor.org_unit}）`
    const base = { sequence: e.sequence, time: beijingTime(e.time_us), who }
    const fields = Object.keys(FIELD_NAMES).filter((k) => k in p)
    switch (e.type) {
      case 'TargetRegistered':
      case 'InspectorRegistered': {
        for (const k of fields) state[k] = p[k]
        const changes = fields.filter((k) => p[k] !== '' && p[k] !== null).map((k) => `${FIELD_NAMES[k]}：${showValue(p[k])}`)
        return { ...base, title: e.type === 'TargetRegistered' ? '登记入名录' : '登记检查人员', changes, kind: 'primary' }
      }
      case 'TargetUpdated':
      case 'InspectorUpdated': {
        const changes = fields.map((k) => {
          const line = `${FIELD_NAMES[k]}：${showValue(state[k])} → ${showValue(p[k])}`
          state[k] = p[k]
          return line
        })
        return { ...base, title: '信息变更', changes, kind: 'success' }
      }
      case 'TargetRetired': {
        const moved = p.status === 'Moved'
        state.status = p.status
        return { ...base, title: moved ? '迁出本辖区' : '注销', changes: [`原因：${showValue(p.reason)}`], kind: 'danger' }
      }
      case 'InspectorRetired':
        state.status = 'Retired'
        return { ...base, title: '退出检查人员名录', changes: [`原因：${showValue(p.reason)}`], kind: 'danger' }
      case 'ConflictDeclared':
      case 'ConflictWithdrawn':
        return {
          ...base,
          title: e.type === 'ConflictDeclared' ? '声明回避' : '撤销回避',
          changes: [`用人单位：${showValue(p.credit_code)}`, ...(p.reason ? [`原因：${showValue(p.reason)}`] : [])],
          kind: 'warning',
        }
      default:
        return { ...base, title: e.type, changes: Object.keys(p).filter((k) => !IDS.has(k)).map((k) => `${k}：${showValue(p[k])}`), kind: 'info' }
    }
  })
}
