// The lock model on statements whose rules differ by version or by what an
// earlier statement of the file created. The corpus test (sql-locks-corpus)
// covers the rest, statement by statement.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSync } from 'libpg-query';
import type { Node } from 'libpg-query';
import { ensureParser } from '../../src/sql/index.js';
import { LockContext, statementLocks, strongestLock } from '../../src/sql/locks.js';

before(() => ensureParser());

/** The facts of the last statement of sql, the earlier ones feeding the context. */
function facts(sql: string, version = 150000) {
  const ctx = new LockContext();
  const stmts = parseSync(sql).stmts ?? [];
  let last;
  for (const s of stmts) last = statementLocks(s.stmt as Node, version, ctx);
  assert.ok(last);
  return last;
}

describe('lock model', () => {
  test('ADD COLUMN with a constant default rewrites before 11 only; a volatile default always', () => {
    assert.equal(facts('ALTER TABLE t ADD COLUMN a int DEFAULT 0', 100000).rewrite, true);
    assert.equal(facts('ALTER TABLE t ADD COLUMN a int DEFAULT 0', 110000).rewrite, false);
    assert.equal(facts('ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()', 150000).rewrite, false);
    const v = facts('ALTER TABLE t ADD COLUMN a float8 DEFAULT random()');
    assert.equal(v.rewrite, true);
    assert.deepEqual(v.hazards.map((h) => h.rule), ['add-column-volatile-default']);
  });

  test('a binary-coercible type change does not rewrite; others do', () => {
    const setup = 'CREATE TABLE t (v varchar(10), n numeric(10,2), i int);';
    assert.equal(facts(`${setup} ALTER TABLE t ALTER v TYPE text`).rewrite, false);
    assert.equal(facts(`${setup} ALTER TABLE t ALTER v TYPE varchar(20)`).rewrite, false);
    assert.equal(facts(`${setup} ALTER TABLE t ALTER v TYPE varchar(5)`).rewrite, true);
    assert.equal(facts(`${setup} ALTER TABLE t ALTER n TYPE numeric(12,2)`).rewrite, false);
    assert.equal(facts(`${setup} ALTER TABLE t ALTER i TYPE bigint`).rewrite, true);
    // Unknown old type: assumed to rewrite, and said so.
    assert.equal(facts('ALTER TABLE u ALTER v TYPE text').rewrite, true);
  });

  test('ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent from 12; DETACH CONCURRENTLY from 14', () => {
    const attach = 'ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (1) TO (10)';
    assert.deepEqual(facts(attach, 110000).relations.find((r) => r.relation === 'p')?.mode, 'AccessExclusiveLock');
    assert.deepEqual(facts(attach, 120000).relations, [
      { relation: 'p1', mode: 'AccessExclusiveLock' },
      { relation: 'p', mode: 'ShareUpdateExclusiveLock' },
    ]);
    assert.equal(strongestLock(facts('ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY', 140000)), 'ShareUpdateExclusiveLock');
  });

  test('SET NOT NULL skips its scan after a validated CHECK (col IS NOT NULL), from 12', () => {
    const sql = 'ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER a SET NOT NULL';
    assert.equal(facts(sql, 120000).fullScan, false);
    assert.equal(facts(sql, 110000).fullScan, true);
    assert.equal(facts('ALTER TABLE t ALTER a SET NOT NULL').fullScan, true);
  });

  test('DO, CALL and unknown functions cannot be analysed; never reported as locking nothing safely', () => {
    for (const sql of ['DO $$ BEGIN PERFORM 1; END $$', 'CALL p()', 'SELECT my_migration()']) {
      const f = facts(sql);
      assert.equal(f.analysable, false, sql);
      assert.ok(f.reason, sql);
    }
    assert.equal(facts('SELECT count(*), now() FROM t').analysable, true);
  });

  test('what the strongest lock blocks', () => {
    assert.equal(facts('CREATE INDEX ON t (a)').blocks, 'writes');
    assert.equal(facts('CREATE INDEX CONCURRENTLY ON t (a)').blocks, 'nothing');
    assert.equal(facts('ALTER TABLE t DROP COLUMN a').blocks, 'reads and writes');
    assert.equal(facts('REFRESH MATERIALIZED VIEW CONCURRENTLY m').blocks, 'writes');
  });

  test('statements on a table created in the same file raise no lock hazard', () => {
    assert.deepEqual(facts('CREATE TABLE t (a int); CREATE INDEX ON t (a)').hazards, []);
    assert.equal(facts('CREATE INDEX ON t (a)').hazards.length, 1);
  });
});
