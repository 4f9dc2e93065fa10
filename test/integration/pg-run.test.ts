// runSql against a real PostgreSQL: statements one by one, events as they
// happen, transactions, errors that point at the right line, big results,
// and inputs that stay data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryValues, runSql } from '../../src/exec/postgres/index.js';
import type { SqlRequest } from '../../src/exec/postgres/index.js';
import { STATEMENT_RECORDS_KEPT, type ExecEvent } from '../../src/exec/types.js';
import { databaseWithSession } from '../support/db.js';

const fixture = databaseWithSession('pgrun');

async function run(source: string, more: Partial<SqlRequest> = {}) {
  const events: ExecEvent[] = [];
  const result = await runSql(fixture.session, { source, inputs: {}, transaction: 'auto', ...more }, (e) => events.push(e));
  return { result, events };
}

async function tableExists(name: string): Promise<boolean> {
  return (await fixture.db.client.query('SELECT to_regclass($1) IS NOT NULL AS present', [name])).rows[0].present;
}

test('a multi-statement step runs statement by statement, each timed and tagged', async () => {
  const { result, events } = await run('CREATE TABLE multi (id int);\n\nINSERT INTO multi SELECT generate_series(1, 10);\nSELECT count(*) AS n FROM multi;');
  assert.equal(result.ok, true, result.error?.message);
  assert.deepEqual(
    events.filter((e) => e.type === 'statement_started').map((e) => e.type === 'statement_started' && [e.index, e.total, e.line]),
    [[0, 3, 1], [1, 3, 3], [2, 3, 4]],
  );
  assert.deepEqual(
    events.filter((e) => e.type === 'statement_finished').map((e) => e.type === 'statement_finished' && [e.command, e.rowCount]),
    [['CREATE TABLE', null], ['INSERT 0 10', 10], ['SELECT 1', 1]],
  );
  assert.equal(result.statements.length, 3);
  for (const s of result.statements) assert.ok(s.durationMs >= 0 && s.durationMs < 10_000);
  assert.ok(result.durationMs >= result.statements.reduce((sum, s) => sum + s.durationMs, 0));
  assert.deepEqual(result.columns, ['n']);
  assert.deepEqual(result.rows, [{ n: 10 }]);
  assert.equal(result.rowCount, 1);
  assert.equal(result.output, 'CREATE TABLE\nINSERT 0 10\n n\n----\n 10\n(1 row)');
  assert.equal(fixture.session.inTransaction, false);
});

test('the affected-row count stands in when no statement returns rows', async () => {
  const { result } = await run('CREATE TABLE affected (id int); INSERT INTO affected VALUES (1), (2), (3); UPDATE affected SET id = id + 1 WHERE id > 1');
  assert.equal(result.ok, true, result.error?.message);
  assert.equal(result.rowCount, 2);
  assert.deepEqual(result.columns, []);
  assert.equal(result.output, 'CREATE TABLE\nINSERT 0 3\nUPDATE 2');
});

test('notices stream to the listener as they are raised, in order', async () => {
  const times: Record<string, number> = {};
  const events: ExecEvent[] = [];
  const source = `DO $$
BEGIN
  RAISE NOTICE 'first';
  PERFORM pg_sleep(0.3);
  RAISE NOTICE 'second';
  RAISE WARNING 'third' USING HINT = 'a hint';
END $$;`;
  const result = await runSql(fixture.session, { source, inputs: {}, transaction: 'auto', keepNotices: true }, (e) => {
    events.push(e);
    const key = e.type === 'notice' ? e.message : e.type;
    times[key] ??= performance.now();
  });
  assert.equal(result.ok, true, result.error?.message);
  assert.deepEqual(result.notices, ['first', 'second', 'third']);
  // Without a check of them, the texts are reported as output only, not kept in the result.
  const unkept = await runSql(fixture.session, { source: "DO $$ BEGIN RAISE NOTICE 'gone'; END $$", inputs: {}, transaction: 'auto' }, () => {});
  assert.deepEqual(unkept.notices, []);
  const notices = events.filter((e) => e.type === 'notice');
  assert.deepEqual(notices.map((e) => e.type === 'notice' && [e.severity, e.message]), [['NOTICE', 'first'], ['NOTICE', 'second'], ['WARNING', 'third']]);
  assert.equal(notices[2].type === 'notice' && notices[2].hint, 'a hint');
  assert.deepEqual(events.map((e) => e.type), ['statement_started', 'notice', 'notice', 'notice', 'statement_finished']);
  // 'first' arrived while the statement was still sleeping, not batched at the end.
  assert.ok(times.statement_finished - times.first > 200, `first notice ${times.statement_finished - times.first}ms before the end`);
});

