// The public portal (公示, issue 19) in Debian's Chromium, on a real node (ctest:
// integration.portal_browser): a citizen searches a company by part of its name, opens its
// draw, sees the entropy (the witnesses' digits) and the seed, presses 在浏览器中验证, opens
// the results page filtered by region and date, and downloads the CSV. Every page is
// screenshotted at 1280 and 390 px, and at 390 px no page scrolls sideways.
//
// The verify button here is a WIRING test only: the browser verifier itself (verifier/web/,
// another part of issue 19) is not built in this test. A tiny stand-in module in the test's
// own verifier directory records what the page hands it and reports two steps; the test
// checks that the page called verifyBundle with the bundle's exact bytes and the published
// key, rendered each step as it arrived and the verdict, and says 浏览器验证组件未安装 when
// the module is absent. The agreement of the real verifier with suiji-verify is tested by
// that verifier's own tests.
import fs from 'node:fs'
import path from 'node:path'
import { runBrowserTest } from './lib/harness.mjs'

const STAND_IN = `// Stand-in for build/verifier/web/suiji-verify.js: the portal's wiring test only.
export async function verifyBundle(bundleBytes, keyText, onStep) {
  const bundle = JSON.parse(new TextDecoder().decode(bundleBytes))
  globalThis.__wiring = {
    isUint8Array: bundleBytes instanceof Uint8Array,
    size: bundleBytes.length,
    sha256: Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bundleBytes)))
      .map((b) => b.toString(16).padStart(2, '0')).join(''),
    key: keyText,
    draw: bundle.draw,
  }
  const steps = [
    { id: 'wiring.bundle', title: '读取证明包', ok: true, detail: bundle.draw + '，' + bundleBytes.length + ' 字节' },
    { id: 'wiring.key', title: '读取验证公钥', ok: true, detail: keyText.split('+')[0] },
  ]
  for (const s of steps) {
    onStep({ id: s.id, title: s.title, ok: null })
    await new Promise((r) => setTimeout(r, 0))
    onStep(s)
  }
  return { ok: true, steps }
}
`

