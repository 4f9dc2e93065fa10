// Follows a fleet to its end: admits each wave's targets up to its
// concurrency, applies the failure policy, holds the gate between waves (a
// soak with the checks run again, a person's approval), and ends the fleet.
// Everything it decides is in the control database, so a coordinator killed
// and started again (`fleet run` once more) carries on where the last one was.
import pg from 'pg';
import { hostname } from 'node:os';
import type { Runbook } from '../runbook/load.js';
import { FLEET_SCHEMA } from './control-schema.js';
import { CHANGED, FINISHED_TARGET, type Control, type FleetRow, type TargetRow } from './control.js';
import { soakCheck } from './soak.js';
import type { Notify } from './notify.js';

export interface FollowOptions {
  runbook: Runbook;
  /** Called whenever something changed (the view redraws, plain mode prints what is new). */
  onChange?: (fleet: FleetRow, targets: TargetRow[]) => void;
  say?: (line: string) => void;
  /** Longest wait between two looks when no notification comes (ms). */
  tick?: number;
  /** Webhook notices (approval needed). */
  notify?: Notify;
}

/** Holds a fleet's coordinator lock for as long as the client stays connected. */
export async function coordinatorLock(control: Control, fleetId: number): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: control.url, application_name: `runbook fleet coordinator ${hostname()}` });
  client.on('error', () => {});
  await client.connect();
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [0x666c74, fleetId]);
  if (rows[0].ok) return client;
  await client.end();
  return undefined;
}

/** Waits for a change on the channel, or `ms` at most. */
function waiter(client: pg.Client) {
  let wake: (() => void) | undefined;
  client.on('notification', () => wake?.());
  return (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = undefined;
        resolve();
      };
    });
}

export type FleetEnd = 'succeeded' | 'failed' | 'stopped';

export async function follow(control: Control, fleetId: number, lock: pg.Client, opts: FollowOptions): Promise<FleetEnd> {
  await lock.query(`LISTEN ${CHANGED}`);
  const wait = waiter(lock);
  const say = opts.say ?? (() => {});
  const tick = opts.tick ?? 1000;
  let lastSweep = 0;
  for (;;) {
    if (Date.now() - lastSweep > 2000) {
      lastSweep = Date.now();
      const dead = await control.sweepDeadWorkers();
      if (dead.length) say(`worker(s) ${dead.join(', ')} died: their targets are taken again by other workers`);
    }
    const fleet = (await control.fleet(fleetId))!;
    const targets = await control.targets(fleetId);
    opts.onChange?.(fleet, targets);
    if (fleet.state === 'succeeded' || fleet.state === 'failed' || fleet.state === 'stopped') return fleet.state;
    const busy = targets.filter((t) => t.state === 'queued' || t.state === 'running');
    if (fleet.state === 'stopping') {
      if (busy.length === 0) {
        await control.setFleet(fleetId, { state: 'stopped', reason: fleet.reason ?? 'stopped (runbook fleet stop)' });
        continue;
      }
      await wait(tick);
      continue;
    }
    const waveNo = fleet.wave;
    const wave = fleet.plan.waves[waveNo];
    const inWave = targets.filter((t) => t.wave === waveNo);
    const failed = inWave.filter((t) => t.state === 'failed' || t.state === 'stopped');
    const stopReason = failureStop(fleet, wave, failed.length, inWave.length);
    const pending = inWave.filter((t) => t.state === 'pending');
    const running = inWave.filter((t) => t.state === 'queued' || t.state === 'running');
    if (stopReason) {
      // No new target starts; those running finish, then the fleet ends failed.
      if (running.length === 0) {
        await control.setFleet(fleetId, { state: 'failed', reason: stopReason });
        say(`fleet ${fleet.name}: ${stopReason}`);
        continue;
      }
    } else if (pending.length > 0 && running.length < wave.concurrency) {
      for (const t of pending.slice(0, wave.concurrency - running.length)) await control.enqueue(fleetId, t.name);
      continue;
    } else if (pending.length === 0 && running.length === 0) {
      // The wave is over.
      const last = waveNo === fleet.plan.waves.length - 1;
      if (last) {
        const failures = targets.filter((t) => t.state === 'failed' || t.state === 'stopped');
        const left = targets.filter((t) => !FINISHED_TARGET.includes(t.state));
        if (left.length === 0) {
          await control.setFleet(fleetId, failures.length ? { state: 'failed', reason: `${failures.length} of ${targets.length} targets failed` } : { state: 'succeeded', reason: null });
          continue;
        }
        // A retry put targets of earlier waves back: go back to the first of them.
        await control.setFleet(fleetId, { wave: Math.min(...left.map((t) => t.wave)) });
        continue;
      }
      if (wave.gate && !fleet.gatesPassed.includes(waveNo)) {
        const held = await holdGate(control, fleet, waveNo, inWave, opts.runbook, say, wait, opts.notify);
        if (!held) continue;
      }
      const next = targets.filter((t) => t.wave > waveNo && !FINISHED_TARGET.includes(t.state));
      await control.setFleet(fleetId, { state: 'running', wave: next.length ? Math.min(...next.map((t) => t.wave)) : fleet.plan.waves.length - 1 });
      say(`fleet ${fleet.name}: wave ${waveNo + 1} (${wave.name}) done`);
      continue;
    }
    await wait(tick);
  }
}

