// Decoders of the stored tables this verifier reads (schemas/envelope.fbs, events.fbs,
// draw.fbs). Field numbers are the schemas' ids; defaults are the schemas' defaults.
import { Buf, FlatBufferError, Table } from './fb';

export const EVENT_TYPES: Record<number, string> = {
  0: 'Unknown', 1: 'Genesis', 2: 'KeyRegistered', 3: 'KeyRevoked', 4: 'Memo',
  100: 'OrgUnitRegistered', 101: 'TargetRegistered', 102: 'TargetUpdated', 103: 'TargetRetired',
  110: 'InspectorRegistered', 111: 'InspectorUpdated', 112: 'InspectorRetired',
  113: 'ConflictDeclared', 114: 'ConflictWithdrawn', 120: 'ItemListPublished', 130: 'CalendarPublished',
  200: 'PlanFiled', 210: 'TaskDefined', 211: 'TaskWithdrawn', 220: 'DrawFrozen', 221: 'DrawCommitted',
  222: 'DrawRevealed', 223: 'DrawResult', 224: 'DrawCancelled', 225: 'AssignmentDeclined',
  300: 'TargetsAnnounced', 310: 'ResultRecorded', 311: 'ResultSubmitted', 312: 'ResultReviewed',
  313: 'ResultPublished', 314: 'ResultCorrected', 315: 'ResultInternalNote', 316: 'ResultConfirmed',
  320: 'CaseTransferred', 321: 'CreditReevaluated',
  400: 'UserRegistered', 401: 'UserDisabled', 402: 'TokenIssued', 403: 'TokenRevoked', 404: 'CredentialSet',
};

export const T = {
  Genesis: 1, KeyRegistered: 2, KeyRevoked: 3,
  PlanFiled: 200, TaskDefined: 210, TaskWithdrawn: 211, DrawFrozen: 220, DrawCommitted: 221,
  DrawRevealed: 222, DrawResult: 223, DrawCancelled: 224, AssignmentDeclined: 225,
} as const;

export const ROLE_AUTHORITY = 1;
export const ROLE_WRITER = 2;
export const ROLE_CHECKPOINT = 4;

export interface EntryView {
  bytes: Uint8Array;       // the stored Entry
  body: Uint8Array;        // the exact EventBody bytes (what the signature covers)
  signature: Uint8Array;
  ledgerId: string;
  sequence: bigint;
  prevHash: Uint8Array;
  timeUs: bigint;
  actorOrg: string;
  actorUser: string;
  keyId: string;
  type: number;
  payload: Uint8Array;
}

export function parseEntry(bytes: Uint8Array): EntryView {
  const buf = new Buf(bytes);
  if (bytes.length < 8 || buf.identifier() !== 'SJE1') {
    throw new FlatBufferError('not an Entry (file identifier "SJE1" missing)');
  }
  const e = buf.root();
  const body = e.bytes(0);
  const signature = e.bytes(1);
  const b = new Buf(body).root();
  const actor = b.table(4);
  return {
    bytes, body, signature,
    ledgerId: b.str(0), sequence: b.u64(1), prevHash: b.bytes(2), timeUs: b.i64(3),
    actorOrg: actor ? actor.str(0) : '', actorUser: actor ? actor.str(1) : '',
    keyId: b.str(5), type: b.u16(6), payload: b.bytes(7),
  };
}

function root(payload: Uint8Array): Table {
  return new Buf(payload).root();
}

export interface Genesis { ledgerId: string; rootPublicKey: Uint8Array; }
export function decodeGenesis(p: Uint8Array): Genesis {
  const t = root(p);
  return { ledgerId: t.str(0), rootPublicKey: t.bytes(1) };
}

export interface KeyRegistered { publicKey: Uint8Array; roles: number; label: string; replacesKeyId: string; }
export function decodeKeyRegistered(p: Uint8Array): KeyRegistered {
  const t = root(p);
  return { publicKey: t.bytes(0), roles: t.u32(1), label: t.str(2), replacesKeyId: t.str(3) };
}

export interface KeyRevoked { keyId: string; reason: string; }
export function decodeKeyRevoked(p: Uint8Array): KeyRevoked {
  const t = root(p);
  return { keyId: t.str(0), reason: t.str(1) };
}

