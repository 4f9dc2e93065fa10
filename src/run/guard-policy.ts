// The lock guard a step runs under: the step's own lock_timeout, lock_retries,
// max_queue and max_queue_wait, else the runbook's defaults, as numbers the
// PostgreSQL executor takes. Pure: no I/O.
import type { RunbookData, Step } from '../runbook/schema.js';
import type { GuardPolicy, RetryPolicy } from '../exec/postgres/lock-guard.js';
import { parseDuration } from './duration.js';

export type { GuardPolicy, RetryPolicy } from '../exec/postgres/lock-guard.js';
export { backoffMs } from '../exec/postgres/lock-guard.js';

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