runBrowserTest('portal_e2e', async (h) => {
  h.node({ targets: 80, inspectors: 12 })
  const drawn = h.drawTask({ ratioBp: 1000 })
  const drawId = drawn.draw_id
  const visits = drawn.result.visits
  h.check(visits.length >= 4, `the draw selected ${visits.length} employers`)

  // Publish the results of two visits in different counties (each inspector confirms itself).
  const users = new Set()
  const published = []
  const counties = new Set()
  for (const v of visits) {
    if (published.length === 2) break
    const county = v.credit_code.slice(2, 8)
    if (counties.has(county)) continue
    counties.add(county)
    for (const id of v.team) {
      if (!users.has(id)) h.inspectorUser(id)
      users.add(id)
    }
    const result = {
      draw_id: drawId, credit_code: v.credit_code, inspection_date: '2026-06-1' + published.length,
      items: [
        { item_id: 'HRSS-01', outcome: 'no_problem' },
        { item_id: 'HRSS-02', outcome: published.length === 0 ? 'no_problem' : 'corrected',
          violations: published.length === 0 ? [] : [{ description: '=未按月足额支付3名劳动者工资', legal_basis: '《保障农民工工资支付条例》第十五条',
                                                      handling: ['order_correction'] }] },
      ],
      evidence: [{ sha256: '9f2c'.repeat(16), size: 1024, kind: 'video', name: '执法记录仪.mp4' }],
      team: v.team,
    }
    const file = path.join(h.work, `result-${v.credit_code}.json`)
    fs.writeFileSync(file, JSON.stringify(result))
    const recorder = `insp-${v.team[0]}`
    h.cli(['result', 'record', file], recorder)
    const shown = JSON.parse(h.run(['result', 'show', '--data', h.data, drawId, v.credit_code, '--json']))
    const hash = shown.revisions[shown.revisions.length - 1].sha256
    for (const id of v.team) {
      h.run(['result', 'confirm', '--data', h.data, '--user', `insp-${id}`, drawId, v.credit_code, '--revision', '1',
             '--sha256', hash])
    }
    h.cli(['result', 'submit', drawId, v.credit_code], recorder)
    h.cli(['result', 'review', drawId, v.credit_code, '--approve'], h.users.reviewer.id)
    h.cli(['result', 'publish', drawId, v.credit_code], h.users.reviewer.id)
    published.push(v.credit_code)
  }
  h.check(published.length === 2, 'two results published in two counties')

  const verifierDir = path.join(h.work, 'verifier-web')
  fs.mkdirSync(verifierDir)
  fs.writeFileSync(path.join(verifierDir, 'suiji-verify.js'), STAND_IN)
  const base = await h.serve(['--verifier-web', verifierDir])

  const draw = await (await fetch(`${base}/public/v1/draws/${drawId}`)).json()
  const target = draw.targets.find((t) => t.credit_code === published[0])
  // Part of its name: the characters after the city's name (unique enough to find it).
  const part = [...target.name].slice(2, 7).join('')
  const publishedDate = (await (await fetch(`${base}/public/v1/results?code=${published[0]}`)).json()).results[0].published_date

  // --- the citizen, on a desktop ---
  const desk = await h.page({ width: 1280, height: 900 })
  await desk.goto(base + '/public')
  await desk.getByRole('heading', { name: '双随机抽查公示' }).waitFor()
  await h.shot(desk, 'portal-index-1280')
  await desk.getByRole('searchbox', { name: '单位名称或统一社会信用代码' }).fill(part)
  await desk.getByRole('button', { name: '查询' }).click()
  await desk.getByRole('heading', { name: target.name, exact: true }).waitFor()
  h.check(desk.url().includes('/public/search?q='), `searching “${part}” opened the search page`)
  await h.shot(desk, 'portal-search-1280')
  await desk.locator('section.employer', { has: desk.getByRole('heading', { name: target.name, exact: true }) })
    .getByRole('link', { name: drawId }).first().click()
  await desk.getByRole('heading', { name: `抽取公示 ${drawId}` }).waitFor()
  const drawText = await desk.locator('main').innerText()
  h.check(drawText.includes('市人大代表张某') && drawText.includes('3817'), 'the first witness and its digits are shown')
  h.check(drawText.includes('政协委员李某') && drawText.includes('0562'), 'the second witness and its digits are shown')
  h.check(drawText.includes(draw.reveal.seed), 'the seed is shown')
  h.check(drawText.includes(draw.commitment.hash), 'the commitment is shown')
  h.check(drawText.includes('已完成抽取'), 'the phase is in Chinese')
  await h.shot(desk, 'portal-draw-1280')

  // 在浏览器中验证 (wiring test with the stand-in module).
  const bundleBytes = new Uint8Array(await (await fetch(`${base}/public/v1/bundles/${drawId}`)).arrayBuffer())
  const bundleSha = Buffer.from(await crypto.subtle.digest('SHA-256', bundleBytes)).toString('hex')
  const key = (await (await fetch(`${base}/public/v1/verifier-key`)).text()).trim()
  await desk.getByRole('button', { name: '在浏览器中验证' }).click()
  await desk.getByRole('status').filter({ hasText: '验证通过' }).waitFor()
  const wiring = await desk.evaluate(() => globalThis.__wiring)
  h.check(wiring.isUint8Array, 'verifyBundle got a Uint8Array')
  h.check(wiring.size === bundleBytes.length && wiring.sha256 === bundleSha, `verifyBundle got the bundle's exact ${bundleBytes.length} bytes`)
  h.check(wiring.key === key && wiring.draw === drawId, 'verifyBundle got the published verifier key and the draw\'s bundle')
  const steps = await desk.locator('#verify-steps li').allInnerTexts()
  h.check(steps.length === 2 && steps[0].startsWith('✔ 读取证明包') && steps[1].startsWith('✔ 读取验证公钥'),
    `each step is shown with its outcome: ${JSON.stringify(steps)}`)
  await h.shot(desk, 'portal-draw-verified-1280')

  // The task and plan pages, the key page.
  await desk.getByRole('link', { name: '2026年 劳动合同和工资支付情况双随机抽查' }).first().click()
  await desk.getByRole('heading', { name: '信用与频次规则' }).waitFor()
  const taskText = await desk.locator('main').innerText()
  h.check(taskText.includes('每层抽取 10%') && taskText.includes('按 20% 的比例抽取'), 'the task page states the ratio and the grade C rule')
  await h.shot(desk, 'portal-task-1280')
  await desk.getByRole('link', { name: 'P-320400-2026' }).click()
  await desk.getByRole('heading', { name: '历次版本' }).waitFor()
  await h.shot(desk, 'portal-plan-1280')
  await desk.getByRole('link', { name: '验证公钥' }).first().click()
  await desk.locator('#verifier-key').waitFor()
  h.check((await desk.locator('#verifier-key').innerText()) === key, 'the key page shows the published verifier key')
  await h.shot(desk, 'portal-key-1280')

  // The results, filtered by region (the first result's county) and date.
  const county = published[0].slice(2, 8)
  await desk.goto(base + '/public/results')
  await desk.locator('select[name=region]').selectOption(county)
  await desk.locator('input[name=from]').fill(publishedDate)
  await desk.locator('input[name=to]').fill(publishedDate)
  await desk.getByRole('button', { name: '筛选' }).click()
  await desk.waitForURL(/region=/)
  const rows = desk.locator('table.results tbody tr')
  h.check((await rows.count()) === 1, 'filtered by region and date: one result')
  h.check((await rows.first().innerText()).includes(published[0]), 'the result of that county')
  h.check(desk.url().includes(`region=${county}`) && desk.url().includes(`from=${publishedDate}`), 'the filters are in the address')
  await h.shot(desk, 'portal-results-1280')
  const [download] = await Promise.all([
    desk.waitForEvent('download'),
    desk.getByRole('link', { name: /下载全部抽查结果/ }).click(),
  ])
  const csv = fs.readFileSync(await download.path(), 'utf8')
  h.check(csv.startsWith('\uFEFF统一社会信用代码,企业名称,检查机关,抽查任务,检查日期,检查结果,处理情况,公示日期,更正情况\r\n'),
    'the CSV has the BOM and the credit-publicity header')
  h.check(published.every((c) => csv.includes(c)), 'the CSV has both results')
  h.check(csv.includes('"\'=未按月足额支付3名劳动者工资') && !csv.includes(',=未按月'), 'a formula cell is neutralised in the CSV')

  // --- the same pages on a phone: screenshots, nothing scrolls sideways ---
  const phone = await h.page({ width: 390, height: 844 })
  const pagesToShoot = [
    ['index', '/public'],
    ['search', '/public/search?q=' + encodeURIComponent(part)],
    ['draw', '/public/draws/' + drawId],
    ['task', '/public/tasks/' + drawn.task_id],
    ['plan', '/public/plans/P-320400-2026'],
    ['results', '/public/results'],
    ['key', '/public/key'],
  ]
  for (const [name, p] of pagesToShoot) {
    await phone.goto(base + p)
    await phone.locator('h1').waitFor()
    const width = await phone.evaluate(() => document.documentElement.scrollWidth)
    h.check(width <= 390, `${p} at 390 px: scrollWidth ${width} <= 390`)
    await h.shot(phone, `portal-${name}-390`)
    if (name !== 'index' && name !== 'search') {
      await desk.goto(base + p)
      await h.shot(desk, `portal-${name}-1280`)
    }
  }

  // Without the module the page says so.
  fs.rmSync(path.join(verifierDir, 'suiji-verify.js'))
  await phone.goto(base + '/public/draws/' + drawId)
  await phone.getByRole('button', { name: '在浏览器中验证' }).click()
  await phone.getByRole('status').filter({ hasText: '浏览器验证组件未安装' }).waitFor()
  h.check(true, 'without the verifier module the draw page says 浏览器验证组件未安装')
  await h.shot(phone, 'portal-draw-no-verifier-390')
})
