// `runbook lint` as CI runs it: a real process on real files — text, --json,
// --format sarif, exit codes, acceptance in SQL comments and in a runbook step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-lint-'));
  await mkdir(join(dir, 'migrations'));
  await writeFile(join(dir, 'migrations', '001_index.sql'), [
    "SET lock_timeout = '5s';",
    'CREATE INDEX users_email ON users (email);',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);',
  ].join('\n'));
  await writeFile(join(dir, 'migrations', '002_ok.sql'), [
    "SET lock_timeout = '5s';",
    'CREATE INDEX CONCURRENTLY users_name ON users (name);',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
    '-- runbook: accept table-rewrite runs in the Sunday window',
    'VACUUM FULL users;',
  ].join('\n'));
  await writeFile(join(dir, 'broken.sql'), 'CREATE INDEX ON;');
  await writeFile(join(dir, 'rb.yaml'), [
    'runbook: 1',
    'id: lint-demo',
    'title: Lint demo',
    'steps:',
    '  - id: add-column',
    '    title: Add a column with a volatile default',
    '    sql: ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()',
    '    accept:',
    '      add-column-volatile-default: users has 12 rows in every environment',
    '  - id: drop-index',
    '    title: Drop the old index',
    '    lock_timeout: 2s',
    '    sql: DROP INDEX users_old',
  ].join('\n'));
});

after(() => rm(dir, { recursive: true, force: true }));

