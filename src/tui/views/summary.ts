// What stays in the terminal after the screen closes: the outcome and each
// item's status, as plain text (no color, no cursor movement).
import type { RunState } from '../../engine/state.js';
import type { Runbook } from '../../runbook/load.js';
import { clock, duration } from '../../present/duration.js';
import { targetLine } from '../../present/target.js';
import { verdictSentence } from '../../present/verdict.js';
import { oneLine } from '../text.js';
import { STATUS } from './detail.js';
import { padColumns } from '../../present/width.js';

export function summaryLines(rb: Runbook, run: RunState): string[] {
  const out: string[] = [];
  const ended = run.ended;
  const took = ended ? ` in ${clock(ended.at - run.startedAt)}` : '';
  out.push(`${rb.title}: run ${ended ? ended.outcome : 'stopped'}${took}${ended?.reason ? ` — ${oneLine(ended.reason, 300)}` : ''}`);
  if (run.target) out.push(`  target ${targetLine(run.target)}`);
  for (const item of run.items) {
    const st = STATUS[item.status];
    let extra = '';
    if (item.status === 'skipped' && item.skipReason) extra = ` — skipped: ${oneLine(item.skipReason, 200)}`;
    else if (item.status === 'failed') {
      const bad = item.verdicts.find((v) => !v.ok);
      extra = bad ? ` — ${oneLine(verdictSentence(bad), 200)}` : item.error ? ` — ${oneLine(item.error.message, 200)}` : '';
    } else if (item.status === 'interrupted') extra = ' — interrupted';
    else if (item.status === 'passed' && item.durationMs !== undefined) extra = ` (${duration(item.durationMs)})`;
    out.push(`  ${st.icon} ${padColumns(item.kind, 12)} ${oneLine(item.title, 120)}${extra}`);
  }
  return out;
}
