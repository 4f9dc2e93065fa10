// The screen's state and the one pure function that changes it.
//
// `UiState` holds the engine's RunState (as the session last reported it) plus
// what only the screen cares about: which item is shown, scroll positions, the
// help overlay, and the question the session is waiting on (`prompt`).
// `update(state, intent)` returns the next state and the effects the
// controller must carry out (answer a question, cancel the running statement,
// leave). Nothing here does I/O or reads a clock.
import type { Verdict } from '../checks/verdict.js';
import type { RunEvent } from '../engine/events.js';
import { createRun, stepsFor } from '../engine/plan.js';
import { frontier } from '../engine/reducer.js';
import type { ItemState, RunKind, RunState } from '../engine/state.js';
import type { MonitorSample } from '../exec/postgres/monitor.js';
import type { BlockedChoice } from '../run/operator.js';
import { coerceInput } from '../run/inputs.js';
import type { Runbook } from '../runbook/load.js';
import type { Input, Step, TroubleshootingEntry } from '../runbook/schema.js';
import type { Tone } from './line.js';
import { clean, truncate } from './text.js';
import { detailGeometry } from './views/geometry.js';

export interface InputField {
  name: string;
  spec: Input;
  value: string;
  /** Why the value is not acceptable yet; null when it is. */
  problem: string | null;
}

export type BlockedMode = 'menu' | 'skip' | 'troubleshoot' | 'rollback';

export type PromptBody =
  | { kind: 'inputs'; fields: InputField[]; focus: number; problems: string[] }
  | { kind: 'confirm'; key: string; text: string }
  | { kind: 'danger'; key: string; reasons: string[]; database: string; typed: string; mismatch: boolean }
  | { kind: 'blocked'; key: string; verdicts: Verdict[]; entries: readonly TroubleshootingEntry[]; mode: BlockedMode; reason: string; highlighted: number }
  | { kind: 'fix'; key: string | null; entry: TroubleshootingEntry }
  /** Stepping through (--step): the step is on screen; Enter runs it. */
  | { kind: 'next'; key: string };

export type Prompt = PromptBody & { id: number };

/** What each kind of question is answered with. */
export interface Answers {
  inputs: Record<string, string> | null;
  confirm: boolean;
  danger: boolean;
  blocked: BlockedChoice;
  fix: boolean;
  next: 'run' | 'all' | 'quit';
}

export interface RunningStatement {
  index: number;
  total: number;
  line: number;
  text: string;
  startedAt: number;
}

/** A result set as the screen keeps it: the first rows only, and the exact total. */
export interface TableView {
  /** Absolute index of the "N rows" output line this table belongs to. */
  line: number;
  columns: string[];
  rows: string[][];
  total: number;
}

export const TABLE_ROWS_SHOWN = 10;
const TABLES_KEPT = 5;
const CELL_CHARS = 60;
/** After this long, a second Ctrl-C while a cancel is still pending leaves at once. */
export const FORCE_EXIT_AFTER_MS = 3000;

export interface UiState {
  runbook: Runbook;
  /** The steps this run walks (a procedure's, or a rollback plan's). */
  steps: readonly Step[];
  run: RunState;
  /** The target as given (password hidden), shown until the session pins it. */
  targetHint: string;
  now: number;
  size: { columns: number; rows: number };
  /** The item the operator chose to look at; null follows the current one. */
  selected: string | null;
  /** First line of the step view's scrolled part; null follows (top, or the tail once there is output). */
  detailTop: number | null;
  help: boolean;
  /** The undo plan overlay (p): what rolling this run back would run. */
  showPlan: boolean;
  /** What undoing this run would run, newest first, when the run's record knows it. */
  plan: ReadonlyArray<{ id: string; title: string; undo: string }>;
  /** Where the run is recorded ("run … · journal …"), for the help and plan views. */
  recordNote: string;
  prompt: Prompt | null;
  flash: { text: string; tone: Tone; at: number } | null;
  statements: Record<string, RunningStatement>;
  tables: Record<string, TableView[]>;
  monitor: { key: string; sample: MonitorSample } | null;
  monitorNote: string | null;
  /** Since when a cancel has been on its way (Ctrl-C), or null. */
  cancelling: number | null;
  /** The operator asked to quit: the run stops at the next boundary and the screen closes. */
  quitting: boolean;
  /** The session is over; the screen waits for the operator to leave. */
  finished: boolean;
  /** Set when the screen should close. */
  exit: boolean;
}

