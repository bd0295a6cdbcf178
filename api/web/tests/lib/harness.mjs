// The shared harness of the browser tests (ctest: integration.*_browser; see
// tests/CMakeLists.txt `suiji_browser_test`).
//
// runBrowserTest(name, async (h) => { ... }) checks what the test needs (the suiji binary, the
// built console, Debian's Chromium, playwright-core), gives the body a harness `h` over a fresh
// temporary directory, and ends the process: exit 0 passed, 1 failed, 77 skipped (only when
// Chromium or the npm packages are missing and CI is not "true"; under CI that is a failure).
//
//   h.check(ok, what)            a named check ("ok - what" or the test fails)
//   h.run(args)                  `suiji args...` (stdout as a string; throws with stderr)
//   h.cli(args)                  `suiji args... --data DATA --org 320400 --user 测试运维`
//   h.node({targets, inspectors}) a node: org units 320000 > 320400, a generated directory of
//                                Changzhou (employers, inspectors, the item list), and one
//                                signed-in-able user per role (h.users, below)
//   h.users                      { admin, clerk, planner, reviewer, supervisor }: { id, name,
//                                password, role } (passwords set through `suiji user password`)
//   h.inspectorUser(inspectorId) a user with the inspector role for that directory inspector
//   h.drawTask(options)          plan + task + freeze + commit + reveal (+ announce) on the
//                                command line; returns `suiji draw show --json` of the draw
//   h.serve(extraArgs)           `suiji serve` with the console (and extraArgs, e.g. --verifier-web DIR);
//                                resolves with the base URL
//   h.page({width, height})      a new page in Chromium (1280 x 800 by default; 390 x 844 for
//                                a phone), each viewport in its own fresh profile
//   h.signIn(page, user, next)   signs in through the login page (waits for the shell)
//   h.api(user)                  { get(path), post(path, body), del(path) } as that user with
//                                the session cookie and CSRF token: for checks at the API
//   h.shot(page, name)           a full-page screenshot into the artifacts directory
//   h.sample, h.work, h.data     the generated CSVs' directory, the temp dir, the data dir
//
// Environment: SUIJI_BIN, SUIJI_CONSOLE_DIR, SUIJI_SOURCE_DIR (ctest sets them), SUIJI_ARTIFACTS
// (screenshots), CHROMIUM (default /usr/bin/chromium).
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const SKIP = 77
const ORG = '320400'
const OPERATOR = '测试运维'

// The staff of the test bureau, one per role; each signs in with its own password.
const STAFF = {
  admin: { id: 'city-admin', name: '市系统管理员', role: 'administrator', password: '市管理员初始密码-2026' },
  clerk: { id: 'clerk', name: '名录管理员甲', role: 'registry_clerk', password: '名录管理员的密码-01' },
  planner: { id: 'planner', name: '计划员王科长', role: 'planner', password: '计划员的密码-2026' },
  reviewer: { id: 'reviewer', name: '审核员李处长', role: 'reviewer', password: '审核员的密码-2026' },
  supervisor: { id: 'supervisor', name: '纪检监督员赵某', role: 'supervisor', password: '监督员的密码-2026' },
}

