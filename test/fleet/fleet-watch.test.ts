// `runbook watch` of a fleet's run, with the real CLI on a real server: the
// control database knows each target's run id and connection, so a run is
// named FLEET/TARGET (or by its id with --control). From another machine (its
// own state folder) it is read from the target's shared record (fleet run
// --record-in-db) and followed live to its end; on the machine that has the
// run's journal it is read from the journal; elsewhere, without a record, the
// watcher is told what to do.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { passwordless, start, waitFor } from './support.js';

const dbs: TestDatabase[] = [];
after(async () => {
  for (const d of dbs) await d.drop().catch(() => {});
});

test('watch FLEET/TARGET follows a fleet run live from another machine; by run id; from the journal where it is', { timeout: 180_000 }, async () => {
  for (let i = 0; i < 3; i++) dbs.push(await createTestDatabase('fleetwatch'));
  const [control, quick, held] = dbs;
  await held.client.query('CREATE TABLE hold_here (x int); INSERT INTO hold_here VALUES (1)');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-watch-'));
  const rb = join(dir, 'rb.yaml');
  writeFileSync(
    rb,
    `runbook: 1\nid: fleet-watch\ntitle: Fleet watch\nrisk: low\nsteps:\n  - id: mark\n    title: Mark the target\n    sql: CREATE TABLE IF NOT EXISTS marks (at timestamptz DEFAULT now())\n  - id: hold\n    title: Hold while held\n    sql: DO $$ BEGIN IF to_regclass('hold_here') IS NOT NULL THEN LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM hold_here); PERFORM pg_sleep(0.1); END LOOP; END IF; END $$\n`,
  );
  const file = join(dir, 'targets.yaml');
  writeFileSync(file, `name: watched\nconcurrency: 2\ntargets:\n  - { name: quick, url: "${passwordless(quick.url).url}" }\n  - { name: held, url: "${passwordless(held.url).url}" }\n`);
  const { url: controlUrl, password } = passwordless(control.url);
  const env: Record<string, string> = password ? { PGPASSWORD: password } : {};
  const machineA = join(dir, 'a');
  const machineB = join(dir, 'b');
  const fleet = start(['fleet', 'run', rb, '--targets', file, '--control', controlUrl, '--workers', '2', '--record-in-db', '--state-dir', machineA, '--json'], env);
  const ctl = control.client;
  const heldRow = async () => (await ctl.query<{ state: string; current: string | null; run_id: string | null }>(`SELECT t.state, t.current, t.run_id FROM runbook_fleet.targets t JOIN runbook_fleet.fleets f ON f.id = t.fleet_id WHERE f.name = 'watched' AND t.name = 'held' ORDER BY f.id DESC LIMIT 1`).catch(() => ({ rows: [] }))).rows[0];
  try {
    await waitFor('held in its hold step', async () => {
      if (fleet.child.exitCode !== null) throw new Error(`the fleet ended early: ${fleet.stderr()}`);
      return (await heldRow())?.current === 'step hold';
    });
    const runId = (await heldRow())!.run_id!;

    // Another machine: no journal of the run there, only the control database and the target's shared record.
    const watcher = start(['watch', 'watched/held', '--control', controlUrl, '--plain', '--state-dir', machineB], env);
    await waitFor('the watcher to show the run so far', () => /Hold while held/.test(watcher.stdout()) || watcher.child.exitCode !== null, 30_000);
    assert.equal(watcher.child.exitCode, null, `the watcher follows a live run (it did not end):\n${watcher.stdout()}\n${watcher.stderr()}`);
    assert.match(watcher.stdout(), new RegExp(`watching run ${runId} of fleet-watch on `));
    assert.match(watcher.stdout(), /Mark the target/);
    await held.client.query('DELETE FROM hold_here');
    const watched = await watcher.done;
    assert.equal(watched.code, 0, `the watcher ends with the run, as it succeeded:\n${watched.stdout}\n${watched.stderr}`);
    assert.match(watched.stdout, /succeeded/i);
    const ended = await fleet.done;
    assert.equal(ended.code, 0, ended.stderr);

    // By its run id, once it is over: the whole run, and the run's exit code. Given as a prefix, as short as
    // names it alone: the other target's run started in the same second, and ids of one second share their
    // first 16 characters (a prefix both share is refused as ambiguous, rightly).
    const otherRuns = (await ctl.query<{ run_id: string }>(`SELECT run_id FROM runbook_fleet.targets WHERE run_id IS NOT NULL AND run_id <> $1`, [runId])).rows.map((r) => r.run_id);
    let prefixLength = runId.length - 2;
    while (prefixLength < runId.length && otherRuns.some((other) => other.startsWith(runId.slice(0, prefixLength)))) prefixLength++;
    const byId = await runCli(['watch', runId.slice(0, prefixLength), '--control', controlUrl, '--json', '--state-dir', machineB], env);
    assert.equal(byId.code, 0, byId.stderr);
    const lines = byId.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; run?: string; key?: string; outcome?: string });
    assert.ok(lines.every((l) => l.run === runId), 'every line is of that run');
    assert.deepEqual(lines.filter((l) => l.type === 'item_finished').map((l) => l.key), ['step:mark', 'step:hold']);
    assert.equal(lines.at(-1)?.type, 'run_ended');
    assert.equal(lines.at(-1)?.outcome, 'succeeded');

    // The same fleet again without --record-in-db: only machine A has the runs (in its journals).
    const again = await runCli(['fleet', 'run', rb, '--targets', file, '--name', 'unrecorded', '--control', controlUrl, '--workers', '2', '--state-dir', machineA, '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    const elsewhere = await runCli(['watch', 'unrecorded/quick', '--control', controlUrl, '--plain', '--state-dir', machineB], env);
    assert.equal(elsewhere.code, 2, elsewhere.stdout);
    assert.match(elsewhere.stderr, /not on this machine.*--record-in-db/);
    const here = await runCli(['watch', 'unrecorded/quick', '--control', controlUrl, '--plain', '--state-dir', machineA], env);
    assert.equal(here.code, 0, here.stderr);
    assert.match(here.stdout, /Mark the target/);
    assert.match(here.stdout, /Hold while held/);

    const unknown = await runCli(['watch', 'watched/nobody', '--control', controlUrl, '--plain', '--state-dir', machineB], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /fleet watched has no target "nobody"/);
  } finally {
    if (fleet.child.exitCode === null) fleet.child.kill('SIGTERM');
    await fleet.done;
  }
});
