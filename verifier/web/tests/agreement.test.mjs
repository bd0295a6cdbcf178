// Agreement between the browser verifier (verifier/web, run here under Node) and the C++
// `suiji-verify --bundle`: on every bundle given, and on every tampered variant that
// tests/verifier/bundle_check_test.cc makes, both must give the same verdict and, when one
// fails, the same first failure: the same entry (sequence) and the same step, the C++
// failure's step being named by the table FAILURE_STEPS below.
//
//   node agreement.test.mjs --verify SUIJI_VERIFY --dist DIST_DIR [--no-tamper] BUNDLE.json...
//
// Each BUNDLE.json needs its verifier key beside it in BUNDLE.key (what the bureau publishes).
// drand: the C++ verifier cannot check drand's BLS signature offline; a bundle whose reveal
// carries a made-up drand signature (test nodes have no network) fails only the browser
// verifier's `drand` step, which is then compared as not run (checkDrand off) and reported.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let verifyBin = null;
let dist = null;
let tamper = true;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--verify') verifyBin = args[++i];
  else if (args[i] === '--dist') dist = args[++i];
  else if (args[i] === '--no-tamper') tamper = false;
  else files.push(args[i]);
}
if (!verifyBin || !dist || files.length === 0) {
  console.error('usage: agreement.test.mjs --verify SUIJI_VERIFY --dist DIST_DIR [--no-tamper] BUNDLE.json...');
  process.exit(2);
}
const V = await import(pathToFileURL(resolve(dist, 'suiji-verify.js')).href);
// Signing tampered variants (verifier/web/node_modules, as the verifier itself uses).
const { ed25519 } = await import('@noble/curves/ed25519');

/** The C++ verifier's failure texts → the browser verifier's step ids (one table, kept in README). */
export const FAILURE_STEPS = [
  [/not JSON|suiji-bundle\/|is not an array|is not a string|is not an object|missing key/, 'bundle'],
  [/^checkpoint: /, 'checkpoint'],
  [/inclusion proof|never carries one|not a well-formed entry|malformed|does not match the bundle|beyond the checkpoint|increasing sequence|^entry \d+:/, 'entries'],
  [/not registered in this ledger|signature does not verify against key|not a checkpoint key in force|not in force|may not sign|must be Genesis/, 'signatures'],
  [/result parts are missing|is missing from the bundle|which is not (committed|frozen|revealed)|missing from the bundle, or this one was altered|TaskDefined|PlanFiled/, 'task'],
  [/frozen .* lines do not match the freeze|leaf line|strata/, 'frozen'],
  [/params_hash|algorithm|entropy source|drand round time|after the commit/, 'commitment'],
  [/secret|seed|witness|randomness|before the (drand|lottery)/, 'reveal'],
  [/does not match the recomputed draw|parts are cut|selected_total/, 'result'],
  [/decline|substitute/, 'declines'],
];
function cppStep(what) {
  for (const [re, step] of FAILURE_STEPS) if (re.test(what)) return step;
  return `unmapped: ${what}`;
}

const work = mkdtempSync(join(tmpdir(), 'suiji-agree-'));
let compared = 0;
const problems = [];

