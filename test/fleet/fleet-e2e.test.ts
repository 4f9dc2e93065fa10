// The fleet view in a real terminal (tmux): `runbook fleet run` draws the
// targets by wave, failures first; Enter on a target shows its run on the run
// screen in observer mode — live while a worker runs it (keys do not act), then
// its end — and Esc brings the table back; the view stays on the fleet's end
// until q, then the status is printed.
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
  // charlie's run waits in its last step until the test lets it go.
  await targets[2].client.query('CREATE TABLE hold_here (x int); INSERT INTO hold_here VALUES (1)');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
  const rb = join(dir, 'rb.yaml');
  writeFileSync(
    rb,
    `runbook: 1\nid: fleet-e2e\ntitle: Fleet e2e\nrisk: low\nsteps:\n  - id: guard\n    title: Refuse a marked target\n    sql: DO $$ BEGIN IF to_regclass('fail_here') IS NOT NULL THEN RAISE EXCEPTION 'marked to fail'; END IF; END $$\n  - id: wait\n    title: Take a moment\n    sql: SELECT pg_sleep(0.8)\n  - id: hold\n    title: Hold while held\n    sql: DO $$ BEGIN IF to_regclass('hold_here') IS NOT NULL THEN LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM hold_here); PERFORM pg_sleep(0.1); END LOOP; END IF; END $$\n`,
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
  await term.waitFor(/alpha\s+succeeded/, 30_000, 'alpha done');
  await term.waitFor(/charlie\s+running.*step hold/, 30_000, 'charlie held in its last step');
  // Rows: bravo (failed), charlie (running), alpha. Up to the top, down to charlie, Enter: its live run, watched.
  term.press('Up', 'Up', 'Up', 'Down', 'Enter');
  const live = await term.waitFor(/WATCHING \(read-only\)/, 10_000, 'charlie\'s run on the run screen');
  assert.match(live, /charlie · fleet e2e · run \d{8}-/);
  assert.match(live, /step 3 of 3/, 'on the step the worker runs');
  assert.match(live, /Hold while held/);
  assert.match(live, /back to the fleet/);
  // Keys that act on an operator's screen do nothing to a watched run.
  term.type('r');
  term.type('s');
  term.press('Enter');
  await new Promise((r) => setTimeout(r, 300));
  assert.match(term.screen(), /WATCHING \(read-only\)/);
  assert.doesNotMatch(term.screen(), /Stopping|skipp/i);
  // The worker goes on: the watcher sees the run end.
  await targets[2].client.query('DELETE FROM hold_here');
  await term.waitFor(/SUCCEEDED/, 30_000, 'the watched run to end');
  term.press('Escape');
  const end = await term.waitFor(/fleet e2e \(#\d+\) · fleet-e2e · failed/, 30_000, 'the table again, and the fleet\'s end');
  assert.match(end, /alpha\s+succeeded/);
  assert.match(end, /charlie\s+succeeded/);
  // A finished run: Enter on alpha (rows now bravo, alpha, charlie) shows how it ended.
  term.press('Up', 'Up', 'Up', 'Down', 'Enter');
  const done = await term.waitFor(/WATCHING \(read-only\)/, 10_000, 'alpha\'s run');
  assert.match(done, /alpha · fleet e2e · run \d{8}-/);
  assert.match(done, /SUCCEEDED/);
  term.type('q');
  await term.waitFor(/charlie\s+succeeded/, 10_000, 'q, too, goes back to the table');
  term.type('q');
  const code = await term.exitCode(20_000);
  assert.equal(code, 1, 'a failed target: exit 1');
  assert.match(term.screen(), /bravo\s+failed/);
});
