// The queue behind our statement: while a statement of ours waits for or
// holds a strong lock, every session that wants the same table queues behind
// it. This watcher polls, on a side connection, who waits on us
// (pg_blocking_pids), how long the oldest has waited, and who we wait on; and
// it is the guard: past max_queue / max_queue_wait it cancels our statement
// (pg_cancel_backend) so the application's queries go on, and the step can
// retry by its policy.
//
// It never throws: a side connection that cannot be had just means no samples
// (and no guard), which the caller reports once.
import type pg from 'pg';
import type { LockHolder } from './monitor.js';

/** A session waiting behind our statement. */
export interface QueueWaiter {
  pid: number;
  user: string | null;
  application: string | null;
  /** Its query, cut. */
  query: string | null;
  /** How long it has waited for its lock. */
  waitedMs: number;
}

export interface LockQueueSample {
  /** Wall-clock time of the sample (ms since the epoch). */
  at: number;
  /** The lock our statement waits for; null once it holds what it asked for. */
  waitingFor: { mode: string; relation: string | null } | null;
  /** How long our statement has waited for that lock. */
  waitedMs: number | null;
  /** The sessions our statement waits on. */
  blockers: LockHolder[];
  /** Every session waiting on us. */
  count: number;
  oldestWaitMs: number;
  /** The first few of them, the longest-waiting first. */
  waiters: QueueWaiter[];
}

export interface QueueLimits {
  maxQueue?: number;
  maxQueueWaitMs?: number;
}

/** Why the guard cancelled our statement. */
export type GuardTrip =
  | { limit: 'max_queue'; allowed: number; count: number; at: number }
  | { limit: 'max_queue_wait'; allowedMs: number; waitedMs: number; at: number };

/** What one watch saw, for the attempt's record. */
export interface QueueObservation {
  /** The most sessions that waited behind us at once. */
  queueMax: number;
  /** The longest any of them had waited. */
  queueWaitMaxMs: number;
  /** Who our statement waited on (first seen first, a few). */
  blockers: LockHolder[];
  /** How long our statement waited for its lock, as last seen. */
  waitedMs: number | null;
  trip: GuardTrip | null;
  /** Polls that answered. */
  samples: number;
}

export const WAITERS_KEPT = 5;
const BLOCKERS_KEPT = 5;
const QUERY_CHARS = 300;

