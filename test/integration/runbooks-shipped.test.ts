// Every shipped runbook, as a newcomer would try it: on a database built by
// its sandbox fixture, walked from the first prerequisite to the end in plain
// mode, then rolled back by its rollback procedure — after which the schema
// must be what the fixture left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { forProcedure } from '../../src/runbook/procedure.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { runFixture } from '../../src/run/sandbox.js';
import { catalogDiff, catalogSnapshot } from '../support/catalog.js';
import { root, runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/db.js';

interface Case {
  file: string;
  rollback: string;
  /** Tables a rollback deliberately keeps (the record of what was done, backups of removed rows). */
  kept?: RegExp;
}

const cases: Case[] = [
  { file: 'runbooks/002-multi-pair-support.yaml', rollback: 'emergency-rollback', kept: /\b(migrations|fills_duplicates_removed)\w*/ },
  { file: 'runbooks/003-alembic-adoption.yaml', rollback: 'leave-alembic', kept: /\b(alembic_version|data_transformation_backup)\w*/ },
  { file: 'runbooks/004-alembic-phase3-indexes.yaml', rollback: 'rollback-everything', kept: /\balembic_version\w*/ },
];

for (const c of cases) {
  test(`${c.file}: runs end to end on its fixture, then ${c.rollback} restores the schema`, async () => {
    const loaded = await loadRunbook(join(root, c.file));
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map((p) => p.message).join('\n'));
    const rb = loaded.runbook;
    const db = await createTestDatabase('rb');
    try {
      const fixture = await runFixture(rb, db.url, {}, () => {});
      assert.ok(!fixture || fixture.ok, `fixture failed: ${fixture?.error?.message}`);
      const before = await catalogSnapshot(db.client);
      const inputs = Object.entries(rb.sandbox?.inputs ?? {}).flatMap(([k, v]) => ['--input', `${k}=${v}`]);
      const common = ['--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', join(root, '.runbook-state', db.name), ...inputs];

      const run = await runCli(['run', c.file, ...common]);
      assert.equal(run.code, 0, `run failed:\n${run.stdout.slice(-4000)}\n${run.stderr}`);
      assert.match(run.stdout, /run succeeded/);
      for (const step of rb.steps) assert.ok(run.stdout.includes(`: ${step.title}`), `step "${step.title}" was not walked`);

      // The procedure gets only the inputs it declares or inherits, and no --yes: it asks for its own confirmations only.
      const own = forProcedure(rb, c.rollback).inputs;
      const procInputs = Object.entries(rb.sandbox?.inputs ?? {}).filter(([k]) => k in own).flatMap(([k, v]) => ['--input', `${k}=${v}`]);
      const rollback = await runCli(['run', c.file, '--procedure', c.rollback, '--db', db.url, '--plain', '--confirm-danger', db.name, '--state-dir', join(root, '.runbook-state', db.name), ...procInputs]);
      assert.equal(rollback.code, 0, `rollback failed:\n${rollback.stdout.slice(-4000)}\n${rollback.stderr}`);
      const { removed, added } = catalogDiff(before, await catalogSnapshot(db.client));
      const unexpected = added.filter((line) => !c.kept?.test(line));
      assert.deepEqual({ removed, added: unexpected }, { removed: [], added: [] }, 'the rollback must leave the schema as the fixture left it');
    } finally {
      await db.drop();
    }
  });
}

for (const file of ['runbooks/000-timescale-oi-aggregates.yaml', 'runbooks/001-sqlite-to-timescaledb.yaml']) {
  test(`${file}: on a server without TimescaleDB it stops at the prerequisite, with the install guidance`, async () => {
    const db = await createTestDatabase('ts');
    try {
      const inputs = file.includes('001') ? ['--input', 'sqlite_path=/tmp/spock_local.db'] : [];
      const r = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', join(root, '.runbook-state', db.name), ...inputs]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /── prerequisite \d+\/\d+: .*TimescaleDB/i);
      assert.doesNotMatch(r.stdout, /── step 1\//, 'no step may start without TimescaleDB');
      assert.match(r.stdout, /Matches this failure:[\s\S]*timescaledb/i);
      assert.match(r.stdout, /install/i);
    } finally {
      await db.drop();
    }
  });
}
