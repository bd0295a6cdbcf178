// Unit tests of the draw ceremony's rules (src/views/planner/ceremony.ts), run by Node's own
// test runner over the TypeScript compiled by tests/unit/run.mjs (ctest unit.console_logic).
import test from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const c = await load('views/planner/ceremony.js')

test('Beijing time is UTC+8', () => {
  assert.equal(c.beijing(Date.UTC(2026, 5, 1, 1, 30, 5) / 1000), '2026-06-01 09:30:05')
  assert.equal(c.beijing(Date.UTC(2026, 11, 31, 20, 0, 0) / 1000), '2027-01-01 04:00:00')
})

test('the countdown to the entropy', () => {
  const at = 1_000_000
  assert.deepEqual(c.countdown(at, (at - 3725) * 1000), { due: false, text: '1:02:05' })
  assert.deepEqual(c.countdown(at, (at - 65) * 1000), { due: false, text: '1:05' })
  assert.deepEqual(c.countdown(at, (at - 0.2) * 1000), { due: false, text: '0:01' })
  assert.deepEqual(c.countdown(at, at * 1000), { due: true, text: '0:00' })
  assert.deepEqual(c.countdown(at, (at + 10) * 1000), { due: true, text: '0:00' })
})

test('the entropy waited for, latest first; none for witnesses only', () => {
  const base = { drand_chain: '', drand_round: 0, drand_round_time: 0, lottery_name: '', lottery_issue: '', lottery_time: 0 }
  assert.deepEqual(c.entropyWaits({ ...base, witnesses: ['张某'] }), [])
  assert.deepEqual(c.entropyWaits({ ...base, drand_chain: 'x', drand_round: 123, drand_round_time: 500,
                                    lottery_name: '福彩3D', lottery_issue: '2026320', lottery_time: 900 }),
                   [{ source: '福彩3D 第 2026320 期开奖', at: 900 }, { source: 'drand 第 123 轮', at: 500 }])
})

test('the QR text and the hash read aloud in groups of 8', () => {
  const hash = 'ab'.repeat(32)
  assert.equal(c.qrText('T-1-d1', hash), 'suiji-commitment:T-1-d1:' + hash)
  assert.equal(c.groupHex('0123456789abcdef01'), '01234567 89abcdef 01')
})

test('the result grouped by stratum in the result\'s stratum order, each in draw order', () => {
  const v = (order, code, stratum) => ({ order, credit_code: code, stratum, name: '', batch: 0, weight: 1, rank_key: 0, team: [], experts: [], substitutes: [], merged_into: '' })
  const draw = { result: { parts: 1, selected_total: 4,
    strata: [{ key: '320402' }, { key: '320402/C' }, { key: '320411' }],
    visits: [v(3, 'c', '320411'), v(1, 'a', '320402'), v(4, 'd', '320402'), v(2, 'b', '320411')] } }
  assert.deepEqual(c.visitsByStratum(draw).map((g) => [g.stratum, g.visits.map((x) => x.credit_code)]),
                   [['320402', ['a', 'd']], ['320411', ['b', 'c']]])
  assert.deepEqual(c.visitsByStratum({ result: null }), [])
  assert.equal(c.stratumLabel('320402/C'), '320402（C级）')
  assert.equal(c.stratumLabel('all/C'), '全部（C级）')
  assert.equal(c.stratumLabel('all'), '全部')
})

test("witnesses' digits: 1 to 64 decimal digits", () => {
  assert.deepEqual(c.checkDigits(['3817', '0562']), {})
  assert.deepEqual(c.checkDigits(['', '12a', '1'.repeat(65), ' 42 ']), { 0: '请填写1至64位数字', 1: '请填写1至64位数字', 2: '请填写1至64位数字' })
})

test("the node's refusals in Chinese on their field", () => {
  assert.deepEqual(c.readRefusal('no substitute left for X at Y; cancel the draw with a reason and redraw'), {
    field: 'inspector_id',
    text: '替补人员已用完，需取消本次抽取并说明理由后重抽（no substitute left for X at Y; cancel the draw with a reason and redraw）',
  })
  assert.deepEqual(c.readRefusal('expected digits from 2 witnesses, got 1'), {
    field: 'witness_digits', text: '须由每位见证人各报一组数字（expected digits from 2 witnesses, got 1）' })
  assert.deepEqual(c.readRefusal('drand round 5 is due in 12 s; wait for it'), {
    field: 'drand', text: 'drand 随机数尚未产生，请等倒计时结束（drand round 5 is due in 12 s; wait for it）' })
  assert.deepEqual(c.readRefusal('确认人不能为空 (confirmed_by is required)', 'confirmed_by'), {
    field: 'confirmed_by', text: '确认人不能为空 (confirmed_by is required)' })
  assert.deepEqual(c.readRefusal('something else'), { field: '', text: '操作被拒绝（something else）' })
})
