// A plain run opens its two connections (its own and the run lock's) while its
// SQL is parsed and linted (run/connections-ahead.ts). They carry the names a
// later run looks for (the runbook and the run; the operator and the run), the
// lock is taken only once the runbook is known good, and a runbook with
// problems is reported at once even when the server never answers: what was
// opened ahead is dropped, not waited for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlStepBook } from '../support/runbook-file.js';
import { createTestDatabase } from '../support/db.js';
import { runCli, startCli } from '../support/cli.js';

test('the connections opened ahead are named for the runbook, the operator and the run, and the lock is held on its own', async () => {
  const db = await createTestDatabase('ahead');
  const dir = mkdtempSync(join(tmpdir(), 'rb-ahead-'));
  try {
    // Held until the test has looked (a marker table ends the wait), so a loaded machine cannot make it miss the run.
    await db.client.query('CREATE TABLE looked (done boolean)');
    const file = sqlStepBook(dir, 'ahead-names', "DO $$ BEGIN WHILE NOT EXISTS (SELECT FROM looked) LOOP PERFORM pg_sleep(0.05); END LOOP; END $$");
    const run = startCli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'state')], { RUNBOOK_OPERATOR: 'carol@host-c' });
    const until = Date.now() + 60_000;
    let seen: { pid: number; application_name: string; advisory: boolean }[] = [];
    for (;;) {
      const r = await db.client.query(
        `SELECT a.pid, a.application_name,
                EXISTS (SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS advisory
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() ORDER BY a.application_name`,
      );
      seen = r.rows;
      if (seen.some((s) => s.application_name.startsWith('runbook ahead-names run ') && s.advisory === false) && seen.some((s) => s.advisory)) break;
      assert.ok(Date.now() < until, `the run's connection was seen: ${JSON.stringify(seen)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    await db.client.query('INSERT INTO looked VALUES (true)');
    const done = await run.done;
    assert.equal(done.code, 0, done.stdout + done.stderr);
    const runId = readdirSync(join(dir, 'state', 'runs'))[0].replace('.jsonl', '');
    // (A step's side connections, such as the lock guard's, say what they are after the run's name.)
    assert.deepEqual(
      seen.filter((s) => /^runbook \S+ run \S+$/.test(s.application_name)).map((s) => [s.application_name, s.advisory]),
      [
        [`runbook ahead-names run ${runId}`, false],
        [`runbook carol@host-c run ${runId}`, true],
      ],
    );
  } finally {
    await db.drop();
  }
});

test('a runbook with problems is reported at once though the server never answers: the logins opened ahead are dropped', async () => {
  // A server that accepts connections and never says a word: a connect would wait for its 10 s timeout.
  const sockets: Socket[] = [];
  let closed = 0;
  const mute = createServer((socket) => {
    sockets.push(socket);
    socket.on('close', () => closed++);
    socket.on('error', () => {});
    socket.resume(); // read, so that the client's end is seen

  });
  await new Promise<void>((res) => mute.listen(0, '127.0.0.1', res));
  const port = (mute.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'rb-ahead-'));
  try {
    // Passes the schema (so the logins start), then fails the SQL check.
    const file = sqlStepBook(dir, 'ahead-problem', 'SELEC 1');
    const began = Date.now();
    const r = await runCli(['run', file, '--db', `postgres://nobody@127.0.0.1:${port}/nowhere`, '--plain', '--yes', '--state-dir', join(dir, 'state')]);
    const took = Date.now() - began;
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /not run — fix the problems above/);
    assert.match(r.stderr, /SELEC/);
    // Both logins were begun ahead, and both dropped by the program, not by its exit after the connect timeout.
    const until = Date.now() + 10_000;
    while (closed < 2 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    assert.equal(sockets.length, 2, `the run and the lock connection were opened while the SQL was checked: ${r.stderr}`);
    assert.equal(closed, 2);
    assert.ok(took < 8_000, `the problems came after ${took} ms: the connect timeout (10 s) was waited for`);
  } finally {
    for (const s of sockets) s.destroy();
    mute.close();
  }
});
