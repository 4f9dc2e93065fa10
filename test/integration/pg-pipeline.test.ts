// A transaction's statements sent at once (src/exec/postgres/pipeline.ts)
// tell exactly what one by one tells: the same events in the same order
// (statements, tags, rows, notices), the same result, the same error at the
// same statement, line and column. Each step runs both ways on the real server
// and the two accounts are compared, times aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSql } from '../../src/exec/postgres/index.js';
import type { SqlRequest } from '../../src/exec/postgres/index.js';
import type { ActionResult, ExecEvent } from '../../src/exec/types.js';
import { databaseWithSession } from '../support/db.js';

const fixture = databaseWithSession('pgpipe');

interface Account {
  result: ActionResult;
  events: ExecEvent[];
  /** Round trips the step took: bursts of writes to the socket, each in a turn of the event loop of its own (a round trip waits for the network). */
  roundTrips: number;
  /** Writes to the socket. */
  writes: number;
}

/** Windows so small that every step of this file crosses several (three statements, or fewer when long). */
const TINY_WINDOW = { statements: 3, bytes: 60 };
/** No windows: the whole step in one write. */
const WHOLE = { statements: Infinity, bytes: Infinity };

async function runOnce(source: string, more: Partial<SqlRequest>): Promise<Account> {
  const events: ExecEvent[] = [];
  let roundTrips = 0;
  let writes = 0;
  let inBurst = false;
  const stream = fixture.session.client.connection.stream as unknown as { write: (...args: unknown[]) => boolean };
  const write = stream.write;
  stream.write = function (this: unknown, ...args: unknown[]) {
    writes++;
    if (!inBurst) {
      roundTrips++;
      inBurst = true;
      setImmediate(() => (inBurst = false));
    }
    return write.apply(this, args);
  };
  try {
    const result = await runSql(fixture.session, { source, inputs: {}, transaction: 'auto', ...more }, (e) => events.push(e));
    return { result, events, roundTrips, writes };
  } finally {
    stream.write = write;
  }
}

/** Times differ between any two runs; everything else must not. */
function timeless(a: Account): unknown {
  const { durationMs: _d, statements, ...rest } = a.result;
  return {
    result: { ...rest, statements: statements.map(({ durationMs: _s, ...s }) => s) },
    events: a.events.map((e) => (e.type === 'statement_finished' ? { ...e, durationMs: 0 } : e)),
  };
}

/**
 * Runs the step one by one, then at once (in its usual windows), in the tiniest windows and whole in one write;
 * returns the first two after checking that all four tell the same.
 */
async function both(source: string, more: Partial<SqlRequest> = {}): Promise<{ one: Account; batch: Account }> {
  const one = await runOnce(source, { ...more, oneByOne: true });
  const batch = await runOnce(source, more);
  const windowed = await runOnce(source, { ...more, pipelineWindow: TINY_WINDOW });
  const whole = await runOnce(source, { ...more, pipelineWindow: WHOLE });
  assert.deepEqual(timeless(batch), timeless(one));
  assert.deepEqual(timeless(windowed), timeless(one), 'in windows as one by one');
  assert.deepEqual(timeless(whole), timeless(one), 'in one write as one by one');
  assert.equal(fixture.session.inTransaction, false, 'nothing left open');
  for (const a of [one, batch, windowed, whole]) {
    for (const e of a.events) if (e.type === 'statement_finished') assert.ok(e.durationMs >= 0 && e.durationMs < 30_000);
  }
  return { one, batch };
}

test('results, tags, rows and output are the same in one round trip as one by one, and it is one round trip', async () => {
  const source = [
    'CREATE TEMP TABLE items (id int PRIMARY KEY, name text) ON COMMIT DROP;',
    "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 12) AS g;",
    '-- a comment between statements',
    'SELECT id, name FROM items WHERE id <= 5 ORDER BY id;',
    'UPDATE items SET name = upper(name) WHERE id % 2 = 0;',
    'SELECT id FROM items WHERE false;',
    'SET LOCAL work_mem = \'8MB\';',
    'EXPLAIN (COSTS OFF) SELECT * FROM items WHERE id = 3;',
    'DELETE FROM items WHERE id > 10;',
    "SELECT id, name, 'é✓😀' AS wide FROM items ORDER BY id DESC;",
  ].join('\n');
  const { one, batch } = await both(source, { keepRows: 4 });
  assert.equal(batch.result.ok, true, batch.result.error?.message);
  assert.equal(batch.result.statements.length, 9);
  assert.deepEqual(
    batch.result.statements.map((s) => s.command),
    ['CREATE TABLE', 'INSERT 0 12', 'SELECT 5', 'UPDATE 6', 'SELECT 0', 'SET', 'EXPLAIN', 'DELETE 2', 'SELECT 10'],
  );
  assert.equal(batch.result.rowCount, 10);
  assert.equal(batch.result.rows.length, 4, 'rows kept as asked, every one counted');
  // BEGIN and the nine statements at once, then the COMMIT; against one each.
  assert.equal(batch.roundTrips, 2);
  assert.equal(one.roundTrips, 11);
});

