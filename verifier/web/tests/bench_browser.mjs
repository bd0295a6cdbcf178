// Benchmark helper (ops/bench/verifier_web_bench.sh): opens the standalone page in Debian's
// Chromium, verifies BUNDLE (key in BUNDLE.key) ROUNDS times and prints the median of the
// times the page reports (reading the file to the verdict), in ms. Not a test.
//   node bench_browser.mjs WEB_DIR BUNDLE.json ROUNDS
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { chromium } from 'playwright-core';

const [webDir, bundle, rounds = '3'] = process.argv.slice(2);
const key = readFileSync(bundle.replace(/\.json$/, '.key'), 'utf8').trim();
const server = createServer((req, res) => {
  const file = resolve(webDir, new URL(req.url, 'http://x').pathname.slice(1) || 'index.html');
  if (!file.startsWith(resolve(webDir)) || !existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': extname(file) === '.html' ? 'text/html; charset=utf-8' : 'text/javascript' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const times = [];
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.getByLabel('证明包文件').setInputFiles(bundle);
  await page.getByPlaceholder(/例如/).fill(key);
  for (let i = 0; i < Number(rounds); i++) {
    await page.evaluate(() => { window.__suijiReport = null; });
    await page.getByRole('button', { name: '开始验证' }).click();
    await page.waitForFunction(() => window.__suijiReport !== null, null, { timeout: 120000 });
    const r = await page.evaluate(() => ({ ok: window.__suijiReport.ok, ms: window.__suijiReport.elapsedMs }));
    if (!r.ok) throw new Error('the bundle did not pass in the browser');
    times.push(r.ms);
  }
} finally {
  await browser.close();
  server.close();
}
times.sort((a, b) => a - b);
process.stderr.write(`browser runs (ms): ${times.join(' ')}\n`);
console.log(times[Math.floor((times.length - 1) / 2)]);
