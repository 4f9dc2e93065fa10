// --trace-locks through the real command line, in a temporary database
// (--sandbox-on): each statement's traced locks are printed and journalled
// beside the prediction, and a difference is reported as one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/journal/journal.js';
import type { ExecEvent, LockTrace } from '../../src/exec/types.js';
import { runCli } from '../support/cli.js';
import { serverUrl } from '../support/db.js';

function runbook(): { file: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'trace-locks-'));
  const file = join(dir, 'traced.yaml');
  writeFileSync(
    file,
    [
      'runbook: 1',
      'id: traced',
      'title: Traced',
      'sandbox:',
      "  sql: CREATE TABLE t (id int PRIMARY KEY, v varchar(10)); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g",
      'steps:',
      '  - id: widen',
      '    title: Widen the column',
      // The model cannot know v is a varchar here (the table came from elsewhere): it predicts a rewrite, and none happens.
      '    sql: ALTER TABLE t ALTER COLUMN v TYPE text',
      '  - id: add',
      '    title: Add a column and read',
      '    sql: |',
      '      ALTER TABLE t ADD COLUMN z int DEFAULT 0;',
      '      SELECT count(*) FROM t;',
      '  - id: index',
      '    title: Index concurrently',
      '    sql: CREATE INDEX CONCURRENTLY t_z_idx ON t (z)',
      '',
    ].join('\n'),
  );
  return { file, stateDir: join(dir, 'state') };
}

test('--trace-locks on a sandbox prints and journals each statement\'s real locks beside the prediction, and says where they differ', async () => {
  const { file, stateDir } = runbook();
  const r = await runCli(['run', file, '--sandbox-on', serverUrl(), '--trace-locks', '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /traced locks of statement 1 \(ALTER TABLE\): AccessExclusiveLock on t; no rewrite; held \d+ ms; DIFFERS from the prediction: t: predicted rewrite, traced no rewrite/);
  assert.match(r.stdout, /traced locks of statement 1 \(ALTER TABLE\): AccessExclusiveLock on t; no rewrite; held \d+ ms; as predicted/);
  assert.match(r.stdout, /traced locks of statement 2 \(SELECT\): AccessShareLock on t; no rewrite; held \d+ ms; as predicted/);
  assert.doesNotMatch(r.stdout, /lock attempt/, 'an attempt that got its lock with nobody in the way is not reported');
  assert.match(r.stdout, /traced locks of statement 1 \(CREATE INDEX\) \(sampled \d+×\): [^\n]*; no rewrite/);
  assert.match(r.stdout, /lock trace: 4 statements traced; 1 differ from the prediction: widen statement 1/);

  const runs = join(stateDir, 'runs');
  const journal = readJournal(join(runs, readdirSync(runs).find((f) => f.endsWith('.jsonl'))!));
  const traces = journal.events.flatMap((e) => (e.type === 'item_output' ? e.events : [])).flatMap((e: ExecEvent) => (e.type === 'lock_trace' ? [e.trace] : [])) as LockTrace[];
  assert.equal(traces.length, 4);
  assert.deepEqual(traces[0].traced, [{ relation: 't', mode: 'AccessExclusiveLock' }]);
  assert.deepEqual(traces[0].differences, [{ relation: 't', predicted: 'rewrite', traced: 'no rewrite' }]);
  assert.equal(traces[0].method, 'transaction');
  assert.equal(traces[3].method, 'sampled');
});

test('--trace-locks without a sandbox is refused: it is a rehearsal tool', async () => {
  const { file, stateDir } = runbook();
  const r = await runCli(['run', file, '--db', serverUrl(), '--trace-locks', '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--trace-locks works on a rehearsal only: add --sandbox, or --sandbox-on URL/);
});
