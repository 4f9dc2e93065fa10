// Why a step failed, and what became of the work it had already done, in the
// words an operator needs at 3 a.m.: which statement, where in the file, and
// whether anything was committed.
import { sourcePosition } from '../../sql/index.js';
import type { BoundSql, SqlStatement } from '../../sql/index.js';
import type { ExecError } from '../types.js';
import type { StatementRecords } from './records.js';
import type { GuardTrip } from './lock-queue.js';
import { duration } from '../../present/duration.js';
import { tripReason } from '../../present/locks.js';
import { internalError, isConnectionLoss, lostConnectionError, pgFields } from './errors.js';
import { shorten, statementLabel } from './plan.js';

/** Thrown inside the statement loop when the operator cancelled between statements. */
export class Cancelled extends Error {}

/** Thrown inside a transaction when the lock guard tripped between statements: the transaction is given up. */
export class GuardStop extends Error {}

export interface FailureContext {
  lost: ExecError | null;
  /** host:port/database, for connection messages. */
  where: string;
  statements: SqlStatement[];
  bound: BoundSql[];
  /** Index of the statement that failed; statements.length for our COMMIT. */
  failedAt: number;
  cancelled: boolean;
  file?: string;
  timeoutMs?: number;
  lockTimeoutMs?: number;
  /** The lock guard cancelled the statement (max_queue / max_queue_wait). */
  guardTrip?: GuardTrip | null;
}

/** Why the guard stopped a statement, in words. */
export function describeFailure(err: unknown, ctx: FailureContext): ExecError {
  const { statements, failedAt } = ctx;
  const stmt = statements[failedAt] as SqlStatement | undefined;
  const label = stmt ? statementLabel(stmt, failedAt, statements.length, ctx.file) : 'the final COMMIT';
  const at = stmt ? { statementIndex: failedAt, statement: shorten(stmt.text), line: stmt.line, column: stmt.column } : {};
  const f = pgFields(err);

  if (ctx.lost || isConnectionLoss(err)) {
    // Prefer whichever account carries the server's reason (a SQLSTATE) over a bare "closed".
    const fromErr = isConnectionLoss(err) ? lostConnectionError(err, ctx.where) : null;
    const lost = fromErr?.sqlstate || !ctx.lost ? (fromErr ?? lostConnectionError(err, ctx.where)) : ctx.lost;
    return { ...lost, message: `${lost.message} It happened during ${label}.`, ...at };
  }
  if (ctx.guardTrip && (err instanceof GuardStop || f.code === '57014')) {
    return {
      kind: 'timeout',
      sqlstate: '57014',
      message: `${cap(label)} was cancelled by the lock guard so that the sessions queued behind its lock could go on: ${tripReason(ctx.guardTrip)}.`,
      ...at,
    };
  }
  if (err instanceof Cancelled) {
    return { kind: 'cancelled', message: `Cancelled by the operator before ${label} started.`, ...at };
  }
  if (ctx.cancelled && f.code === '57014') {
    return { kind: 'cancelled', message: `Cancelled on the server by the operator during ${label}.`, ...at };
  }
  if (f.code === '57014' && /statement timeout/i.test(f.message ?? '')) {
    const limit = ctx.timeoutMs ? `the step's timeout of ${duration(ctx.timeoutMs)}` : 'the server\'s statement_timeout';
    return { kind: 'timeout', sqlstate: f.code, message: `${cap(label)} ran longer than ${limit} and was stopped by the server (statement_timeout).`, ...at };
  }
  if (f.code === '55P03' && /lock timeout/i.test(f.message ?? '')) {
    const limit = ctx.lockTimeoutMs ? `the step's lock timeout of ${duration(ctx.lockTimeoutMs)}` : 'the server\'s lock_timeout';
    return {
      kind: 'timeout',
      sqlstate: f.code,
      message: `${cap(label)} waited longer than ${limit} for a lock and was stopped (lock_timeout). Another session holds a conflicting lock: look in pg_locks and pg_stat_activity.`,
      ...at,
    };
  }
  if (!f.code || !/^[0-9A-Z]{5}$/.test(f.code)) return { ...internalError(err), ...at };

  // A statement the server rejected: point at the exact spot in the step's source.
  const position = Number(f.position);
  const pos = stmt && position > 0 ? safePosition(stmt, position, ctx.bound[failedAt]) : {};
  const hint = f.code === '25001' && !f.hint ? 'This statement cannot run inside a transaction: set `transaction: never` for this step.' : f.hint;
  return {
    kind: 'sql',
    sqlstate: f.code,
    message: `${f.message} — in ${label}.`,
    ...(f.detail ? { detail: f.detail } : {}),
    ...(hint ? { hint } : {}),
    ...(f.where ? { where: f.where } : {}),
    ...at,
    ...pos,
  };
}

