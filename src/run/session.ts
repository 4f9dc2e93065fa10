// A run in progress: owns the state, asks the engine what comes next, has the
// executors do it, and turns what they report into events. Renderers and the
// journal subscribe; the operator answers questions. The only place where the
// engine, the executors and the person meet.
import { matchTroubleshooting } from '../checks/troubleshoot.js';
import type { Verdict } from '../checks/verdict.js';
import type { RunEvent } from '../engine/events.js';
import { firstStatements } from '../present/output.js';
import { autoWords } from '../present/decision.js';
import { targetChangesText } from '../present/target.js';
import { createRun, findItem, nextMove, stepsFor } from '../engine/plan.js';
import { checkOutput, reduce } from '../engine/reducer.js';
import type { InputValue, ItemState, RunKind, RunState, StatementProgress, StepFinding } from '../engine/state.js';
import { connect, isExecFailure, onlyMinorUpgrade, queryValues, targetDiff, type PgSession } from '../exec/postgres/index.js';
import { emptyResult } from '../exec/types.js';
import { bindPlaceholders } from '../sql/index.js';
import type { ExecError, ExecEvent } from '../exec/types.js';
import type { Runbook } from '../runbook/load.js';
import type { Check, Step } from '../runbook/schema.js';
import { dangerReasons, changesData } from './danger.js';
import { approvalReason } from './approval-policy.js';
import type { ApprovalDesk } from '../fleet/approvals.js';
import { stepLockViews, type StepLockViews } from './findings.js';
import { DEFAULT_SERVER_VERSION_NUM } from '../sql/findings.js';
import { guardPolicy } from './guard-policy.js';
import type { GuardRequest } from '../exec/postgres/lock-guard.js';
import { runAction, runCheck, judge, sqlSource, type ExecContext } from './executor.js';
import { withEarlierNotices } from './earlier-notices.js';
import { inferLegacyProgress } from './legacy-progress.js';
import { resolveInputs } from './inputs.js';
import { reconcile } from '../journal/reconcile.js';
import { sessionApplicationName } from '../journal/leftovers.js';
import { consentOf, type Operator } from './operator.js';
import { passwordOf, secretInputValues, Secrets } from '../exec/secrets.js';

/**
 * Told every event, after the state took it. A listener may return a promise
 * for an item's start (item_started): the journal does, whose line for it is
 * fsync'ed in the background while the step gets ready (JournalWriter.event).
 * The item waits for it once it is ready to act — a SQL step before its first
 * statement is announced (SqlRequest.beforeStart), any other before its
 * command starts — so nothing of it happens, nor is said to be in flight,
 * before its start is on disk; if it rejects, the step fails with nothing run.
 */
export type Listener = (state: RunState, event: RunEvent) => void | Promise<void>;

/**
 * The operator quit (the screen's q) while a question was open: the question's
 * "no" is then no answer, and nothing is recorded for it. The item is left as
 * it was, and a resume asks again (journal/reconcile.ts).
 */
class QuitAtQuestion extends Error {}

/** The target is not the one the run was pinned to: the run stops (exit code: could not connect or the target changed). */
class TargetChanged extends Error {}

