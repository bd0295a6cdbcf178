// verifyBundle: checks one draw's public proof bundle ("suiji-bundle/1", docs/proof-bundle.md)
// step by step, as docs/proof-bundle.md §2 lists them, with the draw recomputed by
// docs/draw-protocol.md. Written from those two documents; pure (no I/O, no global state):
// the caller reads the files.
import { compareBytewise, concat, equalBytes, fromBase64, lp, toHex, utf8 } from './bytes';
import {
  ed25519Verify, keyId, leafHash, Note, noteSignedBy, parseCheckpoint, parseNote, parseVerifierKey, sha256,
  verifyInclusion, VerifierKey, Checkpoint,
} from './crypto';
import {
  InspectorLine, linesRoot, parseExpertLine, parseInspectorLine, parseTargetLine, runDraw, TargetLine, TeamInputs,
} from './draw';
import { QUICKNET, quicknetRoundTime, verifyQuicknetBeacon } from './drand';
import {
  decodeCancelled, decodeCommitted, decodeDeclined, decodeFrozen, decodeGenesis, decodeKeyRegistered,
  decodeKeyRevoked, decodePlan, decodeResult, decodeRevealed, decodeTask, decodeTaskWithdrawn, DrawCommitted,
  DrawFrozen, DrawResult, DrawRevealed, EntryView, EVENT_TYPES, parseEntry, Plan, ROLE_AUTHORITY,
  ROLE_CHECKPOINT, ROLE_WRITER, StratumCount, T, Task, Visit,
} from './schema';

