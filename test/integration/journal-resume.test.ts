// kill -9 of the runner in the middle of a step, then `runbook resume`:
// no journal entry is lost, and the step that was in flight is reconciled by
// its verification (done / not done / unknown) before anything else happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal, type Journal } from '../../src/journal/journal.js';
import { replayJournal } from '../../src/journal/replay.js';
import { streamLines } from '../../src/report/json.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';


const start = (args: string[], env: Record<string, string> = {}) => startCli(args, env);

const cli = (args: string[], env?: Record<string, string>) => start(args, env).done;

async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function onlyJournal(stateDir: string): string {
  const runs = join(stateDir, 'runs');
  const files = existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')) : [];
  return files.length === 1 ? join(runs, files[0]) : '';
}

const journalText = (stateDir: string) => (onlyJournal(stateDir) ? readFileSync(onlyJournal(stateDir), 'utf8') : '');

/** Starts a run, waits until the journal shows `marker` was sent, and kills the runner with SIGKILL. */
async function killDuring(file: string, db: TestDatabase, stateDir: string, marker: string, extra: string[] = []): Promise<{ printed: unknown[]; journal: Journal }> {
  const run = start(['run', file, '--db', db.url, '--json', '--yes', '--state-dir', stateDir, ...extra]);
  await waitFor(`"${marker}" in the journal`, () => journalText(stateDir).includes(marker));
  // The journal has the statement before it is sent; wait until the server is running it.
  const until = Date.now() + 30_000;
  for (let seen = false; !seen; await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > until) throw new Error(`timed out waiting for the server to run ${marker}`);
    const r = await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`]);
    seen = r.rows[0].n > 0;
  }
  run.child.kill('SIGKILL');
  const result = await run.done;
  assert.equal(result.code, null, 'killed, not exited');
  const printed = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; run?: string })
    .filter((e) => e.type !== 'run_started' && e.type !== 'message')
    // Every line names its run; the journal's events are the run's own, without it.
    .map(({ run: _run, ...e }) => e);
  return { printed, journal: readJournal(onlyJournal(stateDir)) };
}

function setup(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'journal-resume-'));
  const file = join(dir, 'book.yaml');
  writeFileSync(file, yaml);
  return { file, stateDir: join(dir, 'state') };
}

const SLOW = `SELECT pg_sleep(CASE WHEN to_regclass('public.go_fast') IS NULL THEN 60 ELSE 0 END)`;
const exists = (table: string) => ({ title: `${table} exists`, sql: `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = '${table}'`, expect: { row: { n: 1 } } });

test('killed in the middle of a multi-statement transaction: nothing is lost, nothing committed, so the step runs again', async () => {
  const db = await createTestDatabase('jres');
  try {
    const { file, stateDir } = setup(
      JSON.stringify({
        runbook: 1,
        id: 'resume-demo',
        title: 'Resume demo',
        inputs: { token: { type: 'string', secret: true } },
        steps: [
          { id: 'first', title: 'First table', sql: 'CREATE TABLE k1 (id int)', verify: [exists('k1')] },
          { id: 'multi', title: 'Three statements', sql: `CREATE TABLE k2 (id int);\n${SLOW};\nCREATE TABLE k3 (id int);`, verify: [exists('k2'), exists('k3')] },
          { id: 'last', title: 'Last table', sql: 'CREATE TABLE k4 (note text); INSERT INTO k4 VALUES ({{ inputs.token }})', verify: [exists('k4')] },
        ],
      }),
    );
    const secret = 'Tok-7f3a9-very-secret';
    const { printed, journal } = await killDuring(file, db, stateDir, 'pg_sleep', ['--input', `token=${secret}`]);

    // Every event the runner showed is in the journal, in order, and nothing after it is missing:
    // the last line is the statement that was running when it died.
    assert.ok(printed.length > 5);
    assert.deepEqual(journal.events.flatMap(streamLines).slice(0, printed.length), printed);
    const last = journal.events.at(-1)!;
    assert.equal(last.type, 'item_output');
    assert.match(JSON.stringify(last), /statement_started.*pg_sleep/);
    assert.equal(journal.tornTail, undefined);
    const before = replayJournal(journal);
    assert.deepEqual(before.items.map((i) => i.status), ['passed', 'running', 'pending']);
    assert.equal(before.ended, null);

    // Secret inputs were never journalled, so resume asks for them again.
    const refused = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /input token is secret and was not journalled: pass --input token=VALUE/);

    await db.client.query('CREATE TABLE go_fast ()');
    const resumed = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes', '--input', `token=${secret}`], { RUNBOOK_OPERATOR: 'bob@desk-2' });
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stderr, /resuming run \S+ \(stopped at step:multi\)/);
    // The dead runner's transaction could never commit: it is ended before anything else.
    assert.match(resumed.stdout, /left server pid \d+ active: SELECT pg_sleep.*inside a transaction it can never commit now, so it is ended first/);
    const reconciling = resumed.stdout.indexOf('reconciling:');
    const notDone = resumed.stdout.indexOf('the journal shows none of its 3 statements committed');
    const rerun = resumed.stdout.indexOf('step 2/3: Three statements (attempt 2)');
    assert.ok(reconciling >= 0 && reconciling < notDone && notDone < rerun, resumed.stdout);

    const after = readJournal(journal.path);
    assert.deepEqual(after.events.slice(0, journal.events.length), journal.events, 'the first run’s entries are all still there');
    const session = after.records.find((r) => r.record === 'session');
    assert.equal(session?.record === 'session' && session.operator, 'bob@desk-2');
    const final = replayJournal(after);
    assert.deepEqual(final.items.map((i) => [i.id, i.status, i.attempts]), [['first', 'passed', 1], ['multi', 'passed', 2], ['last', 'passed', 1]]);
    assert.equal(final.ended?.outcome, 'succeeded');
    const tables = await db.client.query(`SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
    assert.equal(tables.rows[0].t, 'go_fast,k1,k2,k3,k4');
    assert.equal((await db.client.query('SELECT note FROM k4')).rows[0].note, secret, 'the secret reached the database as a bind parameter');

    for (const f of readdirSync(join(stateDir, 'runs')).map((n) => join(stateDir, 'runs', n)).concat(join(stateDir, 'runbook.json'))) {
      assert.ok(!readFileSync(f, 'utf8').includes(secret), `${f} holds no secret input`);
    }
  } finally {
    await db.drop();
  }
});

