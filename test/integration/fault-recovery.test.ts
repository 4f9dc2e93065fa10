// Exactly once, under faults. The runner (the real CLI process) is killed with
// SIGKILL at 30 random moments (seeded) across transactional and
// non-transactional steps, and resumed each time until the run succeeds; our
// backend is terminated on the server (pg_terminate_backend) at random moments,
// and the server itself restarted (a server of the test's own: fast and
// immediate shutdown), each time the run continued with `resume --retry`. Each
// step inserts rows with unique markers into a table without a unique key, so
// an effect applied twice shows as a marker counted twice. Where a step has no
// applied: query and the commit of its statement in flight is unknown, the run
// stops (exit 5) and the test does what the operator would: looks in the
// database, and answers with --in-flight.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/journal/journal.js';
import { replayJournal } from '../../src/journal/replay.js';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/exec/embedded.js';
import { seededRandom } from '../support/random.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';

const EXIT = { done: 0, usage: 2, connection: 4, decision: 5 };


const SEED = Number(process.env.FAULT_SEED ?? 1307);
/**
 * The bound on each fault test's time. Quiet, each takes 20–40 s; on a loaded 2-core machine (load 20, a CLI
 * start ~3 s) the 30 kills took ~100 s: the bound is there to end a test that loops, not to time it.
 */
const DEADLINE_MS = 240_000;

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

