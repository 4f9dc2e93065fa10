// The lock guard of one step: the policy it runs under, the side connection
// its queue watches share, how an attempt ended, and the wait before the next.
// run-sql.ts decides what a retry re-runs; this module knows locks and time.
import type pg from 'pg';
import type { ExecListener, LockAttempt, LockAttemptOutcome } from '../types.js';
import { pgFields } from './errors.js';
import { watchQueue, type LockQueueSample, type QueueObservation, type QueueWatch } from './lock-queue.js';
import type { PgSession } from './session.js';

/** A retry policy in milliseconds (a runbook's lock_retries, resolved). */
export interface RetryPolicy {
  /** Tries in all, the first included (1: no retry). */
  attempts: number;
  backoffMs: number;
  maxBackoffMs?: number;
  /** 0..1: each wait is drawn within ±jitter of the doubled backoff. */
  jitter: number;
  lastAttemptWithoutTimeout: boolean;
}

/** What a step that takes a strong lock runs under. */
export interface GuardPolicy {
  lockTimeoutMs?: number;
  retries: RetryPolicy;
  maxQueue?: number;
  maxQueueWaitMs?: number;
}

export interface GuardRequest extends GuardPolicy {
  /** [0, 1) for the jitter; Math.random unless a test seeds it. */
  random?: () => number;
  /** Queue polling (defaults: first after 100 ms, then every 200 ms). */
  delayMs?: number;
  intervalMs?: number;
}

/**
 * The wait before attempt `next` (2 for the first retry): backoff doubled per
 * earlier retry, capped, then spread by ±jitter with `random` in [0, 1).
 */
export function backoffMs(policy: RetryPolicy, next: number, random: number): number {
  const doubled = policy.backoffMs * 2 ** Math.max(0, next - 2);
  const capped = policy.maxBackoffMs !== undefined ? Math.min(doubled, policy.maxBackoffMs) : doubled;
  return Math.max(0, Math.round(capped * (1 + policy.jitter * (2 * random - 1))));
}

/** A lock queue sample worth showing again: something changed, or a while has passed. */
const HEARTBEAT_MS = 2000;

export class StepGuard {
  private side: Promise<pg.Client> | null = null;
  private watch: QueueWatch | null = null;
  private watchStarted = 0;
  /** The statement running now, for the queue events. */
  current = 0;
  private last: { key: string; at: number } | null = null;
  private complained = false;

  constructor(
    private readonly session: PgSession,
    readonly request: GuardRequest,
    private readonly listener: ExecListener,
  ) {}

  get attempts(): number {
    return Math.max(1, this.request.retries.attempts);
  }

  /** The lock_timeout of attempt `n`: none on a last attempt the policy runs without one. */
  lockTimeoutFor(n: number): number | null {
    const r = this.request.retries;
    if (r.lastAttemptWithoutTimeout && n === this.attempts && n > 1) return null;
    return this.request.lockTimeoutMs ?? null;
  }

  get watching(): boolean {
    return this.watch !== null;
  }

  /** Set once the guard cancelled the statement running now (or, between statements, the transaction). */
  get tripped(): boolean {
    return this.watch?.trip != null;
  }

  /** Starts watching the queue behind our session (no-op when already watching). */
  startWatch(): void {
    if (this.watch) return;
    this.watchStarted = Date.now();
    this.watch = watchQueue({
      side: () => this.sideConnection(),
      pid: this.session.target.backendPid,
      serverVersionNum: this.session.target.serverVersionNum,
      limits: { maxQueue: this.request.maxQueue, maxQueueWaitMs: this.request.maxQueueWaitMs },
      ...(this.request.delayMs !== undefined ? { delayMs: this.request.delayMs } : {}),
      ...(this.request.intervalMs !== undefined ? { intervalMs: this.request.intervalMs } : {}),
      onSample: (sample) => this.onSample(sample),
      onError: (message) => {
        if (this.complained) return;
        this.complained = true;
        this.listener({ type: 'info', message: `${message}; the step runs on without the queue guard.` });
      },
    });
  }

  /** Stops the watch; what it saw, and for how long it watched. */
  async stopWatch(): Promise<(QueueObservation & { watchedMs: number }) | null> {
    const watch = this.watch;
    if (!watch) return null;
    this.watch = null;
    const obs = await watch.stop();
    if (this.last && this.last.key !== 'clear') {
      // The queue is gone with our lock: say so once, so a screen does not keep showing it.
      this.listener({ type: 'lock_queue', index: this.current, sample: { at: Date.now(), waitingFor: null, waitedMs: null, blockers: [], count: 0, oldestWaitMs: 0, waiters: [] } });
    }
    this.last = null;
    return { ...obs, watchedMs: Date.now() - this.watchStarted };
  }

  private onSample(sample: LockQueueSample): void {
    const key = JSON.stringify([sample.count, sample.waitingFor, sample.blockers.map((b) => b.pid), sample.waiters.map((w) => w.pid)]);
    const quiet = sample.count === 0 && !sample.waitingFor && sample.blockers.length === 0;
    if (quiet && (!this.last || this.last.key === 'clear')) return;
    if (this.last && this.last.key === key && sample.at - this.last.at < HEARTBEAT_MS) return;
    this.last = { key: quiet ? 'clear' : key, at: sample.at };
    this.listener({ type: 'lock_queue', index: this.current, sample });
  }

  /** How an attempt that threw ended, for the record and the retry decision. */
  outcomeOf(err: unknown, obs: QueueObservation | null, operatorCancelled: boolean): LockAttemptOutcome {
    const code = pgFields(err).code;
    if (obs?.trip) return 'queue_limit';
    if (operatorCancelled) return 'cancelled';
    if (code === '55P03' && /lock timeout/i.test(pgFields(err).message ?? '')) return 'lock_timeout';
    if (code === '40P01') return 'deadlock';
    return 'failed';
  }

  /** Emits one attempt's record. */
  report(attempt: LockAttempt): void {
    this.listener({ type: 'lock_attempt', attempt });
  }

  /** The wait before attempt `next`. */
  backoff(next: number): number {
    return backoffMs(this.request.retries, next, (this.request.random ?? Math.random)());
  }

  private sideConnection(): Promise<pg.Client> {
    this.side ??= this.session.openSide('guard');
    return this.side;
  }

  async close(): Promise<void> {
    await this.stopWatch().catch(() => null);
    const side = this.side;
    this.side = null;
    if (side) await side.then((c) => c.end()).catch(() => {});
  }
}

/**
 * Whether lock_retries may try an attempt that ended so again: it gave up on
 * its lock (lock_timeout, the queue guard) or lost a deadlock — each time
 * PostgreSQL undid the attempt whole, so running it again applies nothing twice.
 */
export function retryable(outcome: LockAttemptOutcome): boolean {
  return outcome === 'lock_timeout' || outcome === 'queue_limit' || outcome === 'deadlock';
}

/** Waits `ms`, or less when `signal` aborts; true when it waited the whole time. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (full: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(full);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function emptyObservation(): QueueObservation {
  return { queueMax: 0, queueWaitMaxMs: 0, blockers: [], waitedMs: null, trip: null, samples: 0 };
}
