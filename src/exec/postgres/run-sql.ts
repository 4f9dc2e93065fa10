// Running one step's SQL: split it, bind its inputs, run the statements one by
// one (in a transaction when that is safe), stream what happens as events, and
// finish with one ActionResult. Whatever goes wrong, the session is left idle:
// no statement running, no transaction open, timeouts as they were.
import { targetAddress } from '../../present/target.js';
import { LockContext, parseTreeOf, type BoundSql, type InputValue, type SqlStatement } from '../../sql/index.js';
import { addCatalogContext, needsCatalog } from './lock-catalog.js';
import { emptyResult, KEPT_ROWS } from '../types.js';
import type { ActionResult, ExecError, ExecEvent, ExecListener, LockAttempt } from '../types.js';
import { aftermath, Cancelled, describeFailure, GuardStop } from './failure.js';
import { dropInvalid, invalidBefore, invalidLeft, type InvalidIndex } from './invalid-index.js';
import { anyGuarded, guardInfos, type StatementGuardInfo } from './lock-class.js';
import { emptyObservation, pause, retryable, StepGuard, type GuardRequest } from './lock-guard.js';
import type { GuardTrip, QueueObservation } from './lock-queue.js';
import { StepTracer, type TraceMode } from './lock-trace.js';
import { PipelineError, sendPipeline, unpipelinable, type PipelineWindow } from './pipeline.js';
import { planTransaction, statementLabel } from './plan.js';
import { prepareStep } from './prepare.js';
import { BoundedText, renderOutcome } from './render.js';
import { StatementRecords } from './records.js';
import type { PgSession } from './session.js';
import { sendStatement } from './statement.js';
import type { StatementOutcome } from './statement.js';
import { applyTimeouts, setLockTimeout, settle } from './timeouts.js';

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
  /**
   * Keep the psql-style text of what the statements returned (the result's
   * `output`), for a check that reads it (default true). Rendering a table for
   * each of 1,000 statements that no check reads was a third of their cost.
   */
  keepOutput?: boolean;
  /** A step's lock guard (lock_timeout, lock_retries, max_queue, max_queue_wait); checks and fixes run without. */
  guard?: GuardRequest;
  /** --trace-locks (sandbox runs): record the locks each statement really takes, beside the predicted ones. */
  traceLocks?: boolean;
  /** What the lock model knows before the step (tables, columns and indexes made earlier); empty when not given. */
  lockContext?: LockContext;
  /**
   * A step's own SQL: report which statements commit (statement_started's
   * `commits`, commit_started, committed), so that the journal knows what a
   * resume must never run again.
   */
  track?: boolean;
  /** Start at this statement (0-based): the ones before it committed in an earlier attempt and are not sent again. */
  from?: number;
  /**
   * With `track`: awaited after a statement (or COMMIT) is reported and before
   * it is sent — the shared record has the line before the server has the
   * statement, so a resume from the record alone never runs it twice.
   */
  beforeSend?: () => Promise<void>;
  /**
   * Awaited once, when the step is ready (split, bound, its locks judged) and
   * before its first statement is announced or anything is sent: the
   * journal's line for the step's start is on disk (its fsync ran while the
   * step got ready). Awaited before the announcement, so a step stopped while
   * it waits was never in flight. If it throws, nothing of the step is sent.
   */
  beforeStart?: () => Promise<void>;
  /** With `from`: how many statements the step had then; a different count means its SQL changed, and nothing is run. */
  expectTotal?: number;
  /** Send a transactional step's statements one round trip each even where sending them at once would do (tests compare the two). */
  oneByOne?: boolean;
  /** How many statements one write of a step sent at once holds (default PIPELINE_WINDOW; tests compare windows with the whole step). */
  pipelineWindow?: PipelineWindow;
}

/**
 * What the lock model knows before the step: what earlier steps of the run
 * made (the request's context, copied so that this step's statements do not
 * leak into a retry), and what the target's catalog says about the relations
 * the step names. A catalog that cannot be read leaves the SQL's view alone.
 */
