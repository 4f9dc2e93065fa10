// A run's own code cache (bin/cached-script.js): written by the first run that
// succeeds, read by the next, never by help or a failed run, and never a
// reason for a run to do anything else. On a copy of the built program
// (test/support/program-copy.ts). The screen's own cache: test/e2e/screen-code-cache.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProgram } from '../support/program-copy.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
before(async () => {
  db = await createTestDatabase('cache');
  dir = copyProgram();
  writeFileSync(join(dir, 'ok.yaml'), 'runbook: 1\nid: cache-ok\ntitle: cache ok\nrisk: low\nsteps:\n  - id: one\n    title: one\n    sql: SELECT 41 + 1 AS answer;\n');
  writeFileSync(join(dir, 'fails.yaml'), 'runbook: 1\nid: cache-fails\ntitle: cache fails\nrisk: low\nsteps:\n  - id: one\n    title: one\n    sql: SELECT 1/0;\n');
});
after(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const runCache = () => join(dir, 'dist', 'bundle', 'runbook.cjs.run.cache');
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'runbook.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, RUNBOOK_DEBUG_CODE_CACHE: '1', RUNBOOK_STATE_DIR: join(dir, 'state'), NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, cache: /^code cache: (.*)$/m.exec(r.stderr)?.[1], stderr: r.stderr };
};
/** What a run printed, without what differs from run to run (ids, times). */
const outcome = (stdout: string) =>
  stdout
    .replace(/\d{8}-\d{6}-[0-9a-f]{8}/g, 'RUN')
    .replace(/\d+(\.\d+)? ms\b/g, 'T')
    .replace(/\bin \d+(\.\d+)? ?m?s\b/g, 'in T')
    .replace(/journal \S+/g, 'journal J');

test('a run keeps its own code cache: none after help or a failed run, written by the first run that succeeds, read by the next', () => {
  const help = cli(['run', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.equal(help.cache, 'used');
  const failed = cli(['run', join(dir, 'fails.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.equal(existsSync(runCache()), false, 'neither help nor a failed run writes the run cache');

  const first = cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(first.cache, 'used', 'the first run starts from the build’s cache');
  assert.ok(existsSync(runCache()), 'the first run that succeeds writes the run cache');
  assert.deepEqual(readdirSync(join(dir, 'dist', 'bundle')).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');

  const second = cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(second.cache, 'used (run)');
  assert.match(second.stdout, /answer\n\s+-+\n\s+42\n/);
  assert.equal(outcome(second.stdout), outcome(first.stdout), 'the same run, whichever cache it started from');
  // Other commands keep the build's cache. validate and lint change a V8 flag once it is read (bin/runbook.js): the
  // build's cache, written by a validate, is still taken by both.
  assert.equal(cli(['validate', join(dir, 'ok.yaml')]).cache, 'used');
  assert.equal(cli(['lint', join(dir, 'ok.yaml')]).cache, 'used');
});

test('a run cache made for another build of the bundle is not read, and is made again', () => {
  const bundle = join(dir, 'dist', 'bundle', 'runbook.cjs');
  utimesSync(bundle, new Date(), new Date(Date.now() - 60_000));
  const stale = cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(stale.code, 0, stale.stdout + stale.stderr);
  assert.equal(stale.cache, 'none');
  const again = cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(again.cache, 'used (run)');
});

test('a run that read a large sql_file (V8 told to keep its heap small) writes no run cache, which V8 would refuse to the next run', () => {
  rmSync(runCache(), { force: true });
  // Over LARGE_INPUT_BYTES (src/runbook/large-input.ts) and quick to run: comment lines and one statement.
  writeFileSync(join(dir, 'large.sql'), `${'-- a comment line of a large file, as a data dump has\n'.repeat(90_000)}SELECT 41 + 1 AS answer;\n`);
  writeFileSync(join(dir, 'large.yaml'), 'runbook: 1\nid: cache-large\ntitle: cache large\nrisk: low\nsteps:\n  - id: one\n    title: one\n    sql_file: large.sql\n');
  const large = cli(['run', join(dir, 'large.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(large.code, 0, large.stdout + large.stderr);
  assert.match(large.stdout, /42/);
  assert.equal(existsSync(runCache()), false, 'no run cache from a process whose V8 flags changed');
  const next = cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  assert.ok(existsSync(runCache()), 'the next run that succeeds writes it');
  assert.equal(cli(['run', join(dir, 'ok.yaml'), '--db', db.url, '--plain', '--yes']).cache, 'used (run)');
});