/** Why the fleet stops starting targets, or null: a canary's failure, the first failure, or the failure percentage passed. */
export function failureStop(fleet: Pick<FleetRow, 'plan'>, wave: { name: string; canary: boolean }, failed: number, size: number): string | null {
  if (failed === 0) return null;
  if (wave.canary) return `the canary wave (${wave.name}) failed: the fleet stops before the next wave`;
  const max = fleet.plan.maxFailPercentage;
  if (max !== null) {
    const pct = (failed * 100) / size;
    return pct > max ? `${failed} of ${size} targets of wave ${wave.name} failed (${pct.toFixed(0)}% > max_fail_percentage ${max})` : null;
  }
  if (fleet.plan.onFailure === 'stop') return `a target of wave ${wave.name} failed (on_failure: stop)`;
  return null;
}

/** The gate after a wave. Returns true once passed; false when the loop should look again (approval pending, a soak failure recorded). */
async function holdGate(control: Control, fleet: FleetRow, waveNo: number, inWave: TargetRow[], rb: Runbook, say: (line: string) => void, wait: (ms: number) => Promise<void>, notify?: Notify): Promise<boolean> {
  const gate = fleet.plan.waves[waveNo].gate!;
  if (gate.soakMs > 0 && fleet.state !== 'awaiting_approval') {
    await control.setFleet(fleet.id, { state: 'soaking' });
    say(`fleet ${fleet.name}: soaking ${Math.round(gate.soakMs / 1000)}s after wave ${waveNo + 1}, then checking its targets again`);
    const until = Date.now() + gate.soakMs;
    while (Date.now() < until) {
      await wait(Math.min(1000, until - Date.now()));
      const now = await control.fleet(fleet.id);
      if (now?.state === 'stopping') return false;
    }
    let failures = 0;
    for (const t of inWave.filter((x) => x.state === 'succeeded')) {
      const problem = await soakCheck(rb, t, fleet.answers);
      if (problem) {
        failures += 1;
        await control.query(`UPDATE ${FLEET_SCHEMA}.targets SET state = 'failed', error = $3, updated_at = now() WHERE fleet_id = $1 AND name = $2`, [fleet.id, t.name, problem]);
      }
    }
    await control.setFleet(fleet.id, { state: 'running' });
    // The failure policy decides on the next look when the soak's failures stop the fleet.
    const failedNow = inWave.filter((t) => t.state === 'failed' || t.state === 'stopped').length + failures;
    if (failures && failureStop(fleet, fleet.plan.waves[waveNo], failedNow, inWave.length)) return false;
  }
  if (gate.approve) {
    const subject = `wave ${waveNo + 2} of fleet ${fleet.name}`;
    const { rows } = await control.query<{ approved_by: string | null }>(`SELECT approved_by FROM ${FLEET_SCHEMA}.approvals WHERE fleet_id = $1 AND subject = $2 ORDER BY id DESC LIMIT 1`, [fleet.id, subject]);
    if (!rows[0]) {
      await control.query(`INSERT INTO ${FLEET_SCHEMA}.approvals (fleet_id, subject, requested_by) VALUES ($1, $2, $3)`, [fleet.id, subject, fleet.createdBy]);
      await control.setFleet(fleet.id, { state: 'awaiting_approval' });
      say(`fleet ${fleet.name}: waiting for approval of ${subject}: runbook fleet approve ${fleet.name}`);
      await notify?.({ event: 'approval_needed', text: `fleet ${fleet.name} (${fleet.runbookId}): ${subject} waits for approval — runbook fleet approve ${fleet.name}`, fleet: fleet.name, runbook: fleet.runbookId });
      return false;
    }
    if (!rows[0].approved_by) {
      if (fleet.state !== 'awaiting_approval') await control.setFleet(fleet.id, { state: 'awaiting_approval' });
      await wait(1000);
      return false;
    }
    say(`fleet ${fleet.name}: ${subject} approved by ${rows[0].approved_by}`);
  }
  await control.setFleet(fleet.id, { gatePassed: waveNo });
  return true;
}
