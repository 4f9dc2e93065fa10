// Importing Markdown runbook documents: the five seed documents the product
// must carry, and the psql / SQL cases the importer has to get right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { importMarkdown } from '../../src/markdown/import.js';
import { runbook, type RunbookData } from '../../src/runbook/schema.js';

// dist/test/unit → the repository → shared/ beside it.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const seeds = process.env.RUNBOOK_SEEDS_DIR ?? join(repo, '..', 'shared', 'seeds');

async function importSeed(name: string) {
  const file = join(seeds, name);
  assert.ok(existsSync(file), `seed document ${file} is missing (set RUNBOOK_SEEDS_DIR to the seeds folder)`);
  return importMarkdown(readFileSync(file, 'utf8'), { fileName: name });
}

/** The YAML text itself must load and pass the schema, not only the object returned beside it. */
function reparse(yaml: string): RunbookData {
  assert.ok(yaml.startsWith('# yaml-language-server: $schema=../schema/runbook.schema.json\nrunbook: 1\n'), yaml.slice(0, 120));
  return runbook.parse(parse(yaml));
}

const titles = (rb: RunbookData) => rb.steps.map((s) => s.title);

// Step counts were taken by hand from each document's numbered step headings.
test('000 (blue-green continuous aggregates): six steps with their files, expected output and rollbacks', async () => {
  const { yaml, runbook: rb, unmapped } = await importSeed('000_d0af1f5341a98e67.txt');
  assert.deepEqual(reparse(yaml).steps.map((s) => s.id), rb.steps.map((s) => s.id));
  assert.deepEqual(titles(rb), [
    'Run Migration 016 (Create V2 Aggregates)',
    'Verify V2 Aggregates',
    'Run Migration 017 (Atomic Cutover)',
    'Update Application Code',
    'Monitor Application',
    'Cleanup Old Tables (After 7+ Days)',
  ]);
  const [create, verify, cutover, code, , cleanup] = rb.steps;
  // `psql -U ... -d ...` then `\i FILE` at its prompt: a sql_file step on the pinned target.
  assert.equal(create.sql_file, 'migrations/016_fix_continuous_aggregates_with_oi.sql');
  assert.match(create.expected ?? '', /NOTICE: ✅ SUCCESS: New aggregates have OI data/, 'mis-encoded ✅ is repaired');
  assert.deepEqual(create.rollback, { sql: 'DROP MATERIALIZED VIEW fo_option_strike_bars_5min_v2, fo_option_strike_bars_15min_v2;' });
  assert.equal(verify.shell, 'python scripts/test_phase1a_migration.py');
  assert.match(verify.expected ?? '', /🎉 ALL TESTS PASSED!/);
  assert.equal(cutover.sql_file, 'migrations/017_cutover_to_v2_aggregates.sql');
  assert.deepEqual(cutover.rollback, { sql_file: 'migrations/017_rollback.sql' });
  assert.ok(code.confirm, 'a step without a command becomes a confirmation');
  assert.ok(unmapped.some((u) => u.includes('Step 4: Update Application Code') && u.includes('no command')));
  assert.equal(cleanup.irreversible, true, '"This is permanent!" marks the step irreversible');

  assert.equal(rb.prerequisites.length, 4);
  assert.ok(rb.prerequisites.every((p) => p.confirm));
  assert.equal(rb.risk, 'low');
  assert.equal(rb.estimate, '30m');
  assert.deepEqual(rb.troubleshooting.map((t) => t.title), [
    'OI columns not found',
    'V2 aggregates have no data',
    'Performance not improved',
    'Continuous aggregates not refreshing',
  ]);
  assert.equal(rb.troubleshooting[0].cause, "Base table doesn't have OI columns");
  assert.match(rb.troubleshooting[0].fix?.sql ?? '', /ALTER TABLE fo_option_strike_bars ADD COLUMN IF NOT EXISTS call_oi_sum/);
  assert.doesNotMatch(rb.troubleshooting[0].fix?.sql ?? '', /\\d/, 'the psql meta-command is not left in the SQL');
  assert.ok(unmapped.some((u) => u.includes('`\\d fo_option_strike_bars`') && u.startsWith('Troubleshooting')));
  assert.equal(rb.procedures.length, 1);
  assert.equal(rb.procedures[0].steps[0].sql_file, 'migrations/017_rollback.sql');
  assert.match(rb.procedures[0].when ?? '', /after migration 017/);
  assert.equal(rb.checklist.length, 6);
  assert.ok(unmapped.some((u) => u.startsWith('Performance Benchmarks')), 'sections with code that maps to nothing are reported');
});

