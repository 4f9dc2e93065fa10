// No dead ends: a run that stops says which commands take it on from there
// (for what stopped it), a refused --skip says why, a sandbox run does not
// offer a resume it cannot keep, and every --json line names its run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, serverUrl } from '../support/db.js';
import { root, runCli } from '../support/cli.js';

const fails = join(root, 'test/fixtures/ok/fails.yaml');
const runIdOf = (stdout: string) => /^run (\d{8}-\d{6}-[0-9a-f]+) · journal/m.exec(stdout)?.[1];

test('a failed check: the commands that go on are printed (--retry; the step may not be skipped, and --skip is refused with the reason)', async () => {
  const db = await createTestDatabase('dead');
  const state = mkdtempSync(join(tmpdir(), 'dead-ends-'));
  try {
    const r = await runCli(['run', fails, '--db', db.url, '--plain', '--state-dir', state]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const id = runIdOf(r.stdout);
    assert.ok(id, r.stdout);
    assert.match(r.stdout, new RegExp(`run failed[^\\n]*\\nnext \\(the run is kept; pick up where it stopped\\):\\n  runbook resume ${id} --retry    \\(after fixing the cause: run step "Count rows" again\\)\\n  \\(step "Count rows" may not be skipped: the runbook does not allow it\\)\\n  runbook rollback ${id}`));

    const skip = await runCli(['resume', id!, '--db', db.url, '--plain', '--skip', 'not needed', '--state-dir', state]);
    assert.notEqual(skip.code, 0);
    assert.match(skip.stderr, /resume: --skip refused: step "Count rows" may not be skipped \(the runbook does not say skippable: true for it\); fix the cause and use --retry, or roll the run back/);
  } finally {
    await db.drop();
  }
});

test('a refused destructive step: the next command carries --confirm-danger with the database name', async () => {
  const db = await createTestDatabase('deaddanger');
  const dir = mkdtempSync(join(tmpdir(), 'dead-ends-danger-'));
  try {
    const file = join(dir, 'danger.yaml');
    writeFileSync(file, ['runbook: 1', 'id: dead-danger', 'title: Danger', 'steps:', '  - id: make', '    title: Make', '    sql: CREATE TABLE doomed (a int)', '  - id: drop', '    title: Drop it', '    sql: DROP TABLE doomed', '    skippable: true'].join('\n'));
    const r = await runCli(['run', file, '--db', db.url, '--plain', '--state-dir', join(dir, 'state')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const id = runIdOf(r.stdout);
    assert.match(r.stdout, new RegExp(`  runbook resume ${id} --retry --confirm-danger ${db.name}    \\(allow the destructive step "Drop it"\\)`));
    assert.match(r.stdout, new RegExp(`  runbook resume ${id} --skip "<why>"    \\(skip step "Drop it"; the reason is recorded\\)`));
    const again = await runCli(['resume', id!, '--db', db.url, '--plain', '--retry', '--confirm-danger', db.name, '--state-dir', join(dir, 'state')]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  } finally {
    await db.drop();
  }
});

test('a sandbox run that stops offers no resume (its database is gone), and resume says so instead of asking for a --db', async () => {
  const state = mkdtempSync(join(tmpdir(), 'dead-ends-sandbox-'));
  const r = await runCli(['run', fails, '--sandbox-on', serverUrl(), '--plain', '--state-dir', state]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /next: the sandbox this run used was deleted when it ended, so there is nothing to resume\.\n  runbook run \S+fails\.yaml --sandbox-on <the same server URL>    \(start again in a new sandbox\)/);
  assert.doesNotMatch(r.stdout, /runbook resume/);
  const resumed = await runCli(['resume', runIdOf(r.stdout)!, '--state-dir', state]);
  assert.equal(resumed.code, 2);
  assert.match(resumed.stderr, /ran in a sandbox, deleted when it ended, so there is nothing to resume: start it again with runbook run \S+fails\.yaml --sandbox/);
  assert.doesNotMatch(resumed.stderr, /--db/);
});

test('--json: every line carries the run id', async () => {
  const db = await createTestDatabase('deadjson');
  try {
    const r = await runCli(['run', fails, '--db', db.url, '--json', '--state-dir', mkdtempSync(join(tmpdir(), 'dead-ends-json-'))]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; run?: string });
    assert.ok(lines.length > 5, r.stdout);
    const id = lines[0].run;
    assert.match(id ?? '', /^\d{8}-\d{6}-[0-9a-f]+$/);
    for (const line of lines) assert.equal(line.run, id, JSON.stringify(line));
    assert.ok(lines.some((l) => l.type === 'item_output') && lines.some((l) => l.type === 'run_ended'));
  } finally {
    await db.drop();
  }
});

test('the sandbox start says what it is doing: initialising, starting, creating, ready; then loading the fixture, loaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dead-ends-progress-'));
  const file = join(dir, 'fixture.yaml');
  writeFileSync(file, ['runbook: 1', 'id: progress', 'title: Progress', 'sandbox:', '  sql: CREATE TABLE seeded AS SELECT g FROM generate_series(1, 1000) g', 'steps:', '  - id: look', '    title: Look', '    sql: SELECT count(*) AS n FROM seeded', '    expect: { row: { n: 1000 } }'].join('\n'));
  const embedded = await runCli(['run', file, '--sandbox', '--plain', '--state-dir', join(dir, 'state')]);
  assert.equal(embedded.code, 0, embedded.stdout + embedded.stderr);
  const lines = embedded.stdout.split('\n').filter((l) => l.startsWith('sandbox: '));
  const order = [/^sandbox: initialising a new PostgreSQL data folder \(initdb\)…/, /^sandbox: starting the embedded PostgreSQL server…/, /^sandbox: creating the sandbox database…/, /^sandbox: ready \(runbook_sandbox\) after /, /^sandbox: loading the fixture \(the runbook's sandbox: section\) into runbook_sandbox…$/, /^sandbox: fixture loaded in /];
  assert.equal(lines.length, order.length, lines.join('\n'));
  order.forEach((re, i) => assert.match(lines[i], re));
  // On a server of the operator's choice: no initdb, no server start.
  const on = await runCli(['run', file, '--sandbox-on', serverUrl(), '--json', '--state-dir', join(dir, 'state')]);
  assert.equal(on.code, 0, on.stdout + on.stderr);
  const messages = on.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string }).filter((e) => e.type === 'message').map((e) => e.text ?? '');
  assert.match(messages.join('\n'), /^sandbox: creating the sandbox database…\nsandbox: ready \(runbook_sandbox_[0-9a-f]{8}\) after [^\n]+\nsandbox: loading the fixture/);
});

