// `runbook rollback RUN` after three completed steps (the fourth failed):
// exactly those three are undone, newest first, through their rollback
// sections and the usual gating, and the schema is as it was before,
// compared with a snapshot of the catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { readJournal } from '../../src/journal/journal.js';
import { replayJournal } from '../../src/journal/replay.js';
import { createTestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';


const cli = (args: string[]) => startCli(args).done;

/** Everything a migration can change in the schema, as sorted text lines. */
async function catalog(client: pg.Client): Promise<string[]> {
  const r = await client.query(`
    WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%')
    SELECT 'schema ' || nspname AS line FROM ns
    UNION ALL SELECT 'rel ' || ns.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    UNION ALL SELECT 'col ' || ns.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON ns.oid = c.relnamespace
    UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(co.oid) FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
    UNION ALL SELECT 'function ' || ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc) FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace WHERE NOT t.tgisinternal
    UNION ALL SELECT 'view ' || ns.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid) FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
    UNION ALL SELECT 'type ' || ns.nspname || '.' || t.typname FROM pg_type t JOIN ns ON ns.oid = t.typnamespace WHERE t.typtype IN ('e', 'c', 'd')
    ORDER BY 1`);
  return r.rows.map((row: { line: string }) => row.line);
}

test('a rollback after three completed steps undoes exactly those three, newest first, and the catalog is as before', async () => {
  const db = await createTestDatabase('jrb');
  const dir = mkdtempSync(join(tmpdir(), 'journal-rollback-'));
  const stateDir = join(dir, 'state');
  try {
    await db.client.query(`CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL); INSERT INTO accounts SELECT g, 'u' || g || '@x' FROM generate_series(1, 50) g`);
    const file = join(dir, 'migrate.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        runbook: 1,
        id: 'accounts-status',
        title: 'Account status',
        prerequisites: [{ id: 'has-accounts', title: 'accounts exists', sql: `SELECT to_regclass('accounts') IS NOT NULL AS ok`, expect: { row: { ok: true } } }],
        steps: [
          { id: 'column', title: 'Add the status column', sql: `ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active'`, rollback: { sql: 'ALTER TABLE accounts DROP COLUMN status' } },
          // Its rollback fails if the column was dropped first: the order is checked by the database itself.
          { id: 'index', title: 'Index the status', sql: 'CREATE INDEX accounts_status_idx ON accounts (status)', rollback: { sql: 'DROP INDEX accounts_status_idx' } },
          {
            id: 'audit',
            title: 'Audit table and trigger',
            sql: `CREATE TABLE audit (id serial PRIMARY KEY, account int REFERENCES accounts, at timestamptz DEFAULT now());
CREATE FUNCTION audit_status() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (account) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER accounts_audit AFTER UPDATE OF status ON accounts FOR EACH ROW EXECUTE FUNCTION audit_status();`,
            rollback: { sql: 'DROP TRIGGER accounts_audit ON accounts; DROP FUNCTION audit_status(); DROP TABLE audit;' },
          },
          { id: 'broken', title: 'Backfill (fails)', sql: `UPDATE accounts SET status = 'x' WHERE id = 1; SELECT 1 / 0;`, rollback: { sql: 'SELECT 1' } },
          { id: 'never', title: 'Never reached', sql: 'CREATE TABLE never (id int)', rollback: { sql: 'DROP TABLE never' } },
        ],
      }),
    );
    const before = await catalog(db.client);

    const run = await cli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const runId = /run (\S+) · journal/.exec(run.stdout)?.[1];
    assert.ok(runId, run.stdout);
    // The plan was shown, and journalled, before the first step that changes data.
    const shownAt = run.stdout.indexOf('rollback plan');
    assert.ok(shownAt >= 0 && shownAt < run.stdout.indexOf('step 1/5'), run.stdout);
    const original = readJournal(join(stateDir, 'runs', `${runId}.jsonl`));
    const planAt = original.records.findIndex((r) => r.record === 'rollback_plan');
    const firstStep = original.records.findIndex((r) => r.record === 'event' && r.event.type === 'item_started' && r.event.key.startsWith('step:'));
    assert.ok(planAt > 0 && planAt < firstStep);
    assert.notDeepEqual(await catalog(db.client), before);

    // Undoing DROPs needs the database name typed, as in any run: without it, nothing is undone.
    const refused = await cli(['rollback', runId!, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /refused: no --confirm-danger was given/);
    assert.notDeepEqual(await catalog(db.client), before);

    const rollback = await cli(['rollback', runId!, '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', stateDir]);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    assert.match(rollback.stdout, /plan: undo 3 completed steps, newest first:\n {2}1\. Audit table and trigger \[audit\][^\n]*\n {2}2\. Index the status \[index\][^\n]*\n {2}3\. Add the status column \[column\]/);
    assert.match(rollback.stdout, /warning: step "Backfill \(fails\)" did not complete and may be partly applied/);

    assert.deepEqual(await catalog(db.client), before, 'the schema is as it was before the run');
    assert.equal((await db.client.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n, 50, 'the data is untouched');

    // The rollback run's own journal: exactly the three undos, newest first.
    const rollbackId = /run (\S+) · journal/.exec(rollback.stdout)![1];
    const undo = readJournal(join(stateDir, 'runs', `${rollbackId}.jsonl`));
    assert.equal(undo.header.rollbackOf, runId);
    assert.deepEqual(undo.header.plan, ['audit', 'index', 'column']);
    const sent = undo.events.flatMap((e) => (e.type === 'item_output' ? e.events.flatMap((x) => (x.type === 'statement_started' ? [x.text] : [])) : []));
    assert.deepEqual(sent, ['DROP TRIGGER accounts_audit ON accounts', 'DROP FUNCTION audit_status()', 'DROP TABLE audit', 'DROP INDEX accounts_status_idx', 'ALTER TABLE accounts DROP COLUMN status']);
    assert.equal(replayJournal(undo).ended?.outcome, 'succeeded');

    // The original run now says which of its steps were rolled back; nothing is undone twice.
    const marked = replayJournal(readJournal(original.path));
    assert.deepEqual(marked.items.filter((i) => i.kind === 'step').map((i) => [i.id, i.status]), [
      ['column', 'rolled_back'],
      ['index', 'rolled_back'],
      ['audit', 'rolled_back'],
      ['broken', 'failed'],
      ['never', 'pending'],
    ]);
    const twice = await cli(['rollback', runId!, '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', stateDir]);
    assert.equal(twice.code, 0);
    assert.match(twice.stdout, /nothing to undo/);
    const resume = await cli(['resume', runId!, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir]);
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /was rolled back; start a new run instead/);
    const history = await cli(['history', '--state-dir', stateDir]);
    assert.match(history.stdout, new RegExp(`${runId} +accounts-status +run .* rolled back`));
    assert.match(history.stdout, new RegExp(`rollback of ${runId} .* succeeded`));
    assert.equal(readdirSync(join(stateDir, 'runs')).length, 3);
  } finally {
    await db.drop();
  }
});
