// Building a run's items from a runbook, and reading what should happen next.
// Pure: the session (src/run/) asks `nextMove` and carries it out.
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { frontier, itemAt } from './reducer.js';
import type { ItemState, Phase, RunKind, RunState } from './state.js';

function item(kind: ItemState['kind'], id: string, title: string, skippable: boolean): ItemState {
  return { key: `${kind}:${id}`, kind, id, title, status: 'pending', attempts: 0, verdicts: [], output: [], outputDropped: 0, skippable };
}

function checklistId(entry: Runbook['checklist'][number], i: number): string {
  return typeof entry === 'string' || !entry.id ? `item-${i + 1}` : entry.id;
}

export function checklistTitle(entry: Runbook['checklist'][number]): string {
  return typeof entry === 'string' ? entry : entry.title;
}

/** The steps a run of this kind walks through. */
export function stepsFor(rb: Runbook, kind: RunKind, procedureId?: string): readonly Step[] {
  if (kind === 'procedure') {
    const proc = rb.procedures.find((p) => p.id === procedureId);
    if (!proc) throw new Error(`no procedure "${procedureId}" in ${rb.id}: expected one of ${rb.procedures.map((p) => p.id).join(', ') || '(none defined)'}`);
    return proc.steps;
  }
  return rb.steps;
}

export function createRun(rb: Runbook, options: { kind?: RunKind; procedureId?: string; steps?: readonly Step[]; at: number }): RunState {
  const kind = options.kind ?? 'runbook';
  const steps = options.steps ?? stepsFor(rb, kind, options.procedureId);
  // Prerequisites guard a runbook run and a procedure alike; the checklist closes a full run only.
  const prerequisites = kind === 'rollback' ? [] : rb.prerequisites.map((c, i) => item('prerequisite', c.id ?? `check-${i + 1}`, c.title, false));
  const checklist = kind === 'runbook' ? rb.checklist.map((c, i) => item('checklist', checklistId(c, i), checklistTitle(c), false)) : [];
  return {
    runbookId: rb.id,
    kind,
    procedureId: options.procedureId,
    inputs: null,
    target: null,
    items: [...prerequisites, ...steps.map((s) => item('step', s.id, s.title, s.skippable)), ...checklist],
    ended: null,
    startedAt: options.at,
    decisions: [],
  };
}

export type Move =
  | { type: 'ask_inputs' }
  | { type: 'pin_target' }
  | { type: 'run'; key: string }
  | { type: 'blocked'; key: string }
  | { type: 'finish' }
  | { type: 'ended' };

/** What the run needs next. A failed or interrupted item blocks everything after it. */
export function nextMove(state: RunState): Move {
  if (state.ended) return { type: 'ended' };
  if (!state.inputs) return { type: 'ask_inputs' };
  if (!state.target) return { type: 'pin_target' };
  const i = frontier(state);
  if (i < 0) return { type: 'finish' };
  const current = state.items[i];
  if (current.status === 'pending') return { type: 'run', key: current.key };
  if (current.status === 'running') return { type: 'run', key: current.key };
  return { type: 'blocked', key: current.key };
}

export function phaseOf(state: RunState): Phase {
  if (!state.inputs) return 'inputs';
  if (!state.target) return 'target';
  const i = frontier(state);
  if (i < 0) return 'done';
  const kind = state.items[i].kind;
  return kind === 'prerequisite' ? 'prerequisites' : kind === 'step' ? 'steps' : 'checklist';
}

/** "step 3 of 7" — counting steps only, as the operator thinks of them. */
export function progress(state: RunState): { current: number; total: number } {
  const steps = state.items.filter((it) => it.kind === 'step');
  const i = frontier(state);
  const currentKey = i >= 0 ? state.items[i].key : undefined;
  const at = steps.findIndex((s) => s.key === currentKey);
  return { current: at >= 0 ? at + 1 : steps.filter((s) => s.status === 'passed' || s.status === 'skipped').length, total: steps.length };
}

export function findItem(state: RunState, key: string): ItemState | undefined {
  return itemAt(state, key);
}

/**
 * Whether a step did anything its rollback could undo. A step refused at its
 * confirmation, or stopped before it ran (an input error: nothing was sent),
 * ran nothing; one never started has nothing either.
 */
export function ranSomething(item: Pick<ItemState, 'status' | 'error'>): boolean {
  if (item.error?.kind === 'input') return false;
  return ['passed', 'failed', 'interrupted', 'running'].includes(item.status);
}