export async function runBrowserTest(name, body) {
  const underCi = process.env.CI === 'true'
  const suiji = process.env.SUIJI_BIN
  const consoleDir = process.env.SUIJI_CONSOLE_DIR
  const sourceDir = process.env.SUIJI_SOURCE_DIR
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium'
  const missing = (what) => {
    if (underCi) {
      console.error(`${name}: FAILED: ${what} (CI=true: the browser test must run)`)
      process.exit(1)
    }
    console.log(`${name}: SKIPPED: ${what} (install it with ops/install-deps.sh; under CI=true this fails)`)
    process.exit(SKIP)
  }
  if (!suiji || !consoleDir || !sourceDir) {
    console.error(`${name}: SUIJI_BIN, SUIJI_CONSOLE_DIR and SUIJI_SOURCE_DIR must be set (ctest sets them)`)
    process.exit(1)
  }
  if (!fs.existsSync(chromiumPath)) missing(`no Chromium at ${chromiumPath} (Debian package chromium)`)
  let chromium
  try {
    ;({ chromium } = await import('playwright-core'))
  } catch {
    missing('playwright-core is not installed in api/web/node_modules (npm ci there, or ops/build.sh)')
  }
  if (!fs.existsSync(path.join(consoleDir, 'index.html'))) {
    missing(`the console is not built at ${consoleDir} (ops/build.sh builds it with npm)`)
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), `suiji-${name}-`))
  const data = path.join(work, 'data')
  const artifacts = process.env.SUIJI_ARTIFACTS || path.join(os.tmpdir(), `suiji-${name}-artifacts`)
  fs.mkdirSync(artifacts, { recursive: true })
  let server = null
  const contexts = []
  let failed = false

  const h = {
    work,
    data,
    artifacts,
    sourceDir,
    sample: path.join(work, 'sample'),
    users: STAFF,
    org: ORG,
    check(ok, what) {
      if (!ok) throw new Error('check failed: ' + what)
      console.log('ok - ' + what)
    },
    run(args) {
      try {
        return execFileSync(suiji, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      } catch (e) {
        throw new Error(`suiji ${args.join(' ')} failed (${e.status}): ${e.stderr}`)
      }
    },
    cli(args, user = OPERATOR) {
      return h.run([...args, '--data', data, '--org', ORG, '--user', user])
    },
    setPassword(id, password) {
      const file = path.join(work, `password-${id}.txt`)
      fs.writeFileSync(file, password + '\n', { mode: 0o600 })
      h.run(['user', 'password', id, '--password-file', file, '--reason', '初始密码', '--data', data])
      fs.rmSync(file)
    },
    node({ targets = 60, inspectors = 12 } = {}) {
      h.run(['init', '--data', data, '--org', ORG, '--user', OPERATOR, '--ledger', `test.suiji/${name}`,
             '--description', '工作台浏览器测试', '--no-calendar'])
      h.cli(['org', 'add', '--id', '320000', '--name', '江苏省人力资源和社会保障厅', '--region', '320000', '--level', 'province'])
      h.cli(['org', 'add', '--id', ORG, '--name', '常州市人力资源和社会保障局', '--region', ORG, '--level', 'city',
             '--parent', '320000'])
      execFileSync('python3', [path.join(sourceDir, 'ops/sample/gen_directory.py'), '--out', h.sample, '--targets',
                               String(targets), '--inspectors', String(inspectors), '--only-org', ORG,
                               '--encoding', 'utf-8'])
      h.cli(['import', 'targets', path.join(h.sample, 'targets.csv')])
      if (inspectors > 0) h.cli(['import', 'inspectors', path.join(h.sample, 'inspectors.csv')])
      h.cli(['import', 'items', '--effective', '2026-01-01', path.join(h.sample, 'items.csv')])
      for (const u of Object.values(STAFF)) {
        h.cli(['user', 'add', '--id', u.id, '--name', u.name, '--org-id', ORG, '--role', u.role])
        h.setPassword(u.id, u.password)
      }
    },
    // A user with the inspector role acting for a directory inspector (password: 检查员-<id>).
    inspectorUser(inspectorId, displayName) {
      const u = { id: `insp-${inspectorId}`, name: displayName || `检查员${inspectorId}`, role: 'inspector',
                  password: `检查员-${inspectorId}`, inspectorId }
      h.cli(['user', 'add', '--id', u.id, '--name', u.name, '--org-id', ORG, '--role', 'inspector',
             '--inspector-id', inspectorId])
      h.setPassword(u.id, u.password)
      return u
    },
    // Plan P-320400-2026 (once), a task over the whole city by region strata, its draw frozen,
    // committed with two witnesses and revealed; announced unless announce is false.
    drawTask({ taskId = 'T-320400-2026-01', ratioBp = 1000, announce = true, teamSize = 2 } = {}) {
      if (!h.planFiled) {
        h.cli(['plan', 'file', '--id', 'P-320400-2026', '--year', '2026',
               '--title', '常州市人力资源和社会保障局2026年度双随机抽查工作计划', '--filed-with', '320000'])
        h.planFiled = true
      }
      const task = {
        task_id: taskId, plan_id: 'P-320400-2026', org_id: ORG,
        title: '2026年 劳动合同和工资支付情况双随机抽查', item_list_version: 1, item_ids: ['HRSS-01', 'HRSS-02'],
        regions: [ORG], ratio_bp: ratioBp, strata_by: 'region', credit: { grade_c_ratio_bp: 2000 },
        window_start: '2026-06-01', window_end: '2026-07-31',
        inspectors: { domains: ['劳动用工', '工资支付'], team_size: teamSize, substitutes: 1 },
      }
      const file = path.join(work, `${taskId}.json`)
      fs.writeFileSync(file, JSON.stringify(task))
      h.cli(['task', 'define', file])
      h.cli(['draw', 'freeze', taskId])
      const drawId = `${taskId}-d1`
      h.cli(['draw', 'commit', drawId, '--no-drand', '--witness', '市人大代表张某', '--witness', '政协委员李某'])
      h.cli(['draw', 'reveal', drawId, '--witness-digits', '3817', '--witness-digits', '0562'])
      if (announce) h.cli(['announce', drawId, '--confirmed-by', '计划员王科长,审核员李处长'])
      return JSON.parse(h.run(['draw', 'show', '--data', data, drawId, '--json']))
    },
    serve(extraArgs = []) {
      return new Promise((resolve, reject) => {
        server = spawn(suiji, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--console', consoleDir, ...extraArgs], {
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let err = ''
        const timer = setTimeout(() => reject(new Error('suiji serve did not start in 30 s: ' + err)), 30000)
        server.stderr.setEncoding('utf8')
        server.stderr.on('data', (chunk) => {
          err += chunk
          const m = err.match(/suiji serve: http:\/\/127\.0\.0\.1:(\d+)/)
          if (m) {
            clearTimeout(timer)
            h.base = `http://127.0.0.1:${m[1]}`
            resolve(h.base)
          }
        })
        server.on('exit', (code) => reject(new Error(`suiji serve exited (${code}): ${err}`)))
      })
    },
    // A fresh profile per page (Playwright takes it as launchPersistentContext's user data
    // dir, never as a --user-data-dir argument), so sessions never leak between users.
    async page({ width = 1280, height = 800 } = {}) {
      const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(work, 'chromium-')), {
        executablePath: chromiumPath,
        headless: true,
        viewport: { width, height },
        locale: 'zh-CN',
        args: [
          '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
        ],
      })
      contexts.push(context)
      const page = await context.newPage()
      // Generous: a loaded CI machine parses the 1 MB bundle slowly; each wait still ends at
      // the first match.
      page.setDefaultTimeout(60000)
      return page
    },
    async signIn(page, user, next = '') {
      await page.goto(h.base + '/console/login' + (next ? '?next=' + encodeURIComponent(next) : ''))
      await page.getByLabel('用户名').fill(user.id)
      await page.getByLabel('密码').fill(user.password)
      await page.getByRole('button', { name: '登录' }).click()
      await page.getByRole('button', { name: '退出登录' }).waitFor()
    },
    async api(user) {
      const r = await fetch(h.base + '/api/v1/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user_id: user.id, password: user.password }),
      })
      if (r.status !== 200) throw new Error(`${user.id} could not sign in through the API: ${r.status}`)
      const cookie = r.headers.get('set-cookie').split(';')[0]
      const { csrf_token: csrf } = await r.json()
      const call = async (method, p, body) => {
        const res = await fetch(h.base + p, {
          method,
          headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await res.text()
        let json = null
        try { json = JSON.parse(text) } catch { /* not JSON */ }
        return { status: res.status, json, text }
      }
      return {
        get: (p) => call('GET', p),
        post: (p, body = {}) => call('POST', p, body),
        put: (p, body = {}) => call('PUT', p, body),
        del: (p) => call('DELETE', p),
      }
    },
    // The shell scrolls inside its main panel (.el-main), which a full-page screenshot does not
    // show: the viewport grows by what that panel hides for the shot, then is put back.
    async shot(page, shotName) {
      const viewport = page.viewportSize()
      const hidden = await page.evaluate(() => {
        const main = document.querySelector('.el-main')
        return main ? Math.max(0, main.scrollHeight - main.clientHeight) : 0
      })
      if (viewport && hidden > 0) {
        await page.setViewportSize({ width: viewport.width, height: Math.min(viewport.height + hidden, 10000) })
      }
      await page.screenshot({ path: path.join(artifacts, shotName + '.png'), fullPage: true })
      if (viewport && hidden > 0) await page.setViewportSize(viewport)
    },
  }

  try {
    await body(h)
  } catch (e) {
    failed = true
    console.error(`${name}: FAILED: ` + (e && e.stack ? e.stack : e))
  } finally {
    for (const c of contexts) await c.close().catch(() => {})
    if (server && server.exitCode === null) {
      server.removeAllListeners('exit')
      const exited = new Promise((r) => server.once('exit', r))
      server.kill('SIGTERM')
      await exited
    }
    if (!failed) fs.rmSync(work, { recursive: true, force: true })
    else console.error(`${name}: kept ${work}`)
    console.log(`${name}: screenshots in ${artifacts}`)
  }
  process.exit(failed ? 1 : 0)
}
