// The pure state machine of a run: (state, event) → state. It enforces the
// gating rule — an item can start only when every earlier item has passed or
// was skipped with a reason — and refuses every other transition loudly.
import type { ExecEvent } from '../exec/types.js';
import type { RunEvent } from './events.js';
import { LOCK_RECORDS_KEPT, OUTPUT_LINES_KEPT, ROWS_KEPT_PER_RESULT, type ItemLocks, type ItemState, type OutputLine, type RunState } from './state.js';

export class IllegalTransition extends Error {}

const DONE: ReadonlySet<string> = new Set(['passed', 'skipped']);

export function isDone(item: ItemState): boolean {
  return DONE.has(item.status);
}

/** Index of the first item that is not done, or -1 when all are. */
export function frontier(state: RunState): number {
  const items = state.items;
  let at = frontiers.get(items);
  if (at === undefined) {
    at = firstNotDone(items, 0);
    frontiers.set(items, at);
  }
  return at;
}

function firstNotDone(items: readonly ItemState[], from: number): number {
  for (let i = from; i < items.length; i++) if (!isDone(items[i])) return i;
  return -1;
}

/**
 * The frontier of an items array, known without a scan: an update that
 * changes item i (see update) moves it only by what item i became, so the
 * copy's frontier follows from its original's (the run loop asks for it
 * several times per step).
 */
const frontiers = new WeakMap<readonly ItemState[], number>();

function frontierAfter(was: number, items: readonly ItemState[], i: number): number {
  const done = isDone(items[i]);
  if (was === -1) return done ? -1 : i;
  if (i < was) return done ? was : i;
  if (i === was) return done ? firstNotDone(items, i + 1) : was;
  return was;
}

/**
 * Where each key stands in a run's items. A run's items keep their keys and
 * their order from start to end, and every event copies the array (update):
 * the copy shares the map of the array it was copied from, instead of every
 * event scanning every item (a 500-step run did so ~10 times per step).
 */
const positions = new WeakMap<readonly ItemState[], ReadonlyMap<string, number>>();

function positionsOf(items: readonly ItemState[]): ReadonlyMap<string, number> {
  let map = positions.get(items);
  if (!map) {
    const built = new Map<string, number>();
    // The first of equal keys, as a scan would find it.
    for (let i = items.length - 1; i >= 0; i--) built.set(items[i].key, i);
    map = built;
    positions.set(items, map);
  }
  return map;
}

/** The item with this key, or undefined. */
export function itemAt(state: RunState, key: string): ItemState | undefined {
  const i = positionsOf(state.items).get(key);
  return i === undefined ? undefined : state.items[i];
}

function indexOf(state: RunState, key: string): number {
  const i = positionsOf(state.items).get(key);
  if (i === undefined) throw new IllegalTransition(`no item "${key}" in this run`);
  return i;
}

function update(state: RunState, key: string, change: (item: ItemState) => ItemState): RunState {
  const i = indexOf(state, key);
  const items = state.items.slice();
  items[i] = change(items[i]);
  // change() keeps the item's key (every transition spreads the item it is given).
  if (items[i].key === key) positions.set(items, positionsOf(state.items));
  const was = frontiers.get(state.items);
  if (was !== undefined) frontiers.set(items, frontierAfter(was, items, i));
  return { ...state, items };
}

function requireStatus(item: ItemState, allowed: ItemState['status'][], what: string): void {
  if (!allowed.includes(item.status)) throw new IllegalTransition(`cannot ${what} "${item.key}": it is ${item.status}`);
}

