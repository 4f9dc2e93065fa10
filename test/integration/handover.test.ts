// A run handed over to another machine (item 5 of issue 16): the runner is
// killed mid-step on machine A; on machine B — another state folder, nothing
// in common but the database — `runbook resume RUN` takes the journal from
// the shared record and finishes the run under the exactly-once rules: the
// statement that committed is not run again, the one in flight is settled by
// its applied: query, and every mark is made once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/handover/handover.yaml', import.meta.url));

function cli(args: string[]) {
  const p = startCli(args, { DATABASE_URL: '' });
  return { ...p, out: p.stdout };
}

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('resume on another machine from the shared record: the run is finished with every mark made once', async () => {
  const db = await createTestDatabase('handover');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-handover-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => db.drop());
  await db.client.query('CREATE TABLE marks (m text NOT NULL)');

  const a = cli(['run', FIXTURE, '--db', db.url, '--plain', '--record-in-db', '--state-dir', join(dir, 'a')]);
  const deadline = Date.now() + 30_000;
  while (!/SELECT pg_sleep\(6\)/.test(a.out())) {
    if (Date.now() > deadline) throw new Error(`the run never reached its sleep:\n${a.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The line is printed before the statement is sent: kill only once the server runs it, so it is in flight
  // (and, by the record's barrier, in the shared record) — the case this test is about.
  for (;;) {
    const r = await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(6)%'`);
    if (r.rows[0].n > 0) break;
    if (Date.now() > deadline) throw new Error(`the sleep never reached the server:\n${a.out()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const runId = /run (\d{8}-\d{6}-\w+) · journal/.exec(a.out())![1];
  a.child.kill('SIGKILL');
  await a.done;

  // Machine B knows nothing of the run locally.
  const b = join(dir, 'b');
  const resumed = await cli(['resume', runId, '--db', db.url, '--plain', '--state-dir', b]).done;
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`run ${runId} is not in .*; its journal \\(\\d+ events\\) was taken from the shared record`));
  assert.match(resumed.stdout + resumed.stderr, /applied/);
  const marks = await db.client.query('SELECT m, count(*)::int AS n FROM marks GROUP BY m ORDER BY m');
  assert.deepEqual(marks.rows, [
    { m: 'one', n: 1 },
    { m: 'three', n: 1 },
    { m: 'two', n: 1 },
  ]);
  // B's journal is the run's, continued: same run id, the resume recorded, the run succeeded; the record too.
  const journal = join(b, 'runs', `${runId}.jsonl`);
  assert.ok(existsSync(journal));
  const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].runId, runId);
  assert.ok(lines.some((l) => l.record === 'session' && l.action === 'resumed'));
  assert.equal(lines.at(-1).event?.outcome, 'succeeded');
  const recorded = await db.client.query('SELECT outcome FROM runbook_record.runs WHERE run_id = $1', [runId]);
  assert.equal(recorded.rows[0].outcome, 'succeeded');

  // Asked again, nothing is left to do, and a live run is never taken from its runner.
  const again = await cli(['resume', runId, '--db', db.url, '--plain', '--state-dir', join(dir, 'c')]).done;
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /succeeded|nothing to continue/);
});
