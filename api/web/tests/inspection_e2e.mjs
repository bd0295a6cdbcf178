// The inspector's screens on a phone (390 x 844) and the reviewer's at 1280 px, in a real
// browser (ctest: integration.inspection_browser).
//
// A fresh node (tests/lib/harness.mjs) with an announced draw (h.drawTask: items HRSS-01 and
// HRSS-02, window 2026-06-01 to 2026-07-31, teams of two) and users for the two inspectors of
// its first visit and for one inspector not on it. The first inspector, on its phone, sees its
// visits (exactly the draw's visits whose team names it), opens the first, is told in Chinese
// what the empty form lacks, records the result point by point (HRSS-02 with one violation)
// with an evidence file whose SHA-256 the browser computes (checked against Node's in the
// stored result, `suiji result show --json`), is refused submission while the team has not
// confirmed (naming who), confirms; the second confirms on its phone; the first submits. The
// reviewer returns it with a reason (refused first without one), the inspector records
// revision 2 and the team confirms and submits again; the reviewer sees the difference,
// approves and publishes, and the public results API lists it; then a correction (adding the
// handling 移送有关部门), the transfer and a credit re-grading. Refusals: an inspector gets no reviewer menu, the reviewer's route shows 无权访问
// and the API answers 403; the reviewer has no 我的检查; the inspector off the team neither
// sees nor records the visit (page and API). Every inspector screen is checked for no
// sideways scrolling at 390 px; screenshots of every screen in the artifacts directory.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { runBrowserTest } from './lib/harness.mjs'

// Equal as JSON values, whatever the order of keys (the node's JSON sorts them).
const canon = (v) => Array.isArray(v) ? v.map(canon)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v
const same = (x, y) => JSON.stringify(canon(x)) === JSON.stringify(canon(y))