test('001 (SQLite → TimescaleDB): nine steps over two sections, psql -c and \\dt handled, three scenarios', async () => {
  const { yaml, runbook: rb, unmapped } = await importSeed('001_937c66b676832286.txt');
  reparse(yaml);
  assert.deepEqual(titles(rb), [
    'Create Database',
    'Enable TimescaleDB Extension',
    'Initialize Schema',
    'Create TimescaleDB Hypertables',
    'Create Continuous Aggregates',
    'Setup Compression Policy',
    'Verify Source Database',
    'Run Migration Script',
    'Verify Migration',
  ]);
  const byId = new Map(rb.steps.map((s) => [s.id, s]));
  // psql -d quant_platform -c "SQL": the SQL, run on the pinned target.
  assert.equal(byId.get('enable-timescaledb-extension')?.sql, 'CREATE EXTENSION IF NOT EXISTS timescaledb;');
  assert.match(byId.get('enable-timescaledb-extension')?.verify[0].sql ?? '', /^SELECT extname, extversion FROM pg_extension/);
  // psql -c "\dt" is not SQL: a shell check running psql against the target.
  assert.equal(byId.get('initialize-schema')?.verify[0].shell, `psql "$DATABASE_URL" -c '\\dt'`);
  assert.equal(byId.get('initialize-schema')?.expected, '19 tables listed');
  assert.equal(byId.get('create-timescaledb-hypertables')?.sql_file, 'scripts/create_timescaledb_hypertables.sql');
  // Three psql -f in one step: still one step, and the author is told.
  assert.match(byId.get('initialize-schema')?.shell ?? '', /-f scripts\/init_postgres_schema\.sql[\s\S]*-f scripts\/add_quant_platform_tables\.sql/);
  assert.ok(unmapped.some((u) => u.includes('Step 3: Initialize Schema') && u.includes('3 SQL files')));
  // A shell block that does more than run psql stays as written, flagged when it names its own database.
  assert.equal(byId.get('create-database')?.shell, '# Create database\ncreatedb quant_platform\n\n# Verify creation\npsql -l | grep quant_platform');
  assert.ok(unmapped.some((u) => u.includes('`createdb quant_platform` does not use the runbook')));

  assert.deepEqual(rb.procedures.map((p) => p.title), [
    'Scenario 1: Migration Failure (Incomplete)',
    'Scenario 2: Data Corruption Detected',
    'Scenario 3: Revert to SQLite',
  ]);
  assert.deepEqual(rb.procedures[1].steps.map((s) => s.title), ['Stop all connections', 'Restore from backup', 'Or re-migrate from SQLite']);
  assert.match(rb.procedures[1].steps[0].sql ?? '', /pg_terminate_backend/);
  assert.equal(rb.troubleshooting.length, 5);
  assert.deepEqual(rb.troubleshooting[0].match, { error: 'could not open extension control file "timescaledb.control"' });
  assert.equal(rb.checklist.length, 24);
  assert.ok(rb.checklist.every((c) => typeof c === 'object' && c.group), 'items keep their sub-heading as group');
});

test('002 (multi-pair migrations): two migration steps with validation checks and rollback SQL', async () => {
  const { yaml, runbook: rb } = await importSeed('002_34dd5e006b7ca78a.txt');
  reparse(yaml);
  assert.deepEqual(titles(rb), ['Add Multi-Pair Support', 'Add Symbol Indexes']);
  const [columns, indexes] = rb.steps;
  assert.deepEqual(columns.verify.map((c) => c.title), ['Check sessions with pairs', 'Verify pair_count accuracy']);
  assert.match(columns.rollback?.sql ?? '', /ALTER TABLE orders DROP COLUMN IF EXISTS pair_index;/);
  assert.equal(indexes.verify.length, 2);
  assert.equal((indexes.rollback?.sql ?? '').match(/DROP INDEX CONCURRENTLY/g)?.length, 9);
  assert.equal(rb.prerequisites.length, 2);
  assert.equal(rb.troubleshooting.length, 4);
  assert.equal(rb.procedures.length, 1);
  assert.match(rb.procedures[0].steps[0].sql ?? '', /DROP INDEX CONCURRENTLY IF EXISTS idx_fills_symbol_timestamp;[\s\S]*ALTER TABLE sessions DROP COLUMN IF EXISTS pairs;/);
});

test('003 (Alembic tasks): twelve "Task N.N" steps, to-do lists in code fences kept as prose', async () => {
  const { yaml, runbook: rb, unmapped } = await importSeed('003_1eb7ea16a395812f.txt');
  reparse(yaml);
  assert.equal(rb.steps.length, 12);
  assert.equal(rb.steps[0].title, 'Initialize Alembic');
  assert.match(rb.steps[0].shell ?? '', /alembic init alembic/);
  const generate = rb.steps[2];
  assert.equal(generate.title, 'Generate Base Migration');
  assert.equal(generate.shell, undefined, 'a "- [ ] ..." list in a bash fence is not a script');
  assert.match(generate.explain ?? '', /- \[ \] alembic revision --autogenerate/);
  assert.ok(unmapped.some((u) => u.includes('Task 6.1') && u.includes('holds a list')));
  assert.equal(rb.checklist.length, 10);
  assert.equal(rb.estimate, '1d');
});

