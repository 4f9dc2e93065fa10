// The lock model predicts every entry of the corpus (test/corpus/locks.yaml),
// on each server version the entry applies to: the lock on each relation,
// whether the table is rewritten, and the findings. The corpus was written
// from PostgreSQL's documentation and checked against a real server's pg_locks
// (the guard's --trace-locks test keeps checking it on every run).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser, parseTreeOf, splitSql } from '../../src/sql/index.js';
import { statementsFindings } from '../../src/sql/findings.js';
import { statementLocks } from '../../src/sql/locks.js';
import { contextAfter } from '../support/lock-context.js';
import { lockCorpus } from '../support/lock-corpus.js';


const corpus = lockCorpus;

before(() => ensureParser());


describe('lock corpus', () => {
  test('has at least 150 statements with unique ids, each one statement', () => {
    assert.ok(corpus.length >= 150, `${corpus.length} entries`);
    assert.equal(new Set(corpus.map((e) => e.id)).size, corpus.length);
  });

  for (const version of [150000, 180000]) {
    test(`the model predicts every entry on ${version / 10000}`, () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const e of corpus) {
        if ((e.min_version && version < e.min_version) || (e.max_version && version > e.max_version)) continue;
        checked++;
        const statements = splitSql(e.sql);
        assert.equal(statements.length, 1, `${e.id}: expected one statement`);
        const node = parseTreeOf(statements[0]);
        assert.ok(node);
        const facts = statementLocks(node, version, contextAfter(e.setup, version));
        const locks = Object.fromEntries(facts.relations.map((r) => [r.relation, r.mode]));
        const findings = statementsFindings(statements, [], { serverVersionNum: version, lockTimeout: true, context: contextAfter(e.setup, version) })
          .map((f) => f.rule)
          .sort();
        const problems = [
          JSON.stringify(locks) === JSON.stringify(sortKeys(e.locks ?? {}, locks)) ? '' : `locks ${JSON.stringify(locks)}, expected ${JSON.stringify(e.locks)}`,
          facts.rewrite === e.rewrite ? '' : `rewrite ${facts.rewrite}, expected ${e.rewrite}`,
          JSON.stringify(findings) === JSON.stringify([...e.findings].sort()) ? '' : `findings ${JSON.stringify(findings)}, expected ${JSON.stringify(e.findings)}`,
        ].filter(Boolean);
        if (problems.length) wrong.push(`${e.id}: ${problems.join('; ')}`);
      }
      assert.ok(checked > 140, `${checked} entries apply`);
      assert.deepEqual(wrong, []);
    });
  }
});

/** The expected map in the predicted map's key order, so key order does not matter. */
function sortKeys(expected: Record<string, string>, predicted: Record<string, string>): Record<string, string> {
  const keys = Object.keys(expected).sort((a, b) => indexOr(predicted, a) - indexOr(predicted, b));
  return Object.fromEntries(keys.map((k) => [k, expected[k]]));
}

function indexOr(map: Record<string, string>, key: string): number {
  const i = Object.keys(map).indexOf(key);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
