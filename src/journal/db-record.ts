// The shared record (--record-in-db): the run's journal lines also go to the
// target database, in a schema of their own created on first use, so a team
// sees who ran what and when from any machine. The file journal stays the
// authority: a write that fails here is reported once and the run goes on.
import type { RunEvent } from '../engine/events.js';
import { queryValues, type PgSession } from '../exec/postgres/index.js';
import type { JournalHeader } from './journal.js';

export const RECORD_SCHEMA = 'runbook_record';

const SETUP = [
  `CREATE SCHEMA IF NOT EXISTS ${RECORD_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${RECORD_SCHEMA}.runs (
    run_id text PRIMARY KEY, runbook text NOT NULL, title text NOT NULL, kind text NOT NULL, rollback_of text,
    target text NOT NULL, operator text NOT NULL, pid integer NOT NULL,
    started_at timestamptz NOT NULL, outcome text, ended_at timestamptz, header jsonb NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${RECORD_SCHEMA}.events (
    run_id text NOT NULL REFERENCES ${RECORD_SCHEMA}.runs ON DELETE CASCADE, seq integer NOT NULL,
    at timestamptz NOT NULL, type text NOT NULL, item text, entry jsonb NOT NULL, PRIMARY KEY (run_id, seq))`,
  // The backend that writes the run (the one holding its run lock): a watcher tells a live run from one whose runner died.
  `ALTER TABLE ${RECORD_SCHEMA}.runs ADD COLUMN IF NOT EXISTS backend_pid integer`,
];

/** Announced (payload: the run id) whenever a run's record grows: watchers LISTEN to it (fleet/live.ts). */
export const RECORD_CHANNEL = 'runbook_record';

/** Serializes the first-use setup between two runners starting at once. */
const SETUP_LOCK = 0x72756e626f6f6bn; // "runbook"

export interface SharedRecord {
  /** Queues one journal line (as written; secrets were masked by the session). */
  event(seq: number, event: RunEvent, line: string): void;
  /** Waits for every queued write. */
  flush(): Promise<void>;
}

const ts = (ms: number) => new Date(ms).toISOString();

export async function openSharedRecord(
  session: PgSession,
  header: JournalHeader,
  backlog: { seq: number; event: RunEvent; line: string }[],
  warn: (line: string) => void,
): Promise<SharedRecord> {
  const q = (sql: string, params: (string | number | null)[] = []) => queryValues(session, sql, params);
  await q('BEGIN');
  try {
    await q('SELECT pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK.toString()]);
    for (const sql of SETUP) await q(sql);
    await q(
      `INSERT INTO ${RECORD_SCHEMA}.runs (run_id, runbook, title, kind, rollback_of, target, operator, pid, started_at, header, backend_pid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, pg_backend_pid())
       ON CONFLICT (run_id) DO UPDATE SET outcome = NULL, ended_at = NULL, backend_pid = pg_backend_pid(), operator = EXCLUDED.operator, pid = EXCLUDED.pid`,
      [header.runId, header.runbook.id, header.runbook.title, header.kind, header.rollbackOf ?? null, header.target, header.operator, header.pid, ts(header.startedAt), JSON.stringify(header)],
    );
    await q('SELECT pg_notify($1, $2)', [RECORD_CHANNEL, header.runId]);
    await q('COMMIT');
  } catch (err) {
    await q('ROLLBACK').catch(() => {});
    throw err;
  }
  let queue: Promise<void> = Promise.resolve();
  let failed = false;
  const insert = async (seq: number, event: RunEvent, line: string) => {
    if (event.type === 'run_ended') {
      await q(`UPDATE ${RECORD_SCHEMA}.runs SET outcome = $2, ended_at = $3 WHERE run_id = $1`, [header.runId, event.outcome, ts(event.at)]);
    }
    // One round trip: the line, and the announcement (sent when the statement commits) that the run's record grew.
    await q(
      `WITH line AS (INSERT INTO ${RECORD_SCHEMA}.events (run_id, seq, at, type, item, entry) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING run_id)
       SELECT pg_notify($7, run_id) FROM line`,
      [header.runId, seq, ts(event.at), event.type, 'key' in event ? event.key : null, line, RECORD_CHANNEL],
    );
  };
  const record: SharedRecord = {
    event(seq, event, line) {
      queue = queue.then(() => insert(seq, event, line)).catch((err: unknown) => {
        if (!failed) warn(`shared record: could not write to ${RECORD_SCHEMA} in the target database (${err instanceof Error ? err.message : String(err)}); the local journal is complete`);
        failed = true;
      });
    },
    flush: () => queue,
  };
  // Lines the database missed (a resumed run whose runner was killed) are filled in.
  for (const b of backlog) record.event(b.seq, b.event, b.line);
  return record;
}

export interface SharedRun {
  runId: string;
  runbook: string;
  kind: string;
  target: string;
  operator: string;
  startedAt: string;
  outcome: string | null;
  endedAt: string | null;
  events: number;
}

/** The runs recorded in a database, newest last. */
export async function sharedRuns(session: PgSession): Promise<SharedRun[] | null> {
  const exists = await queryValues(session, 'SELECT to_regclass($1) IS NOT NULL AS ok', [`${RECORD_SCHEMA}.runs`]);
  if (exists.rows[0]?.ok !== true) return null;
  const r = await queryValues(
    session,
    `SELECT r.run_id, r.runbook, r.kind, r.target, r.operator, r.started_at::text AS started_at, r.outcome, r.ended_at::text AS ended_at,
            (SELECT count(*) FROM ${RECORD_SCHEMA}.events e WHERE e.run_id = r.run_id)::int AS events
       FROM ${RECORD_SCHEMA}.runs r ORDER BY r.started_at, r.run_id`,
    [],
    10_000,
  );
  return r.rows.map((row) => ({
    runId: String(row.run_id),
    runbook: String(row.runbook),
    kind: String(row.kind),
    target: String(row.target),
    operator: String(row.operator),
    startedAt: String(row.started_at),
    outcome: row.outcome === null ? null : String(row.outcome),
    endedAt: row.ended_at === null ? null : String(row.ended_at),
    events: Number(row.events),
  }));
}
