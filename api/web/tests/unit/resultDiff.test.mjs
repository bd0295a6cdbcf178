// The difference between two result revisions (src/views/inspection/resultDiff.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const { diffResults } = await load('views/inspection/resultDiff.js')

const V = { description: '未按月足额支付3名劳动者工资', legal_basis: '《保障农民工工资支付条例》第十五条', handling: ['order_correction'], no_penalty_list: false, fine_yuan: 0 }
const E = { sha256: 'ab'.repeat(32), size: 14, kind: 'photo', name: '现场.jpg' }
function base() {
  return {
    draw_id: 'D', credit_code: 'C', inspection_date: '2026-07-15', team: ['JS001', 'JS002'],
    items: [
      { item_id: 'HRSS-01', outcome: 'no_problem', outcome_text: '', findings: [{ point: '合同文本', compliant: true, text: '' }], violations: [] },
      { item_id: 'HRSS-02', outcome: 'corrected', outcome_text: '', findings: [], violations: [{ ...V }] },
    ],
    evidence: [{ ...E }],
  }
}

test('the same revision twice has no difference', () => {
  assert.deepEqual(diffResults(base(), base()), [])
})

test('a changed violation, outcome and finding are named in Chinese with before and after', () => {
  const b = base()
  b.items[1].violations[0].description = '未按月足额支付4名劳动者工资'
  b.items[1].violations[0].handling = ['order_correction', 'fine']
  b.items[1].violations[0].fine_yuan = 5000
  b.items[0].outcome = 'other'
  b.items[0].outcome_text = '部分合同待补签'
  b.items[0].findings[0] = { point: '合同文本', compliant: false, text: '2份合同缺签名' }
  assert.deepEqual(diffResults(base(), b), [
    { kind: 'changed', where: '事项 HRSS-01 · 检查结果', before: '未发现问题', after: '其他' },
    { kind: 'added', where: '事项 HRSS-01 · 结果说明', before: '', after: '部分合同待补签' },
    { kind: 'changed', where: '事项 HRSS-01 · 检查要点「合同文本」', before: '符合', after: '不符合：2份合同缺签名' },
    { kind: 'changed', where: '事项 HRSS-02 · 违法行为 1 · 描述', before: '未按月足额支付3名劳动者工资', after: '未按月足额支付4名劳动者工资' },
    { kind: 'changed', where: '事项 HRSS-02 · 违法行为 1 · 处理措施', before: '责令改正', after: '责令改正、罚款' },
    { kind: 'changed', where: '事项 HRSS-02 · 违法行为 1 · 罚款（元）', before: '0', after: '5000' },
  ])
})

test('violations and evidence added or removed', () => {
  const a = base()
  const b = base()
  b.items[1].violations.push({ ...V, description: '未依法签订书面劳动合同', legal_basis: '《劳动合同法》第十条' })
  b.evidence = [{ sha256: 'cd'.repeat(32), size: 73400320, kind: 'video', name: '执法记录仪.mp4' }]
  assert.deepEqual(diffResults(a, b), [
    { kind: 'added', where: '事项 HRSS-02 · 违法行为 2', before: '', after: '未依法签订书面劳动合同（《劳动合同法》第十条；责令改正）' },
    { kind: 'removed', where: '证据文件', before: `现场.jpg（photo，14 字节，SHA-256 ${'ab'.repeat(32)}）`, after: '' },
    { kind: 'added', where: '证据文件', before: '', after: `执法记录仪.mp4（video，73400320 字节，SHA-256 ${'cd'.repeat(32)}）` },
  ])
})

test('items only in one revision, the team and the no-penalty list', () => {
  const a = base()
  const b = base()
  b.items.splice(0, 1)
  b.team = ['JS001', 'JS003']
  b.items[0].violations[0].no_penalty_list = true
  assert.deepEqual(diffResults(a, b), [
    { kind: 'changed', where: '检查人员', before: 'JS001、JS002', after: 'JS001、JS003' },
    { kind: 'changed', where: '事项 HRSS-02 · 违法行为 1 · 轻微违法不予处罚清单', before: '否', after: '是' },
    { kind: 'removed', where: '事项 HRSS-01', before: '未发现问题', after: '' },
  ])
})
