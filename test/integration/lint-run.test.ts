// The same findings lint prints, seen where an operator and a reviewer look:
// before the step runs in the plain output, in the journal's item_started, and
// in the Markdown and JSON reports — a real run on a real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/journal/journal.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
before(async () => {
  db = await createTestDatabase('lintrun');
  await db.client.query('CREATE TABLE accounts (id int PRIMARY KEY, email text); INSERT INTO accounts SELECT g, g::text FROM generate_series(1, 100) g');
  dir = await mkdtemp(join(tmpdir(), 'runbook-lint-run-'));
});
after(() => db.drop());

test('findings are shown before the step runs, journalled with the acceptance, and reported', async () => {
  const file = join(dir, 'rb.yaml');
  await writeFile(file, [
    'runbook: 1',
    'id: lint-run',
    'title: Findings in a run',
    'steps:',
    '  - id: index',
    '    title: Index the emails',
    '    lock_timeout: 2s',
    '    sql: CREATE INDEX accounts_email ON accounts (email)',
    '    accept:',
    '      create-index-non-concurrently: 100 rows, built in milliseconds',
    '  - id: not-null',
    '    title: Emails are required',
    '    sql: ALTER TABLE accounts ALTER COLUMN email SET NOT NULL',
  ].join('\n'));
  const stateDir = join(dir, 'state');
  const run = await runCli(['run', file, '--db', db.url, '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const out = run.stdout;
  // Before the step's statements: the finding, its lock, and the advice or acceptance.
  const accepted = out.indexOf('accepted warning create-index-non-concurrently [SHARE lock on accounts] (line 1)');
  assert.ok(accepted > 0, out);
  assert.ok(out.indexOf('accepted (by the step’s accept:): 100 rows, built in milliseconds') > accepted);
  const scan = out.indexOf('warning set-not-null-scans [ACCESS EXCLUSIVE lock on accounts] (line 1): SET NOT NULL on email scans all of accounts');
  assert.ok(scan > 0, out);
  assert.match(out, /warning lock-timeout-missing \[ACCESS EXCLUSIVE lock on accounts\]/);
  assert.match(out, /advice: Set it through a validated CHECK/);

  const runId = /run (\S+) · journal/.exec(out)![1];
  const journal = readJournal(join(stateDir, 'runs', `${runId}.jsonl`));
  const started = journal.events.filter((e) => e.type === 'item_started' && e.key.startsWith('step:'));
  const rules = started.map((e) => (e.type === 'item_started' ? (e.findings ?? []).map((f) => [f.rule, f.accepted?.reason ?? null]) : []));
  assert.deepEqual(rules, [
    [['create-index-non-concurrently', '100 rows, built in milliseconds']],
    [['set-not-null-scans', null], ['lock-timeout-missing', null]],
  ]);

  for (const format of ['md', 'json']) {
    const r = await runCli(['report', runId, '--format', format, '--output', join(stateDir, `report.${format}`), '--state-dir', stateDir]);
    assert.equal(r.code, 0, r.stderr);
  }
  const md = await readFile(join(stateDir, 'report.md'), 'utf8');
  assert.match(md, /`create-index-non-concurrently` \(accepted warning — 100 rows, built in milliseconds\), line 1, SHARE lock on accounts/);
  assert.match(md, /`set-not-null-scans` \(warning\), line 1, ACCESS EXCLUSIVE lock on accounts/);
  const json = JSON.parse(await readFile(join(stateDir, 'report.json'), 'utf8'));
  const step = json.items.find((i: { key: string }) => i.key === 'step:not-null');
  assert.deepEqual(step.findings.map((f: { rule: string; lock: string }) => [f.rule, f.lock]), [
    ['set-not-null-scans', 'AccessExclusiveLock'],
    ['lock-timeout-missing', 'AccessExclusiveLock'],
  ]);
});
