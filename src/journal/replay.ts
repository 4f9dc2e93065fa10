// A journal back into a RunState: the items from its header, then its events
// through the engine's own reducer. A "resumed" line re-opens a run that had
// ended (stopped on a failure, or aborted), as it did when it was resumed.
import { createRun, stepsFor } from '../engine/plan.js';
import { reduce } from '../engine/reducer.js';
import type { RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import type { HeaderItem, Journal, JournalHeader } from './journal.js';
import { rollbackSteps } from './rollback-plan.js';

/** The steps this journal's run walked: the runbook's, a procedure's, or a rollback plan's. */
export function journalSteps(rb: Runbook, header: JournalHeader): readonly Step[] {
  if (header.kind === 'rollback') return rollbackSteps(rb, header.plan ?? [], header.procedureId ? 'procedure' : 'runbook', header.procedureId);
  return stepsFor(rb, header.kind, header.procedureId);
}

/** The header's list of items for a run about to start. */
export function headerItems(state: RunState, steps: readonly Step[]): HeaderItem[] {
  return state.items.map(({ key, kind, id, title, skippable }) => {
    const shell = kind === 'step' ? steps.find((s) => s.id === id)?.shell : undefined;
    return { key, kind, id, title, skippable, ...(shell !== undefined ? { shell } : {}) };
  });
}

/**
 * The run's state, from the journal alone. `lenient` (a damaged journal, for
 * rollback): an event that cannot be replayed (one before it was lost) is
 * skipped and its seq added to `skipped`, instead of failing.
 */
export function replayJournal(journal: Journal, lenient?: { skipped: number[] }): RunState {
  const { header } = journal;
  let state: RunState = {
    runbookId: header.runbook.id,
    kind: header.kind,
    procedureId: header.procedureId,
    inputs: null,
    target: null,
    items: header.items.map(({ key, kind, id, title, skippable }) => ({ key, kind, id, title, skippable, status: 'pending', attempts: 0, verdicts: [], output: [], outputDropped: 0 })),
    ended: null,
    startedAt: header.startedAt,
    decisions: [],
  };
  for (const record of journal.records) {
    if (record.record === 'session' && record.action === 'resumed') state = { ...state, ended: null };
    else if (record.record === 'event') {
      try {
        state = reduce(state, record.event);
      } catch (err) {
        if (lenient) {
          lenient.skipped.push(record.seq);
          continue;
        }
        throw new Error(`${journal.path}: event ${record.seq} (${record.event.type}) cannot be replayed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return state;
}

/** The run's state, checked against the runbook as it is now (to continue it). */
export function replay(rb: Runbook, journal: Journal): RunState {
  const { header } = journal;
  if (rb.id !== header.runbook.id) throw new Error(`${rb.file} is runbook "${rb.id}", but run ${header.runId} ran "${header.runbook.id}"`);
  const now = createRun(rb, { kind: header.kind, procedureId: header.procedureId, steps: journalSteps(rb, header), at: 0 }).items.map((i) => i.key);
  const then = header.items.map((i) => i.key);
  if (now.join('\n') !== then.join('\n')) {
    const gone = then.filter((k) => !now.includes(k));
    const added = now.filter((k) => !then.includes(k));
    throw new Error(
      `${rb.file} changed since run ${header.runId}: its items differ${gone.length ? ` (gone: ${gone.join(', ')})` : ''}${added.length ? ` (new: ${added.join(', ')})` : ''}${!gone.length && !added.length ? ' (reordered)' : ''}`,
    );
  }
  return replayJournal(journal);
}

export type Outcome = 'succeeded' | 'failed' | 'aborted' | 'stopped' | 'rolled back';

/**
 * How a run stands, from its journal alone: its outcome, or "stopped" when it
 * never ended (killed, or still going), and the item it was at.
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