/** The stable ids of the steps, in the order they run. */
export const STEP_IDS = [
  'bundle', 'checkpoint', 'entries', 'signatures', 'task', 'frozen', 'commitment', 'reveal', 'drand', 'result',
  'declines',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_TITLES: Record<StepId, string> = {
  bundle: '读取证明包',
  checkpoint: '检查点签名（对照公布的验证密钥）',
  entries: '条目与包含证明',
  signatures: '事件签名与密钥',
  task: '计划、任务与本任务的各次抽取',
  frozen: '冻结名单与默克尔根',
  commitment: '承诺',
  reveal: '揭示：秘密、外部熵与种子',
  drand: 'drand 随机信标的 BLS 签名',
  result: '抽取结果复算（抽中企业、顺序、批次、检查组、递补、专家）',
  declines: '递补（回避）与重抽',
};

export type Outcome = 'pass' | 'fail' | 'warn' | 'skip';
export const OUTCOME_LABELS: Record<Outcome, string> = { pass: '通过', fail: '未通过', warn: '警告', skip: '未检查' };

export interface Failure {
  step: StepId;
  /** The entry's sequence number, or null for a failure of the bundle as a whole. */
  sequence: number | null;
  message: string;
}

export interface Step {
  id: StepId;
  title: string;
  outcome: Outcome;
  /** One or more lines in Chinese: what was checked and what was found. */
  detail: string;
  failures: Failure[];
}

export interface DrawSummary {
  drawId: string;
  taskId: string;
  phase: string;
  commitNumber: number;
  commits: number;
  redraws: number;
  cancellations: string[];
  targets: number;
  inspectors: number;
  experts: number;
  rootsMatch: boolean;
  entropy: string[];
  drandRound: string | null;
  drandUrl: string | null;
  drandBls: 'verified' | 'failed' | 'not-declared' | 'not-checked';
  seed: string;
  selected: number;
  recomputed: boolean;
  understaffed: number;
  declines: number;
  teamInputs: { conflicts: number; previousTeams: number };
}

export interface Report {
  ok: boolean;
  /** 通过 or 未通过 */
  verdict: string;
  /** The verdict as one sentence, naming the first failure. */
  summary: string;
  firstFailure: Failure | null;
  keyFromBundle: boolean;
  ledger: string;
  checkpointSize: number | null;
  steps: Step[];
  failures: Failure[];
  warnings: string[];
  notes: string[];
  entries: { sequence: number; type: string; role: string }[];
  extras: { sequence: number; type: string }[];
  draw: DrawSummary | null;
  elapsedMs: number;
}

export interface VerifyOptions {
  /** Check the drand round's BLS signature (default true). */
  checkDrand?: boolean;
  /** Require Genesis to name this root key id (16 hex). */
  rootKeyId?: string;
}

const enc = new TextDecoder('utf-8', { fatal: true });

interface Carried {
  index: number;
  sequence: number;
  seq: bigint;
  type: string;
  view: EntryView | null;
  ok: boolean;     // well-formed, included, (later) signed
  payloadErr?: string;
}

interface DrawState {
  id: string;
  taskId: string;
  n: number;
  phase: 'frozen' | 'committed' | 'revealed' | 'drawn' | 'cancelled';
  committedOnce: boolean;
  freezeSeq: number;
  frozen: DrawFrozen;
  commit?: { seq: number; timeUs: bigint; ev: DrawCommitted; payload: Uint8Array };
  reveal?: { seq: number; timeUs: bigint; ev: DrawRevealed };
  parts: { seq: number; ev: DrawResult }[];
  partsTotal: number;
  visits: Visit[];                       // as logged, before any decline
  teams: Map<string, string[]>;          // current teams (after declines)
  declined: Map<string, Set<string>>;
  declines: number;
  cancelReason: string;
}

/**
 * Verifies one draw's proof bundle.
 *
 * @param bundle the bundle file's bytes (or its text)
 * @param keyText the verifier key the bureau publishes (`name+hash+base64`); empty: the
 *   bundle's own key is used and the report warns that this proves only internal consistency
 * @param onStep called as each step finishes, in order (for showing progress)
 * @returns the report; it never throws for bad input (a malformed bundle is a failed step)
 */
export async function verifyBundle(
  bundle: Uint8Array | string,
  keyText: string | null | undefined,
  onStep?: (step: Step) => void | Promise<void>,
  options: VerifyOptions = {},
): Promise<Report> {
  const started = Date.now();
  const checkDrand = options.checkDrand !== false;
  const failures: Failure[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  const steps: Step[] = [];
  const report: Report = {
    ok: false, verdict: '未通过', summary: '', firstFailure: null, keyFromBundle: false, ledger: '',
    checkpointSize: null, steps, failures, warnings, notes, entries: [], extras: [], draw: null, elapsedMs: 0,
  };
  let current: Step | null = null;
  const begin = (id: StepId) => {
    current = { id, title: STEP_TITLES[id], outcome: 'pass', detail: '', failures: [] };
  };
  const fail = (sequence: number | null, message: string) => {
    const f: Failure = { step: current!.id, sequence, message };
    failures.push(f);
    current!.failures.push(f);
    current!.outcome = 'fail';
  };
  const finish = async (detail: string, outcome?: Outcome) => {
    const s = current!;
    s.detail = detail;
    if (s.outcome !== 'fail' && outcome) s.outcome = outcome;
    steps.push(s);
    if (onStep) await onStep(s);
    // Let a browser paint the step before the next one runs.
    await new Promise((r) => setTimeout(r, 0));
  };
  const skipRest = async (from: StepId, why: string) => {
    for (const id of STEP_IDS.slice(STEP_IDS.indexOf(from))) {
      begin(id);
      await finish(why, 'skip');
    }
  };
  const done = () => {
    report.ok = failures.length === 0;
    report.verdict = report.ok ? '通过' : '未通过';
    report.firstFailure = failures[0] ?? null;
    if (report.ok) {
      report.summary = `通过：每一项检查都成立${report.keyFromBundle ? '（但验证密钥取自证明包本身，请与主管部门公布的验证密钥核对）' : ''}。`;
    } else {
      const f = failures[0];
      report.summary = `未通过：第一处失败在「${STEP_TITLES[f.step]}」${f.sequence !== null ? `，条目 ${f.sequence}` : ''}：${f.message}`;
    }
    report.elapsedMs = Date.now() - started;
    return report;
  };

  // ---- 1. The document.
  begin('bundle');
  let doc: Record<string, unknown>;
  try {
    const text = typeof bundle === 'string' ? bundle : enc.decode(bundle);
    doc = JSON.parse(text);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
  } catch (e) {
    fail(null, `证明包不是 JSON 对象 (not JSON): ${(e as Error).message}`);
    await finish('无法读取。');
    await skipRest('checkpoint', '证明包无法读取，未检查。');
    return done();
  }
  const structural: string[] = [];
  const str = (v: unknown, path: string): string => {
    if (typeof v !== 'string') {
      structural.push(`${path} 不是字符串 (${path} is not a string)`);
      return '';
    }
    return v;
  };
  const arr = (v: unknown, path: string): unknown[] => {
    if (!Array.isArray(v)) {
      structural.push(`${path} 不是数组 (${path} is not an array)`);
      return [];
    }
    return v;
  };
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      structural.push(`${path} 不是对象 (${path} is not an object)`);
      return {};
    }
    return v as Record<string, unknown>;
  };
  if (doc.format !== 'suiji-bundle/1') {
    fail(null, `格式为 ${JSON.stringify(doc.format)}，本验证器只认 "suiji-bundle/1" (format ${String(doc.format)} is not suiji-bundle/1)`);
    await finish('格式不对。');
    await skipRest('checkpoint', '格式不对，未检查。');
    return done();
  }
  const ledger = str(doc.ledger, 'ledger');
  report.ledger = ledger;
  const drawId = str(doc.draw, 'draw');
  const cp = obj(doc.checkpoint, 'checkpoint');
  const noteText = str(cp.note, 'checkpoint.note');
  const bundleKeyText = str(cp.verifier_key, 'checkpoint.verifier_key');
  const carried: Carried[] = [];
  const paths: Uint8Array[][] = [];
  arr(doc.entries, 'entries').forEach((raw, i) => {
    const e = obj(raw, `entries[${i}]`);
    const sequence = e.sequence;
    if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
      structural.push(`entries[${i}].sequence 不是非负整数 (entries[${i}].sequence is not a number)`);
    }
    const type = str(e.type, `entries[${i}].type`);
    const b64 = str(e.entry, `entries[${i}].entry`);
    const bytes = fromBase64(b64);
    if (!bytes) structural.push(`entries[${i}].entry 不是 base64 (entries[${i}].entry is not base64)`);
    const path = arr(e.path, `entries[${i}].path`).map((h, k) => {
      const b = typeof h === 'string' ? fromBase64(h) : null;
      if (!b || b.length !== 32) structural.push(`entries[${i}].path[${k}] 不是 32 字节的 base64 哈希`);
      return b ?? new Uint8Array(0);
    });
    paths.push(path);
    let view: EntryView | null = null;
    let payloadErr: string | undefined;
    if (bytes) {
      try {
        view = parseEntry(bytes);
      } catch (err) {
        payloadErr = (err as Error).message;
      }
    }
    const seq = typeof sequence === 'number' ? sequence : -1;
    carried.push({ index: i, sequence: seq, seq: BigInt(Math.max(seq, 0)), type, view, ok: view !== null, payloadErr });
  });
  const frozenDoc = obj(doc.frozen, 'frozen');
  const targetLines = arr(frozenDoc.targets, 'frozen.targets').map((l, i) => str(l, `frozen.targets[${i}]`));
  const inspectorLines = arr(frozenDoc.inspectors, 'frozen.inspectors').map((l, i) => str(l, `frozen.inspectors[${i}]`));
  const expertLines = arr(frozenDoc.experts, 'frozen.experts').map((l, i) => str(l, `frozen.experts[${i}]`));
  const ti = obj(doc.team_inputs, 'team_inputs');
  const inputs: TeamInputs = { conflicts: new Set(), previousTeams: new Map() };
  const conflictList = arr(ti.conflicts, 'team_inputs.conflicts');
  conflictList.forEach((c, i) => {
    const o = obj(c, `team_inputs.conflicts[${i}]`);
    inputs.conflicts.add(`${str(o.inspector, `team_inputs.conflicts[${i}].inspector`)}\x1f${str(o.credit_code, `team_inputs.conflicts[${i}].credit_code`)}`);
  });
  arr(ti.previous_teams, 'team_inputs.previous_teams').forEach((p, i) => {
    const o = obj(p, `team_inputs.previous_teams[${i}]`);
    const team = arr(o.team, `team_inputs.previous_teams[${i}].team`).map((x, k) => str(x, `team_inputs.previous_teams[${i}].team[${k}]`));
    inputs.previousTeams.set(str(o.credit_code, `team_inputs.previous_teams[${i}].credit_code`), team);
  });
  for (const s of structural) fail(null, s);
  if (structural.length > 0) {
    await finish('证明包的结构不完整。');
    await skipRest('checkpoint', '证明包结构不完整，未检查。');
    return done();
  }
  await finish(
    `格式 suiji-bundle/1；账本 ${ledger}；抽取 ${drawId}；${carried.length} 个条目；冻结名单：企业 ${targetLines.length} 行、检查人员 ${inspectorLines.length} 行、专家 ${expertLines.length} 行；` +
      `检查组输入：回避关系 ${conflictList.length} 条、上次检查组 ${inputs.previousTeams.size} 个。`,
  );

  // ---- 2. The checkpoint.
  begin('checkpoint');
  let key: VerifierKey | null = null;
  let checkpoint: Checkpoint | null = null;
  let note: Note | null = null;
  const cpDetail: string[] = [];
  try {
    if (keyText && keyText.trim() !== '') {
      key = parseVerifierKey(keyText);
    } else {
      key = parseVerifierKey(bundleKeyText);
      report.keyFromBundle = true;
      const w = '未提供验证密钥，使用了证明包自带的密钥：这只证明证明包自身一致，任何人都能做出这样的包。请与主管部门公布的验证密钥核对 (Compare it with the verifier key the bureau publishes)。';
      warnings.push(w);
      current!.outcome = 'warn';
    }
  } catch (e) {
    fail(null, `验证密钥无法读取: ${(e as Error).message}`);
  }
  try {
    note = parseNote(noteText);
    checkpoint = parseCheckpoint(note.text);
    report.checkpointSize = Number(checkpoint.size);
    cpDetail.push(`检查点：来源 ${checkpoint.origin}，树大小 ${checkpoint.size}，根 ${toHex(checkpoint.root)}。`);
    if (key) {
      if (noteSignedBy(note, key)) cpDetail.push(`签名用密钥 ${key.text} 验证通过。`);
      else fail(null, `检查点签名不能用密钥 ${key.text} 验证 (checkpoint: the signature does not verify against key ${key.text})`);
    }
    if (checkpoint.origin !== ledger) fail(null, `检查点来源 ${checkpoint.origin} 不是证明包的账本 ${ledger}`);
  } catch (e) {
    fail(null, `检查点无法读取: ${(e as Error).message}`);
  }
  await finish(cpDetail.join('\n') || '检查点无法检查。');

  // ---- 3. Entries: well-formed, of this ledger, the stated sequence and type, included.
  begin('entries');
  let last = -1;
  let included = 0;
  for (const c of carried) {
    const at = c.sequence;
    if (at <= last) fail(at, `条目 ${at} 未按序号递增排列 (entry ${at}: entries must come in increasing sequence)`);
    last = Math.max(last, at);
    if (!c.view) {
      fail(at, `条目 ${at} 不是格式正确的条目 (entry ${at} is malformed: ${c.payloadErr ?? ''})`);
      continue;
    }
    const v = c.view;
    const problems: string[] = [];
    if (v.ledgerId !== ledger) problems.push(`属于账本 ${v.ledgerId}`);
    if (v.sequence !== BigInt(at)) problems.push(`内部序号为 ${v.sequence}`);
    const typeName = EVENT_TYPES[v.type] ?? `type ${v.type}`;
    if (typeName !== c.type) problems.push(`内部类型为 ${typeName}，不是 ${c.type}`);
    if (problems.length) {
      fail(at, `条目 ${at}：${problems.join('；')} (entry ${at} does not match the bundle)`);
      c.ok = false;
      continue;
    }
    if (v.type >= 100 && v.type < 200) {
      fail(at, `条目 ${at} 是名录事件 ${typeName}，含内部数据，公开证明包不得携带 (a public bundle never carries one)`);
      c.ok = false;
      continue;
    }
    if (checkpoint) {
      if (BigInt(at) >= checkpoint.size) {
        fail(at, `条目 ${at} 不在检查点（大小 ${checkpoint.size}）之内 (entry ${at} is beyond the checkpoint)`);
        c.ok = false;
        continue;
      }
      if (!verifyInclusion(BigInt(at), checkpoint.size, leafHash(v.bytes), paths[c.index], checkpoint.root)) {
        fail(at, `条目 ${at} 的包含证明不能通到检查点的根 (entry ${at}: its inclusion proof does not lead to the checkpoint's root)`);
        c.ok = false;
        continue;
      }
      included += 1;
    } else {
      c.ok = false;
    }
  }
  await finish(`${included} / ${carried.length} 个条目格式正确，属于本账本，且有包含证明通到检查点的根。`);

  // ---- 4. Signatures with the keys in force.
  begin('signatures');
  interface KeyInForce { publicKey: Uint8Array; roles: number; from: number; until: number | null; label: string; }
  const keys = new Map<string, KeyInForce>();
  let signed = 0;
  const first = carried[0];
  if (!first || first.sequence !== 0 || !first.view || first.view.type !== T.Genesis) {
    fail(first ? first.sequence : null, '第一个条目必须是创世条目 Genesis（序号 0）(entry 0 must be Genesis)');
  }
  for (const c of carried) {
    if (!c.ok || !c.view) continue;
    const v = c.view;
    const at = c.sequence;
    try {
      if (v.type === T.Genesis) {
        if (at !== 0) {
          fail(at, `条目 ${at} 是 Genesis，但不在序号 0`);
          c.ok = false;
          continue;
        }
        const g = decodeGenesis(v.payload);
        const id = keyId(g.rootPublicKey);
        if (options.rootKeyId && options.rootKeyId !== id) {
          fail(at, `创世条目的根密钥是 ${id}，不是指定的 ${options.rootKeyId}`);
        }
        if (v.keyId !== id || !ed25519Verify(v.signature, v.body, g.rootPublicKey)) {
          fail(at, `条目 0（Genesis）不是由它所列的根密钥签名的 (entry 0: the signature does not verify against key ${id})`);
          c.ok = false;
          continue;
        }
        keys.set(id, { publicKey: g.rootPublicKey, roles: ROLE_AUTHORITY, from: 0, until: null, label: 'root' });
        signed += 1;
        continue;
      }
      const k = keys.get(v.keyId);
      if (!k) {
        fail(at, `条目 ${at} 由密钥 ${v.keyId} 签名，而该密钥未在本账本登记 (signed by key ${v.keyId}, which is not registered in this ledger)`);
        c.ok = false;
        continue;
      }
      if (at < k.from || (k.until !== null && at >= k.until)) {
        fail(at, `条目 ${at} 由密钥 ${v.keyId} 签名，该密钥在此位置不在有效期内 (key ${v.keyId} is not in force at ${at})`);
        c.ok = false;
        continue;
      }
      const isKeyEvent = v.type === T.KeyRegistered || v.type === T.KeyRevoked;
      const allowed = isKeyEvent ? (k.roles & ROLE_AUTHORITY) !== 0 : (k.roles & (ROLE_AUTHORITY | ROLE_WRITER)) !== 0;
      if (!allowed) {
        fail(at, `条目 ${at} 由密钥 ${v.keyId} 签名，该密钥无权签署 ${c.type} (key ${v.keyId} may not sign ${c.type})`);
        c.ok = false;
        continue;
      }
      if (!ed25519Verify(v.signature, v.body, k.publicKey)) {
        fail(at, `条目 ${at} 的签名不能用密钥 ${v.keyId} 验证 (entry ${at}: the signature does not verify against key ${v.keyId})`);
        c.ok = false;
        continue;
      }
      signed += 1;
      if (v.type === T.KeyRegistered) {
        const r = decodeKeyRegistered(v.payload);
        if (r.publicKey.length !== 32) throw new Error('公钥不是 32 字节');
        keys.set(keyId(r.publicKey), { publicKey: r.publicKey, roles: r.roles, from: at + 1, until: null, label: r.label });
        if (r.replacesKeyId) {
          const old = keys.get(r.replacesKeyId);
          if (!old || at < old.from || old.until !== null) {
            fail(at, `条目 ${at}：轮换所替换的密钥 ${r.replacesKeyId} 不是有效密钥 (rotation replaces key ${r.replacesKeyId}, which is not in force)`);
          } else old.until = at + 1;
        }
      } else if (v.type === T.KeyRevoked) {
        const r = decodeKeyRevoked(v.payload);
        const old = keys.get(r.keyId);
        if (!old || at < old.from || old.until !== null) {
          fail(at, `条目 ${at}：所撤销的密钥 ${r.keyId} 不是有效密钥 (revokes key ${r.keyId}, which is not in force)`);
        } else old.until = at + 1;
      }
    } catch (e) {
      fail(at, `条目 ${at} 的内容无法解码 (entry ${at}: ${(e as Error).message})`);
      c.ok = false;
    }
  }
  if (checkpoint && key) {
    const id = keyId(key.publicKey);
    const k = keys.get(id);
    const size = Number(checkpoint.size);
    if (!k || size < k.from || (k.until !== null && size >= k.until) || (k.roles & ROLE_CHECKPOINT) === 0) {
      fail(null, `签署检查点的密钥 ${id} 不是树大小 ${size} 时有效的检查点密钥 (key ${id} is not a checkpoint key in force at size ${size})`);
    }
  }
  await finish(`${signed} 个条目的签名验证通过，签名密钥在各自位置有效且有权签署该类事件；共登记密钥 ${keys.size} 个。`);

  // ---- 5. The task and the fold of its draws.
  begin('task');
  const good = carried.filter((c) => c.ok && c.view);
  const payloadOf = (c: Carried) => c.view!.payload;
  let named: DrawState | null = null;
  let task: Task | null = null;
  let taskSeq = -1;
  let taskPayload: Uint8Array | null = null;
  let plan: Plan | null = null;
  const draws = new Map<string, DrawState>();
  const order: DrawState[] = [];
  let commits = 0;
  let withdrawn = false;
  const taskDetail: string[] = [];
  try {
    const frozenOfNamed = good.find((c) => c.view!.type === T.DrawFrozen && decodeFrozen(payloadOf(c)).drawId === drawId);
    if (!frozenOfNamed) {
      fail(null, `证明包中没有抽取 ${drawId} 的冻结事件 (no DrawFrozen of draw ${drawId})`);
    } else {
      const taskId = decodeFrozen(payloadOf(frozenOfNamed)).taskId;
      const defs = good.filter((c) => c.view!.type === T.TaskDefined && decodeTask(payloadOf(c)).taskId === taskId);
      if (defs.length !== 1) {
        fail(null, `任务 ${taskId} 应有且只有一个 TaskDefined，证明包中有 ${defs.length} 个 (task ${taskId} needs exactly one TaskDefined)`);
      } else {
        taskSeq = defs[0].sequence;
        taskPayload = payloadOf(defs[0]);
        task = decodeTask(taskPayload);
        const plans = good
          .filter((c) => c.view!.type === T.PlanFiled && c.sequence < taskSeq)
          .map((c) => decodePlan(payloadOf(c)))
          .filter((p) => p.planId === task!.planId);
        plan = plans.length ? plans[plans.length - 1] : null;
        if (!plan) fail(taskSeq, `任务 ${taskId} 的计划 ${task.planId} 不在证明包中 (the task's plan is missing from the bundle)`);
        else {
          if (plan.orgId !== task.orgId) fail(taskSeq, `任务的机构 ${task.orgId} 不是计划 ${plan.planId} 的机构 ${plan.orgId}`);
          if (task.windowStart.slice(0, 4) !== String(plan.year) || task.windowEnd > `${plan.year}-12-30` || task.windowEnd < task.windowStart) {
            fail(taskSeq, `任务窗口 ${task.windowStart}～${task.windowEnd} 不在计划年度 ${plan.year} 之内（须在 12 月 30 日前结束）`);
          }
          taskDetail.push(`计划 ${plan.planId}（${plan.year} 年，第 ${plan.version} 版，${plan.title}）；任务 ${task.taskId}「${task.title}」，窗口 ${task.windowStart}～${task.windowEnd}。`);
        }
      }
      // The fold of the task's draw events (draw-protocol §1 transitions).
      const drawOf = (id: string) => draws.get(id);
      const refuse = (c: Carried, why: string) => {
        const msg = `条目 ${c.sequence}：${why}；证明包缺少本任务的某个事件，或此事件被改动过 (an event of the task is missing from the bundle, or this one was altered)`;
        fail(c.sequence, msg);
      };
      const live = () => {
        for (let i = order.length - 1; i >= 0; i--) if (order[i].phase !== 'cancelled') return order[i];
        return null;
      };
      for (const c of good) {
        const type = c.view!.type;
        if (type < 210 || type > 225 || c.sequence < taskSeq || !task) continue;
        const p = payloadOf(c);
        const at = c.sequence;
        if (type === T.TaskDefined) continue;
        if (type === T.TaskWithdrawn) {
          const w = decodeTaskWithdrawn(p);
          if (w.taskId !== task.taskId) continue;
          const l = live();
          if (withdrawn) refuse(c, `任务 ${task.taskId} 已撤回`);
          else if (l && l.committedOnce && l.phase !== 'frozen') refuse(c, `任务 ${task.taskId} 有已承诺的抽取 ${l.id}，不能撤回`);
          else {
            withdrawn = true;
            if (l && l.phase === 'frozen') {
              l.phase = 'cancelled';
              l.cancelReason = `task withdrawn: ${w.reason}`;
            }
          }
          continue;
        }
        if (type === T.DrawFrozen) {
          const f = decodeFrozen(p);
          if (f.taskId !== task.taskId) continue;
          const expected = `${task.taskId}-d${order.length + 1}`;
          if (withdrawn) refuse(c, `任务 ${task.taskId} 已撤回，不能再冻结`);
          else if (draws.has(f.drawId)) refuse(c, `抽取编号 ${f.drawId} 已用过`);
          else if (f.drawId !== expected) {
            fail(at, `任务 ${task.taskId} 的抽取 ${expected} 不在证明包中 (draw ${expected} of task ${task.taskId} is missing from the bundle)`);
          } else {
            const l = live();
            if (l && l.phase !== 'frozen') refuse(c, `任务 ${task.taskId} 的抽取 ${l.id} 已承诺且未取消，不能再冻结`);
            else {
              if (l && l.phase === 'frozen') {
                l.phase = 'cancelled';
                l.cancelReason = `superseded by freeze ${f.drawId}`;
              }
              const d: DrawState = {
                id: f.drawId, taskId: f.taskId, n: order.length + 1, phase: 'frozen', committedOnce: false, freezeSeq: at,
                frozen: f, parts: [], partsTotal: 0, visits: [], teams: new Map(), declined: new Map(), declines: 0, cancelReason: '',
              };
              draws.set(d.id, d);
              order.push(d);
            }
          }
          continue;
        }
        // Events naming a draw.
        const id =
          type === T.DrawCommitted ? decodeCommitted(p).drawId
          : type === T.DrawRevealed ? decodeRevealed(p).drawId
          : type === T.DrawResult ? decodeResult(p).drawId
          : type === T.DrawCancelled ? decodeCancelled(p).drawId
          : type === T.AssignmentDeclined ? decodeDeclined(p).drawId
          : '';
        if (!id.startsWith(`${task.taskId}-d`)) continue;
        const d = drawOf(id);
        if (type === T.DrawCommitted) {
          const e = decodeCommitted(p);
          if (!d || d.phase !== 'frozen') refuse(c, `抽取 "${id}" 的承诺，但该抽取${d ? '不处于已冻结待承诺状态' : '未冻结'} (commit of draw "${id}", which is not frozen)`);
          else if (e.taskId !== d.taskId || e.freezeSequence !== BigInt(d.freezeSeq) || !sameRoots(e, d.frozen)) {
            refuse(c, `抽取 "${id}" 的承诺没有原样重述其冻结（序号、数量、根）(the commitment does not restate the freeze)`);
          } else {
            d.phase = 'committed';
            d.committedOnce = true;
            d.commit = { seq: at, timeUs: c.view!.timeUs, ev: e, payload: p };
            commits += 1;
          }
        } else if (type === T.DrawRevealed) {
          if (!d || d.phase !== 'committed') refuse(c, `抽取 "${id}" 的揭示，但该抽取未承诺 (reveal of draw "${id}", which is not committed)`);
          else {
            d.phase = 'revealed';
            d.reveal = { seq: at, timeUs: c.view!.timeUs, ev: decodeRevealed(p) };
          }
        } else if (type === T.DrawResult) {
          const r = decodeResult(p);
          if (!d || d.phase !== 'revealed') refuse(c, `抽取 "${id}" 的结果，但该抽取未揭示 (result of draw "${id}", which is not revealed)`);
          else if (r.part !== d.parts.length || (d.parts.length > 0 && r.parts !== d.partsTotal) || r.parts === 0 || r.part >= r.parts) {
            refuse(c, `抽取 "${id}" 的结果第 ${r.part} 部分（共 ${r.parts} 部分）次序不对`);
          } else {
            d.partsTotal = r.parts;
            d.parts.push({ seq: at, ev: r });
            for (const v of r.visits) {
              d.visits.push(v);
              d.teams.set(v.creditCode, [...v.team]);
            }
            if (d.parts.length === r.parts) d.phase = 'drawn';
          }
        } else if (type === T.DrawCancelled) {
          const e = decodeCancelled(p);
          if (!d || d.phase === 'cancelled') refuse(c, `取消抽取 "${id}"，但该抽取${d ? '已取消' : '不存在'}`);
          else if (e.reason === '') refuse(c, `取消抽取 "${id}" 没有写明理由`);
          else {
            d.phase = 'cancelled';
            d.cancelReason = e.reason;
          }
        } else if (type === T.AssignmentDeclined) {
          const e = decodeDeclined(p);
          const team = d?.teams.get(e.creditCode);
          const visit = d?.visits.find((v) => v.creditCode === e.creditCode);
          if (!d || d.phase !== 'drawn' || !team || !visit) refuse(c, `抽取 "${id}" 中 ${e.creditCode} 的回避，但该抽取未完成或无此企业`);
          else if (e.reason === '') refuse(c, '回避没有写明理由');
          else {
            const pos = team.indexOf(e.inspectorId);
            const declined = d.declined.get(e.creditCode) ?? new Set<string>();
            const next = visit.substitutes.find((s) => !team.includes(s) && !declined.has(s) && s !== e.inspectorId);
            if (pos < 0) refuse(c, `${e.inspectorId} 不在 ${e.creditCode} 的检查组中`);
            else if (!next || next !== e.replacementId) {
              refuse(c, `递补人员应为 ${next ?? '（无）'}，事件写的是 ${e.replacementId} (the replacement must be the next substitute)`);
            } else {
              team[pos] = e.replacementId;
              declined.add(e.inspectorId);
              d.declined.set(e.creditCode, declined);
              d.declines += 1;
            }
          }
        }
      }
      for (const d of order) {
        if ((d.phase === 'revealed') || (d.phase === 'cancelled' && d.reveal && d.parts.length < Math.max(1, d.partsTotal))) {
          fail(null, `抽取 ${d.id}：结果部分缺失（在其揭示条目 ${d.reveal!.seq} 之后）（证明包中有 ${d.parts.length} 部分，至少应有 ${Math.max(1, d.partsTotal)} 部分）(draw ${d.id}: result parts are missing from the bundle (${d.parts.length} of at least ${Math.max(1, d.partsTotal)}))`);
        }
      }
      named = draws.get(drawId) ?? null;
      taskDetail.push(
        `本任务共 ${order.length} 次抽取：${order.map((d) => `${d.id}（${phaseLabel(d.phase)}${d.cancelReason ? `：${d.cancelReason}` : ''}）`).join('、') || '无'}；承诺 ${commits} 次。`,
      );
    }
  } catch (e) {
    fail(null, `本任务的事件无法解码: ${(e as Error).message}`);
  }
  await finish(taskDetail.join('\n') || '未能确定任务。');

  // ---- 6. The frozen lists of the named draw.
  begin('frozen');
  const summary: DrawSummary = {
    drawId, taskId: task?.taskId ?? '', phase: named ? named.phase : 'unknown', commitNumber: 0, commits,
    redraws: Math.max(0, commits - 1), cancellations: order.filter((d) => d.phase === 'cancelled' && d.committedOnce).map((d) => `${d.id}: ${d.cancelReason}`),
    targets: targetLines.length, inspectors: inspectorLines.length, experts: expertLines.length, rootsMatch: false,
    entropy: [], drandRound: null, drandUrl: null, drandBls: 'not-declared', seed: '', selected: 0, recomputed: false,
    understaffed: 0, declines: named?.declines ?? 0,
    teamInputs: { conflicts: conflictList.length, previousTeams: inputs.previousTeams.size },
  };
  report.draw = summary;
  const targets: TargetLine[] = [];
  const inspectors: InspectorLine[] = [];
  const experts: string[] = [];
  if (!named || !task) {
    await finish('没有可检查的抽取。', 'skip');
    await skipRest('commitment', '没有可检查的抽取。');
    return done();
  }
  {
    const f = named.frozen;
    const at = named.freezeSeq;
    const bad = (kind: string, lines: string[], parse: (l: string) => unknown) => {
      const i = lines.findIndex((l) => parse(l) === null);
      if (i >= 0) fail(at, `冻结的${kind}名单第 ${i} 行格式错误：${JSON.stringify(lines[i]).slice(0, 120)}`);
      return i < 0;
    };
    let ok = bad('企业', targetLines, parseTargetLine) && bad('检查人员', inspectorLines, parseInspectorLine) && bad('专家', expertLines, parseExpertLine);
    if (ok) {
      for (const l of targetLines) targets.push(parseTargetLine(l)!);
      for (const l of inspectorLines) inspectors.push(parseInspectorLine(l)!);
      for (const l of expertLines) experts.push(parseExpertLine(l)!);
      const check = (kind: string, en: string, lines: string[], count: bigint, root: Uint8Array) => {
        if (BigInt(lines.length) !== count || !equalBytes(linesRoot(lines), root)) {
          fail(at, `证明包中冻结的${kind}名单与冻结事件不符（${lines.length} 行，冻结为 ${count} 行，根 ${toHex(root).slice(0, 16)}…）(the bundle's frozen ${en} lines do not match the freeze)`);
          ok = false;
        }
      };
      check('企业', 'target', targetLines, f.targetCount, f.targetRoot);
      check('检查人员', 'inspector', inspectorLines, f.inspectorCount, f.inspectorRoot);
      check('专家', 'expert', expertLines, f.expertCount, f.expertRoot);
    }
    summary.rootsMatch = ok;
    if (ok) {
      const want = runQuotas(targets, task);
      const mismatch = compareStrata(f.strata, want);
      if (mismatch) fail(at, `冻结事件所列分层与按第 4 节复算的配额不符：${mismatch} (the freeze's strata are not the quotas of §4)`);
    }
    await finish(
      ok
        ? `企业 ${targetLines.length} 行、检查人员 ${inspectorLines.length} 行、专家 ${expertLines.length} 行，逐行格式正确，默克尔根与冻结事件（条目 ${at}）及承诺所重述的一致：名单正是抽取前承诺的名单。`
        : '冻结名单与承诺的根不符。',
    );
  }

  // ---- 7. The commitment.
  begin('commitment');
  const cm = named.commit;
  if (!cm) {
    await finish(`抽取 ${drawId} 尚未承诺。`, 'skip');
  } else {
    const e = cm.ev;
    const at = cm.seq;
    const commitIndex = order.filter((d) => d.committedOnce).indexOf(named);
    summary.commitNumber = commitIndex + 1;
    if (e.algorithm !== 'suiji-draw/1') fail(at, `算法为 ${e.algorithm}，不是 suiji-draw/1`);
    if (!equalBytes(e.paramsHash, sha256(taskPayload!))) fail(at, `params_hash 不是任务定义（条目 ${taskSeq}）载荷的 SHA-256 (params_hash is not the hash of the TaskDefined payload)`);
    const sources: string[] = [];
    if (e.drandChain !== '') {
      sources.push(`drand 第 ${e.drandRound} 轮`);
      summary.drandRound = String(e.drandRound);
      summary.drandUrl = `https://api.drand.sh/${e.drandChain}/public/${e.drandRound}`;
      if (e.drandChain === QUICKNET.chainHash) {
        if (e.drandRound < 1n || e.drandRoundTime !== quicknetRoundTime(e.drandRound)) {
          fail(at, `drand 第 ${e.drandRound} 轮的时间应为 ${quicknetRoundTime(e.drandRound)}，承诺写的是 ${e.drandRoundTime}`);
        }
      } else notes.push(`drand 链 ${e.drandChain} 不是 quicknet，轮次时间未检查。`);
      if (e.drandRoundTime * 1000000n <= cm.timeUs) fail(at, 'drand 轮次不晚于承诺时间：承诺时熵可能已经存在 (the drand round is not after the commit)');
    }
    if (e.lotteryName !== '') {
      sources.push(`${e.lotteryName} 第 ${e.lotteryIssue} 期`);
      if (e.lotteryTime * 1000000n <= cm.timeUs) fail(at, '彩票开奖时间不晚于承诺时间 (the lottery is not after the commit)');
    }
    if (e.witnesses.length) sources.push(`见证人 ${e.witnesses.length} 名（${e.witnesses.join('、')}）`);
    if (sources.length === 0) fail(at, '承诺没有声明任何外部熵源 (no entropy source)');
    summary.entropy = sources;
    await finish(
      `承诺（条目 ${at}，${isoTime(cm.timeUs)}）：算法 ${e.algorithm}；params_hash 与任务定义一致；秘密哈希 ${toHex(e.secretHash).slice(0, 16)}…；外部熵：${sources.join('；') || '无'}${e.drandChain !== '' || e.lotteryName !== '' ? `（${[e.drandChain !== '' ? 'drand 轮次' : '', e.lotteryName !== '' ? '开奖时间' : ''].filter(Boolean).join('和')}晚于承诺时间）` : ''}。本任务第 ${summary.commitNumber} 次承诺。`,
    );
  }

  // ---- 8. The reveal and the seed.
  begin('reveal');
  let seed: Uint8Array | null = null;
  if (!cm || !named.reveal) {
    await finish(`抽取 ${drawId} 尚未揭示。`, 'skip');
  } else {
    const r = named.reveal.ev;
    const e = cm.ev;
    const at = named.reveal.seq;
    const before = failures.length;
    if (r.secret.length !== 32 || !equalBytes(sha256(utf8('suiji-draw/1 secret'), r.secret), e.secretHash)) {
      fail(at, '揭示的秘密与承诺的秘密哈希不符 (the secret does not open secret_hash)');
    }
    if (e.drandChain !== '') {
      if (named.reveal.timeUs < e.drandRoundTime * 1000000n) fail(at, '揭示早于 drand 轮次 (the reveal is before the drand round)');
      if (r.drandSignature.length === 0) fail(at, '揭示缺少 drand 签名 (no drand signature)');
      else if (r.drandRandomness.length !== 32 || !equalBytes(sha256(r.drandSignature), r.drandRandomness)) {
        fail(at, 'drand 随机数不是其签名的 SHA-256 (the drand randomness is not the SHA-256 of its signature)');
      }
    }
    if (e.lotteryName !== '' && named.reveal.timeUs < e.lotteryTime * 1000000n) fail(at, '揭示早于彩票开奖 (the reveal is before the lottery draw)');
    if (r.witnessDigits.length !== e.witnesses.length) fail(at, `见证人 ${e.witnesses.length} 名，揭示给出 ${r.witnessDigits.length} 组数字`);
    r.witnessDigits.forEach((d, i) => {
      if (!/^[0-9]{1,64}$/.test(d)) fail(at, `见证人 ${i + 1} 的数字 ${JSON.stringify(d)} 不是 1–64 位十进制数字`);
    });
    const parts = [utf8('suiji-draw/1 seed'), sha256(cm.payload), lp(r.secret)];
    if (e.drandChain !== '') parts.push(lp(r.drandRandomness));
    if (e.lotteryName !== '') parts.push(lp(utf8(r.lotteryDigits)));
    for (let i = 0; i < e.witnesses.length; i++) parts.push(lp(utf8(r.witnessDigits[i] ?? '')));
    const recomputed = sha256(concat(...parts));
    summary.seed = toHex(recomputed);
    if (!equalBytes(recomputed, r.seed)) fail(at, `揭示所述种子与复算的种子 ${toHex(recomputed)} 不符 (the seed does not follow from the secret and the entropy)`);
    if (e.drandChain === '' && e.lotteryName === '') notes.push('本次抽取只有见证人数字作为外部熵，是最弱的熵源（见抽取协议第 9、11 节）。');
    if (failures.length === before) seed = recomputed;
    const vals: string[] = [];
    if (e.drandChain !== '') vals.push(`drand 随机数 ${toHex(r.drandRandomness).slice(0, 16)}…`);
    if (e.lotteryName !== '') vals.push(`${e.lotteryName} 开奖号码 ${r.lotteryDigits}`);
    e.witnesses.forEach((w, i) => vals.push(`${w}：${r.witnessDigits[i] ?? ''}`));
    await finish(`揭示（条目 ${at}，${isoTime(named.reveal.timeUs)}）：秘密与承诺的哈希相符；${vals.join('；')}；种子 ${summary.seed}。`);
  }

  // ---- 9. drand's BLS signature (beyond the C++ verifier, which cannot check it offline).
  begin('drand');
  if (!cm || cm.ev.drandChain === '') {
    await finish('本次抽取未使用 drand。', 'skip');
  } else if (cm.ev.drandChain !== QUICKNET.chainHash) {
    summary.drandBls = 'not-checked';
    await finish(`drand 链 ${cm.ev.drandChain} 不是 quicknet，未检查 BLS 签名。`, 'skip');
  } else if (!named.reveal) {
    summary.drandBls = 'not-checked';
    await finish('尚未揭示。', 'skip');
  } else if (!checkDrand) {
    summary.drandBls = 'not-checked';
    await finish('按调用方要求未检查 drand BLS 签名。', 'skip');
  } else {
    if (verifyQuicknetBeacon(cm.ev.drandRound, named.reveal.ev.drandSignature)) {
      summary.drandBls = 'verified';
      await finish(`drand quicknet 第 ${cm.ev.drandRound} 轮的 BLS 签名用该链公钥验证通过：随机数确是 drand 网络的公开结果（可对照 ${summary.drandUrl}）。`);
    } else {
      summary.drandBls = 'failed';
      fail(named.reveal.seq, `揭示中的 drand 签名不是 quicknet 第 ${cm.ev.drandRound} 轮的真实签名 (the drand BLS signature does not verify)`);
      await finish(`请对照 ${summary.drandUrl}。`);
    }
  }

  // ---- 10. The result recomputed.
  begin('result');
  if (named.parts.length === 0 || named.parts.length < named.partsTotal) {
    await finish(named.parts.length === 0 ? `抽取 ${drawId} 尚无结果。` : '结果不完整。', 'skip');
  } else if (!seed || !summary.rootsMatch) {
    await finish('种子或冻结名单未通过，无法复算。', 'skip');
  } else {
    const before = failures.length;
    const seedHex = toHex(seed);
    const n = named.visits.length;
    const wantParts = Math.max(1, Math.ceil(n / 250));
    for (const p of named.parts) {
      if (!equalBytes(p.ev.seed, seed)) fail(p.seq, `结果第 ${p.ev.part} 部分所述种子不是 ${seedHex}`);
      const want = Math.min(250, n - 250 * p.ev.part);
      if (p.ev.parts !== wantParts || p.ev.visits.length !== Math.max(0, want) || p.ev.selectedTotal !== BigInt(n)) {
        fail(p.seq, `结果第 ${p.ev.part} 部分没有按每部分 250 项切分，或 selected_total 与所列项数不符`);
      }
      if (p.ev.part > 0 && p.ev.strata.length > 0) fail(p.seq, `结果第 ${p.ev.part} 部分不应列出分层`);
    }
    const out = runDraw(task, seed, targets, inspectors, experts, inputs);
    // The recomputation is compared once the draw is whole: failures name its last part.
    const at0 = named.parts[named.parts.length - 1].seq;
    const sm = compareStrata(named.parts[0].ev.strata, out.strata);
    if (sm) fail(at0, `结果所列分层与复算不符：${sm}`);
    if (out.visits.length !== n) fail(at0, `抽中 ${n} 家，复算应为 ${out.visits.length} 家 (the number of visits differs from the recomputed draw)`);
    for (let i = 0; i < Math.min(n, out.visits.length); i++) {
      const diff = visitDiff(named.visits[i], out.visits[i]);
      if (diff) {
        fail(at0, `第 ${i} 项（${named.visits[i].creditCode}）与复算的抽取不符：${diff.zh}（依据证明包所述的检查组输入）(visit ${i} (${named.visits[i].creditCode}) does not match the recomputed draw: the ${diff.en} differs, given the bundle's stated team inputs)`);
        break;
      }
    }
    summary.selected = n;
    summary.understaffed = out.understaffed;
    notes.push(
      `冻结名单由承诺的默克尔根证明；但这些名单是否正是冻结时名录中的全部合格对象，以及证明包所述的检查组输入（回避关系 ${conflictList.length} 条、上次检查组 ${inputs.previousTeams.size} 个）是否就是当时登记的回避关系和以往检查组，只有完整日志才能证明（对导出文件运行 suiji-verify）。`,
    );
    summary.recomputed = failures.length === before;
    await finish(
      summary.recomputed
        ? `按 suiji-draw/1 复算：${out.strata.length} 个分层，抽中 ${n} 家企业，顺序、批次、检查组、递补名单、专家与记录完全一致（检查组依据证明包所述的回避关系和上次检查组）${out.understaffed ? `；${out.understaffed} 项人手不足` : ''}。`
        : '记录的结果与复算不一致。',
    );
  }

  // ---- 11. Declines and redraws.
  begin('declines');
  const cancelled = summary.cancellations;
  await finish(
    `回避递补 ${named.declines} 次，均由递补名单中的下一位接替；本任务承诺 ${commits} 次，即重抽 ${summary.redraws} 次${cancelled.length ? `；已取消：${cancelled.join('；')}` : ''}。`,
  );

  for (const c of carried) {
    if (!c.view) continue;
    const t = c.view.type;
    const role = t <= 3 ? 'key' : t === 200 ? 'plan' : t === 210 ? 'task' : t >= 211 && t <= 225 ? 'draw' : 'extra';
    report.entries.push({ sequence: c.sequence, type: c.type, role });
    if (role === 'extra') report.extras.push({ sequence: c.sequence, type: c.type });
  }
  return done();
}

