// End-to-end tests of the two TimescaleDB runbooks through the real CLI:
//   runbooks/000-timescale-oi-aggregates.yaml  (continuous aggregates with OI)
//   runbooks/001-sqlite-to-timescaledb.yaml    (SQLite → PostgreSQL + TimescaleDB)
//
// TimescaleDB is in neither registry this project may use as a native build,
// so the server is PGlite's WebAssembly PostgreSQL 17 + TimescaleDB 2.x
// (server.mjs). What that server cannot show — background jobs, concurrent
// sessions, cancellation, a database of its own per test — is listed in
// server.mjs; each test below starts a fresh server, since it has exactly one
// database and one backend for its whole life.
//
// The "TimescaleDB is missing" gate is tested on the project's embedded
// PostgreSQL (`--sandbox`), which has no TimescaleDB.
//
//   cd test/timescale && npm ci && npm test        (the main project must be built: npm run build)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'bin', 'runbook.js');
const rb000 = join(root, 'runbooks', '000-timescale-oi-aggregates.yaml');
const rb001 = join(root, 'runbooks', '001-sqlite-to-timescaledb.yaml');
const mig000 = join(root, 'migrations', '000-timescale-oi-aggregates');
// PGlite's single database calls itself template1: that is the name to type for destructive steps.
const PGLITE_DB = 'template1';

/** Starts server.mjs and resolves with its URL once it prints it. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'server.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server.mjs did not start in 120 s: ${err}`));
    }, 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /DATABASE_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server.mjs exited (${code}): ${err}`));
    });
  });
}

function runCli(args, stateDir, { plain = true, timeoutMs = 600_000 } = {}) {
  const extra = plain ? ['--plain', '--state-dir', stateDir] : [];
  const r = spawnSync(process.execPath, [cli, ...args, ...extra], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** The ✗ lines of a run's output: the checks that failed. */
const failedChecks = (out) => out.split('\n').filter((l) => /^\s*✗/.test(l));

/**
 * Runs a runbook to its end. Timings on the WebAssembly server are only
 * indicative (and a busy machine slows them further), so when the only
 * failures are duration or speed-up checks the run is resumed with --retry,
 * as an operator would retry — up to 3 times. Any other failure fails at once.
 */
function runToEnd(args, stateDir, dbArgs) {
  let r = runCli(args, stateDir);
  for (let i = 0; i < 3 && r.code !== 0; i++) {
    const failed = failedChecks(r.out);
    if (failed.length === 0 || !failed.every((l) => /duration|speed-up/.test(l))) break;
    console.log(`retrying after a timing check: ${failed.join(' | ')}`);
    r = runCli(['resume', lastRunId(stateDir), '--retry', ...dbArgs], stateDir);
  }
  return r;
}

function lastRunId(stateDir) {
  const runs = readdirSync(join(stateDir, 'runs')).filter((f) => f.endsWith('.jsonl')).sort();
  return runs.at(-1).replace(/\.jsonl$/, '');
}

function psqlAvailable() {
  return spawnSync('psql', ['--version']).status === 0;
}

function psqlFile(url, file, single = false) {
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(single ? ['-1'] : []), '-f', file], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `psql -f ${file} failed: ${r.stderr}`);
}

function withState(fn) {
  return async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runbook-ts-state-'));
    try {
      await fn(stateDir);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  };
}

test('both runbooks validate', withState(async (stateDir) => {
  const r = runCli(['validate', rb000, rb001], stateDir, { plain: false });
  assert.match(r.out, /000-timescale-oi-aggregates\.yaml: ok/);
  assert.match(r.out, /001-sqlite-to-timescaledb\.yaml: ok/);
}));

test('000: the whole procedure walks on TimescaleDB, from the sandbox world to the cleanup', withState(async (stateDir) => {
  const server = await startServer();
  try {
    const danger = ['--yes', '--confirm-danger', PGLITE_DB];
    const r = runToEnd(['run', rb000, '--sandbox-on', server.url, ...danger], stateDir, ['--db', server.url, ...danger]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /run succeeded/);
    const journal = readFileSync(join(stateDir, 'runs', `${lastRunId(stateDir)}.jsonl`), 'utf8');
    for (const notice of ['✅ SUCCESS: New aggregates have OI data', '⚡ ATOMIC CUTOVER IN PROGRESS...', '🎉 MIGRATION 017 COMPLETE', 'MIGRATION 018 COMPLETE']) {
      assert.ok(journal.includes(notice), `missing notice ${notice}`);
    }
    const speedup = /"label":"Test 5: direct query[^"]*speed-up","ok":true,"expected":"[^"]*","actual":"([^"]*)"/.exec(journal);
    assert.ok(speedup, 'the speed-up check passed');
    console.log(`000 speed-up of the direct query over the JOIN: ${speedup[1]}`);
  } finally {
    await server.stop();
  }
}));

