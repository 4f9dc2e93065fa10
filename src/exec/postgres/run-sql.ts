// Running one step's SQL: split it, bind its inputs, run the statements one by
// one (in a transaction when that is safe), stream what happens as events, and
// finish with one ActionResult. Whatever goes wrong, the session is left idle:
// no statement running, no transaction open, timeouts as they were.
import { bindPlaceholders, ensureParser, sourcePosition, splitSql } from '../../sql/index.js';
import type { BoundSql, InputValue, SqlStatement } from '../../sql/index.js';
import { emptyResult, KEPT_ROWS } from '../types.js';
import type { ActionResult, ExecError, ExecListener, StatementRecord } from '../types.js';
import { formatMs, internalError, isConnectionLoss, lostConnectionError, pgFields } from './errors.js';
import { BoundedText, commandTag, renderOutcome } from './render.js';
import type { PgSession } from './session.js';
import { sendStatement } from './statement.js';
import type { StatementOutcome } from './statement.js';
import { planTransaction, shorten, statementLabel } from './plan.js';
import { applyTimeouts, settle } from './timeouts.js';

export interface SqlRequest {
  source: string;
  /** The sql_file the source came from, for error positions. */
  file?: string;
  inputs: Record<string, InputValue>;
  transaction: 'auto' | 'always' | 'never';
  timeoutMs?: number;
  lockTimeoutMs?: number;
  /** Rows kept per result (default KEPT_ROWS); every row is still counted. */
  keepRows?: number;
}

/** How often a cancel is repeated while the statement is still running (it may not have reached the server yet). */
const CANCEL_RETRY_MS = 250;

class Cancelled extends Error {}

