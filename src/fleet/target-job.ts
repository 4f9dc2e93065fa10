// One target of a fleet, run by a worker: an ordinary run of the runbook (the
// same engine, journal, run lock, checks and recovery as `runbook run`), its
// questions answered from what the person who started the fleet answered once.
// A job taken again after its worker died resumes that target's run from its
// journal: what committed is never run twice.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunState } from '../engine/state.js';
import { readJournal } from '../journal/journal.js';
import { runbookHash } from '../journal/record.js';
import { journalStatus } from '../journal/replay.js';
import { newRunId, openStore } from '../journal/store.js';
import { loadRunbook, type Runbook } from '../runbook/load.js';
import type { Operator } from '../run/operator.js';
import type { RunSession } from '../run/session.js';
import { runCommand, type RunHost } from '../cli/commands/run.js';
import { resumeCommand } from '../cli/commands/resume.js';
import { EXIT } from '../cli/exit-codes.js';
import { FLEET_SCHEMA } from './control-schema.js';
import { CHANGED, FINISHED_TARGET, type Control, type FleetRow, type TargetState } from './control.js';
import { targetUrl } from './target-url.js';
import { runFailure, stoppingWords } from '../present/fleet.js';
import { runNotices, webhookFromEnv } from './notify.js';
import { redactUrl } from '../exec/connection-url.js';

export interface WorkerContext {
  control: Control;
  stateDir?: string;
  /** This process's presence connection on the control database. */
  presence: { backendPid: number; backendStart: string };
  log: (line: string) => void;
  /** A run's own output (the plain renderer's lines), when wanted. */
  runOutput?: (target: string, line: string) => void;
  /** The runs going on now, by fleet: `fleet stop` asks them to stop. */
  sessions: Map<number, Set<StoppableRun>>;
}

/** A run a worker is running, as `fleet stop` reaches it. */
export interface StoppableRun {
  session: RunSession;
  /** Stops the run before its next item, and says so in the control database (the target's current item). */
  stop(reason: string): void;
}

export interface TargetJob {
  fleetId: number;
  target: string;
}

/** Exit code of a run refused because another run holds the target's lock. */
const LOCKED = EXIT.locked;

const runbooks = new Map<string, Promise<Runbook | string>>();

/** The fleet's runbook, loaded once per worker, and refused if it is not the file the fleet was started with. */
function fleetRunbook(fleet: FleetRow): Promise<Runbook | string> {
  const key = `${fleet.runbookFile}\0${fleet.runbookSha}`;
  let found = runbooks.get(key);
  if (!found) {
    found = loadRunbook(fleet.runbookFile).then((loaded) => {
      if (!loaded.ok) return `${fleet.runbookFile}: ${loaded.problems[0]?.message ?? 'does not load'} (on worker ${hostname()})`;
      if (runbookHash(loaded.runbook) !== fleet.runbookSha) return `${fleet.runbookFile} on worker ${hostname()} is not the runbook the fleet was started with (it changed, or this machine has another version)`;
      return loaded.runbook;
    });
    runbooks.set(key, found);
  }
  return found;
}

