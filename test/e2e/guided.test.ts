// The screen's pace in a real terminal (tmux) against a real PostgreSQL: it
// waits before every step until Enter, `a` runs on to the next step that needs
// a decision, and a confirmation shows the step it is about even after the
// operator looked elsewhere.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { leftovers, sh, Terminal } from './tmux.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'runbook.js');
const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', 'guided.yaml');

const { open, dirs, clean } = leftovers();
after(clean);

async function start(args: string[] = [], fixture = FIXTURE, arrange?: (db: TestDatabase) => Promise<unknown>): Promise<{ term: Terminal; db: TestDatabase; marks: string }> {
  const db = await createTestDatabase('guidede2e');
  // The default fixture's step 3 references a table that is in use before the run.
  if (fixture === FIXTURE) await db.client.query('CREATE TABLE guided_base (id int PRIMARY KEY)');
  if (arrange) await arrange(db);
  open.push({ close: () => void db.drop().catch(() => {}) });
  const marks = mkdtempSync(join(tmpdir(), 'runbook-guided-'));
  dirs.push(marks);
  const all = [BIN, 'run', fixture, '--db', db.url, '--state-dir', join(marks, 'state'), '--input', `dir=${marks}`, ...args].map(sh).join(' ');
  const term = new Terminal(`cd ${sh(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION ${sh(process.execPath)} ${all}`, 100, 30);
  open.push(term);
  return { term, db, marks };
}

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('the guided pace', () => {
  test('the screen waits before the first step until Enter', async () => {
    const { term, marks } = await start();
    await term.waitFor(/▶ Next, step 1\/4: Leave the first mark/);
    // The step is on view before it runs: its explanation and its command.
    assert.match(term.screen(), /Writes a file, so a test can tell whether it ran\./);
    assert.match(term.screen(), /touch "\$RUNBOOK_INPUT_DIR\/first"/);
    await settle();
    assert.equal(existsSync(join(marks, 'first')), false, 'nothing ran before Enter');
    term.press('Enter');
    await term.waitFor(/▶ Next, step 2\/4: Leave the second mark/);
    assert.equal(existsSync(join(marks, 'first')), true, 'Enter ran the first step');
    await settle();
    assert.equal(existsSync(join(marks, 'second')), false, 'and stopped before the second');
    term.type('q');
    assert.notEqual(await term.exitCode(), 0);
  });

  test('the lock findings of a step are on view before it runs', async () => {
    const fixture = join(ROOT, 'test', 'e2e', 'fixtures', 'guided-findings.yaml');
    const { term, db } = await start([], fixture, (d) => d.client.query('CREATE TABLE guided_f (id int)'));
    await term.waitFor(/▶ Next, step 1\/1: Add a note column/);
    await term.waitFor(/Findings \(1\) — locks, rewrites, scans/);
    assert.match(term.screen(), /warning lock-timeout-missing/);
    const cols = await db.client.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'guided_f' AND column_name = 'note'");
    assert.equal(cols.rows[0].n, 0, 'shown, not run');
    term.type('q');
    await term.exitCode();
  });

  test('a runs on until the next step that needs a decision (a lock the lock model says others wait behind)', async () => {
    const { term, db, marks } = await start();
    await term.waitFor(/▶ Next, step 1\/4/);
    term.type('a');
    await term.waitFor(/▶ Next, step 3\/4: Create the guided table/);
    assert.match(term.screen(), /needs your decision: takes a lock others wait behind: SHARE ROW EXCLUSIVE on guided_base \(CREATE/);
    assert.equal(existsSync(join(marks, 'first')), true);
    assert.equal(existsSync(join(marks, 'second')), true);
    const made = await db.client.query("SELECT to_regclass('guided_t') IS NOT NULL AS made");
    assert.equal(made.rows[0].made, false, 'the decision waits for the operator');
    term.type('q');
    await term.exitCode();
  });

  test('the destructive prompt names its step, and shows it, after the operator scrolled back', async () => {
    const { term, db } = await start();
    await term.waitFor(/▶ Next, step 1\/4/);
    term.type('a');
    await term.waitFor(/▶ Next, step 3\/4/);
    term.type('a');
    await term.waitFor(/▶ Next, step 4\/4: Drop the guided table/);
    // Look back at the prerequisite before answering.
    for (let i = 0; i < 6; i++) term.press('Up');
    await term.waitFor(/PASSED\s+prerequisite 1\/1\s+PostgreSQL 12 or newer/);
    term.press('Enter');
    await term.waitFor(/⚠ DESTRUCTIVE — step 4\/4 “Drop the guided table”/);
    const screen = term.screen();
    assert.match(screen, /PENDING\s+step 4\/4\s+Drop the guided table/, `the step view shows the step being confirmed:\n${screen}`);
    assert.match(screen, /statement 1, line 1: DROP TABLE guided_t/);
    assert.doesNotMatch(screen, /prerequisite 1\/1\s+PostgreSQL 12/);
    // Arrows move in the field; letters such as f and q are typed, never commands.
    term.type('fq');
    await term.waitFor(/> fq/);
    term.press('Left', 'Left', 'BSpace');
    term.press('C-u');
    term.type(db.name);
    term.press('Enter');
    await term.waitFor(/✓ Run succeeded/);
    term.type('q');
    assert.equal(await term.exitCode(), 0);
  });

  test('--auto runs without stopping before a step', async () => {
    const { term, marks } = await start(['--auto']);
    await term.waitFor(/⚠ DESTRUCTIVE/);
    assert.match(term.lines()[1], /--auto/, 'the header records the flag');
    assert.equal(existsSync(join(marks, 'second')), true);
    term.press('Escape');
    await term.waitFor(/BLOCKED/);
    term.type('q');
    await term.exitCode();
  });
});
