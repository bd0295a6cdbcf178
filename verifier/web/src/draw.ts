// The draw "suiji-draw/1" (docs/draw-protocol.md §2.4 leaf lines, §4 quotas, §5 rank keys,
// selection and order, §6 teams): pure functions from the frozen populations, the task and
// the seed to the strata and visits. Integers only; 64-bit keys as (hi, lo) 32-bit pairs.
import { be32, compareBytewise, utf8, concat } from './bytes';
import { leafHash, merkleRootOfLeaves, sha256 } from './crypto';
import type { Task, Visit } from './schema';

export interface TargetLine { code: string; stratum: string; weight: number; mergeInto: string; }
export interface InspectorLine { id: string; specialist: boolean; }

const US = '\x1f';

/** Parses one leaf line of a kind (§2.4); null unless it formats back to exactly itself. */
export function parseTargetLine(line: string): TargetLine | null {
  const f = line.split(US);
  if (f.length !== 5 || f[0] !== 'T' || f[1] === '' || !/^[1-9][0-9]{0,8}$/.test(f[3])) return null;
  return { code: f[1], stratum: f[2], weight: Number(f[3]), mergeInto: f[4] };
}
export function parseInspectorLine(line: string): InspectorLine | null {
  const f = line.split(US);
  if (f.length !== 3 || f[0] !== 'I' || f[1] === '' || (f[2] !== '0' && f[2] !== '1')) return null;
  return { id: f[1], specialist: f[2] === '1' };
}
export function parseExpertLine(line: string): string | null {
  const f = line.split(US);
  if (f.length !== 2 || f[0] !== 'E' || f[1] === '') return null;
  return f[1];
}

const encoder = new TextEncoder();

/** The RFC 6962 root of leaf lines; each leaf hashed in one call over 0x00 ‖ line (no copies per part). */
export function linesRoot(lines: string[]): Uint8Array {
  let buf = new Uint8Array(256);
  const leaves = lines.map((l) => {
    if (buf.length < 1 + 3 * l.length) buf = new Uint8Array(2 + 3 * l.length);
    buf[0] = 0;
    const n = encoder.encodeInto(l, buf.subarray(1)).written;
    return sha256(buf.subarray(0, 1 + n));
  });
  return merkleRootOfLeaves(leaves);
}
void leafHash;

export interface Stratum { key: string; population: number; weightTotal: number; quota: number; }

/** §4: the strata of the eligible targets, in byte order of key, with their quotas. */
export function quotas(targets: TargetLine[], task: Task): Stratum[] {
  const by = new Map<string, Stratum>();
  for (const t of targets) {
    let s = by.get(t.stratum);
    if (!s) by.set(t.stratum, (s = { key: t.stratum, population: 0, weightTotal: 0, quota: 0 }));
    s.population += 1;
    s.weightTotal += t.weight;
  }
  const strata = [...by.values()].sort((a, b) => compareBytewise(a.key, b.key));
  const ceilBp = (n: number, bp: number) => Math.floor((n * bp + 9999) / 10000);
  const isC = (s: Stratum) => s.key.endsWith('/C');
  const normal = strata.filter((s) => !isC(s));
  for (const s of strata) {
    if (isC(s)) {
      const bp = task.count === 0 ? Math.max(task.ratioBp, task.credit.gradeCRatioBp) : task.credit.gradeCRatioBp;
      s.quota = ceilBp(s.population, bp);
    } else if (task.count === 0) {
      s.quota = ceilBp(s.population, task.ratioBp);
    }
  }
  if (task.count !== 0) {
    const r = task.count;
    if (task.quotaSplit === 0) {
      const n = normal.reduce((a, s) => a + s.population, 0);
      if (r >= n) {
        for (const s of normal) s.quota = s.population;
      } else {
        // Exact integers: r·population stays far below 2^53 for any real directory.
        let given = 0;
        for (const s of normal) {
          s.quota = Math.floor((r * s.population) / n);
          given += s.quota;
        }
        const byRemainder = [...normal].sort((a, b) => {
          const ra = (r * a.population) % n;
          const rb = (r * b.population) % n;
          return ra !== rb ? rb - ra : compareBytewise(a.key, b.key);
        });
        for (let i = 0; i < r - given; i++) byRemainder[i].quota += 1;
      }
    } else if (task.quotaSplit === 1) {
      const m = normal.length;
      normal.forEach((s, i) => (s.quota = Math.floor(r / m) + (i < r % m ? 1 : 0)));
    } else {
      for (const s of normal) {
        const q = task.quotas.find((x) => x.key === s.key);
        s.quota = q ? q.count : 0;
      }
    }
  }
  for (const s of strata) s.quota = Math.min(s.quota, s.population);
  return strata;
}

