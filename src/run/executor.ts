// Carries out one step, check or fix: picks the executor (SQL, shell, SQLite,
// timing, comparison), runs it, and judges the result with the checks. The
// session calls this; nothing here touches run state.
import { resolve } from 'node:path';
import { compareVerdicts } from '../checks/compare.js';
import { evaluate, readsOutput } from '../checks/evaluate.js';
import { speedupVerdict } from '../checks/speedup.js';
import type { Verdict } from '../checks/verdict.js';
import type { InputValue } from '../engine/state.js';
import { connect, queryValues, runSql, timeQuery, type PgSession } from '../exec/postgres/index.js';
import type { GuardRequest } from '../exec/postgres/lock-guard.js';
import { runShell } from '../exec/shell.js';
import { querySqlite } from '../exec/sqlite.js';
import { bindPlaceholders, type LockContext } from '../sql/index.js';
import { emptyResult, type ActionResult, type ExecListener } from '../exec/types.js';
import type { Runbook } from '../runbook/load.js';
import type { Check, Expectation } from '../runbook/schema.js';
import { splitSql } from '../sql/index.js';
import { parseDuration } from './duration.js';
import { inputEnv } from './inputs.js';
import { allowedDirsSetting, outsideTree } from '../runbook/files.js';

/** What any runnable thing in a runbook looks like to the executor. */
export interface Runnable {
  sql?: string;
  sql_file?: string;
  shell?: string;
  connection?: string;
  transaction?: 'auto' | 'always' | 'never';
  timeout?: string | number;
  lock_timeout?: string | number;
  env?: Record<string, string>;
  cwd?: string;
  /** A step's or check's expectation: what of the result must be kept to judge it. */
  expect?: Pick<Expectation, 'notices' | 'output' | 'not_output' | 'plan' | 'not_plan'>;
}