function runCpp(text, key) {
  const f = join(work, 'b.json');
  writeFileSync(f, text);
  const r = spawnSync(verifyBin, ['--bundle', f, '--key', key, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`suiji-verify exit ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const f0 = j.failures?.[0] ?? null;
  return { ok: j.ok === true, exit: r.status, draw: j.draw, first: f0 ? { sequence: f0.sequence ?? null, step: cppStep(f0.what), what: f0.what } : null };
}

async function runJs(text, key, checkDrand) {
  const r = await V.verifyBundle(text, key, undefined, { checkDrand });
  return { ok: r.ok, first: r.firstFailure, report: r };
}

async function compare(name, text, key, { expectFail = false, checkDrand = true } = {}) {
  const cpp = runCpp(text, key);
  let js = await runJs(text, key, checkDrand);
  let drandNote = checkDrand ? '' : ' (without the drand step, as the bundle it was made from)';
  if (!js.ok && js.first.step === 'drand' && cpp.ok) {
    drandNote = ' (drand BLS signature not drand\'s: compared without the drand step)';
    js = await runJs(text, key, false);
    js.drandFallback = true;
  }
  compared++;
  const line = `${name}: C++ ${cpp.ok ? 'ok' : `FAIL @${cpp.first.sequence} [${cpp.first.step}] ${cpp.first.what}`} | JS ${js.ok ? 'ok' : `FAIL @${js.first.sequence} [${js.first.step}]`}${drandNote}`;
  console.log(line);
  if (cpp.ok !== js.ok) problems.push(`verdicts differ: ${line}`);
  else if (!cpp.ok) {
    const cs = cpp.first.sequence === 0 && js.first.sequence === null ? null : cpp.first.sequence;
    if (cpp.first.step !== js.first.step || (cs ?? null) !== (js.first.sequence ?? null)) problems.push(`first failures differ: ${line} — JS: ${js.first.message}`);
  }
  if (expectFail && cpp.ok) problems.push(`tampering not caught: ${name}`);
  if (cpp.ok && js.ok) {
    // The draw's summary too: phase, commits, redraws, counts, seed, selection, declines.
    const c = cpp.draw;
    const d = js.report.draw;
    const pairs = [
      ['phase', c.phase, d.phase], ['commit_number', c.commit_number, d.commitNumber], ['commits', c.commits, d.commits],
      ['redraws', c.redraws, d.redraws], ['cancellations', c.cancellations.length, d.cancellations.length],
      ['targets', c.targets, d.targets], ['inspectors', c.inspectors, d.inspectors], ['experts', c.experts, d.experts],
      ['roots_match', c.roots_match, d.rootsMatch], ['seed', c.seed ?? '', d.seed], ['selected', c.selected, d.selected],
      ['recomputed', c.recomputed, d.recomputed], ['understaffed', c.understaffed, d.understaffed], ['declines', c.declines, d.declines],
    ];
    for (const [k, a, b] of pairs) if (a !== b) problems.push(`${name}: draw.${k} is ${JSON.stringify(a)} in C++, ${JSON.stringify(b)} in JS`);
  }
  if (cpp.exit !== (cpp.ok ? 0 : 1)) problems.push(`${name}: suiji-verify exit ${cpp.exit}`);
  return { cpp, js };
}

const b64 = (b) => Buffer.from(b).toString('base64');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const find = (j, type, nth = 0) => {
  for (let i = 0; i < j.entries.length; i++) if (j.entries[i].type === type && nth-- === 0) return i;
  return -1;
};
function indexOfBytes(hay, needle) {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function variants(text, report) {
  const out = [];
  const base = () => JSON.parse(text);
  const add = (name, j) => out.push([name, typeof j === 'string' ? j : JSON.stringify(j)]);
  let j = base();
  let i = find(j, 'DrawCommitted');
  if (i >= 0) {
    const b = unb64(j.entries[i].entry);
    b[b.length >> 1] ^= 1;
    j.entries[i].entry = b64(b);
    add('a flipped byte in the DrawCommitted entry', j);
  }
  j = base();
  i = find(j, 'DrawResult');
  if (i >= 0) {
    j.entries.splice(i, 1);
    add('a dropped result part', j);
  }
  j = base();
  if (j.frozen.targets.length > 7) {
    let line = j.frozen.targets[7];
    const at = line.lastIndexOf('\x1f', line.lastIndexOf('\x1f') - 1) + 1;
    line = line.slice(0, at) + (line[at] === '9' ? '8' : String.fromCharCode(line.charCodeAt(at) + 1)) + line.slice(at + 1);
    j.frozen.targets[7] = line;
    add('a changed weight in target line 7', j);
  }
  j = base();
  if (j.frozen.inspectors.length > 0) {
    const l = j.frozen.inspectors[0];
    j.frozen.inspectors[0] = l.slice(0, -1) + (l.endsWith('1') ? '0' : '1');
    add('a flipped specialist flag in inspector line 0', j);
  }
  const named = report.draw;
  const visits = report.__visits;
  if (visits && visits.length && visits[0].team.length) {
    j = base();
    j.team_inputs.conflicts.push({ inspector: visits[0].team[0], credit_code: visits[0].creditCode });
    add('a conflict pair added for visit 0', j);
  }
  j = base();
  {
    const priv = ed25519.utils.randomPrivateKey();
    const pub = ed25519.getPublicKey(priv);
    const name = j.ledger;
    const text0 = j.checkpoint.note.slice(0, j.checkpoint.note.indexOf('\n\n') + 1);
    const hash = V.crypto.noteKeyHash(name, pub);
    const sig = ed25519.sign(new TextEncoder().encode(text0), priv);
    const both = new Uint8Array(68);
    both.set(hash, 0);
    both.set(sig, 4);
    j.checkpoint.note = `${text0}\n\u2014 ${name} ${b64(both)}\n`;
    const raw = new Uint8Array(33);
    raw[0] = 1;
    raw.set(pub, 1);
    j.checkpoint.verifier_key = `${name}+${Buffer.from(hash).toString('hex')}+${b64(raw)}`;
    add('a checkpoint signed by another key', j);
  }
  j = base();
  i = find(j, 'DrawRevealed');
  if (i >= 0 && j.entries[i].path.length) {
    const h = unb64(j.entries[i].path[0]);
    h[0] ^= 0x80;
    j.entries[i].path[0] = b64(h);
    add('an altered inclusion path of the reveal', j);
  }
  j = base();
  i = find(j, 'DrawRevealed');
  if (i >= 0 && named && named.seed) {
    const b = unb64(j.entries[i].entry);
    const at = indexOfBytes(b, V.bytes.fromHex(named.seed));
    if (at >= 0) {
      b[at] ^= 1;
      j.entries[i].entry = b64(b);
      add('a changed seed in the reveal', j);
    }
  }
  j = base();
  i = find(j, 'DrawRevealed');
  if (i >= 0) {
    // Re-signed by a key the ledger never registered, its key id put in the body.
    const b = unb64(j.entries[i].entry);
    const view = V.schema.parseEntry(b);
    const priv = ed25519.utils.randomPrivateKey();
    const pub = ed25519.getPublicKey(priv);
    const rogue = V.crypto.keyId(pub);
    const at = indexOfBytes(b, new TextEncoder().encode(view.keyId));
    if (at >= 0) {
      b.set(new TextEncoder().encode(rogue), at);
      const v2 = V.schema.parseEntry(b);
      const sig = ed25519.sign(v2.body, priv);
      const sat = indexOfBytes(b, view.signature);
      b.set(sig, sat);
      j.entries[i].entry = b64(b);
      add('a reveal re-signed by an unregistered key', j);
    }
  }
  j = base();
  i = find(j, 'KeyRegistered');
  if (i >= 0) {
    j.entries.splice(i, 1);
    add('a dropped KeyRegistered', j);
  }
  if (find(base(), 'DrawCommitted', 1) >= 0) {
    j = base();
    j.entries.splice(find(j, 'DrawCommitted', 0), 1);
    add("the first draw's commit dropped", j);
  }
  add('not JSON', '{');
  add('format suiji-bundle/9', '{"format": "suiji-bundle/9"}');
  j = base();
  j.entries[0].path = 'x';
  add('entries[0].path not an array', j);
  return out;
}

const passing = []; // bundles that pass with every step, drand's included (for the command's checks)
const madeUpDrand = []; // bundles whose drand signature is not drand's (test nodes have no network)
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const key = readFileSync(file.replace(/\.json$/, '.key'), 'utf8').trim();
  // A file named tampered-*.json is a tampered bundle made outside (demo_agreement.sh): it must fail.
  const { js } = await compare(file, text, key, { expectFail: /(^|\/)tampered-[^/]*$/.test(file) });
  if (js.ok && !js.drandFallback && !/(^|\/)tampered-[^/]*$/.test(file)) passing.push(file);
  if (js.drandFallback) madeUpDrand.push(file);
  const checkDrand = !js.drandFallback;
  if (!tamper || !js.ok) continue;
  // Visit 0 of the named draw, for the conflict variant.
  const j = JSON.parse(text);
  const results = j.entries.filter((e) => e.type === 'DrawResult').map((e) => V.schema.decodeResult(V.schema.parseEntry(unb64(e.entry)).payload));
  js.report.__visits = results.filter((r) => r.drawId === j.draw).flatMap((r) => r.visits).filter((v) => v.mergedInto === '');
  // Dropping a cancelled attempt's commitment is caught only when that attempt was revealed
  // (docs/proof-bundle.md §3, "Completeness"): both verifiers must still agree.
  for (const [name, t] of variants(text, js.report)) {
    await compare(`${file} / ${name}`, t, key, { expectFail: !name.startsWith("the first draw's commit"), checkDrand });
  }
}
// The Node command on the first bundle: exit 0 and 通过, 1 and 未通过 naming the step, 2 for usage.
{
  const cli = join(dist, 'suiji-verify-js.mjs');
  const file = passing[0] ?? files[0];
  const key = readFileSync(file.replace(/\.json$/, '.key'), 'utf8').trim();
  const run = (...a) => spawnSync(process.execPath, [cli, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const expect = (ok, what) => {
    console.log(`${ok ? 'ok' : 'FAILED'} - suiji-verify-js: ${what}`);
    if (!ok) problems.push(`suiji-verify-js: ${what}`);
  };
  let r = run(file, '--key', key);
  expect(r.status === 0 && r.stdout.includes('结论：通过'), `a good bundle: exit ${r.status}, 结论：通过`);
  r = run(file, '--key', file.replace(/\.json$/, '.key'), '--json');
  expect(r.status === 0 && JSON.parse(r.stdout).ok === true && JSON.parse(r.stdout).verdict === '通过', `--json with the key from a file: exit ${r.status}`);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  j.frozen.inspectors[0] = j.frozen.inspectors[0].slice(0, -1) + (j.frozen.inspectors[0].endsWith('1') ? '0' : '1');
  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify(j));
  r = run(bad, '--key', key);
  expect(r.status === 1 && r.stdout.includes('结论：未通过：第一处失败在「冻结名单与默克尔根」'), `a tampered bundle: exit ${r.status}, 未通过 at 冻结名单与默克尔根`);
  for (const f of madeUpDrand) {
    const k = f.replace(/\.json$/, '.key');
    r = run(f, '--key', k);
    expect(r.status === 1 && r.stdout.includes('第一处失败在「drand 随机信标的 BLS 签名」'), `${f}: a made-up drand signature fails at the drand step: exit ${r.status}`);
    r = run(f, '--key', k, '--no-drand');
    expect(r.status === 0, `${f} with --no-drand: exit ${r.status}`);
  }
  r = run();
  expect(r.status === 2 && r.stderr.includes('用法'), `no bundle: exit ${r.status}`);
  r = run(file, '--bogus');
  expect(r.status === 2 && r.stderr.includes('未知选项'), `an unknown option: exit ${r.status}`);
  r = run(join(work, 'absent.json'), '--key', key);
  expect(r.status === 2 && r.stderr.includes('无法读取'), `an absent file: exit ${r.status}`);
}
rmSync(work, { recursive: true, force: true });
console.log(`${compared} bundles compared`);
if (problems.length) {
  console.error(`\n${problems.length} disagreements:\n${problems.join('\n')}`);
  process.exit(1);
}