export type Intent =
  // from the session and the clock
  | { type: 'run'; state: RunState; event: RunEvent }
  /** The session exists now (maybe resumed from a journal): its state replaces the preview. */
  | { type: 'attach'; state: RunState }
  | { type: 'prompt'; prompt: Prompt }
  | { type: 'finished'; state: RunState }
  | { type: 'monitor'; key: string; sample: MonitorSample | null; note?: string }
  | { type: 'tick'; now: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'flash'; text: string; tone?: Tone }
  // from keys
  | { type: 'select'; delta: number }
  | { type: 'select_edge'; edge: 'first' | 'last' }
  | { type: 'follow' }
  | { type: 'scroll'; by: number | 'page_up' | 'page_down' | 'top' | 'bottom' }
  | { type: 'help'; open?: boolean }
  | { type: 'plan'; open?: boolean }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'clear_field' }
  | { type: 'field'; delta: number }
  | { type: 'submit' }
  | { type: 'cancel' }
  | { type: 'yes' }
  | { type: 'no' }
  | { type: 'retry' }
  | { type: 'troubleshoot' }
  | { type: 'rollback' }
  | { type: 'skip' }
  | { type: 'run_all' }
  | { type: 'highlight_fix'; index: number }
  | { type: 'choose_fix'; entryId: string }
  | { type: 'quit' }
  | { type: 'ctrl_c' };

export type Effect =
  | { type: 'answer'; id: number; value: Answers[keyof Answers] }
  /** Cancel the running statement on the server. */
  | { type: 'interrupt' }
  /** Ask the session to stop at the next boundary between items. */
  | { type: 'stop' }
  | { type: 'exit' }
  /** Leave now, even though a cancel has not come back. */
  | { type: 'force_exit' };

export interface Update {
  state: UiState;
  effects: Effect[];
}

export interface InitialOptions {
  runbook: Runbook;
  kind?: RunKind;
  procedureId?: string;
  steps?: readonly Step[];
  targetHint?: string;
  now: number;
  size?: { columns: number; rows: number };
  plan?: ReadonlyArray<{ id: string; title: string; undo: string }>;
  recordNote?: string;
}

export function initialState(o: InitialOptions): UiState {
  const kind = o.kind ?? 'runbook';
  const steps = o.steps ?? stepsFor(o.runbook, kind, o.procedureId);
  return {
    runbook: o.runbook,
    steps,
    run: createRun(o.runbook, { kind, procedureId: o.procedureId, steps, at: o.now }),
    targetHint: o.targetHint ?? '',
    now: o.now,
    size: o.size ?? { columns: 80, rows: 24 },
    selected: null,
    detailTop: null,
    help: false,
    showPlan: false,
    plan: o.plan ?? [],
    recordNote: o.recordNote ?? '',
    prompt: null,
    flash: null,
    statements: {},
    tables: {},
    monitor: null,
    monitorNote: null,
    cancelling: null,
    quitting: false,
    finished: false,
    exit: false,
  };
}

// ── reading the state ──────────────────────────────────────────────────────

export function runningItem(ui: UiState): ItemState | undefined {
  return ui.run.items.find((i) => i.status === 'running');
}

/** The item the run is at: the one a question is about, else the running one, else the frontier. */
export function currentKey(ui: UiState): string | null {
  const p = ui.prompt;
  if (p && p.kind !== 'inputs' && p.key) return p.key;
  const running = runningItem(ui);
  if (running) return running.key;
  const i = frontier(ui.run);
  if (i >= 0) return ui.run.items[i].key;
  return ui.run.items[ui.run.items.length - 1]?.key ?? null;
}

/** The item shown in the step view. */
export function viewedKey(ui: UiState): string | null {
  return ui.selected ?? currentKey(ui);
}

export function findItem(ui: UiState, key: string | null): ItemState | undefined {
  return key === null ? undefined : ui.run.items.find((i) => i.key === key);
}

