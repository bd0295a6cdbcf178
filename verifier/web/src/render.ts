// The report as plain Chinese text (the Node command prints it; the page shows the same lines).
import type { Report } from './verify';
import { OUTCOME_LABELS } from './verify';

export function renderReportText(r: Report): string {
  const out: string[] = [];
  out.push(`证明包验证（suiji-bundle/1）：账本 ${r.ledger || '?'}，抽取 ${r.draw?.drawId ?? '?'}`);
  r.steps.forEach((s, i) => {
    out.push(`${String(i + 1).padStart(2)}. [${OUTCOME_LABELS[s.outcome]}] ${s.title} (${s.id})`);
    for (const line of s.detail.split('\n')) if (line) out.push(`      ${line}`);
    for (const f of s.failures) out.push(`      ✗ ${f.sequence !== null ? `条目 ${f.sequence}：` : ''}${f.message}`);
  });
  for (const w of r.warnings) out.push(`警告：${w}`);
  for (const n of r.notes) out.push(`说明：${n}`);
  if (r.extras.length) out.push(`附带条目（已证明收录和签名，未解读）：${r.extras.map((e) => `${e.sequence} ${e.type}`).join('、')}`);
  out.push(`用时 ${r.elapsedMs} 毫秒`);
  out.push(`结论：${r.summary}`);
  return out.join('\n') + '\n';
}
