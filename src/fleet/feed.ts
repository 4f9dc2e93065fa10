// What the fleet view is fed with: the fleet's rows each time the control
// database announces a change (LISTEN), and a target's run to watch (its
// journal on this machine, or its shared record in the target: target-run.ts).
import pg from 'pg';
import { journalSteps } from '../journal/replay.js';
import { loadRunbook, type Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { CHANGED, type Control, type FleetRow, type TargetRow } from './control.js';
import type { ObservedRun } from './observed-run.js';
import { observeTarget } from './target-run.js';

export type Update = (fleet: FleetRow, targets: TargetRow[]) => void;

/** A hub the coordinator (or a listener) publishes to and the view subscribes to. */
export class FleetFeed {
  private readonly subscribers = new Set<Update>();
  private last: [FleetRow, TargetRow[]] | undefined;

  constructor(
    private readonly stateDir?: string,
    private readonly control?: Control,
  ) {}

  publish: Update = (fleet, targets) => {
    this.last = [fleet, targets];
    for (const s of this.subscribers) s(fleet, targets);
  };

  subscribe(update: Update): () => void {
    this.subscribers.add(update);
    if (this.last) update(...this.last);
    return () => this.subscribers.delete(update);
  }

  /** A target's run to watch, with the fleet's runbook to show it by, or why it cannot be shown. */
  async openRun(target: TargetRow): Promise<{ runbook: Runbook; steps: readonly Step[]; run: ObservedRun } | { error: string }> {
    const fleet = this.last?.[0];
    if (!this.control || !fleet) return { error: 'the fleet is not read yet' };
    const loaded = await loadRunbook(fleet.runbookFile);
    if (!loaded.ok) return { error: `${fleet.runbookFile}: ${loaded.problems[0]?.message ?? 'does not load'}: the run cannot be shown without its runbook` };
    const run = await observeTarget(this.control, fleet, target, this.stateDir);
    return 'error' in run ? run : { runbook: loaded.runbook, steps: journalSteps(loaded.runbook, run.header), run };
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