export async function runTargetJob(ctx: WorkerContext, job: TargetJob, workerId: string): Promise<void> {
  const { control } = ctx;
  await control.query(
    `INSERT INTO ${FLEET_SCHEMA}.workers (worker_id, host, pid, backend_pid, backend_start) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (worker_id) DO UPDATE SET backend_pid = excluded.backend_pid, backend_start = excluded.backend_start, seen_at = now()`,
    [workerId, hostname(), process.pid, ctx.presence.backendPid, ctx.presence.backendStart],
  );
  const fleet = await control.fleet(job.fleetId);
  const target = await control.target(job.fleetId, job.target);
  if (!fleet || !target || FINISHED_TARGET.includes(target.state)) return;
  const finish = (state: TargetState, error: string | null, runId?: string) => finishTarget(control, job, state, error, runId);
  if (fleet.state === 'stopping' || fleet.state === 'stopped') return finish('stopped', 'the fleet was stopped before this target started');

  const rb = await fleetRunbook(fleet);
  if (typeof rb === 'string') return finish('failed', rb);
  let url: string;
  try {
    url = targetUrl(target.connection);
  } catch (e) {
    return finish('failed', (e as Error).message);
  }
  // The run's id is recorded before the run starts: a worker killed from here on leaves a run to resume, not a second run.
  const runId = target.runId ?? newRunId(Date.now());
  const { rowCount } = await control.query(
    `UPDATE ${FLEET_SCHEMA}.targets SET state = 'running', run_id = $3, worker_id = $4, attempts = attempts + 1, current = NULL,
            started_at = coalesce(started_at, now()), finished_at = NULL, updated_at = now()
      WHERE fleet_id = $1 AND name = $2 AND state IN ('queued', 'running', 'pending')`,
    [job.fleetId, job.target, runId, workerId],
  );
  if (!rowCount) return;
  await control.notify(job.fleetId);

  const store = openStore(ctx.stateDir);
  const journalPath = store.journalPath(runId);
  let resume = false;
  if (existsSync(journalPath)) {
    const status = journalStatus(readJournal(journalPath, { skipOutput: true }));
    // The run ended before its worker could say so: its journal says how.
    if (status.outcome === 'succeeded') return finish('succeeded', null, runId);
    if (status.outcome === 'failed' && !target.retry) return finish('failed', status.reason ?? 'the run failed', runId);
    resume = true;
  } else if (target.runId && target.attempts > 0 && target.state === 'running') {
    ctx.log(`${job.target}: run ${runId} has no journal in ${store.runsDir} on this worker; starting it here`);
  }

  let final: RunState | undefined;
  const webhook = webhookFromEnv(process.env, ctx.log);
  const notices = webhook ? runNotices(webhook, { runbook: rb.id, run: runId, target: `${job.target} (${redactUrl(url)})`, fleet: fleet.name }) : undefined;
  const progress = progressWriter(control, job, runId, rb.id, fleet.answers ? fleet.createdBy : '', workerId);
  const host: RunHost = {
    out: (line) => ctx.runOutput?.(job.target, line),
    err: (line) => ctx.runOutput?.(job.target, line),
    operator: fleetOperator(fleet, (line) => ctx.runOutput?.(job.target, line)),
    operatorName: `${fleet.createdBy} (fleet ${fleet.name}, worker ${hostname()})`,
    runId,
    onSession(session) {
      let set = ctx.sessions.get(job.fleetId);
      if (!set) ctx.sessions.set(job.fleetId, (set = new Set()));
      const handle: StoppableRun = {
        session,
        stop(reason) {
          session.requestStop(reason);
          progress.stopping();
        },
      };
      set.add(handle);
      // A stop announced between this job's first look at the fleet and now found no session to tell: look again.
      void control
        .fleet(job.fleetId)
        .then((f) => (f?.state === 'stopping' || f?.state === 'stopped') && handle.stop('the fleet was stopped (runbook fleet stop)'))
        .catch(() => {});
      if (notices) session.subscribe(notices.listener);
      session.subscribe((state, event) => {
        final = state;
        progress.onEvent(state, event.type === 'item_started' ? event.key : undefined);
      });
    },
  };
  const secretInputs = Object.entries(rb.inputs)
    .filter(([, spec]) => spec.secret)
    .flatMap(([name]) => {
      const v = process.env[`RUNBOOK_INPUT_${name.toUpperCase()}`];
      return v === undefined ? [] : [`${name}=${v}`];
    });
  const given = [...Object.entries(fleet.answers.inputs).map(([k, v]) => `${k}=${v}`), ...secretInputs];
  const opts = { db: url, plain: true, stateDir: ctx.stateDir, recordInDb: fleet.answers.recordInDb, input: given };
  ctx.log(`${job.target}: ${resume ? 'resuming' : 'starting'} run ${runId}`);
  let code: number;
  try {
    code = resume
      ? await resumeCommand(runId, { ...opts, input: secretInputs, retry: target.retry }, host)
      : await runCommand(rb.file, opts, { runbook: rb, host });
  } finally {
    ctx.sessions.get(job.fleetId)?.forEach((h) => h.session.state.ended && ctx.sessions.get(job.fleetId)?.delete(h));
    await progress.flush();
    await notices?.flush();
  }
  // Another run holds the target's lock (a dead worker's backend still leaving): the job fails, and graphile-worker tries again later.
  if (code === LOCKED) {
    await control.query(`UPDATE ${FLEET_SCHEMA}.targets SET state = 'queued', error = 'waiting for the target’s run lock', updated_at = now() WHERE fleet_id = $1 AND name = $2`, [job.fleetId, job.target]);
    throw new Error(`${job.target}: another run holds the target's lock; trying again later`);
  }
  const outcome = final?.ended?.outcome;
  if (outcome === 'succeeded') return finish('succeeded', null, runId);
  if (outcome === 'aborted') return finish('stopped', final ? runFailure(final) : 'stopped', runId);
  return finish('failed', final ? runFailure(final) : `the run ended with exit code ${code} before it started (see the worker's output)`, runId);
}

