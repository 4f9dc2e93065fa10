// The session's pause before each step (--step), against a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook, type Runbook } from '../../src/runbook/load.js';
import { RunSession } from '../../src/run/session.js';
import type { Operator } from '../../src/run/operator.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

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
