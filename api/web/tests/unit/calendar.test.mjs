// The working-day calendar screen's logic (src/views/admin/calendar.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'
const {
  cycleDay,
  emptySchedule,
  isWorkingDay,
  monthGrid,
  scheduleOf,
  scheduleTable,
  validateSchedule,
} = await load('views/admin/calendar.js')

// 2026's National Day: 1-7 October off (1-3 the holiday itself), Saturday 10 October worked
// (the State Council's notice; ops/calendar/cn-workdays.tsv).
const october2026 = () =>
  scheduleOf({
    year: 2026,
    source: '国办发明电〔2025〕7号',
    holidays: [1, 2, 3, 4, 5, 6, 7].map((d) => ({ date: `2026-10-0${d}`, name: '国庆节' })),
    workdays: ['2026-10-10'],
  })

test('monthGrid lays October 2026 out Monday to Sunday with its marks', () => {
  const weeks = monthGrid(october2026(), 10)
  assert.equal(weeks.length, 5)
  // 1 October 2026 is a Thursday: three empty cells first.
  assert.deepEqual(weeks[0].slice(0, 3), [null, null, null])
  assert.equal(weeks[0][3].date, '2026-10-01')
  assert.equal(weeks[0][3].kind, 'holiday')
  assert.equal(weeks[0][3].name, '国庆节')
  assert.equal(weeks[0][3].working, false)
  const sat10 = weeks[1][5]
  assert.equal(sat10.date, '2026-10-10')
  assert.equal(sat10.kind, 'workday')
  assert.equal(sat10.weekend, true)
  assert.equal(sat10.working, true)
  assert.equal(weeks[1][6].date, '2026-10-11') // Sunday, an ordinary weekend day
  assert.equal(weeks[1][6].working, false)
  assert.equal(weeks[4][5].date, '2026-10-31')
  assert.equal(weeks[4][6], null)
  // Off: the 7 holidays and the weekend days 11, 17, 18, 24, 25, 31 (10 October is worked).
  assert.equal(weeks.flat().filter((c) => c && !c.working).length, 7 + 6)
})

test('a click cycles a weekday between normal and holiday, a weekend day through make-up day', () => {
  const s = emptySchedule(2027)
  cycleDay(s, '2027-01-01', '元旦') // a Friday
  assert.equal(s.holidays.get('2027-01-01'), '元旦')
  cycleDay(s, '2027-01-01', '元旦')
  assert.equal(s.holidays.size, 0)
  assert.equal(s.workdays.size, 0)
  cycleDay(s, '2027-01-02', '元旦') // a Saturday
  cycleDay(s, '2027-01-02', '元旦')
  assert.deepEqual([...s.workdays], ['2027-01-02'])
  assert.equal(isWorkingDay(s, '2027-01-02'), true)
  cycleDay(s, '2027-01-02', '元旦')
  assert.equal(s.workdays.size, 0)
  assert.equal(isWorkingDay(s, '2027-01-02'), false)
})

test('validateSchedule names each broken rule', () => {
  const s = emptySchedule(2027)
  s.holidays.set('2027-02-01', '')
  s.holidays.set('2028-01-01', '元旦')
  s.workdays.add('2027-02-03') // a Wednesday
  assert.deepEqual(validateSchedule(s), [
    '2027-02-01 的节日名称未填写',
    '2028-01-01 不在 2027 年内',
    '2027-02-03 不是周六或周日，不能设为调休上班日',
  ])
  assert.deepEqual(validateSchedule(october2026()), [])
})

test('scheduleTable writes the table of ops/calendar/cn-workdays.tsv in date order', () => {
  assert.equal(
    scheduleTable(october2026()).split('\n').slice(0, 4).join('\n'),
    '# year\tdate\tkind\tname\n2026\tsource\t\t国办发明电〔2025〕7号\n2026\t2026-10-01\t休\t国庆节\n2026\t2026-10-02\t休\t国庆节',
  )
  const lines = scheduleTable(october2026()).split('\n').slice(0, -1)
  assert.equal(lines.length, 2 + 7 + 1)
  assert.equal(lines[lines.length - 1], '2026\t2026-10-10\t班\t')
})
