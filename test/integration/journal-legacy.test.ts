// Journals written before commits were recorded (statement events without
// `commits`, no committed / commit_started events): a run left in a SQL step
// by such a runner is resumed from what its journal does show — which
// statements started and finished — with what committed inferred from how the
// step's statements run (one by one, or in one transaction), and the operator
// told what is inferred and what is unknown. 0 duplicated effects.
// The fixture journal is made the way an old runner wrote it: a real run's
// journal up to the step's start, then the step's statement events in the old
// form, cut where the runner died; the database is left as that moment left it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const insert = (m: string) => `INSERT INTO marks VALUES ('${m}');`;

function runbook(dir: string, transaction: 'never' | 'auto', markers: string[], applied?: string[]): string {
  const file = join(dir, `${transaction}.yaml`);
  const lines = ['runbook: 1', `id: legacy-${transaction}`, 'title: Old journal', 'steps:', '  - id: work', '    title: the work', `    transaction: ${transaction}`, '    sql: |', ...markers.map((m) => `      ${insert(m)}`)];
  if (applied) lines.push('    applied:', ...applied.map((m) => `      - "SELECT count(*) > 0 FROM marks WHERE m = '${m}'"`));
  lines.push('    verify:', '      - title: every marker once', `        sql: SELECT count(*)::int AS n, count(DISTINCT m)::int AS d FROM marks`, `        expect: { row: { n: ${markers.length}, d: ${markers.length} } }`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * A real run to the end, then its journal rewritten as an old runner killed in
 * the step would have left it: `started` statements started, `finished` of
 * them finished, nothing about commits, no end. Returns the state folder.
 */
let made = 0;
async function oldJournal(db: TestDatabase, dir: string, file: string, markers: string[], started: number, finished: number): Promise<string> {
  const stateDir = join(dir, `state-${++made}`);
  await db.client.query('TRUNCATE marks');
  const full = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(full.code, 0, full.stdout + full.stderr);
  const path = join(stateDir, 'runs', readdirSync(join(stateDir, 'runs')).find((f) => f.endsWith('.jsonl'))!);
  const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { record: string; seq?: number; event?: { type: string; at: number } });
  const upTo = records.findIndex((r) => r.event?.type === 'item_started' && (r.event as { key?: string }).key === 'step:work');
  const kept = records.slice(0, upTo + 1);
  let seq = kept[upTo].seq!;
  const at = kept[upTo].event!.at;
  const event = (events: unknown[]) => ({ record: 'event', seq: ++seq, event: { type: 'item_output', key: 'step:work', events, at } });
  for (let i = 0; i < started; i++) {
    kept.push(event([{ type: 'statement_started', index: i, total: markers.length, text: insert(markers[i]).slice(0, -1), line: i + 1 }]));
    if (i < finished) kept.push(event([{ type: 'statement_finished', index: i, command: 'INSERT 0 1', rowCount: 1, durationMs: 1 }]));
  }
  writeFileSync(path, `${kept.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return stateDir;
}

async function markers(db: TestDatabase): Promise<string[]> {
  return (await db.client.query('SELECT m FROM marks ORDER BY m')).rows.map((r: { m: string }) => r.m);
}

async function setMarks(db: TestDatabase, present: string[]): Promise<void> {
  await db.client.query('TRUNCATE marks');
  for (const m of present) await db.client.query('INSERT INTO marks VALUES ($1)', [m]);
}

test('an old journal (no commit records): resume infers what committed, says what is not known, and applies nothing twice', { timeout: 120_000 }, async () => {
  const db = await createTestDatabase('legacy');
  const dir = mkdtempSync(join(tmpdir(), 'journal-legacy-'));
  try {
    await db.client.query('CREATE TABLE marks (m text NOT NULL)');
    const resume = (stateDir: string, ...more: string[]) => runCli(['resume', '--db', db.url, '--plain', '--yes', '--state-dir', stateDir, ...more]);

    // One by one (transaction: never): statements 1–2 finished, so they committed; 3 started and never finished.
    const never = ['n1', 'n2', 'n3'];
    const neverFile = runbook(dir, 'never', never, never);
    let state = await oldJournal(db, dir, neverFile, never, 3, 2);
    await setMarks(db, ['n1', 'n2']);
    let r = await resume(state);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /written by an older runbook that did not record commits: it shows statements 1–3 of 3 started and statements 1–2 of 3 finished\. Its statements commit one by one, so the 2 that finished committed, and whether statement 3, started and never finished, took effect is unknown/);
    assert.match(r.stdout, /asking the database \(applied:\)/);
    assert.deepEqual(await markers(db), never, 'statement 3 ran once, 1 and 2 not again');

    // The same, without applied:: the run stops for the operator (exit 5), who answers; nothing runs before that.
    const bare = runbook(join(dir), 'never', never);
    state = await oldJournal(db, dir, bare, never, 3, 2);
    await setMarks(db, ['n1', 'n2', 'n3']);
    r = await resume(state);
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout, /unknown: whether statement 3 of 3 took effect/);
    assert.deepEqual(await markers(db), never);
    r = await resume(state, '--in-flight', 'applied');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await markers(db), never, 'statement 3 took effect: not run again');

    // One transaction that never reached its COMMIT: none committed, the step runs whole.
    const tx = ['t1', 't2', 't3'];
    const txFile = runbook(dir, 'auto', tx);
    state = await oldJournal(db, dir, txFile, tx, 2, 1);
    await setMarks(db, []);
    r = await resume(state);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Its statements run in one transaction that never reached its COMMIT, so none of them committed/);
    assert.deepEqual(await markers(db), tx);

    // All of the transaction's statements finished: whether its COMMIT took effect is unknown — the operator says.
    state = await oldJournal(db, dir, txFile, tx, 3, 3);
    await setMarks(db, tx);
    r = await resume(state);
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout, /Its statements run in one transaction and all finished, so whether its COMMIT took effect is unknown/);
    r = await resume(state, '--in-flight', 'applied');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await markers(db), tx, 'the COMMIT took effect: nothing run again');

    // The step changed since (a statement more): nothing can be inferred; the operator is told, nothing runs.
    state = await oldJournal(db, dir, neverFile, never, 2, 1);
    await setMarks(db, ['n1']);
    runbook(dir, 'never', [...never, 'n4'], [...never, 'n4']);
    r = await resume(state);
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout, /of 3 statements; the step now has 4, so what committed cannot be inferred/);
    assert.deepEqual(await markers(db), ['n1']);

    // Rollback of such a run: the step that passed is undone; the one left in flight is named with what its journal knows.
    const two = join(dir, 'two.yaml');
    writeFileSync(
      two,
      [
        'runbook: 1',
        'id: legacy-two',
        'title: Old journal, two steps',
        'steps:',
        '  - id: first',
        '    title: the first',
        `    sql: ${insert('f1')}`,
        "    rollback: { sql: \"DELETE FROM marks WHERE m = 'f1'\" }",
        '  - id: work',
        '    title: the work',
        '    transaction: never',
        '    sql: |',
        ...never.map((m) => `      ${insert(m)}`),
        '',
      ].join('\n'),
    );
    state = await oldJournal(db, dir, two, never, 2, 1);
    await setMarks(db, ['f1', 'n1']);
    r = await runCli(['rollback', '--db', db.url, '--plain', '--yes', '--state-dir', state]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /step "the work" did not complete and may be partly applied \(its journal, from an older runbook, does not record commits: statements 1–2 of 3 started, statement 1 of 3 finished; which committed is not known\)/);
    assert.deepEqual(await markers(db), ['n1'], 'the first step undone, the other left for the operator');
  } finally {
    await db.drop();
  }
});
