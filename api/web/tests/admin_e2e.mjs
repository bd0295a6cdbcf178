// The supervisor's dashboard and the administrator's screens in a real browser (ctest:
// integration.admin_browser).
//
// A fresh node (tests/lib/harness.mjs) with a province administrator and a province
// supervisor added (the calendar and the verifier are for users whose jurisdiction covers
// the whole node), a draw, and one visit's result recorded, confirmed by the team, submitted,
// approved and published on the command line (ops/demo.sh step 15). Then in Chromium:
// - the city administrator adds a county under the city and sees it in the tree (and at the
//   API), adds a user (an unknown inspector id refused next to its field first), sets its
//   password; that user signs in, changes its own password, and signs in with the new one;
//   the administrator issues a token (shown once; it authenticates at the API), revokes it
//   (then it does not); the city administrator is refused the calendar (in Chinese), the
//   province administrator marks a holiday and publishes it (checked at the API);
// - the province supervisor's dashboard shows exactly GET /api/v1/stats's coverage, a drawn
//   chart, and the verifier run from the button: 通过, with the log's size;
// - refusals: the clerk is shown neither area and is refused both by the router and at the
//   API (403 forbidden); the supervisor is refused the administrator's screens and the
//   administrator the supervisor's, in the interface and at the API.
// Screenshots of every screen at 1280 px and the dashboard at 390 px.
import fs from 'node:fs'
import path from 'node:path'
import { runBrowserTest } from './lib/harness.mjs'

