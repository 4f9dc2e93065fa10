// The lock guard and lock tracing in words: the queue behind a statement, each
// attempt, the INVALID indexes a failed CONCURRENTLY build left, traced vs
// predicted locks. One line each, the same on the screen, in plain output and
// in reports.
import type { LockAttempt, LockTrace } from '../exec/types.js';
import type { GuardTrip, LockQueueSample } from '../exec/postgres/lock-queue.js';
import type { LockHolder } from '../exec/postgres/monitor.js';
import { duration } from './duration.js';
import { oneLine } from './words.js';

/** Why the guard cancelled a statement: "3 sessions waited behind it (max_queue 2)". */
export function tripReason(trip: GuardTrip): string {
  return trip.limit === 'max_queue'
    ? `${trip.count} sessions waited behind it (max_queue ${trip.allowed})`
    : `a session had waited ${duration(trip.waitedMs)} behind it (max_queue_wait ${duration(trip.allowedMs)})`;
}

/** "pid 4711 (alice, psql; idle in transaction 12.0 s): SELECT …" */
export function holderText(b: LockHolder, queryChars = 80): string {
  const who = [b.user, b.application].filter(Boolean).join(', ');
  const since = b.state === 'active' ? b.queryAgeMs : (b.xactAgeMs ?? b.queryAgeMs);
  const state = b.state ? `${b.state}${since !== null ? ` ${duration(since)}` : ''}` : '';
  const about = [who, state].filter(Boolean).join('; ');
  return `pid ${b.pid}${about ? ` (${about})` : ''}${b.query ? `: ${oneLine(b.query, queryChars)}` : ''}`;
}

/** The queue behind statement `index`, as last sampled. */
export function queueText(index: number, s: LockQueueSample): string {
  if (!s.waitingFor && s.count === 0 && s.blockers.length === 0) return `lock queue: statement ${index + 1} no longer holds up anyone`;
  const parts: string[] = [];
  if (s.waitingFor) {
    const on = s.waitingFor.relation ? ` on ${s.waitingFor.relation}` : '';
    parts.push(`statement ${index + 1} waits${s.waitedMs !== null ? ` ${duration(s.waitedMs)}` : ''} for ${s.waitingFor.mode}${on}`);
  } else {
    parts.push(`statement ${index + 1} holds its lock`);
  }
  if (s.blockers.length > 0) parts.push(`held by ${s.blockers.slice(0, 2).map((b) => holderText(b, 60)).join('; ')}${s.blockers.length > 2 ? ` and ${s.blockers.length - 2} more` : ''}`);
  if (s.count > 0) {
    const who = s.waiters.slice(0, 3).map((w) => `pid ${w.pid}${w.application ? ` (${w.application})` : ''}: ${oneLine(w.query ?? '', 50)}`);
    parts.push(`${s.count} session${s.count === 1 ? '' : 's'} queued behind it, the oldest for ${duration(s.oldestWaitMs)} — ${who.join('; ')}${s.count > who.length ? ' …' : ''}`);
  } else {
    parts.push('nobody queued behind it');
  }
  return `lock queue: ${parts.join('; ')}`;
}

const OUTCOME: Record<LockAttempt['outcome'], string> = {
  done: 'got its lock and completed',
  lock_timeout: 'gave up waiting for its lock (lock_timeout)',
  queue_limit: 'was cancelled by the lock guard',
  deadlock: 'lost a deadlock (PostgreSQL rolled it back)',
  failed: 'failed',
  cancelled: 'was cancelled by the operator',
};

/** One attempt of a guarded statement: how it ended, who blocked it, the queue behind it, what comes next. */
export function attemptText(a: LockAttempt): string {
  const parts = [`lock attempt ${a.attempt}/${a.attempts} of statement ${a.index + 1} (${a.command}) ${OUTCOME[a.outcome]} after ${duration(a.durationMs)}`];
  if (a.trip) parts[0] += `: ${tripReason(a.trip)}`;
  parts.push(a.lockTimeoutMs === null ? 'no lock_timeout' : `lock_timeout ${duration(a.lockTimeoutMs)}`);
  if (a.waitedMs !== null && a.waitedMs > 0) parts.push(`waited ${duration(a.waitedMs)} for its lock`);
  if (a.blockers.length > 0) parts.push(`blocked by ${a.blockers.map((b) => holderText(b, 60)).join('; ')}`);
  parts.push(a.queueMax > 0 ? `queue behind it grew to ${a.queueMax} session${a.queueMax === 1 ? '' : 's'} (longest wait ${duration(a.queueWaitMaxMs)})` : 'nobody queued behind it');
  for (const ix of a.invalidIndexes ?? []) {
    parts.push(`the failed build left the INVALID index ${ix.name}${ix.dropped ? ', dropped (DROP INDEX CONCURRENTLY)' : ix.error ? `, which could not be dropped: ${oneLine(ix.error, 120)}` : ', not dropped'}`);
  }
  if (a.retryInMs !== undefined) parts.push(a.scope === 'step' ? `the step's transaction was rolled back; it runs again whole in ${duration(a.retryInMs)}` : `statements before it stay committed; it runs again in ${duration(a.retryInMs)}`);
  if (a.noRetry) parts.push(`not retried: ${a.noRetry}`);
  return parts.join('; ');
}

/** Traced vs predicted locks of one statement. */
export function traceText(t: LockTrace): string {
  const locks = t.traced.length > 0 ? t.traced.map((l) => `${l.mode} on ${l.relation}`).join(', ') : t.method === 'sampled' ? 'none seen' : 'none';
  const how = t.method === 'sampled' ? ` (sampled ${t.samples ?? 0}×)` : '';
  const parts = [`traced locks of statement ${t.index + 1} (${t.command})${how}: ${locks}`];
  parts.push(t.rewritten.length > 0 ? `rewrote ${t.rewritten.join(', ')}` : 'no rewrite');
  parts.push(`held ${duration(t.heldMs)}`);
  if (t.predicted === null) parts.push('predicted: cannot be analysed');
  else if (t.differences.length === 0) parts.push('as predicted');
  else parts.push(`DIFFERS from the prediction: ${t.differences.map((d) => `${d.relation}: predicted ${d.predicted ?? 'none'}, traced ${d.traced ?? 'none'}`).join('; ')}`);
  if (t.unpredictable?.traced.length) {
    parts.push(`cannot be predicted: ${t.unpredictable.traced.map((d) => `${d.traced} on ${d.relation}`).join(', ')} (${t.unpredictable.reason})`);
  }
  return parts.join('; ');
}

/** --trace-locks, at the end of a run: how many statements were traced, and which differ from the prediction. */
export function traceSummary(state: { items: readonly { id: string; locks?: { traces: LockTrace[] } }[] }): string | null {
  const traces = state.items.flatMap((i) => (i.locks?.traces ?? []).map((t) => ({ item: i.id, t })));
  if (traces.length === 0) return null;
  const differ = traces.filter(({ t }) => t.differences.length > 0);
  const unpredicted = traces.filter(({ t }) => (t.unpredictable?.traced.length ?? 0) > 0);
  const head = `lock trace: ${traces.length} statement${traces.length === 1 ? '' : 's'} traced`;
  const where = (list: typeof traces) => list.map(({ item, t }) => `${item} statement ${t.index + 1}`).join(', ');
  const tail = unpredicted.length ? `; ${unpredicted.length} also took locks that cannot be predicted (triggers, foreign keys): ${where(unpredicted)}` : '';
  if (differ.length === 0) return `${head}, all as predicted${tail}`;
  return `${head}; ${differ.length} differ from the prediction: ${where(differ)}${tail}`;
}
