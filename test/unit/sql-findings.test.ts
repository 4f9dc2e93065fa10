// Findings over whole SQL texts: what only the order of statements shows,
// accepting a finding by comment, and the destructive check's always-true WHERE.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser, splitSql } from '../../src/sql/index.js';
import { openFindings, sqlFindings } from '../../src/sql/findings.js';

before(() => ensureParser());

const rules = (sql: string, options = {}) => sqlFindings(sql, options).map((f) => f.rule);

describe('findings', () => {
  test('each finding has its position, lock and advice', () => {
    const [f] = sqlFindings('SET lock_timeout = 5000;\n\n  CREATE INDEX users_email ON users (email);');
    assert.equal(f.rule, 'create-index-non-concurrently');
    assert.equal(f.severity, 'warning');
    assert.deepEqual([f.line, f.column], [3, 3]);
    assert.equal(f.lock, 'ShareLock');
    assert.equal(f.relation, 'users');
    assert.match(f.advice, /CREATE INDEX CONCURRENTLY/);
  });

  test('lock-timeout-missing: once, at the first lock-taking statement, unless lock_timeout is set', () => {
    const sql = 'UPDATE t SET a = 1 WHERE id = 2; ALTER TABLE t DROP COLUMN b; ALTER TABLE t DROP COLUMN c;';
    assert.deepEqual(rules(sql), ['lock-timeout-missing']);
    assert.equal(sqlFindings(sql)[0].statementIndex, 1);
    assert.deepEqual(rules(`SET lock_timeout = '3s'; ${sql}`), []);
    assert.deepEqual(rules(`SET lock_timeout = 0; ${sql}`), ['lock-timeout-missing']);
    assert.deepEqual(rules(sql, { lockTimeout: true }), []);
    // A table created in the same file is new: nobody queues on it.
    assert.deepEqual(rules('CREATE TABLE n (a int); ALTER TABLE n ADD COLUMN b int;'), []);
  });

  test('CONCURRENTLY, DISCARD ALL, ALTER SUBSCRIPTION … SET PUBLICATION inside a transaction are errors', () => {
    const concurrently = 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;';
    assert.ok(rules(concurrently, { lockTimeout: true }).includes('cannot-run-in-transaction'));
    assert.ok(!rules('CREATE INDEX CONCURRENTLY i ON t (a);', { lockTimeout: true, transaction: 'auto' }).includes('cannot-run-in-transaction'));
    assert.ok(rules('CREATE INDEX CONCURRENTLY i ON t (a);', { lockTimeout: true, transaction: 'always' }).includes('cannot-run-in-transaction'));
    assert.deepEqual(rules('BEGIN; DISCARD ALL; COMMIT;'), ['cannot-run-in-transaction']);
    assert.deepEqual(rules('BEGIN; ALTER SUBSCRIPTION s SET PUBLICATION p; COMMIT;'), ['cannot-run-in-transaction']);
    assert.deepEqual(rules('BEGIN; ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false); COMMIT;'), []);
    assert.deepEqual(rules('ALTER SUBSCRIPTION s ADD PUBLICATION p;'), []);
  });

  test('an enum value added and used in one transaction is an error; in two, it is not', () => {
    const sql = "ALTER TYPE mood ADD VALUE 'happy'; UPDATE people SET m = 'happy' WHERE id = 1;";
    assert.deepEqual(rules(sql, { transaction: 'auto' }), ['enum-value-used-in-transaction']);
    assert.deepEqual(rules(`BEGIN; ${sql} COMMIT;`), ['enum-value-used-in-transaction']);
    assert.deepEqual(rules(sql, { transaction: 'never' }), []);
    assert.deepEqual(rules("BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT; UPDATE people SET m = 'happy' WHERE id = 1;"), []);
  });

  test('a finding is accepted by a comment with a reason, on or above its statement, and stays listed', () => {
    const sql = [
      'SET lock_timeout = 5000;',
      '-- runbook: accept create-index-non-concurrently the table has 40 rows',
      'CREATE INDEX a ON t (a);',
      'CREATE INDEX b ON t (b); -- runbook: accept create-index-non-concurrently also small',
      'CREATE INDEX c ON t (c);',
      '-- runbook: accept create-index-non-concurrently',
      'CREATE INDEX d ON t (d);',
    ].join('\n');
    const found = sqlFindings(sql);
    const accepted = found.filter((f) => f.accepted).map((f) => [f.line, f.accepted?.reason]);
    assert.deepEqual(accepted, [[3, 'the table has 40 rows'], [4, 'also small']]);
    assert.deepEqual(openFindings(found).map((f) => [f.rule, f.line]), [
      ['create-index-non-concurrently', 5],
      ['accept-without-reason', 6],
      ['create-index-non-concurrently', 7],
    ]);
    // Text in a string is not a comment.
    assert.equal(sqlFindings("SET lock_timeout = 1; SELECT '-- runbook: accept create-index-non-concurrently x'; CREATE INDEX e ON t (e);").filter((f) => f.accepted).length, 0);
  });

  test('a step’s accept: accepts the rule for its statements', () => {
    const [f] = sqlFindings('SET lock_timeout = 1; VACUUM FULL t;', { accepted: { 'table-rewrite': 'maintenance window' } });
    assert.deepEqual(f.accepted, { reason: 'maintenance window', by: 'runbook' });
  });
});

describe('destructive: always-true WHERE and MERGE … DELETE', () => {
  const destructive = (sql: string) => splitSql(sql)[0].destructive;
  test('constant-true WHERE clauses are destructive', () => {
    for (const sql of [
      'DELETE FROM users WHERE true', 'UPDATE users SET a = 1 WHERE 1 = 1', "DELETE FROM users WHERE 'a' = 'a'",
      'DELETE FROM users WHERE NOT false', 'DELETE FROM users WHERE id = 5 OR 1 = 1', "DELETE FROM users WHERE 't'::boolean",
      'UPDATE users SET a = 1 WHERE 2 > 1 AND true', 'DELETE FROM users WHERE 1 <> 2', 'DELETE FROM users WHERE NULL IS NULL',
    ]) {
      assert.ok(destructive(sql), sql);
    }
  });
  test('WHERE clauses that depend on the row are not', () => {
    for (const sql of [
      'DELETE FROM users WHERE id = 5', 'DELETE FROM users WHERE x = x', 'DELETE FROM users WHERE 1 = 2',
      'DELETE FROM users WHERE id = 5 AND 1 = 1', "DELETE FROM users WHERE 'a' < 'b'", 'DELETE FROM users WHERE false OR id = 1',
    ]) {
      assert.equal(destructive(sql), null, sql);
    }
  });
  test('MERGE … WHEN MATCHED THEN DELETE is destructive; MERGE … UPDATE is not', () => {
    assert.match(destructive('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE') ?? '', /MERGE/);
    assert.equal(destructive('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a'), null);
  });
  test('functions that change state make a SELECT a write', () => {
    assert.equal(splitSql('SELECT pg_terminate_backend(123)')[0].writes, true);
    assert.equal(splitSql('SELECT pg_drop_replication_slot($$s$$)')[0].writes, true);
    assert.equal(splitSql('SELECT lo_unlink(42)')[0].writes, true);
    assert.equal(splitSql('SELECT count(*) FROM pg_stat_activity')[0].writes, false);
  });
});
