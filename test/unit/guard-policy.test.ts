// The guard's fields in a runbook: runbook defaults, step overrides, the
// retry policy's defaults, and the backoff it makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problems.js';
import { backoffMs, guardPolicy, NO_RETRY } from '../../src/run/guard-policy.js';

const RUNBOOK = `runbook: 1
id: guarded
title: Guarded
lock_timeout: 2s
lock_retries: { attempts: 4, backoff: 500ms, max_backoff: 1500ms }
max_queue: 5
max_queue_wait: 1s
steps:
  - id: defaults
    title: Takes the runbook's guard
    sql: ALTER TABLE t ADD COLUMN c int
  - id: own
    title: Sets its own
    sql: ALTER TABLE t ADD COLUMN d int
    lock_timeout: 100ms
    lock_retries: { attempts: 2, jitter: 0, last_attempt_without_timeout: true }
    max_queue: 0
    max_queue_wait: 250ms
`;

test('a step takes the runbook guard defaults, and its own values override them one by one', async () => {
  const r = await parseRunbook(RUNBOOK, '/tmp/g/guarded.yaml');
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  const [defaults, own] = r.runbook.steps;
  assert.deepEqual(guardPolicy(r.runbook, defaults), {
    lockTimeoutMs: 2000,
    retries: { attempts: 4, backoffMs: 500, maxBackoffMs: 1500, jitter: 0.25, lastAttemptWithoutTimeout: false },
    maxQueue: 5,
    maxQueueWaitMs: 1000,
  });
  assert.deepEqual(guardPolicy(r.runbook, own), {
    lockTimeoutMs: 100,
    retries: { attempts: 2, backoffMs: 1000, jitter: 0, lastAttemptWithoutTimeout: true },
    maxQueue: 0,
    maxQueueWaitMs: 250,
  });
});

test('without any guard field a step has no lock timeout, no queue limit and a single attempt', async () => {
  const r = await parseRunbook('runbook: 1\nid: bare\ntitle: Bare\nsteps:\n  - { id: one, title: One, sql: SELECT 1 }\n', '/tmp/g/bare.yaml');
  assert.ok(r.ok);
  assert.deepEqual(guardPolicy(r.runbook, r.runbook.steps[0]), { retries: NO_RETRY });
});

test('wrong guard values are reported with file:line:col and what was expected', async () => {
  const bad = RUNBOOK.replace('max_queue: 5', 'max_queue: -1').replace('attempts: 2, jitter: 0', 'attempts: 0, jitter: 2').replace('max_queue_wait: 250ms', 'max_queue_wait: soon');
  const r = await parseRunbook(bad, '/tmp/g/guarded.yaml');
  assert.equal(r.ok, false);
  const text = r.problems.map(formatProblem).join('\n');
  assert.match(text, /guarded\.yaml:6:\d+: max_queue/);
  assert.match(text, /guarded\.yaml:16:\d+: steps\[1\]\.lock_retries\.attempts/);
  assert.match(text, /guarded\.yaml:16:\d+: steps\[1\]\.lock_retries\.jitter/);
  assert.match(text, /guarded\.yaml:18:\d+: steps\[1\]\.max_queue_wait/);
});

test('the backoff doubles per retry, stops at max_backoff, and jitter spreads it both ways', () => {
  const policy = { attempts: 6, backoffMs: 100, maxBackoffMs: 350, jitter: 0, lastAttemptWithoutTimeout: false };
  assert.deepEqual([2, 3, 4, 5].map((n) => backoffMs(policy, n, 0.5)), [100, 200, 350, 350]);
  const jittered = { ...policy, jitter: 0.5 };
  assert.equal(backoffMs(jittered, 3, 0), 100);
  assert.equal(backoffMs(jittered, 3, 0.5), 200);
  assert.equal(backoffMs(jittered, 3, 0.999999), 300);
});