export interface Plan { planId: string; orgId: string; year: number; title: string; filedWith: string; version: number; }
export function decodePlan(p: Uint8Array): Plan {
  const t = root(p);
  return { planId: t.str(0), orgId: t.str(1), year: t.u16(2), title: t.str(3), filedWith: t.str(4), version: t.u32(5) };
}

export type StrataBy = 0 | 1 | 2 | 3;
export type QuotaSplit = 0 | 1 | 2;
export interface CreditRules {
  gradeAExemptYears: number; gradeCRatioBp: number; gradeCIgnoresNoRepeat: boolean; baseWeight: number;
  blacklistMultiplier: number; starThreshold: number; starPolicy: number; complaintStep: number; complaintCap: number;
}
export interface Task {
  taskId: string; planId: string; orgId: string; title: string; itemListVersion: number; itemIds: string[];
  keyItems: boolean; batchSize: number; regions: string[]; industries: string[]; minHeadcount: number;
  directed: boolean; creditGrades: string[]; blacklistedOnly: boolean; ratioBp: number; count: number;
  strataBy: StrataBy; quotaSplit: QuotaSplit; quotas: { key: string; count: number }[];
  credit: CreditRules; maxPerYear: number; noRepeatItemWithinYear: boolean;
  windowStart: string; windowEnd: string;
  inspectors: { domains: string[]; specialties: string[]; regions: string[]; teamSize: number; substitutes: number; experts: number; expertSpecialties: string[] };
  jointDepartments: string[];
}
export function decodeTask(p: Uint8Array): Task {
  const t = root(p);
  const c = t.table(19);
  const f = t.table(20);
  const i = t.table(23);
  return {
    taskId: t.str(0), planId: t.str(1), orgId: t.str(2), title: t.str(3), itemListVersion: t.u32(4),
    itemIds: t.strings(5), keyItems: t.bool(6), batchSize: t.u32(7), regions: t.strings(8),
    industries: t.strings(9), minHeadcount: t.u32(10, 8), directed: t.bool(11), creditGrades: t.strings(12),
    blacklistedOnly: t.bool(13), ratioBp: t.u16(14), count: t.u32(15),
    strataBy: t.u8(16) as StrataBy, quotaSplit: t.u8(17) as QuotaSplit,
    quotas: t.tables(18).map((q) => ({ key: q.str(0), count: q.u32(1) })),
    credit: {
      gradeAExemptYears: c ? c.u8(0, 2) : 2, gradeCRatioBp: c ? c.u16(1, 10000) : 10000,
      gradeCIgnoresNoRepeat: c ? c.bool(2, true) : true, baseWeight: c ? c.u8(3, 2) : 2,
      blacklistMultiplier: c ? c.u8(4, 3) : 3, starThreshold: c ? c.u8(5, 4) : 4,
      starPolicy: c ? c.u8(6, 1) : 1, complaintStep: c ? c.u8(7, 1) : 1, complaintCap: c ? c.u8(8, 4) : 4,
    },
    maxPerYear: f ? f.u8(0, 2) : 2, noRepeatItemWithinYear: f ? f.bool(1, true) : true,
    windowStart: t.str(21), windowEnd: t.str(22),
    inspectors: {
      domains: i ? i.strings(0) : [], specialties: i ? i.strings(1) : [], regions: i ? i.strings(2) : [],
      teamSize: i ? i.u8(3, 2) : 2, substitutes: i ? i.u8(4, 2) : 2, experts: i ? i.u8(5, 0) : 0,
      expertSpecialties: i ? i.strings(6) : [],
    },
    jointDepartments: t.strings(24),
  };
}

export interface TaskWithdrawn { taskId: string; reason: string; }
export function decodeTaskWithdrawn(p: Uint8Array): TaskWithdrawn {
  const t = root(p);
  return { taskId: t.str(0), reason: t.str(1) };
}

export interface StratumCount { key: string; population: bigint; weightTotal: bigint; quota: bigint; }
function strata(ts: Table[]): StratumCount[] {
  return ts.map((s) => ({ key: s.str(0), population: s.u64(1), weightTotal: s.u64(2), quota: s.u64(3) }));
}

