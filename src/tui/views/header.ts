// The two header lines: the runbook (title, risk, estimate, elapsed time),
// then the pinned target (host, port, database, version, primary or replica)
// and where the run is (step 3 of 7).
import type { RunState } from '../../engine/state.js';
import { frontier } from '../../engine/reducer.js';
import { fit, lineWidth, seg, type Line, type Tone } from '../line.js';
import type { UiState } from '../state.js';
import { clock } from '../../present/duration.js';
import { targetParts } from '../../present/target.js';
import { oneLine, truncate } from '../text.js';

const RISK_TONE: Record<string, Tone> = { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' };

/** Left and right parts on one line; the left one gives way. */
function spread(left: Line, right: Line, width: number, fillStyle: { inverse?: boolean } = {}): Line {
  const room = Math.max(0, width - lineWidth(right) - 1);
  const l = fit(left, room);
  const gap = Math.max(1, width - lineWidth(l) - lineWidth(right));
  return fit([...l, seg(' '.repeat(gap), fillStyle), ...right], width);
}

export function progressText(run: RunState): string {
  const i = frontier(run);
  const of = (kind: string) => run.items.filter((it) => it.kind === kind);
  const steps = of('step');
  if (i < 0) return `done · ${steps.filter((s) => s.status === 'passed').length}/${steps.length} steps passed`;
  const item = run.items[i];
  const same = of(item.kind);
  const n = same.findIndex((s) => s.key === item.key) + 1;
  if (item.kind === 'step') return `step ${n} of ${same.length}`;
  if (item.kind === 'prerequisite') return `prerequisite ${n} of ${same.length}`;
  return `checklist ${n} of ${same.length}`;
}

export function headerLines(ui: UiState, width: number): Line[] {
  const rb = ui.runbook;
  const run = ui.run;
  const proc = run.procedureId ? rb.procedures.find((p) => p.id === run.procedureId) : undefined;
  const title = run.kind === 'rollback' ? `ROLLBACK — ${rb.title}` : proc ? `${rb.title} — ${proc.title}` : rb.title;
  const elapsed = clock((run.ended?.at ?? ui.now) - run.startedAt);
  const bar = { inverse: true };
  const left1: Line = [seg(` ${oneLine(title)}`, { bold: true, ...bar })];
  const right1: Line = [
    seg(' risk ', bar),
    seg(rb.risk.toUpperCase(), { tone: RISK_TONE[rb.risk], bold: true, ...bar }),
    seg(rb.estimate ? ` · est ${truncate(oneLine(rb.estimate), Math.max(4, Math.floor(width / 6)))}` : '', bar),
    seg(` · ${elapsed} `, bar),
  ];
  const t = run.target;
  let right2: Line;
  if (run.ended) {
    const ok = run.ended.outcome === 'succeeded';
    const steps = run.items.filter((i) => i.kind === 'step');
    right2 = [seg(`${ok ? '✓' : '✗'} ${run.ended.outcome.toUpperCase()}`, { tone: ok ? 'ok' : 'bad', bold: true }), seg(` · ${steps.filter((s) => s.status === 'passed').length}/${steps.length} steps`, { tone: 'muted' })];
  } else right2 = [seg(progressText(run), { bold: true })];
  // The flags that decide instead of the operator stay in sight (--yes, --auto, …), and the pace.
  const decided = [...ui.flags, ...(ui.pace === 'to_decision' ? ['running on to the next decision'] : [])];
  if (decided.length && !run.ended) right2 = [seg(`${decided.join(' ')} · `, { tone: 'warn', bold: true }), ...right2];
  // Someone else's run, watched: said first, so no one takes this screen for the one that acts.
  if (ui.observer) right2 = [seg('WATCHING (read-only) · ', { tone: 'accent', bold: true }), ...right2];
  const room = width - lineWidth(right2) - 1;
  let left2: Line;
  if (t) {
    // The words are present's (targetLine); the screen colours them, and a replica stands out.
    const p = targetParts(t);
    const role = seg(p.role, { tone: p.isReplica ? 'warn' : 'ok', bold: p.isReplica });
    const rest = [seg(p.database, { bold: true }), seg(` · ${p.server} · `, { tone: 'muted' }), role];
    left2 = [seg(`${p.login}${p.address}`, { tone: 'muted' }), ...rest];
    // Narrow: the database, version and role matter more than the user and the address.
    if (lineWidth(left2) > room) left2 = [seg(p.address, { tone: 'muted' }), ...rest];
    if (lineWidth(left2) > room) left2 = rest;
    // Still too narrow: the database name gives way, never the role (primary or replica is what a person must see).
    if (lineWidth(left2) > room) {
      const tail = rest.slice(1);
      left2 = [seg(truncate(p.database, Math.max(8, room - lineWidth(tail))), { bold: true }), ...tail];
    }
  } else left2 = [seg(ui.targetHint || 'target not given'), seg(' · connecting…', { tone: 'muted' })];
  return [spread(left1, right1, width, bar), spread(left2, right2, width)];
}