async function lockContext(session: PgSession, statements: SqlStatement[], request: SqlRequest): Promise<LockContext> {
  const context = request.lockContext?.clone() ?? new LockContext();
  const nodes = statements.map((s) => parseTreeOf(s)).filter((n): n is NonNullable<typeof n> => n !== null);
  if (needsCatalog(nodes, request.traceLocks === true)) {
    try {
      await addCatalogContext(session.client, nodes, context);
    } catch {
      // The step's own statements report any real problem with the session.
    }
  }
  return context;
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
  const from = Math.min(Math.max(0, request.from ?? 0), statements.length);
  if (from > 0 && request.expectTotal !== undefined && request.expectTotal !== statements.length) {
    return finish({
      kind: 'input',
      message: `Nothing was run: statements 1–${from} of this step committed in an earlier attempt, when it had ${request.expectTotal} statements; it has ${statements.length} now (its SQL changed). Put the SQL back as it was to continue, or check the database and skip the step with a reason.`,
    });
  }

  // The lock guard watches only a step that takes a lock stronger than ROW
  // EXCLUSIVE (or one the lock model cannot see into); such a step runs under
  // the runbook's lock_timeout too, where another keeps only its own.
  const version = session.target.serverVersionNum;
  const context = request.guard || request.traceLocks ? await lockContext(session, statements, request) : null;
  // The tracer reads every statement's facts; the guard only those of a step it watches (most steps' are let go unkept).
  let infos = context && (request.traceLocks || anyGuarded(statements, version, context.clone())) ? guardInfos(statements, version, context) : null;
  const guard = request.guard && infos?.some((i) => i.guarded) ? new StepGuard(session, request.guard, listener) : null;
  const tracer = request.traceLocks ? new StepTracer(session.client, session.target.backendPid, () => session.openSide('trace'), (trace) => listener({ type: 'lock_trace', trace })) : null;
  // Only the guard and the tracer read the statements' lock facts: without them, 100,000 of those need not live through the step.
  const run = new StepRun(session, request, listener, statements, bound, plan, guard, guard || tracer ? infos : null, result, tracer, from);
  infos = null; // (this function's locals live as long as the step runs)
  const lockTimeoutMs = guard ? request.guard?.lockTimeoutMs : request.lockTimeoutMs;
  // No guard or tracer between statements, no bound inputs, no transaction control: sent at once (pipeline.ts).
  const pipelined = plan.wrap && !guard && !tracer && request.oneByOne !== true && unpipelinable(statements, bound, from) === null;

  const client = session.client;
  const onAbort = () => run.abort();
  client.on('notice', run.onNotice);
  signal?.addEventListener('abort', onAbort, { once: true });

  let restoreTimeouts: (() => Promise<void>) | null = null;
  let failure: ExecError | undefined;
  try {
    if (request.beforeStart) await request.beforeStart();
    restoreTimeouts = await applyTimeouts(client, request.timeoutMs, lockTimeoutMs, guard !== null);
    failure = !plan.wrap ? await run.oneByOne(signal) : pipelined ? await run.pipelined() : await run.wrapped(signal);
  } catch (err) {
    failure = run.describe(err, run.failedAt, null, lockTimeoutMs);
  } finally {
    client.off('notice', run.onNotice);
    signal?.removeEventListener('abort', onAbort);
    await run.settled(); // no cancel may still be on its way when we clean up
    await guard?.close();
    await tracer?.close();
  }

  // Leave nothing open: roll back our transaction, or one the step's own BEGIN opened.
  const lost = session.lost !== null || failure?.kind === 'connection';
  let rolledBackOwn = false;
  if (!lost) {
    if (session.inTransaction) {
      rolledBackOwn = !plan.wrap;
      await settle(client, 'ROLLBACK');
      if (!failure) failure = unfinishedTransaction(statements);
    } else if ((run.cancelled || run.guardCancelled) && failure) {
      await settle(client, 'SELECT 1'); // the session answers again, and no late cancel lingers
    }
  }
  if (restoreTimeouts && !lost) await restoreTimeouts().catch(() => {});
  if (failure) {
    const after = aftermath({ wrapped: plan.wrap, implicit: plan.wrap && !run.explicit, lost, failedAt: run.failedAt, statements, done: run.records, rolledBackOwn });
    failure = { ...failure, message: `${failure.message} ${after}` };
  }
  run.fillResult();
  return finish(failure);
}

