// Small read helpers for checks: one query's values, and repeated timings for
// the speed-up check. Both throw ExecFailure (error.kind 'sql' / 'connection').
import { targetAddress } from '../../present/target.js';
import type { InputValue } from '../../sql/index.js';
import { KEPT_ROWS } from '../types.js';
import type { ExecError } from '../types.js';
import { ExecFailure, isConnectionLoss, lostConnectionError, pgFields } from './errors.js';
import type { PgSession } from './session.js';
import { sendStatement } from './statement.js';

export interface QueryValues {
  columns: string[];
  /** The first `limit` rows, keyed by column name. */
  rows: Record<string, unknown>[];
  /** Every row the query returned, counted. */
  rowCount: number;
  truncated: boolean;
}

/** Run one query (a check's SELECT) and return its first rows and exact count. */
export async function queryValues(session: PgSession, sql: string, params?: InputValue[], limit = KEPT_ROWS): Promise<QueryValues> {
  const outcome = await guarded(session, sql, () =>
    sendStatement(session.client, sql, { params: params && params.length > 0 ? params : null, keepRows: limit }),
  );
  const columns = outcome.columns ?? [];
  return {
    columns,
    rows: outcome.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
    rowCount: outcome.columns ? outcome.total : (outcome.rowCount ?? 0),
    truncated: outcome.total > outcome.rows.length,
  };
}

/**
 * Run `sql` warmup times unmeasured (to fill caches), then `runs` times, and
 * return each measured run's wall time in ms: the whole round trip, every row
 * read and discarded, as a client would experience it.
 */
export async function timeQuery(session: PgSession, sql: string, runs: number, warmup: number, params?: InputValue[]): Promise<number[]> {
  const send = () => sendStatement(session.client, sql, { params: params && params.length > 0 ? params : null, keepRows: 0 });
  const durations: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    await guarded(session, sql, send);
    if (i >= warmup) durations.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return durations;
}

async function guarded<T>(session: PgSession, sql: string, run: () => Promise<T>): Promise<T> {
  if (session.lost) throw new ExecFailure(session.lost);
  try {
    return await run();
  } catch (err) {
    const where = targetAddress(session.target);
    if (session.lost || isConnectionLoss(err)) throw new ExecFailure(session.lost ?? lostConnectionError(err, where));
    const f = pgFields(err);
    const error: ExecError = {
      kind: f.code === '57014' && /statement timeout/i.test(f.message ?? '') ? 'timeout' : 'sql',
      message: f.message ?? String(err),
      statement: sql.length > 400 ? `${sql.slice(0, 400)} ...` : sql,
      ...(f.code ? { sqlstate: f.code } : {}),
      ...(f.detail ? { detail: f.detail } : {}),
      ...(f.hint ? { hint: f.hint } : {}),
      ...(f.where ? { where: f.where } : {}),
      ...(f.position ? lineColumn(sql, Number(f.position)) : {}),
    };
    throw new ExecFailure(error);
  }
}

/** The server's 1-based character position in `sql` as a line and column. */
function lineColumn(sql: string, position: number): { line: number; column: number } {
  const before = [...sql].slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
