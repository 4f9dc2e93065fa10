// One run of a runbook against one database at a time: a second operator is
// refused with who holds the lock (from pg_stat_activity), other runbooks are
// not held up, and a killed runner's lock is gone at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock } from '../../src/journal/lock.js';
import { sqlStepBook } from '../support/runbook-file.js';
import { createTestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';

test('a second run of the same runbook on the same database is refused, naming who holds it', async () => {
  const db = await createTestDatabase('jlock');
  const dir = mkdtempSync(join(tmpdir(), 'journal-lock-'));
  try {
    const slow = sqlStepBook(dir, 'migrate', `SELECT pg_sleep(CASE WHEN to_regclass('public.go_fast') IS NULL THEN 60 ELSE 0 END)`);
    const alice = startCli(['run', slow, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'alice')], { RUNBOOK_OPERATOR: 'alice@host-a' });
    const until = Date.now() + 30_000;
    for (;;) {
      const r = await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`);
      if (r.rows[0].n > 0) break;
      assert.ok(Date.now() < until, 'alice’s run started');
      await new Promise((res) => setTimeout(res, 50));
    }
    const aliceRun = readdirSync(join(dir, 'alice', 'runs'))[0].replace('.jsonl', '');

    // Bob, on another machine (another state folder), is refused: the lock lives in the database.
    const bob = await startCli(['run', slow, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'bob')], { RUNBOOK_OPERATOR: 'bob@host-b' }).done;
    assert.equal(bob.code, 3, bob.stdout + bob.stderr);
    assert.match(
      bob.stderr,
      new RegExp(`refused: runbook "migrate" is already running on database "${db.name}": held by alice@host-a \\(database user \\w+ from [\\d.:a-f]+, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, server pid \\d+, run ${aliceRun}\\)`),
    );
    assert.deepEqual(readdirSync(join(dir, 'bob', 'runs')), [], 'a refused run leaves no journal');

    // Another runbook on the same database is not held up.
    const other = await startCli(['run', sqlStepBook(dir, 'other', 'SELECT 1'), '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'bob')], { RUNBOOK_OPERATOR: 'bob@host-b' }).done;
    assert.equal(other.code, 0, other.stdout + other.stderr);

    // The lock is held in-process too (the API the screen uses).
    const held = await acquireRunLock(db.url, { runbookId: 'migrate', operator: 'carol@host-c', runId: 'x' });
    assert.equal(held.ok, false);
    assert.equal(!held.ok && held.holder?.operator, 'alice@host-a');

    // kill -9 of alice's runner: its idle lock connection ends with it, so the lock is free at once.
    alice.child.kill('SIGKILL');
    await alice.done;
    await db.client.query('CREATE TABLE go_fast ()');
    let again: { code: number | null; stdout: string; stderr: string } | undefined;
    for (let i = 0; i < 50; i++) {
      again = await startCli(['run', slow, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'bob')], { RUNBOOK_OPERATOR: 'bob@host-b' }).done;
      if (again.code !== 3) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(again?.code, 0, `${again?.stdout}${again?.stderr}`);
    const free = await acquireRunLock(db.url, { runbookId: 'migrate', operator: 'carol@host-c', runId: 'y' });
    assert.equal(free.ok, true, 'released when the run ended');
    if (free.ok) await free.lock.release();
  } finally {
    await db.drop();
  }
});