/** The statements of one step as they run: events, results, cancellation, and the guard's attempts. */
class StepRun {
  readonly output = new BoundedText();
  /** Every statement answered, counted; the first and newest records kept (records.ts). */
  readonly records = new StatementRecords();
  private lastRows: StatementOutcome | null = null;
  private lastOutcome: StatementOutcome | null = null;
  private running = false;
  cancelled = false;
  /** The guard cancelled a statement of ours at least once. */
  guardCancelled = false;
  private cancelLoop: Promise<void> = Promise.resolve();
  private listenerFailure: unknown = null;
  /** Index of the statement being run (statements.length: our COMMIT). */
  failedAt = -1;
  /** One statement is all-or-nothing by itself (the server runs it in a transaction of its own): BEGIN and COMMIT would only add two round trips. */
  readonly explicit: boolean;
  private readonly keepRows: number;

  constructor(
    private readonly session: PgSession,
    private readonly request: SqlRequest,
    private readonly listener: ExecListener,
    private readonly statements: SqlStatement[],
    private readonly bound: BoundSql[],
    plan: { wrap: boolean },
    private readonly guard: StepGuard | null,
    private readonly infos: StatementGuardInfo[] | null,
    private readonly result: ActionResult,
    private readonly tracer: StepTracer | null = null,
    /** The first statement to send: the ones before it committed in an earlier attempt. */
    private readonly from = 0,
  ) {
    // Traced, even one statement gets its BEGIN: its locks are read before the COMMIT.
    this.explicit = plan.wrap && (statements.length - from > 1 || tracer !== null);
    this.keepRows = request.keepRows ?? KEPT_ROWS;
  }

  // Notices arrive inside pg's socket handler: a throwing listener there would
  // break the connection, so its error is carried out to the statement loop.
  readonly onNotice = (msg: { severity?: string; message?: string; detail?: string; hint?: string }): void => {
    const message = msg.message ?? '';
    if (this.request.keepNotices) this.result.notices.push(message);
    const event: Extract<ExecEvent, { type: 'notice' }> = { type: 'notice', severity: msg.severity ?? 'NOTICE', message };
    if (msg.detail) event.detail = msg.detail;
    if (msg.hint) event.hint = msg.hint;
    try {
      this.listener(event);
    } catch (err) {
      this.listenerFailure ??= err;
    }
  };

  abort(): void {
    this.cancelled = true;
    this.cancelLoop = (async () => {
      // Repeat until the statement ends: a cancel that reaches the server
      // before the statement does is ignored, and the statement would run on.
      while (this.running && !this.session.lost) {
        await this.session.cancelCurrent();
        if (this.running) await new Promise((r) => setTimeout(r, CANCEL_RETRY_MS));
      }
    })();
  }

  async settled(): Promise<void> {
    this.running = false;
    await this.cancelLoop;
  }

  describe(err: unknown, failedAt: number, trip: GuardTrip | null, lockTimeoutMs: number | null | undefined): ExecError {
    const s = this.session;
    return describeFailure(err, {
      lost: s.lost,
      where: targetAddress(s.target),
      statements: this.statements,
      bound: this.bound,
      failedAt,
      cancelled: this.cancelled,
      guardTrip: trip,
      ...(this.request.file ? { file: this.request.file } : {}),
      ...(this.request.timeoutMs ? { timeoutMs: this.request.timeoutMs } : {}),
      ...(lockTimeoutMs ? { lockTimeoutMs } : {}),
    });
  }

