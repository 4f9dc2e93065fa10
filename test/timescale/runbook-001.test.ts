// Runbook 001 (SQLite → PostgreSQL + TimescaleDB) on the real TimescaleDB: the whole migration
// through --sandbox-on and through --db, every procedure after it, the "compression not working"
// fix on a job that really failed, step 5 run again on policies already there, and the rollback of
// a completed run — in plain mode, through the real command line (the fix through the executor the
// screen uses: plain mode never runs fixes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadRunbook } from '../../src/runbook/load.js';
import { connect } from '../../src/exec/postgres/index.js';
import { runAction } from '../../src/run/executor.js';
import { createDatabase, failure, lastRunId, passed, runToEnd, mig001, psqlFile, query, rb001, runbook, serverUrl, stateDir } from './helpers.js';

// Every item of a full run: 7 prerequisites, 18 steps, 13 checklist items.
const ITEMS = 38;

test('001 runs end to end through --sandbox-on: install, copy, validation, benchmarks (the plan check on analysed statistics)', async () => {
  const state = stateDir();
  const r = await runToEnd(['run', rb001, '--sandbox-on', serverUrl(), '--yes', '--confirm-danger', 'runbook_sandbox'], state, '001 --sandbox-on');
  assert.equal(r.code, 0, failure(r));
  assert.equal(passed(r.stdout).size, ITEMS, r.stdout);
  assert.match(r.stdout, /Statistics updated \(ANALYZE "tickers", "ohlcv_data"/);
  assert.match(r.stdout, /✓ The 10-year query reads through the OHLCV index, not a full scan: plan — found on line \d+: "-> (Bitmap )?Index/);
  assert.match(r.stdout, /✓ Compression policies enabled \(5\), scheduled, none failing: healthy \(every row\) — all 5 rows pass/);
});

test('001 through --db: the migration, every procedure after it, the compression fix on a failed job, step 5 run again, scenario 1 and a second migration, and the rollback of that completed run', async () => {
  const db = await createDatabase('tsdb001');
  const sqlite = join(mkdtempSync(join(tmpdir(), 'runbook-tsdb-sqlite-')), 'spock_local.db');
  execFileSync(process.execPath, [join(mig001, 'make-sample-sqlite.mjs'), sqlite]);
  const state = stateDir();
  const args = ['--db', db.url, '--yes', '--confirm-danger', db.name, '-i', `sqlite_path=${sqlite}`];
  // A procedure gets only the inputs it declares or inherits (scenarios 2 and 3 inherit sqlite_path; the others take none).
  const procArgs = ['--db', db.url, '--yes', '--confirm-danger', db.name];
  try {
    const run = await runToEnd(['run', rb001, ...args], state, '001 --db');
    assert.equal(run.code, 0, failure(run));
    assert.equal(passed(run.stdout).size, ITEMS, run.stdout);

    const quick = await runbook(['run', rb001, ...procArgs, '--procedure', 'quick-reference'], state, '001 procedure quick-reference');
    assert.equal(quick.code, 0, failure(quick));

    // Scenario 2 ends the application's session, and spares TimescaleDB's scheduler (the policies keep running).
    const scheduler = async () =>
      (await query<{ pid: number }>(db.url, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'TimescaleDB Background Worker Scheduler'")).map((r) => r.pid);
    const before = await scheduler();
    assert.equal(before.length, 1, 'the database has its scheduler');
    const app = new pg.Client({ connectionString: db.url, application_name: 'quant-app' });
    let appEnded = false;
    app.on('error', () => (appEnded = true));
    app.on('end', () => (appEnded = true));
    await app.connect();
    const scenario2 = await runbook(['run', rb001, ...args, '--procedure', 'scenario-2-data-corruption'], state, '001 procedure scenario-2-data-corruption');
    assert.equal(scenario2.code, 0, failure(scenario2));
    assert.match(scenario2.stdout, /✓ TimescaleDB's scheduler for this database is still running/);
    assert.ok(appEnded, 'the application session was ended');
    await app.end().catch(() => {});
    assert.deepEqual(await scheduler(), before, 'the same scheduler process runs after scenario 2');

    const scenario3 = await runbook(['run', rb001, ...args, '--procedure', 'scenario-3-revert-to-sqlite'], state, '001 procedure scenario-3-revert-to-sqlite');
    assert.equal(scenario3.code, 0, failure(scenario3));

    await compressionFixClearsAFailedJob(db.url);
    await stepFiveRunAgainPostponesPolicies(db.url);

    // Scenario 1 empties the database; the migration then runs again from the top, and that run is rolled back.
    const scenario1 = await runbook(['run', rb001, ...procArgs, '--procedure', 'scenario-1-migration-failure'], state, '001 procedure scenario-1-migration-failure');
    assert.equal(scenario1.code, 0, failure(scenario1));
    const again = await runToEnd(['run', rb001, ...args], state, '001 --db, again after scenario 1');
    assert.equal(again.code, 0, failure(again));
    assert.equal(passed(again.stdout).size, ITEMS, again.stdout);
    const back = await runbook(['rollback', lastRunId(state), '--db', db.url, '--yes', '--undone-by-hand', '--confirm-danger', db.name], state, '001 rollback of the completed run');
    assert.equal(back.code, 0, failure(back));
    assert.match(back.stdout, /run succeeded/);
    const [left] = await query<{ tables: string; extension: string }>(
      db.url,
      "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables, (SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb') AS extension",
    );
    assert.deepEqual(left, { tables: '0', extension: '0' }, 'the rollback undid the schema and the extension');
  } finally {
    await db.drop();
  }
});

/** The three aggregates' refresh jobs: when each is next due, and whether that is 12 hours away or more. */
const refreshJobs = (url: string) =>
  query<{ job_id: number; aggregate: string; waits: boolean }>(
    url,
    "SELECT job_id, hypertable_name AS aggregate, next_start >= now() + INTERVAL '12 hours' AS waits FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name IN ('ohlcv_monthly', 'ohlcv_quarterly', 'ohlcv_yearly') ORDER BY hypertable_name",
  );

/**
 * Step 5 run again on a database whose refresh policies are already there (if_not_exists keeps
 * them) and due within the hour: it postpones them too, so none can start while step 6 alters
 * its aggregate (the deadlock that left a job Failed on the real extension).
 */
async function stepFiveRunAgainPostponesPolicies(url: string): Promise<void> {
  const jobs = await refreshJobs(url);
  assert.equal(jobs.length, 3);
  for (const j of jobs) await query(url, "SELECT alter_job($1, next_start => now() + INTERVAL '1 hour')", [j.job_id]);
  assert.deepEqual((await refreshJobs(url)).map((j) => j.waits), [false, false, false], 'due within the hour before step 5 runs again');
  psqlFile(url, join(mig001, '05_create_continuous_aggregates.sql'), true);
  assert.deepEqual(await refreshJobs(url), jobs, 'the same three policies, each due 12 hours or more from now');
}

/**
 * A compression job that really failed (it could not start: its owner may not log in — what a job
 * without a free background worker also records), then the runbook's "Compression policy not working"
 * fix, run by the same executor the screen uses: the job's last run becomes Success.
 */
async function compressionFixClearsAFailedJob(url: string): Promise<void> {
  const status = async (job: number) =>
    (await query<{ last_run_status: string | null; job_status: string; total_failures: string }>(url, 'SELECT last_run_status, job_status, total_failures FROM timescaledb_information.job_stats WHERE job_id = $1', [job]))[0];
  const [{ job_id: job }] = await query<{ job_id: number }>(url, "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_name = 'factor_scores'");
  await query(url, 'DROP ROLE IF EXISTS runbook_tsdb_nologin');
  await query(url, 'CREATE ROLE runbook_tsdb_nologin NOLOGIN');
  try {
    await query(url, "UPDATE _timescaledb_config.bgw_job SET owner = 'runbook_tsdb_nologin' WHERE id = $1", [job]);
    await query(url, 'SELECT alter_job($1, next_start => now())', [job]);
    const deadline = Date.now() + 60_000;
    while ((await status(job)).last_run_status !== 'Failed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.equal((await status(job)).last_run_status, 'Failed', 'the injected failure was recorded');
  } finally {
    await query(url, "UPDATE _timescaledb_config.bgw_job SET owner = 'postgres' WHERE id = $1", [job]);
    await query(url, 'DROP ROLE IF EXISTS runbook_tsdb_nologin');
  }
  // The runbook's step check now fails, as it did on the real server with too few workers.
  const loaded = await loadRunbook(rb001);
  assert.ok(loaded.ok);
  const entry = loaded.runbook.troubleshooting.find((t) => t.id === 'compression-not-working');
  assert.ok(entry?.fix);
  const target = await connect(url, { applicationName: 'runbook test fix' });
  const notices: string[] = [];
  try {
    const result = await runAction({ runbook: loaded.runbook, target, targetUrl: url, inputs: {} }, entry.fix, (e) => {
      if (e.type === 'notice') notices.push(e.message);
    });
    assert.ok(result.ok, JSON.stringify(result.error));
  } finally {
    await target.close();
  }
  console.log(`001 fix compression-not-working:\n${notices.map((n) => `  NOTICE: ${n}`).join('\n')}`);
  assert.ok(notices.some((n) => n === `compression job ${job} (factor_scores): ran now: Success`), notices.join('\n'));
  assert.equal((await status(job)).last_run_status, 'Success');
  const failing = await query(url, "SELECT job_id FROM timescaledb_information.jobs j JOIN timescaledb_information.job_stats s USING (job_id) WHERE j.proc_name = 'policy_compression' AND s.last_run_status <> 'Success'");
  assert.deepEqual(failing, [], 'no compression job is left failing');
}