await runBrowserTest('inspection_e2e', async (h) => {
  h.node({ targets: 60, inspectors: 12 })
  const draw = h.drawTask()
  const drawId = draw.draw_id
  const visit = draw.result.visits[0]
  const code = visit.credit_code
  const [a, b] = visit.team
  const mineA = draw.result.visits.filter((v) => v.team.includes(a)).map((v) => v.credit_code).sort()
  const inspectorIds = fs.readFileSync(path.join(h.sample, 'inspectors.csv'), 'utf8').replace(/^\uFEFF/, '')
    .trim().split('\n').slice(1).map((l) => l.split(',')[0])
  const outsider = inspectorIds.find((id) => !visit.team.includes(id) && !(visit.experts ?? []).includes(id))
  h.check(!!outsider, `an inspector not on the visit's team: ${outsider}`)
  const ia = h.inspectorUser(a, '检查员甲')
  const ib = h.inspectorUser(b, '检查员乙')
  const ix = h.inspectorUser(outsider, '组外检查员')
  const { reviewer } = h.users
  await h.serve()
  // The stored result: on the command line once (the evidence), then through the API as the
  // reviewer (a process per check is slow on a loaded machine).
  const cliResult = () => JSON.parse(h.run(['result', 'show', '--data', h.data, drawId, code, '--json']))
  const apiR = await h.api(reviewer)
  const resultJson = async () => {
    const r = await apiR.get(`/api/v1/results/${drawId}/${code}`)
    if (r.status !== 200) throw new Error(`GET result: ${r.status} ${r.text}`)
    return r.json
  }
  const phoneFits = async (page, what) => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth)
    h.check(w <= 390, `${what}: no sideways scrolling at 390 px (scrollWidth ${w})`)
  }
  const visitPath = `/inspection/visits/${encodeURIComponent(drawId)}/${encodeURIComponent(code)}`

  // --- the first inspector's visits, on its phone ---
  const pa = await h.page({ width: 390, height: 844 })
  await h.signIn(pa, ia, '/inspection/visits')
  await pa.getByRole('heading', { name: '我的检查' }).waitFor()
  await pa.locator('[data-test=visit-card]').first().waitFor()
  const cards = await pa.locator('[data-test=visit-card]').allInnerTexts()
  const shownCodes = mineA.filter((c) => cards.some((t) => t.includes(c)))
  h.check(cards.length === mineA.length && shownCodes.length === mineA.length,
    `the inspector sees exactly its ${mineA.length} visit(s) of the draw: ${mineA.join(' ')}`)
  const card = pa.locator('[data-test=visit-card]', { hasText: code })
  const cardText = await card.innerText()
  h.check(cardText.includes('2026-06-01 至 2026-07-31') && cardText.includes('用人单位遵守劳动合同制度情况、用人单位支付工资情况'),
    'its card shows the window and the items')
  h.check(cardText.includes('未录入'), 'and that no result is recorded yet')
  await phoneFits(pa, 'my visits')
  await h.shot(pa, 'inspector-1-visits-390')

  await card.getByRole('button', { name: '打开检查' }).click()
  await pa.getByRole('button', { name: '保存并提交检查组确认' }).waitFor()
  await phoneFits(pa, 'the result form')
  await h.shot(pa, 'inspector-2-form-empty-390')

  // The inspection sheet (HTML, A4 print stylesheet) behind the link, with the session.
  const sheetHref = await pa.getByRole('link', { name: '打印检查单（A4）' }).getAttribute('href')
  const sheetPage = await pa.context().newPage()
  await sheetPage.goto(h.base + sheetHref)
  const sheetHtml = await sheetPage.content()
  h.check(sheetHtml.includes('size: A4') && sheetHtml.includes(code), 'the inspection sheet opens: A4, naming the employer')
  await sheetPage.setViewportSize({ width: 390, height: 844 })
  await h.shot(sheetPage, 'inspector-3-sheet-390')
  await sheetPage.close()

  // Saving the empty form: every missing field named in Chinese next to it, nothing sent.
  await pa.getByRole('button', { name: '保存并提交检查组确认' }).click()
  await pa.getByText('请填写检查日期').waitFor()
  h.check((await pa.getByText('请选择检查结果').count()) === 2, 'the empty form: 请填写检查日期 and 请选择检查结果 under both items')

  // The result, point by point.
  await pa.getByLabel('检查日期').fill('2026-07-15')
  const i1 = pa.locator('[data-item=HRSS-01]')
  await i1.getByText('未发现问题', { exact: true }).click()
  await i1.getByRole('radiogroup', { name: '检查要点 是否依法签订书面劳动合同' }).getByText('符合', { exact: true }).click()
  await i1.getByRole('radiogroup', { name: '检查要点 是否建立职工名册' }).getByText('符合', { exact: true }).click()
  const i2 = pa.locator('[data-item=HRSS-02]')
  await i2.getByText('发现问题已责令改正', { exact: true }).click()
  await i2.getByRole('radiogroup', { name: '检查要点 是否按时足额支付工资' }).getByText('不符合', { exact: true }).click()
  await i2.getByLabel('发现的情况 是否按时足额支付工资').fill('3名劳动者5月工资未按时支付')
  await pa.getByText('发现问题须列明违法行为').waitFor()
  h.check(true, 'problems found without a violation: 发现问题须列明违法行为, as the inspector types')
  await i2.getByRole('button', { name: '添加违法行为' }).click()
  await i2.getByLabel('违法事实 HRSS-02-1').fill('未按月足额支付3名劳动者工资')
  await i2.getByLabel('法律依据 HRSS-02-1').fill('《保障农民工工资支付条例》第十五条')
  await i2.getByText('责令改正', { exact: true }).click()

  // Evidence: 5 MB (two 4 MiB slices), hashed in the browser; the test hashes it in Node.
  const evidence = crypto.randomBytes(5 * 1024 * 1024 + 123)
  const evidenceSha = crypto.createHash('sha256').update(evidence).digest('hex')
  await pa.locator('[data-test=evidence-input]').setInputFiles({ name: '现场照片-0715.jpg', mimeType: 'image/jpeg', buffer: evidence })
  await pa.locator('[data-test=evidence]').getByText(`SHA-256 ${evidenceSha}`).waitFor()
  h.check(true, `the browser's SHA-256 of the evidence is Node's (${evidenceSha.slice(0, 16)}…)`)
  await phoneFits(pa, 'the filled result form')
  await h.shot(pa, 'inspector-4-form-filled-390')

  await pa.getByRole('button', { name: '保存并提交检查组确认' }).click()
  await pa.locator('[data-test=state]').getByText('已录入').waitFor()
  let stored = cliResult()
  const r1 = stored.revisions[0]
  h.check(stored.state === 'entered' && stored.revisions.length === 1 && r1.entered_by === ia.id, 'revision 1 is recorded by the first inspector')
  h.check(same(r1.evidence, [{ sha256: evidenceSha, size: evidence.length, kind: 'photo', name: '现场照片-0715.jpg' }]),
    'the stored evidence is name, size, kind and the SHA-256 computed in the browser (the file never sent)')
  h.check(r1.inspection_date === '2026-07-15' && JSON.stringify(r1.team) === JSON.stringify([a, b]), 'the date and the team as entered')
  h.check(JSON.stringify(r1.items.map((i) => [i.item_id, i.outcome, i.findings.map((f) => [f.point, f.compliant, f.text])])) ===
    JSON.stringify([
      ['HRSS-01', 'no_problem', [['是否依法签订书面劳动合同', true, ''], ['是否建立职工名册', true, '']]],
      ['HRSS-02', 'corrected', [['是否按时足额支付工资', false, '3名劳动者5月工资未按时支付']]],
    ]), 'the items, outcomes and checklist findings as entered')
  h.check(same(r1.items[1].violations, [{ description: '未按月足额支付3名劳动者工资',
    legal_basis: '《保障农民工工资支付条例》第十五条', handling: ['order_correction'], no_penalty_list: false, fine_yuan: 0 }]),
  'the violation with its legal basis and handling')
  h.check((await pa.locator('[data-test=revision-hash]').innerText()).trim() === r1.sha256, "the screen shows the revision's hash")

  // Submission before the team confirmed: refused, in Chinese, naming both.
  await pa.getByRole('button', { name: '提交审核' }).click()
  await pa.locator('[data-test=action-error]').getByText(`第 1 版尚未经检查组成员 ${a}、${b} 确认（每人须以本人账号确认）`).waitFor()
  h.check(true, 'submission before confirmation is refused, naming both inspectors')
  await pa.getByRole('button', { name: '确认第 1 版' }).click()
  await pa.getByText('已确认第 1 版').waitFor()
  await pa.getByRole('button', { name: '提交审核' }).click()
  await pa.locator('[data-test=action-error]').getByText(`第 1 版尚未经检查组成员 ${b} 确认（每人须以本人账号确认）`).waitFor()
  h.check(true, 'after its own confirmation, the refusal names only the second inspector')
  await phoneFits(pa, 'the confirmation')
  await h.shot(pa, 'inspector-5-confirm-refused-390')

  // --- the second inspector confirms on its phone ---
  const pb = await h.page({ width: 390, height: 844 })
  await h.signIn(pb, ib, visitPath)
  await pb.getByRole('button', { name: '确认第 1 版' }).click()
  await pb.getByText('已确认第 1 版').waitFor()
  await phoneFits(pb, "the second inspector's confirmation")
  await h.shot(pb, 'inspector-6-second-confirms-390')
  stored = await resultJson()
  h.check(JSON.stringify(stored.revisions[0].confirmations.map((c) => [c.inspector_id, c.by])) === JSON.stringify([[a, ia.id], [b, ib.id]]),
    'each inspector confirmed with its own user')

  await pa.reload()
  await pa.getByRole('button', { name: '提交审核' }).click()
  await pa.locator('[data-test=state]').getByText('待审核').waitFor()
  h.check((await resultJson()).state === 'awaiting_review', 'submitted: awaiting review')

  // --- the reviewer returns it ---
  const pr = await h.page()
  await h.signIn(pr, reviewer, '/review')
  const queueRow = pr.locator('[data-test=queue] .el-table__body tr', { hasText: code })
  await queueRow.waitFor()
  h.check((await queueRow.innerText()).includes(draw.result.visits[0].credit_code), 'the queue lists the result awaiting review')
  await h.shot(pr, 'reviewer-1-queue-1280')
  await queueRow.getByRole('button', { name: '审核' }).click()
  await pr.getByRole('button', { name: '退回修改' }).click()
  await pr.getByText('退回须写明理由').waitFor()
  h.check(true, 'returning without a reason is refused next to the field')
  const returnReason = '违法行为涉及人数与询问笔录不符，请核实'
  await pr.getByLabel('审核意见').fill(returnReason)
  await pr.getByRole('button', { name: '退回修改' }).click()
  await pr.locator('[data-test=state]').getByText('已退回').waitFor()
  stored = await resultJson()
  h.check(stored.state === 'returned' && stored.reviews[0].reason === returnReason && stored.reviews[0].by === reviewer.id,
    'returned with the reason, by the reviewer')
  await h.shot(pr, 'reviewer-2-returned-1280')

  // --- revision 2 on the phone, confirmed by both, submitted ---
  await pa.reload()
  await pa.locator('[data-test=return-reason]').getByText(`审核退回：${returnReason}`).waitFor()
  await phoneFits(pa, 'the returned result')
  await h.shot(pa, 'inspector-7-returned-390')
  await pa.getByRole('button', { name: '修改后录入新版本' }).click()
  await pa.getByLabel('违法事实 HRSS-02-1').fill('未按月足额支付4名劳动者工资')
  await pa.getByRole('button', { name: '保存并提交检查组确认' }).click()
  await pa.getByRole('button', { name: '确认第 2 版' }).click()
  await pa.getByText('已确认第 2 版').waitFor()
  await pb.reload()
  await pb.getByRole('button', { name: '确认第 2 版' }).click()
  await pb.getByText('已确认第 2 版').waitFor()
  await pa.reload()
  await pa.getByRole('button', { name: '提交审核' }).click()
  await pa.locator('[data-test=state]').getByText('待审核').waitFor()
  stored = await resultJson()
  h.check(stored.revisions.length === 2 && stored.revisions[1].items[1].violations[0].description === '未按月足额支付4名劳动者工资' &&
    same(stored.revisions[1].evidence, stored.revisions[0].evidence),
  'revision 2 changes the violation and keeps the evidence')

  // --- the reviewer sees the difference, approves, publishes ---
  await pr.reload()
  await pr.locator('[data-test=state]').getByText('待审核').waitFor()
  await pr.locator('[data-test=diff-rows] .el-table__body tr').first().waitFor()
  const diffRows = (await pr.locator('[data-test=diff-rows] .el-table__body tr').allInnerTexts()).map((t) => t.split(/\s*\n\s*|\t/).filter(Boolean))
  h.check(JSON.stringify(diffRows) === JSON.stringify([['修改', '事项 HRSS-02 · 违法行为 1 · 描述', '未按月足额支付3名劳动者工资', '未按月足额支付4名劳动者工资']]),
    `the difference of revision 1 and 2 is the one description: ${JSON.stringify(diffRows)}`)
  await h.shot(pr, 'reviewer-3-diff-1280')
  await pr.getByRole('button', { name: '审核通过' }).click()
  await pr.locator('[data-test=state]').getByText('审核通过').waitFor()
  await pr.getByRole('button', { name: '公示结果' }).click()
  await pr.locator('[data-test=state]').getByText('已公示').waitFor()
  stored = await resultJson()
  h.check(stored.state === 'published' && stored.published_revision === 2, 'approved and published: revision 2')
  const pub = await (await fetch(`${h.base}/public/v1/results?code=${code}`)).json()
  h.check(pub.results.length === 1 && JSON.stringify(pub.results[0]).includes(drawId), 'the public results API lists it')

  // --- a correction and a re-grading ---
  const correct = pr.locator('[data-test=correct]')
  await correct.getByLabel('违法事实 HRSS-02-1').fill('未按月足额支付5名劳动者工资')
  await correct.locator('.violation').getByText('移送有关部门', { exact: true }).click()
  await correct.getByLabel('更正原因').fill('录入时劳动者人数有误')
  await correct.getByRole('button', { name: '提交更正' }).click()
  await pr.getByText('已更正（与原结果并列公示）').waitFor()
  stored = await resultJson()
  h.check(stored.corrections.length === 1 && stored.corrections[0].reason === '录入时劳动者人数有误' &&
    stored.corrections[0].result.items[1].violations[0].description === '未按月足额支付5名劳动者工资',
  'the correction is recorded beside the original')
  const todayChina = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
  // The corrected result now hands the matter to another department: the transfer.
  h.check(same(stored.corrections[0].result.items[1].violations[0].handling, ['order_correction', 'transfer_department']),
    'the correction adds the handling 移送有关部门')
  await pr.getByLabel('接收单位').fill('常州市医疗保障局')
  await pr.getByLabel('移送日期').fill(todayChina)
  await pr.getByLabel('移送理由').fill('涉嫌未足额缴纳医疗保险费')
  await pr.getByRole('button', { name: '记录移送' }).click()
  await pr.getByText('已记录移送').waitFor()
  stored = await resultJson()
  h.check(same(stored.transfers, [{ kind: 'department', to: '常州市医疗保障局', date: todayChina, reason: '涉嫌未足额缴纳医疗保险费' }]),
    'the transfer is recorded')
  await pr.getByLabel('评定日期').fill(todayChina)
  await pr.getByLabel('评定理由').fill('拖欠工资，依规降为C级')
  await pr.getByRole('button', { name: '重新评定' }).click()
  await pr.locator('[data-test=regrade-row]').getByText(`${todayChina} 评定为 C 级：拖欠工资，依规降为C级`).waitFor()
  stored = await resultJson()
  h.check(same(stored.credit_reevaluations, [{ grade: 'C', grade_date: todayChina, reason: '拖欠工资，依规降为C级' }]),
    'the credit re-grading is recorded')
  await h.shot(pr, 'reviewer-4-published-corrected-1280')

  // --- refusals ---
  h.check(!(await pa.getByRole('menuitem', { name: '结果审核' }).isVisible()), "an inspector's menu has no 结果审核")
  await pa.goto(h.base + '/console/review')
  await pa.locator('[data-test=forbidden]').getByText('无权访问').waitFor()
  h.check(pa.url().includes('/console/forbidden'), "the reviewer's route refuses an inspector")
  await phoneFits(pa, 'the refusal')
  await h.shot(pa, 'inspector-8-review-refused-390')
  const apiA = await h.api(ia)
  const rev = await apiA.post(`/api/v1/results/${drawId}/${code}/review`, { approve: true })
  h.check(rev.status === 403 && rev.json.code === 'forbidden', `an inspector reviewing at the API: 403 forbidden (${rev.status} ${rev.json?.code})`)
  h.check(!(await pr.getByRole('menuitem', { name: '我的检查' }).isVisible()), "the reviewer's menu has no 我的检查")
  await pr.goto(h.base + '/console/inspection/visits')
  await pr.locator('[data-test=forbidden]').waitFor()
  const rv = await apiR.get('/api/v1/visits?mine=1')
  h.check(rv.status === 403 && rv.json.code === 'forbidden', `the reviewer asking for visits: 403 forbidden (${rv.status})`)

  // The inspector off the team: not in its list, not on the page, refused at the API.
  const px = await h.page({ width: 390, height: 844 })
  await h.signIn(px, ix, '/inspection/visits')
  await px.getByRole('heading', { name: '我的检查' }).waitFor()
  await px.locator('[data-test=visit-card], .el-empty').first().waitFor() // its list has loaded
  const apiX = await h.api(ix)
  const xs = await apiX.get('/api/v1/visits?mine=1')
  h.check(xs.status === 200 && !xs.json.visits.some((v) => v.credit_code === code), "the outsider's visits do not include it")
  h.check(!(await px.locator('[data-test=visit-card]', { hasText: code }).count()), 'nor does its page')
  await px.goto(h.base + '/console' + visitPath)
  await px.locator('[data-test=not-my-visit]').getByText('没有找到这次检查').waitFor()
  await phoneFits(px, "the outsider's refusal")
  await h.shot(px, 'inspector-9-outsider-390')
  const rec = await apiX.post('/api/v1/results', { draw_id: drawId, credit_code: code, inspection_date: '2026-07-15',
    items: [{ item_id: 'HRSS-01', outcome: 'no_problem' }, { item_id: 'HRSS-02', outcome: 'no_problem' }], team: [a, b] })
  h.check(rec.status === 403 && rec.json.code === 'not_on_team', `the outsider recording: 403 not_on_team (${rec.status})`)
  const seen = await apiX.get(`/api/v1/results/${drawId}/${code}`)
  h.check(seen.status === 404 && seen.json.code === 'not_found', `the outsider reading the result: 404 (${seen.status})`)
})