export interface SessionOptions {
  runbook: Runbook;
  /** The target database URL (with password; never printed). */
  url: string;
  operator: Operator;
  kind?: RunKind;
  procedureId?: string;
  /** Steps to run instead of the runbook's (a rollback plan). */
  steps?: readonly Step[];
  /** Inputs given up front (--input, sandbox defaults). */
  inputs?: Record<string, string | number | boolean>;
  clock?: () => number;
  /** Resume: start from this state (replayed from a journal) instead of a new run; an item left running is reconciled first. */
  resumeFrom?: RunState;
  /** The run's connection, opened ahead (while the run lock was taken): used instead of connecting, and closed if the run never gets to it. */
  connection?: Promise<PgSession>;
  /** False for a throwaway embedded sandbox, whose fixed password ("sandbox") is no secret: masking that word would damage the record. */
  passwordIsSecret?: boolean;
  /** --trace-locks (sandbox runs): each step's statements are traced in pg_locks beside the lock model's prediction. */
  traceLocks?: boolean;
  /** Settings of the lock guard that are not the runbook's: a seeded jitter, faster polling (tests). */
  guard?: Pick<GuardRequest, 'random' | 'delayMs' | 'intervalMs'>;
  /** resume --accept-target-change: a minor upgrade of the server since the run was pinned is taken. */
  acceptTargetChange?: boolean;
  /** The run's id (in the connection's application_name). */
  runId?: string;
  /**
   * The operator's answer, given in advance (resume --in-flight), for a
   * statement whose commit is unknown and that the step's applied: query
   * cannot settle: it took effect, or it did not. Used once.
   */
  inFlight?: 'applied' | 'not-applied';
  /** Where a step that needs a second person's approval waits for it (fleet/approvals.ts); without it such a step fails the run. */
  approvals?: ApprovalDesk;
  /** Who asks for approvals (the record's operator). */
  operatorName?: string;
  /** Awaited before each statement of a step goes out: the shared record's writes so far (journal/record.ts). */
  beforeSend?: () => Promise<void>;
}

/** Events an item's action reports that are written before the next thing is sent: the journal must know what is on its way to the server. */
const FLUSHED_AT_ONCE: ReadonlySet<ExecEvent['type']> = new Set(['statement_started', 'commit_started', 'committed']);

export class RunSession {
  private latest: RunState;
  /** What an item's action reported in the current synchronous burst: one item_output event at its end (see output). */
  private pendingOutput: { key: string; events: ExecEvent[]; at: number } | undefined;
  /** A listener's failure (the journal's disk is full...) while applying a burst, raised at the next event. */
  private outputFailure: unknown;
  private readonly listeners = new Set<Listener>();
  private readonly clock: () => number;
  private pg: PgSession | undefined;
  private current: AbortController | undefined;
  /** Stepping through was switched off ("run the rest") by the operator. */
  private runRest = false;
  private readonly steps: readonly Step[];
  /** The steps by id (the first of an id, as a scan would find it): looked up a few times per step. */
  private readonly stepById = new Map<string, Step>();
  /** Known secret values, masked in every event before anyone sees it (exec/secrets.ts). */
  private readonly secrets: Secrets;
  /** Inputs whose values are the runbook's defaults, not the operator's (see ExecContext.runbookChosen). */
  private runbookChosen: ReadonlySet<string>;

