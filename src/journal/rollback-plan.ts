// Undoing a run: the steps that actually completed, newest first, each run
// through its `rollback:` section. A step without one becomes a manual
// confirmation, so the operator is told rather than the gap passed over.
import { ranSomething, stepsFor } from '../engine/plan.js';
import { changesData } from '../run/danger.js';
import { firstStatements } from '../present/output.js';
import type { RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import { step as stepSchema, type Action, type Step } from '../runbook/schema.js';

export interface PlannedUndo {
  /** The original step's id (the rollback step keeps it). */
  id: string;
  title: string;
  /** What undoing it runs, in one line: the SQL or command, or why it is manual. */
  undo: string;
}

/**
 * Whether undoing a run must deal with this step: it says how to undo it, or
 * cannot be undone, or changes data or schema. Read-only steps (queries,
 * checks, confirmations) have nothing to undo and stay out of the plan.
 */
export function needsUndo(rb: Runbook, step: Step): boolean {
  if (step.rollback !== undefined || step.irreversible) return true;
  if (step.confirm !== undefined) return false;
  return changesData(rb, step);
}

/** The original step ids to undo, newest first: steps that passed (not skipped, not yet rolled back) and changed something. */
export function completedSteps(state: RunState, rb: Runbook, kind: 'runbook' | 'procedure' | 'rollback' = 'runbook', procedureId?: string): string[] {
  const steps = kind === 'rollback' ? [] : stepsFor(rb, kind, procedureId);
  return state.items
    .filter((it) => it.kind === 'step' && it.status === 'passed')
    .filter((it) => {
      const step = steps.find((s) => s.id === it.id);
      return step === undefined || needsUndo(rb, step);
    })
    .map((it) => it.id)
    .reverse();
}

/**
 * Steps that may be partly applied (failed, interrupted, in flight, and ran something): not undone automatically, but
 * named, with what the journal knows of their statements — from an older runbook's journal, that commits were not recorded.
 */
export function partlyApplied(state: RunState): { title: string; known?: string }[] {
  return state.items
    .filter((it) => it.kind === 'step' && ['failed', 'interrupted', 'running'].includes(it.status) && ranSomething(it))
    .map((it) => {
      const p = it.progress;
      if (!p || p.total === 0) return { title: it.title };
      if (p.legacy) {
        const finished = p.legacy.finished > 0 ? firstStatements(p.legacy.finished, p.total) : 'none';
        return { title: it.title, known: `its journal, from an older runbook, does not record commits: ${firstStatements(Math.max(p.legacy.started, 1), p.total)} started, ${finished} finished; which committed is not known` };
      }
      const committed = p.committed > 0 ? `${firstStatements(p.committed, p.total)} committed` : `none of its ${p.total} statements committed`;
      return { title: it.title, known: `${committed}${p.inFlight ? `; whether ${p.inFlight.commit ? 'its COMMIT' : `statement ${p.inFlight.index + 1}`} took effect is not known` : ''}` };
    });
}

export function describeUndo(step: Step): string {
  const r = step.rollback;
  if (step.irreversible) return 'IRREVERSIBLE: cannot be undone; confirm you accept it';
  if (!r) return 'no rollback section: undo it by hand, then confirm';
  const what = r.sql ?? (r.sql_file ? `sql_file ${r.sql_file}` : r.shell ? `$ ${r.shell}` : r.confirm ? `confirm: ${r.confirm}` : '(nothing)');
  return what.replace(/\s+/g, ' ').trim();
}

/** The rollback run's steps for these original step ids (in the order given). */
export function rollbackSteps(rb: Runbook, ids: readonly string[], kind: 'runbook' | 'procedure' = 'runbook', procedureId?: string): Step[] {
  const original = stepsFor(rb, kind, procedureId);
  return ids.map((id) => {
    const step = original.find((s) => s.id === id);
    if (!step) throw new Error(`step "${id}" is not in ${rb.file} any more: the rollback plan cannot be built`);
    return undoStep(step);
  });
}

function undoStep(step: Step): Step {
  const base = { id: step.id, title: `Undo: ${step.title}`, explain: step.rollback ? `Undoes step "${step.title}".` : undefined };
  const r: Action | undefined = step.irreversible ? undefined : step.rollback;
  if (!r || (r.sql === undefined && r.sql_file === undefined && r.shell === undefined && r.confirm === undefined)) {
    const why = step.irreversible ? 'is marked irreversible' : 'has no rollback section';
    return stepSchema.parse({ ...base, confirm: `Step "${step.title}" ${why}: I have undone it by hand, or accept that it stays` });
  }
  return stepSchema.parse({
    ...base,
    sql: r.sql,
    sql_file: r.sql_file,
    shell: r.shell,
    confirm: r.confirm,
    connection: r.connection,
    transaction: r.transaction,
    timeout: r.timeout,
    // The undo runs under the step's lock guard: its own lock_timeout, else the step's; the step's retries and queue limits.
    lock_timeout: r.lock_timeout ?? step.lock_timeout,
    lock_retries: step.lock_retries,
    max_queue: step.max_queue,
    max_queue_wait: step.max_queue_wait,
    env: r.env,
    cwd: r.cwd ?? step.cwd,
    troubleshoot: step.troubleshoot,
  });
}

/** The plan for these original step ids (in the order given), in words. */
export function describePlan(rb: Runbook, ids: readonly string[], kind: 'runbook' | 'procedure' = 'runbook', procedureId?: string): PlannedUndo[] {
  const original = stepsFor(rb, kind, procedureId);
  return ids.map((id) => original.find((s) => s.id === id)).filter((s): s is Step => s !== undefined).map((s) => ({ id: s.id, title: s.title, undo: describeUndo(s) }));
}

/** What undoing a run of these steps would run, if they all completed: the forecast shown before the first change. */
export function forecast(rb: Runbook, steps: readonly Step[]): PlannedUndo[] {
  return [...steps].filter((s) => needsUndo(rb, s)).reverse().map((s) => ({ id: s.id, title: s.title, undo: describeUndo(s) }));
}

export function planLines(plan: readonly PlannedUndo[]): string[] {
  return plan.map((p, i) => `  ${i + 1}. ${p.title} [${p.id}] — ${p.undo.length > 140 ? `${p.undo.slice(0, 139)}…` : p.undo}`);
}
