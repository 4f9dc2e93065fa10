// The session's pause before each step (--step), against a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook, type Runbook } from '../../src/runbook/load.js';
import { RunSession } from '../../src/run/session.js';
import { connect } from '../../src/exec/postgres/index.js';
import type { Operator } from '../../src/run/operator.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { openRecord } from '../../src/journal/record.js';
import { readJournal } from '../../src/journal/journal.js';

let db: TestDatabase;
let rb: Runbook;
before(async () => {
  db = await createTestDatabase('step');
  const loaded = await parseRunbook(
    ['runbook: 1', 'id: steps', 'title: Steps', 'steps:', ...[1, 2, 3].flatMap((n) => [`  - id: s${n}`, `    title: Step ${n}`, `    sql: CREATE TABLE t${n} (a int)`])].join('\n'),
    '/tmp/steps.yaml',
  );
  assert.ok(loaded.ok);
  rb = loaded.runbook;
});
after(() => db.drop());

function operator(answers: ('run' | 'all' | 'quit')[], asked: string[]): Operator {
  return {
    askInputs: async () => null,
    confirm: async () => true,
    confirmDanger: async () => false,
    blocked: async () => ({ type: 'quit' }),
    confirmFix: async () => false,
    beforeStep: async (item) => {
      asked.push(item.id);
      return answers.shift() ?? 'run';
    },
  };
}

test('quit before a step stops the run there; nothing of it ran', async () => {
  const asked: string[] = [];
  const final = await new RunSession({ runbook: rb, url: db.url, operator: operator(['run', 'quit'], asked) }).run();
  assert.deepEqual(asked, ['s1', 's2']);
  assert.equal(final.ended?.outcome, 'aborted');
  assert.match(final.ended?.reason ?? '', /stopped before step "Step 2"/);
  const tables = await db.client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('t1','t2','t3')");
  assert.equal(tables.rows[0].n, 1);
});

test('"run the rest" stops asking, and the run completes', async () => {
  await db.client.query('DROP TABLE IF EXISTS t1, t2, t3');
  const asked: string[] = [];
  const final = await new RunSession({ runbook: rb, url: db.url, operator: operator(['all'], asked) }).run();
  assert.deepEqual(asked, ['s1']);
  assert.equal(final.ended?.outcome, 'succeeded');
});

test('quit at a confirmation (the screen answers its question "no" as it quits): no answer is recorded, and a resume asks again', async () => {
  const loaded = await parseRunbook(
    ['runbook: 1', 'id: asks', 'title: Asks', 'steps:', '  - id: look', '    title: Look', '    confirm: The dashboards are green', '  - id: after', '    title: After', '    sql: SELECT 1'].join('\n'),
    '/tmp/asks.yaml',
  );
  assert.ok(loaded.ok);
  const asked: string[] = [];
  let session: RunSession;
  const quitting: Operator = {
    ...operator([], []),
    confirm: async (_item, text) => {
      asked.push(text);
      session.requestStop();
      return false;
    },
  };
  session = new RunSession({ runbook: loaded.runbook, url: db.url, operator: quitting });
  const stopped = await session.run();
  assert.equal(stopped.ended?.outcome, 'aborted');
  const look = stopped.items.find((i) => i.key === 'step:look')!;
  assert.notEqual(look.status, 'failed', 'a quit is not a "not confirmed"');
  assert.deepEqual(look.verdicts, []);

  const resumed = await new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator([], asked), resumeFrom: { ...stopped, ended: null } }).run();
  assert.equal(resumed.ended?.outcome, 'succeeded', resumed.ended?.reason);
  assert.ok(resumed.decisions.some((d) => d.type === 'confirmed' && d.key === 'step:look'), 'asked again and confirmed on resume');
});

test('quit at a destructive step’s question: the step stays pending and nothing ran', async () => {
  await db.client.query('CREATE TABLE IF NOT EXISTS keep_me (a int)');
  const loaded = await parseRunbook(['runbook: 1', 'id: drops', 'title: Drops', 'steps:', '  - id: drop', '    title: Drop', '    sql: DROP TABLE keep_me'].join('\n'), '/tmp/drops.yaml');
  assert.ok(loaded.ok);
  let session: RunSession;
  const quitting: Operator = {
    ...operator([], []),
    confirmDanger: async () => {
      session.requestStop();
      return false;
    },
  };
  session = new RunSession({ runbook: loaded.runbook, url: db.url, operator: quitting });
  const stopped = await session.run();
  assert.equal(stopped.ended?.outcome, 'aborted');
  assert.equal(stopped.items.find((i) => i.key === 'step:drop')!.status, 'pending');
  const still = await db.client.query("SELECT to_regclass('keep_me') IS NOT NULL AS present");
  assert.equal(still.rows[0].present, true);
});

test('a connection opened ahead that the server dropped while idle (or that failed) is replaced, and the run goes on', async () => {
  await db.client.query('DROP TABLE IF EXISTS t1, t2, t3');
  const ahead = await connect(db.url, { applicationName: 'runbook ahead' });
  await db.client.query('SELECT pg_terminate_backend($1)', [ahead.target.backendPid]);
  for (let i = 0; i < 100 && !ahead.lost; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ahead.lost, 'the server ended it');
  const dropped = await new RunSession({ runbook: rb, url: db.url, operator: operator(['all'], []), connection: Promise.resolve(ahead) }).run();
  assert.equal(dropped.ended?.outcome, 'succeeded', dropped.ended?.reason);

  await db.client.query('DROP TABLE IF EXISTS t1, t2, t3');
  const failed = await new RunSession({ runbook: rb, url: db.url, operator: operator(['all'], []), connection: Promise.reject(new Error('no route')) }).run();
  assert.equal(failed.ended?.outcome, 'succeeded', failed.ended?.reason);
});

