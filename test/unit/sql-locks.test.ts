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
    // CONCURRENTLY: the parent only SHARE UPDATE EXCLUSIVE; the partition ACCESS EXCLUSIVE in the second transaction (the docs say so, pg_locks shows it).
    assert.deepEqual(facts('ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY', 140000).relations, [
      { relation: 'p1', mode: 'AccessExclusiveLock' },
      { relation: 'p', mode: 'ShareUpdateExclusiveLock' },
    ]);
  });

  test('what PostgreSQL locks beyond the named relation, from what the file made earlier', () => {
    const part = 'CREATE TABLE m (id int, k int) PARTITION BY RANGE (k); CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10); CREATE TABLE m11 PARTITION OF m1 FOR VALUES FROM (0) TO (5) ;';
    const locks = (sql: string, version = 150000) => Object.fromEntries(facts(sql, version).relations.map((r) => [r.relation, r.mode]));
    // CREATE INDEX on a partitioned table: every partition, down the tree; ON ONLY: the parent alone, and no build.
    assert.deepEqual(locks(`${part} CREATE INDEX ON m (k)`), { m: 'ShareLock', m1: 'ShareLock', m11: 'ShareLock' });
    assert.deepEqual(locks(`${part} CREATE INDEX ON ONLY m (k)`), { m: 'ShareLock' });
    assert.equal(facts(`${part} CREATE INDEX ON ONLY m (k)`).hazards.length, 0);
    // ALTER TABLE recurses (column and constraint changes) unless ONLY; a detached partition is no longer reached.
    assert.deepEqual(locks(`${part} ALTER TABLE m ADD COLUMN z int`), { m: 'AccessExclusiveLock', m1: 'AccessExclusiveLock', m11: 'AccessExclusiveLock' });
    assert.deepEqual(locks(`${part} ALTER TABLE ONLY m ALTER COLUMN k SET STATISTICS 10`), { m: 'ShareUpdateExclusiveLock' });
    assert.deepEqual(locks(`${part} ALTER TABLE m SET (autovacuum_enabled = false)`), { m: 'ShareUpdateExclusiveLock' });
    assert.deepEqual(locks(`${part} ALTER TABLE m DETACH PARTITION m1; ALTER TABLE m ADD COLUMN z int`), { m: 'AccessExclusiveLock' });
    // A view's tables are read with it; REFRESH runs the materialized view's query (not WITH NO DATA).
    const views = 'CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t; CREATE MATERIALIZED VIEW mv AS SELECT a FROM v;';
    assert.deepEqual(locks(`${views} SELECT * FROM v`), { v: 'AccessShareLock', t: 'AccessShareLock' });
    assert.deepEqual(locks(`${views} SELECT * FROM mv`), { mv: 'AccessShareLock' });
    assert.deepEqual(locks(`${views} REFRESH MATERIALIZED VIEW mv`), { mv: 'AccessExclusiveLock', v: 'AccessShareLock', t: 'AccessShareLock' });
    assert.deepEqual(locks(`${views} REFRESH MATERIALIZED VIEW mv WITH NO DATA`), { mv: 'AccessExclusiveLock' });
    // VALIDATE of a foreign key reads the referenced table (ROW SHARE); of a CHECK, nothing else.
    const fk = 'CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (pid int CONSTRAINT c_fk REFERENCES parent, CONSTRAINT c_chk CHECK (pid > 0));';
    assert.deepEqual(locks(`${fk} ALTER TABLE child VALIDATE CONSTRAINT c_fk`), { child: 'ShareUpdateExclusiveLock', parent: 'RowShareLock' });
    assert.deepEqual(locks(`${fk} ALTER TABLE child VALIDATE CONSTRAINT c_chk`), { child: 'ShareUpdateExclusiveLock' });
    assert.deepEqual(locks(`${fk} ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent NOT VALID; ALTER TABLE child VALIDATE CONSTRAINT child_pid_fkey`), { child: 'ShareUpdateExclusiveLock', parent: 'RowShareLock' });
    // A rule's actions open their tables when the rule is stored.
    assert.deepEqual(locks('CREATE RULE r AS ON UPDATE TO t DO ALSO (INSERT INTO log SELECT * FROM audit)'), { t: 'AccessExclusiveLock', log: 'RowExclusiveLock', audit: 'AccessShareLock' });
    // GRANT locks the table from PostgreSQL 18 only.
    assert.deepEqual(locks('GRANT SELECT ON t TO PUBLIC', 150000), {});
    assert.deepEqual(locks('GRANT SELECT ON t TO PUBLIC', 180000), { t: 'AccessShareLock' });
    assert.deepEqual(locks('GRANT USAGE ON SCHEMA s TO PUBLIC', 180000), {});
  });

  test('a last-phase lock (DROP INDEX CONCURRENTLY’s ACCESS EXCLUSIVE on the index) is listed but blocks nobody', () => {
    const dic = facts('CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); DROP INDEX CONCURRENTLY t_a');
    assert.deepEqual(dic.relations, [{ relation: 't', mode: 'ShareUpdateExclusiveLock' }, { relation: 't_a', mode: 'AccessExclusiveLock', final: true }]);
    assert.equal(dic.blocks, 'nothing');
    assert.equal(facts('DROP INDEX t_a').blocks, 'reads and writes');
    const reindex = facts('CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); REINDEX TABLE CONCURRENTLY t', 140000);
    assert.deepEqual(reindex.relations, [{ relation: 't', mode: 'ShareUpdateExclusiveLock' }, { relation: 't_a', mode: 'AccessExclusiveLock', final: true }]);
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