const RANK_TAG = utf8('suiji-draw/1 rank');

/** §5.1: the rank key of a target, as [hi, lo] unsigned 32-bit halves. */
export function rankKey(seed: Uint8Array, code: string, weight: number): [number, number] {
  // One buffer "suiji-draw/1 rank" ‖ seed ‖ BE32(b) ‖ code, hashed in one call per block.
  const c = utf8(code);
  const bAt = RANK_TAG.length + seed.length;
  const msg = new Uint8Array(bAt + 4 + c.length);
  msg.set(RANK_TAG, 0);
  msg.set(seed, RANK_TAG.length);
  msg.set(c, bAt + 4);
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  let block: Uint8Array | null = null;
  for (let j = 0; j < weight; j++) {
    if (j % 4 === 0) {
      const b = j / 4;
      msg[bAt] = b >>> 24;
      msg[bAt + 1] = (b >>> 16) & 255;
      msg[bAt + 2] = (b >>> 8) & 255;
      msg[bAt + 3] = b & 255;
      block = sha256(msg);
    }
    const at = 8 * (j % 4);
    const h = ((block![at] << 24) | (block![at + 1] << 16) | (block![at + 2] << 8) | block![at + 3]) >>> 0;
    const l = ((block![at + 4] << 24) | (block![at + 5] << 16) | (block![at + 6] << 8) | block![at + 7]) >>> 0;
    if (j === 0 || h < hi || (h === hi && l < lo)) {
      hi = h;
      lo = l;
    }
  }
  return [hi, lo];
}

export function keyToBigInt(k: [number, number]): bigint {
  return (BigInt(k[0]) << 32n) | BigInt(k[1]);
}

