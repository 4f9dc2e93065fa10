// What the fleet view is fed with: the fleet's rows each time the control
// database announces a change (LISTEN), and a target's run read from its
// journal on this machine.
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { RunState } from '../engine/state.js';
import { readJournal } from '../journal/journal.js';
import { replayJournal } from '../journal/replay.js';
import { openStore } from '../journal/store.js';
import { CHANGED, type Control, type FleetRow, type TargetRow } from './control.js';

export type Update = (fleet: FleetRow, targets: TargetRow[]) => void;

/** A hub the coordinator (or a listener) publishes to and the view subscribes to. */
export class FleetFeed {
  private readonly subscribers = new Set<Update>();
  private last: [FleetRow, TargetRow[]] | undefined;

  constructor(private readonly stateDir?: string) {}

  publish: Update = (fleet, targets) => {
    this.last = [fleet, targets];
    for (const s of this.subscribers) s(fleet, targets);
  };

  subscribe(update: Update): () => void {
    this.subscribers.add(update);
    if (this.last) update(...this.last);
    return () => this.subscribers.delete(update);
  }

  readRun(runId: string): RunState | undefined {
    const path = openStore(this.stateDir).journalPath(runId);
    if (!existsSync(path)) return undefined;
    try {
      return replayJournal(readJournal(path));
    } catch {
      return undefined;
    }
  }
}

/** Publishes a fleet's rows on every change announced for it, and every second (elapsed times move). */
export async function listenFleet(control: Control, fleetId: number, feed: FleetFeed): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: control.url, application_name: 'runbook fleet view' });
  client.on('error', () => {});
  await client.connect();
  let busy = false;
  const load = async () => {
    if (busy) return;
    busy = true;
    try {
      const fleet = await control.fleet(fleetId);
      if (fleet) feed.publish(fleet, await control.targets(fleetId));
    } catch {
      // the next change or tick tries again
    } finally {
      busy = false;
    }
  };
  client.on('notification', (n) => {
    if (n.payload === String(fleetId)) void load();
  });
  await client.query(`LISTEN ${CHANGED}`);
  await load();
  const tick = setInterval(() => void load(), 1000);
  return async () => {
    clearInterval(tick);
    await client.end().catch(() => {});
  };
}
