// The lock guard a step runs under: the step's own lock_timeout, lock_retries,
// max_queue and max_queue_wait, else the runbook's defaults, as numbers the
// PostgreSQL executor takes. Pure: no I/O.
import type { RunbookData, Step } from '../runbook/schema.js';
import { parseDuration } from './duration.js';

/** A retry policy in milliseconds (lock_retries resolved). */
export interface RetryPolicy {
  /** Tries in all, the first included (1: no retry). */
  attempts: number;
  backoffMs: number;
  maxBackoffMs?: number;
  /** 0..1: each wait is drawn within ±jitter of the doubled backoff. */
  jitter: number;
  lastAttemptWithoutTimeout: boolean;
}

export interface GuardPolicy {
  lockTimeoutMs?: number;
  retries: RetryPolicy;
  maxQueue?: number;
  maxQueueWaitMs?: number;
}

export const NO_RETRY: RetryPolicy = Object.freeze({ attempts: 1, backoffMs: 0, jitter: 0, lastAttemptWithoutTimeout: false });

type GuardFields = Pick<Step, 'lock_timeout' | 'lock_retries' | 'max_queue' | 'max_queue_wait'>;

/** The step's guard: each field from the step when it sets it, else from the runbook. */
export function guardPolicy(runbook: Pick<RunbookData, keyof GuardFields>, step: GuardFields): GuardPolicy {
  const retries = step.lock_retries ?? runbook.lock_retries;
  const policy: GuardPolicy = {
    retries: retries
      ? {
          attempts: retries.attempts,
          backoffMs: parseDuration(retries.backoff) ?? 1000,
          ...(retries.max_backoff !== undefined ? { maxBackoffMs: parseDuration(retries.max_backoff) } : {}),
          jitter: retries.jitter,
          lastAttemptWithoutTimeout: retries.last_attempt_without_timeout,
        }
      : NO_RETRY,
  };
  const lockTimeoutMs = parseDuration(step.lock_timeout ?? runbook.lock_timeout);
  if (lockTimeoutMs !== undefined) policy.lockTimeoutMs = lockTimeoutMs;
  const maxQueue = step.max_queue ?? runbook.max_queue;
  if (maxQueue !== undefined) policy.maxQueue = maxQueue;
  const maxQueueWaitMs = parseDuration(step.max_queue_wait ?? runbook.max_queue_wait);
  if (maxQueueWaitMs !== undefined) policy.maxQueueWaitMs = maxQueueWaitMs;
  return policy;
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
