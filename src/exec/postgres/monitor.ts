// Watching a running statement from the outside: on its own short-lived
// connection, a small poll of what the server says about the session that runs
// the step — its own progress report (pg_stat_progress_*) for index builds,
// VACUUM, ANALYZE, CLUSTER and COPY, and, when it waits on a lock, who holds
// that lock (pg_blocking_pids) with their query and its age.
//
// Started by the run's wiring while a SQL step runs, stopped when it ends.
// It reports samples through a callback and never throws: a monitor that
// cannot connect or query just reports nothing (and says why, once).
import pg from './pg.js';
import { typeParsers } from './values.js';

/** A session holding a lock the watched statement waits for. */
export interface LockHolder {
  pid: number;
  user: string | null;
  application: string | null;
  /** "idle in transaction", "active", ... */
  state: string | null;
  query: string | null;
  /** How long its transaction has been open, when it has one. */
  xactAgeMs: number | null;
  /** How long since its current (or last) query started. */
  queryAgeMs: number | null;
}

/** The server's own progress report for a long command. */
export interface ServerProgress {
  /** "CREATE INDEX CONCURRENTLY", "VACUUM", "ANALYZE", "COPY FROM", "CLUSTER" ... */
  command: string;
  phase: string | null;
  relation: string | null;
  done: number | null;
  total: number | null;
  /** What done/total count: "blocks", "tuples", "bytes", "lockers", "partitions". */
  unit: string;
}

export interface MonitorSample {
  /** Wall-clock time the sample was taken (ms since the epoch). */
  at: number;
  pid: number;
  /** pg_stat_activity.state of the watched session: "active", "idle in transaction"... null when it is gone. */
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** How long the current statement has been running, by the server's clock. */
  runningMs: number | null;
  /** The lock it waits for, when it waits for one. */
  waitingFor: { locktype: string; mode: string; relation: string | null } | null;
  blockers: LockHolder[];
  progress: ServerProgress[];
}

export interface MonitorOptions {
  /** The target's URL (with password; used only to connect). */
  url: string;
  /** Backend pid of the session that runs the step. */
  pid: number;
  /** server_version_num: which progress views exist. */
  serverVersionNum: number;
  /** Wait this long before the first poll: quick statements never open a connection (default 400 ms). */
  delayMs?: number;
  /** Time between polls (default 500 ms). */
  intervalMs?: number;
  onSample(sample: MonitorSample): void;
  /** Called once if the monitor cannot work (connect or query failure). */
  onError?(message: string): void;
}

export interface Monitor {
  /** Stops polling and closes the connection; resolves when it is closed. */
  stop(): Promise<void>;
}

const ACTIVITY_SQL = `SELECT a.state, a.wait_event_type, a.wait_event,
  (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS running_ms,
  pg_blocking_pids(a.pid) AS blockers
FROM pg_stat_activity a WHERE a.pid = $1`;

const WAITING_SQL = `SELECT l.locktype, l.mode,
  CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation
FROM pg_locks l WHERE l.pid = $1 AND NOT l.granted LIMIT 1`;

const HOLDERS_SQL = `SELECT a.pid, a.usename AS user, a.application_name AS application, a.state,
  left(a.query, 500) AS query,
  (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_ms,
  (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::float8 AS query_ms
FROM pg_stat_activity a WHERE a.pid = ANY($1::int[]) ORDER BY a.xact_start NULLS LAST`;

