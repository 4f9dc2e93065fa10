// A team around one run, in real terminals (tmux) against a real PostgreSQL:
// the operator runs on the screen with --record-in-db; a second terminal
// watches (`runbook watch`), read-only, and sees the same step and output; an
// approval given from a second terminal releases a step that waits for one.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createReviewer } from '../support/reviewer.js';
import { leftovers, sh, Terminal } from './tmux.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'runbook.js');
const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', 'watch.yaml');

const { open, dirs, clean } = leftovers();
after(clean);

function terminal(args: string[], columns = 100, rows = 30): Terminal {
  const line = [BIN, ...args].map(sh).join(' ');
  const term = new Terminal(`cd ${sh(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION -u DATABASE_URL ${sh(process.execPath)} ${line}`, columns, rows);
  open.push(term);
  return term;
}

async function arrange(): Promise<{ db: TestDatabase; dir: string }> {
  const db = await createTestDatabase('watche2e');
  open.push({ close: () => void db.drop().catch(() => {}) });
  const dir = mkdtempSync(join(tmpdir(), 'runbook-watch-'));
  dirs.push(dir);
  return { db, dir };
}

/** The line of the step view's title ("step 2/3 …") and whether a text is on screen, as both terminals show them. */
const stepLine = (screen: string) => screen.split('\n').find((l) => /Wait for the gate file/.test(l) && /step 2\/3|▶|●|running/.test(l));

describe('runbook watch', () => {
  test('a second terminal follows the live run: the same step and output, read-only; it leaves and the run goes on', async () => {
    const { db, dir } = await arrange();
    const operator = terminal(['run', FIXTURE, '--db', db.url, '--auto', '--record-in-db', '--state-dir', join(dir, 'operator'), '--input', `dir=${dir}`]);
    await operator.waitFor(/waiting at the gate/, 30_000, 'the operator at the gate');
    // Another machine: its own state folder, only the database in common.
    const watcher = terminal(['watch', '--db', db.url, '--state-dir', join(dir, 'watcher')]);
    const seen = await watcher.waitFor(/waiting at the gate/, 30_000, 'the watcher to show the output');
    assert.match(seen, /WATCHING \(read-only\)/);
    assert.match(seen, /E2E — a run watched from another terminal/);
    assert.match(seen, /Wait for the gate file/);
    assert.ok(stepLine(seen), `the watcher shows the step being run:\n${seen}`);
    assert.match(seen, /step 2 of 3/, 'the same place in the run as the operator');
    assert.match(operator.screen(), /step 2 of 3/);
    // Keys that act on the operator's screen do nothing here (r, s, a, Enter).
    watcher.type('r');
    watcher.type('s');
    watcher.press('Enter');
    assert.doesNotMatch(watcher.screen(), /Stopping|reason/);
    writeFileSync(join(dir, 'go'), '');
    await operator.waitFor(/SUCCEEDED/, 30_000, 'the operator\'s run to end');
    const end = await watcher.waitFor(/SUCCEEDED/, 30_000, 'the watcher to see the end');
    assert.match(end, /through the gate|The last step/);
    watcher.type('q');
    assert.equal(await watcher.exitCode(), 0);
    operator.type('q');
    assert.equal(await operator.exitCode(), 0);
  });

  test('q leaves the watch while the run goes on; plain follow mode prints the run to its end', async () => {
    const { db, dir } = await arrange();
    const operator = terminal(['run', FIXTURE, '--db', db.url, '--plain', '--record-in-db', '--state-dir', join(dir, 'operator'), '--input', `dir=${dir}`]);
    await operator.waitFor(/waiting at the gate/, 30_000, 'the operator at the gate');
    const watcher = terminal(['watch', '--db', db.url, '--state-dir', join(dir, 'watcher')]);
    await watcher.waitFor(/waiting at the gate/, 30_000, 'the watcher');
    watcher.type('q');
    assert.equal(await watcher.exitCode(), 0);
    assert.doesNotMatch(operator.screen(), /__EXIT_/, 'the operator\'s run goes on');
    const follower = terminal(['watch', '--db', db.url, '--plain', '--state-dir', join(dir, 'watcher')], 120, 40);
    await follower.waitFor(/waiting at the gate/, 30_000, 'plain follow');
    writeFileSync(join(dir, 'go'), '');
    assert.equal(await operator.exitCode(), 0);
    assert.equal(await follower.exitCode(), 0);
    assert.match(follower.screen(), /through the gate[\s\S]*42[\s\S]*run succeeded/);
  });

  test('an approval given from a second terminal releases the waiting step; the watcher sees the wait and the release', async () => {
    const { db, dir } = await arrange();
    const reviewer = await createReviewer(db);
    open.push({ close: () => void db.drop().then(() => reviewer.drop()).catch(() => {}) });
    const fixture = join(ROOT, 'test', 'e2e', 'fixtures', 'approve-one.yaml');
    const operator = terminal(['run', fixture, '--db', db.url, '--auto', '--record-in-db', '--state-dir', join(dir, 'operator')]);
    await operator.waitFor(/waits for approval of step “Make the table”/, 30_000, 'the operator\'s screen to say it waits');
    const watcher = terminal(['watch', '--db', db.url, '--state-dir', join(dir, 'watcher')]);
    await watcher.waitFor(/waits for approval of step “Make the table”/, 30_000, 'the watcher to show the wait');
    const made = async () => (await db.client.query("SELECT to_regclass('approve_t') IS NOT NULL AS made")).rows[0].made as boolean;
    assert.equal(await made(), false);
    await reviewer.grant();
    const second = terminal(['approve', '--db', reviewer.url, '--state-dir', join(dir, 'reviewer')]);
    assert.equal(await second.exitCode(), 0, second.screen());
    assert.match(second.screen(), new RegExp(`approved: run .*Make the table[\\s\\S]*as database role ${reviewer.role}`));
    await operator.waitFor(/SUCCEEDED/, 30_000, 'the released run to finish');
    assert.equal(await made(), true);
    await watcher.waitFor(/SUCCEEDED/, 30_000, 'the watcher to see it finish');
    // The view follows the run to its last step, the approved one: its record shows the decision.
    await operator.waitFor(/step 2\/2 {2}Make the table[\s\S]*approved — by \S+ as database role/, 10_000, 'the decision in the step view');
    watcher.type('q');
    operator.type('q');
    assert.equal(await operator.exitCode(), 0);
  });
});
