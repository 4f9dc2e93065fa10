// A step that runs statement by statement, stopped part-way by an error and
// retried (`runbook resume RUN --retry`): the statements that committed are not
// run again, and the notices they raised in the earlier attempt still count for
// the step's notices check. Before, the check saw only the retried statements'
// notices and failed on a step whose every statement had run and said what it
// must (runbook 000's migration 016, after its refresh met the new policy's run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/db.js';
import { runCli } from '../support/cli.js';

const BOOK = `runbook: 1
id: resume-notices
title: resume notices
risk: low
steps:
  - id: one
    title: one
    transaction: never
    sql: |
      DO $$ BEGIN RAISE NOTICE 'first notice'; END $$;
      SELECT 1 / (SELECT count(*) FROM go_on) AS x;
      DO $$ BEGIN RAISE NOTICE 'last notice'; END $$;
    expect:
      notices:
        - first notice
        - last notice
`;

test('a step retried after its first statements committed: their notices from the earlier attempt count for its notices check', async () => {
  const db = await createTestDatabase('resume_notices');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'resume-notices-'));
    const file = join(dir, 'book.yaml');
    const stateDir = join(dir, 'state');
    writeFileSync(file, BOOK);
    await db.client.query('CREATE TABLE go_on (x int)');
    const first = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir], { NO_COLOR: '1' });
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /NOTICE: first notice/);
    assert.match(first.stdout, /division by zero/);
    await db.client.query('INSERT INTO go_on VALUES (1)');
    const id = readdirSync(join(stateDir, 'runs'))[0].replace(/\.jsonl$/, '');
    const again = await runCli(['resume', id, '--retry', '--db', db.url, '--plain', '--yes', '--state-dir', stateDir], { NO_COLOR: '1' });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /statement 1 of 3 committed in an earlier attempt \(journal\): not run again; running statements 2–3/);
    assert.doesNotMatch(again.stdout, /NOTICE: first notice/, 'the committed statement is not run again');
    assert.match(again.stdout, /✓ notice — raised: "first notice"/);
    assert.match(again.stdout, /✓ notice — raised: "last notice"/);
  } finally {
    await db.drop();
  }
});