test('a 300,000-row result keeps 200 rows and counts them all', async () => {
  const { result, events } = await run('SELECT g AS id, md5(g::text) AS hash FROM generate_series(1, 300000) AS g', { keepRows: 200 });
  assert.equal(result.ok, true, result.error?.message);
  assert.equal(result.rowCount, 300000);
  assert.equal(result.rows.length, 200);
  assert.deepEqual(result.rows[0], { id: 1, hash: 'c4ca4238a0b923820dcc509a6f75849b' });
  assert.equal(result.rows[199].id, 200);
  const rows = events.find((e) => e.type === 'rows');
  assert.ok(rows && rows.type === 'rows');
  assert.equal(rows.total, 300000);
  assert.equal(rows.truncated, true);
  assert.equal(rows.rows.length, 200);
  assert.deepEqual(rows.columns, ['id', 'hash']);
  // The output is psql's table of the first rows, and psql's count of all of them; the server's text, typed values for the checks.
  const out = result.output.split('\n');
  assert.deepEqual(out.slice(0, 3), [' id |               hash', '----+----------------------------------', '  1 | c4ca4238a0b923820dcc509a6f75849b']);
  assert.equal(out.at(-1), '(300000 rows; the first 50 shown)');
  assert.deepEqual(rows.rows[0], ['1', 'c4ca4238a0b923820dcc509a6f75849b']);
  assert.deepEqual(rows.types, [23, 25]);
  const finished = events.find((e) => e.type === 'statement_finished');
  assert.equal(finished?.type === 'statement_finished' && finished.command, 'SELECT 300000');
});

