// The step view shows the queue behind our strong lock while the step runs:
// how many wait, for how long, who they are, and who we wait on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detailParts } from '../../src/tui/views/detail.js';
import type { LockQueueSample } from '../../src/exec/postgres/lock-queue.js';
import { atSteps, events, NOW } from './helpers.js';

const text = (lines: { text: string }[][]) => lines.map((l) => l.map((s) => s.text).join('')).join(' ');

test('a running step shows the queue behind its lock in the pinned lines, and stops showing it when the queue is gone', () => {
  let ui = atSteps();
  const key = ui.run.items.find((i) => i.kind === 'step')!.key;
  const sample: LockQueueSample = {
    at: NOW,
    waitingFor: { mode: 'AccessExclusiveLock', relation: 'accounts' },
    waitedMs: 2500,
    blockers: [{ pid: 4711, user: 'alice', application: 'psql', state: 'idle in transaction', query: 'SELECT * FROM accounts', xactAgeMs: 60_000, queryAgeMs: 59_000 }],
    count: 5,
    oldestWaitMs: 1200,
    waiters: [{ pid: 5001, user: 'app', application: 'api', query: 'SELECT balance FROM accounts WHERE id = $1', waitedMs: 1200 }],
  };
  ui = events(ui, { type: 'item_started', key, at: NOW }, { type: 'item_output', key, events: [{ type: 'lock_queue', index: 0, sample }], at: NOW });
  const item = ui.run.items.find((i) => i.key === key)!;
  const pinned = text(detailParts(ui, item, 100).pinned);
  assert.match(pinned, /lock queue: statement 1 waits 2\.5 s for AccessExclusiveLock on accounts/);
  assert.match(pinned, /held by pid 4711 \(alice, psql; idle in transaction 1 min\)/);
  assert.match(pinned, /5 sessions queued behind it, the oldest for 1\.2 s/);

  const cleared = { ...sample, waitingFor: null, waitedMs: null, blockers: [], count: 0, oldestWaitMs: 0, waiters: [] };
  ui = events(ui, { type: 'item_output', key, events: [{ type: 'lock_queue', index: 0, sample: cleared }], at: NOW + 10 });
  assert.doesNotMatch(text(detailParts(ui, ui.run.items.find((i) => i.key === key)!, 100).pinned), /queued behind/);
});
