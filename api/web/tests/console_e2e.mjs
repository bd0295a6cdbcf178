// The staff console in a real browser (ctest: integration.console_browser): sign-in and the
// employer directory search.
//
// A fresh node (tests/lib/harness.mjs: org units, 60 generated employers of Changzhou, one user
// per role whose password the operator set on the command line). The administrator sets the
// clerk's password again through the API (signed in with its session cookie and CSRF token).
// Then a real `suiji serve` with the built console, and Debian's Chromium driven by
// playwright-core: a wrong password is refused on the page, the clerk signs in, sees its menu,
// searches the employer directory by name and region, and the rows shown are exactly the CSV's
// employers that match; a reload keeps the session, sign-out ends it.
import fs from 'node:fs'
import path from 'node:path'
import { runBrowserTest } from './lib/harness.mjs'

await runBrowserTest('console_e2e', async (h) => {
  h.node({ targets: 60, inspectors: 2 })
  const { admin, clerk } = h.users

  // The employers the search must show: region 320402, name containing the first such
  // employer's brand (the two characters after the region's name), as the CSV has them.
  const rows = fs.readFileSync(path.join(h.sample, 'targets.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\n')
  const targets = rows.slice(1).map((l) => l.split(','))
  const inRegion = targets.filter((t) => t[2] === '320402')
  h.check(inRegion.length > 0, `the sample has employers in 320402 (${inRegion.length})`)
  const fragment = [...inRegion[0][1]].slice(6, 8).join('') // its brand, after 常州市天宁区
  const expected = inRegion.filter((t) => t[1].includes(fragment)).map((t) => t[0]).sort()
  h.check(expected.length >= 1 && expected.length <= 20, `"${fragment}" names ${expected.length} employers of 320402`)

  await h.serve()

  // --- the administrator sets the clerk's password through the API ---
  const adminApi = await h.api(admin)
  const clerkPassword = '名录管理员的新密码-02'
  const set = await adminApi.post('/api/v1/users/clerk/password', { password: clerkPassword, reason: '重置密码' })
  h.check(set.status === 201, `the administrator sets the clerk's password (${set.status})`)

  // --- the browser ---
  const page = await h.page()
  await page.goto(h.base + '/console/directory/targets')
  await page.waitForURL(/\/console\/login\?next=/)
  h.check(true, 'an unsigned browser is sent to the sign-in page')
  await page.getByLabel('用户名').fill('clerk')
  await page.getByLabel('密码').fill(clerk.password) // the old one: reset by the administrator
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('alert').getByText('用户名或密码错误 (wrong user name or password)').waitFor()
  h.check(true, 'a wrong password is refused on the page, in Chinese')
  await h.shot(page, 'sign-in-refused')

  await page.getByLabel('密码').fill(clerkPassword)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByText('名录管理员甲（名录管理员，辖区 320400）').waitFor()
  h.check(page.url().endsWith('/console/directory/targets'), 'signed in, back at the page asked for')
  h.check(await page.getByRole('menuitem', { name: '用人单位名录' }).isVisible(), 'the clerk sees the directory in its menu')
  h.check(!(await page.getByRole('menuitem', { name: '用户与密码' }).isVisible()), "and not the administrator's screens")

  await page.getByLabel('单位名称').fill(fragment)
  await page.getByLabel('行政区划').fill('320402')
  await page.getByRole('button', { name: '查询' }).click()
  await page.getByText(`第 1 页，本页 ${expected.length} 条，已到最后一页`).waitFor()
  const shown = (await page.locator('[data-test=targets] .el-table__body tr td:first-child').allInnerTexts())
    .map((s) => s.trim())
    .sort()
  h.check(JSON.stringify(shown) === JSON.stringify(expected), `the rows shown are the ${expected.length} matching employers`)
  await h.shot(page, 'directory-search')

  // A reload keeps the session (the cookie), and sign-out ends it.
  await page.reload()
  await page.getByText('名录管理员甲（名录管理员，辖区 320400）').waitFor()
  await page.getByRole('button', { name: '退出登录' }).click()
  await page.waitForURL(/\/console\/login/)
  const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status)
  h.check(after === 401, 'after sign-out the session is gone')
})
