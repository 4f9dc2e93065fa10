// Traced vs predicted, the comparison itself (finishTrace is pure): a lock the
// model did not predict is a difference; one the model said it cannot
// predict (a trigger's function, a foreign key's check) is reported as such.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finishTrace, type Pending } from '../../src/exec/postgres/lock-trace.js';
import type { LockFacts } from '../../src/sql/locks.js';

const T = 100;
const LOG = 200;
const OTHER = 300;
const before = new Map([
  [T, { name: 't', kind: 'r', filenode: 1 }],
  [LOG, { name: 't_log', kind: 'r', filenode: 2 }],
  [OTHER, { name: 'other', kind: 'r', filenode: 3 }],
]);

function pending(predicted: LockFacts, traced: [number, string][]): Pending {
  return {
    start: { index: 0, command: 'INSERT', startedAt: 0, before, predicted, predictedOids: new Map([['t', T], ['t_log', LOG]]), heldBefore: new Map() },
    method: 'transaction',
    rows: traced.map(([oid, mode]) => ({ oid, mode: mode as never, granted: true })),
    after: before,
  };
}

const facts = (extra: Partial<LockFacts> = {}): LockFacts => ({
  analysable: true, relations: [{ relation: 't', mode: 'RowExclusiveLock' }], rewrite: false, fullScan: false, indexBuild: false, blocks: 'nothing', hazards: [], ...extra,
});

describe('finishTrace', () => {
  test('an unpredicted lock is a difference', () => {
    const t = finishTrace(pending(facts(), [[T, 'RowExclusiveLock'], [LOG, 'RowExclusiveLock']]), 10);
    assert.deepEqual(t.differences, [{ relation: 't_log', predicted: null, traced: 'RowExclusiveLock' }]);
    assert.equal(t.unpredictable, undefined);
  });
  test('a lock the model said it cannot predict is reported as such, not as a difference', () => {
    const anything = facts({ unpredictable: { reason: 'trigger t_logged on t runs a function', relations: null } });
    const t = finishTrace(pending(anything, [[T, 'RowExclusiveLock'], [LOG, 'RowExclusiveLock']]), 10);
    assert.deepEqual(t.differences, []);
    assert.deepEqual(t.unpredictable, { reason: 'trigger t_logged on t runs a function', traced: [{ relation: 't_log', predicted: null, traced: 'RowExclusiveLock' }] });
    // Named relations only: a lock elsewhere is still a difference.
    const fk = facts({ unpredictable: { reason: 'foreign keys of t check t_log', relations: ['t_log'] } });
    const u = finishTrace(pending(fk, [[T, 'RowExclusiveLock'], [LOG, 'RowShareLock'], [OTHER, 'AccessShareLock']]), 10);
    assert.deepEqual(u.differences, [{ relation: 'other', predicted: null, traced: 'AccessShareLock' }]);
    assert.deepEqual(u.unpredictable?.traced, [{ relation: 't_log', predicted: null, traced: 'RowShareLock' }]);
  });
});
