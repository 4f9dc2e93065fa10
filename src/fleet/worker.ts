// A worker process: graphile-worker takes target jobs from the control
// database and each one becomes an ordinary run (target-job.ts). The process
// keeps one connection open for its life, its presence: when that backend
// leaves pg_stat_activity the process is dead, and any process sweeping
// (workers and coordinators do, every few seconds) unlocks its jobs for others.
import pg from 'pg';
import type { Runner } from 'graphile-worker';
import { graphileWorker } from './graphile.js';
import { Control, STOP, TASK } from './control.js';
import { quietLogger } from './logger.js';
import { runTargetJob, type StoppableRun, type TargetJob, type WorkerContext } from './target-job.js';

export interface WorkerOptions {
  control: Control;
  concurrency: number;
  stateDir?: string;
  log: (line: string) => void;
  runOutput?: (target: string, line: string) => void;
  /** How often dead workers are swept (ms). */
  sweepEvery?: number;
}

export interface FleetWorker {
  /** Resolves when the worker has stopped. */
  promise: Promise<void>;
  /** Stops taking jobs and waits for the running ones. */
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<FleetWorker> {
  const presence = new pg.Client({ connectionString: opts.control.url, application_name: 'runbook worker' });
  presence.on('error', (e) => opts.log(`worker: lost its control connection (${e.message})`));
  await presence.connect();
  const { rows } = await presence.query<{ pid: number; start: string }>('SELECT pid, backend_start::text AS start FROM pg_stat_activity WHERE pid = pg_backend_pid()');
  const sessions = new Map<number, Set<StoppableRun>>();
  const ctx: WorkerContext = {
    control: opts.control,
    stateDir: opts.stateDir,
    presence: { backendPid: rows[0].pid, backendStart: rows[0].start },
    log: opts.log,
    runOutput: opts.runOutput,
    sessions,
  };
  // `fleet stop`: the fleet's runs stop before their next item; each ends aborted, its journal kept for a resume.
  await presence.query(`LISTEN ${STOP}`);
  presence.on('notification', (n) => {
    if (n.channel !== STOP) return;
    for (const run of sessions.get(Number(n.payload)) ?? []) run.stop('the fleet was stopped (runbook fleet stop)');
  });
  let runner: Runner;
  try {
    runner = await graphileWorker().run({
      pgPool: opts.control.pool,
      concurrency: opts.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: quietLogger(opts.log),
      taskList: {
        [TASK]: async (payload, helpers) => runTargetJob(ctx, payload as TargetJob, helpers.job.locked_by ?? 'unknown'),
      },
    });
  } catch (err) {
    await presence.end().catch(() => {});
    throw err;
  }
  const sweep = setInterval(() => {
    opts.control.sweepDeadWorkers().then(
      (dead) => dead.length && opts.log(`worker: jobs of dead worker(s) ${dead.join(', ')} released for others`),
      () => {},
    );
  }, opts.sweepEvery ?? 2000);
  let stopping: Promise<void> | undefined;
  return {
    promise: runner.promise,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweep);
        await runner.stop();
        await presence.end().catch(() => {});
      })();
      return stopping;
    },
  };
}