export function reduce(state: RunState, event: RunEvent): RunState {
  if (state.ended && event.type !== 'item_rolled_back') throw new IllegalTransition(`the run has ended (${state.ended.outcome}); no more events`);
  switch (event.type) {
    case 'inputs_set':
      if (state.target) throw new IllegalTransition('inputs are fixed once the target is pinned');
      return { ...state, inputs: { ...event.inputs } };
    case 'target_pinned':
      if (!state.inputs) throw new IllegalTransition('inputs come before the target');
      return { ...state, target: event.target };
    case 'item_started': {
      if (!state.inputs || !state.target) throw new IllegalTransition('inputs and target come before any item');
      const i = indexOf(state, event.key);
      if (frontier(state) !== i) throw new IllegalTransition(`"${event.key}" is not reachable: an earlier item has not passed or been skipped`);
      return update(state, event.key, (item) => {
        requireStatus(item, ['pending'], 'start');
        return { ...item, status: 'running', attempts: item.attempts + 1, startedAt: event.at, verdicts: [], error: undefined, unknown: undefined, ...(event.findings?.length ? { findings: event.findings } : {}) };
      });
    }
    case 'item_output': {
      // One line per event, and only the newest OUTPUT_LINES_KEPT can stay: older ones are counted, not built.
      const from = Math.max(0, event.events.length - OUTPUT_LINES_KEPT);
      const next = appendItemOutput(state, event.key, event.events.slice(from).map(outputLine), from);
      const locked = event.events.some(isLockEvent) ? update(next, event.key, (item) => ({ ...item, locks: reduceLocks(item.locks, event.events) })) : next;
      return event.events.some(isProgress) ? update(locked, event.key, (item) => trackProgress(item, event.events)) : locked;
    }
    case 'item_finished':
      return update(state, event.key, (item) => {
        requireStatus(item, ['running'], 'finish');
        const ok = !event.error && event.verdicts.every((v) => v.ok);
        const locks = item.locks?.queue ? { ...item.locks, queue: null } : item.locks;
        // A statement the server answered with an error (or a timeout) did not commit; only a lost connection leaves it unknown.
        const answered = event.error?.kind === 'sql' || event.error?.kind === 'timeout' || event.error?.kind === 'cancelled';
        const progress = item.progress?.inFlight && answered ? { total: item.progress.total, committed: item.progress.committed } : item.progress;
        return { ...item, status: ok ? 'passed' : 'failed', verdicts: event.verdicts, error: event.error, durationMs: event.durationMs, ...(locks ? { locks } : {}), ...(progress ? { progress } : {}) };
      });
    case 'item_interrupted':
      return update(state, event.key, (item) => {
        requireStatus(item, ['running'], 'interrupt');
        // Cancelled by the operator: the server answered, so the statement did not commit. Unknown: it stays in flight.
        const progress = item.progress?.inFlight && !event.unknown ? { total: item.progress.total, committed: item.progress.committed } : item.progress;
        return { ...item, status: 'interrupted', error: { kind: 'cancelled', message: event.reason }, ...(event.unknown ? { unknown: true } : {}), ...(progress ? { progress } : {}) };
      });
    case 'item_confirmed':
      return record(
        update(state, event.key, (item) => {
          requireStatus(item, ['running', 'pending'], 'confirm');
          return { ...item, status: 'passed' };
        }),
        { type: 'confirmed', key: event.key, text: event.text, at: event.at, ...(event.auto ? { auto: event.auto } : {}) },
      );
    case 'danger_confirmed':
      indexOf(state, event.key);
      return record(state, { type: 'danger_confirmed', key: event.key, database: event.database, at: event.at, ...(event.auto ? { auto: event.auto } : {}) });
    case 'item_skipped': {
      const i = indexOf(state, event.key);
      if (frontier(state) !== i) throw new IllegalTransition(`cannot skip "${event.key}": it is not the current item`);
      if (!event.reason.trim()) throw new IllegalTransition('a skip needs a reason');
      return record(
        update(state, event.key, (item) => {
          if (!item.skippable) throw new IllegalTransition(`"${event.key}" may not be skipped: the runbook does not allow it`);
          requireStatus(item, ['pending', 'failed', 'interrupted'], 'skip');
          return { ...item, status: 'skipped', skipReason: event.reason };
        }),
        { type: 'skipped', key: event.key, reason: event.reason, at: event.at },
      );
    }
    case 'item_retry':
      return record(
        update(state, event.key, (item) => {
          requireStatus(item, ['failed', 'interrupted'], 'retry');
          return { ...item, status: 'pending' };
        }),
        { type: 'retried', key: event.key, at: event.at },
      );
    case 'item_rolled_back':
      return update(state, event.key, (item) => {
        requireStatus(item, ['passed', 'failed', 'interrupted'], 'mark rolled back');
        return { ...item, status: 'rolled_back' };
      });
    case 'approval_requested':
      return update(state, event.key, (item) => {
        requireStatus(item, ['pending', 'failed', 'interrupted'], 'ask approval for');
        // Asked again after a resume: an approval already given stands.
        return item.approval?.at !== undefined ? item : { ...item, approval: { reason: event.reason, requestedAt: event.at } };
      });
    case 'approval_given':
      return record(
        update(state, event.key, (item) => {
          if (!item.approval) throw new IllegalTransition(`"${event.key}" was given an approval it did not ask for`);
          return { ...item, approval: { ...item.approval, by: event.by, role: event.role, at: event.at } };
        }),
        { type: 'approved', key: event.key, by: event.by, role: event.role, at: event.at },
      );
    case 'fix_finished':
      indexOf(state, event.key);
      return record(state, { type: 'fix_run', key: event.key, entryId: event.entryId, ok: event.ok, at: event.at });
    case 'run_ended':
      if (event.outcome === 'succeeded' && frontier(state) !== -1) throw new IllegalTransition('the run cannot succeed while items remain');
      return { ...state, ended: { outcome: event.outcome, reason: event.reason, at: event.at, ...(event.cause ? { cause: event.cause } : {}) } };
  }
}

/** Whose output is recorded: a running item's, and a blocked one's (the output of a troubleshooting fix run for it). */
const SHOWS_OUTPUT: ItemState['status'][] = ['running', 'failed', 'interrupted'];

