// Ctrl-C during a statement: it is cancelled on the server, promptly, and
// nothing of ours is left running or holding a transaction open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryValues, runSql } from '../../src/exec/postgres/index.js';
import { databaseWithSession } from '../support/db.js';

const fixture = databaseWithSession('pgcancel');

/** Our session's row in pg_stat_activity, as seen from the test's own connection. */
async function activity() {
  const r = await fixture.db.client.query('SELECT state, query FROM pg_stat_activity WHERE pid = $1', [fixture.session.target.backendPid]);
  return r.rows[0] as { state: string; query: string };
}

async function waitUntilRunning(text: string): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const a = await activity();
    if (a.state === 'active' && a.query.includes(text)) return;
    if (Date.now() > until) throw new Error(`never saw ${text} running`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const transaction of ['auto', 'never'] as const) {
  test(`cancel during SELECT pg_sleep(60) (transaction: ${transaction}) returns within a second and leaves nothing behind`, async () => {
    const controller = new AbortController();
    const running = runSql(fixture.session, { source: 'CREATE TABLE IF NOT EXISTS before_cancel (id int);\nSELECT pg_sleep(60);', inputs: {}, transaction }, () => {}, controller.signal);
    await waitUntilRunning('pg_sleep(60)');
    const t0 = Date.now();
    controller.abort();
    const result = await running;
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 1000, `took ${elapsed}ms`);
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'cancelled');
    assert.match(result.error!.message, /cancelled on the server by the operator/i);
    assert.equal(result.error?.statementIndex, 1);
    if (transaction === 'auto') assert.match(result.error!.message, /nothing from this step was committed/);
    else assert.match(result.error!.message, /Statement 1 \(line 1\) of 2 had already completed/);

    const others = await fixture.db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`);
    assert.equal(others.rows[0].n, 0);
    assert.equal((await activity()).state, 'idle');
    assert.equal(fixture.session.inTransaction, false);
    // The session is usable at once.
    assert.deepEqual((await queryValues(fixture.session, 'SELECT 2 AS two')).rows, [{ two: 2 }]);
  });
}

test('a cancel that arrives before the statement reaches the server still stops it', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const running = runSql(fixture.session, { source: 'SELECT pg_sleep(60)', inputs: {}, transaction: 'never' }, () => {}, controller.signal);
  setTimeout(() => controller.abort(), 1);
  const result = await running;
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started}ms`);
  assert.equal(result.error?.kind, 'cancelled');
  assert.notEqual((await activity()).state, 'active');
});

test('a signal already aborted runs nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const events: unknown[] = [];
  const result = await runSql(fixture.session, { source: 'CREATE TABLE never_created (id int)', inputs: {}, transaction: 'auto' }, (e) => events.push(e), controller.signal);
  assert.equal(result.error?.kind, 'cancelled');
  assert.equal(events.length, 0);
  assert.equal((await fixture.db.client.query(`SELECT to_regclass('never_created') AS r`)).rows[0].r, null);
});

test('cancelCurrent on an idle session is harmless, and can be called repeatedly', async () => {
  await Promise.all([fixture.session.cancelCurrent(), fixture.session.cancelCurrent()]);
  await fixture.session.cancelCurrent();
  const result = await runSql(fixture.session, { source: 'SELECT 1 AS one', inputs: {}, transaction: 'auto' }, () => {});
  assert.equal(result.ok, true, result.error?.message);
  assert.deepEqual(result.rows, [{ one: 1 }]);
});
