// `runbook fleet stop` on a real server: a fleet of 5 slow targets, 2 at a
// time, stopped while 2 run. No target not yet started starts afterwards; the
// running ones finish the step they are in and run no further item (their
// state: stopped, their run kept for `fleet retry`); `fleet status` says
// stopped; exit codes as the README says (stop 0, the coordinator 1, a second
// stop 2: nothing to stop).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { passwordless, start, waitFor } from './support.js';

const dbs: TestDatabase[] = [];
after(async () => {
  for (const d of dbs) await d.drop().catch(() => {});
});

// `slow` lasts until the test lets it go (it empties the hold table), so the stop always lands while it runs
// however loaded the machine is; `after` must never run on a stopped target.
const RUNBOOK = `runbook: 1
id: fleet-stop
title: Fleet stop
risk: low
steps:
  - id: mark
    title: Mark the start
    sql: CREATE TABLE effects (step text NOT NULL); INSERT INTO effects VALUES ('mark')
  - id: slow
    title: Take a while
    sql: DO $$ BEGIN LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM hold); PERFORM pg_sleep(0.05); END LOOP; END $$
  - id: after
    title: After the slow step
    sql: INSERT INTO effects VALUES ('after')
`;

interface Row {
  name: string;
  state: string;
  run_id: string | null;
  current: string | null;
}

test('fleet stop: nothing new starts, the running runs end before their next item, the fleet ends stopped', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 6; i++) dbs.push(await createTestDatabase('fleetstop'));
  const [control, ...targets] = dbs;
  for (const t of targets) await t.client.query('CREATE TABLE hold (x int); INSERT INTO hold VALUES (1)');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-stop-'));
  const rb = join(dir, 'rb.yaml');
  writeFileSync(rb, RUNBOOK);
  const names = targets.map((_, i) => `t${i + 1}`);
  const file = join(dir, 'targets.yaml');
  writeFileSync(file, `name: stopme\nconcurrency: 2\non_failure: continue\ntargets:\n${targets.map((t, i) => `  - { name: ${names[i]}, url: "${passwordless(t.url).url}" }`).join('\n')}\n`);
  const { url: controlUrl, password } = passwordless(control.url);
  const env: Record<string, string> = password ? { PGPASSWORD: password } : {};
  const common = ['--control', controlUrl, '--state-dir', join(dir, 'state')];
  const rows = async (): Promise<Row[]> =>
    (await control.client.query<Row>(`SELECT t.name, t.state, t.run_id, t.current FROM runbook_fleet.targets t JOIN runbook_fleet.fleets f ON f.id = t.fleet_id WHERE f.name = 'stopme' ORDER BY t.position`)).rows;
  const effects = async (i: number): Promise<string[]> => {
    const r = await targets[i].client.query<{ step: string }>(`SELECT step FROM effects ORDER BY step`).catch((e: { code?: string }) => {
      if (e.code === '42P01') return { rows: [] as { step: string }[] };
      throw e;
    });
    return r.rows.map((x) => x.step);
  };

  const coordinator = start(['fleet', 'run', rb, '--targets', file, ...common, '--workers', '2', '--json'], env);
  await waitFor('two targets in their slow step', async () => {
    if (coordinator.child.exitCode !== null) throw new Error(`the fleet ended early: ${coordinator.stderr()}`);
    const r = await rows().catch(() => []);
    return r.filter((x) => x.state === 'running' && x.current === 'step slow').length === 2;
  });
  const before = await rows();
  const running = before.filter((x) => x.state === 'running').map((x) => x.name);
  const notStarted = before.filter((x) => x.run_id === null).map((x) => x.name);
  assert.equal(running.length, 2, JSON.stringify(before));
  assert.equal(notStarted.length, 3, JSON.stringify(before));

  const stop = await start(['fleet', 'stop', 'stopme', ...common], env).done;
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /fleet stopme: stopping — no new target starts/);
  // Each running target's worker got the stop, and says so in the control database; then the slow steps may end.
  await waitFor('the workers to acknowledge the stop', async () => {
    const r = await rows();
    return running.every((name) => /^step slow · stopping after it/.test(r.find((x) => x.name === name)?.current ?? ''));
  });
  for (const t of targets) await t.client.query('DELETE FROM hold');

  const end = await coordinator.done;
  assert.equal(end.code, 1, `a stopped fleet: exit 1\n${end.stderr}`);
  const last = JSON.parse(end.stdout.trim().split('\n').pop()!);
  assert.equal(last.fleet.state, 'stopped', end.stdout);

  // Give a worker that had missed the stop every chance to start something (there is none left: the coordinator is gone with its workers).
  await new Promise((r) => setTimeout(r, 1000));
  const after_ = await rows();
  for (const name of notStarted) {
    const row = after_.find((x) => x.name === name)!;
    assert.equal(row.run_id, null, `${name} was never started: ${JSON.stringify(row)}`);
    assert.notEqual(row.state, 'running');
    assert.notEqual(row.state, 'succeeded');
    assert.deepEqual(await effects(names.indexOf(name)), [], `${name} has no effect`);
  }
  for (const name of running) {
    const row = after_.find((x) => x.name === name)!;
    assert.equal(row.state, 'stopped', `${name}: ${JSON.stringify(row)}`);
    assert.ok(row.run_id, `${name} keeps its run for a retry`);
    // The step in flight finished; the next item never ran.
    assert.deepEqual(await effects(names.indexOf(name)), ['mark'], `${name}: mark only, no 'after'`);
  }

  const status = await start(['fleet', 'status', 'stopme', ...common, '--json'], env).done;
  assert.equal(status.code, 1, `status of a stopped fleet: exit 1\n${status.stderr}`);
  const shown = JSON.parse(status.stdout.trim().split('\n').pop()!);
  assert.equal(shown.fleet.state, 'stopped');
  assert.deepEqual(
    shown.targets.filter((t: { state: string }) => t.state === 'stopped').map((t: { name: string }) => t.name).sort(),
    running.sort(),
  );

  const again = await start(['fleet', 'stop', 'stopme', ...common], env).done;
  assert.equal(again.code, 2, 'nothing to stop: exit 2');
  assert.match(again.stderr, /fleet stopme is stopped; there is nothing to stop/);
});
