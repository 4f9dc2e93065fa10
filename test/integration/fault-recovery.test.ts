// Exactly once, under faults. The runner (the real CLI process) is killed with
// SIGKILL at 30 random moments (seeded) across transactional and
// non-transactional steps, and resumed each time until the run succeeds; then
// our backend is terminated on the server (pg_terminate_backend) at random
// moments, and the run continued with `resume --retry`. Each step inserts rows
// with unique markers into a table without a unique key, so an effect applied
// twice shows as a marker counted twice. Where a step has no applied: query
// and the commit of its statement in flight is unknown, the run stops (exit 5)
// and the test does what the operator would: looks in the database, and
// answers with --in-flight. A server restart is not possible on the shared test
// server: terminated backends stand in for it (the connection is lost the same way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '../../src/journal/journal.js';
import { replayJournal } from '../../src/journal/replay.js';
import { seededRandom } from '../support/random.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const BIN = fileURLToPath(new URL('../../../bin/runbook.js', import.meta.url));
const EXIT = { done: 0, usage: 2, connection: 4, decision: 5 };


const SEED = Number(process.env.FAULT_SEED ?? 1307);

/** Statements that each insert one marker, slowly enough that a kill can land inside them. */
const insert = (marker: string, ms: number) => `INSERT INTO marks (marker) SELECT '${marker}' FROM pg_sleep(${(ms / 1000).toFixed(3)});`;
const applied = (marker: string) => `SELECT count(*) > 0 FROM marks WHERE marker = '${marker}'`;

/** The steps: [id, transaction, markers, has applied:]. */
const STEPS: { id: string; transaction: 'auto' | 'never'; markers: string[]; applied: 'none' | 'one' | 'list' }[] = [
  { id: 'tx1', transaction: 'auto', markers: ['tx1-a', 'tx1-b'], applied: 'one' },
  { id: 'nt1', transaction: 'never', markers: ['nt1-1', 'nt1-2', 'nt1-3', 'nt1-4'], applied: 'list' },
  { id: 'nt2', transaction: 'never', markers: ['nt2-1', 'nt2-2', 'nt2-3'], applied: 'none' },
  { id: 'one', transaction: 'auto', markers: ['one-1'], applied: 'one' },
  { id: 'tx2', transaction: 'auto', markers: ['tx2-a', 'tx2-b', 'tx2-c'], applied: 'none' },
];
const MARKERS = STEPS.flatMap((s) => s.markers);

