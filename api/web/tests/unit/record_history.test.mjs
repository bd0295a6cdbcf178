// A record's history in words (useRecordHistory.ts): Beijing time, who, and each update told
// as "field: before → after" from the events folded in order.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const { describeHistory, beijingTime } = await load('views/directory/useRecordHistory.js')

const t0 = Date.UTC(2026, 2, 1, 1, 2, 3) * 1000 // 2026-03-01 01:02:03 UTC

test('times are Beijing time', () => {
  assert.equal(beijingTime(t0), '2026-03-01 09:02:03')
  assert.equal(beijingTime(Date.UTC(2026, 11, 31, 16, 0, 0) * 1000), '2027-01-01 00:00:00')
})

test("an employer's registration, update and retirement in words", () => {
  const events = [
    {
      sequence: 10, type: 'TargetRegistered', time_us: t0, actor: { org_unit: '320400', user: 'clerk' },
      payload: { credit_code: 'X', name: '甲公司', region: '320402', industry: '3411', headcount: 20, credit_grade: 'B', blacklisted: false, status: 'Active', org_id: '320400' },
    },
    {
      sequence: 11, type: 'TargetUpdated', time_us: t0, actor: { org_unit: '320400', user: 'clerk' },
      payload: { credit_code: 'X', headcount: 25, credit_grade: 'C' },
    },
    {
      sequence: 12, type: 'TargetRetired', time_us: t0, actor: { org_unit: '320400', user: '' },
      payload: { credit_code: 'X', status: 'Moved', reason: '迁往无锡' },
    },
  ]
  const items = describeHistory(events)
  assert.deepEqual(items[0], {
    sequence: 10, time: '2026-03-01 09:02:03', who: 'clerk（320400）', title: '登记入名录', kind: 'primary',
    changes: ['名称：甲公司', '行政区划：320402', '行业代码：3411', '职工人数：20', '信用等级：B', '列入黑名单：否', '状态：在册', '所属机构：320400'],
  })
  assert.deepEqual(items[1].changes, ['职工人数：20 → 25', '信用等级：B → C'])
  assert.equal(items[1].title, '信息变更')
  assert.deepEqual([items[2].title, items[2].who, items[2].changes], ['迁出本辖区', '节点运维（320400）', ['原因：迁往无锡']])
})

test("an inspector's conflicts and retirement", () => {
  const a = { org_unit: '320400', user: 'clerk' }
  const items = describeHistory([
    { sequence: 1, type: 'InspectorRegistered', time_us: t0, actor: a, payload: { inspector_id: 'JS1', name: '王五', domains: ['劳动用工', '工资支付'] } },
    { sequence: 2, type: 'ConflictDeclared', time_us: t0, actor: a, payload: { inspector_id: 'JS1', credit_code: 'C1', reason: '亲属任职' } },
    { sequence: 3, type: 'ConflictWithdrawn', time_us: t0, actor: a, payload: { inspector_id: 'JS1', credit_code: 'C1' } },
    { sequence: 4, type: 'InspectorUpdated', time_us: t0, actor: a, payload: { inspector_id: 'JS1', domains: ['劳动用工'] } },
    { sequence: 5, type: 'InspectorRetired', time_us: t0, actor: a, payload: { inspector_id: 'JS1', reason: '调离' } },
  ])
  assert.deepEqual(items.map((i) => i.title), ['登记检查人员', '声明回避', '撤销回避', '信息变更', '退出检查人员名录'])
  assert.deepEqual(items[0].changes, ['名称：王五', '执法领域：劳动用工、工资支付'])
  assert.deepEqual(items[1].changes, ['用人单位：C1', '原因：亲属任职'])
  assert.deepEqual(items[2].changes, ['用人单位：C1'])
  assert.deepEqual(items[3].changes, ['执法领域：劳动用工、工资支付 → 劳动用工'])
})