function safePosition(stmt: SqlStatement, position: number, bound: BoundSql | undefined): Pick<ExecError, 'line' | 'column' | 'caret'> {
  let at: { line: number; column: number };
  try {
    at = sourcePosition(stmt, position, bound);
  } catch {
    return { line: stmt.line, column: stmt.column };
  }
  return { ...at, ...caretAt(stmt, at) };
}

/** The statement's source line the position falls on, and the column within it (its first line starts at stmt.column). */
function caretAt(stmt: SqlStatement, at: { line: number; column: number }): Pick<ExecError, 'caret'> {
  const index = at.line - stmt.line;
  const text = stmt.text.split('\n')[index];
  if (text === undefined) return {};
  const column = index === 0 ? at.column - (stmt.column - 1) : at.column;
  return column >= 1 ? { caret: { text: text.replace(/\r$/, ''), column } } : {};
}

export interface Aftermath {
  wrapped: boolean;
  /** Wrapped by the server alone: a single statement, sent without BEGIN/COMMIT. */
  implicit?: boolean;
  lost: boolean;
  failedAt: number;
  statements: SqlStatement[];
  /** The statements that completed (this attempt). */
  done: StatementRecords;
  /** The step's own transaction (opened by its BEGIN) was still open and we rolled it back. */
  rolledBackOwn: boolean;
}

/** What became of the step's work, said once at the end of the error message. */
export function aftermath(a: Aftermath): string {
  const total = a.statements.length;
  if (a.wrapped) {
    // Without our COMMIT, a connection lost mid-statement may have cut the answer, not the work.
    if (a.lost && a.implicit) return 'The connection dropped while the step\'s one statement ran: whether it was committed is unknown. Check the database before retrying.';
    if (a.lost && a.failedAt === total) return 'The connection dropped during COMMIT: whether this step\'s changes were committed is unknown. Check the database before retrying.';
    if (a.lost) return 'The transaction was open when the connection dropped; the server rolls it back, so nothing from this step was committed.';
    return 'The transaction was rolled back: nothing from this step was committed.';
  }
  // What completed before the step's own BEGIN stays committed; after it, the rollback took it.
  const kept = a.done.doneBelow(a.rolledBackOwn ? Math.max(-1, a.done.lastBegin) : total);
  const count = kept.reduce((n, [first, last]) => n + last - first + 1, 0);
  const parts: string[] = [];
  if (count === 0) parts.push('No statement of this step had been committed (it runs without a transaction).');
  else parts.push(`${count === 1 ? 'Statement' : 'Statements'} ${keptWords(kept, a.statements, count)} of ${total} had already completed and stay committed (this step runs without a transaction).`);
  if (a.rolledBackOwn) parts.push('The transaction the step opened itself was still open and has been rolled back.');
  if (a.lost && a.failedAt < total) parts.push(`Whether statement ${a.failedAt + 1} took effect is unknown: check the database before retrying.`);
  return parts.join(' ');
}

/** "1 (line 1), 2 (line 3)" for a few; "1–5000 (lines 1–5004)" for a run of more. */
function keptWords(kept: [number, number][], statements: SqlStatement[], count: number): string {
  if (count <= KEPT_LISTED) {
    return kept.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, k) => `${first + k + 1} (line ${statements[first + k].line})`)).join(', ');
  }
  return kept.map(([first, last]) => (first === last ? `${first + 1} (line ${statements[first].line})` : `${first + 1}–${last + 1} (lines ${statements[first].line}–${statements[last].line})`)).join(', ');
}

/** Up to this many committed statements are named one by one in a failure's message; more are said as ranges. */
const KEPT_LISTED = 20;

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
