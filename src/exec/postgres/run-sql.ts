// Running one step's SQL: split it, bind its inputs, run the statements one by
// one (in a transaction when that is safe), stream what happens as events, and
// finish with one ActionResult. Whatever goes wrong, the session is left idle:
// no statement running, no transaction open, timeouts as they were.
import type { InputValue, SqlStatement } from '../../sql/index.js';
import { emptyResult, KEPT_ROWS } from '../types.js';
import type { ActionResult, ExecError, ExecEvent, ExecListener } from '../types.js';
import { aftermath, Cancelled, describeFailure } from './failure.js';
import { planTransaction, statementLabel } from './plan.js';
import { prepareStep } from './prepare.js';
import { BoundedText, renderOutcome } from './render.js';
import type { PgSession } from './session.js';
import { sendStatement } from './statement.js';
import type { StatementOutcome } from './statement.js';
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
  /** Keep the notices' texts in the result, for a check of them (they are always reported as output). */
  keepNotices?: boolean;
}

/** Sessions with a step running: a second one at once would mix their notices and transactions. */
const busy = new WeakSet<PgSession>();

/** How often a cancel is repeated while the statement still runs (the first may land before the server started it). */
const CANCEL_RETRY_MS = 250;

export async function runSql(session: PgSession, request: SqlRequest, listener: ExecListener, signal?: AbortSignal): Promise<ActionResult> {
  if (busy.has(session)) {
    return { ...emptyResult(), ok: false, error: { kind: 'internal', message: 'Internal error: another step is still running on this connection.' } };
  }
  busy.add(session);
  try {
    return await runStep(session, request, listener, signal);
  } finally {
    busy.delete(session);
  }
}