test('004 (Phase 3 indexes): no numbered steps, so one placeholder step and a clear report', async () => {
  const { yaml, runbook: rb, unmapped } = await importSeed('004_ec7fb07a9c3830dd.txt');
  reparse(yaml);
  assert.equal(rb.steps.length, 1);
  assert.ok(unmapped.some((u) => u.includes('no numbered step headings')));
  assert.ok(unmapped.some((u) => u.startsWith('Quick Start')), 'the commands it did not map are named by their heading');
  assert.equal(rb.title, 'Phase 3 Migrations - Database Optimization');
  assert.deepEqual(rb.troubleshooting.map((t) => t.title), ['Migration Fails', 'Index Not Being Used', 'Materialized View Out of Date']);
  assert.match(rb.troubleshooting[2].fix?.sql ?? '', /REFRESH MATERIALIZED VIEW CONCURRENTLY user_stats_summary/);
  assert.equal(rb.procedures[0].title, 'Rollback');
  assert.equal(rb.checklist.length, 12);
  assert.doesNotMatch(yaml, /üìã|âœ…/, 'mis-encoded characters are repaired');
});

test('psql meta-commands become shell steps, or are reported; \\i and -f become sql_file', async () => {
  const doc = [
    '# Meta',
    '### Step 1: List tables',
    '```sql\n\\dt\n```',
    '### Step 2: Describe and change',
    '```sql\n\\d sessions\nALTER TABLE sessions ADD COLUMN x int;\n```',
    '### Step 3: Include a file',
    '```sql\n\\i migrations/001.sql\n```',
    '### Step 4: psql -c with SQL',
    '```bash\npsql "$DATABASE_URL" -c "SELECT 1"\n```',
    '### Step 5: psql -c with a meta-command',
    '```bash\npsql -d app -c "\\d+ orders"\n```',
    '### Step 6: psql -f',
    '```bash\npsql -h db -U admin app -v ON_ERROR_STOP=1 -f "migrations/002 indexes.sql"\n```',
    '### Step 7: Not SQL at all',
    '```sql\nSELECT FROM WHERE;\n```',
  ].join('\n\n');
  const { runbook: rb, unmapped } = await importMarkdown(doc, {});
  assert.equal(rb.steps[0].shell, `psql "$DATABASE_URL" -c '\\dt'`);
  assert.equal(rb.steps[1].sql, 'ALTER TABLE sessions ADD COLUMN x int;');
  assert.ok(unmapped.some((u) => u.startsWith('Step 2: Describe and change') && u.includes('`\\d sessions`')));
  assert.equal(rb.steps[2].sql_file, 'migrations/001.sql');
  assert.equal(rb.steps[3].sql, 'SELECT 1');
  assert.equal(rb.steps[4].shell, `psql "$DATABASE_URL" -c '\\d+ orders'`);
  assert.equal(rb.steps[5].sql_file, 'migrations/002 indexes.sql');
  assert.equal(rb.steps[6].sql, undefined);
  assert.ok(unmapped.some((u) => u.startsWith('Step 7: Not SQL at all') && u.includes('not valid SQL')));
});

test('step ids come from titles, deduplicated; the runbook id from the title or --id', async () => {
  const doc = '# My Runbook!\n\n### Step 1: Verify\n\n```sql\nSELECT 1;\n```\n\n### Step 2: Verify\n\n```sql\nSELECT 2;\n```\n';
  const { runbook: rb } = await importMarkdown(doc, {});
  assert.equal(rb.id, 'my-runbook');
  assert.deepEqual(rb.steps.map((s) => s.id), ['verify', 'verify-2']);
  assert.equal((await importMarkdown(doc, { id: 'Ops Cutover' })).runbook.id, 'ops-cutover');
  assert.equal((await importMarkdown('no headings at all', { fileName: 'db-notes.md' })).runbook.id, 'db-notes');
});

test('task-list prerequisites become confirmations and unmapped items are written into the YAML too', async () => {
  const doc = '# T\n\n## Prerequisites\n\n- [x] PostgreSQL 12+\n- [ ] A backup\n\n#### 1. Do it\n\n```sql\nSELECT 1;\n```\n\n## Notes\n\n```python\nprint(1)\n```\n';
  const { yaml, runbook: rb, unmapped } = await importMarkdown(doc, {});
  assert.deepEqual(rb.prerequisites.map((p) => p.confirm), ['PostgreSQL 12+', 'A backup']);
  assert.equal(rb.steps[0].title, 'Do it');
  assert.deepEqual(unmapped, ['Notes: 1 code block not mapped (first: print(1))']);
  assert.match(yaml, /^# {3}- Notes: 1 code block not mapped/m);
});
