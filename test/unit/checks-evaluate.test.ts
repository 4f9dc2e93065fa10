import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/checks/evaluate.js';
import { emptyResult, type ActionResult } from '../../src/exec/types.js';
import type { Verdict } from '../../src/checks/verdict.js';

function result(fields: Partial<ActionResult> = {}): ActionResult {
  return { ...emptyResult(), ...fields };
}

function rows(...items: Record<string, unknown>[]): ActionResult {
  return result({ columns: Object.keys(items[0] ?? {}), rows: items, rowCount: items.length });
}

function one(verdicts: Verdict[]): Verdict {
  assert.equal(verdicts.length, 1, JSON.stringify(verdicts));
  return verdicts[0];
}

test('rows: expected "rows = 0", actual "3 rows" with the first row', () => {
  const r = rows({ id: 1 }, { id: 2 }, { id: 3 });
  assert.deepEqual(one(evaluate({ rows: 0 }, r)), { label: 'row count', ok: false, expected: 'rows = 0', actual: '3 rows, first: {id: 1}' });
  assert.deepEqual(one(evaluate({ rows: '>= 1' }, r)), { label: 'row count', ok: true, expected: 'rows >= 1', actual: '3 rows' });
  assert.equal(one(evaluate({ rows: 'between 1 and 2' }, r)).ok, false);
  assert.equal(one(evaluate({ rows: 1 }, rows({ id: 1 }))).actual, '1 row');
});

test('no_rows shows the first offending row', () => {
  const dupes = rows({ ticker: 'AAPL', cnt: 2 }, { ticker: 'MSFT', cnt: 3 });
  assert.deepEqual(one(evaluate({ no_rows: true }, dupes)), { label: 'no rows', ok: false, expected: 'no rows', actual: '2 rows, first: {ticker: "AAPL", cnt: 2}' });
  assert.deepEqual(one(evaluate({ no_rows: true }, rows())), { label: 'no rows', ok: true, expected: 'no rows', actual: '0 rows' });
  assert.equal(one(evaluate({ no_rows: false }, rows())).ok, false);
  assert.equal(one(evaluate({ no_rows: false }, dupes)).expected, 'at least one row');
});

test('row.<col> checks the first row, one verdict per column', () => {
  const r = rows({ version: '160002', name: 'pg' });
  const v = evaluate({ row: { version: '>= 120000', name: 'pg' } }, r);
  assert.deepEqual(v, [
    { label: 'version (first row)', ok: true, expected: 'version >= 120000', actual: '160002' },
    { label: 'name (first row)', ok: true, expected: 'name = "pg"', actual: '"pg"' },
  ]);
  const old = one(evaluate({ row: { version: '>= 120000' } }, rows({ version: 110005 })));
  assert.equal(old.ok, false);
  assert.equal(old.actual, '110005');
});

test('row.<col>: no rows, or no such column, fail and say so', () => {
  assert.equal(one(evaluate({ row: { version: 1 } }, rows())).actual, 'no rows returned');
  const missing = one(evaluate({ row: { versoin: 1 } }, rows({ version: 1 })));
  assert.equal(missing.ok, false);
  assert.equal(missing.actual, 'no column "versoin" in the result (columns: version)');
  // pg folds unquoted identifiers to lower case; the runbook may not.
  assert.equal(one(evaluate({ row: { Version: 1 } }, rows({ version: 1 }))).ok, true);
});

test('every_row names the first failing row and how many fail', () => {
  const r = rows({ ticker: 'AAPL', cnt: 1 }, { ticker: 'MSFT', cnt: 2 }, { ticker: 'IBM', cnt: 5 });
  assert.deepEqual(one(evaluate({ every_row: { cnt: 1 } }, r)), {
    label: 'cnt (every row)',
    ok: false,
    expected: 'every row: cnt = 1',
    actual: '2 of 3 rows fail; first: row 2 {ticker: "MSFT", cnt: 2}',
  });
  const pass = one(evaluate({ every_row: { cnt: '>= 1' } }, r));
  assert.equal(pass.ok, true);
  assert.equal(pass.actual, 'all 3 rows pass');
  assert.equal(one(evaluate({ every_row: { cnt: 1 } }, rows())).actual, 'no rows to check');
});