  /** Runs statement i, reporting it; throws what the server answered. */
  private async send(i: number): Promise<void> {
    this.failedAt = i;
    if (this.cancelled) throw new Cancelled();
    if (this.guard?.tripped) throw new GuardStop();
    const stmt = this.statements[i];
    this.announce(i, this.request.track ? !this.explicit && commitsAlone(stmt, this.session.inTransaction) : undefined);
    if (this.request.track) await this.request.beforeSend?.();
    if (this.guard && (this.infos?.[i].guarded || this.guard.watching)) {
      this.guard.current = i;
      this.guard.startWatch();
    }
    const t0 = process.hrtime.bigint();
    this.running = true;
    const outcome = await sendStatement(this.session.client, this.bound[i].text, {
      // No placeholders: the text goes alone, by the simple protocol.
      params: this.bound[i].params.length > 0 ? this.bound[i].params : null,
      keepRows: this.keepRows,
    }).finally(() => {
      this.running = false;
    });
    const durationMs = msSince(t0);
    if (this.listenerFailure) throw this.listenerFailure;
    this.record(i, outcome, durationMs, () => {
      // Back outside any transaction: everything up to here is committed (or was never transactional).
      if (this.request.track && !this.explicit && !this.session.inTransaction) this.listener({ type: 'committed', through: i, total: this.statements.length });
    });
  }

  /** Statement i goes out (`commits`: see ExecEvent; only a step's own statements carry it). */
  private announce(i: number, commits: boolean | undefined): void {
    this.failedAt = i;
    const stmt = this.statements[i];
    this.listener({ type: 'statement_started', index: i, total: this.statements.length, text: stmt.text, line: stmt.line, ...(this.request.file ? { file: this.request.file } : {}), ...(commits === undefined ? {} : { commits }) });
  }

  /** Statement i was answered: its events, output and record. */
  private record(i: number, outcome: StatementOutcome, durationMs: number, afterFinished?: () => void): void {
    const stmt = this.statements[i];
    const command = outcome.tag ?? stmt.command;
    this.listener({ type: 'statement_finished', index: i, command, rowCount: outcome.rowCount, durationMs });
    afterFinished?.();
    if (outcome.columns) {
      this.listener({ type: 'rows', columns: outcome.columns, ...(outcome.types ? { types: outcome.types } : {}), rows: outcome.text, total: outcome.total, truncated: outcome.total > outcome.text.length });
      this.lastRows = outcome;
    }
    if (this.request.keepOutput !== false) this.output.append(renderOutcome(outcome, isExplain(stmt)));
    this.records.add({ index: i, text: stmt.text, line: stmt.line, command, rowCount: outcome.rowCount, durationMs });
    this.lastOutcome = outcome;
  }

  /**
   * All statements in one transaction, sent at once (pipeline.ts): BEGIN and the
   * statements in windows written ahead of their answers, the answers read as they
   * come, then the COMMIT. Two round trips for the step (a window of 1,000
   * statements holds most steps); the events are those of one by one.
   */
  async pipelined(): Promise<ExecError | undefined> {
    const client = this.session.client;
    const total = this.statements.length;
    let failedAt = this.from;
    try {
      if (this.cancelled) throw new Cancelled();
      this.announce(this.from, this.request.track ? false : undefined);
      // The shared record has the first statement's line before the server has any (the others commit nothing until the COMMIT).
      if (this.request.track) await this.request.beforeSend?.();
      if (this.listenerFailure) throw this.listenerFailure;
      // Inside pg's socket handler a throwing listener would break the connection: its error is carried out, as a notice listener's is.
      const hold = (report: () => void) => {
        if (this.listenerFailure) return;
        try {
          report();
        } catch (err) {
          this.listenerFailure = err;
        }
      };
      this.running = true;
      await sendPipeline(client, this.bound, this.from, this.keepRows, {
        started: (i) => hold(() => this.announce(i, this.request.track ? false : undefined)),
        finished: (i, outcome, ms) => hold(() => this.record(i, outcome, ms)),
      }, this.request.pipelineWindow).finally(() => {
        this.running = false;
        failedAt = this.failedAt;
      });
      if (this.listenerFailure) throw this.listenerFailure;
      this.failedAt = total;
      // A cancel that came after the last statement still stops the commit.
      if (this.cancelled) throw new Cancelled();
      if (this.request.track) {
        this.listener({ type: 'commit_started', through: total - 1 });
        await this.request.beforeSend?.();
      }
      await client.query('COMMIT');
      if (this.request.track) this.listener({ type: 'committed', through: total - 1, total });
      return undefined;
    } catch (err) {
      if (err instanceof PipelineError) {
        this.failedAt = err.index;
        return this.describe(err.error, err.index, null, this.request.lockTimeoutMs);
      }
      return this.describe(err, this.failedAt === total ? total : failedAt, null, this.request.lockTimeoutMs);
    }
  }

