// The import preview's logic (tests/unit): the dry run's report (the file as the server read
// it, and every bad cell as row, column, value and reason) turned into the table the clerk
// sees, each bad cell carrying its reason; problems that name no cell of the table (a
// required column missing, a row beyond the preview) are listed apart, so none is lost.
import type { ImportKind, ImportReport, RowProblem } from '../../api/registry'

export const KIND_NAMES: Record<ImportKind, string> = {
  targets: '用人单位',
  inspectors: '检查人员',
  items: '抽查事项',
}

export interface PreviewCell {
  value: string
  problem?: string // the reason(s), in Chinese first, when the cell is bad
}

export interface PreviewRow {
  row: number // as Excel or WPS numbers it (the header is row 1)
  cells: PreviewCell[]
  bad: boolean
}

export interface Preview {
  header: string[]
  rows: PreviewRow[]
  totalRows: number // rows in the file (the preview may show fewer)
  badRows: number
  badCells: number // cells of the table marked bad
  unplaced: RowProblem[] // problems that name no cell of the table
}

export function buildPreview(report: ImportReport): Preview {
  const header = report.preview?.header ?? []
  const byCell = new Map<string, string[]>()
  const rowNumbers = new Set((report.preview?.rows ?? []).map((r) => r.row))
  const unplaced: RowProblem[] = []
  for (const p of report.problems) {
    const col = header.indexOf(p.column)
    if (col < 0 || !rowNumbers.has(p.row)) {
      unplaced.push(p)
      continue
    }
    const key = `${p.row}:${col}`
    byCell.set(key, [...(byCell.get(key) ?? []), p.reason])
  }
  const badRowNumbers = new Set(report.problems.map((p) => p.row))
  const rows: PreviewRow[] = (report.preview?.rows ?? []).map((r) => ({
    row: r.row,
    bad: badRowNumbers.has(r.row),
    cells: r.cells.map((value, i) => {
      const reasons = byCell.get(`${r.row}:${i}`)
      return reasons ? { value, problem: reasons.join('；') } : { value }
    }),
  }))
  return {
    header,
    rows,
    totalRows: report.preview?.total_rows ?? report.rows,
    badRows: report.bad_rows,
    badCells: byCell.size,
    unplaced,
  }
}

// What the dry run says will happen, in one line.
export function dryRunSummary(r: ImportReport): string {
  if (r.bad_rows > 0) return `共 ${r.rows} 行，其中 ${r.bad_rows} 行有错误：请改正后重新上传（未写入任何记录）`
  if (r.events === 0) return `共 ${r.rows} 行，与名录现有记录完全相同，无需导入`
  return `共 ${r.rows} 行：新增 ${r.added}，变更 ${r.changed}，不变 ${r.unchanged}。确认后写入 ${r.events} 条签名事件`
}

export function importedSummary(r: ImportReport): string {
  if (!r.written) return `未写入：共 ${r.rows} 行，与名录现有记录完全相同`
  return `已导入：新增 ${r.added}，变更 ${r.changed}，不变 ${r.unchanged}；写入 ${r.events} 条事件（自第 ${r.first_sequence} 号起）`
}

// The file chosen: CSV or XLSX by its name, and not empty. An error message, or "".
export function checkFile(name: string, size: number): string {
  if (!/\.(csv|xlsx)$/i.test(name)) return '请选择 CSV 或 XLSX 文件（Excel 另存为 CSV，或直接上传 .xlsx）'
  if (size === 0) return '文件是空的'
  return ''
}