/** One query per progress view the server has, each returning the same columns. */
function progressQueries(versionNum: number): string[] {
  const rel = (col: string) => `CASE WHEN ${col} IS NOT NULL AND ${col} <> 0 THEN ${col}::regclass::text END`;
  const q: string[] = [];
  if (versionNum >= 120000) {
    // What to count depends on the phase: lockers while it waits, blocks while it scans, tuples while it sorts or loads.
    const unit = `CASE WHEN phase LIKE 'waiting%' AND lockers_total > 0 THEN 'lockers'
        WHEN phase LIKE '%scanning table%' AND blocks_total > 0 THEN 'blocks'
        WHEN tuples_total > 0 THEN 'tuples' WHEN blocks_total > 0 THEN 'blocks'
        WHEN partitions_total > 0 THEN 'partitions' ELSE NULL END`;
    q.push(`SELECT command, phase, relation, (CASE unit WHEN 'lockers' THEN lockers_done WHEN 'blocks' THEN blocks_done WHEN 'tuples' THEN tuples_done WHEN 'partitions' THEN partitions_done END)::float8 AS done,
      (CASE unit WHEN 'lockers' THEN lockers_total WHEN 'blocks' THEN blocks_total WHEN 'tuples' THEN tuples_total WHEN 'partitions' THEN partitions_total END)::float8 AS total,
      coalesce(unit, 'blocks') AS unit
      FROM (SELECT p.*, ${rel('relid')} AS relation, ${unit} AS unit
      FROM pg_stat_progress_create_index p WHERE pid = $1) x`);
    q.push(`SELECT command, phase, ${rel('relid')} AS relation, heap_blks_scanned::float8 AS done, NULLIF(heap_blks_total, 0)::float8 AS total, 'blocks' AS unit
      FROM pg_stat_progress_cluster WHERE pid = $1`);
  }
  if (versionNum >= 90600) {
    q.push(`SELECT 'VACUUM' AS command, phase, ${rel('relid')} AS relation, heap_blks_scanned::float8 AS done, NULLIF(heap_blks_total, 0)::float8 AS total, 'blocks' AS unit
      FROM pg_stat_progress_vacuum WHERE pid = $1`);
  }
  if (versionNum >= 130000) {
    q.push(`SELECT 'ANALYZE' AS command, phase, ${rel('relid')} AS relation, sample_blks_scanned::float8 AS done, NULLIF(sample_blks_total, 0)::float8 AS total, 'blocks' AS unit
      FROM pg_stat_progress_analyze WHERE pid = $1`);
  }
  if (versionNum >= 140000) {
    q.push(`SELECT command || ' ' || type AS command, NULL::text AS phase, ${rel('relid')} AS relation,
      CASE WHEN bytes_total > 0 THEN bytes_processed ELSE tuples_processed END::float8 AS done,
      NULLIF(bytes_total, 0)::float8 AS total,
      CASE WHEN bytes_total > 0 THEN 'bytes' ELSE 'tuples' END AS unit
      FROM pg_stat_progress_copy WHERE pid = $1`);
  }
  return q;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Takes one sample of session `pid`, on an already open client. */
export async function sampleSession(client: pg.Client, pid: number, serverVersionNum: number): Promise<MonitorSample> {
  const at = Date.now();
  const activity = (await client.query(ACTIVITY_SQL, [pid])).rows[0] as Record<string, unknown> | undefined;
  if (!activity) return { at, pid, state: null, waitEventType: null, waitEvent: null, runningMs: null, waitingFor: null, blockers: [], progress: [] };
  const blockerPids = (Array.isArray(activity.blockers) ? activity.blockers : []).map(Number);
  let waitingFor: MonitorSample['waitingFor'] = null;
  let blockers: LockHolder[] = [];
  if (blockerPids.length > 0 || activity.wait_event_type === 'Lock') {
    const w = (await client.query(WAITING_SQL, [pid])).rows[0] as Record<string, unknown> | undefined;
    if (w) waitingFor = { locktype: String(w.locktype), mode: String(w.mode), relation: str(w.relation) };
  }
  if (blockerPids.length > 0) {
    blockers = (await client.query(HOLDERS_SQL, [blockerPids])).rows.map((r: Record<string, unknown>) => ({
      pid: Number(r.pid),
      user: str(r.user),
      application: str(r.application),
      state: str(r.state),
      query: str(r.query),
      xactAgeMs: num(r.xact_ms),
      queryAgeMs: num(r.query_ms),
    }));
  }
  const progress: ServerProgress[] = [];
  if (activity.state === 'active') {
    for (const sql of progressQueries(serverVersionNum)) {
      for (const r of (await client.query(sql, [pid])).rows as Record<string, unknown>[]) {
        progress.push({ command: String(r.command), phase: str(r.phase), relation: str(r.relation), done: num(r.done), total: num(r.total), unit: String(r.unit) });
      }
    }
  }
  return {
    at,
    pid,
    state: str(activity.state),
    waitEventType: str(activity.wait_event_type),
    waitEvent: str(activity.wait_event),
    runningMs: activity.state === 'active' ? num(activity.running_ms) : null,
    waitingFor,
    blockers,
    progress,
  };
}

/** Starts watching session `pid`. Never throws; failures go to onError once, then it stays quiet. */
export function startMonitor(options: MonitorOptions): Monitor {
  const delayMs = options.delayMs ?? 400;
  const intervalMs = options.intervalMs ?? 500;
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let loop: Promise<void> = Promise.resolve();
  let complained = false;
  const complain = (err: unknown) => {
    if (complained || stopped) return;
    complained = true;
    options.onError?.(`the server monitor stopped: ${err instanceof Error ? err.message : String(err)}`);
  };

  const poll = async () => {
    timer = null;
    if (stopped) return;
    try {
      if (!client) {
        const c = new pg.Client({
          connectionString: options.url,
          application_name: 'runbook (monitor)',
          connectionTimeoutMillis: 3000,
          statement_timeout: 2000,
          types: typeParsers,
        } as pg.ClientConfig);
        c.on('error', () => {});
        client = c;
        await c.connect();
      }
      if (stopped) return;
      const sample = await sampleSession(client, options.pid, options.serverVersionNum);
      if (!stopped) options.onSample(sample);
    } catch (err) {
      complain(err);
      stopped = true; // one failure ends the monitor; the step itself is unaffected
      return;
    }
    if (!stopped) {
      timer = setTimeout(() => (loop = poll()), intervalMs);
      timer.unref?.();
    }
  };
  timer = setTimeout(() => (loop = poll()), delayMs);
  timer.unref?.();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await loop.catch(() => {});
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
    },
  };
}
