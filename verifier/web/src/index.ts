// The public API of the browser verifier (verifier/web/README.md documents it; keep it stable:
// the public draw page loads this module and calls verifyBundle).
export { verifyBundle, STEP_IDS, STEP_TITLES, OUTCOME_LABELS } from './verify';
export type { Report, Step, StepId, Failure, Outcome, DrawSummary, VerifyOptions } from './verify';
export { renderReportText } from './render';
export { verifyQuicknetBeacon, QUICKNET } from './drand';
export { runDraw, quotas, rankKey, linesRoot } from './draw';
// Lower layers, for tests against the protocol's vectors (tests/vectors/draw/).
export * as schema from './schema';
export * as crypto from './crypto';
export * as bytes from './bytes';
