// The result form's rules (src/views/inspection/resultForm.ts): each problem named by the
// field path the API uses, in Chinese; the result file the form becomes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const m = await load('views/inspection/resultForm.js')

const ITEMS = [
  { item_id: 'HRSS-01', name: '劳动合同签订情况', legal_basis: '《劳动合同法》', content: '', checklist: ['合同文本', '签订时限'] },
  { item_id: 'HRSS-02', name: '工资支付情况', legal_basis: '《保障农民工工资支付条例》', content: '', checklist: ['工资台账'] },
]
const CTX = { window_start: '2026-06-01', window_end: '2026-07-31', today: '2026-12-07' }

function filled() {
  const f = m.emptyForm(ITEMS, ['JS001', 'JS002'])
  f.inspection_date = '2026-07-15'
  f.items[0].outcome = 'no_problem'
  f.items[0].points[0].state = 'compliant'
  f.items[1].outcome = 'corrected'
  f.items[1].points[0].state = 'noncompliant'
  f.items[1].points[0].text = '3名劳动者工资未按月支付'
  f.items[1].violations.push({
    description: '未按月足额支付3名劳动者工资', legal_basis: '《保障农民工工资支付条例》第十五条',
    handling: ['order_correction'], no_penalty_list: false, fine_yuan: 0,
  })
  return f
}

test('a blank form lists every item with its checklist points, none checked', () => {
  const f = m.emptyForm(ITEMS, ['JS001', 'JS002'])
  assert.deepEqual(f.items.map((i) => [i.item_id, i.points.map((p) => p.point + ':' + p.state)]), [
    ['HRSS-01', ['合同文本:', '签订时限:']],
    ['HRSS-02', ['工资台账:']],
  ])
  assert.deepEqual(m.validateResultForm(f, CTX), {
    inspection_date: '请填写检查日期',
    'items[0].outcome': '请选择检查结果',
    'items[1].outcome': '请选择检查结果',
  })
})

test('a complete form has no problem and becomes the result file', () => {
  const f = filled()
  assert.deepEqual(m.validateResultForm(f, CTX), {})
  assert.deepEqual(m.toResultRecord(f, 'T-1-d1', '91320400MA1XXXXX0X'), {
    draw_id: 'T-1-d1', credit_code: '91320400MA1XXXXX0X', inspection_date: '2026-07-15',
    items: [
      { item_id: 'HRSS-01', outcome: 'no_problem', outcome_text: '', findings: [{ point: '合同文本', compliant: true, text: '' }], violations: [] },
      { item_id: 'HRSS-02', outcome: 'corrected', outcome_text: '',
        findings: [{ point: '工资台账', compliant: false, text: '3名劳动者工资未按月支付' }],
        violations: [{ description: '未按月足额支付3名劳动者工资', legal_basis: '《保障农民工工资支付条例》第十五条',
                       handling: ['order_correction'], no_penalty_list: false, fine_yuan: 0 }] },
    ],
    evidence: [], team: ['JS001', 'JS002'],
  })
})

test('the inspection date must lie in the task window and not after today', () => {
  const f = filled()
  f.inspection_date = '2026-08-01'
  assert.equal(m.validateResultForm(f, CTX).inspection_date, '检查日期须在任务时限 2026-06-01 至 2026-07-31 内')
  f.inspection_date = '2026-07-15'
  assert.equal(m.validateResultForm(f, { ...CTX, today: '2026-07-01' }).inspection_date, '检查日期不能晚于今天（2026-07-01）')
  f.inspection_date = '2026/07/15'
  assert.equal(m.validateResultForm(f, CTX).inspection_date, '日期格式应为 YYYY-MM-DD')
})

test('problems found need violations, each with description, legal basis and handling', () => {
  const f = filled()
  f.items[1].violations = []
  assert.deepEqual(m.validateResultForm(f, CTX), { 'items[1].violations': '发现问题须列明违法行为' })
  f.items[1].violations.push(m.emptyViolation())
  assert.deepEqual(m.validateResultForm(f, CTX), {
    'items[1].violations[0].description': '请描述违法行为',
    'items[1].violations[0].legal_basis': '请填写法律依据',
    'items[1].violations[0].handling': '须写明处理措施',
    'items[1].violations': '“发现问题已责令改正”须有责令改正措施',
  })
})

test('no violations under an outcome that found none; a non-compliant point says what was found', () => {
  const f = filled()
  f.items[0].violations.push({ ...f.items[1].violations[0] })
  f.items[0].points[1].state = 'noncompliant'
  assert.deepEqual(m.validateResultForm(f, CTX), {
    'items[0].points[1].text': '不符合时须写明发现的情况',
    'items[0].violations': '结果“未发现问题”不应有违法行为',
  })
})

test('fines, the no-penalty list and "other" follow the server rules', () => {
  const f = filled()
  const v = f.items[1].violations[0]
  v.handling = ['order_correction', 'fine']
  assert.equal(m.validateResultForm(f, CTX)['items[1].violations[0].fine_yuan'], '选择罚款时须填写罚款金额')
  v.fine_yuan = 2000
  assert.deepEqual(m.validateResultForm(f, CTX), {})
  v.no_penalty_list = true
  assert.equal(m.validateResultForm(f, CTX)['items[1].violations[0].handling'], '轻微违法不予处罚清单事项不得罚款或立案')
  v.handling = ['order_correction']
  v.fine_yuan = 0
  assert.equal(m.validateResultForm(f, CTX)['items[1].violations[0].handling'], '不予处罚事项须责令改正并注明不予处罚')
  v.handling = ['order_correction', 'no_penalty']
  assert.deepEqual(m.validateResultForm(f, CTX), {})
  v.no_penalty_list = false
  assert.equal(m.validateResultForm(f, CTX)['items[1].violations[0].handling'], '不予处罚须属轻微违法不予处罚清单')
  f.items[0].outcome = 'other'
  assert.equal(m.validateResultForm(f, CTX)['items[0].outcome_text'], '结果为“其他”时须说明情况')
})

test('evidence needs its hash; the team at least two', () => {
  const f = filled()
  f.evidence.push({ sha256: '', size: 10, kind: 'photo', name: 'a.jpg' })
  f.team = ['JS001']
  assert.deepEqual(m.validateResultForm(f, CTX), {
    'evidence[0]': '证据文件的 SHA-256 尚未算完',
    team: '检查人员不少于两人',
  })
})

test('a recorded revision fills the form back, points and violations included', () => {
  const f = filled()
  const rec = m.toResultRecord(f, 'D', 'C')
  const back = m.formFromRecord(rec, ITEMS)
  assert.deepEqual(m.toResultRecord(back, 'D', 'C'), rec)
  assert.equal(back.items[0].points[1].state, '')
})

test('evidence kinds and sizes', () => {
  assert.equal(m.evidenceKind('执法记录仪-0715.mp4', ''), 'video')
  assert.equal(m.evidenceKind('现场.JPG', 'image/jpeg'), 'photo')
  assert.equal(m.evidenceKind('询问笔录.pdf', 'application/pdf'), 'document')
  assert.equal(m.formatSize(1536), '1.5 KB')
  assert.equal(m.formatSize(73400320), '70.0 MB')
})
