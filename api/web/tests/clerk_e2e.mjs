// The registry clerk's screens in a real browser (ctest: integration.clerk_browser).
//
// A fresh node (tests/lib/harness.mjs) with 300 generated employers and 12 inspectors of
// Changzhou, `suiji serve` with the console, Debian's Chromium. The clerk:
//   - searches the employer directory by a part of a name and grade B, 10 a page, and pages
//     through every page: the rows are exactly the CSV's employers that match (and what
//     `suiji list targets --grade B --json` says of them);
//   - opens a record and sees its history (as many timeline entries as the API's events);
//   - imports a CSV with two bad cells: both cells are highlighted with the server's own
//     reasons and the log is unchanged; fixes the file, previews again and confirms: the rows
//     are written (`suiji show target --json`);
//   - downloads a template (the Chinese headers, UTF-8 with a BOM);
//   - declares a conflict of interest for an inspector and retires another (both checked at
//     the API and with `suiji show inspector --json`).
// A planner may search but not import: the menu has no 名录导入, the route shows 无权访问, and
// the API answers 403 forbidden. Screenshots of every screen at 1280 px in the artifacts.
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { runBrowserTest } from './lib/harness.mjs'

const BOM = '\uFEFF'

function readCsv(file) {
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) }
}

// A session's headers for a raw body (an import's file), which h.api() does not send.
async function sessionHeaders(h, user) {
  const r = await fetch(h.base + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: user.id, password: user.password }),
  })
  const { csrf_token: csrf } = await r.json()
  return { Cookie: r.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': csrf, 'Content-Type': 'text/csv' }
}

