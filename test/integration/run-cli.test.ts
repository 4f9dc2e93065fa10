// The plain runner, as an operator or a CI job uses it: the real CLI, a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, root } from '../support/cli.js';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/db.js';

const fixture = (name: string) => join(root, 'test/fixtures', name);

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('cli');
});
after(async () => {
  await db.drop();
});

/** The test URL with a password added, to prove it is never printed. */
function urlWithPassword(): string {
  const u = new URL(db.url);
  if (!u.password) u.password = 'sup3r-secret';
  return u.toString();
}

test('a passing runbook runs to the end and exits 0; the injection value arrives only as data', async () => {
  const r = await runCli(['run', fixture('ok/demo.yaml'), '--db', db.url, '--yes', '--plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /prerequisite 1\/1: PostgreSQL 12 or newer/);
  assert.match(r.stdout, /NOTICE: hello from the server/);
  assert.match(r.stdout, /run succeeded/);
  const rows = await db.client.query('SELECT label FROM items');
  assert.deepEqual(rows.rows, [{ label: "x'); DROP TABLE items; --" }]);
});

test('a failed verification stops the run with exit 1, expected vs actual, and the matching troubleshooting', async () => {
  const r = await runCli(['run', fixture('ok/fails.yaml'), '--db', db.url, '--plain']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ n \(first row\)\n\s+expected: n = 5\n\s+actual:\s+3/);
  assert.match(r.stdout, /Fewer rows than expected \[too-few\]/);
  assert.doesNotMatch(r.stdout, /── step 2\/2: Never reached/, 'the next step must not start');
});

test('the password in the URL is never printed', async () => {
  const url = urlWithPassword();
  const password = new URL(url).password;
  const r = await runCli(['run', fixture('ok/fails.yaml'), '--db', url, '--plain']);
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'password leaked');
  const j = await runCli(['run', fixture('ok/fails.yaml'), '--json'], { DATABASE_URL: url });
  assert.ok(!j.stdout.includes(password), 'password leaked in JSON');
});

test('--json prints one JSON event per line', async () => {
  const r = await runCli(['run', fixture('ok/fails.yaml'), '--db', db.url, '--json']);
  assert.equal(r.code, 1);
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
  assert.equal(events[0].type, 'run_started');
  assert.ok(events.some((e) => e.type === 'item_finished'));
  assert.equal(events.at(-1)?.type, 'run_ended');
});

test('a destructive step needs --confirm-danger naming the database; --yes alone is not enough', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rb-'));
  const file = join(dir, 'danger.yaml');
  await writeFile(
    file,
    ['runbook: 1', 'id: danger', 'title: Danger', 'steps:', '  - id: make', '    title: Make', '    sql: CREATE TABLE doomed (a int)', '  - id: drop', '    title: Drop it', '    sql: DROP TABLE doomed'].join('\n'),
  );
  const refused = await runCli(['run', file, '--db', db.url, '--yes', '--plain']);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /destructive: DROP/i);
  assert.match(refused.stdout, new RegExp(`--confirm-danger ${db.name}`));
  assert.equal((await db.client.query("SELECT to_regclass('doomed') AS t")).rows[0].t, 'doomed');
  const wrong = await runCli(['run', file, '--db', db.url, '--yes', '--plain', '--confirm-danger', 'otherdb']);
  assert.equal(wrong.code, 1);
  await db.client.query('DROP TABLE doomed');
  const allowed = await runCli(['run', file, '--db', db.url, '--plain', '--confirm-danger', db.name]);
  assert.equal(allowed.code, 0, allowed.stdout);
  assert.equal((await db.client.query("SELECT to_regclass('doomed') AS t")).rows[0].t, null);
});

