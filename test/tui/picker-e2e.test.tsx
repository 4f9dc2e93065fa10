// `runbook` with no arguments in a real terminal (tmux): the picker lists the
// runbooks of ./runbooks, typing filters, `v` reads one and comes back, Enter
// opens the run screen against the database — or, with none configured,
// prints the exact command to run and exits 2.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/db.js';
import { root } from '../support/cli.js';
import { killServer, sh, Terminal } from '../e2e/tmux.js';

const BIN = join(root, 'bin', 'runbook.js');
const cleanups: Array<() => void | Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
  killServer();
});

/** A folder with runbooks/ holding the e2e fixtures, and `runbook` started there with no arguments. */
function start(env: Record<string, string>, columns = 80, rows = 24): Terminal {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-picker-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'runbooks'));
  for (const f of ['pass.yaml', 'blocked.yaml']) copyFileSync(join(root, 'test/e2e/fixtures', f), join(dir, 'runbooks', f));
  const vars = Object.entries({ RUNBOOK_STATE_DIR: join(dir, 'state'), ...env })
    .map(([k, v]) => `${k}=${sh(v)}`)
    .join(' ');
  const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE', 'RUNBOOK_PATH'].map((v) => `-u ${v}`).join(' ');
  const term = new Terminal(`cd ${sh(dir)} && env ${unset} ${vars} ${sh(process.execPath)} ${sh(BIN)}`, columns, rows);
  cleanups.push(() => term.close());
  return term;
}

describe('`runbook` in a terminal: the picker', () => {
  test('typing filters; v reads it and comes back; Enter opens the run screen on the database', async () => {
    const db = await createTestDatabase('picker');
    cleanups.push(() => db.drop().catch(() => {}));
    const term = start({ DATABASE_URL: db.url });
    await term.waitFor(/choose a runbook or a procedure/, 30_000, 'the picker');
    await term.waitFor(/E2E — a small passing runbook/);
    term.type('small');
    const filtered = await term.waitFor(/Filter: small█\s+1 match/);
    assert.doesNotMatch(filtered, /blocked/i);
    term.press('Escape');
    await term.waitFor(/Filter: small +1 match · Esc clears/);
    term.type('v');
    await term.waitFor(/READ-ONLY · nothing runs, no database is contacted/, 15_000, 'the read-only view');
    term.press('Down', 'Down', 'Down');
    await term.waitFor(/item 4 of/);
    term.type('q');
    // Back in the list, as it was left.
    await term.waitFor(/Filter: small +1 match/, 15_000, 'the picker again');
    term.press('Enter');
    // The run screen: its header names the runbook and the target; the inputs form asks for rows.
    const run = await term.waitFor(/How many rows to insert/, 30_000, 'the run screen’s inputs form');
    assert.match(run, /E2E — a small passing runbook/);
    term.press('Escape');
    assert.equal(await term.exitCode(), 1, 'declining the inputs ends the run unstarted');
    assert.match(term.screen(), /not started/);
  });

  test('with no database configured, Enter prints the exact command and exits 2', async () => {
    const term = start({});
    await term.waitFor(/E2E — a small passing runbook/, 30_000, 'the picker');
    term.type('small');
    await term.waitFor(/1 match/);
    term.press('Enter');
    assert.equal(await term.exitCode(), 2);
    const screen = term.screen().replace(/\n/g, '');
    assert.match(screen, /runbook run runbooks\/pass\.yaml --db postgres:\/\/USER@HOST:5432\/DBNAME/);
    assert.match(screen, /runbook run runbooks\/pass\.yaml --sandbox/);
  });

  test('q leaves the picker and the terminal as it was', async () => {
    const term = start({});
    await term.waitFor(/E2E — a small passing runbook/, 30_000, 'the picker');
    term.type('q');
    assert.equal(await term.exitCode(), 0);
    assert.doesNotMatch(term.screen(), /choose a runbook/);
  });
});
