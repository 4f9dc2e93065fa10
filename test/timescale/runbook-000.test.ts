// Runbook 000 (continuous aggregates with OI columns, blue-green) on the real TimescaleDB:
// the whole procedure through --sandbox-on and through --db, the rollback of a completed run,
// and both procedures — in plain mode, through the real command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createDatabase, failure, lastRunId, passed, runToEnd, mig000, psqlFile, query, rb000, runbook, serverUrl, stateDir } from './helpers.js';

// Every item of a full run: 7 prerequisites, 11 steps, 6 checklist items.
const ITEMS = 24;

test('000 runs end to end through --sandbox-on, the destructive steps confirmed with --confirm-danger runbook_sandbox', async () => {
  const state = stateDir();
  const r = await runToEnd(['run', rb000, '--sandbox-on', serverUrl(), '--yes', '--confirm-danger', 'runbook_sandbox'], state, '000 --sandbox-on');
  assert.equal(r.code, 0, failure(r));
  assert.equal(passed(r.stdout).size, ITEMS, r.stdout);
  for (const notice of ['✅ SUCCESS: New aggregates have OI data', '⚡ ATOMIC CUTOVER IN PROGRESS...', '🎉 MIGRATION 017 COMPLETE', 'MIGRATION 018 COMPLETE']) {
    assert.ok(r.stdout.includes(notice), `missing notice ${notice}`);
  }
  // The monitor step read the refresh jobs after their first runs: a status, and Success.
  // psql's aligned table: columns padded, booleans t/f.
  assert.match(r.stdout, /\| fo_option_strike_bars_15min +\| 00:05:00 +\| t +\| Success +\|/);
  assert.match(r.stdout, /\| fo_option_strike_bars_5min +\| 00:01:00 +\| t +\| Success +\|/);
  assert.match(r.stdout, /✓ healthy \(every row\) — all 2 rows pass/);
  // The sandbox database is gone afterwards.
  const left = await query(serverUrl(), "SELECT datname FROM pg_database WHERE datname LIKE 'runbook_sandbox_%' AND datname = $1", [/target: [^/]+\/(runbook_sandbox_[0-9a-f]+)/.exec(r.stdout)?.[1]]);
  assert.deepEqual(left, []);
});

test('000 through --db: the whole run, then `runbook rollback` of it stops at 017, which cannot be undone after the cleanup (018), and changes nothing', async () => {
  const db = await createDatabase('tsdb000');
  try {
    psqlFile(db.url, join(mig000, 'sandbox.sql'));
    const state = stateDir();
    const run = await runToEnd(['run', rb000, '--db', db.url, '--yes', '--confirm-danger', db.name, '-i', 'app_log=', '-i', 'api_url='], state, '000 --db');
    assert.equal(run.code, 0, failure(run));
    assert.equal(passed(run.stdout).size, ITEMS, run.stdout);
    const back = await runbook(['rollback', lastRunId(state), '--db', db.url, '--yes', '--undone-by-hand', '--confirm-danger', db.name], state, '000 rollback of the completed run');
    assert.equal(back.code, 1, failure(back));
    assert.match(back.stdout, /IRREVERSIBLE/);
    assert.match(back.stdout, /migration 018 \(cleanup\) has run, so 017 cannot be rolled back/);
    assert.match(back.stdout, /The transaction was rolled back: nothing from this step was committed/);
    // Still the migrated state: the production aggregates have OI columns, their refresh jobs scheduled.
    const [after] = await query<{ oi: string; jobs: string }>(
      db.url,
      `SELECT (SELECT count(*) FROM information_schema.columns WHERE table_name IN ('fo_option_strike_bars_5min', 'fo_option_strike_bars_15min') AND column_name = 'call_oi_sum') AS oi,
              (SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' AND scheduled
                 AND hypertable_name IN ('fo_option_strike_bars_5min', 'fo_option_strike_bars_15min')) AS jobs`,
    );
    assert.deepEqual(after, { oi: '2', jobs: '2' });
  } finally {
    await db.drop();
  }
});

test('000 procedures: rollback-017 after the cutover puts the old aggregates back (twice: the second finds nothing to do), abandon-v2 drops the _v2 ones, and the main run starts again', async () => {
  const db = await createDatabase('tsdb000p');
  try {
    psqlFile(db.url, join(mig000, 'sandbox.sql'));
    psqlFile(db.url, join(mig000, '016_fix_continuous_aggregates_with_oi.sql'));
    psqlFile(db.url, join(mig000, '017_cutover_to_v2_aggregates.sql'), true);
    const state = stateDir();
    const back = await runbook(['run', rb000, '--db', db.url, '--procedure', 'rollback-017', '--yes'], state, '000 procedure rollback-017');
    assert.equal(back.code, 0, failure(back));
    assert.match(back.stdout, /ROLLBACK COMPLETE/);
    const again = await runbook(['run', rb000, '--db', db.url, '--procedure', 'rollback-017', '--yes'], state, '000 procedure rollback-017, again');
    assert.equal(again.code, 0, failure(again));
    assert.match(again.stdout, /nothing to roll back/);
    const drop = await runbook(['run', rb000, '--db', db.url, '--procedure', 'abandon-v2', '--yes', '--confirm-danger', db.name], state, '000 procedure abandon-v2');
    assert.equal(drop.code, 0, failure(drop));
    // Back at the starting point: the whole procedure runs again, to the end.
    const rerun = await runToEnd(['run', rb000, '--db', db.url, '--yes', '--confirm-danger', db.name, '-i', 'app_log=', '-i', 'api_url='], state, '000 run again after the rollback');
    assert.equal(rerun.code, 0, failure(rerun));
    assert.equal(passed(rerun.stdout).size, ITEMS, rerun.stdout);
  } finally {
    await db.drop();
  }
});