export async function runSql(session: PgSession, request: SqlRequest, listener: ExecListener, signal?: AbortSignal): Promise<ActionResult> {
  const started = process.hrtime.bigint();
  const result = emptyResult();
  const finish = (error?: ExecError): ActionResult => {
    result.durationMs = msSince(started);
    if (error) {
      result.ok = false;
      result.error = request.file && error.file === undefined && error.kind !== 'connection' ? { ...error, file: request.file } : error;
    }
    return result;
  };
  if (session.lost) return finish(session.lost);
  if (signal?.aborted) return finish({ kind: 'cancelled', message: 'Cancelled by the operator before the step started; nothing was run.' });

  // Everything that can be refused without the server is refused before any statement runs.
  let statements: SqlStatement[];
  let bound: BoundSql[];
  try {
    await ensureParser();
    statements = splitSql(request.source);
    bound = statements.map((s, i) => bindStatement(s, i, request.inputs));
  } catch (err) {
    return finish(err instanceof PreparedError ? err.error : parseError(err));
  }
  if (statements.length === 0) return finish();
  const plan = planTransaction(statements, request.transaction);
  if ('error' in plan) return finish(plan.error);
  if (plan.info) listener({ type: 'info', message: plan.info });

  const client = session.client;
  const where = `${session.target.host}:${session.target.port}/${session.target.database}`;
  const keepRows = request.keepRows ?? KEPT_ROWS;
  const output = new BoundedText();
  let lastRows: StatementOutcome | null = null;
  let lastOutcome: StatementOutcome | null = null;
  let running = -1; // index of the statement in flight, -1 between statements
  let cancelled = false;
  let cancelLoop: Promise<void> = Promise.resolve();

  const onNotice = (msg: { severity?: string; message?: string; detail?: string; hint?: string }) => {
    const message = msg.message ?? '';
    result.notices.push(message);
    listener({ type: 'notice', severity: msg.severity ?? 'NOTICE', message, ...(msg.detail ? { detail: msg.detail } : {}), ...(msg.hint ? { hint: msg.hint } : {}) });
  };
  const onAbort = () => {
    cancelled = true;
    cancelLoop = (async () => {
      // Repeat until the statement ends: a cancel that lands before the server
      // has started the statement is ignored, and the statement would run on.
      while (running >= 0 && !session.lost) {
        await session.cancelCurrent();
        if (running >= 0) await new Promise((r) => setTimeout(r, CANCEL_RETRY_MS));
      }
    })();
  };
  client.on('notice', onNotice);
  signal?.addEventListener('abort', onAbort, { once: true });

  let restoreTimeouts: (() => Promise<void>) | null = null;
  let failure: ExecError | undefined;
  let failedAt = -1;
  try {
    restoreTimeouts = await applyTimeouts(client, request.timeoutMs, request.lockTimeoutMs);
    if (plan.wrap) await client.query('BEGIN');
    for (let i = 0; i < statements.length; i++) {
      if (cancelled) throw new Cancelled();
      const stmt = statements[i];
      listener({ type: 'statement_started', index: i, total: statements.length, text: stmt.text, line: stmt.line, ...(request.file ? { file: request.file } : {}) });
      failedAt = i;
      running = i;
      const t0 = process.hrtime.bigint();
      const outcome = await sendStatement(client, bound[i].text, {
        params: bound[i].params.length > 0 ? bound[i].params : null,
        keepRows,
        returnsRows: stmt.returnsRows,
      }).finally(() => {
        running = -1;
      });
      const durationMs = msSince(t0);
      const command = commandTag(outcome.command, outcome.rowCount) || stmt.command;
      listener({ type: 'statement_finished', index: i, command, rowCount: outcome.rowCount, durationMs });
      if (outcome.columns) {
        listener({ type: 'rows', columns: outcome.columns, rows: outcome.rows, total: outcome.total, truncated: outcome.total > outcome.rows.length });
      }
      output.append(renderOutcome(outcome, isExplain(stmt)));
      result.statements.push({ index: i, text: stmt.text, line: stmt.line, command, rowCount: outcome.rowCount, durationMs });
      lastOutcome = outcome;
      if (outcome.columns) lastRows = outcome;
      failedAt = -1;
    }
    if (cancelled) throw new Cancelled();
    if (plan.wrap) {
      failedAt = statements.length; // a COMMIT failure (deferred constraint, serialization) belongs to no statement
      await client.query('COMMIT');
      failedAt = -1;
    }
  } catch (err) {
    failure = describeFailure(err, { session, where, statements, failedAt, cancelled, request, bound });
  } finally {
    client.off('notice', onNotice);
    signal?.removeEventListener('abort', onAbort);
    running = -1;
    await cancelLoop; // no cancel may still be on its way when we clean up
  }

  if (failure && !session.lost) {
    // Leave nothing open: roll back our transaction, or one the step's own BEGIN opened.
    if (session.inTransaction) await settle(client, 'ROLLBACK');
    else if (cancelled) await settle(client, 'SELECT 1'); // the session answers again, and no late cancel lingers
  }
  if (restoreTimeouts && !session.lost) await restoreTimeouts().catch(() => {});
  if (failure) failure = { ...failure, message: `${failure.message} ${aftermath(plan.wrap, result.statements, statements.length, session)}`.trim() };

  fillResult(result, lastRows, lastOutcome, output);
  return finish(failure);
}

/** Columns, rows and count of the last row-returning statement, else the last statement's affected rows. */
function fillResult(result: ActionResult, lastRows: StatementOutcome | null, lastOutcome: StatementOutcome | null, output: BoundedText): void {
  result.output = output.toString();
  const o = lastRows;
  if (o?.columns) {
    const columns = o.columns;
    result.columns = columns;
    result.rows = o.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    result.rowCount = o.total;
  } else if (lastOutcome) {
    result.rowCount = lastOutcome.rowCount ?? 0;
  }
}

/** What became of the step's earlier work, said once at the end of the error message. */
function aftermath(wrapped: boolean, done: StatementRecord[], total: number, session: PgSession): string {
  if (wrapped) {
    return session.lost
      ? 'The transaction was open when the connection dropped; the server rolls it back, so nothing from this step was committed.'
      : 'The transaction was rolled back: nothing from this step was committed.';
  }
  if (done.length === 0) return 'No statement of this step had completed (they run without a transaction).';
  const list = done.map((s) => `${s.index + 1} (line ${s.line})`).join(', ');
  const word = done.length === 1 ? 'Statement' : 'Statements';
  return `${word} ${list} of ${total} had already completed and stay committed (this step runs without a transaction).`;
}

interface FailureContext {
  session: PgSession;
  where: string;
  statements: SqlStatement[];
  failedAt: number;
  cancelled: boolean;
  request: SqlRequest;
  bound: BoundSql[];
}

