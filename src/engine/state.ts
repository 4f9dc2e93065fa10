// The run's state, as plain data. The engine (reducer.ts) is the only thing
// that makes a new one; renderers read it; the journal records the events
// that produced it. No I/O, no clock: times arrive inside events.
import type { Verdict } from '../checks/verdict.js';
import type { ExecError, ExecEvent, LockAttempt, LockTrace } from '../exec/types.js';
import type { LockQueueSample } from '../exec/postgres/lock-queue.js';

export type InputValue = string | number | boolean | null;

/** The pinned server and database (defined where it is read: the PostgreSQL session). */
import type { TargetInfo } from '../exec/postgres/session.js';
export type { TargetInfo };

export type ItemKind = 'prerequisite' | 'step' | 'checklist';
export type ItemStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'interrupted' | 'rolled_back';

/**
 * One thing an item printed or the server said, kept as the executor reported
 * it (structured: src/present puts it into words when it is shown). A result
 * set keeps its first ROWS_KEPT_PER_RESULT rows and its exact total.
 */
export type OutputLine = ExecEvent;

export const ROWS_KEPT_PER_RESULT = 20;

export interface ItemState {
  /** Unique within the run, e.g. "step:indexes". */
  key: string;
  kind: ItemKind;
  id: string;
  title: string;
  status: ItemStatus;
  attempts: number;
  verdicts: Verdict[];
  error?: ExecError;
  skipReason?: string;
  startedAt?: number;
  durationMs?: number;
  /** The newest output lines (bounded: see OUTPUT_LINES_KEPT); `outputDropped` counts the rest. */
  output: OutputLine[];
  outputDropped: number;
  /** Whether the runbook lets the operator skip this item with a reason. */
  skippable: boolean;
  /** What the lock guard and lock tracing saw, when they saw anything. */
  locks?: ItemLocks;
  /** The lock model's findings for the step's SQL, as of its last start (none: absent). */
  findings?: StepFinding[];
  /** A SQL step's statements as far as the journal knows: what committed, and what was in flight. */
  progress?: StatementProgress;
  /** Interrupted because whether its work committed is unknown (reconcile): the operator decides. */
  unknown?: boolean;
  /** The step needs a second person's approval (runbook approve): why, since when, and once given, who gave it. */
  approval?: ItemApproval;
}

/** A step's approval: asked for (why), and given (by whom, as which database role, when). */
export interface ItemApproval {
  reason: string;
  requestedAt: number;
  by?: string;
  role?: string;
  at?: number;
}

/**
 * A finding of the lock model on a step's statement, as journalled: positions
 * are the statement's line and column within the step's SQL. The advice is the
 * rule's (RULES in src/sql/finding-rules.ts), so it is not repeated here.
 */
export interface StepFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  statementIndex: number;
  line: number;
  column: number;
  lock: string | null;
  relation: string | null;
  rewrite: boolean;
  message: string;
  accepted?: { reason: string; by: 'comment' | 'runbook' };
}

/**
 * Which statements of a step committed, across every attempt: a statement
 * that committed is never run again (resume, retry and reconcile continue after it).
 */
export interface StatementProgress {
  /** How many statements the step has (as last run). */
  total: number;
  /** Statements 0..committed-1 are committed. */
  committed: number;
  /**
   * A statement (index) or the step's COMMIT ('commit') that was sent and whose
   * end was never seen, and that commits work on its own: whether it took
   * effect is unknown. Cleared when it finishes, fails on the server, or the
   * unknown is resolved.
   */
  inFlight?: { index: number; commit: boolean };
  /**
   * Written by a runner from before commits were journalled (statement events
   * without `commits`): only how many of the step's statements started and
   * finished is known. Whether they committed is inferred when the run is
   * resumed (run/legacy-progress.ts); until then `committed` means nothing.
   */
  legacy?: { started: number; finished: number };
}

/** The lock guard's record of an item: the queue behind it now, every attempt, every trace. */
export interface ItemLocks {
  /** The queue behind our statement while it waits for or holds a strong lock; null when there is none. */
  queue: { index: number; sample: LockQueueSample } | null;
  /** Each attempt of a guarded statement, oldest first (the newest LOCK_RECORDS_KEPT). */
  attempts: LockAttempt[];
  /** --trace-locks: each statement's traced locks (the newest LOCK_RECORDS_KEPT). */
  traces: LockTrace[];
}

export const LOCK_RECORDS_KEPT = 200;

export const OUTPUT_LINES_KEPT = 500;

export type RunKind = 'runbook' | 'procedure' | 'rollback';

export interface RunState {
  runbookId: string;
  kind: RunKind;
  /** For a procedure or a rollback: which one. */
  procedureId?: string;
  inputs: Record<string, InputValue> | null;
  target: TargetInfo | null;
  items: ItemState[];
  /** Set when the run is over: finished, aborted by the operator, or stopped on a failure. */
  ended: null | { outcome: 'succeeded' | 'failed' | 'aborted'; reason?: string; at: number; cause?: 'connection' | 'target' };
  startedAt: number;
  /** Every operator decision (skips, fixes, confirmations, retries), in order, for the record. */
  decisions: Decision[];
}

/** A yes given in advance by a flag (--yes, --confirm-danger, --undone-by-hand), not by a person at the question: which flag, and who ran the program. */
export interface FlagConsent {
  flag: string;
  by: string;
}

export type Decision =
  | { type: 'confirmed'; key: string; text: string; at: number; auto?: FlagConsent }
  | { type: 'danger_confirmed'; key: string; database: string; at: number; auto?: FlagConsent }
  | { type: 'skipped'; key: string; reason: string; at: number }
  | { type: 'retried'; key: string; at: number }
  | { type: 'fix_run'; key: string; entryId: string; ok: boolean; at: number }
  | { type: 'checked'; key: string; at: number }
  | { type: 'approved'; key: string; by: string; role: string; at: number };

export type Phase = 'inputs' | 'target' | 'prerequisites' | 'steps' | 'checklist' | 'done';
