// The fleet view in a real terminal (tmux): `runbook fleet run` draws the
// targets by wave, failures first; Enter opens a target's run read-only; the
// view stays on the fleet's end until q, then the status is printed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { killServer, sh, Terminal } from '../e2e/tmux.js';
import { BIN, passwordless } from './support.js';

const dbs: TestDatabase[] = [];
const terms: Terminal[] = [];
after(async () => {
  terms.forEach((t) => t.close());
  killServer();
  for (const d of dbs) await d.drop().catch(() => {});
});

test('the fleet view in a terminal', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 4; i++) dbs.push(await createTestDatabase('fleete2e'));
  const [control, ...targets] = dbs;
  await targets[1].client.query('CREATE TABLE fail_here ()');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
  const rb = join(dir, 'rb.yaml');
  writeFileSync(
    rb,
    `runbook: 1\nid: fleet-e2e\ntitle: Fleet e2e\nrisk: low\nsteps:\n  - id: guard\n    title: Refuse a marked target\n    sql: DO $$ BEGIN IF to_regclass('fail_here') IS NOT NULL THEN RAISE EXCEPTION 'marked to fail'; END IF; END $$\n  - id: wait\n    title: Take a moment\n    sql: SELECT pg_sleep(0.8)\n`,
  );
  const file = join(dir, 'targets.yaml');
  const names = ['alpha', 'bravo', 'charlie'];
  writeFileSync(file, `name: e2e\nconcurrency: 3\non_failure: continue\ntargets:\n${targets.map((t, i) => `  - { name: ${names[i]}, url: "${passwordless(t.url).url}" }`).join('\n')}\n`);
  const { url: controlUrl, password } = passwordless(control.url);
  const args = [BIN, 'fleet', 'run', rb, '--targets', file, '--control', controlUrl, '--workers', '3', '--state-dir', join(dir, 'state')].map(sh).join(' ');
  const term = new Terminal(`cd ${sh(process.cwd())} && env -u CI -u CONTINUOUS_INTEGRATION PGPASSWORD=${sh(password)} ${sh(process.execPath)} ${args}`, 100, 20);
  terms.push(term);
  await term.waitFor(/wave 1 · all · at most 3 at once/, 30_000, 'the table');
  const failed = await term.waitFor(/bravo\s+failed.*marked to fail/, 30_000, 'the failure');
  // The failure is listed first in its wave.
  assert.ok(failed.indexOf('bravo') < failed.indexOf('alpha'), failed);
  const end = await term.waitFor(/fleet e2e \(#\d+\) · fleet-e2e · failed/, 30_000, 'the fleet to end');
  assert.match(end, /alpha\s+succeeded/);
  // The selection follows its target as rows move: up to the top (bravo, the failure), down to alpha, Enter: its run, read-only.
  term.press('Up', 'Up', 'Up', 'Down', 'Enter');
  const run = await term.waitFor(/alpha · succeeded · run \d{8}-/, 10_000, 'the run');
  assert.match(run, /✓ step Refuse a marked target/);
  assert.match(run, /✓ step Take a moment/);
  term.press('Escape');
  await term.waitFor(/charlie\s+succeeded/, 10_000, 'the table again');
  term.type('q');
  const code = await term.exitCode(20_000);
  assert.equal(code, 1, 'a failed target: exit 1');
  assert.match(term.screen(), /bravo\s+failed/);
});