function start(args: string[]): { kill: () => void; done: Promise<Exited>; stdout: () => string } {
  const p = startCli(args, { RUNBOOK_OPERATOR: 'fault-tester' });
  return { kill: () => p.child.kill('SIGKILL'), done: p.done, stdout: p.stdout };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function journalOf(stateDir: string): string {
  const runs = join(stateDir, 'runs');
  const files = existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')) : [];
  assert.ok(files.length <= 1, `one run per scenario, found ${files.length}`);
  return files.length ? join(runs, files[0]) : '';
}

/** What the run's backend was doing when it was struck: its statement's first word, or its state. */
const doing = (row: Record<string, unknown>) => (row.state === 'active' ? String(row.query).split(' ')[0] : String(row.state));

/** A query on the scenario's database: the shared test server's, or a server of the test's own that restarts. */
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
const onClient = (db: TestDatabase): Query => async (sql, params) => (await db.client.query(sql, params)).rows;

/** What the operator would do at an exit 5: look in the database for the marker of the statement in flight. */
async function inFlightAnswer(query: Query, stateDir: string): Promise<string> {
  const state = replayJournal(readJournal(journalOf(stateDir)));
  const item = state.items.find((i) => i.unknown && i.progress?.inFlight);
  assert.ok(item, 'an exit 5 leaves an item whose commit is unknown');
  if (item.key === 'step:setup') {
    const t = await query(`SELECT to_regclass('marks') IS NOT NULL AS made`);
    return t[0].made ? 'applied' : 'not-applied';
  }
  const step = STEPS.find((s) => `step:${s.id}` === item.key)!;
  const marker = step.markers[item.progress!.inFlight!.index];
  const r = await query('SELECT count(*)::int AS n FROM marks WHERE marker = $1', [marker]);
  return Number(r[0].n) > 0 ? 'applied' : 'not-applied';
}

/** 0 duplicated effects, nothing missing once done, and a journal with no entry lost: seq 1..n, every statement's commit known. */
async function assertExactlyOnce(query: Query, stateDir: string, label: string): Promise<void> {
  const r = await query('SELECT marker, count(*)::int AS n FROM marks GROUP BY marker');
  const counts = new Map(r.map((row) => [String(row.marker), Number(row.n)]));
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

/** The run's own connection (not the lock's, which carries the operator's name). */
const RUN_BACKEND = `application_name LIKE 'runbook fault-recovery run %'`;

interface Running {
  exited(): boolean;
  kill(): void;
  done: Promise<Exited>;
}

/** Where the run was when it was struck, as its journal tells: the item in flight and its statement, or none. */
function whereInJournal(stateDir: string): string {
  const path = journalOf(stateDir);
  if (!path) return 'before its journal';
  const item = replayJournal(readJournal(path, { lenient: true })).items.find((i) => i.status === 'running');
  if (!item) return 'between items';
  const p = item.progress;
  return `${item.id}${p?.inFlight ? ` ${p.inFlight.commit ? 'COMMIT' : `#${p.inFlight.index + 1}`}` : ''}`;
}

/**
 * Waits until the run's own connection exists, then a random while (so the
 * moments spread over its steps: in a statement, between two, in a COMMIT, a
 * verification or an applied: query); false if the run ended first.
 */
async function inTheRun(query: Query, run: Running, rand: () => number, maxMs: number): Promise<boolean> {
  for (;;) {
    if (run.exited()) return false;
    if ((await query(`SELECT 1 FROM pg_stat_activity WHERE ${RUN_BACKEND}`)).length > 0) break;
    await sleep(20);
  }
  await sleep(rand() * maxMs);
  return !run.exited();
}

/** Waits until this attempt has written to the run's journal, then a random while; false if the run ended first. */
async function journalled(stateDir: string, run: Running, rand: () => number, maxMs: number): Promise<boolean> {
  const size = () => {
    const path = journalOf(stateDir);
    return path ? statSync(path).size : 0;
  };
  const before = size();
  while (size() <= before) {
    if (run.exited()) return false;
    await sleep(20);
  }
  await sleep(rand() * maxMs);
  return !run.exited();
}

/**
 * Runs the runbook to the end through faults, the way an operator would: after
 * a kill `resume`; after a lost connection `resume --retry`; at an exit 5 a
 * look in the database and `--in-flight`; with no journal yet, the run again
 * (nothing of it ran); until it succeeds; then checks exactly once. `fault` is
 * given each run while faults are still wanted: it strikes at a moment of its
 * choosing and says where the run was, or returns false when the run ended first.
 * Scenario after scenario until `wanted` faults struck.
 */
async function throughFaults(options: {
  label: string;
  file: string;
  url: string;
  query: Query;
  dir: string;
  wanted: number;
  deadline: number;
  fault: (run: Running, stateDir: string) => Promise<string | false>;
  /** A runner that should have given up on a dead connection by now (its statements are short). */
  exitWithinMs?: number;
}): Promise<{ faults: number; scenarios: number; exits: Record<string, number>; landed: Record<string, number> }> {
  const { label, file, url, query, wanted, deadline, fault } = options;
  let faults = 0;
  let scenarios = 0;
  const exits = new Map<string, number>();
  const landed = new Map<string, number>();
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  while (faults < wanted) {
    scenarios++;
    await query('DROP TABLE IF EXISTS marks');
    const stateDir = join(options.dir, `state-${scenarios}`);
    const fresh = ['run', file, '--db', url, '--plain', '--yes', '--state-dir', stateDir];
    let args = fresh;
    const rounds: string[] = [];
    for (let round = 0; ; round++) {
      assert.ok(Date.now() < deadline, `the ${label} test stays within its time (faults so far: ${faults}); rounds:\n${rounds.join('\n')}`);
      assert.ok(round < 40, `a scenario ends within 40 rounds:\n${rounds.join('\n')}`);
      const t0 = Date.now();
      const child = start(args);
      let exited = false;
      void child.done.then(() => (exited = true));
      const struck = faults < wanted ? await fault({ ...child, exited: () => exited }, stateDir) : false;
      if (struck !== false) {
        faults++;
        count(landed, struck);
      }
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([child.done, new Promise<null>((r) => (timer = setTimeout(() => r(null), options.exitWithinMs ?? 60_000)))]);
      clearTimeout(timer);
      if (result === null) {
        child.kill();
        const late = await child.done;
        assert.fail(`the runner did not give up on its lost connection within ${options.exitWithinMs} ms:\n${late.stdout.slice(-2000)}\n${late.stderr}`);
      }
      const outcome = result.code === null ? 'killed' : `exit ${result.code}`;
      count(exits, outcome);
      rounds.push(`${args.slice(0, 1).concat(args.slice(7)).join(' ')} → ${outcome} after ${Date.now() - t0} ms${struck !== false ? ` (fault: ${struck})` : ''}${result.code === EXIT.done ? '' : `\n${result.stdout.slice(-1500)}\n${result.stderr}`}`);
      if (result.code === EXIT.done) break;
      // Killed after the run had ended (its journal says succeeded): resume rightly refuses, and says so.
      if (result.code === EXIT.usage && /succeeded: there is nothing to continue/.test(result.stderr)) break;
      const resume = ['resume', '--db', url, '--plain', '--yes', '--state-dir', stateDir];
      if (!journalOf(stateDir)) args = fresh;
      else if (result.code === null) args = resume;
      else if (result.code === EXIT.decision) args = [...resume, '--in-flight', await inFlightAnswer(query, stateDir)];
      else if (result.code === EXIT.connection || result.code === 1) args = [...resume, '--retry'];
      else assert.fail(`unexpected ${outcome}:\n${rounds.join('\n')}`);
    }
    await assertExactlyOnce(query, stateDir, `${label} scenario ${scenarios}`);
  }
  return { faults, scenarios, exits: Object.fromEntries(exits), landed: Object.fromEntries(landed) };
}

/** A fresh folder with the runbook (its statements' sleeps drawn from rand). */
function scenarioFolder(name: string, rand: () => number): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), `fault-${name}-`));
  const file = join(dir, 'book.yaml');
  writeFileSync(file, runbookYaml(rand));
  return { dir, file };
}