test('every_row says when only the kept rows were checked', () => {
  const r = result({ columns: ['n'], rows: [{ n: 1 }, { n: 1 }], rowCount: 5000 });
  assert.match(one(evaluate({ every_row: { n: 1 } }, r)).actual, /only the first 2 of 5000 rows were kept and checked/);
});

test('some_row: one verdict for all its conditions', () => {
  const r = rows({ ticker: 'AAPL', cnt: 1 }, { ticker: 'MSFT', cnt: 2 });
  assert.deepEqual(one(evaluate({ some_row: { ticker: 'MSFT', cnt: '>= 2' } }, r)), {
    label: 'some row',
    ok: true,
    expected: 'some row: ticker = "MSFT" and cnt >= 2',
    actual: 'row 2: {ticker: "MSFT", cnt: 2}',
  });
  const none = one(evaluate({ some_row: { ticker: 'IBM' } }, r));
  assert.equal(none.ok, false);
  assert.equal(none.actual, 'none of 2 rows match, first: {ticker: "AAPL", cnt: 1}');
});

test('notices: each expected text, with what was seen when missing', () => {
  const r = result({ notices: ['relation "t" already exists, skipping', 'another notice'] });
  const [found, missing] = evaluate({ notices: ['already exists', '/^index .* created/'] }, r);
  assert.deepEqual(found, { label: 'notice', ok: true, expected: 'a notice contains "already exists"', actual: 'raised: "relation \\"t\\" already exists, skipping"' });
  assert.equal(missing.ok, false);
  assert.equal(missing.expected, 'a notice matches /^index .* created/');
  assert.equal(missing.actual, 'notices seen: "relation \\"t\\" already exists, skipping", "another notice"');
  assert.equal(one(evaluate({ notices: 'x' }, result())).actual, 'no notices were raised');
});

test('output and not_output', () => {
  const r = result({ output: 'starting\nCREATE INDEX\ndone' });
  assert.deepEqual(one(evaluate({ output: 'CREATE INDEX' }, r)), { label: 'output', ok: true, expected: 'output contains "CREATE INDEX"', actual: 'found on line 2: "CREATE INDEX"' });
  const missing = one(evaluate({ output: 'ALTER TABLE' }, r));
  assert.equal(missing.ok, false);
  assert.equal(missing.actual, 'not found in 3 lines of output; last line: "done"');
  const bad = one(evaluate({ not_output: '/^CREATE/' }, r));
  assert.deepEqual(bad, { label: 'output', ok: false, expected: 'output does not match /^CREATE/', actual: 'found on line 2: "CREATE INDEX"' });
  assert.equal(one(evaluate({ not_output: 'ERROR' }, r)).ok, true);
  assert.equal(one(evaluate({ output: 'x' }, result())).actual, 'no output');
});

const seqPlan = ['Limit  (cost=0.00..1.10 rows=10 width=8)', '  ->  Sort  (cost=1..2 rows=1 width=8)', '        ->  Seq Scan on messages  (cost=0.00..35.50 rows=10 width=8)'];
const indexPlan = ['Limit  (cost=0.29..1.10 rows=10 width=8)', '  ->  Index Scan using idx_messages_user_created on messages  (cost=0.29..8.31 rows=1 width=8)'];

test('plan / not_plan read the QUERY PLAN rows, and show the plan outline on failure', () => {
  const seq = result({ columns: ['QUERY PLAN'], rows: seqPlan.map((line) => ({ 'QUERY PLAN': line })), rowCount: seqPlan.length });
  const idx = result({ columns: ['QUERY PLAN'], rows: indexPlan.map((line) => ({ 'QUERY PLAN': line })), rowCount: indexPlan.length });
  const fail = one(evaluate({ plan: '/Index Scan using idx_messages_user_created/' }, seq));
  assert.deepEqual(fail, { label: 'plan', ok: false, expected: 'plan matches /Index Scan using idx_messages_user_created/', actual: 'plan: Limit → Sort → Seq Scan on messages' });
  assert.equal(one(evaluate({ plan: 'Index Scan using idx_messages_user_created' }, idx)).ok, true);
  assert.deepEqual(one(evaluate({ not_plan: 'Seq Scan on messages' }, seq)), { label: 'plan', ok: false, expected: 'plan does not contain "Seq Scan on messages"', actual: 'found on line 3: "->  Seq Scan on messages  (cost=0.00..35.50 rows=10 width=8)"' });
  assert.equal(one(evaluate({ not_plan: 'Seq Scan on messages' }, idx)).ok, true);
});