test('killed while a statement runs on its own: resume waits for it, its applied: query says it took effect, and it is not run again', async () => {
  const db = await createTestDatabase('jres');
  try {
    const { file, stateDir } = setup(
      JSON.stringify({
        runbook: 1,
        id: 'resume-done',
        title: 'Resume, done',
        steps: [
          {
            id: 'slow',
            title: 'Slow table',
            sql: 'CREATE TABLE d2 AS SELECT 1 AS s FROM pg_sleep(6)',
            transaction: 'never',
            applied: "SELECT to_regclass('public.d2') IS NOT NULL",
            verify: [exists('d2')],
          },
          { id: 'after', title: 'After', sql: 'CREATE TABLE d3 (id int)' },
        ],
      }),
    );
    await killDuring(file, db, stateDir, 'pg_sleep');
    const resumed = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes']);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /it may still commit on its own, so this waits for it to end before anything runs/);
    assert.match(resumed.stdout, /unknown: whether statement 1 of 1 took effect/);
    assert.match(resumed.stdout, /statement 1, in flight when the run lost it, took effect \(its applied: query says so\)/);
    assert.match(resumed.stdout, /not run again; its verification runs/);
    assert.doesNotMatch(resumed.stdout, /> CREATE TABLE d2/, 'the statement is not sent again');
    const final = replayJournal(readJournal(onlyJournal(stateDir)));
    assert.deepEqual(final.items.map((i) => [i.id, i.status, i.attempts]), [['slow', 'passed', 2], ['after', 'passed', 1]]);
  } finally {
    await db.drop();
  }
});

test('killed inside an autocommit statement without an applied: query: unknown, nothing asked or run until the operator answers', async () => {
  const db = await createTestDatabase('jres');
  try {
    const { file, stateDir } = setup(
      JSON.stringify({
        runbook: 1,
        id: 'resume-unknown',
        title: 'Resume, unknown',
        steps: [{ id: 'blind', title: 'No applied query', transaction: 'never', sql: `CREATE TABLE u1 (id int);\n${SLOW};` }],
      }),
    );
    await killDuring(file, db, stateDir, 'pg_sleep');
    await db.client.query('CREATE TABLE go_fast ()');
    const first = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes']);
    assert.equal(first.code, 5, 'stopped for the operator’s decision');
    assert.match(first.stdout, /known: statement 1 of 2 committed; unknown: whether statement 2 of 2 took effect/);
    assert.match(first.stdout, /reconciled: UNKNOWN — whether statement 2 of 2 took effect; the step has no applied: query to find out, so nothing is asked of the database and nothing runs/);
    assert.doesNotMatch(first.stdout, /> CREATE TABLE u1|> SELECT pg_sleep/, 'nothing ran before the operator decided');
    const retried = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes', '--retry']);
    assert.equal(retried.code, 5, '--retry alone does not decide an unknown');
    const again = await cli(['resume', '--state-dir', stateDir, '--db', db.url, '--plain', '--yes', '--in-flight', 'not-applied']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /did not take effect \(the operator says so \(--in-flight\)\)/);
    assert.match(again.stdout, /statement 1 of 2 committed in an earlier attempt \(journal\): not run again; running statement 2/);
    assert.doesNotMatch(again.stdout, /> CREATE TABLE u1/, 'the committed statement is not sent again');
    const status = await cli(['history', '--state-dir', stateDir]);
    assert.match(status.stdout, /resume-unknown .* succeeded/);
  } finally {
    await db.drop();
  }
});
