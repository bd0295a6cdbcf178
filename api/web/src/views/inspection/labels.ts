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
