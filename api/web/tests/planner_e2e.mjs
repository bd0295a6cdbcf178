// The planner's screens and the draw ceremony in a real browser (ctest:
// integration.planner_browser).
//
// A fresh node (tests/lib/harness.mjs: 60 generated employers of Changzhou, 12 inspectors, the
// item list, one user per role), `suiji serve` and Debian's Chromium. A registry clerk is
// refused the planner's screens (no menu entry, the route answers 无权访问) and gets 403 at the
// API. The planner files an annual plan and a new version of it (checked against `suiji plan
// show --json`), is refused a plan filed with the wrong bureau (the error in Chinese on its
// field), defines a task through the wizard: a count task first, whose estimate warns that
// grade C at 100% balloons it (the numbers checked against the estimate route), then a ratio
// task whose estimate per stratum is checked against what the freeze then records (`suiji draw
// show --json`). The ceremony: freeze (counts and roots as the command line shows them), an
// empty cancellation reason refused on the page, commit with two witnesses and no drand (the
// test has no network), the commitment hash and its QR code, the projector view at 1920x1080,
// the witnesses' digits, reveal, the result equal to `suiji draw show --json`'s visits (teams
// and substitutes), on the projector too; a decline with the substitute shown (the first
// substitute of that visit, as the command line records it), the announcement (the public
// draw carries it). Screenshots of every screen at 1280 px and the projector at 1920x1080.
import { runBrowserTest } from './lib/harness.mjs'

const PLAN = 'P-320400-2026'
const TASK = 'T-320400-2026-07'
const DRAW = TASK + '-d1'