export function stepOf(ui: UiState, item: ItemState | undefined): Step | undefined {
  return item?.kind === 'step' ? ui.steps.find((s) => s.id === item.id) : undefined;
}

/** Whether some action of ours is running (and Ctrl-C should cancel it). */
export function isBusy(ui: UiState): boolean {
  return !ui.prompt && !!runningItem(ui);
}

// ── changing it ────────────────────────────────────────────────────────────

const none = (state: UiState): Update => ({ state, effects: [] });

function flash(state: UiState, text: string, tone: Tone = 'warn'): UiState {
  return { ...state, flash: { text, tone, at: state.now } };
}

function answer<K extends keyof Answers>(state: UiState, id: number, value: Answers[K], extra: Partial<UiState> = {}, effects: Effect[] = []): Update {
  return { state: { ...state, prompt: null, ...extra }, effects: [{ type: 'answer', id, value }, ...effects] };
}

function withPrompt(state: UiState, prompt: Prompt): UiState {
  return { ...state, prompt };
}

export function update(state: UiState, intent: Intent): Update {
  switch (intent.type) {
    case 'run':
      return none(onRunEvent(state, intent.state, intent.event));
    case 'attach':
      return none({ ...state, run: intent.state, detailTop: null });
    case 'prompt': {
      const followed = state.selected === null;
      return none({ ...state, prompt: intent.prompt, help: false, showPlan: false, ...(followed ? { detailTop: null } : {}) });
    }
    case 'finished': {
      const next: UiState = { ...state, run: intent.state, finished: true, prompt: null, monitor: null, cancelling: null, statements: {} };
      return next.quitting ? { state: { ...next, exit: true }, effects: [{ type: 'exit' }] } : none(next);
    }
    case 'monitor':
      return none({ ...state, monitor: intent.sample ? { key: intent.key, sample: intent.sample } : null, ...(intent.note ? { monitorNote: intent.note } : {}) });
    case 'tick':
      return none({ ...state, now: intent.now, flash: state.flash && intent.now - state.flash.at > 8000 ? null : state.flash });
    case 'resize':
      return none({ ...state, size: { columns: Math.max(20, intent.columns), rows: Math.max(8, intent.rows) } });
    case 'flash':
      return none(flash(state, intent.text, intent.tone));
    case 'select': {
      const keys = state.run.items.map((i) => i.key);
      const at = keys.indexOf(viewedKey(state) ?? '');
      const next = keys[Math.min(keys.length - 1, Math.max(0, at + intent.delta))];
      return none({ ...state, selected: next === undefined ? null : next, detailTop: null });
    }
    case 'select_edge': {
      const items = state.run.items;
      const item = intent.edge === 'first' ? items[0] : items[items.length - 1];
      return none({ ...state, selected: item?.key ?? null, detailTop: null });
    }
    case 'follow':
      return none({ ...state, selected: null, detailTop: null });
    case 'scroll':
      return none(scroll(state, intent.by));
    case 'help':
      return none({ ...state, help: intent.open ?? !state.help, showPlan: false });
    case 'plan':
      return none({ ...state, showPlan: intent.open ?? !state.showPlan, help: false });
    case 'ctrl_c':
      return ctrlC(state);
    case 'quit':
      return quit(state);
    default:
      return promptIntent(state, intent);
  }
}

