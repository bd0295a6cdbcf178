// The staff console in a real browser (ctest: integration.console_browser).
//
// A fresh node in a temporary data directory: org units, 60 employers imported from the
// sample generator's CSV, a city administrator whose first password the node operator sets on
// the command line, and a registry clerk whose password that administrator sets through the
// API (signed in with its session cookie and CSRF token). Then a real `suiji serve` with the
// built console, and Debian's Chromium (/usr/bin/chromium; never a downloaded browser) driven
// by playwright-core: a wrong password is refused on the page, the clerk signs in, sees its
// menu, searches the employer directory by name and region, and the rows shown are exactly
// the CSV's employers that match. Screenshots are kept in $SUIJI_ARTIFACTS (or the temp dir).
//
// Environment: SUIJI_BIN (the suiji binary), SUIJI_CONSOLE_DIR (the built console),
// SUIJI_SOURCE_DIR (the repository), CHROMIUM (default /usr/bin/chromium). Exit 77 (skipped)
// only when Chromium or the console's npm packages are missing and CI is not "true"; under CI
// that is a failure.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const SKIP = 77
const underCi = process.env.CI === 'true'
const suiji = process.env.SUIJI_BIN
const consoleDir = process.env.SUIJI_CONSOLE_DIR
const sourceDir = process.env.SUIJI_SOURCE_DIR
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium'

function missing(what) {
  if (underCi) {
    console.error(`console_e2e: FAILED: ${what} (CI=true: the browser test must run)`)
    process.exit(1)
  }
  console.log(`console_e2e: SKIPPED: ${what} (install it with ops/install-deps.sh; under CI=true this fails)`)
  process.exit(SKIP)
}

if (!suiji || !consoleDir || !sourceDir) {
  console.error('console_e2e: SUIJI_BIN, SUIJI_CONSOLE_DIR and SUIJI_SOURCE_DIR must be set (ctest sets them)')
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

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'suiji-console-e2e-'))
const data = path.join(work, 'data')
const artifacts = process.env.SUIJI_ARTIFACTS || path.join(os.tmpdir(), 'suiji-console-e2e-artifacts')
fs.mkdirSync(artifacts, { recursive: true })
let server = null
let browser = null
let failed = false

function check(ok, what) {
  if (!ok) throw new Error('check failed: ' + what)
  console.log('ok - ' + what)
}

function run(args) {
  return execFileSync(suiji, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

// Starts `suiji serve` on a free port; resolves with the base URL once it listens.
function serve() {
  return new Promise((resolve, reject) => {
    server = spawn(suiji, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--console', consoleDir], {
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
        resolve(`http://127.0.0.1:${m[1]}`)
      }
    })
    server.on('exit', (code) => reject(new Error(`suiji serve exited (${code}): ${err}`)))
  })
}