function describeFailure(err: unknown, ctx: FailureContext): ExecError {
  const { statements, failedAt, request } = ctx;
  const stmt = failedAt >= 0 && failedAt < statements.length ? statements[failedAt] : undefined;
  const label = stmt ? statementLabel(stmt, failedAt, statements.length, request.file) : 'COMMIT';
  const at = stmt ? { statementIndex: failedAt, statement: shorten(stmt.text), line: stmt.line, column: stmt.column } : {};
  const f = pgFields(err);

  if (ctx.session.lost || isConnectionLoss(err)) {
    const lost = ctx.session.lost ?? lostConnectionError(err, ctx.where);
    return { ...lost, message: `${lost.message} It happened during ${label}.`, ...at };
  }
  if (err instanceof Cancelled || (ctx.cancelled && f.code === '57014')) {
    const what = err instanceof Cancelled ? `before ${label} started` : `during ${label}`;
    return { kind: 'cancelled', message: `Cancelled on the server by the operator ${what}.`, ...at };
  }
  if (f.code === '57014' && /statement timeout/i.test(f.message ?? '')) {
    return { kind: 'timeout', sqlstate: f.code, message: `${label} ran longer than the step's timeout of ${formatMs(request.timeoutMs ?? 0)} and was stopped by the server (statement_timeout).`, ...at };
  }
  if (f.code === '55P03' && /lock timeout/i.test(f.message ?? '')) {
    return {
      kind: 'timeout',
      sqlstate: f.code,
      message: `${label} waited longer than the step's lock timeout of ${formatMs(request.lockTimeoutMs ?? 0)} for a lock and was stopped (lock_timeout). Another session holds a conflicting lock: look in pg_locks and pg_stat_activity.`,
      ...at,
    };
  }
  if (!f.code || !/^[0-9A-Z]{5}$/.test(f.code)) return { ...internalError(err), ...at };

  // A statement the server rejected: point at the exact spot in the step's source.
  const position = f.position ? Number(f.position) : NaN;
  const pos = stmt && Number.isFinite(position) ? sourcePositionSafe(stmt, position, ctx.bound[failedAt]) : stmt ? { line: stmt.line, column: stmt.column } : {};
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

function sourcePositionSafe(stmt: SqlStatement, position: number, bound: BoundSql | undefined): { line: number; column: number } {
  try {
    return sourcePosition(stmt, position, bound);
  } catch {
    return { line: stmt.line, column: stmt.column };
  }
}

/** A problem found before anything ran (a bad placeholder, COPY FROM STDIN...). */
class PreparedError extends Error {
  constructor(readonly error: ExecError) {
    super(error.message);
  }
}

function bindStatement(stmt: SqlStatement, index: number, inputs: Record<string, InputValue>): BoundSql {
  if (/^\s*copy\b/i.test(stmt.text) && /\b(from\s+stdin|to\s+stdout)\b/i.test(stmt.text)) {
    throw new PreparedError({
      kind: 'sql',
      message: `COPY ... FROM STDIN / TO STDOUT needs a client-side data stream, which a SQL step does not have. Use COPY with a server-side file, or psql's \\copy in a shell step.`,
      statementIndex: index,
      statement: shorten(stmt.text),
      line: stmt.line,
      column: stmt.column,
    });
  }
  try {
    return bindPlaceholders(stmt.text, inputs, { line: stmt.line, column: stmt.column });
  } catch (err) {
    const e = err as { message?: string; line?: number; column?: number };
    throw new PreparedError({
      kind: 'input',
      message: e.message ?? String(err),
      statementIndex: index,
      statement: shorten(stmt.text),
      line: typeof e.line === 'number' ? e.line : stmt.line,
      ...(typeof e.column === 'number' ? { column: e.column } : { column: stmt.column }),
    });
  }
}

/** The splitter's syntax error, reported like the server would (SQLSTATE 42601). */
function parseError(err: unknown): ExecError {
  const e = err as { message?: string; line?: number; column?: number };
  if (typeof e?.line !== 'number') return internalError(err);
  return { kind: 'sql', sqlstate: '42601', message: e.message ?? 'syntax error', line: e.line, ...(typeof e.column === 'number' ? { column: e.column } : {}) };
}

function isExplain(stmt: SqlStatement): boolean {
  return stmt.kind === 'ExplainStmt' || /^explain\b/i.test(stmt.command) || /^\s*explain\b/i.test(stmt.text);
}

function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