function onRunEvent(state: UiState, run: RunState, event: RunEvent): UiState {
  // Events carry the session's clock; the screen's never lags behind it.
  let next: UiState = { ...state, run, now: Math.max(state.now, event.at) };
  const key = 'key' in event ? event.key : null;
  switch (event.type) {
    case 'item_output': {
      const item = run.items.find((i) => i.key === event.key);
      // The burst's lines are the item's last ones: the event at j is this many lines from the end.
      const lineAfter = item ? item.outputDropped + item.output.length : 0;
      event.events.forEach((e, j) => {
        if (e.type === 'statement_started') {
          next.statements = { ...next.statements, [event.key]: { index: e.index, total: e.total, line: e.line, text: e.text, startedAt: event.at } };
        } else if (e.type === 'statement_finished') {
          next.statements = omit(next.statements, event.key);
        } else if (e.type === 'rows' && item) {
          const table: TableView = {
            line: lineAfter - (event.events.length - j),
            columns: e.columns.map((c) => truncate(clean(c), CELL_CHARS)),
            rows: e.rows.slice(0, TABLE_ROWS_SHOWN).map((r) => r.map(cellText)),
            total: e.total,
          };
          next.tables = { ...next.tables, [event.key]: [...(next.tables[event.key] ?? []), table].slice(-TABLES_KEPT) };
        }
      });
      break;
    }
    case 'item_started':
      next.statements = omit(state.statements, event.key);
      break;
    case 'item_finished':
    case 'item_interrupted':
    case 'item_confirmed':
    case 'item_skipped':
    case 'item_rolled_back':
    case 'fix_finished':
      next.statements = omit(state.statements, event.key);
      if (state.monitor?.key === event.key) next.monitor = null;
      if (event.type === 'item_interrupted' || event.type === 'item_finished' || event.type === 'fix_finished') {
        if (state.cancelling !== null) next.flash = null;
        next.cancelling = null;
      }
      if (event.type === 'fix_finished') {
        next.flash = event.ok
          ? { text: `The fix “${event.entryId}” ran. Press r to retry the step.`, tone: 'ok', at: next.now }
          : { text: `The fix “${event.entryId}” failed — see the output. Retry, try another entry, or quit.`, tone: 'bad', at: next.now };
      }
      break;
    case 'run_ended':
      next = { ...next, monitor: null, cancelling: null, statements: {} };
      break;
    default:
      break;
  }
  // A followed view jumps to the new current item from its top (or tail).
  if (state.selected === null && key !== null && currentKey(state) !== currentKey(next)) next.detailTop = null;
  return next;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** A value as psql shows it, on one line, bounded. */
export function cellText(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = 'NULL';
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (value instanceof Uint8Array) text = `\\x${Buffer.from(value.subarray(0, 32)).toString('hex')}${value.length > 32 ? '…' : ''}`;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return truncate(clean(text.replace(/\n/g, '\\n')), CELL_CHARS);
}

function scroll(state: UiState, by: number | 'page_up' | 'page_down' | 'top' | 'bottom'): UiState {
  const g = detailGeometry(state);
  const max = Math.max(0, g.total - g.height);
  if (by === 'bottom') return { ...state, detailTop: null };
  if (by === 'top') return { ...state, detailTop: 0 };
  const page = Math.max(1, g.height - 1);
  const delta = by === 'page_up' ? -page : by === 'page_down' ? page : by;
  const top = Math.min(max, Math.max(0, g.top + delta));
  // Reaching the end while the view follows the tail resumes following.
  if (top >= max && g.followsTail) return { ...state, detailTop: null };
  return { ...state, detailTop: top };
}

function ctrlC(state: UiState): Update {
  if (state.finished) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
  if (state.prompt) return quit(state, true);
  if (runningItem(state)) {
    if (state.cancelling !== null && state.now - state.cancelling >= FORCE_EXIT_AFTER_MS) {
      return { state: { ...state, exit: true }, effects: [{ type: 'force_exit' }] };
    }
    const next = flash({ ...state, cancelling: state.cancelling ?? state.now }, 'Cancelling the running statement on the server…', 'warn');
    return { state: next, effects: [{ type: 'interrupt' }] };
  }
  return quit(state, true);
}

/** q (or Ctrl-C at a question): stop the run where it is, keeping its record so it can be resumed. */
function quit(state: UiState, force = false): Update {
  if (state.finished) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
  const p = state.prompt;
  const quitting = { quitting: true };
  const stop: Effect[] = [{ type: 'stop' }];
  if (!p) {
    if (runningItem(state) && !force) {
      return { state: flash({ ...state, ...quitting }, 'Will stop after the running step finishes. Ctrl-C cancels it now.', 'warn'), effects: stop };
    }
    return { state: flash({ ...state, ...quitting }, 'Stopping…', 'warn'), effects: stop };
  }
  // In a text field, q is a letter; only Ctrl-C (force) quits from there.
  const typing = p.kind === 'inputs' || p.kind === 'danger' || (p.kind === 'blocked' && p.mode === 'skip');
  if (typing && !force) return none(state);
  switch (p.kind) {
    case 'inputs':
      return answer<'inputs'>(state, p.id, null, quitting, stop);
    case 'confirm':
    case 'danger':
    case 'fix':
      return answer<'confirm'>(state, p.id, false, quitting, stop);
    case 'blocked':
      return answer<'blocked'>(state, p.id, { type: 'quit' }, quitting, stop);
    case 'next':
      return answer<'next'>(state, p.id, 'quit', quitting);
  }
}

function promptIntent(state: UiState, intent: Intent): Update {
  const p = state.prompt;
  if (!p) {
    if (state.finished && (intent.type === 'submit' || intent.type === 'cancel')) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
    if (intent.type === 'cancel' && (state.help || state.showPlan)) return none({ ...state, help: false, showPlan: false });
    return none(state);
  }
  switch (p.kind) {
    case 'inputs':
      return inputsIntent(state, p, intent);
    case 'confirm':
      if (intent.type === 'yes') return answer<'confirm'>(state, p.id, true);
      if (intent.type === 'no' || intent.type === 'cancel') return answer<'confirm'>(state, p.id, false);
      return none(state);
    case 'fix':
      if (intent.type === 'yes') return answer<'fix'>(state, p.id, true);
      if (intent.type === 'no' || intent.type === 'cancel') return answer<'fix'>(state, p.id, false);
      return none(state);
    case 'danger':
      return dangerIntent(state, p, intent);
    case 'blocked':
      return blockedIntent(state, p, intent);
    case 'next':
      if (intent.type === 'submit') return answer<'next'>(state, p.id, 'run');
      if (intent.type === 'run_all') return answer<'next'>(state, p.id, 'all');
      return none(state);
  }
}

function inputsIntent(state: UiState, p: Extract<Prompt, { kind: 'inputs' }>, intent: Intent): Update {
  const edit = (value: (v: string) => string): Update => {
    const fields = p.fields.map((f, i) => (i === p.focus ? validateField({ ...f, value: value(f.value) }) : f));
    return none(withPrompt(state, { ...p, fields }));
  };
  switch (intent.type) {
    case 'type':
      return edit((v) => typed(v, intent.text));
    case 'erase':
      return edit((v) => v.slice(0, -1));
    case 'clear_field':
      return edit(() => '');
    case 'field': {
      const n = p.fields.length;
      return none(withPrompt(state, { ...p, focus: n === 0 ? 0 : (p.focus + intent.delta + n) % n }));
    }
    case 'submit': {
      const fields = p.fields.map(validateField);
      const bad = fields.findIndex((f) => f.problem !== null);
      if (bad >= 0) return none(flash(withPrompt(state, { ...p, fields, focus: bad }), `Fix ${fields[bad].name} first: ${fields[bad].problem}`, 'bad'));
      // Enter on a field that is not the last moves on, so a form can be walked with Enter alone.
      if (p.focus < fields.length - 1) return none(withPrompt(state, { ...p, fields, focus: p.focus + 1 }));
      const values: Record<string, string> = {};
      for (const f of fields) if (f.value !== '') values[f.name] = f.value;
      return answer<'inputs'>(state, p.id, values);
    }
    case 'cancel':
      return answer<'inputs'>(state, p.id, null, { quitting: true }, [{ type: 'stop' }]);
    default:
      return none(state);
  }
}

/**
 * Text typed into a field. Keys can arrive together in one chunk ("\u007f5"
 * when Backspace and 5 are pressed quickly), so erase characters inside the
 * text still erase, and other control characters are dropped.
 */
export function typed(value: string, text: string): string {
  let out = value;
  for (const ch of text) {
    if (ch === '\u007f' || ch === '\b') out = out.slice(0, -1);
    else if (ch >= ' ' && ch !== '\u009b') out += ch;
  }
  return out;
}

/** Checks a field's value as typed, with the same rules the session applies. */
export function validateField(field: InputField): InputField {
  const { name, spec, value } = field;
  if (value === '') return { ...field, problem: spec.required ? `${name}: required` : null };
  const { problem } = coerceInput(name, spec, value);
  return { ...field, problem: problem ?? null };
}

export function makeFields(specs: Readonly<Record<string, Input>>, current: Readonly<Record<string, unknown>>): InputField[] {
  return Object.entries(specs).map(([name, spec]) => {
    const v = current[name] ?? spec.default;
    return validateField({ name, spec, value: v === undefined || v === null ? '' : String(v), problem: null });
  });
}

function dangerIntent(state: UiState, p: Extract<Prompt, { kind: 'danger' }>, intent: Intent): Update {
  switch (intent.type) {
    case 'type':
      return none(withPrompt(state, { ...p, typed: typed(p.typed, intent.text), mismatch: false }));
    case 'erase':
      return none(withPrompt(state, { ...p, typed: p.typed.slice(0, -1), mismatch: false }));
    case 'clear_field':
      return none(withPrompt(state, { ...p, typed: '', mismatch: false }));
    case 'submit':
      if (p.typed === p.database) return answer<'danger'>(state, p.id, true);
      return none(withPrompt(state, { ...p, mismatch: true }));
    case 'cancel':
      return answer<'danger'>(state, p.id, false);
    default:
      return none(state);
  }
}

function blockedIntent(state: UiState, p: Extract<Prompt, { kind: 'blocked' }>, intent: Intent): Update {
  const item = findItem(state, p.key);
  const step = stepOf(state, item);
  const mode = (m: BlockedMode, extra: Partial<typeof p> = {}) => none(withPrompt(state, { ...p, mode: m, ...extra }));
  if (p.mode === 'skip') {
    switch (intent.type) {
      case 'type':
        return mode('skip', { reason: typed(p.reason, intent.text.replace(/[\r\n]/g, ' ')) });
      case 'erase':
        return mode('skip', { reason: p.reason.slice(0, -1) });
      case 'clear_field':
        return mode('skip', { reason: '' });
      case 'submit':
        if (!p.reason.trim()) return none(flash(state, 'A skip needs a reason: type why this step is skipped (it goes into the run’s record).', 'bad'));
        return answer<'blocked'>(state, p.id, { type: 'skip', reason: p.reason.trim() });
      case 'cancel':
        return mode('menu', { reason: '' });
      default:
        return none(state);
    }
  }
  if (p.mode === 'rollback') {
    if (intent.type === 'yes') return answer<'blocked'>(state, p.id, { type: 'rollback' });
    if (intent.type === 'no' || intent.type === 'cancel') return mode('menu');
    return none(state);
  }
  if (p.mode === 'troubleshoot') {
    switch (intent.type) {
      case 'highlight_fix':
        return mode('troubleshoot', { highlighted: Math.max(0, Math.min(p.entries.length - 1, intent.index)) });
      case 'choose_fix': {
        const entry = p.entries.find((e) => e.id === intent.entryId);
        if (!entry) return none(state);
        if (!hasFixAction(entry)) return none(flash(state, `“${entry.title}” has no fix to run: it is advice. Read its cause, act, then press r to retry.`, 'warn'));
        return answer<'blocked'>(state, p.id, { type: 'fix', entryId: entry.id }, { detailTop: null });
      }
      case 'cancel':
        return mode('menu');
      default:
        return none(state);
    }
  }
  switch (intent.type) {
    case 'retry':
      return answer<'blocked'>(state, p.id, { type: 'retry' }, { detailTop: null });
    case 'troubleshoot':
      if (p.entries.length === 0) return none(flash(state, 'No troubleshooting entry of this runbook matches this failure.', 'warn'));
      return mode('troubleshoot', { highlighted: 0 });
    case 'skip':
      if (!item?.skippable) return none(flash(state, 'This step may not be skipped: the runbook does not allow it.', 'bad'));
      return mode('skip', { reason: '' });
    case 'rollback':
      if (!step?.rollback) return none(flash(state, 'This step has no rollback in the runbook. Retry, troubleshoot, or quit and resume later.', 'warn'));
      return mode('rollback');
    default:
      return none(state);
  }
}

export function hasFixAction(entry: TroubleshootingEntry): boolean {
  return !!entry.fix && (entry.fix.sql !== undefined || entry.fix.sql_file !== undefined || entry.fix.shell !== undefined);
}