await runBrowserTest('planner_e2e', async (h) => {
  h.node({ targets: 60, inspectors: 12 })
  const { clerk, planner } = h.users
  const json = (args) => JSON.parse(h.run([...args, '--data', h.data, '--json']))
  await h.serve()

  // --- a registry clerk: no planner menu, the route refused, 403 at the API ---
  const clerkPage = await h.page()
  await h.signIn(clerkPage, clerk)
  h.check(!(await clerkPage.getByRole('menuitem', { name: '抽查计划与任务' }).isVisible()), 'the clerk has no 抽查计划与任务 in its menu')
  h.check(!(await clerkPage.getByRole('menuitem', { name: '抽取仪式' }).isVisible()), 'nor 抽取仪式')
  await clerkPage.goto(h.base + '/console/planner/ceremony')
  await clerkPage.getByText('无权访问此页面').waitFor()
  h.check(clerkPage.url().includes('/console/forbidden'), 'the clerk opening the ceremony is refused by the route')
  await h.shot(clerkPage, 'clerk-refused')
  const clerkApi = await h.api(clerk)
  const refusedPlan = await clerkApi.post('/api/v1/plans', { plan_id: 'P-X', org_id: '320400', year: 2026, title: 'x', filed_with_org_id: '320000' })
  h.check(refusedPlan.status === 403 && refusedPlan.json.code === 'forbidden' &&
          refusedPlan.json.message === 'your roles do not allow POST /api/v1/plans',
          `the clerk filing a plan gets 403 forbidden (${refusedPlan.status} ${refusedPlan.text})`)
  const refusedEstimate = await clerkApi.post('/api/v1/tasks/estimate', {})
  h.check(refusedEstimate.status === 403 && refusedEstimate.json.code === 'forbidden',
          `the clerk asking for an estimate gets 403 forbidden (${refusedEstimate.status})`)

  // --- the planner files a plan ---
  const page = await h.page()
  await h.signIn(page, planner)
  await page.getByRole('menuitem', { name: '抽查计划与任务' }).click()
  await page.getByRole('button', { name: '新建年度计划' }).click()
  const planForm = page.locator('[data-test=plan-form]')
  await planForm.locator('input[name=plan_id]').fill(PLAN)
  await planForm.locator('input[name=title]').fill('常州市人社局2026年度双随机抽查工作计划')
  await planForm.locator('input[name=filed_with_org_id]').fill('320500')
  await page.getByRole('button', { name: '提交', exact: true }).click()
  await planForm.getByText('年度计划须向上级机构备案').waitFor()
  h.check(true, 'a plan filed with the wrong bureau is refused in Chinese next to 备案机构')
  await h.shot(page, 'plan-refused')
  await planForm.locator('input[name=filed_with_org_id]').fill('320000')
  await page.getByRole('button', { name: '提交', exact: true }).click()
  await page.locator('[data-test=versions] .el-table__body tr').first().waitFor()
  // A new version, with a note.
  await page.locator('[data-test=plans] .el-table__body tr').first().getByRole('button', { name: '提交新版本' }).click()
  await planForm.locator('input[name=title]').fill('常州市人社局2026年度双随机抽查工作计划（调整）')
  await planForm.locator('textarea[name=note]').fill('增加工资支付专项')
  await page.getByRole('button', { name: '提交', exact: true }).click()
  await page.locator('[data-test=versions] .el-table__body tr').nth(1).waitFor()
  const plan = json(['plan', 'show', PLAN])
  const versionRows = await page.locator('[data-test=versions] .el-table__body tr').allInnerTexts()
  h.check(versionRows.length === 2 && versionRows[1].includes('增加工资支付专项') && versionRows[1].includes('（调整）'),
          'the plan shows its two versions')
  const cliVersions = plan.versions ?? []
  h.check(cliVersions.length === 2 && cliVersions[1].version === 2 && cliVersions[1].note === '增加工资支付专项',
          `\`suiji plan show --json\` has the same two versions (${JSON.stringify(cliVersions.map((v) => v.version))})`)
  await h.shot(page, 'plans')

  // --- the task wizard ---
  await page.locator('[data-test=plans] .el-table__body tr').first().getByRole('button', { name: '定义任务' }).click()
  await page.getByText('事项清单第 1 版').waitFor()
  const wiz = page.locator('[data-test=wizard]')
  await wiz.locator('input[name=task_id]').fill(TASK)
  await wiz.locator('input[name=title]').fill('2026年 劳动合同和工资支付情况双随机抽查')
  await wiz.locator('[data-test=items] .el-checkbox').nth(0).click()
  await wiz.locator('[data-test=items] .el-checkbox').nth(1).click()
  await h.shot(page, 'wizard-scope')
  const next = () => page.getByRole('button', { name: '下一步' }).click()
  await next()
  // A count task of 5: grade C is drawn at 100% on top of it.
  await wiz.getByText('按数量').click()
  await wiz.locator('input[name=count]').fill('5')
  await wiz.locator('input[name=count]').blur()
  for (let i = 0; i < 4; ++i) await next() // strata, credit, frequency, team
  await wiz.locator('input[name=domains]').fill('劳动用工，工资支付')
  await wiz.locator('input[name=substitutes]').fill('1')
  await wiz.locator('input[name=substitutes]').blur()
  await next()
  await next()
  const balloon = page.locator('[data-test=warning-balloon]')
  await balloon.waitFor()
  const planerApi = await h.api(planner)
  const countTask = {
    task_id: TASK, plan_id: PLAN, org_id: '320400', title: '2026年 劳动合同和工资支付情况双随机抽查',
    item_list_version: 1, item_ids: ['HRSS-01', 'HRSS-02'], regions: ['320400'], count: 5, strata_by: 'region',
    window_start: '2026-06-01', window_end: '2026-11-30', inspectors: { domains: ['劳动用工', '工资支付'], team_size: 2, substitutes: 1 },
  }
  const est = (await planerApi.post('/api/v1/tasks/estimate', countTask)).json
  h.check(est.grade_c_visits > 0 && est.visits === 5 + est.grade_c_visits, `the estimate route: 5 + ${est.grade_c_visits} grade C = ${est.visits} visits`)
  const times = est.visits / 5
  const balloonText = `计划抽查 5 家，但C级单位按 100% 另行抽取 ${est.grade_c_visits} 家，实际将检查 ${est.visits} 家，是计划数量的 ${Number.isInteger(times) ? times : times.toFixed(1)} 倍。`
  h.check((await balloon.innerText()).includes(balloonText), `the wizard warns: ${balloonText}`)
  h.check((await page.locator('[data-test=visits]').innerText()) === String(est.visits), 'and shows the real number of visits')
  await h.shot(page, 'wizard-balloon')

  // Back to a ratio task: 10% of each stratum, grade C at 20%.
  for (let i = 0; i < 6; ++i) await page.getByRole('button', { name: '上一步' }).click()
  await wiz.getByText('按比例').click()
  await wiz.locator('input[name=ratio_percent]').fill('10')
  await wiz.locator('input[name=ratio_percent]').blur()
  await next()
  await next()
  await wiz.locator('input[name=grade_c_percent]').fill('20')
  await wiz.locator('input[name=grade_c_percent]').blur()
  for (let i = 0; i < 4; ++i) await next()
  await page.locator('[data-test=strata] .el-table__body tr').first().waitFor()
  h.check(!(await balloon.isVisible()), 'a ratio task has no balloon warning')
  const estimateRows = (await page.locator('[data-test=strata] .el-table__body tr').allInnerTexts())
    .map((r) => r.split('\t').map((s) => s.trim()))
  const eligibleShown = Number(await page.locator('[data-test=eligible]').innerText())
  await h.shot(page, 'wizard-estimate')
  await page.getByRole('button', { name: '确认定义任务' }).click()
  await page.locator('[data-test=defined]').waitFor()
  const defined = json(['task', 'show', TASK]).task
  h.check(defined.ratio_bp === 1000 && defined.credit.grade_c_ratio_bp === 2000 && defined.inspectors.substitutes === 1 &&
          JSON.stringify(defined.item_ids) === '["HRSS-01","HRSS-02"]' && defined.strata_by === 'region',
          'the task defined is the wizard\'s (`suiji task show --json`)')

  // --- the ceremony: freeze ---
  await page.getByRole('button', { name: '进入抽取仪式' }).click()
  await page.locator('[data-test=freeze-button]').click()
  await page.locator('[data-test=freeze]').waitFor()
  let shown = json(['draw', 'show', DRAW])
  h.check(shown.freeze.target_count === eligibleShown, `the freeze finds the ${eligibleShown} employers the wizard estimated`)
  const frozenStrata = shown.freeze.strata.map((s) => [s.key.replace(/\/C$/, '（C级）'), String(s.population), String(s.quota)])
  h.check(JSON.stringify(estimateRows.map((r) => r.slice(0, 3))) === JSON.stringify(frozenStrata),
          `the estimate per stratum is what the freeze recorded (${frozenStrata.length} strata)`)
  const freezeText = await page.locator('[data-test=freeze]').innerText()
  h.check(freezeText.includes(shown.freeze.target_root) && freezeText.includes(shown.freeze.inspector_root),
          'the page shows the frozen roots')
  // An empty public reason is refused on the page.
  await page.locator('[data-test=cancel-button]').click()
  await page.locator('[data-test=cancel-form]').getByText('取消抽取须说明公开理由').waitFor()
  h.check(true, 'a cancellation without a reason is refused next to 公开理由')
  await h.shot(page, 'ceremony-frozen')

  // --- commit with two witnesses, no drand ---
  await page.locator('input[name=witness-0]').fill('市人大代表张某')
  await page.locator('input[name=witness-1]').fill('政协委员李某')
  await page.locator('[data-test=commit-form] .el-switch').first().click() // drand off: no network here
  await page.locator('[data-test=commit-button]').click()
  await page.locator('[data-test=commitment-hash]').waitFor()
  shown = json(['draw', 'show', DRAW])
  const hashShown = (await page.locator('[data-test=commitment-hash]').innerText()).replace(/\s/g, '')
  h.check(hashShown === shown.commitment.commitment_hash, `the commitment hash shown is the log's (${hashShown.slice(0, 16)}…)`)
  h.check(await page.locator('[data-test=commitment] img[data-test=qr]').isVisible(), 'and its QR code')
  h.check(JSON.stringify(shown.commitment.witnesses) === '["市人大代表张某","政协委员李某"]' && shown.commitment.drand_chain === '',
          'committed to the two witnesses, without drand')
  await h.shot(page, 'ceremony-committed')

  // The projector for the room.
  const projector = await h.page({ width: 1920, height: 1080 })
  await h.signIn(projector, planner)
  await projector.goto(h.base + '/console/projector/' + DRAW)
  await projector.locator('[data-test=projector-hash]').waitFor()
  h.check((await projector.locator('[data-test=projector-hash]').innerText()).replace(/\s/g, '') === shown.commitment.commitment_hash,
          'the projector shows the commitment')
  h.check(!(await projector.getByRole('button', { name: '退出登录' }).isVisible()), 'without the staff chrome')
  await projector.screenshot({ path: `${h.artifacts}/projector-committed.png` })

  // --- the witnesses' digits, reveal ---
  await page.locator('input[name=digits-0]').fill('3817')
  await page.locator('input[name=digits-1]').fill('0562')
  await page.locator('[data-test=reveal-button]').click()
  await page.locator('[data-test=selected-total]').waitFor()
  shown = json(['draw', 'show', DRAW])
  const visits = [...shown.result.visits].sort((a, b) => a.order - b.order)
  h.check(JSON.stringify(shown.reveal.witness_digits) === '["3817","0562"]', 'revealed with the digits typed in')
  const rows = []
  for (const table of await page.locator('[data-test=result]').all()) {
    for (const r of await table.locator('.el-table__body tr').allInnerTexts()) rows.push(r.split('\t').map((s) => s.trim()))
  }
  const byOrder = (a, b) => Number(a[0]) - Number(b[0])
  rows.sort(byOrder)
  h.check(rows.length === visits.length && (await page.locator('[data-test=selected-total]').innerText()) === String(visits.length),
          `${visits.length} employers drawn, as \`suiji draw show --json\` has them`)
  const inspectors = Object.fromEntries((await planerApi.get('/api/v1/inspectors?limit=1000')).json.inspectors.map((i) => [i.inspector_id, i.name]))
  const label = (id) => `${inspectors[id]}（${id}）`
  const same = visits.every((v, i) => rows[i][0] === String(v.order + 1) && rows[i][1] === v.credit_code && rows[i][2] === v.name &&
                                      rows[i][3] === v.team.map(label).join('、') && rows[i][4] === (v.substitutes.map(label).join('、') || '无'))
  h.check(same, 'every row (order, code, name, team, substitutes) is the command line\'s visit')
  h.check((await page.locator('[data-test=phase]').innerText()) === `${DRAW} · 已出结果` && shown.phase === 'drawn',
          'the phase shown is the draw\'s (drawn: 已出结果)')
  await h.shot(page, 'ceremony-result')
  await projector.locator('[data-test=projector-result]').waitFor()
  h.check((await projector.locator('[data-test=projector-phase]').innerText()) === '已出结果', 'the projector shows the phase')
  const projected = await projector.locator('[data-test=projector-result]').innerText()
  h.check(visits.every((v) => projected.includes(v.credit_code) && projected.includes(v.name)), 'the projector shows the result as revealed')
  h.check((await projector.locator('[data-test=projector-digits]').innerText()).includes('3817'), 'and the witnesses\' digits')
  await projector.screenshot({ path: `${h.artifacts}/projector-result.png` })

  // --- a decline: the visit's first substitute replaces the inspector ---
  const v0 = visits[0]
  await page.locator('[data-test=decline-form] .el-select').nth(0).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: v0.credit_code }).click()
  await page.locator('[data-test=decline-form] .el-select').nth(1).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: v0.team[0] }).click()
  await page.locator('input[name=decline-reason]').fill('与该单位负责人系近亲属，申请回避')
  await page.locator('[data-test=decline-button]').click()
  await page.locator('[data-test=replacement]').waitFor()
  shown = json(['draw', 'show', DRAW])
  const d0 = shown.declines[0]
  h.check(d0 && d0.credit_code === v0.credit_code && d0.inspector_id === v0.team[0] && d0.replacement_id === v0.substitutes[0],
          `the decline is recorded and ${v0.substitutes[0]}, the first substitute, replaces ${v0.team[0]}`)
  const replacementText = await page.locator('[data-test=replacement]').innerText()
  h.check(replacementText.includes(`由替补 ${label(d0.replacement_id)} 递补`), `the page shows the substitute: ${replacementText}`)
  h.check((await page.locator('[data-test=declines]').innerText()).includes(label(d0.replacement_id)), 'and lists the decline')
  await h.shot(page, 'ceremony-decline')

  // --- the announcement ---
  await page.locator('input[name=confirmed_by]').fill('计划员王科长、审核员李处长')
  await page.locator('[data-test=announce-button]').click()
  await page.locator('[data-test=announced]').waitFor()
  const pub = await fetch(h.base + '/public/v1/draws/' + DRAW).then((r) => r.json())
  h.check(pub.announcement && pub.announcement.publish_targets === true, 'the public draw carries the announcement')
  await h.shot(page, 'ceremony-announced')
})
