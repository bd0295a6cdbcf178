// The working-day calendar screen, its logic (no Vue: unit-tested under node --test,
// tests/unit/): a month as weeks of days marked holiday (休) or make-up working day (班),
// a click cycling a day's mark, the checks the server applies (ledger/core/directory/
// calendar.h ValidateSchedule: make-up days fall on a Saturday or Sunday, every holiday
// named), and the schedule as the table POST /api/v1/calendar takes (the format of
// ops/calendar/cn-workdays.tsv).
import type { CalendarYear } from '../../api/admin'

export type DayKind = 'normal' | 'holiday' | 'workday'

// A year's schedule as the screen edits it: date -> holiday name, and the make-up days.
export interface Schedule {
  year: number
  source: string
  holidays: Map<string, string>
  workdays: Set<string>
}

export function scheduleOf(c: CalendarYear): Schedule {
  return {
    year: c.year,
    source: c.source,
    holidays: new Map(c.holidays.map((h) => [h.date, h.name])),
    workdays: new Set(c.workdays),
  }
}

export function emptySchedule(year: number): Schedule {
  return { year, source: '', holidays: new Map(), workdays: new Set() }
}

const pad = (n: number) => String(n).padStart(2, '0')
export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`
}

// 0 Sunday .. 6 Saturday (UTC: no time-zone surprises).
export function weekday(date: string): number {
  return new Date(date + 'T00:00:00Z').getUTCDay()
}
export function isWeekend(date: string): boolean {
  const w = weekday(date)
  return w === 0 || w === 6
}

export function kindOf(s: Schedule, date: string): DayKind {
  if (s.holidays.has(date)) return 'holiday'
  if (s.workdays.has(date)) return 'workday'
  return 'normal'
}

// Whether a day is worked: a make-up day is; a holiday or a weekend day is not.
export function isWorkingDay(s: Schedule, date: string): boolean {
  const k = kindOf(s, date)
  if (k === 'holiday') return false
  if (k === 'workday') return true
  return !isWeekend(date)
}

export interface DayCell {
  date: string
  day: number
  weekend: boolean
  kind: DayKind
  name: string
  working: boolean
}

// The month as weeks Monday to Sunday; days outside the month are null.
export function monthGrid(s: Schedule, month: number): (DayCell | null)[][] {
  const days = new Date(Date.UTC(s.year, month, 0)).getUTCDate()
  const first = (weekday(isoDate(s.year, month, 1)) + 6) % 7 // Monday = 0
  const cells: (DayCell | null)[] = Array(first).fill(null)
  for (let d = 1; d <= days; ++d) {
    const date = isoDate(s.year, month, d)
    cells.push({
      date,
      day: d,
      weekend: isWeekend(date),
      kind: kindOf(s, date),
      name: s.holidays.get(date) ?? '',
      working: isWorkingDay(s, date),
    })
  }
  while (cells.length % 7 !== 0) cells.push(null)
  const weeks: (DayCell | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

// A click: a weekday cycles normal -> holiday -> normal; a weekend day cycles normal ->
// holiday -> make-up working day -> normal (only weekend days can be make-up days).
export function cycleDay(s: Schedule, date: string, holidayName: string): void {
  const k = kindOf(s, date)
  if (k === 'normal') {
    s.holidays.set(date, holidayName)
  } else if (k === 'holiday') {
    s.holidays.delete(date)
    if (isWeekend(date)) s.workdays.add(date)
  } else {
    s.workdays.delete(date)
  }
}

export function validateSchedule(s: Schedule): string[] {
  const errors: string[] = []
  for (const [date, name] of [...s.holidays].sort()) {
    if (!date.startsWith(String(s.year) + '-')) errors.push(`${date} 不在 ${s.year} 年内`)
    if (!name.trim()) errors.push(`${date} 的节日名称未填写`)
  }
  for (const date of [...s.workdays].sort()) {
    if (!isWeekend(date)) errors.push(`${date} 不是周六或周日，不能设为调休上班日`)
    if (s.holidays.has(date)) errors.push(`${date} 不能既是假日又是上班日`)
  }
  return errors
}

// The schedule as the table of ops/calendar/cn-workdays.tsv: year, date, kind (休/班), name.
export function scheduleTable(s: Schedule): string {
  const lines = [`# year\tdate\tkind\tname`]
  if (s.source.trim()) lines.push(`${s.year}\tsource\t\t${s.source.trim()}`)
  const rows: [string, string][] = [
    ...[...s.holidays].map(([d, n]): [string, string] => [d, `${s.year}\t${d}\t休\t${n.trim()}`]),
    ...[...s.workdays].map((d): [string, string] => [d, `${s.year}\t${d}\t班\t`]),
  ]
  rows.sort((a, b) => a[0].localeCompare(b[0]))
  for (const [, line] of rows) lines.push(line)
  return lines.join('\n') + '\n'
}
