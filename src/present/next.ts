// After a plain run that stopped: the commands that take it on from there,
// for what actually stopped it — never only "run failed". A run in a sandbox
// the program deleted at the end cannot be resumed: it is said, and the way
// to run it again is given instead.
import type { RunState } from '../engine/state.js';

export interface NextContext {
  runId: string;
  /** The target database (for --confirm-danger). */
  database?: string;
  /** The run's sandbox was deleted when it ended (--sandbox, --sandbox-on): nothing to resume. */
  sandboxGone?: boolean;
  /** How to start the run again ("runbook run FILE --sandbox …"), for a sandbox run. */
  again?: string;
}

/** The lines to print under "run failed: …": what to run next, each with what it does. */
export function nextCommands(state: RunState, ctx: NextContext): string[] {
  if (!state.ended || state.ended.outcome === 'succeeded') return [];
  const item = state.items.find((i) => i.status === 'failed' || i.status === 'interrupted' || i.status === 'running');
  if (ctx.sandboxGone) {
    return [
      'next: the sandbox this run used was deleted when it ended, so there is nothing to resume.',
      ...(ctx.again ? [`  ${ctx.again}    (start again in a new sandbox)`] : []),
    ];
  }
  const resume = `runbook resume ${ctx.runId}`;
  const lines = ['next (the run is kept; pick up where it stopped):'];
  if (!item) return [...lines, `  ${resume}    (continue from the first unfinished item)`, `  runbook rollback ${ctx.runId}    (undo what it completed)`];
  const what = `${item.kind} "${item.title}"`;
  const refusedDanger = item.error?.kind === 'input' && /database name was not typed/.test(item.error.message);
  const notConfirmed = item.verdicts.some((v) => !v.ok && v.actual === 'not confirmed');
  if (item.unknown) {
    lines.push(
      `  ${resume} --in-flight applied    (you checked: the statement in flight took effect)`,
      `  ${resume} --in-flight not-applied    (it did not: run it again)`,
    );
  } else if (refusedDanger) {
    lines.push(`  ${resume} --retry --confirm-danger ${ctx.database ?? '<database name>'}    (allow the destructive ${what})`);
  } else if (notConfirmed) {
    lines.push(`  ${resume} --retry --yes    (confirm ${what}; the record says auto-confirmed (--yes))`);
  } else {
    lines.push(`  ${resume} --retry    (after fixing the cause: run ${what} again)`);
  }
  if (item.skippable) lines.push(`  ${resume} --skip "<why>"    (skip ${what}; the reason is recorded)`);
  else lines.push(`  (${what} may not be skipped: the runbook does not allow it)`);
  if (state.kind !== 'rollback') lines.push(`  runbook rollback ${ctx.runId}    (undo what the run completed)`);
  return lines;
}