/** One round trip: our session, who blocks it, and who waits on it. waitstart exists since PostgreSQL 14. */
function queueSql(versionNum: number): string {
  const since = versionNum >= 140000 ? `coalesce((SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = s.pid AND NOT l.granted), s.query_start)` : 's.query_start';
  return `WITH b AS (SELECT pg_blocking_pids($1) AS blockers),
s AS (
  SELECT a.pid, a.usename, a.application_name, a.state, a.query, a.query_start, a.xact_start, a.wait_event_type,
    CASE WHEN a.pid = $1 THEN 'self' WHEN a.pid = ANY(b.blockers) THEN 'blocker' ELSE 'waiter' END AS role
  FROM pg_stat_activity a, b
  WHERE a.pid = $1 OR a.pid = ANY(b.blockers) OR (a.wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(a.pid)))
)
SELECT s.pid, s.usename AS user, s.application_name AS application, s.state, left(s.query, ${QUERY_CHARS}) AS query, s.role,
  CASE WHEN s.wait_event_type = 'Lock' THEN (extract(epoch FROM clock_timestamp() - ${since}) * 1000)::float8 END AS wait_ms,
  (extract(epoch FROM clock_timestamp() - s.xact_start) * 1000)::float8 AS xact_ms,
  (extract(epoch FROM clock_timestamp() - s.query_start) * 1000)::float8 AS query_ms,
  CASE WHEN s.role = 'self' THEN (SELECT l.mode FROM pg_locks l WHERE l.pid = s.pid AND NOT l.granted LIMIT 1) END AS wait_mode,
  CASE WHEN s.role = 'self' THEN (SELECT CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text ELSE l.locktype END FROM pg_locks l WHERE l.pid = s.pid AND NOT l.granted LIMIT 1) END AS wait_relation
FROM s`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Reads the queue around session `pid` once. */
export async function sampleQueue(client: pg.Client, pid: number, versionNum: number): Promise<LockQueueSample> {
  const at = Date.now();
  const rows = (await client.query(queueSql(versionNum), [pid])).rows as Record<string, unknown>[];
  const self = rows.find((r) => r.role === 'self');
  const waiters = rows
    .filter((r) => r.role === 'waiter')
    .map((r) => ({ pid: Number(r.pid), user: str(r.user), application: str(r.application), query: str(r.query), waitedMs: num(r.wait_ms) ?? 0 }))
    .sort((a, b) => b.waitedMs - a.waitedMs);
  const blockers = rows
    .filter((r) => r.role === 'blocker')
    .map((r) => ({ pid: Number(r.pid), user: str(r.user), application: str(r.application), state: str(r.state), query: str(r.query), xactAgeMs: num(r.xact_ms), queryAgeMs: num(r.query_ms) }));
  return {
    at,
    waitingFor: self?.wait_mode ? { mode: String(self.wait_mode), relation: str(self.wait_relation) } : null,
    waitedMs: self ? num(self.wait_ms) : null,
    blockers,
    count: waiters.length,
    oldestWaitMs: waiters[0]?.waitedMs ?? 0,
    waiters: waiters.slice(0, WAITERS_KEPT),
  };
}

/** The limit a sample breaks, if any. */
export function tripOf(sample: LockQueueSample, limits: QueueLimits): GuardTrip | null {
  if (limits.maxQueue !== undefined && sample.count > limits.maxQueue) return { limit: 'max_queue', allowed: limits.maxQueue, count: sample.count, at: sample.at };
  if (limits.maxQueueWaitMs !== undefined && sample.count > 0 && sample.oldestWaitMs > limits.maxQueueWaitMs) {
    return { limit: 'max_queue_wait', allowedMs: limits.maxQueueWaitMs, waitedMs: sample.oldestWaitMs, at: sample.at };
  }
  return null;
}

export interface WatchOptions {
  /** The side connection (opened on first use, shared by the step's watches). */
  side: () => Promise<pg.Client>;
  pid: number;
  serverVersionNum: number;
  limits: QueueLimits;
  /** First poll after this long: a statement that is quickly done never costs a query (default 100 ms). */
  delayMs?: number;
  /** Between polls (default 200 ms: a limit is acted on well within a second). */
  intervalMs?: number;
  onSample(sample: LockQueueSample): void;
  /** The guard cancelled our statement. */
  onTrip?(trip: GuardTrip): void;
  /** The watch could not work (once). */
  onError?(message: string): void;
}

export interface QueueWatch {
  /** Set once the guard has cancelled our statement. */
  readonly trip: GuardTrip | null;
  /** Stops polling; resolves, once no poll or cancel is in flight, with what was seen. */
  stop(): Promise<QueueObservation>;
}

export function watchQueue(options: WatchOptions): QueueWatch {
  const obs: QueueObservation = { queueMax: 0, queueWaitMaxMs: 0, blockers: [], waitedMs: null, trip: null, samples: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let loop: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    timer = null;
    if (stopped) return;
    try {
      const client = await options.side();
      if (stopped) return;
      const sample = await sampleQueue(client, options.pid, options.serverVersionNum);
      if (stopped) return;
      obs.samples++;
      obs.queueMax = Math.max(obs.queueMax, sample.count);
      obs.queueWaitMaxMs = Math.max(obs.queueWaitMaxMs, sample.oldestWaitMs);
      if (sample.waitedMs !== null) obs.waitedMs = sample.waitedMs;
      for (const b of sample.blockers) if (obs.blockers.length < BLOCKERS_KEPT && !obs.blockers.some((x) => x.pid === b.pid)) obs.blockers.push(b);
      options.onSample(sample);
      const trip = obs.trip ? null : tripOf(sample, options.limits);
      if (trip) {
        obs.trip = trip;
        // Cancels whatever our session runs now: the statement that holds or waits for the lock.
        await client.query('SELECT pg_cancel_backend($1)', [options.pid]);
        options.onTrip?.(trip);
        return; // the statement ends; nothing more to guard
      }
    } catch (err) {
      stopped = true;
      options.onError?.(`the lock queue could not be watched: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!stopped) {
      timer = setTimeout(() => (loop = poll()), options.intervalMs ?? 200);
      timer.unref?.();
    }
  };
  timer = setTimeout(() => (loop = poll()), options.delayMs ?? 100);
  timer.unref?.();

  return {
    get trip() {
      return obs.trip;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await loop.catch(() => {});
      return obs;
    },
  };
}