test('output and plan checks still read the text the statements printed (it is made only for a check that reads it)', async () => {
  const loaded = await parseRunbook(
    [
      'runbook: 1',
      'id: reads-output',
      'title: Reads output',
      'steps:',
      '  - id: look',
      '    title: Look',
      "    sql: SELECT 'needle' AS word",
      '    expect: { output: needle, not_output: haystack }',
      '    verify:',
      '      - title: the plan is printed',
      '        sql: EXPLAIN (COSTS OFF) SELECT 1',
      '        expect: { plan: Result }',
      '  - id: miss',
      '    title: Miss',
      "    sql: SELECT 'straw' AS word",
      '    expect: { output: needle }',
    ].join('\n'),
    '/tmp/reads-output.yaml',
  );
  assert.ok(loaded.ok);
  const final = await new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator([], []) }).run();
  const [look, miss] = final.items.filter((i) => i.kind === 'step');
  assert.equal(look.status, 'passed', JSON.stringify(look.verdicts));
  assert.equal(miss.status, 'failed');
  assert.match(JSON.stringify(miss.verdicts), /not found in 4 lines of output; last line: \\"\(1 row\)\\"/);
});

test("an item's first effect waits for what a listener returned for its start (the journal's fsync): no statement goes out, no command starts, before it settles; a failure fails the step before it runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'held-'));
  const marker = join(dir, 'ran');
  const loaded = await parseRunbook(
    ['runbook: 1', 'id: held', 'title: Held', 'steps:', '  - id: make', '    title: Make', '    sql: CREATE TABLE held_t (a int)', '  - id: touch', '    title: Touch', `    shell: touch ${JSON.stringify(marker)}`].join('\n'),
    '/tmp/held.yaml',
  );
  assert.ok(loaded.ok);
  const release: (() => void)[] = [];
  const session = new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator(['all'], []) });
  session.subscribe((_state, event) => (event.type === 'item_started' ? new Promise<void>((resolve) => release.push(resolve)) : undefined));
  const running = session.run();
  const waitFor = async (n: number) => {
    for (let i = 0; i < 500 && release.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(release.length, n, `item ${n} started`);
  };
  const exists = async () => (await db.client.query("SELECT to_regclass('held_t') IS NOT NULL AS present")).rows[0].present as boolean;
  await waitFor(1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await exists(), false, 'the step’s statement waited');
  release[0]();
  await waitFor(2);
  assert.equal(await exists(), true, 'sent once its start was settled');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(existsSync(marker), false, 'the command waited');
  release[1]();
  const final = await running;
  assert.equal(final.ended?.outcome, 'succeeded', final.ended?.reason);
  assert.equal(existsSync(marker), true);

  // A listener whose promise fails (the journal's fsync failed): the step fails, and its statement was never sent.
  await db.client.query('DROP TABLE held_t');
  const failing = new RunSession({ runbook: loaded.runbook, url: db.url, operator: operator(['all'], []) });
  failing.subscribe((_state, event) => (event.type === 'item_started' ? Promise.reject(new Error('fsync: EIO')) : undefined));
  const failed = await failing.run();
  const make = failed.items.find((i) => i.key === 'step:make')!;
  assert.equal(make.status, 'failed');
  assert.match(make.error?.message ?? '', /EIO/);
  assert.equal(await exists(), false, 'nothing of the step ran');
});

test("the journal's listener returns its fsync of each item's start for the session to wait on; the run's journal is whole", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'held-journal-'));
  // The journal's header names the runbook file's hash: the runbook is read from a file.
  const file = join(stateDir, 'steps.yaml');
  writeFileSync(file, ['runbook: 1', 'id: held-journal', 'title: Held', 'steps:', ...[1, 2, 3].flatMap((n) => [`  - id: s${n}`, `    title: Step ${n}`, `    sql: CREATE TABLE t${n} (a int)`])].join('\n'));
  const loaded = await parseRunbook(readFileSync(file, 'utf8'), file);
  assert.ok(loaded.ok);
  const rb = loaded.runbook;
  const opened = await openRecord({ runbook: rb, url: db.url, kind: 'runbook', steps: rb.steps, stateDir, warn: () => {} });
  assert.ok(opened.ok);
  const { record } = opened;
  await db.client.query('DROP TABLE IF EXISTS t1, t2, t3');
  const returned: unknown[] = [];
  const session = new RunSession({ runbook: rb, url: db.url, operator: operator(['all'], []) });
  session.subscribe((state, event) => {
    const held = record.listener(state, event);
    if (event.type === 'item_started') returned.push(held);
    else assert.ok(held === undefined, `nothing to wait for after ${event.type}`);
    return held;
  });
  const final = await session.run();
  await record.close();
  assert.equal(final.ended?.outcome, 'succeeded', final.ended?.reason);
  assert.equal(returned.length, 3);
  for (const held of returned) assert.ok(held instanceof Promise, 'a promise for each start');
  await Promise.all(returned);
  const journal = readJournal(record.journalPath);
  assert.deepEqual(journal.events.filter((e) => e.type === 'item_started').map((e) => (e as { key: string }).key), ['step:s1', 'step:s2', 'step:s3']);
  assert.equal(journal.events.at(-1)?.type, 'run_ended');
});