describe('runbook lint', () => {
  test('text: file:line:col, severity, rule, lock, advice; exit 1 while a warning is open', async () => {
    const r = await runCli(['lint', join(dir, 'migrations', '001_index.sql')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /001_index\.sql:2:1: warning create-index-non-concurrently \[SHARE lock on users\]: CREATE INDEX users_email blocks writes/);
    assert.match(r.stdout, /advice: Use CREATE INDEX CONCURRENTLY/);
    assert.match(r.stdout, /001_index\.sql:3:1: warning constraint-validates \[SHARE ROW EXCLUSIVE lock on users\]/);
    assert.match(r.stdout, /advice: Add it NOT VALID .* then ALTER TABLE … VALIDATE CONSTRAINT in a later step/);
    assert.match(r.stdout, /2 findings: 2 warnings in 1 file/);
  });

  test('exit 0 when every finding left is accepted; the accepted one is shown, with its reason', async () => {
    const r = await runCli(['lint', join(dir, 'migrations', '002_ok.sql')]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /002_ok\.sql:5:1: accepted warning table-rewrite .*\n  accepted: runs in the Sunday window/);
  });

  test('--json: the documented fields for every finding; a folder means its .sql files', async () => {
    const r = await runCli(['lint', '--json', join(dir, 'migrations')]);
    assert.equal(r.code, 1);
    const { findings } = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    assert.deepEqual(findings.map((f) => [String(f.file).split('/').pop(), f.line, f.rule]), [
      ['001_index.sql', 2, 'create-index-non-concurrently'],
      ['001_index.sql', 3, 'constraint-validates'],
      ['002_ok.sql', 5, 'table-rewrite'],
    ]);
    for (const f of findings) for (const key of ['file', 'line', 'column', 'rule', 'severity', 'lock', 'rewrite', 'message', 'advice']) assert.ok(key in f, key);
    assert.equal(findings[2].rewrite, true);
    assert.equal(findings[2].lock, 'AccessExclusiveLock');
  });

  test('--format sarif: SARIF 2.1.0 with rules, levels, regions, and accepted findings as suppressions', async () => {
    const r = await runCli(['lint', '--format', 'sarif', join(dir, 'migrations')]);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'runbook');
    const results = run.results as { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { region: { startLine: number } } }[]; suppressions?: { justification: string }[] }[];
    assert.deepEqual(results.map((x) => [x.ruleId, x.level, x.locations[0].physicalLocation.region.startLine]), [
      ['create-index-non-concurrently', 'warning', 2],
      ['constraint-validates', 'warning', 3],
      ['table-rewrite', 'warning', 5],
    ]);
    for (const x of results) assert.equal(run.tool.driver.rules[x.ruleIndex].id, x.ruleId);
    assert.equal(results[2].suppressions?.[0].justification, 'runs in the Sunday window');
  });

  test('a runbook: findings at the YAML line, accepted per step with a reason; lock_timeout on the step silences lock-timeout-missing', async () => {
    const r = await runCli(['lint', '--json', join(dir, 'rb.yaml')]);
    const { findings } = JSON.parse(r.stdout) as { findings: { line: number; rule: string; accepted: unknown }[] };
    assert.deepEqual(findings.map((f) => [f.line, f.rule, f.accepted !== null]), [
      [7, 'add-column-volatile-default', true],
      [7, 'lock-timeout-missing', false],
      [13, 'drop-index-non-concurrently', false],
    ]);
    assert.equal(r.code, 1);
  });

  test('--server-version judges for that version: a constant default rewrote before 11', async () => {
    await writeFile(join(dir, 'default.sql'), "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN a int DEFAULT 0;");
    assert.equal((await runCli(['lint', join(dir, 'default.sql')])).code, 0);
    const old = await runCli(['lint', '--server-version', '10', join(dir, 'default.sql')]);
    assert.equal(old.code, 1);
    assert.match(old.stdout, /add-column-default-rewrites/);
  });

  test('SQL that does not parse is an error finding; a missing file or a bad option exits 2', async () => {
    const broken = await runCli(['lint', join(dir, 'broken.sql')]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /broken\.sql:1:\d+: error syntax-error: SQL does not parse/);
    const missing = await runCli(['lint', join(dir, 'nothing.sql')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothing\.sql: no such file or folder/);
    const badFormat = await runCli(['lint', '--format', 'xml', join(dir, 'broken.sql')]);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format xml: expected text, json or sarif/);
  });

  test('validate: what would fail at run time is a problem; a misspelt accept rule too; the rest are shown as findings', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, [
      'runbook: 1', 'id: bad', 'title: Bad', 'steps:',
      '  - id: idx', '    title: Index inside the step’s own transaction', '    sql: |',
      '      BEGIN;', '      CREATE INDEX CONCURRENTLY users_email ON users (email);', '      COMMIT;',
      '  - id: enum', '    title: Add and use an enum value', '    lock_timeout: 1s', '    sql: |',
      "      ALTER TYPE mood ADD VALUE 'happy';", "      UPDATE people SET m = 'happy' WHERE id = 1;",
      '    accept:', '      create-index-non-concurrenty: typo',
    ].join('\n'));
    const r = await runCli(['validate', bad]);
    assert.equal(r.code, 2, "a runbook problem");
    assert.match(r.stdout, /bad\.yaml:9:\d+: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one runs inside the BEGIN before it \[cannot-run-in-transaction\]/);
    assert.match(r.stdout, /bad\.yaml:16:\d+: the enum value 'happy' is used in the transaction that added it.*\[enum-value-used-in-transaction\]/);
    assert.match(r.stdout, /accept: "create-index-non-concurrenty" is not a rule id \(did you mean "create-index-non-concurrently"\?\)/);
    const ok = await runCli(['validate', join(dir, 'rb.yaml')]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /rb\.yaml:13:\d+: warning drop-index-non-concurrently/);
    assert.match(ok.stdout, /rb\.yaml: ok \(2 steps, 0 procedures; 3 findings: 2 warnings, 1 accepted/);
  });

  test('a runbook’s rollbacks and troubleshooting fixes are linted too, named as such; a table an earlier step made is new', async () => {
    const file = join(dir, 'undo.yaml');
    const lines = [
      'runbook: 1', 'id: undo', 'title: Undo', 'lock_timeout: 2s', 'steps:',
      '  - id: make', '    title: Make a table', '    sql: CREATE TABLE fresh (a int)',
      // A table made by an earlier step of the runbook is new and empty: indexing it is no finding.
      '  - id: index-fresh', '    title: Index the new table', '    sql: CREATE INDEX fresh_a ON fresh (a)',
      '  - id: index', '    title: Index users concurrently', '    sql: CREATE INDEX CONCURRENTLY users_a ON users (a)',
      '    rollback:', '      sql: DROP INDEX users_a',
      '  - id: check', '    title: Add a check', '    sql: ALTER TABLE users ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID',
      '    rollback:', '      sql: ALTER TABLE users DROP CONSTRAINT a_pos',
      'troubleshooting:', '  - id: missing-org', '    title: Organisation missing', '    fix:',
      '      sql: ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)',
    ];
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    await writeFile(file, lines.join('\n'));
    const r = await runCli(['lint', '--json', file]);
    const { findings } = JSON.parse(r.stdout) as { findings: { line: number; rule: string; step?: string; part?: string }[] };
    assert.deepEqual(findings.map((f) => [f.line, f.rule, f.step, f.part ?? null]), [
      [lineOf('DROP INDEX users_a'), 'drop-index-non-concurrently', 'index', 'rollback'],
      [lineOf('users_org_fk'), 'constraint-validates', 'missing-org', 'fix'],
    ]);
    const text = await runCli(['lint', file]);
    assert.match(text.stdout, /undo\.yaml:\d+:\d+: warning drop-index-non-concurrently \[ACCESS EXCLUSIVE lock on users_a\] \(rollback of step index\): DROP INDEX users_a/);
    assert.match(text.stdout, /undo\.yaml:\d+:\d+: warning constraint-validates \[SHARE ROW EXCLUSIVE lock on users\] \(fix missing-org\)/);
    // What would fail at run time in a rollback is a validate problem, as in a step.
    const broken = join(dir, 'undo-broken.yaml');
    await writeFile(broken, [...lines.slice(0, lines.indexOf('    rollback:') + 1), '      transaction: always', '      sql: DROP INDEX CONCURRENTLY users_a'].join('\n'));
    const v = await runCli(['validate', broken]);
    assert.equal(v.code, 2);
    assert.match(v.stdout, /undo-broken\.yaml:\d+:\d+: DROP INDEX CONCURRENTLY cannot run inside a transaction block.*\[cannot-run-in-transaction\]/);
  });

  test('show lists each step’s findings, accepted ones with their reason', async () => {
    const r = await runCli(['show', join(dir, 'rb.yaml'), '--plain']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Findings \(2\) — locks, rewrites, scans\naccepted warning add-column-volatile-default \[ACCESS EXCLUSIVE lock on users, rewrites the table\]/);
    assert.match(r.stdout, /accepted \(by the step’s accept:\): users has 12 rows in every environment/);
    assert.match(r.stdout, /Findings \(1\) — locks, rewrites, scans\nwarning drop-index-non-concurrently \[ACCESS EXCLUSIVE lock on users_old\]/);
  });
});
