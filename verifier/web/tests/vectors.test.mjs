// The browser verifier against the protocol's own test vectors (tests/vectors/draw/*.json,
// docs/draw-protocol.md §10): seeds, rank and team keys, quotas, Merkle roots, the three
// whole draws and the ceremony's stored payloads, and the real quicknet beacon's BLS signature.
//   node verifier/web/tests/vectors.test.mjs [DIST_DIR]   (default: verifier/web/dist)
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? resolve(here, '../dist'));
const V = await import(pathToFileURL(resolve(dist, 'suiji-verify.js')).href);
const vdir = resolve(here, '../../../tests/vectors/draw');
const load = (n) => JSON.parse(readFileSync(resolve(vdir, n), 'utf8'));
const { fromHex, toHex, utf8, concat, lp } = V.bytes;
const sha = (...p) => V.crypto.sha256(...p);
let checks = 0;
const eq = (a, b, what) => {
  assert.deepEqual(a, b, what);
  checks++;
};

// Seeds (§3.2, §3.6).
for (const c of load('seeds.json').cases) {
  const r = c.reveal;
  const secret = fromHex(r.secret);
  eq(toHex(sha(utf8('suiji-draw/1 secret'), secret)), c.secret_hash, `${c.name}: secret_hash`);
  const parts = [utf8('suiji-draw/1 seed'), fromHex(c.commitment), lp(secret)];
  if (c.declared.drand_chain) parts.push(lp(fromHex(r.drand_randomness)));
  if (c.declared.lottery_name) parts.push(lp(utf8(r.lottery_digits)));
  c.declared.witnesses.forEach((_, i) => parts.push(lp(utf8(r.witness_digits[i] ?? ''))));
  const pre = concat(...parts);
  eq(toHex(pre), c.seed_preimage, `${c.name}: seed preimage`);
  eq(toHex(sha(pre)), c.seed, `${c.name}: seed`);
}

// Rank keys (§5.1) and team keys (§6).
for (const c of load('rank_keys.json').cases) {
  eq(V.rankKey(fromHex(c.seed), c.credit_code, c.weight).length, 2, 'rank key pair');
  const [hi, lo] = V.rankKey(fromHex(c.seed), c.credit_code, c.weight);
  eq(((BigInt(hi) << 32n) | BigInt(lo)).toString(), c.rank_key, `rank key ${c.credit_code} w${c.weight}`);
}
for (const c of load('team_keys.json').cases) {
  const h = sha(utf8(c.tag), fromHex(c.seed), V.bytes.be32(c.load), utf8(c.inspector_id));
  eq(toHex(h), c.hash, `team key hash ${c.inspector_id}/${c.load}`);
  eq(new DataView(h.buffer, h.byteOffset).getBigUint64(0, false).toString(), c.key, 'team key');
}

// Quotas (§4).
const splits = { proportional: 0, equal: 1, explicit: 2 };
const taskOf = (t) => ({
  ratioBp: t.ratio_bp, count: t.count, quotaSplit: splits[t.quota_split], quotas: (t.quotas ?? []).map((q) => ({ key: q.key, count: q.count })),
  credit: { gradeCRatioBp: t.grade_c_ratio_bp ?? t.credit?.grade_c_ratio_bp },
});
for (const c of load('quotas.json').cases) {
  const targets = c.strata.flatMap((s) => s.weights.map((w, i) => ({ code: `${s.key}-${i}`, stratum: s.key, weight: w, mergeInto: '' })));
  const got = V.quotas(targets, taskOf(c.task)).map((s) => ({ key: s.key, population: s.population, weight_total: s.weightTotal, quota: s.quota }));
  eq(got, c.expected, `quotas: ${c.name}`);
}

// Merkle roots (§2.4).
for (const c of load('merkle.json').cases) eq(toHex(V.linesRoot(c.lines)), c.root, `merkle root of ${c.lines.length} lines`);

