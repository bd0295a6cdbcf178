// Chinese names of the deadline kinds and statuses (ledger/core/inspection/deadlines.h).
export const DEADLINE_KIND: Record<string, string> = {
  confirm: '确认名单',
  enter: '录入结果',
  publish: '公示结果',
}
export const DEADLINE_STATUS: Record<string, string> = {
  met: '按时完成',
  late: '逾期完成',
  open: '未到期',
  overdue: '已逾期',
  no_calendar: '无工作日历',
}

// A deadline as a line of a visit card: "2026-08-28 前 · 未到期", or why it has no date.
export function deadlineText(d: { due: string; status: string; done: string }): string {
  if (!d.due) return '尚无工作日历，无法计算期限'
  return `${d.due} 前 · ${DEADLINE_STATUS[d.status] ?? d.status}${d.done ? `（${d.done} 完成）` : ''}`
}