function sameRoots(a: DrawCommitted, b: DrawFrozen): boolean {
  return (
    a.targetCount === b.targetCount && equalBytes(a.targetRoot, b.targetRoot) && a.inspectorCount === b.inspectorCount &&
    equalBytes(a.inspectorRoot, b.inspectorRoot) && a.expertCount === b.expertCount && equalBytes(a.expertRoot, b.expertRoot)
  );
}

import { quotas as computeQuotas, Stratum } from './draw';
function runQuotas(targets: TargetLine[], task: Task): Stratum[] {
  return computeQuotas(targets, task);
}

function compareStrata(logged: StratumCount[], want: Stratum[]): string | null {
  if (logged.length !== want.length) return `${logged.length} 个分层，应为 ${want.length} 个`;
  for (let i = 0; i < want.length; i++) {
    const a = logged[i];
    const b = want[i];
    if (a.key !== b.key || a.population !== BigInt(b.population) || a.weightTotal !== BigInt(b.weightTotal) || a.quota !== BigInt(b.quota)) {
      return `分层 ${b.key}：记录为 ${a.key} 总数 ${a.population} 权重 ${a.weightTotal} 配额 ${a.quota}，复算为总数 ${b.population} 权重 ${b.weightTotal} 配额 ${b.quota}`;
    }
  }
  return null;
}