async function finishTarget(control: Control, job: TargetJob, state: TargetState, error: string | null, runId?: string): Promise<void> {
  await control.query(
    `UPDATE ${FLEET_SCHEMA}.targets SET state = $3, error = $4, retry = false, current = CASE WHEN $3 = 'succeeded' THEN NULL ELSE current END,
            run_id = coalesce($5, run_id), finished_at = now(), updated_at = now() WHERE fleet_id = $1 AND name = $2`,
    [job.fleetId, job.target, state, error, runId ?? null],
  );
  if (runId) await control.query(`UPDATE ${FLEET_SCHEMA}.runs SET state = $2, updated_at = now() WHERE run_id = $1`, [runId, state]);
  await control.notify(job.fleetId);
}

/**
 * The target's current item, written to the control database at most every
 * 200 ms (and at the end), announced on the channel; once the run was asked
 * to stop, the item says so at once (the operator sees the stop arrived).
 */
function progressWriter(control: Control, job: TargetJob, runId: string, runbookId: string, operator: string, workerId: string) {
  let latest: { current: string | null } | undefined;
  let current: string | null = null;
  let stopping = false;
  const shown = (item: string | null) => (stopping ? stoppingWords(item) : item);
  let writing: Promise<void> = control
    .query(
      `INSERT INTO ${FLEET_SCHEMA}.runs (run_id, fleet_id, target, runbook_id, operator, worker_id, state) VALUES ($1, $2, $3, $4, $5, $6, 'running')
       ON CONFLICT (run_id) DO UPDATE SET worker_id = excluded.worker_id, state = 'running', updated_at = now()`,
      [runId, job.fleetId, job.target, runbookId, operator, workerId],
    )
    .then(() => undefined)
    .catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    const now = latest;
    latest = undefined;
    if (!now) return;
    writing = writing
      .then(() => control.query(`UPDATE ${FLEET_SCHEMA}.targets SET current = $3, updated_at = now() WHERE fleet_id = $1 AND name = $2 AND state = 'running'`, [job.fleetId, job.target, now.current]))
      .then(() => control.query(`UPDATE ${FLEET_SCHEMA}.runs SET current = $2, updated_at = now() WHERE run_id = $1`, [runId, now.current]))
      .then(() => control.query('SELECT pg_notify($1, $2)', [CHANGED, String(job.fleetId)]))
      .then(() => undefined)
      .catch(() => undefined); // progress is a courtesy: the journal and the final state are what count
  };
  return {
    onEvent(state: RunState, started: string | undefined) {
      if (!started) return;
      const item = state.items.find((i) => i.key === started);
      current = item ? `${item.kind === 'step' ? 'step' : item.kind} ${item.id}` : started;
      latest = { current: shown(current) };
      timer ??= setTimeout(write, 200);
    },
    stopping() {
      if (stopping) return;
      stopping = true;
      latest = { current: shown(current) };
      if (timer) clearTimeout(timer);
      write();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      write();
      await writing;
    },
  };
}

/** Answers from the fleet's answers: given once by the person who started it, for every target. */
export function fleetOperator(fleet: FleetRow, write: (line: string) => void): Operator {
  const { answers } = fleet;
  return {
    async askInputs(_specs, _current, missing, problems) {
      for (const p of problems) write(`input problem: ${p}`);
      for (const name of missing) write(`missing input: ${name} — the fleet was started without it (secret inputs: RUNBOOK_INPUT_${name.toUpperCase()} on the worker)`);
      return null;
    },
    async confirm(_item, text) {
      if (answers.confirmed) {
        write(`  (fleet ${fleet.name}: confirmed for every target by ${answers.confirmed.by} at ${answers.confirmed.at}) ${text}`);
        return true;
      }
      write(`  needs confirmation: ${text} — the fleet was started without confirming it`);
      return false;
    },
    async confirmDanger(item, reasons, database) {
      write(`  destructive: ${reasons.join('; ')}`);
      if (answers.danger) {
        write(`  (fleet ${fleet.name}: destructive steps allowed on ${answers.danger.count} targets by ${answers.danger.by} at ${answers.danger.at}) ${item.title} on ${database}`);
        return true;
      }
      write(`  refused: the fleet was started without --confirm-danger ${fleet.name}`);
      return false;
    },
    async blocked() {
      return { type: 'quit' };
    },
    async confirmFix() {
      return false;
    },
  };
}
