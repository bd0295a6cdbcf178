// The console's unit tests (ctest: unit.console_logic): the logic of the screens, kept in
// plain TypeScript modules apart from the .vue pages (src/views/**/use*.ts), compiled with the
// pinned typescript (tsc, tests/unit/tsconfig.json) into a build directory and run with
// Node's own test runner (node --test) over tests/unit/*.test.mjs. Those import the compiled
// modules from SUIJI_UNIT_OUT (the build directory; ctest sets it).
// Exit 77 (skipped) only when typescript is not installed (npm ci) and CI is not "true".
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const web = path.resolve(here, '../..')
const out = process.env.SUIJI_UNIT_OUT || fs.mkdtempSync(path.join(os.tmpdir(), 'suiji-console-unit-'))
const tsc = path.join(web, 'node_modules/typescript/bin/tsc')
if (!fs.existsSync(tsc)) {
  const what = 'typescript is not installed in api/web/node_modules (npm ci there, or ops/build.sh)'
  if (process.env.CI === 'true') {
    console.error('console unit tests: FAILED: ' + what)
    process.exit(1)
  }
  console.log('console unit tests: SKIPPED: ' + what)
  process.exit(77)
}
fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(out, { recursive: true })
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json'), '--outDir', out], {
  stdio: 'inherit',
})
if (compiled.status !== 0) process.exit(1)
// The compiled files are ES modules.
fs.writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n')
const tests = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(here, f))
const run = spawnSync(process.execPath, ['--test', ...tests], {
  stdio: 'inherit',
  env: { ...process.env, SUIJI_UNIT_OUT: out },
})
process.exit(run.status ?? 1)