await runBrowserTest('clerk_e2e', async (h) => {
  h.node({ targets: 300, inspectors: 12 })
  const { clerk, planner } = h.users
  const targets = readCsv(path.join(h.sample, 'targets.csv')).rows // code, name, region, industry, headcount, grade, ...
  const inspectors = readCsv(path.join(h.sample, 'inspectors.csv')).rows // id, name, ...

  // A two-character part of names shared by 21 to 40 grade B employers: at least three pages of 10.
  const gradeB = targets.filter((t) => t[5] === 'B')
  const counts = new Map()
  for (const t of gradeB) {
    const chars = [...t[1]]
    const seen = new Set()
    for (let i = 6; i + 1 < chars.length; ++i) seen.add(chars[i] + chars[i + 1])
    for (const g of seen) counts.set(g, (counts.get(g) ?? 0) + 1)
  }
  const [fragment, count] = [...counts.entries()].filter(([, n]) => n >= 21 && n <= 40).sort()[0]
  const expected = gradeB.filter((t) => t[1].includes(fragment)).map((t) => t[0]).sort()
  h.check(expected.length === count, `"${fragment}" is in the names of ${count} grade B employers`)
  const listed = h.run(['list', 'targets', '--data', h.data, '--grade', 'B', '--limit', '0', '--json'])
    .trim().split('\n').map((l) => JSON.parse(l)) // JSON lines
  const cliMatches = listed.filter((t) => t.name.includes(fragment)).map((t) => t.credit_code).sort()
  h.check(JSON.stringify(cliMatches) === JSON.stringify(expected), '`suiji list targets --grade B` agrees with the CSV')

  // The files to import: three new employers (another seed), first with two bad cells.
  const extra = path.join(h.work, 'extra')
  execFileSync('python3', [path.join(h.sourceDir, 'ops/sample/gen_directory.py'), '--out', extra, '--targets', '3',
                           '--inspectors', '0', '--only-org', h.org, '--seed', '77', '--encoding', 'utf-8'])
  const fresh = readCsv(path.join(extra, 'targets.csv'))
  const good = fresh.rows.map((r) => [...r])
  const bad = fresh.rows.map((r) => [...r])
  bad[1][0] = bad[1][0].slice(0, 17) + (bad[1][0][17] === '1' ? '2' : '1') // a wrong check character
  bad[2][4] = '很多' // headcount
  const toCsv = (rows) => BOM + [fresh.header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n'
  const badFile = path.join(h.work, '导入-有错误.csv')
  const goodFile = path.join(h.work, '导入-已改正.csv')
  fs.writeFileSync(badFile, toCsv(bad))
  fs.writeFileSync(goodFile, toCsv(good))

  await h.serve()
  const clerkApi = await h.api(clerk)
  const logSize = async () => (await clerkApi.get('/healthz')).json.log_size

  const page = await h.page()
  await h.signIn(page, clerk, '/directory/targets')

  // --- the employer directory: name part + grade, 10 a page, every page ---
  await page.getByLabel('单位名称').fill(fragment)
  await page.getByLabel('行政区划').fill('320400')
  await page.locator('.el-form-item', { hasText: '信用等级' }).locator('.el-select').click()
  await page.getByRole('option', { name: 'B级' }).click()
  await page.locator('.el-form-item', { hasText: '每页' }).locator('.el-select').click()
  await page.getByRole('option', { name: '10 条' }).click()
  await page.getByRole('button', { name: '查询' }).click()
  const seen = []
  for (let n = 1; ; ++n) {
    await page.getByText(new RegExp(`^第 ${n} 页，本页 \\d+ 条`)).waitFor()
    const codes = (await page.locator('[data-test=targets] .el-table__body tr td:first-child').allInnerTexts()).map((s) => s.trim())
    h.check(codes.length <= 10, `page ${n} shows ${codes.length} rows (at most 10)`)
    seen.push(...codes)
    if (n === 1) await h.shot(page, 'target-search')
    const nextButton = page.getByRole('button', { name: '下一页' })
    if (await nextButton.isDisabled()) {
      h.check(await page.getByText(`第 ${n} 页，本页 ${codes.length} 条，已到最后一页`).isVisible(), `page ${n} is the last`)
      h.check(n >= 3, `${n} pages`)
      break
    }
    await nextButton.click()
  }
  h.check(JSON.stringify([...seen].sort()) === JSON.stringify(expected), `the pages show exactly the ${expected.length} matching employers, each once`)

  // --- a record and its history ---
  const code = expected[0]
  await page.goto(h.base + '/console/directory/targets/' + code)
  const name = targets.find((t) => t[0] === code)[1]
  await page.getByText(`用人单位：${name}`).waitFor()
  const history = (await clerkApi.get('/api/v1/history/target/' + code)).json
  await page.locator('[data-test=history] .el-timeline-item').first().waitFor()
  const items = await page.locator('[data-test=history] .el-timeline-item').count()
  h.check(items === history.events.length, `the timeline shows the record's ${history.events.length} events`)
  const timeline = page.locator('[data-test=history]')
  h.check(await timeline.getByText('登记入名录').first().isVisible(), 'the registration is in words')
  h.check(await timeline.getByText(`名称：${name}`).isVisible(), 'with the name it was registered under')
  h.check(await timeline.getByText(/测试运维（320400） · 第 \d+ 号事件/).first().isVisible(), 'and who wrote it')
  await h.shot(page, 'target-record')

  // --- import: two bad cells, nothing written; fixed, written ---
  await page.getByRole('menuitem', { name: '名录导入' }).click()
  await page.getByRole('heading', { name: '名录导入' }).waitFor()
  const before = await logSize()
  await page.getByLabel('选择文件').setInputFiles(badFile)
  await page.getByRole('button', { name: '上传并预览' }).click()
  await page.getByText('共 3 行，其中 2 行有错误：请改正后重新上传（未写入任何记录）').waitFor()
  const problems = await page.locator('[data-test=preview] .bad').evaluateAll((els) =>
    els.map((e) => ({ value: e.firstElementChild.textContent.trim(), why: e.getAttribute('data-problem') })),
  )
  // The reasons the API gives for the same file.
  const apiDry = await fetch(h.base + '/api/v1/imports/targets?dry_run=1', {
    method: 'POST',
    headers: await sessionHeaders(h, clerk),
    body: fs.readFileSync(badFile),
  }).then((r) => r.json())
  const apiProblems = apiDry.details.problems.map((p) => ({ value: p.value, why: p.reason }))
  h.check(apiProblems.length === 2, `the API names two bad cells (${JSON.stringify(apiProblems)})`)
  h.check(JSON.stringify(problems) === JSON.stringify(apiProblems), 'both bad cells are highlighted with the reasons the server gives')
  h.check(problems[0].value === bad[1][0] && problems[1].value === '很多', 'the credit code of row 3 and the headcount of row 4')
  h.check(await page.getByRole('button', { name: '确认导入' }).isDisabled(), 'a file with bad cells cannot be confirmed')
  h.check((await logSize()) === before, `nothing written (log size ${before})`)
  await h.shot(page, 'import-preview-bad-cells')

  await page.getByLabel('选择文件').setInputFiles(goodFile)
  await page.getByRole('button', { name: '上传并预览' }).click()
  await page.getByText('共 3 行：新增 3，变更 0，不变 0。确认后写入 3 条签名事件').waitFor()
  h.check((await logSize()) === before, 'the preview of the fixed file writes nothing either')
  await page.getByRole('button', { name: '确认导入' }).click()
  await page.getByText(/^已导入：新增 3，变更 0，不变 0；写入 3 条事件（自第 \d+ 号起）$/).waitFor()
  h.check((await logSize()) === before + 3, 'three events written')
  for (const r of good) {
    const shown = JSON.parse(h.run(['show', 'target', r[0], '--data', h.data, '--json']))
    h.check(shown.name === r[1] && shown.headcount === Number(r[4]), `suiji show target ${r[0]}: ${shown.name}, ${shown.headcount}`)
  }
  await h.shot(page, 'import-done')

  // --- a template ---
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByText('下载“用人单位”模板（CSV，Excel 可直接打开）').click(),
  ])
  const template = fs.readFileSync(await download.path(), 'utf8')
  const header = readCsv(path.join(h.sample, 'targets.csv')).header.join(',')
  h.check(template === BOM + header + '\r\n', `the template is the importer's Chinese header row, UTF-8 with a BOM: ${JSON.stringify(template)}`)

  // --- inspectors: search, a conflict, a retirement ---
  const [declarer, leaver] = [inspectors[0], inspectors[1]]
  await page.getByRole('menuitem', { name: '检查人员名录' }).click()
  await page.getByLabel('姓名').fill([...declarer[1]].slice(1).join(''))
  await page.getByRole('button', { name: '查询' }).click()
  await page.locator('[data-test=inspectors]').getByText(declarer[0]).waitFor()
  await h.shot(page, 'inspector-search')
  await page.locator('[data-test=inspectors]').getByText(declarer[0]).click()
  await page.getByText(`检查人员：${declarer[1]}`).waitFor()
  const conflictCode = expected[1]
  await page.getByLabel('回避单位信用代码').fill(conflictCode)
  await page.getByLabel('回避原因').fill('近亲属在该单位任职')
  await page.getByRole('button', { name: '声明回避' }).click()
  await page.locator('[data-test=conflicts]').getByText(conflictCode).waitFor()
  await page.locator('[data-test=history]').getByText('声明回避', { exact: true }).waitFor()
  const record = (await clerkApi.get('/api/v1/inspectors/' + declarer[0])).json
  h.check(JSON.stringify(record.conflicts) === JSON.stringify([conflictCode]), 'the API lists the declared conflict')
  const shownInspector = JSON.parse(h.run(['show', 'inspector', declarer[0], '--data', h.data, '--json']))
  h.check(JSON.stringify(shownInspector.conflicts) === JSON.stringify([conflictCode]), 'and so does suiji show inspector')
  await h.shot(page, 'inspector-record-conflict')

  await page.goto(h.base + '/console/directory/inspectors/' + leaver[0])
  await page.getByText(`检查人员：${leaver[1]}`).waitFor()
  await page.getByRole('button', { name: '退出名录' }).click()
  await page.getByLabel('原因', { exact: true }).fill('调离执法岗位')
  await page.getByRole('dialog', { name: '检查人员退出名录' }).getByRole('button', { name: '提交' }).click()
  await page.getByRole('button', { name: '确定退出' }).click()
  await page.locator('[data-test=status]').getByText('已退出').waitFor()
  await page.locator('[data-test=history]').getByText('退出检查人员名录').waitFor()
  h.check((await clerkApi.get('/api/v1/inspectors/' + leaver[0])).json.status === 'retired', 'the API says retired')
  const retired = JSON.parse(h.run(['show', 'inspector', leaver[0], '--data', h.data, '--json']))
  h.check(retired.status === 'retired', 'suiji show inspector says retired')
  await h.shot(page, 'inspector-retired')

  // --- a planner: may search, may not import ---
  const plannerPage = await h.page()
  await h.signIn(plannerPage, planner)
  h.check(await plannerPage.getByRole('menuitem', { name: '用人单位名录' }).isVisible(), 'the planner sees the employer directory')
  h.check(!(await plannerPage.getByRole('menuitem', { name: '名录导入' }).isVisible()), 'but no 名录导入 in its menu')
  await plannerPage.goto(h.base + '/console/directory/import')
  await plannerPage.getByText('无权访问').waitFor()
  h.check(plannerPage.url().includes('/console/forbidden'), 'the import route is refused in the interface')
  await h.shot(plannerPage, 'planner-import-refused')
  await plannerPage.goto(h.base + '/console/directory/targets')
  await plannerPage.getByLabel('单位名称').fill(fragment)
  await plannerPage.getByRole('button', { name: '查询' }).click()
  await plannerPage.getByText(/^第 1 页，本页 \d+ 条/).waitFor()
  h.check(true, 'the planner searches the directory')
  const plannerApi = await h.api(planner)
  const refused = await fetch(h.base + '/api/v1/imports/targets?dry_run=1', {
    method: 'POST',
    headers: await sessionHeaders(h, planner),
    body: fs.readFileSync(goodFile),
  })
  const refusal = await refused.json()
  h.check(refused.status === 403 && refusal.code === 'forbidden' &&
          refusal.message === 'your roles do not allow POST /api/v1/imports/{kind}',
          `the API refuses the planner's import: ${refused.status} ${refusal.code}: ${refusal.message}`)
  const tpl = await plannerApi.get('/api/v1/import-templates/targets')
  h.check(tpl.status === 403 && tpl.json.code === 'forbidden', 'and its template download (403 forbidden)')
})