test('--sandbox-on: --confirm-danger runbook_sandbox confirms the database the run created, and no other', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rb-'));
  const file = join(dir, 'danger.yaml');
  await writeFile(
    file,
    ['runbook: 1', 'id: danger-sandbox', 'title: Danger', 'steps:', '  - id: make', '    title: Make', '    sql: CREATE TABLE doomed (a int)', '  - id: drop', '    title: Drop it', '    sql: DROP TABLE doomed'].join('\n'),
  );
  // Without it, the refusal names what to type: the name the run cannot know in advance is not asked for.
  const refused = await runCli(['run', file, '--sandbox-on', serverUrl(), '--yes', '--plain']);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /rerun with --confirm-danger runbook_sandbox to allow it \(it names the sandbox database the run creates, here runbook_sandbox_[0-9a-f]{8}\)/);
  const allowed = await runCli(['run', file, '--sandbox-on', serverUrl(), '--yes', '--plain', '--confirm-danger', 'runbook_sandbox']);
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.match(allowed.stdout, /auto-confirmed \(--confirm-danger runbook_sandbox\) by \S+ for Drop it \(runbook_sandbox_[0-9a-f]{8}: the sandbox database this run created\)/);
  // On a database the run did not create, the word confirms nothing.
  const elsewhere = await runCli(['run', file, '--db', db.url, '--yes', '--plain', '--confirm-danger', 'runbook_sandbox']);
  assert.equal(elsewhere.code, 1, elsewhere.stdout);
  assert.match(elsewhere.stdout, /--confirm-danger runbook_sandbox does not name the target database/);
  assert.equal((await db.client.query("SELECT to_regclass('doomed') AS t")).rows[0].t, 'doomed', 'the table must not be dropped');
  await db.client.query('DROP TABLE doomed');
});

test('a missing input is named with how to give it; a wrong type is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rb-'));
  const file = join(dir, 'inputs.yaml');
  await writeFile(file, ['runbook: 1', 'id: inp', 'title: Inputs', 'inputs:', '  n: { type: integer }', 'steps:', '  - id: s', '    title: S', '    sql: SELECT {{ inputs.n }}::int AS n', '    expect: { row: { n: 7 } }'].join('\n'));
  const missing = await runCli(['run', file, '--db', db.url, '--plain']);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /missing input: n — pass --input n=VALUE/);
  const wrong = await runCli(['run', file, '--db', db.url, '--plain', '--input', 'n=seven']);
  assert.match(wrong.stdout, /n: expected a whole number, got "seven"/);
  const good = await runCli(['run', file, '--db', db.url, '--plain', '--input', 'n=7']);
  assert.equal(good.code, 0, good.stdout);
});

test('validate exits 2 (a runbook problem) on broken files and prints no stack trace', async () => {
  const r = await runCli(['validate', fixture('broken/many-problems.yaml'), fixture('broken/bad-yaml.yaml')]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+\)?\n/);
  assert.match(r.stdout, /many-problems\.yaml: \d+ problems/);
});

test('no database given: a clear message and exit 2', async () => {
  const r = await runCli(['run', fixture('ok/demo.yaml'), '--plain'], { DATABASE_URL: '', PGHOST: '', PGDATABASE: '', PGUSER: '', PGPORT: '' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no database to run against: pass --db URL/);
});

test('--sandbox-on creates a temporary database, runs there, and drops it', async () => {
  const r = await runCli(['run', fixture('ok/demo.yaml'), '--sandbox-on', serverUrl(), '--yes', '--plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const name = /target: [^/]+\/(runbook_sandbox_[0-9a-f]+)/.exec(r.stdout)?.[1];
  assert.ok(name, r.stdout);
  const left = await db.client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  assert.equal(left.rowCount, 0, 'the sandbox database must be dropped');
});

test('Ctrl-C in plain mode cancels the statement on the server, marks the step interrupted, exits 130', async () => {
  const { spawn } = await import('node:child_process');
  const dir = await mkdtemp(join(tmpdir(), 'rb-'));
  const file = join(dir, 'sleep.yaml');
  await writeFile(file, ['runbook: 1', 'id: sleepy', 'title: Sleepy', 'steps:', '  - id: nap', '    title: Nap', '    sql: SELECT pg_sleep(60)'].join('\n'));
  const child = spawn(process.execPath, [join(root, 'bin/runbook.js'), 'run', file, '--db', db.url, '--plain', '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('pg_sleep') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  const sentAt = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130, out);
  assert.ok(Date.now() - sentAt < 5000, 'the cancel must be quick');
  assert.match(out, /interrupted/);
  const left = await db.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()");
  assert.equal(left.rows[0].n, 0, 'no query of ours may be left running');
});
