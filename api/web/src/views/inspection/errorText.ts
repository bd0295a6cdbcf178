// The API's refusals of result steps in Chinese, with the field they concern. The inspection
// service (ledger/core/inspection/state.cc) answers in English, or "中文 (English)" for field
// checks; this maps the messages a result's workflow can give to what the inspector or the
// reviewer reads next to the field or the button. Pure (unit-tested in tests/unit/).

export interface ZhError {
  text: string
  field?: string
}

const STATE: Record<string, string> = {
  entered: '已录入',
  awaiting_review: '待审核',
  returned: '已退回',
  approved: '审核通过',
  published: '已公示',
}

const STEP: Record<string, string> = {
  confirm: '确认',
  submit: '提交审核',
  review: '审核',
  approve: '审核通过',
  publish: '公示',
  correct: '更正',
  'record a new revision of': '录入新版本',
}

export const stateLabel = (s: string): string => STATE[s] ?? s

const RULES: { re: RegExp; zh: (m: RegExpMatchArray) => string; field?: string }[] = [
  {
    re: /revision (\d+) is not confirmed by inspector\(s\) (.+?) of its team/,
    zh: (m) => `第 ${m[1]} 版尚未经检查组成员 ${m[2].split(', ').join('、')} 确认（每人须以本人账号确认）`,
  },
  { re: /already confirmed revision (\d+)/, zh: (m) => `您已确认过第 ${m[1]} 版` },
  {
    re: /revision (\d+) as recorded has SHA-256/,
    zh: (m) => `所确认的内容与第 ${m[1]} 版的记录不一致（哈希不符），请刷新后再确认`,
  },
  { re: /revision (\d+) is not the latest \((\d+)\)/, zh: (m) => `第 ${m[1]} 版不是最新版本（最新为第 ${m[2]} 版），请刷新` },
  {
    re: /cannot (confirm|submit|review|approve|publish|correct|record a new revision of) .*: it is (\w+);/,
    zh: (m) => `结果当前为“${stateLabel(m[2])}”，不能${STEP[m[1]] ?? m[1]}`,
  },
  {
    re: /inspection_date (\S+) is outside the task's window (\S+) to (\S+)/,
    zh: (m) => `检查日期 ${m[1]} 不在任务时限 ${m[2]} 至 ${m[3]} 内`,
    field: 'inspection_date',
  },
  {
    re: /inspection_date (\S+) is in the future \(today is (\S+)\)/,
    zh: (m) => `检查日期 ${m[1]} 晚于今天（${m[2]}）`,
    field: 'inspection_date',
  },
  {
    re: /inspection_date (\S+) differs from revision 1 \((\S+)\)/,
    zh: (m) => `检查日期须与第 1 版相同（${m[2]}），一次检查只有一个日期`,
    field: 'inspection_date',
  },
  { re: /another person reviews it/, zh: () => '录入该版本的人员不能审核本人录入的结果（须由他人审核）' },
  { re: /a returned result needs the reviewer's reason/, zh: () => '退回须写明理由', field: 'reason' },
  { re: /a correction needs its reason/, zh: () => '更正须写明原因', field: 'reason' },
  { re: /the correction changes nothing/, zh: () => '更正后的内容与现有结果相同，没有可更正之处' },
  { re: /a correction cannot move the inspection date/, zh: () => '更正不能改变检查日期', field: 'inspection_date' },
  {
    re: /lists no violation handled by (.+?); record that handling first/,
    zh: (m) => `该结果没有处理措施为“${m[1]}”的违法行为，不能移送`,
    field: 'kind',
  },
  {
    re: /a credit grade is re-evaluated after the result is published/,
    zh: () => '结果公示后才能重新评定信用等级',
  },
  {
    re: /(transfer date|grade_date|publication date) "?(\S*?)"? must be between the inspection \((\S+)\) and today \((\S+)\)/,
    zh: (m) => `日期须在检查日期 ${m[3]} 与今天 ${m[4]} 之间`,
    field: 'date',
  },
  {
    re: /the result names (\d+) drawn inspectors; at least two inspect together/,
    zh: () => '检查人员中抽中的执法人员不少于两人',
    field: 'team',
  },
  { re: /item "(.+?)" of the task has no outcome/, zh: (m) => `事项 ${m[1]} 尚未填写检查结果` },
  {
    re: /finding point "(.+?)" is not on the checklist of item "(.+?)"/,
    zh: (m) => `检查要点“${m[1]}”不在事项 ${m[2]} 的检查清单中`,
  },
  {
    re: /no-penalty list applies to a first violation only|first violation/,
    zh: () => '轻微违法不予处罚只适用于首次违法',
  },
]

// A refusal as the console shows it. `code` and `message` are the API's; `status` its HTTP
// status.
export function zhError(status: number, code: string, message: string): ZhError {
  if (code === 'not_on_team') return { text: '您不在该检查的检查组中，不能进行此操作' }
  if (code === 'forbidden' && status === 403) return { text: '您的角色无权进行此操作' }
  if (code === 'outside_jurisdiction') return { text: '该检查不在您的辖区内' }
  if (code === 'not_found' && status === 404) return { text: '未找到该检查的结果（或不在您的辖区内）' }
  if (code === 'csrf') return { text: '登录状态已失效，请刷新页面后重试' }
  for (const r of RULES) {
    const m = message.match(r.re)
    if (m) return { text: r.zh(m), field: r.field }
  }
  // Field checks: "result: items[0].violations[0].description: 中文 (English); ..." — the
  // first field, its Chinese reason.
  const f = message.match(/^[\w -]+: ((?:items|evidence|team|inspection_date|reason|grade|grade_date|date|to_body|kind)[\w.[\]]*)(?: "[^"]*")?: ([^;(]+)/)
  if (f) return { text: f[2].trim(), field: f[1] === 'to_body' ? 'to' : f[1] }
  const zh = message.match(/^[^()]*[\u4e00-\u9fff][^(]*/)
  if (zh) return { text: zh[0].trim() }
  return { text: `操作被拒绝（${status} ${code}）：${message}` }
}