test('CREATE INDEX CONCURRENTLY under auto runs outside a transaction, and says so', async () => {
  const { result, events } = await run('CREATE TABLE conc (id int);\nINSERT INTO conc SELECT generate_series(1, 1000);\nCREATE INDEX CONCURRENTLY conc_id ON conc (id);');
  assert.equal(result.ok, true, result.error?.message);
  const info = events.find((e) => e.type === 'info');
  assert.ok(info && info.type === 'info');
  assert.match(info.message, /without a transaction/);
  assert.match(info.message, /statement 3 of 3 \(line 3, CREATE INDEX/);
  assert.equal(events[0].type, 'info'); // told before anything runs
  const valid = await fixture.db.client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'conc_id'::regclass`);
  assert.equal(valid.rows[0].indisvalid, true);
});

test('transaction: always refuses a statement that cannot run in one, before running anything', async () => {
  const { result, events } = await run('CREATE TABLE never_made (id int);\nCREATE INDEX CONCURRENTLY nm_id ON never_made (id);', { transaction: 'always' });
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'sql');
  assert.equal(result.error?.statementIndex, 1);
  assert.equal(result.error?.line, 2);
  assert.match(result.error!.message, /Nothing was run: statement 2 of 2 .* cannot run inside a transaction .*transaction: always/);
  assert.equal(events.filter((e) => e.type === 'statement_started').length, 0);
  assert.equal(await tableExists('never_made'), false);
});

test('an error in statement 2 of 3 rolls back statement 1', async () => {
  const { result } = await run('CREATE TABLE rolled_back (id int);\nINSERT INTO no_such_table VALUES (1);\nCREATE TABLE not_reached (id int);', { file: 'migrations/x.sql' });
  assert.equal(result.ok, false);
  const error = result.error!;
  assert.equal(error.kind, 'sql');
  assert.equal(error.sqlstate, '42P01');
  assert.equal(error.statementIndex, 1);
  assert.equal(error.statement, 'INSERT INTO no_such_table VALUES (1)');
  assert.equal(error.file, 'migrations/x.sql');
  assert.equal(error.line, 2);
  assert.equal(error.column, 13);
  assert.match(error.message, /relation "no_such_table" does not exist/);
  assert.match(error.message, /statement 2 of 3 \(migrations\/x\.sql:2, INSERT\)/);
  assert.match(error.message, /nothing from this step was committed/);
  assert.equal(result.statements.length, 1);
  assert.equal(await tableExists('rolled_back'), false);
  assert.equal(await tableExists('not_reached'), false);
  assert.equal(fixture.session.inTransaction, false);
});

test('without a transaction, the error says which statements already completed', async () => {
  const { result } = await run('CREATE TABLE kept (id int);\nINSERT INTO kept VALUES (1);\nINSERT INTO kept VALUES (1/0);', { transaction: 'never' });
  assert.equal(result.error?.sqlstate, '22012');
  assert.match(result.error!.message, /Statements 1 \(line 1\), 2 \(line 2\) of 3 had already completed and stay committed/);
  assert.equal(await tableExists('kept'), true);
});

test('a long step keeps the first and newest statement records and counts them all; its failure names the committed ones as a range', async () => {
  const n = 450;
  const source = `CREATE TABLE counted (id int);\n${Array.from({ length: n }, (_, i) => `INSERT INTO counted VALUES (${i});`).join('\n')}\nINSERT INTO counted VALUES (1/0);`;
  const { result, events } = await run(source, { transaction: 'never' });
  assert.equal(result.error?.sqlstate, '22012');
  // Every statement's events still come (the journal and the reports are made of them).
  assert.equal(events.filter((e) => e.type === 'statement_finished').length, n + 1);
  assert.equal(result.statementCount, n + 1);
  assert.equal(result.statements.length, STATEMENT_RECORDS_KEPT);
  const half = STATEMENT_RECORDS_KEPT / 2;
  assert.deepEqual(
    result.statements.map((s) => s.index),
    [...Array.from({ length: half }, (_, i) => i), ...Array.from({ length: half }, (_, i) => n + 1 - half + i)],
  );
  assert.deepEqual(result.statements.at(-1), { ...result.statements.at(-1)!, index: n, line: n + 1, command: 'INSERT 0 1', rowCount: 1 });
  assert.match(result.error!.message, new RegExp(`Statements 1–${n + 1} \\(lines 1–${n + 1}\\) of ${n + 2} had already completed and stay committed`));
  assert.equal((await fixture.db.client.query('SELECT count(*)::int AS n FROM counted')).rows[0].n, n);
});

test('without a check that reads it, the output text is not made; the rest of the result is the same', async () => {
  const source = 'SELECT 1 AS one;\nSELECT 2 AS two;';
  const kept = await run(source);
  const not = await run(source, { keepOutput: false });
  assert.equal(kept.result.output, ' one\n-----\n   1\n(1 row)\n two\n-----\n   2\n(1 row)');
  assert.equal(not.result.output, '');
  const same = (r: typeof kept.result) => ({ ...r, output: undefined, durationMs: undefined, statements: r.statements.map((s) => ({ ...s, durationMs: undefined })) });
  assert.deepEqual(same(not.result), same(kept.result));
  assert.deepEqual(not.events.map((e) => ('durationMs' in e ? { ...e, durationMs: 0 } : e)), kept.events.map((e) => ('durationMs' in e ? { ...e, durationMs: 0 } : e)));
});

test('a step that opens its own transaction is not wrapped, and is not left open on error', async () => {
  const { result, events } = await run('BEGIN;\nCREATE TABLE own_tx (id int);\nSELECT 1/0;\nCOMMIT;');
  assert.equal(result.error?.sqlstate, '22012');
  assert.match(events.find((e) => e.type === 'info')?.type === 'info' ? (events.find((e) => e.type === 'info') as { message: string }).message : '', /manages its own/);
  assert.equal(fixture.session.inTransaction, false);
  assert.equal(await tableExists('own_tx'), false);
});

test('a server-side error points at its line and column in the source', async () => {
  const { result } = await run('SELECT 1;\n\nSELECT relname,\n       no_such_column\n  FROM pg_class;');
  const error = result.error!;
  assert.equal(error.kind, 'sql');
  assert.equal(error.sqlstate, '42703');
  assert.equal(error.statementIndex, 1);
  assert.equal(error.line, 4);
  assert.equal(error.column, 8);
});

test('a syntax error is reported with SQLSTATE 42601 and its line, before anything runs', async () => {
  const { result, events } = await run('CREATE TABLE syntax_ok (id int);\nSELEC 1;');
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'sql');
  assert.equal(result.error?.sqlstate, '42601');
  assert.equal(result.error?.line, 2);
  assert.equal(events.length, 0);
  assert.equal(await tableExists('syntax_ok'), false);
});

test('an input is a bind parameter: an injection attempt is stored as data', async () => {
  await fixture.db.client.query('CREATE TABLE t (v text)');
  const evil = "x'); DROP TABLE t; --";
  const { result } = await run('INSERT INTO t VALUES ({{ inputs.v }})', { inputs: { v: evil } });
  assert.equal(result.ok, true, result.error?.message);
  assert.equal(result.rowCount, 1);
  assert.equal(await tableExists('t'), true);
  assert.deepEqual((await fixture.db.client.query('SELECT v FROM t')).rows, [{ v: evil }]);
});

test('a missing input fails the step as kind input, before anything runs', async () => {
  const { result, events } = await run('CREATE TABLE input_gate (id int);\nSELECT {{ inputs.missing }};');
  assert.equal(result.error?.kind, 'input');
  assert.equal(result.error?.line, 2);
  assert.equal(events.length, 0);
  assert.equal(await tableExists('input_gate'), false);
});

test('EXPLAIN output is the plan text, with parameters bound', async () => {
  await fixture.db.client.query('CREATE TABLE planned (id int PRIMARY KEY, body text); INSERT INTO planned SELECT g, g::text FROM generate_series(1, 20000) g; ANALYZE planned');
  const { result } = await run('EXPLAIN SELECT * FROM planned WHERE id = {{ inputs.id }}', { inputs: { id: 42 } });
  assert.equal(result.ok, true, result.error?.message);
  assert.match(result.output, /^Index Scan using planned_pkey on planned/);
  assert.doesNotMatch(result.output, /QUERY PLAN/);
  assert.deepEqual(result.columns, ['QUERY PLAN']);
});

test('statement_timeout stops a slow statement as kind timeout, and the limit is undone after', async () => {
  const { result } = await run('SELECT 1;\nSELECT pg_sleep(5);', { timeoutMs: 300 });
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'timeout');
  assert.equal(result.error?.statementIndex, 1);
  assert.match(result.error!.message, /timeout of 300 ms/);
  assert.match(result.error!.message, /nothing from this step was committed/);
  assert.ok(result.durationMs < 3000);
  const after = await queryValues(fixture.session, 'SHOW statement_timeout');
  assert.equal(after.rows[0].statement_timeout, '0');
});

test('lock_timeout stops a statement waiting for a lock as kind timeout', async () => {
  await fixture.db.client.query('CREATE TABLE locked (id int)');
  await fixture.db.client.query('BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
  try {
    const { result } = await run('ALTER TABLE locked ADD COLUMN extra int', { lockTimeoutMs: 200 });
    assert.equal(result.error?.kind, 'timeout');
    assert.equal(result.error?.sqlstate, '55P03');
    assert.match(result.error!.message, /lock timeout of 200 ms/);
  } finally {
    await fixture.db.client.query('ROLLBACK');
  }
  assert.equal((await queryValues(fixture.session, 'SHOW lock_timeout')).rows[0].lock_timeout, '0');
});

test('values come back as psql shows them: bigint as number, timestamps as text', async () => {
  const { result } = await run(`SELECT 9007199254740993::bigint AS big, 5::bigint AS small, '2024-01-02 03:04:05'::timestamp AS ts, '2024-01-02'::date AS d, 1.50::numeric AS num, true AS flag`);
  assert.deepEqual(result.rows[0], { big: '9007199254740993', small: 5, ts: '2024-01-02 03:04:05', d: '2024-01-02', num: '1.50', flag: true });
});

test('COPY FROM STDIN is refused up front with a way forward', async () => {
  const { result } = await run('COPY t FROM STDIN');
  assert.equal(result.error?.kind, 'sql');
  assert.match(result.error!.message, /\\copy in a shell step/);
});

test('a step that leaves its own transaction open fails, and the transaction is rolled back', async () => {
  const { result } = await run('CREATE TABLE before_open (id int);\nBEGIN;\nCREATE TABLE left_open (id int);');
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'sql');
  assert.match(result.error!.message, /opened a transaction \(statement 2 of 3 \(line 2, BEGIN\)\) and did not end it/);
  assert.match(result.error!.message, /Statement 1 \(line 1\) of 3 had already completed and stay committed/);
  assert.equal(fixture.session.inTransaction, false);
  assert.equal(await tableExists('before_open'), true);
  assert.equal(await tableExists('left_open'), false);
});

test('a listener that throws fails the step cleanly instead of breaking the connection', async () => {
  const result = await runSql(fixture.session, { source: `CREATE TABLE noisy (id int);\nDO $$ BEGIN RAISE NOTICE 'boom'; END $$;`, inputs: {}, transaction: 'auto' }, (e) => {
    if (e.type === 'notice') throw new Error('renderer bug');
  });
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'internal');
  assert.match(result.error!.message, /renderer bug/);
  assert.match(result.error!.message, /nothing from this step was committed/);
  assert.equal(await tableExists('noisy'), false);
  const again = await run('SELECT 1 AS one');
  assert.deepEqual(again.result.rows, [{ one: 1 }]);
});

test('rows returned by INSERT ... RETURNING are counted in full, beyond one cursor batch', async () => {
  const { result, events } = await run('CREATE TABLE returned (id int);\nINSERT INTO returned SELECT generate_series(1, 2500) RETURNING id;');
  assert.equal(result.ok, true, result.error?.message);
  const finished = events.filter((e) => e.type === 'statement_finished').map((e) => e.type === 'statement_finished' && [e.command, e.rowCount]);
  assert.deepEqual(finished, [['CREATE TABLE', null], ['INSERT 0 2500', 2500]]);
  assert.equal(result.rowCount, 2500);
});

test('a second step on a busy session is refused instead of interleaving', async () => {
  const first = run('SELECT pg_sleep(0.3)');
  const second = await run('SELECT 1');
  assert.equal(second.result.error?.kind, 'internal');
  assert.equal((await first).result.ok, true);
});