  /**
   * All statements in one transaction. Under the guard, a transaction stopped
   * by lock_timeout or by the queue guard was rolled back whole, so it is run
   * again whole, by the retry policy.
   */
  async wrapped(signal?: AbortSignal): Promise<ExecError | undefined> {
    const client = this.session.client;
    const guard = this.guard;
    const attempts = guard?.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      const t0 = process.hrtime.bigint();
      const lockTimeoutMs = guard ? guard.lockTimeoutFor(attempt) : this.request.lockTimeoutMs;
      try {
        if (guard) await setLockTimeout(client, lockTimeoutMs ?? null);
        if (this.explicit) await client.query('BEGIN');
        for (let i = this.from; i < this.statements.length; i++) {
          if (this.tracer) await this.tracer.before(i, this.statements[i].command, this.infos?.[i].facts ?? null, 'in-transaction');
          await this.send(i);
          await this.tracer?.after();
        }
        this.failedAt = this.statements.length;
        if (this.explicit) {
          // A cancel that came after the last statement still stops the commit.
          if (this.cancelled) throw new Cancelled();
          if (guard?.tripped) throw new GuardStop();
          const last = this.statements.length - 1;
          if (this.request.track) {
            this.listener({ type: 'commit_started', through: last });
            await this.request.beforeSend?.();
          }
          await client.query('COMMIT');
          if (this.request.track) this.listener({ type: 'committed', through: last, total: this.statements.length });
        }
        this.tracer?.flush();
        const obs = await guard?.stopWatch();
        if (guard && obs && worthRecording(attempt, obs)) guard.report(this.attemptRecord(this.strongIndex(), 'done', attempt, 'step', t0, lockTimeoutMs ?? null, obs));
        return undefined;
      } catch (err) {
        const obs = guard ? ((await guard.stopWatch()) ?? emptyObservation()) : null;
        if (obs?.trip) this.guardCancelled = true;
        await this.tracer?.abandon();
        const failure = this.describe(err, this.failedAt, obs?.trip ?? null, lockTimeoutMs);
        if (!guard || !obs || this.session.lost || failure.kind === 'connection') {
          if (this.tracer && !this.session.lost && this.session.inTransaction) await settle(client, 'ROLLBACK');
          this.tracer?.flush();
          return failure;
        }
        if (this.session.inTransaction) await settle(client, 'ROLLBACK');
        this.tracer?.flush();
        const outcome = guard.outcomeOf(err, obs, this.cancelled);
        const index = Math.min(this.failedAt, this.statements.length - 1);
        const retry = retryable(outcome) && attempt < attempts;
        const wait = retry ? guard.backoff(attempt + 1) : undefined;
        guard.report(this.attemptRecord(index, outcome, attempt, 'step', t0, lockTimeoutMs ?? null, obs, wait));
        if (!retry) return attempts > 1 && outcome !== 'cancelled' ? tried(failure, attempt) : failure;
        // Rolled back: nothing of this attempt stays.
        this.records.clear();
        if (!(await pause(wait!, signal)) || this.cancelled) return this.cancelledWaiting(index);
      }
    }
  }

  /**
   * Each statement commits on its own. Under the guard, only the statement
   * that was stopped by lock_timeout or by the queue guard is run again: the
   * ones before it are committed and never run twice. A CONCURRENTLY index
   * build that failed leaves an INVALID index; it is found and dropped before
   * the retry.
   */
  async oneByOne(signal?: AbortSignal): Promise<ExecError | undefined> {
    const client = this.session.client;
    const guard = this.guard;
    for (let i = this.from; i < this.statements.length; i++) {
      const info = this.infos?.[i];
      const guarded = guard !== null && info?.guarded === true;
      const attempts = guarded ? guard.attempts : 1;
      let leftover: Awaited<ReturnType<typeof invalidLeft>> = [];
      const stmt = this.statements[i];
      for (let attempt = 1; ; attempt++) {
        const traceMode = this.traceMode(stmt);
        let ownTransaction = false;
        const t0 = process.hrtime.bigint();
        const lockTimeoutMs = guarded ? guard.lockTimeoutFor(attempt) : undefined;
        let before: Set<number> | null = null;
        let cleaned: InvalidIndex[] | undefined;
        try {
          this.failedAt = i;
          if (guarded) await setLockTimeout(client, lockTimeoutMs ?? null);
          if (leftover.length > 0) {
            // What the last attempt left and could not drop then: dropped first, or this attempt fails as the drop did.
            cleaned = await dropInvalid(client, leftover);
            leftover = leftover.filter((_, k) => !cleaned![k].dropped);
            const failed = cleaned.find((c) => !c.dropped);
            if (failed) throw new InvalidLeft(failed);
          }
          if (guarded && info?.concurrentIndex && !this.session.inTransaction) before = await invalidBefore(client, info.concurrentIndex).catch(() => null);
          if (traceMode === 'own-transaction') {
            await client.query('BEGIN');
            ownTransaction = true;
          }
          if (this.tracer && traceMode) await this.tracer.before(i, stmt.command, info?.facts ?? null, traceMode);
          await this.send(i);
          await this.tracer?.after();
          if (ownTransaction) {
            await client.query('COMMIT');
            ownTransaction = false;
          }
          if (!this.session.inTransaction) this.tracer?.flush();
          const obs = guard ? await guard.stopWatch() : null;
          if (guard && obs && (cleaned || worthRecording(attempt, obs))) guard.report({ ...this.attemptRecord(i, 'done', attempt, 'statement', t0, lockTimeoutMs ?? null, obs), ...(cleaned ? { invalidIndexes: cleaned } : {}) });
          break;
        } catch (err) {
          const obs = guarded ? ((await guard.stopWatch()) ?? emptyObservation()) : null;
          if (obs?.trip) this.guardCancelled = true;
          await this.tracer?.abandon();
          // The transaction tracing opened around this one statement is not the step's own.
          if (ownTransaction && !this.session.lost && this.session.inTransaction) await settle(client, 'ROLLBACK');
          if (!this.session.inTransaction) this.tracer?.flush();
          const cause = err instanceof InvalidLeft ? err.cause : err;
          let failure = this.describe(cause, i, obs?.trip ?? null, lockTimeoutMs);
          if (!guarded || !obs || this.session.lost || failure.kind === 'connection') return failure;
          const outcome = guard.outcomeOf(cause, obs, this.cancelled);
          const noRetry = this.session.inTransaction ? 'it ran inside a transaction the step opened itself, which is now aborted' : (info?.noRetry ?? null);
          let retry = retryable(outcome) && attempt < attempts && !noRetry;
          if (before && info?.concurrentIndex) {
            const left = await invalidLeft(client, info.concurrentIndex, before).catch(() => []);
            if (left.length > 0 && retry) {
              cleaned = [...(cleaned ?? []), ...(await dropInvalid(client, left))];
              leftover = left.filter((r) => !cleaned!.some((c) => c.name === r.regclass && c.dropped));
            } else if (left.length > 0) {
              cleaned = [...(cleaned ?? []), ...left.map((r) => ({ name: r.regclass, table: r.table, dropped: false }))];
            }
          }
          if (!retry && leftover.length + (cleaned?.filter((c) => !c.dropped).length ?? 0) > 0) {
            const names = [...new Set((cleaned ?? []).filter((c) => !c.dropped).map((c) => c.name))];
            failure = { ...failure, message: `${failure.message} It left the INVALID index ${names.join(', ')}: drop it (${names.map((n) => `DROP INDEX CONCURRENTLY ${n}`).join('; ')}) before running it again.` };
          }
          retry &&= !this.cancelled;
          const wait = retry ? guard.backoff(attempt + 1) : undefined;
          guard.report({
            ...this.attemptRecord(i, outcome, attempt, 'statement', t0, lockTimeoutMs ?? null, obs, wait),
            ...(cleaned ? { invalidIndexes: cleaned } : {}),
            ...(noRetry && attempt < attempts && retryable(outcome) ? { noRetry } : {}),
          });
          if (!retry) return attempts > 1 && outcome !== 'cancelled' ? tried(failure, attempt) : failure;
          if (!(await pause(wait!, signal)) || this.cancelled) return this.cancelledWaiting(i);
        }
      }
    }
    this.failedAt = this.statements.length;
    return undefined;
  }

  /**
   * How --trace-locks reads statement `stmt`'s locks when the step runs
   * without a transaction: sampled when it cannot run in one, inside the
   * step's own transaction when one is open, else in a transaction of its
   * own (read before its COMMIT). Transaction control is not traced.
   */
  private traceMode(stmt: SqlStatement): TraceMode {
    if (!this.tracer || stmt.kind === 'transaction') return null;
    if (stmt.noTransaction) return 'sampled';
    return this.session.inTransaction ? 'in-transaction' : 'own-transaction';
  }

  /** The statement a transactional step's record is about: its first guarded one. */
  private strongIndex(): number {
    return Math.max(0, this.infos?.findIndex((i) => i.guarded) ?? 0);
  }

  private attemptRecord(
    index: number,
    outcome: LockAttempt['outcome'],
    attempt: number,
    scope: LockAttempt['scope'],
    t0: bigint,
    lockTimeoutMs: number | null,
    obs: QueueObservation,
    retryInMs?: number,
  ): LockAttempt {
    return {
      index,
      command: this.statements[index].command,
      attempt,
      attempts: this.guard?.attempts ?? 1,
      scope,
      outcome,
      durationMs: msSince(t0),
      lockTimeoutMs,
      waitedMs: obs.waitedMs,
      blockers: obs.blockers,
      queueMax: obs.queueMax,
      queueWaitMaxMs: obs.queueWaitMaxMs,
      ...(obs.trip ? { trip: obs.trip } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    };
  }

  private cancelledWaiting(index: number): ExecError {
    const stmt = this.statements[index];
    return {
      kind: 'cancelled',
      message: `Cancelled by the operator while waiting to retry ${statementLabel(stmt, index, this.statements.length, this.request.file)}.`,
      statementIndex: index,
      line: stmt.line,
      column: stmt.column,
    };
  }

  /** Columns, rows and count of the last row-returning statement, else the last statement's affected rows. */
  fillResult(): void {
    const result = this.result;
    result.output = this.output.toString();
    result.statements = this.records.list();
    result.statementCount = this.records.count;
    if (this.lastRows?.columns) {
      const columns = this.lastRows.columns;
      result.columns = columns;
      result.rows = this.lastRows.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
      result.rowCount = this.lastRows.total;
    } else if (this.lastOutcome) {
      result.rowCount = this.lastOutcome.rowCount ?? 0;
    }
  }
}

