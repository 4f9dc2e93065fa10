// A fleet on a real server: 30 target databases, 3 worker processes, waves
// canary 1 → 30 % → rest with concurrency 5. Every target is done exactly
// once, a worker killed mid-target is finished by another with no duplicated
// effect; a failing canary stops the fleet before wave 2; max_fail_percentage
// is honoured; `fleet retry` runs only the failed targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { urlForDatabase } from '../support/db.js';
import { inDatabase, lockFleetDatabases, reusableDatabases, passwordless, start, waitFor, type Proc } from './support.js';

/**
 * A 4-step runbook writing to its own table: `guard` fails where a fail_<table> table exists; `slow` is one
 * transaction, which waits before its last INSERT while a hold_<table> table has a row (the test lets it go).
 */
const runbook = (id: string, table: string) => `runbook: 1
id: ${id}
title: Fleet test ${id}
risk: low
steps:
  - id: guard
    title: Refuse a target marked to fail
    sql: DO $$ BEGIN IF to_regclass('fail_${table}') IS NOT NULL THEN RAISE EXCEPTION 'this target is marked to fail'; END IF; END $$
  - id: create
    title: Create the effects table
    sql: CREATE TABLE IF NOT EXISTS ${table} (step text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())
  - id: mark
    title: Mark the start
    sql: INSERT INTO ${table} (step) VALUES ('mark')
  - id: slow
    title: A slow change in one transaction
    sql: |
      INSERT INTO ${table} (step) VALUES ('slow');
      SELECT pg_sleep(0.6);
      DO $$ BEGIN IF to_regclass('hold_${table}') IS NOT NULL THEN LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM hold_${table}); PERFORM pg_sleep(0.05); END LOOP; END IF; END $$;
      INSERT INTO ${table} (step) VALUES ('done');
    verify:
      - title: done exactly once
        sql: SELECT count(*)::int AS n FROM ${table} WHERE step = 'slow'
        expect: { row: { n: 1 } }
`;

function targetsYaml(names: string[], base: string, head: string): string {
  return `${head}\ntargets:\n${names.map((n) => `  - { name: ${n}, url: "${base.replace(/\/[^/]*$/, `/${n}`)}" }`).join('\n')}\n`;
}

interface Row {
  name: string;
  wave: number;
  state: string;
  run_id: string | null;
  attempts: number;
  worker_id: string | null;
}