  constructor(private options: SessionOptions) {
    // A failure to open it is dealt with when the run comes to connect (see connect).
    options.connection?.catch(() => {});
    this.clock = options.clock ?? Date.now;
    const kind = options.kind ?? 'runbook';
    this.steps = options.steps ?? stepsFor(options.runbook, kind, options.procedureId);
    for (const step of this.steps) if (!this.stepById.has(step.id)) this.stepById.set(step.id, step);
    this.latest = options.resumeFrom ?? createRun(options.runbook, { kind, procedureId: options.procedureId, steps: this.steps, at: this.clock() });
    this.secrets = new Secrets([options.passwordIsSecret === false ? undefined : passwordOf(options.url), ...secretInputValues(options.runbook.inputs, options.resumeFrom?.inputs)]);
    // A resumed run's journal does not say who gave a value: one equal to the runbook's default is taken as the runbook's.
    const fixed = options.resumeFrom?.inputs ?? {};
    this.runbookChosen = new Set(Object.entries(options.runbook.inputs).filter(([name, spec]) => spec.default !== undefined && fixed[name] !== undefined && String(fixed[name]) === String(spec.default)).map(([name]) => name));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The run's state, with every event emitted so far applied. */
  get state(): RunState {
    this.flushQueued();
    return this.latest;
  }

  /**
   * Applies an event and tells the listeners; output gathered so far comes first.
   * This is where database and shell text enters the run: known secrets are
   * masked here, so the state and every listener only ever hold the masked text.
   */
  private emit(raw: RunEvent): void {
    this.raiseOutputFailure();
    this.flushOutput();
    if (raw.type === 'inputs_set') this.secrets.add(...secretInputValues(this.options.runbook.inputs, raw.inputs));
    // The inputs stay as given (the run binds them; every channel replaces secret ones); the target is built without the password.
    const event = raw.type === 'inputs_set' || raw.type === 'target_pinned' ? raw : this.secrets.value(raw);
    this.latest = reduce(this.latest, event);
    for (const listener of this.listeners) {
      const held = listener(this.latest, event);
      if (held && event.type === 'item_started') {
        held.catch(() => {}); // awaited (and its failure reported) by the item's first effect; an item without one has none to report
        this.held.push(held);
      }
    }
  }

  /** What an item's first effect waits for: the listeners' promises for its start (see Listener). */
  private held: Promise<void>[] = [];

  /** Resolves once every listener's promise for the items started so far has (the journal's line on disk); throws the first failure. */
  private async started(): Promise<void> {
    if (this.held.length === 0) return;
    // A copy: a start told while this waits is pushed onto this.held, and must stay there for its own item.
    const held = this.held.slice();
    await Promise.all(held);
    // Only appended to, so the ones awaited are the first held.length.
    this.held = this.held.slice(held.length);
  }

  /**
   * What an item's action reports (a notice, a printed line...) can come by the
   * thousand in one burst from the socket: the burst is checked at its first,
   * and becomes one item_output event at its end (a microtask), or before the
   * next event, whichever comes first. Applied, passed on and journalled once
   * per burst, not once per line.
   */
  private output(key: string, event: ExecEvent): void {
    this.raiseOutputFailure();
    if (this.pendingOutput?.key !== key) {
      this.flushOutput();
      // Checked once per burst: any other event flushes the burst first, so the state it was checked against stands.
      checkOutput(this.latest, key);
      this.pendingOutput = { key, events: [], at: this.clock() };
      queueMicrotask(() => this.flushQueued());
    }
    this.pendingOutput.events.push(event);
    // Before the statement (or COMMIT) goes out, the journal has its line: a runner killed while it runs leaves it named as in flight.
    // A statement inside a transaction commits nothing by itself: it waits for the burst (a batch of thousands is one journal line).
    if (FLUSHED_AT_ONCE.has(event.type) && !(event.type === 'statement_started' && event.commits !== true)) this.flushOutput();
  }

  private flushQueued(): void {
    try {
      this.flushOutput();
    } catch (err) {
      this.outputFailure ??= err;
    }
  }

  private raiseOutputFailure(): void {
    const failure = this.outputFailure;
    if (failure === undefined) return;
    this.outputFailure = undefined;
    throw failure;
  }

  private flushOutput(): void {
    const pending = this.pendingOutput;
    if (!pending) return;
    this.pendingOutput = undefined;
    const event = this.secrets.value<RunEvent>({ type: 'item_output', ...pending });
    this.latest = reduce(this.latest, event);
    for (const listener of this.listeners) listener(this.latest, event);
  }

  /** A wait for an approval in progress: aborted by q or Ctrl-C. */
  private approvalWait: AbortController | undefined;

  /** Ctrl-C: cancel what is running on the server; the item is marked interrupted. While a step waits for approval: stop waiting. */
  interrupt(): boolean {
    if (this.approvalWait) {
      this.requestStop('interrupted while waiting for an approval');
      return true;
    }
    if (!this.current) return false;
    this.current.abort();
    return true;
  }

  get target(): PgSession | undefined {
    return this.pg;
  }

  private stopReason: string | undefined;

  /** The operator quit (the screen's q): stop before the next item starts; the run ends aborted, its record kept for a resume. */
  requestStop(reason = 'stopped by the operator'): void {
    this.stopReason ??= reason;
    this.approvalWait?.abort();
  }

  /** Runs until the run ends; returns the final state. Always closes the connection. */
  async run(): Promise<RunState> {
    try {
      if (this.state.target && !this.state.ended && !this.pg) await this.reattach();
      for (;;) {
        const move = nextMove(this.state);
        if (move.type === 'ended') return this.state;
        if (this.stopReason) {
          this.end('aborted', this.stopReason);
          continue;
        }
        if (move.type === 'ask_inputs') {
          if (!(await this.settleInputs())) this.end('aborted', 'inputs were not given');
        } else if (move.type === 'pin_target') await this.pinTarget();
        else if (move.type === 'run') await this.runItem(move.key);
        else if (move.type === 'blocked') await this.handleBlocked(move.key);
        else this.end('succeeded');
      }
    } catch (err) {
      if (err instanceof QuitAtQuestion && !this.state.ended) this.end('aborted', this.stopReason);
      else if (!this.state.ended) {
        const cause = err instanceof TargetChanged ? 'target' : isExecFailure(err) && err.error.kind === 'connection' ? 'connection' : undefined;
        this.end('failed', err instanceof Error ? err.message : String(err), cause);
      }
      return this.state;
    } finally {
      await this.pg?.close().catch(() => {});
      await this.takeConnection()
        ?.then((unused) => unused.close())
        .catch(() => {});
    }
  }

  /** The connection opened ahead, once; undefined after that. */
  private takeConnection(): Promise<PgSession> | undefined {
    const opened = this.options.connection;
    this.options = { ...this.options, connection: undefined };
    return opened;
  }

  /**
   * The run's connection: the one opened ahead, unless it failed or the server
   * dropped it while the operator filled in the inputs (idle_session_timeout);
   * then a new one, whose error, if any, is the one to report.
   */
  private async connect(): Promise<PgSession> {
    const ahead = await this.takeConnection()?.catch(() => undefined);
    if (ahead && !ahead.lost) return ahead;
    await ahead?.close().catch(() => {});
    return connect(this.options.url, { applicationName: sessionApplicationName(this.options.runbook.id, this.options.runId) });
  }

  private end(outcome: 'succeeded' | 'failed' | 'aborted', reason?: string, cause?: 'connection' | 'target'): void {
    this.emit({ type: 'run_ended', outcome, reason, at: this.clock(), ...(cause ? { cause } : {}) });
  }

  private async settleInputs(): Promise<boolean> {
    const specs = this.options.runbook.inputs;
    let given: Record<string, string | number | boolean> = { ...(this.options.inputs ?? {}) };
    for (;;) {
      const { values, problems, missing } = resolveInputs(specs, given);
      if (problems.length === 0 && missing.length === 0) {
        this.runbookChosen = new Set(Object.keys(values).filter((name) => !(name in given) && specs[name]?.default !== undefined));
        this.emit({ type: 'inputs_set', inputs: values, at: this.clock() });
        return true;
      }
      const answer = await this.options.operator.askInputs(specs, values, missing, problems.map((p) => p.message));
      if (!answer) return false;
      given = { ...given, ...answer };
    }
  }

  private async pinTarget(): Promise<void> {
    this.pg = await this.connect();
    this.emit({ type: 'target_pinned', target: this.pg.target, at: this.clock() });
  }

  /** Resuming: reconnect to the pinned target; refuse if it is another server or database. */
  private async reattach(): Promise<void> {
    this.pg = await this.connect();
    const now = this.pg.target;
    // A new connection has a backend of its own, and the server may have restarted since; the rest must match.
    const same = { ...this.state.target!, backendPid: now.backendPid, serverStartedAt: now.serverStartedAt };
    const changes = targetDiff(same, now);
    // A minor upgrade was shown and accepted before the run got here (resume --accept-target-change): the new version is pinned.
    const accepted = this.options.acceptTargetChange && onlyMinorUpgrade(same, now);
    if (changes.length > 0 && !accepted) throw new TargetChanged(`the target is not the one this run was pinned to (${targetChangesText(changes)})`);
    this.emit({ type: 'target_pinned', target: now, at: this.clock() });
  }

  /** An item left running by a run that stopped: run its verification again before anything else. */
  private async reconcile(item: ItemState): Promise<void> {
    const step = item.kind === 'step' ? this.stepById.get(item.id) : undefined;
    const source = step && item.progress?.legacy ? sqlSource(this.options.runbook, step) : undefined;
    if (step && source) {
      // A journal from before commits were recorded: what committed is inferred first, and said.
      const inferred = inferLegacyProgress(source.source, step.transaction, item.progress!);
      if ('refused' in inferred) {
        this.output(item.key, { type: 'info', message: inferred.refused });
        const reason = `reconciled: UNKNOWN — ${inferred.refused}; check the database by hand, then \`runbook resume --retry\` (runs the step from its first statement) or --skip`;
        this.emit({ type: 'item_interrupted', key: item.key, unknown: true, reason, at: this.clock() });
        return;
      }
      for (const event of inferred.events) this.output(item.key, event);
      item = findItem(this.state, item.key)!;
    }
    await reconcile(item, step, { verify: (check) => this.check(this.context(), check, item.key), emit: (e) => this.emit(e), clock: this.clock });
  }

  private context(signal?: AbortSignal): ExecContext {
    return { runbook: this.options.runbook, target: this.pg!, targetUrl: this.options.url, inputs: this.state.inputs ?? {}, runbookChosen: this.runbookChosen, signal };
  }

  private listener(key: string) {
    return (event: ExecEvent) => this.output(key, event);
  }

  private async runItem(key: string): Promise<void> {
    const item = findItem(this.state, key)!;
    if (item.status === 'running') return this.reconcile(item);
    if (item.kind === 'step' && this.options.operator.beforeStep && !this.runRest) {
      const go = await this.options.operator.beforeStep(item);
      if (go === 'quit') return this.end('aborted', `stopped before step "${item.title}"`);
      if (go === 'all') this.runRest = true;
    }
    if (item.kind === 'step') {
      const step = this.stepById.get(item.id)!;
      const reasons = step.confirm ? [] : dangerReasons(this.options.runbook, step);
      if (reasons.length > 0) {
        const { ok, auto } = consentOf(await this.options.operator.confirmDanger(item, reasons, this.pg!.target.database));
        if (!ok && this.stopReason) return; // quit at the question: the step stays pending
        if (!ok) return this.refuse(key, 'the database name was not typed', reasons.join('; '));
        this.emit({ type: 'danger_confirmed', key, database: this.pg!.target.database, at: this.clock(), ...(auto ? { auto } : {}) });
      }
      const why = approvalReason(this.options.runbook, step);
      // An approval given before a resume (it is in the journal) stands.
      if (why && item.approval?.at === undefined && !(await this.awaitApproval(item, why))) return;
    }
    const findings = item.kind === 'step' ? this.findingsOf(item.id) : undefined;
    this.emit({ type: 'item_started', key, at: this.clock(), ...(findings ? { findings } : {}) });
    const started = this.clock();
    const controller = new AbortController();
    this.current = controller;
    try {
      const outcome = await this.execute(item, controller.signal);
      if (outcome === 'confirmed' || outcome === 'stopped') return;
      if (outcome.error?.kind === 'cancelled') {
        this.emit({ type: 'item_interrupted', key, reason: outcome.error.message, at: this.clock() });
        return;
      }
      this.emit({ type: 'item_finished', key, verdicts: outcome.verdicts, error: outcome.error, durationMs: this.clock() - started, at: this.clock() });
    } catch (err) {
      if (err instanceof QuitAtQuestion) return;
      const error: ExecError = { kind: 'internal', message: err instanceof Error ? err.message : String(err) };
      this.emit({ type: 'item_finished', key, verdicts: [], error, durationMs: this.clock() - started, at: this.clock() });
    } finally {
      this.current = undefined;
    }
  }

  /**
   * The step waits for a second person: the request is journalled (and so
   * seen by watchers), then the desk waits until another database role
   * approves it. False when the run stopped instead (q, Ctrl-C).
   */
  private async awaitApproval(item: ItemState, reason: string): Promise<boolean> {
    const desk = this.options.approvals;
    if (!desk) {
      this.end('failed', `step "${item.title}" needs a second person's approval (${reason}), and this run has no database to wait for one in`);
      return false;
    }
    this.emit({ type: 'approval_requested', key: item.key, reason, at: this.clock() });
    const wait = new AbortController();
    this.approvalWait = wait;
    if (this.stopReason) wait.abort();
    try {
      const given = await desk.wait({ runId: this.options.runId ?? '-', runbook: this.options.runbook.id, key: item.key, title: item.title, reason, operator: this.options.operatorName ?? 'unknown' }, wait.signal);
      if (!given) {
        this.end('aborted', `${this.stopReason ?? 'stopped'} while step "${item.title}" waited for approval`);
        return false;
      }
      this.emit({ type: 'approval_given', key: item.key, by: given.by, role: given.role, at: given.at });
      return true;
    } finally {
      this.approvalWait = undefined;
    }
  }

  /** The lock model's findings for a step, judged for the pinned server (computed once per run). */
  private findingsOf(stepId: string): StepFinding[] | undefined {
    return this.lockViews().findings.get(stepId);
  }

  /** The lock model's view of the run's steps in order (findings, and what it knows before each step), computed once per run. */
  private lockViews(): StepLockViews {
    this.lockViewsCache ??= stepLockViews(this.options.runbook, this.steps, this.pg?.target.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM);
    return this.lockViewsCache;
  }

  private lockViewsCache: StepLockViews | undefined;

  /** A step that was not allowed to run fails without running. */
  private refuse(key: string, why: string, detail: string): void {
    this.emit({ type: 'item_started', key, at: this.clock() });
    this.emit({
      type: 'item_finished',
      key,
      verdicts: [{ label: 'destructive step confirmed', ok: false, expected: 'the database name typed to confirm', actual: why }],
      error: { kind: 'input', message: `not run: ${why} (${detail})` },
      durationMs: 0,
      at: this.clock(),
    });
  }

  private async execute(item: ItemState, signal: AbortSignal): Promise<'confirmed' | 'stopped' | { verdicts: Verdict[]; error?: ExecError }> {
    const rb = this.options.runbook;
    const ctx = this.context(signal);
    if (item.kind === 'checklist') return this.confirmItem(item, item.title);
    if (item.kind === 'prerequisite') {
      const check = rb.prerequisites.find((c, i) => (c.id ?? `check-${i + 1}`) === item.id)!;
      if (check.confirm) return this.confirmItem(item, check.confirm);
      return this.check(ctx, check, item.key);
    }
    const step = this.stepById.get(item.id)!;
    if (step.confirm) return this.confirmItem(item, step.confirm);
    if (changesData(rb, step)) await this.recheckTarget();
    const isSql = step.sql !== undefined || step.sql_file !== undefined;
    if (isSql && item.progress?.inFlight && (await this.settleInFlight(item, step, item.progress)) === 'stopped') return 'stopped';
    // Progress from an older journal is inferred only for an item left running (reconcile); a retry of one that failed runs it whole.
    const journalled = findItem(this.state, item.key)!.progress;
    const progress = journalled?.legacy ? undefined : journalled;
    const committed = progress?.committed ?? 0;
    const say = (message: string) => this.output(item.key, { type: 'info', message });
    if (isSql && progress && committed > 0) {
      say(
        committed >= progress.total
          ? `all ${progress.total} statement${progress.total === 1 ? '' : 's'} of this step committed in an earlier attempt (journal): not run again; its verification runs${step.expect ? ' (its expect: on its own result was judged when it ran, or cannot be now)' : ''}`
          : `${firstStatements(committed, progress.total)} committed in an earlier attempt (journal): not run again; running ${committed + 1 === progress.total ? `statement ${progress.total}` : `statements ${committed + 1}–${progress.total}`}`,
      );
    }
    const done = isSql && progress !== undefined && committed >= progress.total && progress.total > 0;
    // A SQL step waits for its start to be on disk once it is ready to send (beforeStart); anything else before it starts.
    const progressOptions = isSql
      ? { track: true, from: committed, expectTotal: progress?.total, beforeStart: () => this.started(), ...(this.options.beforeSend ? { beforeSend: this.options.beforeSend } : {}) }
      : undefined;
    if (!isSql && !done) await this.started();
    const result = done
      ? emptyResult()
      : await runAction(ctx, step, this.listener(item.key), {
          guard: { ...guardPolicy(rb, step), ...this.options.guard },
          traceLocks: this.options.traceLocks === true,
          progress: progressOptions,
          lockContext: this.lockViews().contextBefore.get(step.id),
        });
    // Resumed part-way: the notices the committed statements raised then count for the step's notices check.
    const verdicts = done ? [] : judge(step.expect, withEarlierNotices(result, findItem(this.state, item.key)!.output, committed, step.expect?.notices !== undefined));
    if (result.error?.kind === 'cancelled') return { verdicts, error: result.error };
    if (verdicts.every((v) => v.ok) && (result.ok || step.expect?.error)) {
      for (const check of step.verify) {
        const out = await this.check(ctx, check, item.key);
        verdicts.push(...out.verdicts);
        if (out.error?.kind === 'cancelled') return { verdicts, error: out.error };
      }
    }
    return { verdicts, error: step.expect?.error ? undefined : result.error };
  }

  /**
   * A statement (or a transaction's COMMIT) of this step was sent and its end
   * never seen: whether it took effect is unknown. The operator is told what
   * is known and what is not; then the step's applied: query, or the
   * operator's answer given in advance (--in-flight), settles it. Without
   * either, nothing is asked of the database and nothing runs: the item is
   * interrupted as unknown, for the operator to decide.
   */
  private async settleInFlight(item: ItemState, step: Step, progress: StatementProgress): Promise<'settled' | 'stopped'> {
    const { index, commit } = progress.inFlight!;
    const { total, committed } = progress;
    const say = (message: string) => this.output(item.key, { type: 'info', message });
    const unit = commit ? `the transaction's COMMIT (statements ${committed + 1}–${index + 1} of ${total})` : `statement ${index + 1} of ${total}`;
    say(`known: ${committed > 0 ? `${firstStatements(committed, total)} committed` : `none of its ${total} statement${total === 1 ? '' : 's'} committed`}; unknown: whether ${unit} took effect (the connection was lost, or the runner stopped, while it ran)`);
    const stop = (why: string) => {
      this.emit({ type: 'item_interrupted', key: item.key, unknown: true, reason: `reconciled: UNKNOWN — whether ${unit} took effect; ${why}`, at: this.clock() });
      return 'stopped' as const;
    };
    if (this.options.inFlight) {
      const applied = this.options.inFlight === 'applied';
      this.options = { ...this.options, inFlight: undefined };
      this.output(item.key, { type: 'resolved', index, applied, by: 'operator' });
      return 'settled';
    }
    const query = appliedQuery(step, index, commit, total);
    const decide = 'check the database by hand, then `runbook resume --in-flight applied` (it took effect: continue after it) or `--in-flight not-applied` (run it again)';
    if ('missing' in query) return stop(`${query.missing}, so nothing is asked of the database and nothing runs: ${decide}`);
    say(`asking the database (applied:): ${query.sql.replace(/\s+/g, ' ').trim()}`);
    try {
      const bound = bindPlaceholders(query.sql, this.state.inputs ?? {});
      const r = await queryValues(this.pg!, bound.text, bound.params);
      const value = r.rows.length === 1 && r.columns.length === 1 ? r.rows[0][r.columns[0]] : undefined;
      if (typeof value !== 'boolean') return stop(`its applied: query must return one row with one boolean, and returned ${r.rows.length} row(s) of ${r.columns.length} column(s): fix it, or ${decide}`);
      this.output(item.key, { type: 'resolved', index, applied: value, by: 'applied' });
      return 'settled';
    } catch (err) {
      return stop(`its applied: query failed (${err instanceof Error ? err.message : String(err)}): ${decide}`);
    }
  }

  private async check(ctx: ExecContext, check: Check, key: string): Promise<{ verdicts: Verdict[]; error?: ExecError }> {
    if (check.confirm) {
      const { ok, auto } = consentOf(await this.options.operator.confirm(findItem(this.state, key)!, check.confirm));
      if (!ok && this.stopReason) throw new QuitAtQuestion();
      return { verdicts: [{ label: check.title, ok, expected: 'confirmed by the operator', actual: auto ? autoWords(auto) : ok ? 'confirmed' : 'not confirmed' }] };
    }
    const { verdicts, result } = await runCheck(ctx, check, this.listener(key));
    return { verdicts, error: result?.error?.kind === 'cancelled' || result?.error?.kind === 'connection' ? result.error : undefined };
  }

  private async confirmItem(item: ItemState, text: string): Promise<'confirmed' | { verdicts: Verdict[] }> {
    const { ok, auto } = consentOf(await this.options.operator.confirm(item, text));
    if (!ok && this.stopReason) throw new QuitAtQuestion();
    if (ok) {
      this.emit({ type: 'item_confirmed', key: item.key, text, at: this.clock(), ...(auto ? { auto } : {}) });
      return 'confirmed';
    }
    return { verdicts: [{ label: item.title, ok: false, expected: 'confirmed by the operator', actual: 'not confirmed' }] };
  }

  /** Before a step that changes data: is this still the server and database we pinned? */
  private async recheckTarget(): Promise<void> {
    const pinned = this.state.target!;
    const changes = targetDiff(pinned, await this.pg!.recheckTarget());
    if (changes.length > 0) {
      throw new TargetChanged(`the target changed since the run started (${targetChangesText(changes)}). Stop and check before going on.`);
    }
  }

  private async handleBlocked(key: string): Promise<void> {
    const item = findItem(this.state, key)!;
    const rb = this.options.runbook;
    const step = item.kind === 'step' ? this.stepById.get(item.id) : undefined;
    const help = matchTroubleshooting(rb.troubleshooting, { stepId: item.id, error: item.error, verdicts: item.verdicts }, step?.troubleshoot ?? []);
    const choice = await this.options.operator.blocked(item, item.verdicts, help);
    switch (choice.type) {
      case 'retry':
        this.emit({ type: 'item_retry', key, at: this.clock() });
        return;
      case 'skip':
        if (!item.skippable) return;
        this.emit({ type: 'item_skipped', key, reason: choice.reason, at: this.clock() });
        return;
      case 'fix': {
        const entry = rb.troubleshooting.find((t) => t.id === choice.entryId);
        if (!entry?.fix || !(await this.options.operator.confirmFix(entry))) return;
        const controller = new AbortController();
        this.current = controller;
        try {
          // A fix runs under the runbook's lock guard, as a step does (it has no guard fields of its own).
          const result = await runAction(this.context(controller.signal), entry.fix, this.listener(key), { guard: { ...guardPolicy(rb, {}), ...this.options.guard } });
          this.emit({ type: 'fix_finished', key, entryId: entry.id, ok: result.ok, at: this.clock() });
        } finally {
          this.current = undefined;
        }
        return;
      }
      case 'rollback': {
        if (step?.rollback) {
          // The undo's output shows under the step it undoes, like a fix's.
          // The undo runs under the step's lock guard (its own lock_timeout first), as the step did.
          const guard = { ...guardPolicy(rb, { ...step, lock_timeout: step.rollback.lock_timeout ?? step.lock_timeout }), ...this.options.guard };
          const result = await runAction(this.context(), step.rollback, this.listener(key), { guard });
          if (result.ok) this.emit({ type: 'item_rolled_back', key, at: this.clock() });
        }
        this.end('aborted', `rolled back at ${item.title}`);
        return;
      }
      case 'quit':
        this.end(item.status === 'interrupted' ? 'aborted' : 'failed', `stopped at ${item.kind} "${item.title}"`);
        return;
    }
  }
}

/**
 * The applied: query that tells whether the unit in flight took effect: the
 * one query of a step whose statements commit together, or the statement's
 * own from a list. One query cannot speak for one statement among several that commit one by one.
 */
function appliedQuery(step: Step, index: number, commit: boolean, total: number): { sql: string } | { missing: string } {
  const applied = step.applied;
  if (applied === undefined) return { missing: 'the step has no applied: query to find out' };
  if (typeof applied === 'string') {
    if (commit || total === 1) return { sql: applied };
    return { missing: `its applied: is one query, and this step's ${total} statements commit one by one (give applied: as a list, one query per statement)` };
  }
  if (applied.length !== total) return { missing: `its applied: lists ${applied.length} queries for ${total} statements` };
  return { sql: applied[index] };
}

export type { InputValue };
