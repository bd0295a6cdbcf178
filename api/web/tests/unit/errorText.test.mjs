// The API's refusals of result steps in Chinese (src/views/inspection/errorText.ts), on the
// exact messages ledger/core/inspection/state.cc and the routes give.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const { zhError } = await load('views/inspection/errorText.js')

test('submission before the team confirmed names who has not', () => {
  assert.deepEqual(zhError(409, 'failed_precondition',
    'cannot submit the result of 91320400MA1 in draw T-d1: revision 1 is not confirmed by inspector(s) JS3204001, JS3204007 of its team; each confirms it themself (ResultConfirmed)'),
  { text: '第 1 版尚未经检查组成员 JS3204001、JS3204007 确认（每人须以本人账号确认）', field: undefined })
})

test('workflow states and the reviewer rules', () => {
  assert.equal(zhError(409, 'failed_precondition', 'cannot publish the result of C in draw D: it is awaiting_review; next: review it (approve or return)').text,
    '结果当前为“待审核”，不能公示')
  assert.equal(zhError(409, 'failed_precondition', 'user "insp-a" recorded revision 1 of the result of C in draw D; another person reviews it (审核 by someone else)').text,
    '录入该版本的人员不能审核本人录入的结果（须由他人审核）')
  assert.deepEqual(zhError(422, 'invalid', "a returned result needs the reviewer's reason"), { text: '退回须写明理由', field: 'reason' })
  assert.equal(zhError(409, 'failed_precondition', 'inspector "JS1" already confirmed revision 2 of the result of C in draw D (entry 40)').text, '您已确认过第 2 版')
})

test('the field of a date or field check', () => {
  assert.deepEqual(zhError(422, 'invalid', "inspection_date 2026-08-02 is outside the task's window 2026-06-01 to 2026-07-31"),
    { text: '检查日期 2026-08-02 不在任务时限 2026-06-01 至 2026-07-31 内', field: 'inspection_date' })
  assert.deepEqual(zhError(422, 'invalid', 'result: items[1].violations[0].handling: 须写明处理措施 (state the handling)'),
    { text: '须写明处理措施', field: 'items[1].violations[0].handling' })
  assert.deepEqual(zhError(422, 'invalid', 'transfer: to_body: 不能为空 (required)'), { text: '不能为空', field: 'to' })
})

test('roles and teams', () => {
  assert.deepEqual(zhError(403, 'forbidden', 'your roles do not allow POST /api/v1/results/{draw_id}/{credit_code}/review'),
    { text: '您的角色无权进行此操作' })
  assert.deepEqual(zhError(403, 'not_on_team', 'an inspector records results only for visits they are on'),
    { text: '您不在该检查的检查组中，不能进行此操作' })
  assert.equal(zhError(500, 'internal', 'disk went away').text, '操作被拒绝（500 internal）：disk went away')
})