test('plan falls back to the output text, and says when there is none', () => {
  assert.equal(one(evaluate({ plan: 'Index Scan' }, result({ output: indexPlan.join('\n') }))).ok, true);
  assert.equal(one(evaluate({ plan: 'Index Scan' }, result())).actual, 'no plan text (does the query start with EXPLAIN?)');
});

test('duration', () => {
  assert.deepEqual(one(evaluate({ duration: '< 1s' }, result({ durationMs: 1420 }))), { label: 'duration', ok: false, expected: 'duration < 1s', actual: '1.42 s' });
  assert.deepEqual(one(evaluate({ duration: '<= 200ms' }, result({ durationMs: 187.44 }))), { label: 'duration', ok: true, expected: 'duration <= 200ms', actual: '187.4 ms' });
});

test('exit_code, including an expected non-zero exit', () => {
  assert.deepEqual(one(evaluate({ exit_code: 0 }, result({ exitCode: 0 }))), { label: 'exit code', ok: true, expected: 'exit code = 0', actual: 'exit code 0' });
  const failed = result({ ok: false, exitCode: 2, error: { kind: 'shell', exitCode: 2, message: 'command exited with code 2: oops' } });
  assert.deepEqual(one(evaluate({ exit_code: 0 }, failed)), { label: 'exit code', ok: false, expected: 'exit code = 0', actual: 'command exited with code 2: oops' });
  assert.equal(one(evaluate({ exit_code: '!= 0' }, failed)).ok, true);
  const killed = result({ ok: false, error: { kind: 'timeout', message: 'killed after 30s' } });
  assert.deepEqual(one(evaluate({ exit_code: '!= 0' }, killed)), { label: 'result', ok: false, expected: 'succeeds', actual: 'failed: killed after 30s' });
});

test('error: an expected failure with sqlstate and message', () => {
  const dup = result({ ok: false, error: { kind: 'sql', sqlstate: '23505', message: 'duplicate key value violates unique constraint "u"' } });
  assert.deepEqual(one(evaluate({ error: { sqlstate: '23505', message: 'duplicate key' } }, dup)), {
    label: 'error',
    ok: true,
    expected: 'fails with SQLSTATE 23505 and a message that contains "duplicate key"',
    actual: 'failed: SQLSTATE 23505: duplicate key value violates unique constraint "u"',
  });
  assert.equal(one(evaluate({ error: { sqlstate: '42P01' } }, dup)).ok, false);
  assert.equal(one(evaluate({ error: { message: '/^duplicate/' } }, dup)).ok, true);
  const ok = one(evaluate({ error: { sqlstate: '23505' } }, result({ rowCount: 1 })));
  assert.deepEqual(ok, { label: 'error', ok: false, expected: 'fails with SQLSTATE 23505', actual: 'succeeded (1 row), but it should have failed' });
});

test('a failed action is the only verdict, with or without an expectation', () => {
  const failed = result({ ok: false, error: { kind: 'sql', sqlstate: '42P01', message: 'relation "t" does not exist' } });
  const expected = { label: 'result', ok: false, expected: 'succeeds', actual: 'failed: SQLSTATE 42P01: relation "t" does not exist' };
  assert.deepEqual(evaluate(undefined, failed), [expected]);
  assert.deepEqual(evaluate({}, failed), [expected]);
  assert.deepEqual(evaluate({ rows: 0 }, failed), [expected]);
});

test('no expectation and success: one passing verdict', () => {
  assert.deepEqual(evaluate(undefined, rows({ a: 1 })), [{ label: 'result', ok: true, expected: 'succeeds', actual: 'succeeded (1 row)' }]);
});

test('verdicts come in schema order, one per condition', () => {
  const r = result({ columns: ['n'], rows: [{ n: 1 }], rowCount: 1, output: 'ok', durationMs: 5 });
  const labels = evaluate({ duration: '< 1s', output: 'ok', rows: 1, row: { n: 1 } }, r).map((v) => v.label);
  assert.deepEqual(labels, ['row count', 'n (first row)', 'output', 'duration']);
});

test('a malformed condition fails its own check instead of throwing', () => {
  const v = one(evaluate({ rows: 'between 1' }, rows({ a: 1 })));
  assert.equal(v.ok, false);
  assert.match(v.actual, /between LOW and HIGH/);
});