test('notices are attributed to the statement that raised them, in order', async () => {
  const source = [
    "DO $$ BEGIN RAISE NOTICE 'first %', 1; RAISE WARNING 'careful' USING HINT = 'a hint', DETAIL = 'a detail'; END $$;",
    'SELECT 1 AS quiet;',
    "DO $$ BEGIN FOR i IN 1..50 LOOP RAISE NOTICE 'storm %', i; END LOOP; END $$;",
    "SELECT 'last' AS word;",
  ].join('\n');
  const { batch } = await both(source, { keepNotices: true });
  const order = batch.events.filter((e) => e.type !== 'rows').map((e) => (e.type === 'notice' ? `notice:${e.message}` : `${e.type}:${'index' in e ? e.index : ''}`));
  assert.deepEqual(order.slice(0, 6), ['statement_started:0', 'notice:first 1', 'notice:careful', 'statement_finished:0', 'statement_started:1', 'statement_finished:1']);
  assert.equal(order.filter((o) => o.startsWith('notice:storm')).length, 50);
  assert.ok(order.indexOf('notice:storm 50') < order.indexOf('statement_finished:2'));
  assert.ok(order.indexOf('notice:storm 1') > order.indexOf('statement_started:2'));
  assert.equal(batch.result.notices.length, 52);
});

test('a statement that fails is named with its line and column, and nothing is committed', async () => {
  await fixture.db.client.query('CREATE TABLE IF NOT EXISTS kept (id int)');
  const source = [
    'INSERT INTO kept VALUES (1);',
    "SELECT 'é✓😀 before the error' AS wide;",
    'SELECT id,',
    '       no_such_column',
    '  FROM kept;',
    'INSERT INTO kept VALUES (2);',
  ].join('\n');
  const { batch } = await both(source);
  const error = batch.result.error!;
  assert.equal(error.kind, 'sql');
  assert.equal(error.sqlstate, '42703');
  assert.equal(error.statementIndex, 2);
  assert.deepEqual([error.line, error.column], [4, 8]);
  assert.equal(error.caret?.text, '       no_such_column');
  assert.match(error.message, /statement 3 of 4 \(line 3, SELECT\)/);
  assert.match(error.message, /nothing from this step was committed/);
  assert.equal((await fixture.db.client.query('SELECT count(*)::int AS n FROM kept')).rows[0].n, 0);
});

test('an error without a position is placed by the answers that came before it', async () => {
  const source = ['SELECT 1;', "DO $$ BEGIN RAISE NOTICE 'before the fall'; END $$;", 'SELECT 1 / (SELECT 0);', 'SELECT 3;'].join('\n');
  const { batch } = await both(source);
  assert.equal(batch.result.error?.sqlstate, '22012');
  assert.equal(batch.result.error?.statementIndex, 2);
  assert.equal(batch.result.statements.length, 2);
});

test('an error at COMMIT (a deferred constraint) is the final COMMIT, as one by one', async () => {
  await fixture.db.client.query('CREATE TABLE IF NOT EXISTS parent (id int PRIMARY KEY)');
  await fixture.db.client.query('CREATE TABLE IF NOT EXISTS child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)');
  const { batch } = await both('INSERT INTO child VALUES (42);\nSELECT count(*) AS n FROM child;');
  assert.equal(batch.result.error?.sqlstate, '23503');
  assert.match(batch.result.error?.message ?? '', /the final COMMIT/);
  assert.equal(batch.result.statements.length, 2);
  assert.equal((await fixture.db.client.query('SELECT count(*)::int AS n FROM child')).rows[0].n, 0);
});

test('a statement timeout stops the statement it hit, each statement timed on its own', async () => {
  const { batch } = await both('SELECT pg_sleep(0.3);\nSELECT 2;\nSELECT pg_sleep(5);\nSELECT 4;', { timeoutMs: 1500 });
  assert.equal(batch.result.error?.kind, 'timeout');
  assert.equal(batch.result.error?.statementIndex, 2);
  const [slept, quick] = batch.result.statements.map((s) => s.durationMs);
  assert.ok(slept >= 290, `the sleeping statement took its time: ${slept} ms`);
  assert.ok(quick < slept, `the quick one after it is timed on its own: ${quick} ms`);
});

test('for the journal: statements inside the transaction commit nothing; the COMMIT is sent after every answer', async () => {
  const { result, events } = await runOnce('CREATE TEMP TABLE j (id int) ON COMMIT DROP;\nINSERT INTO j VALUES (1);\nSELECT 1;', { track: true });
  assert.equal(result.ok, true, result.error?.message);
  const tracked = events.filter((e) => e.type === 'statement_started' || e.type === 'commit_started' || e.type === 'committed');
  assert.deepEqual(tracked.map((e) => [e.type, e.type === 'statement_started' ? e.commits : e.type === 'commit_started' ? e.through : e.type === 'committed' ? e.through : null]), [
    ['statement_started', false],
    ['statement_started', false],
    ['statement_started', false],
    ['commit_started', 2],
    ['committed', 2],
  ]);
});

