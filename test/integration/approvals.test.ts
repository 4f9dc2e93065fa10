// Step approvals against a real PostgreSQL, through the real CLI: a run waits
// at a step marked approve: (and at a destructive one, by the runbook's
// approvals: setting) until `runbook approve` is given as another database
// role; the role that started the run is refused; who approved, as which role
// and when, is in the journal and the report.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '../../src/journal/journal.js';
import { createTestDatabase } from '../support/db.js';
import { createReviewer } from '../support/reviewer.js';
import { startCli } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../../../test/e2e/fixtures/approve.yaml', import.meta.url));

function cli(args: string[]) {
  const p = startCli(args, { DATABASE_URL: '' });
  return { ...p, out: p.stdout };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('a step waits for a second database role: the run\'s own role is refused, another one releases it; the approval is journalled', async () => {
  const db = await createTestDatabase('approve');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-approve-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const reviewer = await createReviewer(db);
  const { role, password } = reviewer;
  cleanup.push(async () => {
    await db.drop();
    await reviewer.drop();
  });

  const run = cli(['run', FIXTURE, '--db', db.url, '--plain', '--confirm-danger', db.name, '--state-dir', join(dir, 'operator')]);
  await until('the run to wait at the marked step', () => /waiting for approval of step “Make the table”/.test(run.out()));
  assert.match(run.out(), /A second person checks the table name/);
  assert.match(run.out(), /another database role approves it: runbook approve \d{8}-\d{6}-\w+ --db/);
  const made = async () => (await db.client.query("SELECT to_regclass('approve_t') IS NOT NULL AS made")).rows[0].made as boolean;
  assert.equal(await made(), false, 'nothing ran before the approval');

  // The role that started the run cannot approve its own step.
  const self = await cli(['approve', '--db', db.url, '--state-dir', join(dir, 'operator')]).done;
  assert.equal(self.code, 2, self.stderr);
  assert.match(self.stderr, /refused .*Make the table.*another role/);
  assert.equal(await made(), false);

  // The reviewer may read and approve what waits (and nothing else is needed).
  await reviewer.grant();
  const given = await cli(['approve', '--db', reviewer.url, '--state-dir', join(dir, 'reviewer')]).done;
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stdout, new RegExp(`approved: run \\S+ \\(e2e-approve\\), step "Make the table"[\\s\\S]*as database role ${role}`));
  assert.doesNotMatch(given.stdout + given.stderr, new RegExp(password), 'the password is never printed');

  // The destructive step waits next (approvals: destructive), after the table was made.
  await until('the run to wait at the destructive step', () => /waiting for approval of step “Drop the table” \(destructive/.test(run.out()));
  assert.equal(await made(), true);
  const second = await cli(['approve', '--db', reviewer.url, '--step', 'drop', '--state-dir', join(dir, 'reviewer')]).done;
  assert.equal(second.code, 0, second.stderr);
  const end = await run.done;
  assert.equal(end.code, 0, end.stdout + end.stderr);
  assert.match(end.stdout, new RegExp(`✓ approved by \\S+ as database role ${role}`));
  assert.equal(await made(), false, 'the approved drop ran');

  // The journal keeps who approved, as which role, and when; the report says it.
  const runId = /run (\d{8}-\d{6}-\w+) · journal/.exec(end.stdout)![1];
  const journal = readJournal(join(dir, 'operator', 'runs', `${runId}.jsonl`));
  const approvals = journal.events.filter((e) => e.type === 'approval_given');
  assert.deepEqual(approvals.map((e) => e.type === 'approval_given' && [e.key, e.role]), [['step:make', role], ['step:drop', role]]);
  const report = await cli(['report', runId, '--format', 'md', '--state-dir', join(dir, 'operator')]).done;
  assert.match(report.stdout, new RegExp(`approved Make the table — by \\S+ as database role \`?${role}`));
  assert.doesNotMatch(readFileSync(journal.path, 'utf8'), new RegExp(password));
});