export interface Roots {
  targetCount: bigint; targetRoot: Uint8Array; inspectorCount: bigint; inspectorRoot: Uint8Array;
  expertCount: bigint; expertRoot: Uint8Array;
}
export interface DrawFrozen extends Roots { drawId: string; taskId: string; strata: StratumCount[]; }
export function decodeFrozen(p: Uint8Array): DrawFrozen {
  const t = root(p);
  return {
    drawId: t.str(0), taskId: t.str(1), targetCount: t.u64(2), targetRoot: t.bytes(3), inspectorCount: t.u64(4),
    inspectorRoot: t.bytes(5), expertCount: t.u64(6), expertRoot: t.bytes(7), strata: strata(t.tables(8)),
  };
}

export interface DrawCommitted extends Roots {
  drawId: string; taskId: string; freezeSequence: bigint; paramsHash: Uint8Array; algorithm: string;
  secretHash: Uint8Array; drandChain: string; drandRound: bigint; drandRoundTime: bigint;
  lotteryName: string; lotteryIssue: string; lotteryTime: bigint; witnesses: string[]; note: string;
}
export function decodeCommitted(p: Uint8Array): DrawCommitted {
  const t = root(p);
  return {
    drawId: t.str(0), taskId: t.str(1), freezeSequence: t.u64(2), targetCount: t.u64(3), targetRoot: t.bytes(4),
    inspectorCount: t.u64(5), inspectorRoot: t.bytes(6), expertCount: t.u64(7), expertRoot: t.bytes(8),
    paramsHash: t.bytes(9), algorithm: t.str(10), secretHash: t.bytes(11), drandChain: t.str(12),
    drandRound: t.u64(13), drandRoundTime: t.i64(14), lotteryName: t.str(15), lotteryIssue: t.str(16),
    lotteryTime: t.i64(17), witnesses: t.strings(18), note: t.str(19),
  };
}

export interface DrawRevealed {
  drawId: string; secret: Uint8Array; drandRandomness: Uint8Array; drandSignature: Uint8Array;
  lotteryDigits: string; witnessDigits: string[]; seed: Uint8Array;
}
export function decodeRevealed(p: Uint8Array): DrawRevealed {
  const t = root(p);
  return {
    drawId: t.str(0), secret: t.bytes(1), drandRandomness: t.bytes(2), drandSignature: t.bytes(3),
    lotteryDigits: t.str(4), witnessDigits: t.strings(5), seed: t.bytes(6),
  };
}

export interface Visit {
  creditCode: string; stratum: string; weight: number; rankKey: bigint; order: number; batch: number;
  team: string[]; experts: string[]; substitutes: string[]; mergedInto: string;
}
export interface DrawResult {
  drawId: string; seed: Uint8Array; part: number; parts: number; selectedTotal: bigint;
  strata: StratumCount[]; visits: Visit[];
}
export function decodeResult(p: Uint8Array): DrawResult {
  const t = root(p);
  return {
    drawId: t.str(0), seed: t.bytes(1), part: t.u32(2), parts: t.u32(3), selectedTotal: t.u64(4),
    strata: strata(t.tables(5)),
    visits: t.tables(6).map((v) => ({
      creditCode: v.str(0), stratum: v.str(1), weight: v.u32(2), rankKey: v.u64(3), order: v.u32(4),
      batch: v.u32(5), team: v.strings(6), experts: v.strings(7), substitutes: v.strings(8), mergedInto: v.str(9),
    })),
  };
}

export interface DrawCancelled { drawId: string; reason: string; }
export function decodeCancelled(p: Uint8Array): DrawCancelled {
  const t = root(p);
  return { drawId: t.str(0), reason: t.str(1) };
}

export interface AssignmentDeclined { drawId: string; creditCode: string; inspectorId: string; reason: string; replacementId: string; }
export function decodeDeclined(p: Uint8Array): AssignmentDeclined {
  const t = root(p);
  return { drawId: t.str(0), creditCode: t.str(1), inspectorId: t.str(2), reason: t.str(3), replacementId: t.str(4) };
}
