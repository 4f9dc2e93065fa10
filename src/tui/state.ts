// The screen's state, and the questions asked of it.
//
// `UiState` holds the engine's RunState (as the session last reported it) plus
// what only the screen cares about: which item is shown, scroll positions, the
// help overlay, and the question the session is waiting on (`prompt`). The
// functions here only read it; `update` (store.ts) changes it.
import type { Verdict } from '../checks/verdict.js';
import { createRun, stepsFor } from '../engine/plan.js';
import { frontier } from '../engine/reducer.js';
import type { ItemState, RunKind, RunState } from '../engine/state.js';
import type { MonitorSample } from '../exec/postgres/monitor.js';
import type { BlockedChoice } from '../run/operator.js';
import type { Runbook } from '../runbook/load.js';
import type { Step, TroubleshootingEntry } from '../runbook/schema.js';
import type { InputField } from './fields.js';
import type { Tone } from './line.js';

export type BlockedMode = 'menu' | 'skip' | 'troubleshoot' | 'rollback';

/** How far the run goes before the screen stops to show the next step. */
export type Pace = 'guided' | 'to_decision' | 'auto';

export type PromptBody =
  | { kind: 'inputs'; fields: InputField[]; focus: number; problems: string[] }
  | { kind: 'confirm'; key: string; text: string }
  /** `cursor`: where typing goes in `typed` (absent: at its end). */
  | { kind: 'danger'; key: string; reasons: string[]; database: string; typed: string; cursor?: number; mismatch: boolean; statements?: DangerStatement[] }
  | { kind: 'blocked'; key: string; verdicts: Verdict[]; entries: readonly TroubleshootingEntry[]; /** The first `matched` entries fit the failure; the rest are the step's other known problems. */ matched: number; mode: BlockedMode; reason: string; cursor?: number; highlighted: number }
  | { kind: 'fix'; key: string | null; entry: TroubleshootingEntry }
  /** The guided pace: the step is on screen; Enter runs it, a runs on to the next decision. `why`: what makes it one. */
  | { kind: 'next'; key: string; why?: string[] };

/** A statement that makes a step destructive: the confirmation names it. */
export interface DangerStatement {
  index: number;
  line: number;
  text: string;
  reason: string;
}

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

/** The step view's scroll geometry as the view measured it (views/geometry.ts). */
export interface DetailGeometry {
  /** Lines of the scrolled part. */
  total: number;
  /** How many of them fit. */
  height: number;
  /** The first one shown. */
  top: number;
  /** Whether, when followed, the view sticks to the end (there is output to follow). */
  followsTail: boolean;
}

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
  /** The flags that changed a decision in this run (--yes, --auto, …), for the header. */
  flags: readonly string[];
  /** The run is in a sandbox deleted when it ends (--sandbox, --sandbox-on): there is no "resume later". */
  sandbox?: boolean;
  /** How far the run goes before the screen stops again (Enter, a, --auto). */
  pace: Pace;
  prompt: Prompt | null;
  flash: { text: string; tone: Tone; at: number } | null;
  statements: Record<string, RunningStatement>;
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
  /**
   * Watching someone else's run (runbook watch): read-only. Nothing the keys
   * do acts on the run; q and Ctrl-C only leave, and the run goes on. The text
   * says whose run it is; `waiting` what the run waits for, when it does;
   * `leave` where q and Esc go (default: out of the watch).
   */
  observer?: { text: string; waiting?: string; leave?: string };
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
  flags?: readonly string[];
  sandbox?: boolean;
  pace?: Pace;
  observer?: { text: string; leave?: string };
}

/** What quitting keeps: "resume later", except in a sandbox, which is deleted when the run ends. */
export function quitLabel(ui: Pick<UiState, 'sandbox'>, verb = 'quit'): string {
  return ui.sandbox ? `${verb} (the sandbox is deleted)` : `${verb} (resume later)`;
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
    flags: o.flags ?? [],
    ...(o.sandbox ? { sandbox: true } : {}),
    pace: o.pace ?? 'guided',
    prompt: null,
    flash: null,
    statements: {},
    monitor: null,
    monitorNote: null,
    cancelling: null,
    quitting: false,
    finished: false,
    exit: false,
    ...(o.observer ? { observer: o.observer } : {}),
  };
}

export function runningItem(ui: UiState): ItemState | undefined {
  return ui.run.items.find((i) => i.status === 'running');
}

/**
 * A question the step view is pinned to while it is asked: the database name
 * before a destructive step, a skip's reason, a rollback — the view shows
 * that step, whatever the operator scrolled to before.
 */
export function questionKey(ui: UiState): string | null {
  const p = ui.prompt;
  if (!p) return null;
  if (p.kind === 'danger' || (p.kind === 'blocked' && (p.mode === 'skip' || p.mode === 'rollback'))) return p.key;
  return null;
}

/** The item a y/n question is about (a confirmation, a fix), which the view starts on; null for other questions. */
export function askedKey(ui: UiState): string | null {
  const p = ui.prompt;
  if (!p) return null;
  if (p.kind === 'confirm' || p.kind === 'fix') return p.key;
  return questionKey(ui);
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

/**
 * The item shown in the step view: the one being confirmed while a
 * confirmation waits (so a prompt never stands under another step's SQL),
 * else the one the operator chose, else the current one.
 */
export function viewedKey(ui: UiState): string | null {
  return questionKey(ui) ?? ui.selected ?? currentKey(ui);
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

export function hasFixAction(entry: TroubleshootingEntry): boolean {
  return !!entry.fix && (entry.fix.sql !== undefined || entry.fix.sql_file !== undefined || entry.fix.shell !== undefined);
}
