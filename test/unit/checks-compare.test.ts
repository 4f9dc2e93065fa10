import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVerdicts, type CompareSide } from '../../src/checks/compare.js';

function side(label: string, rows: Record<string, unknown>[]): CompareSide {
  return { label, columns: Object.keys(rows[0] ?? { x: 0 }), rows };
}

test('a single value: SQLite count vs pg bigint text', () => {
  const [v] = compareVerdicts(side('sqlite', [{ n: 18661 }]), side('postgres', [{ count: '18661' }]), { op: '=', tolerance: 0 });
  assert.deepEqual(v, { label: 'sqlite vs postgres', ok: true, expected: 'sqlite = postgres', actual: 'sqlite 18661, postgres 18661' });
  const [off] = compareVerdicts(side('sqlite', [{ n: 18661 }]), side('postgres', [{ count: '18660' }]), { op: '=', tolerance: 0 });
  assert.deepEqual(off, { label: 'sqlite vs postgres', ok: false, expected: 'sqlite = postgres', actual: 'sqlite 18661, postgres 18660 (difference 1)' });
});

test('tolerance and ordering operators', () => {
  const l = side('a', [{ n: 100 }]);
  const r = side('b', [{ n: 98 }]);
  assert.equal(compareVerdicts(l, r, { op: '=', tolerance: 2 })[0].ok, true);
  assert.equal(compareVerdicts(l, r, { op: '=', tolerance: 2 })[0].expected, 'a = b (± 2)');
  assert.equal(compareVerdicts(l, r, { op: '=', tolerance: 1 })[0].ok, false);
  assert.equal(compareVerdicts(l, r, { op: '!=', tolerance: 0 })[0].ok, true);
  assert.equal(compareVerdicts(l, r, { op: '>', tolerance: 0 })[0].ok, true);
  assert.equal(compareVerdicts(l, r, { op: '<=', tolerance: 0 })[0].ok, false);
  assert.equal(compareVerdicts(l, r, { op: '<=', tolerance: 2 })[0].ok, true);
  assert.equal(compareVerdicts(r, l, { op: '>=', tolerance: 2 })[0].ok, true);
});

test('text values compare for equality only', () => {
  assert.equal(compareVerdicts(side('a', [{ v: 'x' }]), side('b', [{ v: 'x' }]), { op: '=' })[0].ok, true);
  assert.equal(compareVerdicts(side('a', [{ v: 'x' }]), side('b', [{ v: 'y' }]), { op: '<' })[0].ok, false);
});

test('an empty side fails and says which', () => {
  const [v] = compareVerdicts(side('sqlite', [{ n: 1 }]), { label: 'postgres', columns: ['n'], rows: [] }, { op: '=' });
  assert.equal(v.ok, false);
  assert.equal(v.actual, 'postgres returned no rows');
});

test('keyed by a column: one verdict per key, missing keys fail on either side', () => {
  const sqlite = side('sqlite', [
    { table_name: 'users', count: 10 },
    { table_name: 'messages', count: 18661 },
    { table_name: 'legacy', count: 3 },
  ]);
  const pg = side('postgres', [
    { table_name: 'messages', count: '18660' },
    { table_name: 'users', count: '10' },
    { table_name: 'audit', count: '7' },
  ]);
  const verdicts = compareVerdicts(sqlite, pg, { op: '=', by: 'table_name', tolerance: 0 });
  assert.deepEqual(verdicts, [
    { label: 'table_name = users', ok: true, expected: 'count: sqlite = postgres', actual: 'sqlite 10, postgres 10' },
    { label: 'table_name = messages', ok: false, expected: 'count: sqlite = postgres', actual: 'sqlite 18661, postgres 18660 (difference 1)' },
    { label: 'table_name = legacy', ok: false, expected: 'count: sqlite = postgres', actual: 'missing in postgres (sqlite has count 3)' },
    { label: 'table_name = audit', ok: false, expected: 'count: sqlite = postgres', actual: 'missing in sqlite (postgres has count 7)' },
  ]);
});

test('keyed: differently named single value columns are paired; a missing key column fails', () => {
  const l = side('sqlite', [{ t: 'a', n: 1 }]);
  const r = side('postgres', [{ t: 'a', cnt: '1' }]);
  assert.equal(compareVerdicts(l, r, { op: '=', by: 't' })[0].ok, true);
  const [bad] = compareVerdicts(l, side('postgres', [{ name: 'a', cnt: 1 }]), { op: '=', by: 't' });
  assert.equal(bad.ok, false);
  assert.equal(bad.actual, 'postgres has no column "t" (columns: name, cnt)');
});

test('keyed: duplicate keys fail', () => {
  const l = side('sqlite', [{ t: 'a', n: 1 }, { t: 'a', n: 2 }]);
  const r = side('postgres', [{ t: 'a', n: 1 }]);
  const [v] = compareVerdicts(l, r, { op: '=', by: 't' });
  assert.equal(v.ok, false);
  assert.match(v.actual, /appears 2 times in sqlite/);
});