try {
  // --- the node ---
  const op = ['--data', data, '--org', '320400', '--user', '测试运维']
  run(['init', ...op, '--ledger', 'test.suiji/console', '--description', '工作台浏览器测试', '--no-calendar'])
  run(['org', 'add', ...op, '--id', '320000', '--name', '江苏省人力资源和社会保障厅', '--region', '320000', '--level', 'province'])
  run(['org', 'add', ...op, '--id', '320400', '--name', '常州市人力资源和社会保障局', '--region', '320400',
       '--level', 'city', '--parent', '320000'])
  const sample = path.join(work, 'sample')
  execFileSync('python3', [path.join(sourceDir, 'ops/sample/gen_directory.py'), '--out', sample, '--targets', '60',
                           '--inspectors', '2', '--only-org', '320400', '--encoding', 'utf-8'])
  run(['import', 'targets', ...op, path.join(sample, 'targets.csv')])
  run(['user', 'add', ...op, '--id', 'city-admin', '--name', '市系统管理员', '--org-id', '320400', '--role', 'administrator'])
  run(['user', 'add', ...op, '--id', 'clerk', '--name', '名录管理员甲', '--org-id', '320400', '--role', 'registry_clerk'])
  const adminPassword = '市管理员初始密码-2026'
  const pwFile = path.join(work, 'admin-password.txt')
  fs.writeFileSync(pwFile, adminPassword + '\n', { mode: 0o600 })
  run(['user', 'password', 'city-admin', '--password-file', pwFile, '--reason', '初始密码', '--data', data])
  fs.rmSync(pwFile)

  // The employers the search must show: region 320402, name containing the first such
  // employer's brand (the two characters after the region's name), as the CSV has them.
  const rows = fs.readFileSync(path.join(sample, 'targets.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\n')
  const targets = rows.slice(1).map((l) => l.split(','))
  const inRegion = targets.filter((t) => t[2] === '320402')
  check(inRegion.length > 0, `the sample has employers in 320402 (${inRegion.length})`)
  const fragment = [...inRegion[0][1]].slice(6, 8).join('')  // its brand, after 常州市天宁区
  const expected = inRegion.filter((t) => t[1].includes(fragment)).map((t) => t[0]).sort()
  check(expected.length >= 1 && expected.length <= 20, `"${fragment}" names ${expected.length} employers of 320402`)

  const base = await serve()

  // --- the administrator sets the clerk's password through the API ---
  const signIn = await fetch(base + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: 'city-admin', password: adminPassword }),
  })
  check(signIn.status === 200, 'the administrator signs in through the API')
  const cookie = signIn.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await signIn.json()
  const clerkPassword = '名录管理员的密码-01'
  const set = await fetch(base + '/api/v1/users/clerk/password', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify({ password: clerkPassword, reason: '初始密码' }),
  })
  check(set.status === 201, `the administrator sets the clerk's password (${set.status})`)

  // --- the browser ---
  // A fresh profile (Playwright takes it as launchPersistentContext's user data dir, never
  // as a --user-data-dir argument).
  browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(work, 'chromium-')), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  })
  const page = await browser.newPage()
  // Generous: a loaded CI machine parses the 1 MB bundle slowly; each wait still ends at the first match.
  page.setDefaultTimeout(60000)
  await page.goto(base + '/console/directory/targets')
  await page.waitForURL(/\/console\/login\?next=/)
  check(true, 'an unsigned browser is sent to the sign-in page')
  await page.getByLabel('用户名').fill('clerk')
  await page.getByLabel('密码').fill('不是这个密码-0000')
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('alert').getByText('用户名或密码错误 (wrong user name or password)').waitFor()
  check(true, 'a wrong password is refused on the page, in Chinese')
  await page.screenshot({ path: path.join(artifacts, 'sign-in-refused.png') })

  await page.getByLabel('密码').fill(clerkPassword)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByText('名录管理员甲（名录管理员，辖区 320400）').waitFor()
  check(page.url().endsWith('/console/directory/targets'), 'signed in, back at the page asked for')
  check(await page.getByRole('menuitem', { name: '用人单位名录' }).isVisible(), 'the clerk sees the directory in its menu')
  check(!(await page.getByRole('menuitem', { name: '用户与密码' }).isVisible()), 'and not the administrator\'s screens')

  await page.getByLabel('单位名称').fill(fragment)
  await page.getByLabel('行政区划').fill('320402')
  await page.getByRole('button', { name: '查询' }).click()
  await page.getByText(`共 ${expected.length} 家`).waitFor()
  const shown = (await page.locator('[data-test=targets] .el-table__body tr td:first-child').allInnerTexts())
    .map((s) => s.trim())
    .sort()
  check(JSON.stringify(shown) === JSON.stringify(expected), `the rows shown are the ${expected.length} matching employers`)
  await page.screenshot({ path: path.join(artifacts, 'directory-search.png'), fullPage: true })

  // A reload keeps the session (the cookie), and sign-out ends it.
  await page.reload()
  await page.getByText('名录管理员甲（名录管理员，辖区 320400）').waitFor()
  await page.getByRole('button', { name: '退出登录' }).click()
  await page.waitForURL(/\/console\/login/)
  const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status)
  check(after === 401, 'after sign-out the session is gone')
} catch (e) {
  failed = true
  console.error('console_e2e: FAILED: ' + (e && e.stack ? e.stack : e))
} finally {
  if (browser) await browser.close().catch(() => {})
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit')
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  if (!failed) fs.rmSync(work, { recursive: true, force: true })
  else console.error('console_e2e: kept ' + work)
  console.log('console_e2e: screenshots in ' + artifacts)
}
process.exit(failed ? 1 : 0)
