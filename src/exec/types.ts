// The contract between executors (which do I/O) and everything else.
// Executors report what happens as ExecEvents while they run, and finish with
// one ActionResult that the checks evaluate. Nothing here does I/O.
import type { InvalidIndex } from './postgres/invalid-index.js';
import type { GuardTrip, LockQueueSample } from './postgres/lock-queue.js';
import type { LockHolder } from './postgres/monitor.js';

/** Something that happened while an action ran, reported as it happens. */
export type ExecEvent =
  /**
   * `commits`: were it to complete, this statement would commit work on its
   * own (an autocommit statement, or the step's own COMMIT); a statement inside
   * a transaction commits nothing until the transaction does. Only a step's
   * own statements carry it (a check's or a fix's do not), and only those are
   * tracked for resume (engine/reducer.ts trackProgress).
   */
  | { type: 'statement_started'; index: number; total: number; text: string; line: number; file?: string; commits?: boolean }
  | { type: 'statement_finished'; index: number; command: string; rowCount: number | null; durationMs: number }
  /** The step's transaction is being committed (COMMIT sent): statements up to `through` commit with it, or none do. */
  | { type: 'commit_started'; through: number }
  /**
   * Statements 0..`through` of the step are committed: after an autocommit
   * statement, after the step's COMMIT returned, or (`by: 'applied'`) as the
   * step's applied: query or the operator answered for a statement whose fate was unknown.
   */
  | { type: 'committed'; through: number; total: number }
  /**
   * Whether the statement (or, for a transaction, the COMMIT) at `index`,
   * whose end was never seen, took effect: as the step's applied: query
   * answered (`by: 'applied'`), or as the operator found and said (--in-flight).
   */
  | { type: 'resolved'; index: number; applied: boolean; by: 'applied' | 'operator' }
  | { type: 'notice'; severity: string; message: string; detail?: string; hint?: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string }
  /**
   * A result set: from PostgreSQL each value is the server's text (null for
   * NULL), as psql prints it, with the columns' type OIDs; the checks get the
   * typed values in the ActionResult.
   */
  | { type: 'rows'; columns: string[]; types?: number[]; rows: unknown[][]; total: number; truncated: boolean }
  | { type: 'info'; message: string }
  /** The queue behind a statement of ours that waits for or holds a strong lock (statement `index`), as last sampled. */
  | { type: 'lock_queue'; index: number; sample: LockQueueSample }
  /** One attempt of a guarded statement (or transactional step) ended: how, who blocked it, how long the queue grew. */
  | { type: 'lock_attempt'; attempt: LockAttempt }
  /** --trace-locks: the locks statement `index` really took, beside the ones predicted. */
  | { type: 'lock_trace'; trace: LockTrace };

/**
 * How an attempt of a guarded statement ended. `deadlock`: PostgreSQL chose it
 * as the victim of a deadlock (40P01) and rolled its transaction back.
 */
export type LockAttemptOutcome = 'done' | 'lock_timeout' | 'queue_limit' | 'deadlock' | 'failed' | 'cancelled';

export interface LockAttempt {
  /** 0-based index of the statement the attempt is about (for a transactional step: the one that stopped it, or the strong one). */
  index: number;
  command: string;
  attempt: number;
  /** Attempts the policy allows in all. */
  attempts: number;
  /** What a retry runs again: the whole transactional step, or this statement alone (the ones before it stay committed). */
  scope: 'step' | 'statement';
  outcome: LockAttemptOutcome;
  durationMs: number;
  /** The lock_timeout it ran under; null for none (a last attempt without a timeout). */
  lockTimeoutMs: number | null;
  /** How long it waited for its lock, as last seen by the guard (null when never seen waiting). */
  waitedMs: number | null;
  /** The sessions it waited on. */
  blockers: LockHolder[];
  /** The most sessions that queued behind it at once, and the longest any of them waited. */
  queueMax: number;
  queueWaitMaxMs: number;
  /** Set when the guard cancelled it. */
  trip?: GuardTrip;
  /** Set when another attempt follows, after this wait. */
  retryInMs?: number;
  /** Why no further attempt is made although the policy has some left. */
  noRetry?: string;
  /** INVALID indexes a failed CONCURRENTLY build left, and whether they were dropped. */
  invalidIndexes?: InvalidIndex[];
}

/** A lock as PostgreSQL's pg_locks names it. */
export interface TracedLock {
  relation: string;
  mode: string;
}

