// Following a run from anywhere: the shared record (runbook_record, written by
// journal/db-record.ts in the target database with --record-in-db, or in a
// fleet's control database) read back, and followed by LISTEN/NOTIFY as it
// grows. Read-only: a watcher never writes to the record or the run.
import pg from 'pg';
import { reduce } from '../engine/reducer.js';
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import type { EventRecord, Journal, JournalHeader } from '../journal/journal.js';
import { RECORD_CHANNEL, RECORD_SCHEMA } from '../journal/db-record.js';
import { replayJournal } from '../journal/replay.js';

export interface RecordedRun {
  runId: string;
  runbook: string;
  title: string;
  target: string;
  operator: string;
  startedAt: string;
  outcome: string | null;
  /** Its runner's connection is still open (the record's writer holds the run lock). */
  live: boolean;
  header: JournalHeader;
}

/** A connection to the database holding the record, for reading and listening. */
export async function openRecordReader(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'runbook watch' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

const RUN_COLUMNS = `r.run_id, r.runbook, r.title, r.target, r.operator, r.started_at::text AS started_at, r.outcome, r.header,
  (r.outcome IS NULL AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid)) AS live`;

function toRun(row: Record<string, unknown>): RecordedRun {
  return {
    runId: String(row.run_id),
    runbook: String(row.runbook),
    title: String(row.title),
    target: String(row.target),
    operator: String(row.operator),
    startedAt: String(row.started_at),
    outcome: row.outcome === null ? null : String(row.outcome),
    live: row.live === true,
    header: row.header as JournalHeader,
  };
}

async function hasRecord(client: pg.Client): Promise<boolean> {
  const r = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${RECORD_SCHEMA}.events`]);
  const cols = await client.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'runs' AND column_name = 'backend_pid'`, [RECORD_SCHEMA]);
  return r.rows[0]?.ok === true && cols.rowCount === 1;
}

/** The runs whose runner is still connected, newest first. */
export async function liveRuns(client: pg.Client): Promise<RecordedRun[]> {
  if (!(await hasRecord(client))) return [];
  const r = await client.query(`SELECT ${RUN_COLUMNS} FROM ${RECORD_SCHEMA}.runs r WHERE r.outcome IS NULL ORDER BY r.started_at DESC, r.run_id DESC LIMIT 200`);
  return r.rows.map(toRun).filter((run) => run.live);
}

/**
 * The run `ref` names (its id, or a unique part of it), or without a ref the
 * newest live one. Returns why none was found otherwise.
 */
export async function findRecordedRun(client: pg.Client, ref: string | undefined): Promise<RecordedRun | { error: string }> {
  if (!(await hasRecord(client))) return { error: `no shared record in this database (schema ${RECORD_SCHEMA}): runs are recorded there with \`runbook run --record-in-db\`` };
  if (!ref) {
    const live = await liveRuns(client);
    if (live.length === 0) return { error: 'no live run in the shared record of this database; name a finished one to see it: runbook watch RUN' };
    return live[0];
  }
  const r = await client.query(`SELECT ${RUN_COLUMNS} FROM ${RECORD_SCHEMA}.runs r WHERE strpos(r.run_id, $1) > 0 ORDER BY r.run_id = $1 DESC, r.started_at DESC LIMIT 10`, [ref]);
  const runs = r.rows.map(toRun);
  const exact = runs.find((run) => run.runId === ref);
  if (exact) return exact;
  if (runs.length === 1) return runs[0];
  if (runs.length === 0) return { error: `no run "${ref}" in the shared record of this database` };
  return { error: `"${ref}" names ${runs.length} runs (${runs.map((x) => x.runId).join(', ')}): give more of the id` };
}

/** The run's journal lines after `afterSeq`, in order. */
export async function recordedEvents(client: pg.Client, runId: string, afterSeq: number): Promise<EventRecord[]> {
  const r = await client.query(`SELECT entry FROM ${RECORD_SCHEMA}.events WHERE run_id = $1 AND seq > $2 ORDER BY seq`, [runId, afterSeq]);
  return r.rows.map((row) => row.entry as EventRecord);
}

/** Whether the run is still being written: its outcome, and whether its runner is connected. */
async function runStanding(client: pg.Client, runId: string): Promise<{ outcome: string | null; live: boolean } | undefined> {
  const r = await client.query(`SELECT ${RUN_COLUMNS} FROM ${RECORD_SCHEMA}.runs r WHERE r.run_id = $1`, [runId]);
  return r.rows[0] ? toRun(r.rows[0]) : undefined;
}

/**
 * The state after one more recorded event. An event after the run's end
 * means it was resumed (the journal's "resumed" line is not in the shared
 * record): the run is open again, as replay does for that line.
 */
export function applyRecorded(state: RunState, event: RunEvent): RunState {
  const open = state.ended && event.type !== 'run_ended' ? { ...state, ended: null } : state;
  return reduce(open, event);
}

/** The run's state from its recorded lines (as a journal of those lines). */
export function recordedState(header: JournalHeader, records: EventRecord[]): RunState {
  const journal: Journal = { path: `${RECORD_SCHEMA}.events`, header, records: [], events: [] };
  let state = replayJournal(journal);
  for (const r of records) state = applyRecorded(state, r.event);
  return state;
}

export interface FollowHandlers {
  /** New lines of the run, in order, never one twice. */
  onRecords(records: EventRecord[]): void;
  /** The runner's connection closed without the run ending (killed): the run can be resumed. */
  onRunnerGone?(): void;
  onError?(message: string): void;
}

/**
 * Follows the run: every announcement on the record's channel for this run
 * brings the lines after the last one seen; a slow tick (the fallback when an
 * announcement is missed, and to notice a runner gone) does the same.
 */
export async function followRecordedRun(client: pg.Client, runId: string, lastSeq: number, h: FollowHandlers, tickMs = 2000): Promise<() => Promise<void>> {
  let seq = lastSeq;
  let busy: Promise<void> | null = null;
  let again = false;
  let gone = false;
  let stopped = false;
  const fetch = async (checkRunner: boolean) => {
    const records = await recordedEvents(client, runId, seq);
    if (records.length) {
      seq = records[records.length - 1].seq;
      h.onRecords(records);
    }
    if (checkRunner && !gone) {
      const standing = await runStanding(client, runId);
      if (standing && standing.outcome === null && !standing.live) {
        // The runner may have just ended it: take any last lines before saying it is gone.
        const last = await recordedEvents(client, runId, seq);
        if (last.length) {
          seq = last[last.length - 1].seq;
          h.onRecords(last);
        }
        if (!last.some((r) => r.event.type === 'run_ended')) {
          gone = true;
          h.onRunnerGone?.();
        }
      } else if (standing?.live) gone = false;
    }
  };
  const load = (checkRunner = false) => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = fetch(checkRunner)
      .catch((err: unknown) => h.onError?.(err instanceof Error ? err.message : String(err)))
      .finally(() => {
        busy = null;
        if (again) {
          again = false;
          load();
        }
      });
  };
  client.on('notification', (n) => {
    if (n.channel === RECORD_CHANNEL && n.payload === runId) load();
  });
  await client.query(`LISTEN ${RECORD_CHANNEL}`);
  load();
  const tick = setInterval(() => load(true), tickMs);
  return async () => {
    stopped = true;
    clearInterval(tick);
    await busy;
  };
}
