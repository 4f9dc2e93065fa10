// The two header lines: the runbook (title, risk, estimate, elapsed time),
// then the pinned target (host, port, database, version, primary or replica)
// and where the run is (step 3 of 7).
import type { RunState } from '../../engine/state.js';
import { frontier } from '../../engine/reducer.js';
import { fit, lineWidth, seg, type Line, type Tone } from '../line.js';
import type { UiState } from '../store.js';
import { clock, oneLine } from '../text.js';

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
  if (i < 0) return `done · ${steps.filter((s) => s.status === 'passed').length} of ${steps.length} steps passed`;
  const item = run.items[i];
  const same = of(item.kind);
  const n = same.findIndex((s) => s.key === item.key) + 1;
  if (item.kind === 'step') return `step ${n} of ${same.length}`;
  if (item.kind === 'prerequisite') return `prerequisite ${n} of ${same.length} · ${steps.length} steps`;
  return `checklist ${n} of ${same.length} · steps done`;
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
    seg(rb.estimate ? ` · est ${rb.estimate}` : '', bar),
    seg(` · ${elapsed} `, bar),
  ];
  const t = run.target;
  const left2: Line = t
    ? [
        seg(`${t.user}@${t.host}:${t.port}/`, { tone: 'muted' }),
        seg(t.database, { bold: true }),
        seg(` · PostgreSQL ${t.serverVersion} · `, { tone: 'muted' }),
        seg(t.isReplica ? 'REPLICA (read-only)' : 'primary', { tone: t.isReplica ? 'warn' : 'ok', bold: t.isReplica }),
      ]
    : [seg('target: ', { tone: 'muted' }), seg(ui.targetHint || '(not connected yet)'), seg(' · not connected yet', { tone: 'muted' })];
  let right2: Line;
  if (run.ended) {
    const tone: Tone = run.ended.outcome === 'succeeded' ? 'ok' : 'bad';
    right2 = [seg(`run ${run.ended.outcome.toUpperCase()}`, { tone, bold: true }), seg(` · ${progressText(run)}`, { tone: 'muted' })];
  } else right2 = [seg(progressText(run), { bold: true })];
  return [spread(left1, right1, width, bar), spread(left2, right2, width)];
}