/** A drop of an INVALID index, before a retry, failed: the attempt fails as the drop did. */
class InvalidLeft extends Error {
  constructor(readonly index: InvalidIndex) {
    super(index.error ?? `could not drop ${index.name}`);
  }
  override get cause(): unknown {
    return Object.assign(new Error(this.message), { code: /lock timeout/i.test(this.message) ? '55P03' : undefined });
  }
}

/** A first attempt that got its lock with nobody in its way and nobody behind it is not worth a record; any other is. */
function worthRecording(attempt: number, obs: QueueObservation): boolean {
  return attempt > 1 || obs.queueMax > 0 || obs.blockers.length > 0 || (obs.waitedMs ?? 0) > 0;
}

/** The error of the last attempt, saying how many there were. */
function tried(failure: ExecError, attempts: number): ExecError {
  return { ...failure, message: `${failure.message} (attempt ${attempts}; lock_retries allows no more)` };
}

/**
 * Whether a statement, were it to complete, commits work by itself: one sent
 * outside a transaction (autocommit) other than BEGIN, and the step's own
 * COMMIT. One inside the step's own transaction block commits nothing until that does.
 */
function commitsAlone(stmt: SqlStatement, inTransaction: boolean): boolean {
  const command = stmt.command.toUpperCase();
  if (stmt.kind === 'transaction') return /^(COMMIT|END)/.test(command) && !/PREPARED/.test(command) ? inTransaction : /PREPARED/.test(command);
  return !inTransaction;
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

function isExplain(stmt: SqlStatement): boolean {
  return stmt.kind === 'explain' || /^\s*explain\b/i.test(stmt.text);
}

function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
