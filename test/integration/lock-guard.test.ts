// The lock guard on a real server, through the real command line: real
// sessions hold locks, real application queries queue behind our DDL, and
// the journal is read back from disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readJournal } from '../../src/journal/journal.js';
import type { ExecEvent, LockAttempt } from '../../src/exec/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { root, runCli } from '../support/cli.js';

let db: TestDatabase;
const clients: pg.Client[] = [];
before(async () => {
  db = await createTestDatabase('guard');
});
after(async () => {
  for (const c of clients) await c.end().catch(() => {});
  await db.drop();
});

async function session(application: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: application });
  await c.connect();
  clients.push(c);
  return c;
}

interface Run {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
  stateDir: string;
}

/** Writes the runbook and runs it with the real CLI, plain output. */
function run(id: string, yaml: string[]): Run {
  const dir = mkdtempSync(join(tmpdir(), 'lock-guard-'));
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, ['runbook: 1', `id: ${id}`, `title: ${id}`, ...yaml, ''].join('\n'));
  const stateDir = join(dir, 'state');
  const child = spawn(process.execPath, [join(root, 'bin/runbook.js'), 'run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, stdout: () => stdout, stateDir };
}

/** The lock_attempt records of the run's journal, as written to disk. */
function attemptsIn(stateDir: string): LockAttempt[] {
  const runs = join(stateDir, 'runs');
  const files = existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')) : [];
  assert.equal(files.length, 1, 'one journal');
  const journal = readJournal(join(runs, files[0]));
  return journal.events.flatMap((e) => (e.type === 'item_output' ? e.events : [])).flatMap((e: ExecEvent) => (e.type === 'lock_attempt' ? [e.attempt] : []));
}

function startedStatements(stateDir: string): number[] {
  const runs = join(stateDir, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  return readJournal(join(runs, file))
    .events.flatMap((e) => (e.type === 'item_output' ? e.events : []))
    .flatMap((e: ExecEvent) => (e.type === 'statement_started' ? [e.index] : []));
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Is the runner's statement (application "runbook <id> run <run id>", not its side connections) waiting for a lock? */
async function runnerWaits(id: string): Promise<boolean> {
  const r = await db.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name ~ ('^runbook ' || $1 || ' run [^ ]+$') AND wait_event_type = 'Lock'", [id]);
  return r.rows[0].n > 0;
}

test('five application queries queue behind a waiting ALTER TABLE: the guard cancels it within 1 s of max_queue_wait, the retry succeeds once the holder leaves, and the journal names the blocker and the queue length', async () => {
  await db.client.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 100) g');
  const holder = await session('report-job');
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM accounts'); // ACCESS SHARE, held until the transaction ends
  const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;

  const r = run('queue-guard', [
    'steps:',
    '  - id: add-column',
    '    title: Add a column',
    '    sql: ALTER TABLE accounts ADD COLUMN note text',
    '    lock_timeout: 30s',
    '    max_queue_wait: 1s',
    '    lock_retries: { attempts: 3, backoff: 1s, jitter: 0 }',
  ]);
  await until('the ALTER TABLE to wait for its lock', () => runnerWaits('queue-guard'));

  // Five application queries, each compatible with the holder, queue behind our waiting ACCESS EXCLUSIVE request.
  const apps = await Promise.all([1, 2, 3, 4, 5].map((n) => session(`app-${n}`)));
  const latencies = await Promise.all(
    apps.map(async (c) => {
      const t0 = Date.now();
      await c.query('SELECT count(*) FROM accounts');
      return Date.now() - t0;
    }),
  );
  // The applications waited about max_queue_wait, and no more than a second past it: then the guard let them through.
  const longest = Math.max(...latencies);
  console.log(`queue guard: the five application queries waited ${latencies.join(', ')} ms (max_queue_wait 1000 ms)`);
  assert.ok(longest >= 950, `the queue was let through before the limit: ${latencies.join(', ')} ms`);
  assert.ok(longest < 2000, `the guard took longer than 1 s past its limit: ${latencies.join(', ')} ms`);

  await holder.query('COMMIT'); // the holder leaves; the retry (after the 1 s backoff) gets the lock
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);

  const attempts = attemptsIn(r.stateDir);
  assert.equal(attempts.length, 2, JSON.stringify(attempts));
  const [first, second] = attempts;
  assert.equal(first.outcome, 'queue_limit');
  assert.equal(first.trip?.limit, 'max_queue_wait');
  assert.equal(first.queueMax, 5, 'five sessions were queued behind it');
  assert.ok(first.blockers.some((b) => b.pid === holderPid && b.application === 'report-job'), `the blocker is named: ${JSON.stringify(first.blockers)}`);
  assert.equal(first.retryInMs, 1000);
  assert.equal(second.outcome, 'done');
  assert.equal(second.attempt, 2);
  // The plain output showed the queue while it grew, and the attempt.
  assert.match(result.stdout, /lock queue: statement 1 waits [^\n]* for AccessExclusiveLock on accounts; held by pid \d+ \(postgres, report-job/);
  assert.match(result.stdout, /5 sessions queued behind it/);
  assert.match(result.stdout, /lock attempt 1\/3 of statement 1 \(ALTER TABLE\) was cancelled by the lock guard after [\d.]+ m?s: a session had waited/);
  const cols = await db.client.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'");
  assert.equal(cols.rowCount, 1);

  // The reports, written from the journal alone, carry the same record.
  const md = await runCli(['report', '--state-dir', r.stateDir, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /Lock guard:\n\n- lock attempt 1\/3 of statement 1 \(ALTER TABLE\) was cancelled by the lock guard[^\n]*blocked by pid \d+ \(postgres, report-job[^\n]*queue behind it grew to 5 sessions/);
  const json = await runCli(['report', '--state-dir', r.stateDir, '--format', 'json']);
  const item = (JSON.parse(json.stdout) as { items: { locks?: { attempts: LockAttempt[] } }[] }).items[0];
  assert.equal(item.locks?.attempts[0].queueMax, 5);
  assert.equal(item.locks?.attempts[0].blockers[0].pid, holderPid);
});

test('max_queue: a transactional step cancelled for the queue is rolled back and runs again whole, once', async () => {
  await db.client.query('CREATE TABLE ledger (id int); CREATE TABLE audit (what text)');
  const holder = await session('holder-2');
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM ledger');

  const r = run('queue-count', [
    'max_queue: 2', // the runbook's default, taken by the step
    'steps:',
    '  - id: change',
    '    title: Audit, then change the table',
    '    sql: |',
    "      INSERT INTO audit VALUES ('change started');",
    '      ALTER TABLE ledger ADD COLUMN amount int;',
    '    lock_retries: { attempts: 2, backoff: 200ms, jitter: 0 }',
  ]);
  await until('the ALTER TABLE to wait for its lock', () => runnerWaits('queue-count'));
  const apps = await Promise.all([1, 2, 3].map((n) => session(`reader-${n}`)));
  const t0 = Date.now();
  await Promise.all(apps.map((c) => c.query('SELECT count(*) FROM ledger')));
  assert.ok(Date.now() - t0 < 1000, `three waiters past max_queue 2 are let through within a second (took ${Date.now() - t0} ms)`);
  await holder.query('COMMIT');
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const [first, second] = attemptsIn(r.stateDir);
  assert.equal(first.outcome, 'queue_limit');
  assert.equal(first.trip?.limit, 'max_queue');
  assert.equal(first.scope, 'step');
  assert.equal(first.index, 1, 'the ALTER TABLE was the statement stopped');
  assert.equal(second.outcome, 'done');
  const audit = await db.client.query('SELECT count(*)::int AS n FROM audit');
  assert.equal(audit.rows[0].n, 1, 'the first attempt was rolled back whole: its INSERT is not there twice');
});

test('a transactional step that loses a deadlock was rolled back whole by PostgreSQL: lock_retries runs it again, once, and the record says it lost a deadlock', async () => {
  await db.client.query('CREATE TABLE purchases (id int); CREATE TABLE invoices (id int); CREATE TABLE trail (what text)');
  const other = await session('batch-job');
  // The other session waits much longer before checking for a deadlock, so the runner's statement (1 s, the default) is the victim.
  await other.query("SET deadlock_timeout = '60s'");
  await other.query('BEGIN');
  await other.query('LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE');

  const r = run('deadlock-retry', [
    'steps:',
    '  - id: change',
    '    title: Change purchases, then invoices',
    '    sql: |',
    "      INSERT INTO trail VALUES ('change');",
    '      ALTER TABLE purchases ADD COLUMN paid boolean;',
    '      ALTER TABLE invoices ADD COLUMN paid boolean;',
    '    lock_retries: { attempts: 3, backoff: 200ms, jitter: 0 }',
  ]);
  await until('the runner to hold purchases and wait for invoices', () => runnerWaits('deadlock-retry'));
  // The other session now wants purchases, which the runner holds: a lock cycle. The runner's check finds it first.
  await other.query('SELECT count(*) FROM purchases');
  await other.query('COMMIT');
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const [first, second, ...rest] = attemptsIn(r.stateDir);
  assert.equal(first.outcome, 'deadlock', JSON.stringify(first));
  assert.equal(first.scope, 'step');
  assert.equal(first.index, 2, 'the second ALTER TABLE was the statement stopped');
  assert.equal(first.retryInMs, 200);
  assert.equal(second.outcome, 'done');
  assert.equal(rest.length, 0);
  assert.match(result.stdout, /lock attempt 1\/3 of statement 3 \(ALTER TABLE\) lost a deadlock \(PostgreSQL rolled it back\)/);
  const trail = await db.client.query('SELECT count(*)::int AS n FROM trail');
  assert.equal(trail.rows[0].n, 1, 'the first attempt was rolled back whole: its INSERT is not there twice');
  const cols = await db.client.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE column_name = 'paid' AND table_name IN ('purchases', 'invoices')");
  assert.equal(cols.rows[0].n, 2);
});

test('lock_timeout with retries: each attempt times out until the holder leaves, the waits double, and the last attempt gets the lock', async () => {
  await db.client.query('CREATE TABLE orders (id int)');
  const holder = await session('holder-3');
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM orders');
  const r = run('timeout-retry', [
    'lock_timeout: 200ms',
    'lock_retries: { attempts: 6, backoff: 150ms, max_backoff: 400ms, jitter: 0 }',
    'steps:',
    '  - id: add-index-column',
    '    title: Add a column',
    '    sql: ALTER TABLE orders ADD COLUMN shipped boolean',
  ]);
  await until('two attempts stopped by lock_timeout', () => (r.stdout().match(/gave up waiting for its lock/g) ?? []).length >= 2);
  await holder.query('COMMIT');
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const attempts = attemptsIn(r.stateDir);
  assert.ok(attempts.length >= 3, JSON.stringify(attempts));
  const failed = attempts.slice(0, -1);
  for (const a of failed) {
    assert.equal(a.outcome, 'lock_timeout');
    assert.equal(a.lockTimeoutMs, 200);
    assert.ok(a.blockers.some((b) => b.application === 'holder-3') || a.waitedMs === null, 'the blocker is named when the guard saw it');
  }
  assert.deepEqual(failed.map((a) => a.retryInMs), [150, 300, 400, 400, 400].slice(0, failed.length), 'doubling, capped at max_backoff');
  assert.equal(attempts.at(-1)!.outcome, 'done');
  assert.match(result.stdout, /gave up waiting for its lock \(lock_timeout\)[^\n]*the step's transaction was rolled back; it runs again whole in 150 ms/);
});

test('a step without a transaction retries only the statement stopped by lock_timeout: the statements before it are never run again', async () => {
  await db.client.query('CREATE TABLE events (id int); CREATE TABLE marks (what text)');
  const holder = await session('holder-4');
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM events');
  const r = run('no-tx-retry', [
    'steps:',
    '  - id: mark-and-alter',
    '    title: Mark, alter, mark',
    '    transaction: never',
    '    sql: |',
    "      INSERT INTO marks VALUES ('before');",
    '      ALTER TABLE events ADD COLUMN kind text;',
    "      INSERT INTO marks VALUES ('after');",
    '    lock_timeout: 150ms',
    '    lock_retries: { attempts: 10, backoff: 100ms, jitter: 0 }',
  ]);
  await until('two attempts stopped by lock_timeout', () => (r.stdout().match(/gave up waiting for its lock/g) ?? []).length >= 2);
  await holder.query('COMMIT');
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const marks = await db.client.query('SELECT what FROM marks ORDER BY what');
  assert.deepEqual(marks.rows.map((m) => m.what), ['after', 'before'], 'each INSERT ran exactly once');
  const started = startedStatements(r.stateDir);
  assert.equal(started.filter((i) => i === 0).length, 1, 'the committed first statement was sent once');
  assert.ok(started.filter((i) => i === 1).length >= 2, 'the ALTER TABLE was retried');
  const attempts = attemptsIn(r.stateDir);
  assert.ok(attempts.slice(0, -1).every((a) => a.scope === 'statement' && a.outcome === 'lock_timeout'));
  assert.match(result.stdout, /statements before it stay committed; it runs again in 100 ms/);
});

test('a CREATE INDEX CONCURRENTLY stopped by lock_timeout leaves an INVALID index: it is shown, dropped before the retry, and the retry builds a valid one', async () => {
  await db.client.query('CREATE TABLE payments (id int, amount int); INSERT INTO payments SELECT g, g FROM generate_series(1, 1000) g');
  const writer = await session('writer-5');
  await writer.query('BEGIN');
  await writer.query('INSERT INTO payments VALUES (0, 0)'); // an open writer: the build waits for it after creating its index
  const r = run('cic-retry', [
    'steps:',
    '  - id: index',
    '    title: Index the amounts',
    '    sql: CREATE INDEX CONCURRENTLY payments_amount_idx ON payments (amount)',
    '    lock_timeout: 200ms',
    '    lock_retries: { attempts: 8, backoff: 150ms, jitter: 0 }',
  ]);
  await until('an INVALID index left by a failed build', async () => (await db.client.query("SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('payments_amount_idx') AND NOT indisvalid")).rowCount === 1);
  await new Promise((res) => setTimeout(res, 600));
  await writer.query('COMMIT');
  const result = await r.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const attempts = attemptsIn(r.stateDir);
  const cleanups = attempts.flatMap((a) => a.invalidIndexes ?? []);
  assert.ok(cleanups.some((c) => c.name === 'payments_amount_idx'), `the INVALID index is in the record: ${JSON.stringify(attempts)}`);
  assert.ok(cleanups.some((c) => c.name === 'payments_amount_idx' && c.dropped), 'and it was dropped before a retry');
  assert.equal(attempts.at(-1)!.outcome, 'done');
  const valid = await db.client.query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = 'payments'");
  assert.deepEqual(valid.rows.map((v) => v.indisvalid), [true], 'one index on the table, valid');
  assert.match(result.stdout, /left the INVALID index payments_amount_idx/);
});