export interface LockTrace {
  index: number;
  command: string;
  /** How the locks were read: inside the statement's transaction, or sampled from another connection. */
  method: 'transaction' | 'sampled';
  /** Samples taken (sampled method). */
  samples?: number;
  /** The strongest lock taken on each relation (our backend's rows in pg_locks). */
  traced: TracedLock[];
  /** The lock model's prediction; null when it cannot see into the statement. */
  predicted: TracedLock[] | null;
  /** Tables whose file changed (relfilenode): rewritten. */
  rewritten: string[];
  predictedRewrite: boolean | null;
  /** How long the locks were held: from the statement's start to its transaction's end. */
  heldMs: number;
  /** Where traced and predicted disagree, one entry per relation (or rewrite). */
  differences: LockDifference[];
  /**
   * What the model said it cannot predict (a trigger's function, a foreign
   * key's check), and the locks traced that it explains: reported as "cannot
   * be predicted", not as differences.
   */
  unpredictable?: { reason: string; traced: LockDifference[] };
}

export interface LockDifference {
  relation: string;
  predicted: string | null;
  traced: string | null;
}

export type ExecErrorKind = 'sql' | 'shell' | 'connection' | 'timeout' | 'cancelled' | 'input' | 'internal';

/** A failure of an action, in words an operator can act on. Never a stack trace. */
export interface ExecError {
  kind: ExecErrorKind;
  message: string;
  sqlstate?: string;
  detail?: string;
  hint?: string;
  where?: string;
  /** 0-based index of the statement that failed, for SQL. */
  statementIndex?: number;
  /** The failing statement's text (may be shortened). */
  statement?: string;
  /** 1-based line and column in the step's SQL (or its sql_file), when known. */
  line?: number;
  column?: number;
  file?: string;
  /** The source line the server pointed at, and the 1-based column in it: psql's "LINE n:" and caret. */
  caret?: { text: string; column: number };
  exitCode?: number;
}

/**
 * Why a connection could not be opened, as the executor classified it; the
 * words (with what to check next) are present/connection's.
 */
export interface ConnectProblem {
  cause:
    | 'refused' | 'unresolved' | 'unreachable' | 'no-socket' | 'bad-password' | 'login-refused' | 'no-database'
    | 'full' | 'not-ready' | 'closed' | 'timeout' | 'no-password' | 'ssl' | 'other'
    /** The address is not a postgres:// URL, or the library could not read it. */
    | 'not-a-url' | 'bad-url';
  /** host:port/database (or, for the URL causes, the URL), password masked. */
  where: string;
  /** The library's or the server's own words, password masked. */
  server: string;
  /** SQLSTATE or the socket error code. */
  code?: string;
}

/** Why a connection in use broke; present/connection words it. */
export interface LostConnection {
  cause: 'terminated' | 'restarting' | 'closed' | 'other';
  where: string;
  server: string;
}

export interface StatementRecord {
  index: number;
  text: string;
  line: number;
  command: string;
  rowCount: number | null;
  durationMs: number;
}

/** Rows are kept only up to this many per result; the count is always exact. */
export const KEPT_ROWS = 200;
/**
 * Of each value's server text, at most this many characters are kept (the rows
 * event, the journal, the screen): more than any table shows of one value
 * (present/table: PLAIN_COLUMN_WIDTH × PLAIN_CELL_LINES), so a value cut here
 * is also shown cut (…), and a 1 GB bytea cannot fill the memory or the journal.
 * The checks get the typed values, whole.
 */
export const KEPT_VALUE_CHARS = 8192;
/** Output text kept for checks and display, in characters (head is kept, and the tail). */
export const KEPT_OUTPUT_CHARS = 256 * 1024;

/** What an action produced, for the checks to judge. */
export interface ActionResult {
  ok: boolean;
  /** Columns and the first KEPT_ROWS rows of the last statement that returned rows. */
  columns: string[];
  rows: Record<string, unknown>[];
  /** Exact number of rows of that result (or affected rows when none returned). */
  rowCount: number;
  /** The notices' texts, kept only when asked for (a notices check): a storm of 100,000 would hold ~16 MiB. */
  notices: string[];
  /** Shell: stdout and stderr interleaved (bounded). SQL: the rows rendered as text when small. */
  output: string;
  exitCode?: number;
  durationMs: number;
  /** How many statements were answered. */
  statementCount: number;
  /** Their records: the first and the newest STATEMENT_RECORDS_KEPT / 2 (the journal has every statement's events). */
  statements: StatementRecord[];
  error?: ExecError;
}

/** Statement records kept in a result: the first half of these, and the newest half. */
export const STATEMENT_RECORDS_KEPT = 200;

export type ExecListener = (event: ExecEvent) => void;

export function emptyResult(): ActionResult {
  return { ok: true, columns: [], rows: [], rowCount: 0, notices: [], output: '', durationMs: 0, statementCount: 0, statements: [] };
}