async function runStep(session: PgSession, request: SqlRequest, listener: ExecListener, signal?: AbortSignal): Promise<ActionResult> {
  const started = process.hrtime.bigint();
  const result = emptyResult();
  const finish = (error?: ExecError): ActionResult => {
    result.durationMs = msSince(started);
    if (error) {
      result.ok = false;
      result.error = request.file && error.kind !== 'connection' ? { ...error, file: request.file } : error;
    }
    return result;
  };
  if (session.lost) return finish(session.lost);
  if (signal?.aborted) return finish({ kind: 'cancelled', message: 'Cancelled by the operator before the step started; nothing was run.' });

  const prepared = await prepareStep(request.source, request.inputs);
  if ('error' in prepared) return finish(prepared.error);
  const { statements, bound } = prepared;
  if (statements.length === 0) return finish();
  const plan = planTransaction(statements, request.transaction);
  if ('error' in plan) return finish(plan.error);
  if (plan.info) listener({ type: 'info', message: plan.info });
  // One statement is all-or-nothing by itself (the server runs it in a
  // transaction of its own): BEGIN and COMMIT would only add two round trips.
  const explicit = plan.wrap && statements.length > 1;

  const client = session.client;
  const keepRows = request.keepRows ?? KEPT_ROWS;
  const output = new BoundedText();
  let lastRows: StatementOutcome | null = null;
  let lastOutcome: StatementOutcome | null = null;
  let running = false;
  let cancelled = false;
  let cancelLoop: Promise<void> = Promise.resolve();
  let listenerFailure: unknown = null;

  // Notices arrive inside pg's socket handler: a throwing listener there would
  // break the connection, so its error is carried out to the statement loop.
  const onNotice = (msg: { severity?: string; message?: string; detail?: string; hint?: string }) => {
    const message = msg.message ?? '';
    if (request.keepNotices) result.notices.push(message);
    const event: Extract<ExecEvent, { type: 'notice' }> = { type: 'notice', severity: msg.severity ?? 'NOTICE', message };
    if (msg.detail) event.detail = msg.detail;
    if (msg.hint) event.hint = msg.hint;
    try {
      listener(event);
    } catch (err) {
      listenerFailure ??= err;
    }
  };
  const onAbort = () => {
    cancelled = true;
    cancelLoop = (async () => {
      // Repeat until the statement ends: a cancel that reaches the server
      // before the statement does is ignored, and the statement would run on.
      while (running && !session.lost) {
        await session.cancelCurrent();
        if (running) await new Promise((r) => setTimeout(r, CANCEL_RETRY_MS));
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
    if (explicit) await client.query('BEGIN');
    for (const [i, stmt] of statements.entries()) {
      failedAt = i;
      if (cancelled) throw new Cancelled();
      listener({ type: 'statement_started', index: i, total: statements.length, text: stmt.text, line: stmt.line, ...(request.file ? { file: request.file } : {}) });
      const t0 = process.hrtime.bigint();
      running = true;
      const outcome = await sendStatement(client, bound[i].text, {
        // No placeholders: the text goes alone, by the simple protocol.
        params: bound[i].params.length > 0 ? bound[i].params : null,
        keepRows,
      }).finally(() => {
        running = false;
      });
      const durationMs = msSince(t0);
      if (listenerFailure) throw listenerFailure;
      const command = outcome.tag ?? stmt.command;
      listener({ type: 'statement_finished', index: i, command, rowCount: outcome.rowCount, durationMs });
      if (outcome.columns) {
        listener({ type: 'rows', columns: outcome.columns, rows: outcome.rows, total: outcome.total, truncated: outcome.total > outcome.rows.length });
        lastRows = outcome;
      }
      output.append(renderOutcome(outcome, isExplain(stmt)));
      result.statements.push({ index: i, text: stmt.text, line: stmt.line, command, rowCount: outcome.rowCount, durationMs });
      lastOutcome = outcome;
    }
    failedAt = statements.length;
    if (explicit) {
      // A cancel that came after the last statement still stops the commit.
      if (cancelled) throw new Cancelled();
      await client.query('COMMIT');
    }
  } catch (err) {
    failure = describeFailure(err, {
      lost: session.lost,
      where: `${session.target.host}:${session.target.port}/${session.target.database}`,
      statements,
      bound,
      failedAt,
      cancelled,
      ...(request.file ? { file: request.file } : {}),
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.lockTimeoutMs ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
    });
  } finally {
    client.off('notice', onNotice);
    signal?.removeEventListener('abort', onAbort);
    running = false;
    await cancelLoop; // no cancel may still be on its way when we clean up
  }

  // Leave nothing open: roll back our transaction, or one the step's own BEGIN opened.
  const lost = session.lost !== null || failure?.kind === 'connection';
  let rolledBackOwn = false;
  if (!lost) {
    if (session.inTransaction) {
      rolledBackOwn = !plan.wrap;
      await settle(client, 'ROLLBACK');
      if (!failure) failure = unfinishedTransaction(statements);
    } else if (cancelled && failure) {
      await settle(client, 'SELECT 1'); // the session answers again, and no late cancel lingers
    }
  }
  if (restoreTimeouts && !lost) await restoreTimeouts().catch(() => {});
  if (failure) {
    const after = aftermath({ wrapped: plan.wrap, implicit: plan.wrap && !explicit, lost, failedAt, statements, done: result.statements, rolledBackOwn });
    failure = { ...failure, message: `${failure.message} ${after}` };
  }
  fillResult(result, lastRows, lastOutcome, output);
  return finish(failure);
}

/**
 * The step's SQL opened a transaction and did not end it. Holding it open
 * while the operator reads the screen would hold its locks, so it was rolled back.
 */
function unfinishedTransaction(statements: SqlStatement[]): ExecError {
  const begin = statements.findIndex((s) => s.kind === 'transaction' && /^(BEGIN|START)/i.test(s.command));
  const where = begin >= 0 ? ` (${statementLabel(statements[begin], begin, statements.length)})` : '';
  return {
    kind: 'sql',
    message: `The step's SQL opened a transaction${where} and did not end it; it was rolled back so that no locks stay held. End the step with COMMIT.`,
  };
}

/** Columns, rows and count of the last row-returning statement, else the last statement's affected rows. */
function fillResult(result: ActionResult, lastRows: StatementOutcome | null, lastOutcome: StatementOutcome | null, output: BoundedText): void {
  result.output = output.toString();
  if (lastRows?.columns) {
    const columns = lastRows.columns;
    result.columns = columns;
    result.rows = lastRows.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    result.rowCount = lastRows.total;
  } else if (lastOutcome) {
    result.rowCount = lastOutcome.rowCount ?? 0;
  }
}

function isExplain(stmt: SqlStatement): boolean {
  return stmt.kind === 'explain' || /^\s*explain\b/i.test(stmt.text);
}

function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