function visitDiff(a: Visit, b: Visit): { zh: string; en: string } | null {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (a.creditCode !== b.creditCode) return { zh: `应为 ${b.creditCode}`, en: 'target' };
  if (a.stratum !== b.stratum) return { zh: '分层不同', en: 'stratum' };
  if (a.weight !== b.weight) return { zh: '权重不同', en: 'weight' };
  if (a.rankKey !== b.rankKey) return { zh: '排序键不同', en: 'rank key' };
  if (a.order !== b.order) return { zh: '顺序不同', en: 'order' };
  if (a.batch !== b.batch) return { zh: '批次不同', en: 'batch' };
  if (a.mergedInto !== b.mergedInto) return { zh: '合并对象不同', en: 'merge' };
  if (!same(a.team, b.team)) return { zh: `检查组不同（应为 ${b.team.join('、')}）`, en: 'team' };
  if (!same(a.substitutes, b.substitutes)) return { zh: `递补名单不同（应为 ${b.substitutes.join('、')}）`, en: 'substitutes' };
  if (!same(a.experts, b.experts)) return { zh: `专家不同（应为 ${b.experts.join('、')}）`, en: 'experts' };
  return null;
}

function phaseLabel(p: string): string {
  return ({ frozen: '已冻结', committed: '已承诺', revealed: '已揭示', drawn: '已抽取', cancelled: '已取消' } as Record<string, string>)[p] ?? p;
}

function isoTime(us: bigint): string {
  return new Date(Number(us / 1000n)).toISOString().replace('.000Z', 'Z');
}

export { compareBytewise };