/** Appends lines to an item's output; `skipped` lines came before them and are only counted as dropped. */
function appendItemOutput(state: RunState, key: string, lines: OutputLine[], skipped: number): RunState {
  return update(state, key, (item) => {
    requireStatus(item, SHOWS_OUTPUT, 'record output of');
    const appended = appendOutput(item, lines);
    // Lines were skipped only when `lines` alone fill what is kept, so the kept output is already right.
    return skipped > 0 ? { ...appended, outputDropped: appended.outputDropped + skipped } : appended;
  });
}

/** Throws IllegalTransition where reduce() would for output of this item, without building a new state. */
export function checkOutput(state: RunState, key: string): void {
  if (state.ended) throw new IllegalTransition(`the run has ended (${state.ended.outcome}); no more events`);
  requireStatus(state.items[indexOf(state, key)], SHOWS_OUTPUT, 'record output of');
}

function record(state: RunState, decision: RunState['decisions'][number]): RunState {
  return { ...state, decisions: [...state.decisions, decision] };
}

/** A step's own statements say whether they commit (`commits`); a check's or a fix's do not, and are not tracked. */
const isProgress = (e: ExecEvent) => e.type === 'statement_started' || e.type === 'statement_finished' || e.type === 'commit_started' || e.type === 'committed' || e.type === 'resolved';

/** What the statements of a burst tell about which committed (see StatementProgress). */
function trackProgress(item: ItemState, events: readonly ExecEvent[]): ItemState {
  let p = item.progress ?? { total: 0, committed: 0 };
  for (const e of events) {
    if (e.type === 'statement_started') {
      if (e.commits === undefined) {
        // A check's statements (never tracked), or a step's in a journal from before commits were recorded.
        if (item.kind === 'step' && (p.total === 0 || p.legacy) && !(p.legacy && p.legacy.finished >= p.total)) {
          const started = e.index === 0 ? 1 : Math.max(p.legacy?.started ?? 0, e.index + 1);
          p = { total: e.total, committed: 0, legacy: { started, finished: e.index === 0 ? 0 : (p.legacy?.finished ?? 0) } };
        }
        continue;
      }
      p = { total: e.total, committed: Math.min(p.committed, e.total), ...(e.commits ? { inFlight: { index: e.index, commit: false } } : {}) };
    } else if (e.type === 'commit_started') p = { ...p, inFlight: { index: e.through, commit: true } };
    else if (e.type === 'committed') p = { total: e.total, committed: Math.max(p.committed, e.through + 1) };
    else if (e.type === 'resolved') p = { total: p.total, committed: e.applied ? Math.max(p.committed, e.index + 1) : p.committed };
    else if (e.type === 'statement_finished' && p.legacy && e.index + 1 > p.legacy.finished && p.legacy.finished < p.total) p = { ...p, legacy: { ...p.legacy, finished: e.index + 1 } };
    else if (e.type === 'statement_finished' && p.inFlight && !p.inFlight.commit && p.inFlight.index === e.index) {
      // An autocommit statement that completed committed; the executor says so in the same burst (committed).
      p = { total: p.total, committed: Math.max(p.committed, e.index + 1) };
    }
  }
  return { ...item, progress: p };
}

/** An executor event as the state keeps it: as reported (src/present words it when shown), a result set's rows capped. */
export function outputLine(e: ExecEvent): OutputLine {
  if (e.type !== 'rows' || e.rows.length <= ROWS_KEPT_PER_RESULT) return e;
  return { ...e, rows: e.rows.slice(0, ROWS_KEPT_PER_RESULT), truncated: true };
}

type LockEvent = Extract<ExecEvent, { type: 'lock_queue' | 'lock_attempt' | 'lock_trace' }>;

function isLockEvent(e: ExecEvent): e is LockEvent {
  return e.type === 'lock_queue' || e.type === 'lock_attempt' || e.type === 'lock_trace';
}

/** The lock guard's structured record of an item, from its events (the words are src/present's). */
function reduceLocks(locks: ItemLocks | undefined, events: ExecEvent[]): ItemLocks {
  let next: ItemLocks = locks ?? { queue: null, attempts: [], traces: [] };
  for (const e of events) {
    if (e.type === 'lock_queue') {
      const s = e.sample;
      next = { ...next, queue: !s.waitingFor && s.count === 0 && s.blockers.length === 0 ? null : { index: e.index, sample: s } };
    } else if (e.type === 'lock_attempt') next = { ...next, queue: null, attempts: [...next.attempts, e.attempt].slice(-LOCK_RECORDS_KEPT) };
    else if (e.type === 'lock_trace') next = { ...next, traces: [...next.traces, e.trace].slice(-LOCK_RECORDS_KEPT) };
  }
  return next;
}

function appendOutput(item: ItemState, lines: OutputLine[]): ItemState {
  const output = item.output.concat(lines);
  const excess = output.length - OUTPUT_LINES_KEPT;
  return excess > 0 ? { ...item, output: output.slice(excess), outputDropped: item.outputDropped + excess } : { ...item, output };
}
