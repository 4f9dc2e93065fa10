// `runbook fleet run|status|retry|stop|approve`: one runbook across many
// databases, in waves, through a control database (src/fleet/).
import type { Command } from 'commander';
import { loadRunbook, type Runbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';
import { runbookHash } from '../../journal/record.js';
import { openStore, operatorName } from '../../journal/store.js';
import { FLEET_SCHEMA } from '../../fleet/control-schema.js';
import { CHANGED, Control, LIVE_FLEET, STOP, jobKey, type FleetRow, type TargetRow } from '../../fleet/control.js';
import { coordinatorLock, follow } from '../../fleet/coordinator.js';
import { embeddedControl, type ControlServer } from '../../fleet/embedded-control.js';
import { answersFromFlags, fleetKey } from '../../fleet/start.js';
import { defaultFleetName, loadTargets } from '../../fleet/targets.js';
import { startWorker, type FleetWorker } from '../../fleet/worker.js';
import { fleetLine, statusLines } from '../../present/fleet.js';
import { FleetFeed, listenFleet } from '../../fleet/feed.js';
import { loadFleetView } from '../../tui/load.js';
import { webhookFromEnv } from '../../fleet/notify.js';

import { stderrLine as err, stdoutLine as out } from '../write.js';

export interface ControlOptions {
  control?: string;
  stateDir?: string;
}

export interface FleetRunOptions extends ControlOptions {
  targets: string;
  name?: string;
  input: string[];
  yes?: boolean;
  confirmDanger?: string;
  confirmCount?: string;
  recordInDb?: boolean;
  workers?: string;
  json?: boolean;
  plain?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The control database: --control, else RUNBOOK_CONTROL_URL, else the embedded one in the state folder. */
export async function openControl(opts: ControlOptions, poolSize = 4): Promise<{ control: Control; server?: ControlServer; embedded: boolean; close(): Promise<void> }> {
  const url = opts.control ?? (process.env.RUNBOOK_CONTROL_URL || undefined);
  const server = url ? undefined : await embeddedControl(opts.stateDir);
  try {
    const control = await Control.open(url ?? server!.url, { poolSize });
    return {
      control,
      server,
      embedded: !url,
      async close() {
        await control.close().catch(() => {});
        await server?.close().catch(() => {});
      },
    };
  } catch (e) {
    await server?.close().catch(() => {});
    throw new Error(`control database: ${(e as Error).message.replace(/postgres(ql)?:\/\/[^@\s]*@/g, 'postgres://***@')}`);
  }
}

/** Follows a fleet to its end, with workers inside this process when wanted; returns the exit code. */
async function followFleet(opened: Awaited<ReturnType<typeof openControl>>, fleet: FleetRow, rb: Runbook, opts: FleetRunOptions & { workersInside: number }): Promise<number> {
  const { control } = opened;
  const lock = await coordinatorLock(control, fleet.id);
  if (!lock) {
    err(`fleet ${fleet.name} (#${fleet.id}) is followed by another coordinator; \`runbook fleet status ${fleet.name}\` shows it`);
    return 3;
  }
  let worker: FleetWorker | undefined;
  const seen = new Map<string, string>();
  // In a terminal, the fleet view; when the operator leaves it, plain lines take over until the fleet ends.
  const feed = new FleetFeed(opts.stateDir, control);
  let onScreen = Boolean(process.stdin.isTTY && process.stdout.isTTY && !opts.plain && !opts.json);
  const view = onScreen
    ? loadFleetView().then((m) => m.runFleetView(fleet, [], feed)).finally(() => {
        onScreen = false;
      })
    : undefined;
  const say = (line: string) => (onScreen || opts.json ? undefined : err(line));
  const show = (f: FleetRow, targets: TargetRow[]) => {
    feed.publish(f, targets);
    if (onScreen) return;
    for (const t of targets) {
      const key = `${t.state}|${t.current ?? ''}|${t.error ?? ''}`;
      if (seen.get(t.name) === key) continue;
      seen.set(t.name, key);
      if (opts.json) out(JSON.stringify({ type: 'target', fleet: f.name, target: t.name, wave: t.wave + 1, state: t.state, current: t.current, run: t.runId, error: t.error }));
      else out(`  ${t.name}: ${t.state}${t.current && t.state === 'running' ? ` · ${t.current}` : ''}${t.error ? ` · ${t.error}` : ''}`);
    }
    const fkey = `fleet|${f.state}|${f.wave}`;
    if (seen.get('\0') !== fkey) {
      seen.set('\0', fkey);
      if (opts.json) out(JSON.stringify({ type: 'fleet', fleet: f.name, id: f.id, state: f.state, wave: f.wave + 1, reason: f.reason }));
      else out(fleetLine(f, targets));
    }
  };
  let stopAsked = 0;
  const onSigint = () => {
    stopAsked += 1;
    if (stopAsked > 1) process.exit(130);
    err(`stopping fleet ${fleet.name}: no new target starts, running ones stop before their next item (Ctrl-C again to leave at once)`);
    void stopFleet(control, fleet);
  };
  process.on('SIGINT', onSigint);
  try {
    if (opts.workersInside > 0) {
      worker = await startWorker({ control, concurrency: opts.workersInside, stateDir: opts.stateDir, log: say });
    }
    const notify = webhookFromEnv(process.env, say);
    const end = await follow(control, fleet.id, lock, { runbook: rb, onChange: show, say, notify });
    // The view shows the end until the operator leaves it.
    await view;
    const final = (await control.fleet(fleet.id))!;
    const targets = await control.targets(fleet.id);
    await notify?.({ event: end === 'succeeded' ? 'fleet_finished' : 'fleet_failed', text: `fleet ${final.name} (${final.runbookId}) ${end}: ${fleetLine(final, targets)}`, fleet: final.name, runbook: final.runbookId });
    if (opts.json) out(JSON.stringify({ type: 'fleet_ended', ...statusJson(final, targets) }));
    else statusLines(final, targets).forEach(out);
    return end === 'succeeded' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await worker?.stop().catch(() => {});
    await lock.end().catch(() => {});
  }
}

export function statusJson(f: FleetRow, targets: TargetRow[]) {
  return {
    fleet: { id: f.id, name: f.name, runbook: f.runbookId, state: f.state, wave: f.wave + 1, waves: f.plan.waves.map((w) => ({ name: w.name, canary: w.canary, concurrency: w.concurrency, targets: w.targets.length })), reason: f.reason, createdBy: f.createdBy, createdAt: f.createdAt, endedAt: f.endedAt },
    targets: targets.map((t) => ({ name: t.name, wave: t.wave + 1, state: t.state, current: t.current, run: t.runId, attempts: t.attempts, error: t.error, startedAt: t.startedAt, finishedAt: t.finishedAt, labels: t.labels })),
  };
}

async function stopFleet(control: Control, fleet: FleetRow): Promise<void> {
  await control.setFleet(fleet.id, { state: 'stopping', reason: `stopped by ${operatorName(openStore().settings())}` });
  // Jobs not yet taken are removed; a job a worker already holds sees the fleet stopping and ends its run before the next item.
  const queued = await control.query<{ name: string }>(`SELECT name FROM ${FLEET_SCHEMA}.targets WHERE fleet_id = $1 AND state IN ('pending', 'queued')`, [fleet.id]);
  for (const { name } of queued.rows) {
    await control.query('SELECT graphile_worker.remove_job($1)', [jobKey(fleet.id, name)]).catch(() => {});
  }
  await control.query(`UPDATE ${FLEET_SCHEMA}.targets SET state = 'stopped', error = 'the fleet was stopped before this target started', updated_at = now() WHERE fleet_id = $1 AND state = 'queued' AND worker_id IS NULL`, [fleet.id]);
  await control.query('SELECT pg_notify($1, $2)', [STOP, String(fleet.id)]);
  await control.notify(fleet.id);
}

export async function fleetRunCommand(file: string, opts: FleetRunOptions): Promise<number> {
  const [loaded, targets] = await Promise.all([loadRunbook(file), loadTargets(opts.targets)]);
  let bad = false;
  if (!loaded.ok) {
    loaded.problems.forEach((p) => err(formatProblem(p)));
    bad = true;
  }
  if (!targets.ok) {
    targets.problems.forEach((p) => err(formatProblem(p)));
    bad = true;
  }
  if (!loaded.ok || !targets.ok || bad) {
    err('fleet not started: fix the problems above');
    return 2;
  }
  const rb = loaded.runbook;
  const plan = targets.plan;
  const name = opts.name ?? defaultFleetName(rb.id, plan);
  const key = fleetKey(rb, plan);
  const by = operatorName(openStore(opts.stateDir).settings());
  const maxConcurrency = Math.max(...plan.waves.map((w) => w.concurrency));
  const opened = await openControl(opts, maxConcurrency + 6);
  try {
    const { control } = opened;
    let fleet = await control.liveFleetByKey(key);
    if (fleet) {
      if (fleet.runbookSha !== runbookHash(rb)) {
        err(`fleet ${fleet.name} (#${fleet.id}) of this runbook and targets is live, started from another version of ${rb.file}; stop it first (runbook fleet stop ${fleet.name})`);
        return 2;
      }
      err(`picking up fleet ${fleet.name} (#${fleet.id}), started by ${fleet.createdBy} at ${fleet.createdAt}: ${fleet.state}, wave ${fleet.wave + 1}`);
    } else {
      const { answers, problems } = answersFromFlags(rb, plan, name, by, opts);
      if (!answers) {
        problems.forEach((p) => err(`fleet: ${p}`));
        return 2;
      }
      fleet = await control.createFleet({ name, key, runbookId: rb.id, runbookFile: rb.file, runbookSha: runbookHash(rb), plan, answers, createdBy: by });
      if (!fleet) {
        err('fleet: another fleet of this runbook and targets was started at the same moment; run the command again to follow it');
        return 3;
      }
      const started = `fleet ${fleet.name} (#${fleet.id}): ${plan.targets.length} targets in ${plan.waves.length} wave(s): ${plan.waves.map((w) => `${w.name} ${w.targets.length}`).join(' → ')}`;
      err(started);
      await webhookFromEnv(process.env, err)?.({ event: 'fleet_started', text: `${started} — ${rb.id}, started by ${by}`, fleet: fleet.name, runbook: rb.id });
    }
    const workersInside = opts.workers !== undefined ? Number(opts.workers) : opened.embedded ? maxConcurrency : 0;
    return await followFleet(opened, fleet, rb, { ...opts, workersInside });
  } finally {
    await opened.close();
  }
}

async function findFleet(control: Control, ref: string): Promise<FleetRow | undefined> {
  const fleet = await control.fleet(ref);
  if (!fleet) err(`no fleet "${ref}" in the control database (\`runbook fleet status\` lists them)`);
  return fleet;
}

export async function fleetStatusCommand(ref: string | undefined, opts: ControlOptions & { json?: boolean; plain?: boolean }): Promise<number> {
  const opened = await openControl(opts);
  try {
    const { control } = opened;
    await control.sweepDeadWorkers().catch(() => {});
    if (!ref) {
      const fleets = await control.fleets();
      const all = await Promise.all(fleets.map(async (f) => ({ f, t: await control.targets(f.id) })));
      if (opts.json) out(JSON.stringify(all.map(({ f, t }) => statusJson(f, t))));
      else if (!all.length) out('no fleets yet (runbook fleet run RUNBOOK --targets FILE starts one)');
      else all.forEach(({ f, t }) => out(fleetLine(f, t)));
      return 0;
    }
    let fleet = await findFleet(control, ref);
    if (!fleet) return 2;
    if (!opts.json && !opts.plain && process.stdin.isTTY && process.stdout.isTTY) {
      const feed = new FleetFeed(opts.stateDir, control);
      const stop = await listenFleet(control, fleet.id, feed);
      try {
        await (await loadFleetView()).runFleetView(fleet, await control.targets(fleet.id), feed);
      } finally {
        await stop();
      }
    }
    const targets = await control.targets(fleet.id);
    fleet = (await control.fleet(fleet.id)) ?? fleet;
    if (opts.json) out(JSON.stringify(statusJson(fleet, targets)));
    else {
      statusLines(fleet, targets).forEach(out);
      if (LIVE_FLEET.includes(fleet.state)) {
        const lock = await coordinatorLock(control, fleet.id);
        if (lock) {
          await lock.end();
          out(`no coordinator follows this fleet: \`runbook fleet run ${fleet.runbookFile} --targets ${fleet.plan.file}\` picks it up`);
        }
      }
    }
    // As the README says for fleet run and fleet status alike: 1 when a target failed or the fleet was stopped.
    return fleet.state === 'failed' || fleet.state === 'stopped' ? 1 : 0;
  } finally {
    await opened.close();
  }
}

export async function fleetStopCommand(ref: string, opts: ControlOptions): Promise<number> {
  const opened = await openControl(opts);
  try {
    const fleet = await findFleet(opened.control, ref);
    if (!fleet) return 2;
    if (!LIVE_FLEET.includes(fleet.state)) {
      err(`fleet ${fleet.name} is ${fleet.state}; there is nothing to stop`);
      return 2;
    }
    await stopFleet(opened.control, fleet);
    out(`fleet ${fleet.name}: stopping — no new target starts; running ones stop before their next item (their runs can be resumed with runbook fleet retry ${fleet.name})`);
    return 0;
  } finally {
    await opened.close();
  }
}

export async function fleetRetryCommand(ref: string, opts: FleetRunOptions): Promise<number> {
  const opened = await openControl(opts, 16);
  try {
    const { control } = opened;
    const fleet = await findFleet(control, ref);
    if (!fleet) return 2;
    if (LIVE_FLEET.includes(fleet.state)) {
      err(`fleet ${fleet.name} is still ${fleet.state}: wait for it to end, or stop it (runbook fleet stop ${fleet.name})`);
      return 2;
    }
    const loaded = await loadRunbook(fleet.runbookFile);
    if (!loaded.ok) {
      loaded.problems.forEach((p) => err(formatProblem(p)));
      return 2;
    }
    if (runbookHash(loaded.runbook) !== fleet.runbookSha) {
      err(`${fleet.runbookFile} changed since fleet ${fleet.name} started: a retry runs the same runbook; start a new fleet instead`);
      return 2;
    }
    const again = await control.tx(async (c) => {
      // A target with a run resumes it (retrying the item it failed on); one that never got a run starts afresh.
      // RETURNING comes in no promised order (it was completion order): the fleet lists targets in its own order, the targets file's.
      const { rows } = await c.query<{ name: string }>(
        `WITH again AS (
           UPDATE ${FLEET_SCHEMA}.targets SET state = 'pending', retry = run_id IS NOT NULL, error = NULL, finished_at = NULL, updated_at = now()
            WHERE fleet_id = $1 AND state IN ('failed', 'stopped') RETURNING name, position)
         SELECT name FROM again ORDER BY position`,
        [fleet.id],
      );
      // Targets never started (the fleet stopped before their wave) are still pending: they run too.
      const { rows: left } = await c.query<{ wave: number }>(`SELECT min(wave) AS wave FROM ${FLEET_SCHEMA}.targets WHERE fleet_id = $1 AND state = 'pending'`, [fleet.id]);
      if (left[0]?.wave === null || left[0]?.wave === undefined) return { names: [], wave: 0 };
      await c.query(`UPDATE ${FLEET_SCHEMA}.fleets SET state = 'running', reason = NULL, ended_at = NULL, wave = $2, updated_at = now() WHERE id = $1`, [fleet.id, left[0].wave]);
      await c.query('SELECT pg_notify($1, $2)', [CHANGED, String(fleet.id)]);
      return { names: rows.map((r) => r.name), wave: Number(left[0].wave) };
    });
    if (!again.names.length && again.wave === 0 && fleet.state === 'succeeded') {
      err(`fleet ${fleet.name} succeeded: no target to retry`);
      return 2;
    }
    err(`fleet ${fleet.name}: retrying ${again.names.length} failed target(s)${again.names.length ? `: ${again.names.join(', ')}` : ''}`);
    const maxConcurrency = Math.max(...fleet.plan.waves.map((w) => w.concurrency));
    const workersInside = opts.workers !== undefined ? Number(opts.workers) : opened.embedded ? maxConcurrency : 0;
    return await followFleet(opened, (await control.fleet(fleet.id))!, loaded.runbook, { ...opts, workersInside });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') {
      err(`another fleet of the same runbook and targets is live; it must end before this one is retried`);
      return 2;
    }
    throw e;
  } finally {
    await opened.close();
  }
}

export async function fleetApproveCommand(ref: string, opts: ControlOptions): Promise<number> {
  const opened = await openControl(opts);
  try {
    const { control } = opened;
    const fleet = await findFleet(control, ref);
    if (!fleet) return 2;
    const by = operatorName(openStore(opts.stateDir).settings());
    const { rows } = await control.query<{ subject: string }>(
      `UPDATE ${FLEET_SCHEMA}.approvals SET approved_by = $2, approved_role = current_user, approved_at = now()
        WHERE id = (SELECT id FROM ${FLEET_SCHEMA}.approvals WHERE fleet_id = $1 AND approved_by IS NULL ORDER BY id LIMIT 1) RETURNING subject`,
      [fleet.id, by],
    );
    if (!rows[0]) {
      err(`fleet ${fleet.name} waits for no approval (it is ${fleet.state})`);
      return 2;
    }
    await control.notify(fleet.id);
    out(`approved: ${rows[0].subject}, by ${by}`);
    return 0;
  } finally {
    await opened.close();
  }
}

export function register(program: Command): void {
  const fleet = program.command('fleet').description('run a runbook across many databases, in waves (see README: fleets)');
  const control = (c: Command) =>
    c.option('--control <url>', 'the control database (default: RUNBOOK_CONTROL_URL, else an embedded PostgreSQL in the state folder)').option('--state-dir <dir>', 'where runs are recorded (default: RUNBOOK_STATE_DIR, then the user config folder)');
  const follows = (c: Command) =>
    control(c)
      .option('--workers <n>', 'run this many target jobs inside this command (default: the largest wave concurrency with the embedded control database, else 0: `runbook worker` processes run them)')
      .option('--json', 'one JSON object per line')
      .option('--plain', 'plain text output');
  follows(
    fleet
      .command('run')
      .description('start a fleet (or pick up the live one of this runbook and targets) and follow it to its end')
      .argument('<runbook>', 'runbook YAML file')
      .requiredOption('--targets <file>', 'the targets file (YAML: targets, waves, concurrency, failure policy, gates)')
      .option('--name <name>', 'the fleet’s name (default: from the targets file, else runbook id and file name)')
      .option('-i, --input <name=value>', 'an input, the same for every target (repeatable)', collect, [])
      .option('-y, --yes', 'answer the runbook’s manual confirmations once, for every target')
      .option('--confirm-danger <fleet>', 'allow destructive steps: the fleet’s name')
      .option('--confirm-count <n>', 'with --confirm-danger: the number of targets')
      .option('--record-in-db', 'also record each run in its target database (schema runbook_record)'),
  ).action(async (file: string, opts: FleetRunOptions) => {
    process.exitCode = await fleetRunCommand(file, opts);
  });
  control(
    fleet
      .command('status')
      .description('the fleets, or one fleet’s targets by wave (failures first); in a terminal, the fleet view, following it live')
      .argument('[fleet]', 'fleet name or id')
      .option('--json', 'JSON')
      .option('--plain', 'plain text, no screen'),
  ).action(
    async (ref: string | undefined, opts: ControlOptions & { json?: boolean; plain?: boolean }) => {
      process.exitCode = await fleetStatusCommand(ref, opts);
    },
  );
  follows(fleet.command('retry').description('run the failed (and never started) targets of an ended fleet again, and follow it').argument('<fleet>', 'fleet name or id')).action(
    async (ref: string, opts: FleetRunOptions) => {
      process.exitCode = await fleetRetryCommand(ref, opts);
    },
  );
  control(fleet.command('stop').description('stop a fleet: no new target starts, running runs stop before their next item').argument('<fleet>', 'fleet name or id')).action(
    async (ref: string, opts: ControlOptions) => {
      process.exitCode = await fleetStopCommand(ref, opts);
    },
  );
  control(fleet.command('approve').description('approve the gate a fleet waits at (the next wave starts)').argument('<fleet>', 'fleet name or id')).action(async (ref: string, opts: ControlOptions) => {
    process.exitCode = await fleetApproveCommand(ref, opts);
  });
}