test('a fleet of 30 databases on 3 worker processes', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-test-'));
  const stateDir = join(dir, 'state');
  const prefix = 'runbook_fleet_test';
  const held = await lockFleetDatabases(prefix);
  const [control, ...names] = await reusableDatabases(prefix, 31);
  const { url: controlUrl, password } = passwordless(urlForDatabase(control));
  const env: Record<string, string> = password ? { PGPASSWORD: password } : {};
  const base = passwordless(urlForDatabase('x')).url;
  const ctl = new pg.Client({ connectionString: urlForDatabase(control) });
  const workers: Proc[] = [];
  // Every process the test starts, so that a failure can show what each of them said.
  const procs: { label: string; p: Proc }[] = [];
  const launch = (label: string, args: string[]) => {
    const p = start(args, env);
    procs.push({ label: `${label} (pid ${p.child.pid})`, p });
    return p;
  };
  const startWorker = () => {
    const w = launch('worker', ['worker', '--control', controlUrl, '--concurrency', '2', '--state-dir', stateDir]);
    workers.push(w);
    return w;
  };
  const fleetCli = (args: string[]) => launch(`fleet ${args.join(' ')}`, ['fleet', ...args, '--control', controlUrl, '--state-dir', stateDir]).done;
  /** On a failure, the error carries every fleet's targets and the output of the processes: a failure under load must say why. */
  const explained = (fn: () => Promise<void>) => async () => {
    const from = procs.length;
    try {
      await fn();
    } catch (e) {
      const tail = (text: string) => (text.length > 4000 ? `…${text.slice(-4000)}` : text);
      const table = await ctl
        .query(`SELECT f.name AS fleet, f.state AS fleet_state, t.name, t.wave, t.state, t.attempts, t.worker_id, t.current, t.error, t.started_at, t.finished_at FROM runbook_fleet.targets t JOIN runbook_fleet.fleets f ON f.id = t.fleet_id ORDER BY f.id, t.position`)
        .then((r) => r.rows.map((x) => JSON.stringify(x)).join('\n'))
        .catch((err: Error) => `(control database not read: ${err.message})`);
      const outputs = procs
        .filter((x, i) => i >= from || workers.includes(x.p))
        .map(({ label, p }) => `--- ${label}, exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}\nstdout:\n${tail(p.stdout())}\nstderr:\n${tail(p.stderr())}`);
      const err = e instanceof Error ? e : new Error(String(e));
      err.message += `\n=== targets ===\n${table}\n=== processes ===\n${outputs.join('\n')}`;
      throw err;
    }
  };
  const rows = async (fleet: string): Promise<Row[]> =>
    (await ctl.query<Row>(`SELECT t.name, t.wave, t.state, t.run_id, t.attempts, t.worker_id FROM runbook_fleet.targets t JOIN runbook_fleet.fleets f ON f.id = t.fleet_id WHERE f.name = $1 ORDER BY t.position`, [fleet])).rows;
  try {
    for (let i = 0; i < 3; i++) startWorker();
    await waitFor('3 workers ready', () => {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`a worker exited at start: ${dead.stderr()}`);
      return workers.every((w) => w.stdout().includes('worker: ready'));
    });
    await ctl.connect();

    await t.test('waves canary 1 → 30% → rest, concurrency 5: every target exactly once, a killed worker’s target finished by another', explained(async () => {
      const rb = join(dir, 'main.yaml');
      writeFileSync(rb, runbook('fleet-main', 'effects'));
      const targets = join(dir, 'main-targets.yaml');
      writeFileSync(targets, targetsYaml(names, base, 'name: main\nconcurrency: 5\nwaves:\n  - { name: canary, count: 1 }\n  - { percent: 30 }\n  - { name: rest }'));
      // The last wave's targets (the targets file's last 20) hold in their slow step until the kill is done: the first 5
      // of them all wait there, and 3 workers of 2 slots each cannot take 5 without worker 1, so worker 1 always has a
      // target with its transaction in flight when it is killed, however loaded the machine (a kill timed against the
      // step's 0.6 s could land after the step committed, or after the run ended).
      const held = names.slice(10);
      for (const n of held) await inDatabase(n, (c) => c.query('CREATE TABLE hold_effects (x int); INSERT INTO hold_effects VALUES (1)'));
      const coordinator = launch('coordinator', ['fleet', 'run', rb, '--targets', targets, '--control', controlUrl, '--state-dir', stateDir, '--json']);
      // Kill the first worker while one of its targets is in the slow step (a transaction in flight).
      const victim = workers[0];
      let killed: string | undefined;
      await waitFor('a target of worker 1 in its slow step', async () => {
        if (coordinator.child.exitCode !== null) return true;
        const r = await ctl.query<{ name: string }>(
          `SELECT t.name FROM runbook_fleet.targets t JOIN runbook_fleet.workers w USING (worker_id) WHERE w.pid = $1 AND t.state = 'running' AND t.current = 'step slow' AND t.wave = 2 LIMIT 1`,
          [victim.child.pid],
        );
        killed = r.rows[0]?.name;
        return Boolean(killed);
      });
      assert.ok(killed, 'a target was in flight on worker 1');
      assert.ok(held.includes(killed!), `${killed} is of the last wave`);
      victim.child.kill('SIGKILL');
      await victim.done;
      // Its slow step had not committed: only 'mark' is in its table.
      assert.deepEqual((await inDatabase(killed!, (c) => c.query<{ step: string }>('SELECT step FROM effects ORDER BY at'))).rows.map((x) => x.step), ['mark'], `${killed}: killed with its transaction in flight`);
      startWorker(); // back to 3 processes for the next cases
      for (const n of held) await inDatabase(n, (c) => c.query('DELETE FROM hold_effects'));
      const result = await coordinator.done;
      assert.equal(result.code, 0, result.stderr);
      const end = JSON.parse(result.stdout.trim().split('\n').pop()!);
      assert.equal(end.type, 'fleet_ended');
      assert.equal(end.fleet.state, 'succeeded');

      const all = await rows('main');
      assert.deepEqual([0, 1, 2].map((w) => all.filter((r) => r.wave === w).length), [1, 9, 20], 'canary 1, 30% of 30, the rest');
      assert.ok(all.every((r) => r.state === 'succeeded' && r.run_id));
      const again = all.find((r) => r.name === killed)!;
      assert.ok(again.attempts >= 2, `${killed} was taken again (attempts ${again.attempts})`);
      const victimWorkers = (await ctl.query(`SELECT count(*)::int AS n FROM runbook_fleet.workers WHERE pid = $1`, [victim.child.pid])).rows[0].n;
      assert.equal(victimWorkers, 0, 'the dead worker was swept');

      // Exactly once, on every target; and the times say the waves and the concurrency cap held.
      const spans: { name: string; wave: number; from: number; to: number }[] = [];
      for (const r of all) {
        const e = await inDatabase(r.name, (c) => c.query<{ step: string; at: Date }>('SELECT step, at FROM effects ORDER BY at'));
        assert.deepEqual(e.rows.map((x) => x.step), ['mark', 'slow', 'done'], `${r.name}: each step's effect once`);
        spans.push({ name: r.name, wave: r.wave, from: e.rows[0].at.getTime(), to: e.rows[2].at.getTime() });
      }
      for (const w of [1, 2]) {
        const before = Math.max(...spans.filter((s) => s.wave < w).map((s) => s.to));
        const first = Math.min(...spans.filter((s) => s.wave === w).map((s) => s.from));
        assert.ok(first > before, `wave ${w + 1} starts after wave ${w} ended`);
      }
      const peak = Math.max(...spans.map((s) => spans.filter((o) => o.from <= s.from && o.to >= s.from).length));
      assert.ok(peak <= 5, `at most 5 targets at once (peak ${peak})`);
      assert.ok(peak >= 3, `targets ran side by side (peak ${peak})`);
      // The killed target's run was resumed, not started twice: one run id, and its journal says resumed.
      const journal = (await import('node:fs')).readFileSync(join(stateDir, 'runs', `${again.run_id}.jsonl`), 'utf8');
      assert.match(journal, /"action":"resumed"/);
    }));

    await t.test('a failing canary stops the fleet before wave 2', explained(async () => {
      const rb = join(dir, 'canary.yaml');
      writeFileSync(rb, runbook('fleet-canary', 'effects_c'));
      await inDatabase(names[0], (c) => c.query('CREATE TABLE fail_effects_c ()'));
      const targets = join(dir, 'canary-targets.yaml');
      writeFileSync(targets, targetsYaml(names.slice(0, 8), base, 'name: canary-fails\nconcurrency: 5\non_failure: continue\nwaves:\n  - { count: 1 }\n  - { name: rest }'));
      const result = await fleetCli(['run', rb, '--targets', targets]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /canary wave \(canary\) failed/);
      const all = await rows('canary-fails');
      assert.equal(all[0].state, 'failed');
      assert.ok(all.slice(1).every((r) => r.state === 'pending' && r.run_id === null), 'no target of wave 2 started');
      for (const n of names.slice(1, 8)) {
        const exists = await inDatabase(n, (c) => c.query(`SELECT to_regclass('effects_c') AS t`));
        assert.equal(exists.rows[0].t, null, `${n} untouched`);
      }
      const status = await fleetCli(['status', 'canary-fails', '--json']);
      assert.equal(JSON.parse(status.stdout).fleet.state, 'failed');
    }));

    await t.test('max_fail_percentage is honoured, and fleet retry runs only the failed targets', explained(async () => {
      const rb = join(dir, 'pct.yaml');
      writeFileSync(rb, runbook('fleet-pct', 'effects_p'));
      // Wave 1: 10 targets, 2 marked to fail (20% = max: go on); wave 2: 5 more.
      const ten = names.slice(10, 25);
      for (const n of [ten[2], ten[7]]) await inDatabase(n, (c) => c.query('CREATE TABLE fail_effects_p ()'));
      const targets = join(dir, 'pct-targets.yaml');
      writeFileSync(targets, targetsYaml(ten, base, 'name: pct\nconcurrency: 5\nmax_fail_percentage: 20\nwaves:\n  - { count: 10 }\n  - { name: rest }'));
      const first = await fleetCli(['run', rb, '--targets', targets]);
      assert.equal(first.code, 1, first.stderr);
      let all = await rows('pct');
      assert.deepEqual(all.filter((r) => r.state === 'failed').map((r) => r.name), [ten[2], ten[7]]);
      assert.equal(all.filter((r) => r.state === 'succeeded').length, 13, 'wave 2 ran: 2 of 10 is not more than 20%');
      const runsBefore = new Map(all.map((r) => [r.name, r.run_id]));

      // A third failure in the first wave (30% > 20%): wave 2 never starts.
      const rb3 = join(dir, 'pct3.yaml');
      writeFileSync(rb3, runbook('fleet-pct3', 'effects_q'));
      for (const n of [ten[1], ten[4], ten[8]]) await inDatabase(n, (c) => c.query('CREATE TABLE fail_effects_q ()'));
      const targets3 = join(dir, 'pct3-targets.yaml');
      writeFileSync(targets3, targetsYaml(ten, base, 'name: pct3\nconcurrency: 5\nmax_fail_percentage: 20\nwaves:\n  - { count: 10 }\n  - { name: rest }'));
      const third = await fleetCli(['run', rb3, '--targets', targets3]);
      assert.equal(third.code, 1);
      assert.match(third.stderr, /3 of 10 targets of wave wave 1 failed \(30% > max_fail_percentage 20\)/);
      const all3 = await rows('pct3');
      assert.ok(all3.filter((r) => r.wave === 1).every((r) => r.state === 'pending'), 'wave 2 did not start');

      // The failed ones fixed, `fleet retry` runs only them.
      for (const n of [ten[2], ten[7]]) await inDatabase(n, (c) => c.query('DROP TABLE fail_effects_p'));
      const retry = await fleetCli(['retry', 'pct']);
      assert.equal(retry.code, 0, retry.stderr);
      // Listed in the targets file's order (the product's promise), whichever finished first.
      assert.match(retry.stderr, new RegExp(`retrying 2 failed target\\(s\\): ${ten[2]}, ${ten[7]}$`, 'm'));
      all = await rows('pct');
      assert.ok(all.every((r) => r.state === 'succeeded'));
      for (const r of all) assert.equal(r.run_id, runsBefore.get(r.name), `${r.name}: the same run (resumed, not a second one)`);
      for (const n of ten) {
        const e = await inDatabase(n, (c) => c.query<{ step: string }>('SELECT step FROM effects_p ORDER BY at'));
        assert.deepEqual(e.rows.map((x) => x.step), ['mark', 'slow', 'done'], `${n}: once`);
      }
      const done = await ctl.query<{ n: number }>(`SELECT count(*)::int AS n FROM runbook_fleet.targets t JOIN runbook_fleet.fleets f ON f.id = t.fleet_id WHERE f.name = 'pct' AND t.attempts > 1`);
      assert.equal(done.rows[0].n, 2, 'only the two failed targets ran again');
    }));

    await t.test('a coordinator killed mid-fleet: `fleet run` again picks the fleet up from the control database', explained(async () => {
      const rb = join(dir, 'pickup.yaml');
      writeFileSync(rb, runbook('fleet-pickup', 'effects_k'));
      const ten = names.slice(0, 10);
      const targets = join(dir, 'pickup-targets.yaml');
      writeFileSync(targets, targetsYaml(ten, base, 'name: pickup\nconcurrency: 3\nwaves:\n  - { count: 2 }\n  - { name: rest }'));
      const args = ['fleet', 'run', rb, '--targets', targets, '--control', controlUrl, '--state-dir', stateDir];
      const first = launch('coordinator (to be killed)', args);
      await waitFor('the second wave under way', async () => (await rows('pickup')).some((r) => r.wave === 1 && r.state === 'running'));
      first.child.kill('SIGKILL');
      await first.done;
      const again = await launch('coordinator again', args).done;
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /picking up fleet pickup \(#\d+\)/);
      const all = await rows('pickup');
      assert.ok(all.every((r) => r.state === 'succeeded'));
      for (const n of ten) {
        const e = await inDatabase(n, (c) => c.query<{ step: string }>('SELECT step FROM effects_k ORDER BY at'));
        assert.deepEqual(e.rows.map((x) => x.step), ['mark', 'slow', 'done'], `${n}: once`);
      }
    }));

    await t.test('a gate after the canary: soak with the checks run again, then a person’s approval releases wave 2', explained(async () => {
      const rb = join(dir, 'gate.yaml');
      writeFileSync(rb, runbook('fleet-gate', 'effects_g'));
      const four = names.slice(20, 24);
      const targets = join(dir, 'gate-targets.yaml');
      writeFileSync(targets, targetsYaml(four, base, 'name: gated\nconcurrency: 3\ngate: { soak: 1s, approve: true }\nwaves:\n  - { count: 1 }\n  - { name: rest }'));
      const run = launch('coordinator', ['fleet', 'run', rb, '--targets', targets, '--control', controlUrl, '--state-dir', stateDir]);
      await waitFor('the gate', async () => (await ctl.query(`SELECT state FROM runbook_fleet.fleets WHERE name = 'gated'`)).rows[0]?.state === 'awaiting_approval');
      assert.ok((await rows('gated')).slice(1).every((r) => r.state === 'pending'), 'wave 2 waits');
      const approve = await fleetCli(['approve', 'gated']);
      assert.equal(approve.code, 0, approve.stderr);
      assert.match(approve.stdout, /approved: wave 2 of fleet gated, by /);
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /soaking 1s after wave 1/);
      assert.ok((await rows('gated')).every((r) => r.state === 'succeeded'));
      const a = await ctl.query(`SELECT approved_by, approved_role FROM runbook_fleet.approvals a JOIN runbook_fleet.fleets f ON f.id = a.fleet_id WHERE f.name = 'gated'`);
      assert.equal(a.rows.length, 1);
      assert.ok(a.rows[0].approved_by && a.rows[0].approved_role, 'who approved, and as which role, is recorded');
    }));
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
    await ctl.end().catch(() => {});
    await held.end();
  }
});
