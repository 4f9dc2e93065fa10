// A procedure runs with only what it declares: the 002 emergency rollback,
// from the command line, asks for none of the forward run's inputs (no
// backup_dir) and none of its confirmations (staging, low traffic, disk).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, root } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { forProcedure } from '../../src/runbook/procedure.js';

const RUNBOOK = join(root, 'runbooks/002-multi-pair-support.yaml');
const MIGRATIONS = join(root, 'migrations/002-multi-pair');

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('procinputs');
  // The world after migration 001 and one index of 002: what an emergency rollback finds.
  await db.client.query(await readFile(join(MIGRATIONS, 'sandbox.sql'), 'utf8'));
  await db.client.query(await readFile(join(MIGRATIONS, '001-add-multi-pair-support.sql'), 'utf8'));
  await db.client.query('CREATE INDEX idx_orders_session_symbol ON orders (sessionid, symbol)');
});
after(async () => {
  await db.drop();
});

test('the 002 emergency rollback runs from the command line with only its own inputs and confirmations, exit 0', async () => {
  const r = await runCli(['run', RUNBOOK, '--procedure', 'emergency-rollback', '--db', db.url, '--plain', '--confirm-danger', db.name]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /backup_dir|missing input/);
  assert.doesNotMatch(r.stdout, /staging|low-traffic|free disk/, 'no forward confirmation is asked');
  const cols = await db.client.query("SELECT column_name FROM information_schema.columns WHERE (table_name = 'sessions' AND column_name IN ('pairs', 'pair_count')) OR (table_name = 'orders' AND column_name = 'pair_index')");
  assert.deepEqual(cols.rows, [], 'the columns are gone');
  const idx = await db.client.query("SELECT to_regclass('idx_orders_session_symbol') AS i");
  assert.equal(idx.rows[0].i, null, 'the index is gone');
});

test('a procedure takes only what it names under inherit:', async () => {
  const loaded = await loadRunbook(join(root, 'runbooks/004-alembic-phase3-indexes.yaml'));
  assert.ok(loaded.ok);
  const rb = forProcedure(loaded.runbook, 'diagnose-index-usage');
  assert.deepEqual(Object.keys(rb.inputs), ['user_id']);
  assert.deepEqual(rb.prerequisites, []);
  const emergency = forProcedure((await loadRunbook(RUNBOOK) as { runbook: typeof rb }).runbook, 'emergency-rollback');
  assert.deepEqual(Object.keys(emergency.inputs), []);
  assert.deepEqual(emergency.prerequisites, []);
});

test('validate refuses a procedure that uses an input it neither declares nor inherits, and a misspelt inherit', async () => {
  const { parseRunbook } = await import('../../src/runbook/load.js');
  const text = [
    'runbook: 1',
    'id: t',
    'title: T',
    'inputs: { backup_dir: { type: path } }',
    'steps: [{ id: a, title: A, sql: SELECT 1 }]',
    'procedures:',
    '  - id: undo',
    '    title: Undo',
    '    inherit: { inputs: [backup_dri] }',
    '    steps:',
    '      - { id: u, title: U, shell: "ls $RUNBOOK_INPUT_BACKUP_DIR" }',
    '      - { id: v, title: V, sql: "SELECT {{ inputs.backup_dir }}::text" }',
  ].join('\n');
  const r = await parseRunbook(text, join(root, 'inline.yaml'));
  assert.equal(r.ok, false);
  const messages = r.ok ? [] : r.problems.map((p) => `${p.line}: ${p.message}`);
  assert.ok(messages.some((m) => /^9: inherit: input "backup_dri" is not one of the runbook's inputs \(did you mean "backup_dir"\?\)/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^11: \$RUNBOOK_INPUT_BACKUP_DIR names no input in this procedure/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^12: \{\{ inputs\.backup_dir \}\} names no input/.test(m)), messages.join('\n'));
});