test('what needs a round trip per statement keeps it: bound inputs, transaction control, no transaction', async () => {
  const withInput = await runOnce('SELECT {{ inputs.n }}::int AS n;\nSELECT 2;', { inputs: { n: 7 } });
  assert.equal(withInput.result.ok, true, withInput.result.error?.message);
  assert.ok(withInput.roundTrips >= 4, `bound inputs: ${withInput.roundTrips} round trips`);
  const own = await runOnce('BEGIN;\nSELECT 1;\nCOMMIT;', {});
  assert.equal(own.result.ok, true, own.result.error?.message);
  assert.equal(own.roundTrips, 3);
  const never = await runOnce('SELECT 1;\nSELECT 2;', { transaction: 'never' });
  assert.equal(never.roundTrips, 2);
});

/** Query messages ('Q') in what was written to the socket during fn. */
async function queriesSent<T>(fn: () => Promise<T>): Promise<{ value: T; queries: number }> {
  const stream = fixture.session.client.connection.stream as unknown as { write: (...args: unknown[]) => boolean };
  const write = stream.write;
  let queries = 0;
  stream.write = function (this: unknown, ...args: unknown[]) {
    const data = args[0];
    if (Buffer.isBuffer(data)) for (let at = 0; at + 5 <= data.length; at += 1 + data.readInt32BE(at + 1)) if (data[at] === 0x51) queries++;
    return write.apply(this, args);
  };
  try {
    return { value: await fn(), queries };
  } finally {
    stream.write = write;
  }
}

test('a long step sent in windows tells what it tells sent whole and one by one, and sends nothing after a failure', async () => {
  await fixture.db.client.query('CREATE TABLE IF NOT EXISTS fix (id int, note text)');
  const n = 2_600;
  const rows = Array.from({ length: n }, (_, i) => `INSERT INTO fix VALUES (${i + 1}, 'fix #${i + 1}');`);
  const ok = await both(rows.join('\n'));
  assert.equal(ok.batch.result.ok, true, ok.batch.result.error?.message);
  assert.equal(ok.batch.result.statementCount, n);
  assert.ok(ok.batch.writes >= 3, `${n} statements in windows of 1,000: ${ok.batch.writes} writes`);
  await fixture.db.client.query('TRUNCATE fix');

  // Statement 1,234 fails, in the second window (the third is not sent before 1,500 are answered); its column is the server's.
  const failing = rows.slice();
  failing[1_233] = "INSERT INTO fix VALUES (1234, 'fix #' || no_such_column);";
  const { batch } = await both(failing.join('\n'));
  const error = batch.result.error!;
  assert.equal(error.sqlstate, '42703');
  assert.equal(error.statementIndex, 1_233);
  assert.deepEqual([error.line, error.column], [1_234, 42]);
  assert.match(error.message, /statement 1234 of 2600 \(line 1234, INSERT\)/);
  assert.equal(batch.result.statementCount, 1_233);
  assert.equal((await fixture.db.client.query('SELECT count(*)::int AS n FROM fix')).rows[0].n, 0, 'nothing committed');
  // Sent in windows, the statements after the failure's window are never sent; sent whole, all of them are.
  const windowed = await queriesSent(() => runOnce(failing.join('\n'), {}));
  const whole = await queriesSent(() => runOnce(failing.join('\n'), { pipelineWindow: WHOLE }));
  assert.ok(windowed.queries < n, `windows: ${windowed.queries} queries sent for ${n} statements`);
  assert.ok(whole.queries > n, `whole: ${whole.queries} queries sent`);
});

for (const [how, pipelineWindow] of [['at once', undefined], ['in windows', TINY_WINDOW]] as const) {
  test(`a cancel stops the statement running in the batch (${how}), and nothing is committed`, async () => {
    await fixture.db.client.query('CREATE TABLE IF NOT EXISTS cancelled (id int)');
    const controller = new AbortController();
    const events: ExecEvent[] = [];
    const source = 'INSERT INTO cancelled VALUES (1);\nSELECT 2;\nSELECT 3;\nSELECT pg_sleep(30);\nSELECT 5;';
    const result = await runSql(fixture.session, { source, inputs: {}, transaction: 'auto', ...(pipelineWindow ? { pipelineWindow } : {}) }, (e) => {
      events.push(e);
      // The statement running is known as it starts: the answer before it has come.
      if (e.type === 'statement_started' && e.index === 3) setTimeout(() => controller.abort(), 200);
    }, controller.signal);
    assert.deepEqual(events.filter((e) => e.type === 'statement_finished').map((e) => e.type === 'statement_finished' && e.command), ['INSERT 0 1', 'SELECT 1', 'SELECT 1']);
    assert.equal(result.error?.kind, 'cancelled', result.error?.message);
    assert.equal(result.error?.statementIndex, 3);
    assert.equal(fixture.session.inTransaction, false);
    assert.equal((await fixture.db.client.query('SELECT count(*)::int AS n FROM cancelled')).rows[0].n, 0);
  });
}
