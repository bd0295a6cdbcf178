// The import preview (useImportPreview.ts): bad cells marked with their reasons, problems
// without a cell listed apart, the summaries and the file check.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const { buildPreview, dryRunSummary, importedSummary, checkFile } = await load('views/directory/useImportPreview.js')

const report = {
  rows: 3, added: 1, changed: 0, unchanged: 0, retired: 0, bad_rows: 2, events: 0, written: false, first_sequence: 0,
  problems: [
    { row: 3, column: '统一社会信用代码', value: '91320402MA1XXXXXX0', reason: '校验位错误' },
    { row: 4, column: '职工人数', value: '很多', reason: '职工人数应为整数' },
    { row: 4, column: '职工人数', value: '很多', reason: '另一条原因' },
    { row: 9, column: '单位名称', value: '', reason: '第 9 行不在预览中' },
    { row: 1, column: '行业代码', value: '', reason: '缺少必填列：行业代码' },
  ],
  preview: {
    header: ['统一社会信用代码', '单位名称', '职工人数'],
    total_rows: 3,
    rows: [
      { row: 2, cells: ['91320402000000010X', '甲公司', '12'] },
      { row: 3, cells: ['91320402MA1XXXXXX0', '乙公司', '8'] },
      { row: 4, cells: ['91320402000000029Y', '丙公司', '很多'] },
    ],
  },
}

test('every bad cell carries its reasons; good cells none', () => {
  const p = buildPreview(report)
  assert.deepEqual(p.header, ['统一社会信用代码', '单位名称', '职工人数'])
  assert.equal(p.badCells, 2)
  assert.equal(p.badRows, 2)
  assert.deepEqual(p.rows.map((r) => r.bad), [false, true, true])
  assert.deepEqual(p.rows[0].cells, [{ value: '91320402000000010X' }, { value: '甲公司' }, { value: '12' }])
  assert.deepEqual(p.rows[1].cells[0], { value: '91320402MA1XXXXXX0', problem: '校验位错误' })
  assert.deepEqual(p.rows[1].cells[1], { value: '乙公司' })
  assert.deepEqual(p.rows[2].cells[2], { value: '很多', problem: '职工人数应为整数；另一条原因' })
})

test('problems that name no cell of the table are kept apart', () => {
  const p = buildPreview(report)
  assert.deepEqual(p.unplaced.map((u) => u.reason), ['第 9 行不在预览中', '缺少必填列：行业代码'])
})

test('the summaries say what happened or will happen', () => {
  assert.equal(dryRunSummary(report), '共 3 行，其中 2 行有错误：请改正后重新上传（未写入任何记录）')
  const clean = { ...report, bad_rows: 0, problems: [], added: 2, changed: 1, unchanged: 0, events: 3 }
  assert.equal(dryRunSummary(clean), '共 3 行：新增 2，变更 1，不变 0。确认后写入 3 条签名事件')
  assert.equal(dryRunSummary({ ...clean, events: 0 }), '共 3 行，与名录现有记录完全相同，无需导入')
  assert.equal(
    importedSummary({ ...clean, written: true, first_sequence: 88 }),
    '已导入：新增 2，变更 1，不变 0；写入 3 条事件（自第 88 号起）',
  )
})

test('only CSV or XLSX files, not empty', () => {
  assert.equal(checkFile('名录.CSV', 10), '')
  assert.equal(checkFile('名录.xlsx', 10), '')
  assert.equal(checkFile('名录.xls', 10), '请选择 CSV 或 XLSX 文件（Excel 另存为 CSV，或直接上传 .xlsx）')
  assert.equal(checkFile('名录.csv', 0), '文件是空的')
})