test('resume takes an input given again with the value the run has (the screen’s “Resume it?” passes the first command’s --input on); another value is refused, naming both', async () => {
  const db = await createTestDatabase('dead');
  const state = mkdtempSync(join(tmpdir(), 'dead-ends-'));
  const dir = mkdtempSync(join(tmpdir(), 'dead-ends-dir-'));
  const guided = join(root, 'test/e2e/fixtures/guided.yaml');
  try {
    // Step 3 references guided_base, which is not there yet: the run stops after the two shell steps.
    const r = await runCli(['run', guided, '--db', db.url, '--plain', '--state-dir', state, '--input', `dir=${dir}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const id = runIdOf(r.stdout)!;
    const other = await runCli(['resume', id, '--db', db.url, '--plain', '--retry', '--state-dir', state, '--input', 'dir=/elsewhere']);
    assert.equal(other.code, 2, other.stdout + other.stderr);
    assert.match(other.stderr, new RegExp(`resume: inputs are fixed once a run has started: dir is "${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" in run ${id}, not "/elsewhere"; only secret inputs are given again`));
    await db.client.query('CREATE TABLE guided_base (id int PRIMARY KEY)');
    const same = await runCli(['resume', id, '--db', db.url, '--plain', '--retry', '--confirm-danger', db.name, '--state-dir', state, '--input', `dir=${dir}`]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.doesNotMatch(same.stderr, /inputs are fixed/);
  } finally {
    await db.drop();
  }
});