// The four run side by side: each waits mostly on the server and on processes starting, and each has a
// database (or a server) of its own, so together they take about as long as the longest alone.
describe('faults at random moments', { concurrency: true }, () => {
  /** Faults on the shared test server, in a database of the test's own; the summary line shows where they landed. */
  async function onTestServer(label: string, seed: number, wanted: number, fault: (query: Query, rand: () => number) => Parameters<typeof throughFaults>[0]['fault']) {
    const rand = seededRandom(seed);
    const { dir, file } = scenarioFolder(label, rand);
    const db = await createTestDatabase('fault');
    try {
      const query = onClient(db);
      const r = await throughFaults({ label, file, url: db.url, query, dir, wanted, deadline: Date.now() + DEADLINE_MS, exitWithinMs: 30_000, fault: fault(query, rand) });
      assert.equal(r.faults, wanted);
      console.log(`${label} test (seed ${seed}): ${r.faults} faults over ${r.scenarios} runs to completion; landed ${JSON.stringify(r.landed)}; outcomes ${JSON.stringify(r.exits)}`);
    } finally {
      await db.drop();
    }
  }

  test('kill -9 at 30 random moments, resumed each time: 0 duplicated effects, 0 lost journal entries', { timeout: DEADLINE_MS + 60_000 }, () =>
    onTestServer('kill', SEED, 30, (query, rand) => async (run, stateDir) => {
      // One in eight early, from the process's start (while it takes the lock, opens its journal); one in four
      // from when its connection exists (a resume's reconciling, settling, waiting for leftovers); the rest from
      // when this attempt has journalled something new, so that each attempt gets further than the last and the
      // moments land in every step however slow the machine (loaded, a resume can take seconds to get going).
      const early = rand();
      if (early < 0.125) await sleep(rand() * 700);
      else if (early < 0.375) {
        if (!(await inTheRun(query, run, rand, 1300))) return false;
      } else if (!(await journalled(stateDir, run, rand, 1000))) return false;
      if (run.exited()) return false;
      run.kill();
      if ((await run.done).code !== null) return false;
      return whereInJournal(stateDir);
    }));

  test('our backend terminated on the server at random moments, then resume --retry: 0 duplicated effects, 0 lost journal entries', { timeout: DEADLINE_MS + 60_000 }, () =>
    onTestServer('terminate', SEED + 1, 8, (query, rand) => async (run) => {
      if (!(await inTheRun(query, run, rand, 1200))) return false;
      const r = await query(`SELECT state, left(query, 30) AS query, pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND ${RUN_BACKEND}`);
      return r.length > 0 && r[0].ended === true ? doing(r[0]) : false;
    }));

  test('the server restarted (fast and immediate shutdown) at random moments in a step, then resume --retry: 0 duplicated effects, 0 lost journal entries', { timeout: DEADLINE_MS + 60_000 }, async () => {
    // The shared test server cannot be restarted: a server of this test's own. Durable (synchronous_commit on), as a
    // production server is: a commit the runner was told of survives a crash, which is what the journal relies on.
    const server = await startEmbeddedPostgres({ durable: true });
    const rand = seededRandom(SEED + 2);
    const { dir, file } = scenarioFolder('restart', rand);
    // A connection per query: every restart ends every session.
    const query: Query = async (sql, params) => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end().catch(() => {});
      }
    };
    try {
      const r = await throughFaults({
        label: 'restart',
        file,
        url: server.url,
        query,
        dir,
        wanted: 8,
        deadline: Date.now() + DEADLINE_MS,
        exitWithinMs: 30_000,
        fault: async (run) => {
          if (!(await inTheRun(query, run, rand, 1200))) return false;
          const r = await query(`SELECT state, left(query, 30) AS query FROM pg_stat_activity WHERE ${RUN_BACKEND}`);
          if (r.length === 0) return false;
          // Both modes, in a seeded order.
          const mode = rand() < 0.5 ? 'fast' : 'immediate';
          await server.restart(mode);
          return `${mode}: ${doing(r[0])}`;
        },
      });
      const modes = Object.keys(r.landed).map((k) => k.split(':')[0]);
      assert.ok(modes.includes('fast') && modes.includes('immediate'), `both shutdown modes were used: ${Object.keys(r.landed).join(', ')}`);
      console.log(`restart test (seed ${SEED + 2}): ${r.faults} server restarts over ${r.scenarios} runs to completion; landed ${JSON.stringify(r.landed)}; outcomes ${JSON.stringify(r.exits)}`);
    } finally {
      await server.stop();
    }
  });

  test('a fresh run right after kill -9 mid-statement waits for the dead runner’s statement instead of running beside it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-fresh-'));
    const file = join(dir, 'book.yaml');
    // The statement waits on an advisory lock the test holds, so it is still active on the server for as long as
    // the test wants, however slowly a runner starts under load. now() is when the statement began,
    // clock_timestamp() (evaluated once it holds the lock) when it could go on: the span it ran.
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
        '    sql: INSERT INTO spans SELECT now(), clock_timestamp() FROM pg_advisory_xact_lock(4242)',
        '',
      ].join('\n'),
    );
    const db = await createTestDatabase('fault');
    try {
      await db.client.query('CREATE TABLE spans (started timestamptz, ended timestamptz)');
      await db.client.query('SELECT pg_advisory_lock(4242)');
      const first = start(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'a')]);
      const waitFor = async (what: string, ready: () => Promise<boolean> | boolean) => {
        const until = Date.now() + 30_000;
        while (!(await ready())) {
          assert.ok(Date.now() < until, what);
          await sleep(20);
        }
      };
      const active = async () =>
        (await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'INSERT INTO spans%'`)).rows[0].n > 0;
      await waitFor('the first run reaches its statement', active);
      first.kill();
      assert.equal((await first.done).code, null);
      assert.ok(await active(), 'the dead runner’s statement is still active on the server');
      // Another state folder: the new run knows nothing of the first, but the database does.
      const second = start(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(dir, 'b')]);
      const waits = /a stopped runner of this runbook \(run \S+\) left server pid \d+ active: INSERT INTO spans .*it may still commit on its own, so this waits for it/;
      await waitFor('the new run says it waits for the dead runner’s statement', () => waits.test(second.stdout()));
      await sleep(300);
      const inserts = await db.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO spans%' AND state <> 'idle'`);
      assert.equal(inserts.rows[0].n, 1, 'only the dead runner’s statement is on the server: the new one does not run beside it');
      await db.client.query('SELECT pg_advisory_unlock(4242)');
      const ended = await second.done;
      assert.equal(ended.code, 0, ended.stdout + ended.stderr);
      const spans = (await db.client.query('SELECT started, ended FROM spans ORDER BY started')).rows as { started: Date; ended: Date }[];
      assert.equal(spans.length, 2, 'the dead runner’s statement finished, and the new run’s ran');
      assert.ok(spans[1].started.getTime() >= spans[0].ended.getTime(), `the new statement began (${spans[1].started.toISOString()}) after the old one ended (${spans[0].ended.toISOString()})`);
    } finally {
      await db.drop();
    }
  });
});
