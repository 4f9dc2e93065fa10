// The read helpers checks use: one query's values, and repeated timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExecFailure, queryValues, timeQuery } from '../../src/exec/postgres/index.js';
import { databaseWithSession } from '../support/db.js';

const fixture = databaseWithSession('pgquery');

test('queryValues returns columns, the first rows and the exact count', async () => {
  const v = await queryValues(fixture.session, 'SELECT g AS n, g % 2 = 0 AS even FROM generate_series(1, 5000) g WHERE g > $1', [10], 3);
  assert.deepEqual(v.columns, ['n', 'even']);
  assert.deepEqual(v.rows, [{ n: 11, even: false }, { n: 12, even: true }, { n: 13, even: false }]);
  assert.equal(v.rowCount, 4990);
  assert.equal(v.truncated, true);
});

test('queryValues reports a failing check query as an ExecFailure with its SQLSTATE and position', async () => {
  await assert.rejects(queryValues(fixture.session, 'SELECT 1\nFROM no_such_table'), (err: unknown) => {
    assert.ok(isExecFailure(err));
    assert.equal(err.error.kind, 'sql');
    assert.equal(err.error.sqlstate, '42P01');
    assert.equal(err.error.line, 2);
    assert.equal(err.error.column, 6);
    return true;
  });
  // The session is still fine afterwards.
  assert.equal((await queryValues(fixture.session, 'SELECT 1 AS one')).rows[0].one, 1);
});

test('timeQuery returns one duration per measured run', async () => {
  const durations = await timeQuery(fixture.session, 'SELECT pg_sleep(0.02), g FROM generate_series(1, 3000) g LIMIT 1', 4, 1);
  assert.equal(durations.length, 4);
  for (const d of durations) assert.ok(d >= 15 && d < 2000, `duration ${d}`);
  const fast = await timeQuery(fixture.session, 'SELECT g FROM generate_series(1, 2500) g WHERE g > $1', 3, 0, [0]);
  assert.equal(fast.length, 3);
  for (const d of fast) assert.ok(d > 0 && d < 1000, `duration ${d}`);
});
