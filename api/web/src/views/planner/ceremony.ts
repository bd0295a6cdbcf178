// The draw ceremony's rules, free of Vue and the network (unit-tested in tests/unit/): the
// phase names, Beijing time, the countdown to the entropy, what the QR code carries, the
// result grouped by stratum, and the node's refusals read out in Chinese on their field.
import type { Commitment, Draw, DrawPhase, Visit } from '../../api/planner'

export const PHASE_NAMES: Record<DrawPhase, string> = {
  frozen: '已冻结名单',
  committed: '已承诺',
  revealed: '已揭示',
  drawn: '已出结果',
  cancelled: '已取消',
}

// "2026-06-01 09:30:05" in Beijing time (UTC+8, no daylight saving) from unix seconds.
export function beijing(unixSeconds: number): string {
  const d = new Date((unixSeconds + 8 * 3600) * 1000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}

export interface EntropyWait {
  source: string // "drand 第 123 轮" / "福彩3D 第 2026320 期"
  at: number // unix seconds
}

// The external entropy the commitment waits for, latest first (the reveal needs all of it);
// empty when only witnesses give digits (they give them in the room).
export function entropyWaits(c: Commitment): EntropyWait[] {
  const out: EntropyWait[] = []
  if (c.drand_chain) out.push({ source: `drand 第 ${c.drand_round} 轮`, at: c.drand_round_time })
  if (c.lottery_name) out.push({ source: `${c.lottery_name} 第 ${c.lottery_issue} 期开奖`, at: c.lottery_time })
  return out.sort((a, b) => b.at - a.at)
}

// The time left as "1:02:03" / "02:03"; "0:00" once it is due.
export function countdown(atSeconds: number, nowMs: number): { due: boolean; text: string } {
  const left = Math.max(0, Math.ceil(atSeconds - nowMs / 1000))
  const h = Math.floor(left / 3600)
  const m = Math.floor((left % 3600) / 60)
  const s = left % 60
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0')
  const ss = String(s).padStart(2, '0')
  return { due: left === 0, text: h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}` }
}

// What the QR code carries: the draw and its commitment hash, so a witness's photograph can
// be compared with the public record (/public/draws/{id}) afterwards.
export function qrText(drawId: string, commitmentHash: string): string {
  return `suiji-commitment:${drawId}:${commitmentHash}`
}

// The commitment hash in groups of 8 hex digits, to be read aloud.
export function groupHex(hex: string): string {
  return hex.match(/.{1,8}/g)?.join(' ') ?? ''
}

export interface StratumGroup {
  stratum: string
  visits: Visit[]
}

// The drawn employers by stratum (in the result's stratum order), each in draw order.
export function visitsByStratum(d: Draw): StratumGroup[] {
  if (!d.result) return []
  const groups = new Map<string, Visit[]>()
  for (const s of d.result.strata) groups.set(s.key, [])
  for (const v of d.result.visits) {
    if (!groups.has(v.stratum)) groups.set(v.stratum, [])
    groups.get(v.stratum)!.push(v)
  }
  return [...groups.entries()]
    .filter(([, vs]) => vs.length > 0)
    .map(([stratum, vs]) => ({ stratum, visits: [...vs].sort((a, b) => a.order - b.order) }))
}

// A stratum key as shown: "320402", "320402（C级）"; the whole population ("all", strata_by
// none) is 全部.
export function stratumLabel(key: string): string {
  const c = key.endsWith('/C')
  const base = c ? key.slice(0, -2) : key
  const name = base === 'all' || base === '' ? '全部' : base
  return c ? `${name}（C级）` : name
}

// Witness digits: 1-64 decimal digits each (the node's rule).
export function checkDigits(digits: string[]): Record<number, string> {
  const e: Record<number, string> = {}
  digits.forEach((d, i) => {
    if (!/^\d{1,64}$/.test(d.trim())) e[i] = '请填写1至64位数字'
  })
  return e
}

// The node's refusals of the ceremony (api/draw_service.cc, ledger/core/draw/state.cc,
// inspection records), read out in Chinese with the field they concern; the node's own
// message follows in brackets. `field` is the server's details.field when it named one.
const REFUSALS: { pattern: RegExp; field: string; text: string }[] = [
  { pattern: /needs external entropy/, field: 'witnesses', text: '须至少有一种外部随机源：drand、彩票开奖或见证人' },
  { pattern: /a witness needs a name/, field: 'witnesses', text: '每位见证人须填写姓名' },
  { pattern: /lottery needs its issue/, field: 'lottery_issue', text: '请填写彩票期号' },
  { pattern: /is not in the future/, field: 'lottery_time', text: '彩票开奖时间须晚于现在' },
  { pattern: /expected digits from/, field: 'witness_digits', text: '须由每位见证人各报一组数字' },
  { pattern: /must give 1-64 decimal digits/, field: 'witness_digits', text: '见证人数字须为1至64位十进制数字' },
  { pattern: /drand round \d+ is due in/, field: 'drand', text: 'drand 随机数尚未产生，请等倒计时结束' },
  { pattern: /has not happened yet/, field: 'lottery_digits', text: '彩票尚未开奖，请等倒计时结束' },
  { pattern: /lottery result .* is required/, field: 'lottery_digits', text: '请填写彩票开奖号码' },
  { pattern: /drand (randomness|fields)|signature/, field: 'drand', text: 'drand 随机数或签名有误' },
  { pattern: /states no reason|needs a recorded reason/, field: 'reason', text: '请填写理由' },
  { pattern: /was not drawn in/, field: 'credit_code', text: '该单位不在本次抽取结果中' },
  { pattern: /is not on the team for/, field: 'inspector_id', text: '该检查人员不在此单位的检查组中' },
  { pattern: /no substitute left/, field: 'inspector_id', text: '替补人员已用完，需取消本次抽取并说明理由后重抽' },
  { pattern: /merged into/, field: 'reason', text: '其他抽取的检查已并入本次抽取，须先取消那次抽取' },
  { pattern: /already has .* draw/, field: 'freeze', text: '该任务已有进行中的抽取，重抽须先取消并说明理由' },
  { pattern: /has no eligible target/, field: 'freeze', text: '没有符合条件的用人单位' },
  { pattern: /qualified inspectors, fewer than/, field: 'freeze', text: '符合条件的检查人员不足一个检查组' },
  { pattern: /only a frozen draw can be committed/, field: 'commit', text: '只有已冻结名单的抽取才能承诺' },
]

export function readRefusal(message: string, field?: string): { field: string; text: string } {
  for (const r of REFUSALS) {
    if (r.pattern.test(message)) return { field: field ?? r.field, text: `${r.text}（${message}）` }
  }
  // Already Chinese (ValidateTask, announcement checks): shown as it is.
  return { field: field ?? '', text: /[\u4e00-\u9fff]/.test(message) ? message : `操作被拒绝（${message}）` }
}
