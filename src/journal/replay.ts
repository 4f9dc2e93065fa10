// A journal back into a RunState: the events replayed through the engine's own
// reducer. A "resumed" line re-opens a run that had ended (stopped on a
// failure, or aborted), exactly as it happened when the operator resumed it.
import { createRun, stepsFor } from '../engine/plan.js';
import { reduce } from '../engine/reducer.js';
import type { RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import type { Journal, JournalHeader } from './journal.js';
import { rollbackSteps } from './rollback-plan.js';

/** The steps this journal's run walked: the runbook's, a procedure's, or a rollback plan's. */
export function journalSteps(rb: Runbook, header: JournalHeader): readonly Step[] {
  if (header.kind === 'rollback') return rollbackSteps(rb, header.plan ?? []);
  return stepsFor(rb, header.kind, header.procedureId);
}

export function replay(rb: Runbook, journal: Journal): RunState {
  const { header } = journal;
  if (rb.id !== header.runbook.id) throw new Error(`${rb.file} is runbook "${rb.id}", but run ${header.runId} ran "${header.runbook.id}"`);
  let state = createRun(rb, { kind: header.kind, procedureId: header.procedureId, steps: journalSteps(rb, header), at: header.startedAt });
  for (const record of journal.records) {
    if (record.record === 'session' && record.action === 'resumed') state = { ...state, ended: null };
    else if (record.record === 'event') {
      try {
        state = reduce(state, record.event);
      } catch (err) {
        throw new Error(`${journal.path}: event ${record.seq} (${record.event.type}) does not fit the runbook as it is now: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return state;
}

export type Outcome = 'succeeded' | 'failed' | 'aborted' | 'stopped' | 'rolled back';

/**
 * How a run stands, from its journal alone (no runbook needed): its outcome,
 * or "stopped" when it never ended (killed, or still going), and where it was.
 */
export function journalStatus(journal: Journal): { outcome: Outcome; reason?: string; endedAt?: number; lastAt: number; at?: string; rolledBack: boolean } {
  let ended: { outcome: Outcome; reason?: string; at: number } | undefined;
  let lastAt = journal.header.startedAt;
  let current: string | undefined;
  let rolledBack = false;
  for (const r of journal.records) {
    if (r.record === 'session') ended = undefined;
    if (r.record !== 'event') continue;
    const e = r.event;
    lastAt = Math.max(lastAt, e.at);
    if (e.type === 'item_started') current = e.key;
    if (e.type === 'run_ended') ended = { outcome: e.outcome, reason: e.reason, at: e.at };
    if (e.type === 'item_rolled_back') rolledBack = true;
  }
  const outcome: Outcome = rolledBack ? 'rolled back' : (ended?.outcome ?? 'stopped');
  return { outcome, reason: ended?.reason, endedAt: ended?.at, lastAt, at: current, rolledBack };
}