test('000: the rollback-017 procedure restores the old aggregates after the cutover; abandon-v2 drops the _v2 ones', { skip: !psqlAvailable() && 'psql is not installed' }, withState(async (stateDir) => {
  const server = await startServer();
  try {
    psqlFile(server.url, join(mig000, 'sandbox.sql'));
    psqlFile(server.url, join(mig000, '016_fix_continuous_aggregates_with_oi.sql'));
    psqlFile(server.url, join(mig000, '017_cutover_to_v2_aggregates.sql'), true);
    const back = runCli(['run', rb000, '--db', server.url, '--procedure', 'rollback-017', '--yes'], stateDir);
    assert.equal(back.code, 0, back.out);
    assert.match(back.out, /ROLLBACK COMPLETE/);
    // Idempotent: a second rollback finds nothing to do and still passes its checks.
    const again = runCli(['run', rb000, '--db', server.url, '--procedure', 'rollback-017', '--yes'], stateDir);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /nothing to roll back/);
    const drop = runCli(['run', rb000, '--db', server.url, '--procedure', 'abandon-v2', '--yes', '--confirm-danger', PGLITE_DB], stateDir);
    assert.equal(drop.code, 0, drop.out);
    // Back at the starting point: the main procedure can start again.
    const restart = runCli(['run', rb000, '--db', server.url, '--yes'], stateDir);
    assert.match(restart.out, /starting point[\s\S]*passed/);
  } finally {
    await server.stop();
  }
}));

test('001: the whole migration walks on TimescaleDB from a generated SQLite file; procedures and the rollback run after it', withState(async (stateDir) => {
  const server = await startServer();
  try {
    const danger = ['--yes', '--confirm-danger', PGLITE_DB];
    const run = runToEnd(['run', rb001, '--sandbox-on', server.url, ...danger], stateDir, ['--db', server.url, ...danger]);
    assert.equal(run.code, 0, run.out);
    const journal = readFileSync(join(stateDir, 'runs', `${lastRunId(stateDir)}.jsonl`), 'utf8');
    assert.match(journal, /DRY RUN complete: \d+ total rows would be migrated/);
    assert.match(journal, /Migrating tickers\.\.\. \d+ rows ✅/);
    assert.match(journal, /Migrating etf_details\.\.\. \d+ rows ✅ \(1 already present or duplicate in SQLite, skipped\)/);
    assert.match(journal, /Migration complete: \d+ total rows/);
    const runId = lastRunId(stateDir);
    // The same database, now migrated (PGlite has one database: the sandbox name was only a label).
    const db = ['--db', server.url, '--yes', '--confirm-danger', PGLITE_DB, '-i', 'sqlite_path=/tmp/runbook-sandbox-001/spock_local.db'];
    for (const procedure of ['quick-reference', 'scenario-2-data-corruption', 'scenario-3-revert-to-sqlite']) {
      const r = runCli(['run', rb001, ...db, '--procedure', procedure], stateDir);
      assert.equal(r.code, 0, `${procedure}: ${r.out}`);
    }
    const rollback = runCli(['rollback', runId, '--db', server.url, '--yes', '--confirm-danger', PGLITE_DB], stateDir);
    assert.equal(rollback.code, 0, rollback.out);
    assert.match(rollback.out, /run succeeded/);
  } finally {
    await server.stop();
  }
}));

test('001: rollback scenario 1 empties a migrated database so the migration can run again', withState(async (stateDir) => {
  const server = await startServer();
  try {
    const danger = ['--yes', '--confirm-danger', PGLITE_DB];
    const run = runToEnd(['run', rb001, '--sandbox-on', server.url, ...danger], stateDir, ['--db', server.url, ...danger]);
    assert.equal(run.code, 0, run.out);
    const db = ['--db', server.url, ...danger, '-i', 'sqlite_path=/tmp/runbook-sandbox-001/spock_local.db'];
    const reset = runCli(['run', rb001, ...db, '--procedure', 'scenario-1-migration-failure'], stateDir);
    assert.equal(reset.code, 0, reset.out);
    const again = runToEnd(['run', rb001, ...db], stateDir, db);
    assert.equal(again.code, 0, again.out);
  } finally {
    await server.stop();
  }
}));

test('000 and 001 stop at the prerequisites, with the install instructions, where TimescaleDB is missing', withState(async (stateDir) => {
  for (const file of [rb000, rb001]) {
    const r = runCli(['run', file, '--sandbox', '--yes'], stateDir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /run failed: stopped at prerequisite "TimescaleDB is installed on the database server"/);
    assert.match(r.out, /TimescaleDB (is not installed on the database server|extension not found)/);
    assert.match(r.out, /install-timescaledb\.sh/);
  }
}));