// Whole draws (§2.4–§6), and the ceremony's stored payloads decoded as a bundle check would.
const strataBy = { none: 0, region: 1, city: 2, industry: 3 };
const policies = { exempt: 0, reduce: 1, ignore: 2 };
for (const c of load('draws.json').cases) {
  const t = c.task;
  let task = {
    ...taskOf({ ...t, grade_c_ratio_bp: t.credit.grade_c_ratio_bp }),
    batchSize: t.batch_size, strataBy: strataBy[t.strata_by],
    credit: { gradeCRatioBp: t.credit.grade_c_ratio_bp, starPolicy: policies[t.credit.star_policy] },
    inspectors: { specialties: t.inspectors.specialties, teamSize: t.inspectors.team_size, substitutes: t.inspectors.substitutes, experts: t.inspectors.experts },
  };
  const seed = fromHex(c.seed);
  if (c.ceremony) {
    const cer = c.ceremony;
    const taskPayload = fromHex(cer.task_payload);
    eq(toHex(sha(taskPayload)), cer.params_hash, 'params hash');
    const decoded = V.schema.decodeTask(taskPayload);
    eq(decoded.taskId, t.task_id, 'decoded task id');
    eq(decoded.inspectors.teamSize, t.inspectors.team_size, 'decoded team size');
    task = decoded; // the draw below then runs on the stored task, as a bundle check does
    const commitPayload = fromHex(cer.commit_payload);
    eq(toHex(sha(commitPayload)), cer.commitment, 'commitment');
    const cm = V.schema.decodeCommitted(commitPayload);
    const rv = V.schema.decodeRevealed(fromHex(cer.reveal_payload));
    eq(toHex(rv.seed), cer.seed, 'stated seed');
    const parts = [utf8('suiji-draw/1 seed'), sha(commitPayload), lp(rv.secret)];
    if (cm.drandChain) parts.push(lp(rv.drandRandomness));
    if (cm.lotteryName) parts.push(lp(utf8(rv.lotteryDigits)));
    cm.witnesses.forEach((_, i) => parts.push(lp(utf8(rv.witnessDigits[i] ?? ''))));
    eq(toHex(concat(...parts)), cer.seed_preimage, 'ceremony seed preimage');
    eq(toHex(sha(concat(...parts))), c.seed, 'ceremony seed');
    eq(V.verifyQuicknetBeacon(cm.drandRound, rv.drandSignature), true, 'quicknet round 657413 BLS signature');
    const forged = rv.drandSignature.slice();
    forged[10] ^= 1;
    eq(V.verifyQuicknetBeacon(cm.drandRound, forged), false, 'a changed BLS signature fails');
    eq(V.verifyQuicknetBeacon(cm.drandRound + 1n, rv.drandSignature), false, 'another round fails');
    const results = cer.result_payloads.map((h) => V.schema.decodeResult(fromHex(h)));
    eq(results.flatMap((r) => r.visits).length, c.expected.visits.length, 'result payload visits');
  }
  const pop = c.population;
  const targets = pop.targets.map((x) => ({ code: x.credit_code, stratum: x.stratum, weight: x.weight, mergeInto: x.merge_into }));
  const inspectors = pop.inspectors.map((x) => ({ id: x.inspector_id, specialist: x.specialist }));
  const experts = pop.experts.map((x) => x.inspector_id);
  const inputs = {
    conflicts: new Set(c.conflicts.map(([i, code]) => `${i}\x1f${code}`)),
    previousTeams: new Map(Object.entries(c.previous_teams)),
  };
  const f = c.expected.frozen;
  eq(toHex(V.linesRoot(f.target_leaves.map((l) => l.line))), f.target_root, `${c.name}: target root`);
  const out = V.runDraw(task, seed, targets, inspectors, experts, inputs);
  eq(out.strata.map((s) => ({ key: s.key, population: s.population, weight_total: s.weightTotal, quota: s.quota })), c.expected.strata, `${c.name}: strata`);
  eq(out.understaffed, c.expected.understaffed, `${c.name}: understaffed`);
  eq(
    out.visits.map((v) => ({ order: v.order, credit_code: v.creditCode, stratum: v.stratum, weight: v.weight, rank_key: v.rankKey.toString(), batch: v.batch, team: v.team, experts: v.experts, substitutes: v.substitutes, merged_into: v.mergedInto })),
    c.expected.visits.map((v) => ({ order: v.order, credit_code: v.credit_code, stratum: v.stratum, weight: v.weight, rank_key: v.rank_key, batch: v.batch, team: v.team, experts: v.experts, substitutes: v.substitutes, merged_into: v.merged_into })),
    `${c.name}: visits`,
  );
}
console.log(`vectors: ${checks} checks passed`);