function runbookYaml(rand: () => number): string {
  const lines = ['runbook: 1', 'id: fault-recovery', 'title: Faults at random moments', 'risk: low', 'steps:'];
  lines.push('  - id: setup', '    title: the marks table', '    sql: CREATE TABLE IF NOT EXISTS marks (marker text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
  for (const s of STEPS) {
    lines.push(`  - id: ${s.id}`, `    title: step ${s.id}`, `    transaction: ${s.transaction}`, '    sql: |');
    for (const m of s.markers) lines.push(`      ${insert(m, 20 + Math.floor(rand() * 60))}`);
    if (s.applied === 'one') lines.push(`    applied: "${applied(s.markers[s.markers.length - 1])}"`);
    if (s.applied === 'list') lines.push('    applied:', ...s.markers.map((m) => `      - "${applied(m)}"`));
    lines.push('    verify:', `      - title: every marker of ${s.id} once`, `        sql: SELECT count(*)::int AS n FROM marks WHERE marker LIKE '${s.id}-%'`, `        expect: { row: { n: ${s.markers.length} } }`);
  }
  return `${lines.join('\n')}\n`;
}

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { kill: () => void; done: Promise<Exited> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, RUNBOOK_OPERATOR: 'fault-tester' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { kill: () => child.kill('SIGKILL'), done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function journalOf(stateDir: string): string {
  const runs = join(stateDir, 'runs');
  const files = existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')) : [];
  assert.ok(files.length <= 1, `one run per scenario, found ${files.length}`);
  return files.length ? join(runs, files[0]) : '';
}

/** What the operator would do at an exit 5: look in the database for the marker of the statement in flight. */
async function inFlightAnswer(db: TestDatabase, stateDir: string): Promise<string> {
  const state = replayJournal(readJournal(journalOf(stateDir)));
  const item = state.items.find((i) => i.unknown && i.progress?.inFlight);
  assert.ok(item, 'an exit 5 leaves an item whose commit is unknown');
  if (item.key === 'step:setup') {
    const t = await db.client.query(`SELECT to_regclass('marks') IS NOT NULL AS made`);
    return t.rows[0].made ? 'applied' : 'not-applied';
  }
  const step = STEPS.find((s) => `step:${s.id}` === item.key)!;
  const marker = step.markers[item.progress!.inFlight!.index];
  const r = await db.client.query('SELECT count(*)::int AS n FROM marks WHERE marker = $1', [marker]);
  return r.rows[0].n > 0 ? 'applied' : 'not-applied';
}

/** 0 duplicated effects, nothing missing once done, and a journal with no entry lost: seq 1..n, every statement's commit known. */
async function assertExactlyOnce(db: TestDatabase, stateDir: string, label: string): Promise<void> {
  const r = await db.client.query('SELECT marker, count(*)::int AS n FROM marks GROUP BY marker');
  const counts = new Map(r.rows.map((row: { marker: string; n: number }) => [row.marker, row.n]));
  const duplicated = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(duplicated, [], `${label}: no effect applied twice`);
  assert.deepEqual(MARKERS.filter((m) => counts.get(m) !== 1), [], `${label}: every marker once`);
  const journal = readJournal(journalOf(stateDir));
  const seqs = journal.records.flatMap((rec) => (rec.record === 'event' ? [rec.seq] : []));
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${label}: journal events numbered 1..n without a gap`);
  const state = replayJournal(journal);
  assert.equal(state.ended?.outcome, 'succeeded', `${label}: the journal says the run succeeded`);
  for (const s of STEPS) {
    const p = state.items.find((i) => i.key === `step:${s.id}`)!.progress;
    assert.deepEqual(p && { committed: p.committed, total: p.total, inFlight: p.inFlight }, { committed: s.markers.length, total: s.markers.length, inFlight: undefined }, `${label}: the journal knows every statement of ${s.id} committed`);
  }
}

async function reset(db: TestDatabase): Promise<void> {
  await db.client.query('DROP TABLE IF EXISTS marks');
}

test('kill -9 at 30 random moments, resumed each time: 0 duplicated effects, 0 lost journal entries', { timeout: 120_000 }, async () => {
  const rand = seededRandom(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'fault-kill-'));
  const file = join(dir, 'book.yaml');
  writeFileSync(file, runbookYaml(rand));
  const db = await createTestDatabase('fault');
  const deadline = Date.now() + 90_000;
  let kills = 0;
  let scenarios = 0;
  const outcomes = new Map<string, number>();
  try {
    while (kills < 30) {
      scenarios++;
      await reset(db);
      const stateDir = join(dir, `state-${scenarios}`);
      let args = ['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir];
      let last = '';
      for (let round = 0; ; round++) {
        assert.ok(Date.now() < deadline, `the fault test stays within its time (kills so far: ${kills})`);
        assert.ok(round < 40, `a scenario ends within 40 rounds; the last:\n${last}`);
        const run = start(args);
        // Node's start is ~0.3 s; the whole run ~1.5 s: the moments spread over every step.
        const ended = kills < 30 ? await Promise.race([run.done, sleep(150 + rand() * 1600).then(() => null)]) : await run.done;
        let result: Exited;
        if (ended === null) {
          run.kill();
          result = await run.done;
          if (result.code === null) kills++;
        } else result = ended;
        const outcome = result.code === null ? 'killed' : `exit ${result.code}`;
        last = `${args.join(' ')} → ${outcome}\n${result.stdout}\n${result.stderr}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (result.code === EXIT.done) break;
        const resume = ['resume', '--db', db.url, '--plain', '--yes', '--state-dir', stateDir];
        if (!journalOf(stateDir)) args = ['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir];
        else if (result.code === EXIT.decision) args = [...resume, '--in-flight', await inFlightAnswer(db, stateDir)];
        else if (result.code === null) args = resume;
        else if (result.code === EXIT.usage && /succeeded: there is nothing to continue/.test(result.stderr)) {
          // Killed after the run had ended (its journal says succeeded): resume rightly refuses, and says so.
          break;
        } else assert.fail(`unexpected ${outcome}:\n${result.stdout}\n${result.stderr}`);
      }
      await assertExactlyOnce(db, join(dir, `state-${scenarios}`), `scenario ${scenarios}`);
    }
    assert.equal(kills, 30);
    console.log(`fault test (seed ${SEED}): ${kills} kills over ${scenarios} runs to completion; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  } finally {
    await db.drop();
  }
});

test('our backend terminated on the server at random moments, then resume --retry: 0 duplicated effects', { timeout: 120_000 }, async () => {
  const rand = seededRandom(SEED + 1);
  const dir = mkdtempSync(join(tmpdir(), 'fault-terminate-'));
  const file = join(dir, 'book.yaml');
  writeFileSync(file, runbookYaml(rand));
  const db = await createTestDatabase('fault');
  const deadline = Date.now() + 60_000;
  let terminated = 0;
  let scenarios = 0;
  try {
    while (terminated < 8) {
      scenarios++;
      await reset(db);
      const stateDir = join(dir, `state-${scenarios}`);
      let args = ['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir];
      const rounds: string[] = [];
      for (let round = 0; ; round++) {
        assert.ok(Date.now() < deadline, `the terminate test stays within its time (terminated so far: ${terminated}); rounds:\n${rounds.join('\n')}`);
        assert.ok(round < 40, `a scenario ends within 40 rounds:\n${rounds.join('\n')}`);
        const t0 = Date.now();
        const run = start(args);
        let ended: Exited | null = null;
        let exited = false;
        void run.done.then(() => (exited = true));
        if (terminated < 8) {
          // At a random moment, the run's own connection (not the lock's, which carries the operator's name), as soon as it exists.
          await Promise.race([run.done, sleep(rand() * 1200)]);
          while (!exited) {
            const r = await db.client.query(`SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'runbook fault-recovery run %') t`);
            if (r.rows[0].n > 0) {
              terminated++;
              break;
            }
            await sleep(20);
          }
        }
        if (exited) ended = await run.done;
        const result = await run.done;
        rounds.push(`${args.slice(0, 1).concat(args.slice(-2)).join(' ')} → exit ${result.code} after ${Date.now() - t0} ms${ended === null ? ' (terminated)' : ''}${result.code === EXIT.done ? '' : `\n${result.stdout.slice(-1500)}\n${result.stderr}`}`);
        if (result.code === EXIT.done) break;
        const resume = ['resume', '--db', db.url, '--plain', '--yes', '--state-dir', stateDir];
        if (result.code === EXIT.decision) args = [...resume, '--in-flight', await inFlightAnswer(db, stateDir)];
        else if (result.code === EXIT.connection || result.code === 1) args = [...resume, '--retry'];
        else assert.fail(`unexpected exit ${result.code}:\n${result.stdout}\n${result.stderr}`);
      }
      await assertExactlyOnce(db, join(dir, `state-${scenarios}`), `scenario ${scenarios}`);
    }
    console.log(`terminate test (seed ${SEED + 1}): ${terminated} backends terminated over ${scenarios} runs to completion`);
  } finally {
    await db.drop();
  }
});

test('a fresh run right after kill -9 mid-statement waits for the dead runner’s statement instead of running beside it', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-fresh-'));
  const file = join(dir, 'book.yaml');
  // Long enough that a new runner started under load still finds it running.
  // now() is when the statement's own transaction began, clock_timestamp() when its sleep ended: the span it ran.
  writeFileSync(
    file,
    [
      'runbook: 1',
      'id: fault-fresh',
      'title: One long statement',
      'steps:',
      '  - id: long',
      '    title: a long insert',
      '    transaction: never',
      '    sql: INSERT INTO spans SELECT now(), clock_timestamp() FROM pg_sleep(6)',
      '',
    ].join('\n'),
  );
  const db = await createTestDatabase('fault');
  try {
    await db.client.query('CREATE TABLE spans (started timestamptz, ended timestamptz)');
    const first = start(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'a')]);
    const until = Date.now() + 30_000;
    for (;;) {
      assert.ok(Date.now() < until, 'the first run reaches its statement');
      const r = await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'INSERT INTO spans%'`);
      if (r.rows[0].n > 0) break;
      await sleep(20);
    }
    first.kill();
    assert.equal((await first.done).code, null);
    // Another state folder: the new run knows nothing of the first, but the database does.
    const second = await start(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'b')]).done;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /a stopped runner of this runbook \(run \S+\) left server pid \d+ active: INSERT INTO spans .*it may still commit on its own, so this waits for it/);
    const spans = (await db.client.query('SELECT started, ended FROM spans ORDER BY started')).rows as { started: Date; ended: Date }[];
    assert.equal(spans.length, 2, 'the dead runner’s statement finished, and the new run’s ran');
    assert.ok(spans[1].started.getTime() >= spans[0].ended.getTime(), `the new statement began (${spans[1].started.toISOString()}) after the old one ended (${spans[0].ended.toISOString()})`);
  } finally {
    await db.drop();
  }
});