await runBrowserTest('admin_e2e', async (h) => {
  // The whole page in the screenshot: the shell scrolls inside el-main, so the shot lets the
  // page grow to its content first (a style for the screenshot only).
  const shot = async (p, name) => {
    // After any reload has finished (no loading mask showing).
    await p.waitForFunction(() => ![...document.querySelectorAll('.el-loading-mask')].some((e) => e.offsetParent !== null))
    await p.addStyleTag({ content: '.shell, .shell .el-container { height: auto !important } .el-main { overflow: visible !important }' })
    await h.shot(p, name)
  }
  h.node({ targets: 60, inspectors: 12 })
  const { admin, clerk, supervisor: citySupervisor } = h.users
  const provAdmin = { id: 'prov-admin', name: '省系统管理员', password: '省管理员的密码-2026' }
  const provSup = { id: 'prov-supervisor', name: '省纪检监督员', password: '省监督员的密码-2026' }
  for (const [u, role] of [[provAdmin, 'administrator'], [provSup, 'supervisor']]) {
    h.cli(['user', 'add', '--id', u.id, '--name', u.name, '--org-id', '320000', '--role', role])
    h.setPassword(u.id, u.password)
  }

  // --- a draw and one published result (ops/demo.sh step 15) ---
  const d = h.drawTask()
  const visit = d.result.visits[0]
  const team = visit.team.map((id) => h.inspectorUser(id))
  const result = {
    draw_id: d.draw_id, credit_code: visit.credit_code, inspection_date: '2026-07-15',
    items: [
      { item_id: 'HRSS-01', outcome: 'no_problem' },
      { item_id: 'HRSS-02', outcome: 'corrected',
        violations: [{ description: '未按月足额支付3名劳动者工资', legal_basis: '《保障农民工工资支付条例》第十五条',
                       handling: ['order_correction'] }] },
    ],
    team: visit.team,
  }
  const resultFile = path.join(h.work, 'result.json')
  fs.writeFileSync(resultFile, JSON.stringify(result))
  h.cli(['result', 'record', resultFile], team[0].id)
  const shown = JSON.parse(h.run(['result', 'show', '--data', h.data, d.draw_id, visit.credit_code, '--json']))
  const sha = shown.revisions[shown.revisions.length - 1].sha256
  for (const u of team) {
    h.run(['result', 'confirm', '--data', h.data, '--user', u.id, d.draw_id, visit.credit_code, '--revision', '1',
           '--sha256', sha])
  }
  h.cli(['result', 'submit', d.draw_id, visit.credit_code], team[0].id)
  h.cli(['result', 'review', d.draw_id, visit.credit_code, '--approve'], h.users.reviewer.id)
  h.cli(['result', 'publish', d.draw_id, visit.credit_code], h.users.reviewer.id)

  await h.serve()
  const adminApi = await h.api(admin)

  // ===================== the city administrator =====================
  const page = await h.page()
  await h.signIn(page, admin)
  for (const entry of ['用户与密码', '组织机构', '工作日历']) {
    h.check(await page.getByRole('menuitem', { name: entry }).isVisible(), `the administrator's menu has ${entry}`)
  }
  h.check(!(await page.getByRole('menuitem', { name: '统计与监督' }).isVisible()), 'and not 统计与监督')

  // --- org units: a county under the city ---
  await page.getByRole('menuitem', { name: '组织机构' }).click()
  await page.getByText('常州市人力资源和社会保障局（320400，市级）').waitFor()
  await page.getByRole('button', { name: '在常州市人力资源和社会保障局下新增' }).click()
  await page.locator('input[name=org_id]').fill('320402')
  await page.locator('input[name=org_name]').fill('常州市天宁区人力资源和社会保障局')
  await page.locator('input[name=region]').fill('330100')
  await page.getByRole('button', { name: '登记', exact: true }).click()
  await page.getByText('行政区划应在上级机构（320400）的辖区之内').waitFor()
  h.check(true, 'a region outside the city is refused next to the region field')
  await page.locator('input[name=region]').fill('320402')
  await page.getByRole('button', { name: '登记', exact: true }).click()
  await page.getByText('常州市天宁区人力资源和社会保障局（320402，县级）').waitFor()
  const orgs = (await adminApi.get('/api/v1/orgs')).json.orgs
  const county = orgs.find((o) => o.org_id === '320402')
  h.check(county && county.parent_org_id === '320400' && county.level === 'county' && county.region === '320402',
          'the county is in the tree and at the API under 320400')
  await shot(page, 'admin-orgs')

  // --- users: add one (an unknown inspector id refused by the server next to its field) ---
  await page.getByRole('menuitem', { name: '用户与密码' }).click()
  await page.locator('[data-test=users]').getByText('city-admin', { exact: true }).waitFor()
  await page.getByRole('button', { name: '新增用户' }).click()
  await page.locator('input[name=user_id]').fill('tn-reviewer')
  await page.locator('input[name=user_name]').fill('天宁区审核员')
  await page.locator('[data-test=user-org]').click()
  await page.getByRole('option', { name: '常州市天宁区人力资源和社会保障局（320402）' }).click()
  await page.locator('.el-checkbox', { hasText: '检查人员' }).click()
  await page.locator('input[name=inspector_id]').fill('NO-SUCH-1')
  await page.getByRole('button', { name: '保存' }).click()
  const inspectorError = page.locator('.el-form-item', { hasText: '检查人员编号' }).locator('.el-form-item__error')
  await inspectorError.waitFor()
  const inspectorErrorText = await inspectorError.innerText()
  h.check(inspectorErrorText.includes('inspector_id NO-SUCH-1: no inspector by that id in your jurisdiction'),
          `the server's refusal is shown under 检查人员编号: ${inspectorErrorText}`)
  await shot(page, 'admin-user-refused')
  await page.locator('.el-checkbox', { hasText: '检查人员' }).click()
  await page.locator('.el-checkbox', { hasText: '审核人员' }).click()
  await page.locator('input[name=inspector_id]').fill('')
  await page.getByRole('button', { name: '保存' }).click()
  const row = page.locator('[data-test=users] .el-table__body tr', { hasText: 'tn-reviewer' })
  await row.waitFor()
  const users = (await adminApi.get('/api/v1/users')).json.users
  const added = users.find((u) => u.user_id === 'tn-reviewer')
  h.check(added && added.name === '天宁区审核员' && added.org_id === '320402' &&
          JSON.stringify(added.roles) === '["reviewer"]' && added.version === 1 && !added.disabled,
          'the user is at the API: 320402, reviewer, version 1')
  await shot(page, 'admin-users')

  // --- set its password ---
  const first = '天宁区审核员的初始密码'
  await row.getByRole('button', { name: '设置密码' }).click()
  const pwDialog = page.locator('.el-dialog', { hasText: '设置 天宁区审核员（tn-reviewer）的密码' })
  await pwDialog.locator('input[name=new_password]').fill('短')
  await pwDialog.locator('input[name=repeat_password]').fill('短')
  await pwDialog.getByRole('button', { name: '设置密码' }).click()
  await pwDialog.getByText('密码至少需要 10 个字符').waitFor()
  await pwDialog.locator('input[name=new_password]').fill(first)
  await pwDialog.locator('input[name=repeat_password]').fill(first)
  await shot(page, 'admin-password')
  await pwDialog.getByRole('button', { name: '设置密码' }).click()
  await page.getByText('已设置用户 tn-reviewer 的密码').waitFor()
  h.check(true, "the administrator set tn-reviewer's password")

  // --- that user signs in and changes its own password ---
  const reviewer = { id: 'tn-reviewer', password: first }
  const rpage = await h.page()
  await h.signIn(rpage, reviewer)
  await rpage.getByRole('button', { name: '修改密码' }).click()
  await rpage.locator('input[name=old_password]').fill('不是原密码的密码')
  const second = '天宁区审核员自己的新密码'
  await rpage.locator('input[name=new_password]').fill(second)
  await rpage.locator('input[name=repeat_password]').fill(second)
  await rpage.getByRole('button', { name: '修改密码' }).last().click()
  const oldError = rpage.locator('.el-form-item', { hasText: '原密码' }).locator('.el-form-item__error')
  await oldError.waitFor()
  h.check((await oldError.innerText()) === '原密码不正确 (the old password is wrong)',
          'a wrong old password is refused next to 原密码, in Chinese')
  await rpage.locator('input[name=old_password]').fill(first)
  await shot(rpage, 'change-password')
  await rpage.getByRole('button', { name: '修改密码' }).last().click()
  await rpage.waitForURL(/\/console\/login/)
  await h.signIn(rpage, { id: 'tn-reviewer', password: second })
  await rpage.getByText('天宁区审核员（审核人员，辖区 320402）').waitFor()
  const old = await fetch(h.base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: 'tn-reviewer', password: first }),
  })
  h.check(old.status === 401, `the user signed in with its new password; the old one is refused (${old.status})`)

  // --- tokens: issue (shown once), use, revoke ---
  await page.getByRole('tab', { name: '令牌' }).click()
  await page.getByRole('button', { name: '为我签发令牌' }).click()
  await page.locator('input[name=token_label]').fill('数据交换接口')
  await page.getByRole('button', { name: '签发', exact: true }).click()
  await page.getByText('令牌只显示这一次').waitFor()
  const token = await page.locator('input[data-test=issued-token], [data-test=issued-token] input').first().inputValue()
  const tokenId = (await page.locator('[data-test=issued-token-id]').innerText()).trim()
  await shot(page, 'admin-token-issued')
  const me = await fetch(h.base + '/api/v1/me', { headers: { Authorization: 'Bearer ' + token } })
  h.check(me.status === 200 && (await me.json()).user_id === 'city-admin', `the token shown once authenticates (${tokenId})`)
  await page.getByRole('button', { name: '我已保存，关闭' }).click()
  const tokenRow = page.locator('[data-test=tokens] .el-table__body tr', { hasText: tokenId })
  await tokenRow.getByText('有效').waitFor()
  await tokenRow.getByRole('button', { name: '吊销' }).click()
  await page.locator('input[name=revoke_reason]').fill('接口停用')
  await page.locator('.el-dialog', { hasText: '吊销令牌' }).getByRole('button', { name: '吊销' }).click()
  await tokenRow.getByText('已吊销').waitFor()
  const after = await fetch(h.base + '/api/v1/me', { headers: { Authorization: 'Bearer ' + token } })
  h.check(after.status === 401, `the revoked token no longer authenticates (${after.status})`)
  await shot(page, 'admin-tokens')

  // --- the calendar: the city administrator is refused, the province administrator publishes ---
  await page.getByRole('menuitem', { name: '工作日历' }).click()
  await page.getByRole('button', { name: '下个月' }).waitFor()
  const ppage = await h.page()
  await h.signIn(ppage, provAdmin, '/admin/calendar')
  await ppage.waitForURL(/\/console\/admin\/calendar/)
  for (const p of [page, ppage]) {
    await p.locator('input[name=year]').fill('2027')
    await p.locator('input[name=year]').press('Enter')
    await p.getByRole('button', { name: '上个月' }).waitFor()
  }
  // Both at 2027; go to January (from whatever month the clock shows).
  for (const p of [page, ppage]) {
    for (let i = 0; i < 12 && (await p.locator('[data-test=month]').innerText()) !== '2027 年 1 月'; ++i) {
      await p.getByRole('button', { name: '上个月' }).click()
    }
    h.check((await p.locator('[data-test=month]').innerText()) === '2027 年 1 月', 'the grid shows January 2027')
    await p.locator('[data-test=published]', { hasText: '本年尚未发布' }).waitFor()
    await p.locator('input[name=holiday_name]').fill('元旦')
    await p.locator('button[data-date="2027-01-01"]').click()
    await p.locator('button[data-date="2027-01-01"]', { hasText: '休 元旦' }).waitFor()
    await p.getByRole('button', { name: '发布 2027 年日历' }).click()
  }
  await page.getByRole('alert').getByText(/^超出您的辖区（the working-day calendar moves every bureau's deadlines/).waitFor()
  h.check(true, 'the city administrator is refused publishing the calendar, in Chinese')
  await shot(page, 'admin-calendar-refused')
  await ppage.locator('[data-test=published]', { hasText: '已发布（放假 1 天，调休上班 0 天）' }).waitFor()
  const cal = await (await h.api(provAdmin)).get('/api/v1/calendar/2027')
  h.check(cal.status === 200 && JSON.stringify(cal.json.holidays) === '[{"date":"2027-01-01","name":"元旦"}]' &&
          JSON.stringify(cal.json.workdays) === '[]' && cal.json.source === '工作台手工录入',
          `the province administrator published 2027 with 元旦 on 1 January: ${JSON.stringify(cal.json)}`)
  await shot(ppage, 'admin-calendar')

  // The administrator is refused the supervisor's dashboard: in the interface and at the API.
  await page.goto(h.base + '/console/supervision')
  await page.locator('[data-test=refused]', { hasText: '您的角色无权使用 /supervision' }).waitFor()
  const adminStats = await adminApi.get('/api/v1/stats')
  h.check(adminStats.status === 403 && adminStats.json.code === 'forbidden' &&
          adminStats.json.message === 'your roles do not allow GET /api/v1/stats',
          'the administrator is refused the dashboard by the router and GET /api/v1/stats with 403 forbidden')

  // ===================== the province supervisor =====================
  const supApi = await h.api(provSup)
  const stats = (await supApi.get('/api/v1/stats')).json
  const total = stats.overall.coverage.total
  h.check(total.eligible > 0 && total.drawn > 0, `the stats have coverage (${total.drawn}/${total.eligible})`)
  const spage = await h.page()
  await h.signIn(spage, provSup, '/supervision')
  await spage.locator('[data-test=cov-total-eligible]').getByText(String(total.eligible), { exact: true }).waitFor()
  h.check((await spage.locator('[data-test=cov-total-drawn]').innerText()) === String(total.drawn),
          `the dashboard shows ${total.drawn} drawn of ${total.eligible} eligible, as GET /api/v1/stats`)
  h.check((await spage.locator('[data-test=published]').innerText()) === String(stats.overall.outcomes.published) &&
          (await spage.locator('[data-test=visits]').innerText()) === String(stats.overall.outcomes.visits),
          `and ${stats.overall.outcomes.published} published of ${stats.overall.outcomes.visits} visits`)
  const regionRows = (await spage.locator('[data-test=coverage-region] .el-table__body tr').allInnerTexts())
    .map((t) => t.split(/\s+/).filter(Boolean))
  const expectedRegions = Object.keys(stats.overall.coverage.by_region).sort().map((k) => {
    const c = stats.overall.coverage.by_region[k]
    return [k, String(c.eligible), String(c.drawn), ((c.drawn * 100) / c.eligible).toFixed(1) + '%']
  })
  h.check(JSON.stringify(regionRows) === JSON.stringify(expectedRegions),
          `the coverage by region is GET /api/v1/stats's, row by row (${expectedRegions.length} regions)`)
  const canvas = await spage.locator('[data-test=coverage-chart] canvas').boundingBox()
  h.check(canvas && canvas.width > 100 && canvas.height > 100,
          `the coverage chart is drawn (${canvas && Math.round(canvas.width)} x ${canvas && Math.round(canvas.height)})`)
  const shareCanvas = await spage.locator('[data-test=share-chart] canvas').boundingBox()
  h.check(shareCanvas && shareCanvas.width > 100, 'the violation-share chart is drawn')

  // --- the verifier from the button ---
  await spage.getByRole('button', { name: '运行核验' }).click()
  await spage.locator('[data-test=verify-verdict]').getByText('核验通过', { exact: true }).waitFor()
  const health = await (await fetch(h.base + '/healthz')).json()
  const entries = (await spage.locator('[data-test="report-记录条数"]').innerText()).trim()
  h.check(entries === String(health.log_size), `核验通过 over ${entries} entries, the log's size (${health.log_size})`)
  await shot(spage, 'supervisor-dashboard')

  // The supervisor is refused the administrator's screens: in the interface and at the API.
  h.check(!(await spage.getByRole('menuitem', { name: '用户与密码' }).isVisible()), "the supervisor's menu has no 用户与密码")
  const supUsers = await supApi.get('/api/v1/users')
  h.check(supUsers.status === 403 && supUsers.json.code === 'forbidden', 'GET /api/v1/users refuses the supervisor (403 forbidden)')
  await spage.goto(h.base + '/console/admin/users')
  await spage.locator('[data-test=refused]', { hasText: '您的角色无权使用 /admin/users' }).waitFor()
  h.check(true, 'the router refuses the supervisor /admin/users')

  // The dashboard at 390 px.
  const phone = await h.page({ width: 390, height: 844 })
  await h.signIn(phone, provSup, '/supervision')
  await phone.locator('[data-test=cov-total-eligible]').getByText(String(total.eligible), { exact: true }).waitFor()
  const phoneCanvas = await phone.locator('[data-test=coverage-chart] canvas').boundingBox()
  h.check(phoneCanvas && phoneCanvas.width > 200 && phoneCanvas.width <= 390, 'at 390 px the chart fits the screen')
  await shot(phone, 'supervisor-dashboard-390')

  // The city supervisor may not run the verifier (its jurisdiction is not the whole node).
  const cityVerify = await (await h.api(citySupervisor)).post('/api/v1/verify/jobs')
  h.check(cityVerify.status === 403 && cityVerify.json.code === 'outside_jurisdiction',
          'the city supervisor is refused the verifier (403 outside_jurisdiction)')

  // ===================== the clerk: refused both areas =====================
  const cpage = await h.page()
  await h.signIn(cpage, clerk)
  for (const entry of ['统计与监督', '用户与密码', '组织机构', '工作日历']) {
    h.check(!(await cpage.getByRole('menuitem', { name: entry }).isVisible()), `the clerk's menu has no ${entry}`)
  }
  for (const p of ['/supervision', '/admin/users', '/admin/orgs', '/admin/calendar']) {
    await cpage.goto(h.base + '/console' + p)
    await cpage.locator('[data-test=refused]', { hasText: '您的角色无权使用 ' + p }).waitFor()
  }
  h.check(true, 'the router refuses the clerk each screen of both areas')
  await shot(cpage, 'clerk-refused')
  const clerkApi = await h.api(clerk)
  for (const [method, p] of [['get', '/api/v1/stats'], ['get', '/api/v1/overdue'], ['post', '/api/v1/verify/jobs'],
                             ['get', '/api/v1/users'], ['post', '/api/v1/orgs']]) {
    const r = await clerkApi[method](p)
    const want = `your roles do not allow ${method.toUpperCase()} ${p}`
    h.check(r.status === 403 && r.json.code === 'forbidden' && r.json.message === want,
            `the clerk: ${method.toUpperCase()} ${p} is 403 forbidden`)
  }
})