/** §6: TeamKey(tag, load) as [hi, lo]. */
export function teamKey(tagSeed: Uint8Array, load: number, id: Uint8Array): [number, number] {
  const h = sha256(tagSeed, be32(load), id);
  return [((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0, ((h[4] << 24) | (h[5] << 16) | (h[6] << 8) | h[7]) >>> 0];
}

export interface TeamInputs {
  conflicts: Set<string>;                 // `${inspector}\x1f${credit_code}`
  previousTeams: Map<string, string[]>;   // credit code → the previous team
}

export interface DrawOutcome { strata: Stratum[]; visits: Visit[]; understaffed: number; }

interface Member { id: string; idBytes: Uint8Array; index: number; specialist: boolean; load: number; hi: number; lo: number; }

class Pool {
  readonly members: Member[];
  private readonly tagSeed: Uint8Array;
  constructor(tag: string, seed: Uint8Array, people: { id: string; specialist: boolean }[]) {
    this.tagSeed = concat(utf8(tag), seed);
    this.members = people.map((p, index) => {
      const idBytes = utf8(p.id);
      const [hi, lo] = teamKey(this.tagSeed, 0, idBytes);
      return { id: p.id, idBytes, index, specialist: p.specialist, load: 0, hi, lo };
    });
    this.sort();
  }
  bump(m: Member): void {
    m.load += 1;
    [m.hi, m.lo] = teamKey(this.tagSeed, m.load, m.idBytes);
  }
  /** Pool order: ascending (load, key, index). Nearly sorted after a few bumps: cheap for TimSort. */
  sort(): void {
    this.members.sort((a, b) => a.load - b.load || a.hi - b.hi || a.lo - b.lo || a.index - b.index);
  }
}

/** §4–§6: the whole draw from the frozen populations. */
export function runDraw(
  task: Task, seed: Uint8Array, targets: TargetLine[], inspectors: InspectorLine[], experts: string[], inputs: TeamInputs,
): DrawOutcome {
  const strata = quotas(targets, task);
  // §5.3 selection per stratum by (rank key, credit code).
  type Ranked = { t: TargetLine; hi: number; lo: number };
  const byStratum = new Map<string, Ranked[]>();
  for (const t of targets) {
    const [hi, lo] = rankKey(seed, t.code, t.weight);
    let l = byStratum.get(t.stratum);
    if (!l) byStratum.set(t.stratum, (l = []));
    l.push({ t, hi, lo });
  }
  const cmp = (a: Ranked, b: Ranked) => a.hi - b.hi || a.lo - b.lo || compareBytewise(a.t.code, b.t.code);
  const selected: Ranked[] = [];
  for (const s of strata) {
    const l = byStratum.get(s.key)!;
    l.sort(cmp);
    for (let i = 0; i < s.quota; i++) selected.push(l[i]);
  }
  selected.sort(cmp);
  // §6 teams, in draw order.
  const team = new Pool('suiji-draw/1 team', seed, inspectors);
  const subs = new Pool('suiji-draw/1 substitute', seed, inspectors);
  const exps = new Pool('suiji-draw/1 expert', seed, experts.map((id) => ({ id, specialist: false })));
  const need = task.inspectors;
  let understaffed = 0;
  const visits: Visit[] = selected.map((r, order) => {
    const v: Visit = {
      creditCode: r.t.code, stratum: r.t.stratum, weight: r.t.weight, rankKey: keyToBigInt([r.hi, r.lo]),
      order, batch: task.batchSize > 0 ? Math.floor(order / task.batchSize) : 0,
      team: [], experts: [], substitutes: [], mergedInto: r.t.mergeInto,
    };
    if (v.mergedInto !== '') return v;
    const code = v.creditCode;
    const prev = new Set(inputs.previousTeams.get(code) ?? []);
    const chosen = new Set<string>();
    const ok = (m: Member) => !chosen.has(m.id) && !prev.has(m.id) && !inputs.conflicts.has(m.id + '\x1f' + code);
    const members: Member[] = [];
    let specialistOk = true;
    if (need.specialties.length > 0) {
      const s = team.members.find((m) => m.specialist && ok(m));
      if (s) {
        members.push(s);
        chosen.add(s.id);
      } else specialistOk = false;
    }
    for (const m of team.members) {
      if (members.length >= need.teamSize) break;
      if (ok(m)) {
        members.push(m);
        chosen.add(m.id);
      }
    }
    const subList: Member[] = [];
    for (const m of subs.members) {
      if (subList.length >= need.substitutes) break;
      if (ok(m)) subList.push(m);
    }
    for (const m of subList) subs.bump(m);
    for (const m of members) team.bump(m);
    const expList: Member[] = [];
    for (const m of exps.members) {
      if (expList.length >= need.experts) break;
      if (ok(m)) expList.push(m);
    }
    for (const m of expList) exps.bump(m);
    if (subList.length) subs.sort();
    if (members.length) team.sort();
    if (expList.length) exps.sort();
    v.team = members.map((m) => m.id);
    v.substitutes = subList.map((m) => m.id);
    v.experts = expList.map((m) => m.id);
    if (members.length < need.teamSize || !specialistOk) understaffed += 1;
    return v;
  });
  return { strata, visits, understaffed };
}