export interface ExecContext {
  runbook: Runbook;
  target: PgSession;
  /** The target's real URL (with password) — only ever handed to child processes, never printed. */
  targetUrl: string;
  inputs: Record<string, InputValue>;
  /** Inputs whose values the runbook chose (an input's default), not the operator: a path built from them is held to the runbook's tree. */
  runbookChosen?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/** The SQL text of a runnable and the file it came from (for error positions). */
export function sqlSource(rb: Runbook, r: Runnable): { source: string; file?: string } | undefined {
  if (r.sql !== undefined) return { source: r.sql };
  if (r.sql_file !== undefined) {
    const source = rb.sqlFiles.get(r.sql_file);
    if (source === undefined) throw new Error(`sql_file ${r.sql_file} was not loaded`);
    return { source, file: resolve(rb.dir, r.sql_file) };
  }
  return undefined;
}

/** A step's own SQL: its commits reported, and where to start (see SqlRequest.track and from). */
export interface StepProgressOptions {
  track: boolean;
  from?: number;
  expectTotal?: number;
  /** Awaited before each statement and COMMIT goes out (see SqlRequest.beforeSend). */
  beforeSend?: () => Promise<void>;
  /** Awaited once, before the step's first statement is announced (see SqlRequest.beforeStart). */
  beforeStart?: () => Promise<void>;
}

/** Runs the action of a step, rollback or fix. */
/** What only a step's own action runs under: the lock guard, --trace-locks, and the tracking of its commits. */
export interface StepExtras {
  guard?: GuardRequest;
  traceLocks?: boolean;
  progress?: StepProgressOptions;
  /** What the lock model knows before this step: what earlier steps of the run made. */
  lockContext?: LockContext;
}

export async function runAction(ctx: ExecContext, r: Runnable, listener: ExecListener, extras: StepExtras = {}): Promise<ActionResult> {
  const sql = sqlSource(ctx.runbook, r);
  if (sql) {
    return withConnection(ctx, r.connection, (session) =>
      runSql(
        session,
        {
          source: sql.source,
          file: sql.file,
          inputs: ctx.inputs,
          transaction: r.transaction ?? 'auto',
          timeoutMs: parseDuration(r.timeout),
          lockTimeoutMs: parseDuration(r.lock_timeout),
          keepNotices: r.expect?.notices !== undefined,
          keepOutput: readsOutput(r.expect),
          ...(extras.guard ? { guard: extras.guard } : {}),
          ...(extras.traceLocks ? { traceLocks: true } : {}),
          ...(extras.lockContext ? { lockContext: extras.lockContext } : {}),
          ...extras.progress,
        },
        listener,
        ctx.signal,
      ),
    );
  }
  if (r.shell !== undefined) {
    return runShell(
      { command: r.shell, cwd: resolve(ctx.runbook.dir, r.cwd ?? '.'), env: shellEnv(ctx, r), timeoutMs: parseDuration(r.timeout) },
      listener,
      ctx.signal,
    );
  }
  return emptyResult();
}

/** A shell step sees the target as DATABASE_URL and PG* variables, and inputs as RUNBOOK_INPUT_*. */
function shellEnv(ctx: ExecContext, r: Runnable): Record<string, string> {
  const url = new URL(ctx.targetUrl);
  const env: Record<string, string> = {
    DATABASE_URL: ctx.targetUrl,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
    PGUSER: decodeURIComponent(url.username),
    RUNBOOK_DIR: ctx.runbook.dir,
    ...inputEnv(ctx.inputs),
  };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  // Step env values may name inputs; they are substituted as whole values, never into command text.
  for (const [k, v] of Object.entries(r.env ?? {})) env[k] = substituteInputs(v, ctx.inputs);
  return env;
}

/** Runs `fn` on the target, or on a named PostgreSQL connection opened for the occasion. */
async function withConnection<T>(ctx: ExecContext, name: string | undefined, fn: (s: PgSession) => Promise<T>): Promise<T> {
  if (!name) return fn(ctx.target);
  const spec = ctx.runbook.connections[name];
  if (!spec?.postgres) throw new Error(`connection "${name}" is not a PostgreSQL connection`);
  const url = spec.postgres.startsWith('$') ? (process.env[spec.postgres.slice(1)] ?? '') : spec.postgres;
  const session = await connect(url, { applicationName: 'runbook' });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Runs a query on a connection by name: SQLite file, other PostgreSQL, or the target. */
async function queryOn(ctx: ExecContext, name: string | undefined, sql: string): Promise<{ label: string; columns: string[]; rows: Record<string, unknown>[] }> {
  const spec = name ? ctx.runbook.connections[name] : undefined;
  if (spec?.sqlite) {
    const path = sqlitePath(ctx, name!);
    if (typeof path !== 'string') throw new Error(path.refused);
    const r = querySqlite(path, sql);
    if (r.error) throw new Error(r.error.message);
    return { label: name ?? 'sqlite', columns: r.columns, rows: r.rows };
  }
  return withConnection(ctx, name, async (s) => {
    const bound = bindPlaceholders(sql, ctx.inputs);
    const r = await queryValues(s, bound.text, bound.params);
    return { label: name ?? s.target.database, columns: r.columns, rows: r.rows };
  });
}

/**
 * The file of a SQLite connection. One the runbook names outright was held to
 * its folder tree when it was loaded (runbook/lint.ts); one built from inputs
 * is known only now. A value the operator gave is theirs to choose; one the
 * runbook chose (an input's default) is held to the same rule as sql_file,
 * and a refusal names the input.
 */
function sqlitePath(ctx: ExecContext, name: string): string | { refused: string } {
  const template = ctx.runbook.connections[name].sqlite!;
  const path = resolve(ctx.runbook.dir, substituteInputs(template, ctx.inputs));
  const chosen = [...template.matchAll(INPUT_PLACEHOLDER)].map((m) => m[1]).filter((input) => ctx.runbookChosen?.has(input));
  if (chosen.length === 0) return path;
  const outside = outsideTree(ctx.runbook.dir, path, allowedDirsSetting());
  if (!outside) return path;
  const inputs = chosen.map((i) => `input ${i}`).join(' and ');
  return {
    refused: `connection "${name}": its SQLite file comes from ${inputs}, whose value is the runbook's own default, and ${outside.replace(/^"[^"]*"/, `"${path}"`)}. If that is the file you mean, give it yourself: --input ${chosen[0]}=PATH`,
  };
}

const INPUT_PLACEHOLDER = /\{\{\s*inputs\.([a-z_][a-z0-9_]*)\s*\}\}/g;

/** Paths and environment values may name inputs: whole values, never SQL or shell text. */
function substituteInputs(text: string, inputs: Record<string, InputValue>): string {
  return text.replace(INPUT_PLACEHOLDER, (_, name: string) => String(inputs[name] ?? ''));
}

/** Judges an action's result: the expectation if any, else "it must not fail". */
export function judge(expect: Expectation | undefined, result: ActionResult, label?: string): Verdict[] {
  const verdicts = evaluate(expect ?? {}, result);
  const all = verdicts.length > 0 || result.ok ? verdicts : [{ label: 'completes without error', ok: false, expected: 'no error', actual: result.error?.message ?? 'failed' }];
  return label ? all.map((v) => ({ ...v, label: `${label}: ${v.label}` })) : all;
}

/** Runs a verification or prerequisite check and returns its verdicts. Confirmations are the session's job. */
export async function runCheck(ctx: ExecContext, check: Check, listener: ExecListener): Promise<{ verdicts: Verdict[]; result?: ActionResult }> {
  if (check.speedup) {
    const { baseline, candidate, at_least, runs, warmup } = check.speedup;
    // Inputs reach timed queries as bind parameters too, never as SQL text.
    const timeBound = (s: PgSession, sql: string) => {
      const bound = bindPlaceholders(sql, ctx.inputs);
      return timeQuery(s, bound.text, runs, warmup, bound.params);
    };
    const timings = await withConnection(ctx, check.connection, async (s) => ({
      base: await timeBound(s, baseline),
      cand: await timeBound(s, candidate),
    }));
    const v = speedupVerdict(timings.base, timings.cand, at_least);
    return { verdicts: [{ ...v, label: `${check.title}: ${v.label}` }] };
  }
  if (check.compare) {
    const { left, right } = check.compare;
    const [l, r] = [await queryOn(ctx, left.connection, left.sql), await queryOn(ctx, right.connection, right.sql)];
    const verdicts = compareVerdicts(l, r, check.compare);
    return { verdicts: verdicts.map((v) => ({ ...v, label: `${check.title}: ${v.label}` })) };
  }
  if (check.connection && ctx.runbook.connections[check.connection]?.sqlite && check.sql) {
    const path = sqlitePath(ctx, check.connection);
    // A refusal is said whole (a verdict's value is cut to fit a line).
    if (typeof path !== 'string') listener({ type: 'info', message: path.refused });
    const result = typeof path === 'string' ? querySqlite(path, check.sql) : { ...emptyResult(), ok: false, error: { kind: 'input' as const, message: path.refused } };
    return { verdicts: judge(check.expect, result, check.title), result };
  }
  const result = await runAction(ctx, { ...check, transaction: checkTransaction(ctx, check) }, listener);
  return { verdicts: judge(check.expect, result, check.title), result };
}

/**
 * A check of one statement runs without BEGIN/COMMIT around it: a single
 * statement is atomic on its own, and the wrapper would add two round trips
 * to every check (a 500-step runbook's checks: 1,000). A check of several
 * statements (SET LOCAL, then a SELECT) keeps its transaction.
 */
function checkTransaction(ctx: ExecContext, check: Check): 'auto' | 'never' {
  try {
    const sql = sqlSource(ctx.runbook, check);
    return sql && splitSql(sql.source).length === 1 ? 'never' : 'auto';
  } catch {
    return 'auto'; // the parser is not loaded, or the SQL does not parse: the step's own path reports it
  }
}
