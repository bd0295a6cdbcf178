// The standalone verification page in Debian's Chromium (ctest verifier_web.browser).
//
// Serves the built page (build/verifier/web: index.html + suiji-verify.js) from a local
// static server, opens it in /usr/bin/chromium driven by playwright-core (never a downloaded
// browser), chooses a generated draw's proof bundle and pastes the bureau's verifier key:
// every step passes and the verdict reads 通过. Then the same bundle with one target line's
// weight changed: the verdict reads 未通过 and the failed step is 冻结名单与默克尔根 (`frozen`),
// the first failure the C++ verifier names too. Screenshots at 1280 and 390 px go to
// $SUIJI_ARTIFACTS.
//
//   node browser.test.mjs WEB_DIR BUNDLE.json   (BUNDLE.key beside it)
// Exit 77 (skipped) without Chromium unless CI=true.
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const [webDir, bundleFile] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = process.env.SUIJI_ARTIFACTS || join(tmpdir(), 'suiji-verifier-web-artifacts');
if (!webDir || !bundleFile) {
  console.error('usage: browser.test.mjs WEB_DIR BUNDLE.json');
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.log(`verifier_web browser: SKIPPED: no Chromium at ${chromiumPath}`);
  process.exit(process.env.CI === 'true' ? 1 : 77);
}
const { chromium } = await import('playwright-core');
mkdirSync(artifacts, { recursive: true });

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript' };
const server = createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = resolve(webDir, name);
  if (!file.startsWith(resolve(webDir)) || !existsSync(file)) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

const key = readFileSync(bundleFile.replace(/\.json$/, '.key'), 'utf8').trim();
const work = mkdtempSync(join(tmpdir(), 'suiji-verifier-web-'));
const j = JSON.parse(readFileSync(bundleFile, 'utf8'));
let line = j.frozen.targets[7];
const at = line.lastIndexOf('\x1f', line.lastIndexOf('\x1f') - 1) + 1;
line = line.slice(0, at) + (line[at] === '9' ? '8' : String.fromCharCode(line.charCodeAt(at) + 1)) + line.slice(at + 1);
j.frozen.targets[7] = line;
const tampered = join(work, 'tampered-bundle.json');
writeFileSync(tampered, JSON.stringify(j));

let failed = false;
const check = (ok, what) => {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
};
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 }, locale: 'zh-CN' });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.getByLabel('证明包文件').setInputFiles(bundleFile);
    await page.getByPlaceholder(/例如/).fill(key);
    await page.getByRole('button', { name: '开始验证' }).click();
    const verdict = page.locator('#verdict');
    await verdict.getByText('结论：通过').waitFor({ timeout: 60000 });
    const steps = await page.locator('#steps li').evaluateAll((ls) => ls.map((l) => [l.dataset.step, l.className]));
    check(steps.length === 11, `${width}px: 11 steps shown (${steps.length})`);
    check(steps.every(([, c]) => c === 'pass' || c === 'skip'), `${width}px: every step passed or did not apply: ${steps.map((s) => s.join('=')).join(' ')}`);
    check(steps.find(([id]) => id === 'result')[1] === 'pass', `${width}px: the result recomputed`);
    const ms = await page.evaluate(() => window.__suijiReport.elapsedMs);
    console.log(`  verified in the browser in ${ms} ms`);
    await page.screenshot({ path: join(artifacts, `verify-pass-${width}.png`), fullPage: true });
    // The page fits the phone: nothing wider than the viewport.
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    check(scroll <= width, `${width}px: no horizontal scrolling (${scroll})`);

    await page.getByLabel('证明包文件').setInputFiles(tampered);
    await page.getByRole('button', { name: '开始验证' }).click();
    await verdict.getByText('结论：未通过').waitFor({ timeout: 60000 });
    const text = await verdict.innerText();
    check(text.includes('冻结名单与默克尔根'), `${width}px: the verdict names the failed step: ${text.replace(/\n/g, ' ').slice(0, 160)}`);
    const failedSteps = await page.locator('#steps li.fail').evaluateAll((ls) => ls.map((l) => l.dataset.step));
    check(failedSteps[0] === 'frozen', `${width}px: the first failed step is frozen (${failedSteps.join(',')})`);
    await page.locator('#steps li.fail').first().getByText('do not match the freeze').waitFor();
    await page.screenshot({ path: join(artifacts, `verify-tampered-${width}.png`), fullPage: true });
    check(errors.length === 0, `${width}px: no page errors ${errors.join('; ')}`);
    await page.close();
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  server.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(`screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
