// Whether a step runs under the lock guard is decided without keeping each
// statement's lock facts (anyGuarded, src/exec/postgres/lock-class.ts): it must
// answer what the kept facts (guardInfos) answer, on every entry of the lock
// corpus and on a long step whose one guarded statement is its last.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anyGuarded, guardInfos } from '../../src/exec/postgres/lock-class.js';
import { ensureParser, LockContext, splitSql } from '../../src/sql/index.js';
import { contextAfter } from '../support/lock-context.js';
import { lockCorpus } from '../support/lock-corpus.js';

before(() => ensureParser());

test('anyGuarded answers as guardInfos does on every entry of the lock corpus, on 15 and 18', () => {
  const answers = { guarded: 0, unguarded: 0 };
  for (const version of [150000, 180000]) {
    for (const e of lockCorpus) {
      if ((e.min_version && version < e.min_version) || (e.max_version && version > e.max_version)) continue;
      const statements = splitSql(e.sql);
      const context = contextAfter(e.setup, version);
      const quick = anyGuarded(statements, version, context.clone());
      assert.equal(quick, guardInfos(statements, version, context).some((i) => i.guarded), e.id);
      answers[quick ? 'guarded' : 'unguarded']++;
    }
  }
  assert.ok(answers.guarded > 50 && answers.unguarded > 50, JSON.stringify(answers));
});

test('a data fix is not guarded; the same with one ALTER TABLE at its end is, as guardInfos says', () => {
  const rows = Array.from({ length: 2_000 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i}');`);
  const fix = splitSql([...rows, 'UPDATE t SET note = NULL WHERE id < 0;'].join('\n'));
  const altered = splitSql([...rows, 'ALTER TABLE t ADD COLUMN note text;'].join('\n'));
  for (const [statements, guarded] of [[fix, false], [altered, true]] as const) {
    assert.equal(anyGuarded(statements, 150000, new LockContext()), guarded);
    assert.equal(guardInfos(statements, 150000, new LockContext()).some((i) => i.guarded), guarded);
  }
});
