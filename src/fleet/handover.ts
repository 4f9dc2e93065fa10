// A run handed over to another machine: `runbook resume RUN` where this
// machine has no journal of it takes the journal from the shared record in
// the run's database (runbook_record), writes it to this state folder, and
// the resume goes on from it as from its own. The record has every line
// before the statement it names goes out (SqlRequest.beforeSend), so the
// exactly-once rules hold from it: a statement whose end is not recorded is
// in flight, and reconciled, never simply run again.
import { writeFileSync } from 'node:fs';
import type { JournalRecord } from '../journal/journal.js';
import { indexEntry, type Store } from '../journal/store.js';
import { findRecordedRun, openRecordReader, recordedEvents } from './live.js';

/**
 * Writes the run's journal from the record into `store`; returns the run id,
 * or why it could not. A run still live elsewhere is refused: its runner holds it.
 */
export async function journalFromRecord(store: Store, url: string, ref: string, say: (line: string) => void): Promise<{ runId: string } | { error: string }> {
  const client = await openRecordReader(url);
  try {
    const run = await findRecordedRun(client, ref);
    if ('error' in run) return run;
    if (run.live) return { error: `run ${run.runId} is live: its runner (${run.operator}) still holds it; \`runbook watch ${run.runId}\` follows it` };
    const events = await recordedEvents(client, run.runId, 0);
    const lines: JournalRecord[] = [run.header];
    let ended = false;
    for (const e of events) {
      // The shared record keeps events only: a resume after the run ended is marked, as the runner's journal did.
      if (ended && e.event.type !== 'run_ended') lines.push({ record: 'session', action: 'resumed', operator: run.operator, pid: 0, at: e.event.at });
      ended = e.event.type === 'run_ended';
      lines.push(e);
    }
    const path = store.journalPath(run.runId);
    writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600, flag: 'wx' });
    const database = decodeURIComponent(new URL(url).pathname.slice(1));
    store.remember(indexEntry(run.header, database, path));
    say(`resume: run ${run.runId} is not in ${store.runsDir}; its journal (${events.length} events) was taken from the shared record in ${database}`);
    return { runId: run.runId };
  } finally {
    await client.end().catch(() => {});
  }
}
