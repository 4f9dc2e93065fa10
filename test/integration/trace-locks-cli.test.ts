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
      '  sql: |',
      "    CREATE TABLE t (id int PRIMARY KEY, v varchar(10)); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g;",
      '    CREATE TABLE t_log (id int);',
      '    CREATE FUNCTION log_t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO t_log VALUES (NEW.id); RETURN NEW; END $$;',
      '    CREATE TRIGGER t_logged AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_t();',
      'steps:',
      '  - id: widen',
      '    title: Widen the column',
      // The SQL does not say v is a varchar (the table came from elsewhere); the catalog does: no rewrite predicted, none happens.
      '    sql: ALTER TABLE t ALTER COLUMN v TYPE text',
      '  - id: insert',
      '    title: Insert a row',
      // A trigger function's body is not something the model reads: the lock its INSERT into t_log takes cannot be predicted, and is reported so.
      '    sql: INSERT INTO t (id, v) VALUES (1000, 1)',
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

test('--trace-locks on a sandbox prints and journals each statement\'s real locks beside the prediction, and what could not be predicted', async () => {
  const { file, stateDir } = runbook();
  const r = await runCli(['run', file, '--sandbox-on', serverUrl(), '--trace-locks', '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /\(ALTER TABLE\)[^\n]*DIFFERS/);
  assert.match(r.stdout, /traced locks of statement 1 \(ALTER TABLE\): AccessExclusiveLock on t; no rewrite; held \d+ ms; as predicted/);
  assert.match(r.stdout, /traced locks of statement 1 \(INSERT\): [^\n]*RowExclusiveLock on t_log[^\n]*; no rewrite; held \d+ ms; as predicted; cannot be predicted: RowExclusiveLock on t_log \(trigger t_logged on t runs a function whose locks cannot be known before it runs\)/);
  assert.match(r.stdout, /traced locks of statement 2 \(SELECT\): AccessShareLock on t; no rewrite; held \d+ ms; as predicted/);
  assert.doesNotMatch(r.stdout, /lock attempt/, 'an attempt that got its lock with nobody in the way is not reported');
  assert.match(r.stdout, /traced locks of statement 1 \(CREATE INDEX\) \(sampled \d+×\): [^\n]*; no rewrite/);
  assert.match(r.stdout, /lock trace: 5 statements traced, all as predicted; 1 also took locks that cannot be predicted \(triggers, foreign keys\): insert statement 1/);

  const runs = join(stateDir, 'runs');
  const journal = readJournal(join(runs, readdirSync(runs).find((f) => f.endsWith('.jsonl'))!));
  const traces = journal.events.flatMap((e) => (e.type === 'item_output' ? e.events : [])).flatMap((e: ExecEvent) => (e.type === 'lock_trace' ? [e.trace] : [])) as LockTrace[];
  assert.equal(traces.length, 5);
  assert.deepEqual(traces[0].traced, [{ relation: 't', mode: 'AccessExclusiveLock' }]);
  assert.deepEqual(traces[0].differences, []);
  assert.equal(traces[0].method, 'transaction');
  assert.deepEqual(traces[1].differences, []);
  assert.deepEqual(traces[1].unpredictable?.traced, [{ relation: 't_log', predicted: null, traced: 'RowExclusiveLock' }]);
  assert.equal(traces[4].method, 'sampled');
});

test('--trace-locks without a sandbox is refused: it is a rehearsal tool', async () => {
  const { file, stateDir } = runbook();
  const r = await runCli(['run', file, '--db', serverUrl(), '--trace-locks', '--plain', '--yes', '--state-dir', stateDir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--trace-locks works on a rehearsal only: add --sandbox, or --sandbox-on URL/);
});
