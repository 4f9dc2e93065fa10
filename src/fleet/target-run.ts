// A fleet target's run, to watch: the control database knows each target's
// run id and connection, so a run is found by fleet and target (or by its id)
// and read from where it is kept — its journal when this machine has it (the
// workers ran here, or share the state folder), else the shared record in the
// target database (the fleet was started with --record-in-db).
import { existsSync } from 'node:fs';
import { openStore } from '../journal/store.js';
import { redactUrl } from '../exec/connection-url.js';
import { FINISHED_TARGET, type Control, type FleetRow, type TargetRow } from './control.js';
import { findRecordedRun, openRecordReader } from './live.js';
import { observeJournal, observeRecorded, type ObservedRun } from './observed-run.js';
import { targetUrl } from './target-url.js';

/** The fleet and target `ref` names: FLEET/TARGET (fleet by name or id), or a run id (or a unique part of it). */
export async function findFleetTarget(control: Control, ref: string): Promise<{ fleet: FleetRow; target: TargetRow } | { error: string }> {
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const [fleetRef, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
    const fleet = await control.fleet(fleetRef);
    if (!fleet) return { error: `no fleet "${fleetRef}" in the control database (\`runbook fleet status\` lists them)` };
    const target = await control.target(fleet.id, name);
    if (!target) return { error: `fleet ${fleet.name} has no target "${name}" (\`runbook fleet status ${fleet.name}\` lists them)` };
    return { fleet, target };
  }
  const found = await control.targetsByRun(ref);
  const exact = found.filter((t) => t.runId === ref);
  const hits = exact.length ? exact : found;
  if (hits.length === 0) return { error: `no fleet target ran a run "${ref}" (give FLEET/TARGET, or a run id from \`runbook fleet status FLEET\`)` };
  if (new Set(hits.map((t) => t.runId)).size > 1) return { error: `"${ref}" names ${hits.length} runs (${hits.map((t) => t.runId).join(', ')}): give more of the id` };
  const fleet = await control.fleet(hits[0].fleetId);
  return fleet ? { fleet, target: hits[0] } : { error: `the fleet of run ${ref} is gone from the control database` };
}

/** The target's run to watch, or why it cannot be shown. */
export async function observeTarget(control: Control, fleet: FleetRow, target: TargetRow, stateDir?: string): Promise<ObservedRun | { error: string }> {
  if (!target.runId) return { error: `${target.name} has no run yet: it waits for its wave` };
  const path = openStore(stateDir).journalPath(target.runId);
  const who = `${fleet.createdBy} (fleet ${fleet.name})`;
  if (existsSync(path)) {
    return observeJournal(path, {
      operator: who,
      target: target.name,
      stillRunning: async () => {
        const now = await control.target(fleet.id, target.name);
        return Boolean(now && !FINISHED_TARGET.includes(now.state));
      },
    });
  }
  let url: string;
  try {
    url = targetUrl(target.connection);
  } catch (e) {
    return { error: `${target.name}: ${(e as Error).message}` };
  }
  const notHere = `the journal of run ${target.runId} is not on this machine (its worker keeps it)`;
  let client;
  try {
    client = await openRecordReader(url);
  } catch (e) {
    return { error: `${notHere}, and ${redactUrl(url)} could not be read: ${(e as Error).message}` };
  }
  try {
    const run = await findRecordedRun(client, target.runId);
    if ('error' in run || run.runId !== target.runId) {
      await client.end().catch(() => {});
      return { error: `${notHere}, and the target has no shared record of it: start fleets with --record-in-db to watch their runs from any machine` };
    }
    return await observeRecorded(client, run, true, redactUrl(url));
  } catch (e) {
    await client.end().catch(() => {});
    return { error: `${notHere}; reading its shared record failed: ${(e as Error).message}` };
  }
}
