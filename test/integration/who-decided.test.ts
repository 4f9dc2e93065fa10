// A record that says who decided: a yes given by --yes / --confirm-danger is
// journalled and reported as "auto-confirmed (--yes) by <operator>", never as a
// person's; the journal header lists every flag that decided; and in a
// rollback, --yes does not say "I have undone it by hand" (--undone-by-hand does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal, type EventRecord, type JournalHeader } from '../../src/journal/journal.js';
import { createTestDatabase } from '../support/db.js';
import { runCli } from '../support/cli.js';

const OPERATOR = { RUNBOOK_OPERATOR: 'night-shift-bob' };

function runbookFile(dir: string): string {
  const file = join(dir, 'decide.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      runbook: 1,
      id: 'who-decided',
      title: 'Who decided',
      prerequisites: [{ id: 'staging', title: 'Tried on staging', confirm: 'I have run this procedure on a staging database' }],
      steps: [
        { id: 'make', title: 'Make the table', sql: 'CREATE TABLE decided (id int)', rollback: { sql: 'DROP TABLE decided' } },
        { id: 'manual', title: 'Tell the team', confirm: 'I told the team in #ops' },
        // No rollback section: undoing it is by hand.
        { id: 'fill', title: 'Fill it', sql: 'INSERT INTO decided VALUES (1)' },
        { id: 'purge', title: 'Purge it', sql: 'DELETE FROM decided', rollback: { sql: 'INSERT INTO decided VALUES (1)' } },
      ],
    }),
  );
  return file;
}

function journalOf(stateDir: string, nth = 0): ReturnType<typeof readJournal> {
  const dir = join(stateDir, 'runs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  return readJournal(join(dir, files[nth]));
}

test('--yes and --confirm-danger are journalled and reported as auto-confirmed by the operator; the header lists the flags', async () => {
  const db = await createTestDatabase('who');
  const dir = mkdtempSync(join(tmpdir(), 'who-decided-'));
  const stateDir = join(dir, 'state');
  try {
    const file = runbookFile(dir);
    const run = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', stateDir], OPERATOR);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`decided by flags: --yes --confirm-danger ${db.name}`));
    assert.match(run.stdout, /auto-confirmed \(--yes\) by night-shift-bob: I have run this procedure on a staging database/);
    assert.match(run.stdout, /auto-confirmed \(--yes\) by night-shift-bob: I told the team in #ops/);
    assert.match(run.stdout, new RegExp(`auto-confirmed \\(--confirm-danger ${db.name}\\) by night-shift-bob for Purge it`));
    assert.doesNotMatch(run.stdout, /✓ confirmed: /, 'no flag’s yes may read like a person’s');

    const journal = journalOf(stateDir);
    const header = journal.records[0] as JournalHeader;
    assert.deepEqual(header.flags, ['--yes', `--confirm-danger ${db.name}`]);
    const events = journal.records.filter((r): r is EventRecord => r.record === 'event').map((r) => r.event);
    const confirmed = events.find((e) => e.type === 'item_confirmed');
    assert.deepEqual(confirmed?.type === 'item_confirmed' && confirmed.auto, { flag: '--yes', by: 'night-shift-bob' });
    const danger = events.find((e) => e.type === 'danger_confirmed');
    assert.deepEqual(danger?.type === 'danger_confirmed' && danger.auto, { flag: `--confirm-danger ${db.name}`, by: 'night-shift-bob' });

    const md = await runCli(['report', '--state-dir', stateDir], OPERATOR);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /auto-confirmed \(`--yes`\) by `night-shift-bob` “I told the team in #ops”/);
    assert.match(md.stdout, new RegExp(`auto-confirmed \\(\`--confirm-danger ${db.name}\`\\) by \`night-shift-bob\`: destructive step Purge it`));
    assert.match(md.stdout, /decided by flags `--yes` `--confirm-danger /);
    assert.doesNotMatch(md.stdout, /— confirmed “/);
    const junit = await runCli(['report', '--format', 'junit', '--state-dir', stateDir], OPERATOR);
    assert.match(junit.stdout, /<property name="decided by flags" value="--yes --confirm-danger /);
    assert.match(junit.stdout, /auto-confirmed \(--yes\) by night-shift-bob “I told the team in #ops”/);
    assert.match(junit.stdout, /Tried on staging \[staging\]" time="[\d.]+">\n\s*<system-out>auto-confirmed \(--yes\) by night-shift-bob “I have run this procedure on a staging database”/);
  } finally {
    await db.drop();
  }
});

test('rollback: --yes does not tick "I have undone it by hand"; --undone-by-hand does, and is recorded as that flag', async () => {
  const db = await createTestDatabase('whorb');
  const dir = mkdtempSync(join(tmpdir(), 'who-decided-rb-'));
  const stateDir = join(dir, 'state');
  try {
    const file = runbookFile(dir);
    const run = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', stateDir], OPERATOR);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const runId = (journalOf(stateDir).records[0] as JournalHeader).runId;

    const refused = await runCli(['rollback', runId, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir], OPERATOR);
    assert.notEqual(refused.code, 0, refused.stdout);
    assert.match(refused.stdout, /needs a person: Step "Fill it" has no rollback section: I have undone it by hand, or accept that it stays — --yes does not say that work was done by hand; do it, then rerun with --undone-by-hand/);
    assert.doesNotMatch(refused.stdout, /auto-confirmed \(--yes\)[^\n]*undone it by hand/);
    // The purge was undone (its rollback ran) before the step that needs a person: the row is back.
    assert.equal((await db.client.query('SELECT count(*)::int AS n FROM decided')).rows[0].n, 1);

    const resumed = await runCli(['resume', '--db', db.url, '--plain', '--retry', '--undone-by-hand', '--confirm-danger', db.name, '--state-dir', stateDir], OPERATOR);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /auto-confirmed \(--undone-by-hand\) by night-shift-bob: Step "Fill it" has no rollback section/);
    assert.equal((await db.client.query(`SELECT to_regclass('decided') IS NULL AS gone`)).rows[0].gone, true);
  } finally {
    await db.drop();
  }
});
