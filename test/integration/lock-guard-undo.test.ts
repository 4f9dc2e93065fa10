// A step's rollback and a troubleshooting fix run under the same lock guard
// as the steps: lock_timeout and lock_retries, on a real server, while a real
// second session holds a lock on the table they change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { parseRunbook } from '../../src/runbook/load.js';
import { RunSession } from '../../src/run/session.js';
import type { Operator } from '../../src/run/operator.js';
import type { RunState } from '../../src/engine/state.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let holder: pg.Client;
before(async () => {
  db = await createTestDatabase('undo_guard');
  holder = new pg.Client({ connectionString: db.url, application_name: 'undo holder' });
  await holder.connect();
});
after(async () => {
  await holder.end().catch(() => {});
  await db.drop();
});

const GUARD = ['lock_timeout: 300ms', 'lock_retries: { attempts: 8, backoff: 200ms, jitter: 0 }'];

/**
 * The operator at the blocked step: a second session starts reading the table
 * (ACCESS SHARE, in an open transaction) and lets go after `holdMs`; the
 * operator answers `choice` once, then quits.
 */
function operator(choice: Awaited<ReturnType<Operator["blocked"]>>, holdMs: number, released: { at?: number }): Operator {
  let answered = false;
  return {
    askInputs: async () => null,
    confirm: async () => true,
    confirmDanger: async () => false,
    confirmFix: async () => true,
    blocked: async () => {
      if (answered) return { type: 'quit' };
      answered = true;
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM t');
      setTimeout(() => {
        released.at = Date.now();
        holder.query('COMMIT').catch(() => {});
      }, holdMs);
      return choice;
    },
  };
}

function attempts(state: RunState, key: string) {
  return state.items.find((i) => i.key === key)?.locks?.attempts ?? [];
}

test('a rollback waits under lock_timeout and is retried by lock_retries until the holder leaves', async () => {
  await db.client.query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
  const loaded = await parseRunbook(
    ['runbook: 1', 'id: undo-guard', 'title: Undo guard', ...GUARD, 'steps:',
      '  - id: widen', '    title: Add a column, then fail', '    transaction: never', '    sql: ALTER TABLE t ADD COLUMN z int; SELECT 1/0',
      '    rollback:', '      sql: ALTER TABLE t DROP COLUMN IF EXISTS z'].join('\n'),
    '/tmp/undo-guard.yaml',
  );
  assert.ok(loaded.ok);
  const released: { at?: number } = {};
  const final = await new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator({ type: 'rollback' }, 900, released), guard: { random: () => 0.5 } }).run();
  assert.equal(final.ended?.outcome, 'aborted');
  const item = final.items.find((i) => i.key === 'step:widen')!;
  assert.equal(item.status, 'rolled_back', JSON.stringify(item.error));
  const tried = attempts(final, 'step:widen');
  // The step's own statement ran at once; the rollback's timed out while the holder read, then got its lock.
  const undo = tried.filter((a) => a.command === 'ALTER TABLE' && a.lockTimeoutMs === 300);
  assert.ok(undo.some((a) => a.outcome === 'lock_timeout'), JSON.stringify(tried));
  assert.equal(undo.at(-1)?.outcome, 'done');
  const columns = await db.client.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 't' AND column_name = 'z'");
  assert.equal(columns.rows[0].n, 0, 'the rollback dropped the column');
});

test('a troubleshooting fix runs under the runbook’s lock guard: timed out while the holder reads, retried, then done', async () => {
  await db.client.query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
  const loaded = await parseRunbook(
    ['runbook: 1', 'id: fix-guard', 'title: Fix guard', ...GUARD, 'steps:',
      '  - id: divide', '    title: Divide', '    sql: SELECT 1/0', '    troubleshoot: [by-zero]',
      'troubleshooting:', '  - id: by-zero', '    title: Division by zero', '    match: { sqlstate: "22012" }',
      '    fix:', '      sql: ALTER TABLE t ADD COLUMN fixed int'].join('\n'),
    '/tmp/fix-guard.yaml',
  );
  assert.ok(loaded.ok);
  const released: { at?: number } = {};
  const final = await new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator({ type: 'fix', entryId: 'by-zero' }, 900, released), guard: { random: () => 0.5 } }).run();
  const tried = attempts(final, 'step:divide');
  assert.ok(tried.length >= 2, JSON.stringify(tried));
  assert.equal(tried[0].outcome, 'lock_timeout');
  assert.equal(tried[0].lockTimeoutMs, 300);
  assert.deepEqual(tried[0].blockers.map((b) => b.application), ['undo holder']);
  assert.equal(tried.at(-1)?.outcome, 'done');
  assert.ok(released.at !== undefined);
  const columns = await db.client.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 't' AND column_name = 'fixed'");
  assert.equal(columns.rows[0].n, 1, 'the fix ran once its lock came');
});
