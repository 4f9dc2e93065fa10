// `runbook run` in a real terminal (tmux) against a real PostgreSQL: keys as
// a person types them, assertions on what the screen shows and on what the
// database and the run's record say.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { columns } from '../../src/present/width.js';
import { leftovers, sh, Terminal } from './tmux.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'runbook.js');
const FIXTURES = join(ROOT, 'test', 'e2e', 'fixtures');

const { open, dirs, clean } = leftovers();
after(clean);

interface Started {
  term: Terminal;
  db: TestDatabase;
  stateDir: string;
}

/** Started with --auto (these tests are about what happens once steps run); `guided` leaves the screen's default pace. */
async function start(file: string, options: { columns?: number; rows?: number; env?: Record<string, string>; args?: string[]; db?: TestDatabase; guided?: boolean } = {}): Promise<Started> {
  const db = options.db ?? (await createTestDatabase('tuie2e'));
  open.push({ close: () => void db.drop().catch(() => {}) });
  const stateDir = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  dirs.push(stateDir);
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
  const args = [BIN, 'run', file, '--db', db.url, '--state-dir', stateDir, ...(options.guided ? [] : ['--auto']), ...(options.args ?? [])].map(sh).join(' ');
  // CI markers would make Ink draw only the last frame; a person's terminal has none.
  const command = `cd ${sh(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION ${env} ${sh(process.execPath)} ${args}`;
  const term = new Terminal(command, options.columns ?? 80, options.rows ?? 24);
  open.push(term);
  return { term, db, stateDir };
}

/** Every event line of the run's journal (JSON lines under the state dir). */
function journal(stateDir: string): Array<Record<string, unknown>> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.jsonl')) files.push(join(d, e.name));
    }
  };
  walk(stateDir);
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

function eventTypes(stateDir: string): string[] {
  return journal(stateDir).map((r) => String((r.event as { type?: string } | undefined)?.type ?? r.type ?? ''));
}

/** The screen must fill the terminal without wrapping: header, body with the list's rule, footer. */
function assertLayout(term: Terminal, title: string): void {
  const lines = term.lines();
  const screen = lines.join('\n');
  assert.equal(lines.length, term.rows, screen);
  assert.ok(lines[0].startsWith(` ${title.slice(0, 20)}`), `the title opens the header:\n${screen}`);
  assert.match(lines[0], /risk (LOW|MEDIUM|HIGH|CRITICAL)/, screen);
  assert.doesNotMatch(screen, /undefined|NaN|\[object Object\]/, screen);
  for (const l of lines) assert.ok(columns(l) <= term.columns, `a line wider than the terminal:\n${screen}`);
  // The list's vertical rule sits in one column on every body row.
  const col = lines[2].indexOf('│');
  assert.ok(col > 0, screen);
  const rule = lines.findIndex((l, i) => i > 2 && /^─{20,}$/.test(l.trim()));
  assert.ok(rule > 2, `a rule closes the body:\n${screen}`);
  for (let i = 2; i < rule; i++) assert.equal(lines[i][col], '│', `row ${i + 1} is out of line:\n${screen}`);
  assert.equal(lines[term.rows - 1].trim(), '', 'the last row is left free so the terminal never scrolls');
}

async function activeSleeps(db: TestDatabase): Promise<number> {
  const r = await db.client.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query ILIKE '%pg_sleep(60)%'",
  );
  return r.rows[0].n;
}

describe('runbook run in a terminal', () => {
  test('a passing run, to the end', async () => {
    const { term, db, stateDir } = await start(join(FIXTURES, 'pass.yaml'));
    await term.waitFor(/Inputs — Enter on the last/);
    assertLayout(term, 'E2E — a small passing runbook');
    assert.match(term.screen(), /› rows\s+3/);
    term.press('BSpace');
    term.type('5');
    term.press('Enter');
    await term.waitFor(/\? Prerequisite 2\/2 “.*”: I have a fresh backup of this database/);
    assert.match(term.screen(), /✓ PostgreSQL 12 or new/);
    assert.match(term.screen(), /PostgreSQL \d+(\.\d+)? · primary|PG \d+(\.\d+)? · primary/);
    term.type('y');
    await term.waitFor(/\? Checklist 1\/1 “.*”: The widgets look right/);
    assert.match(term.screen(), /✓ Insert the widgets/);
    term.type('y');
    await term.waitFor(/✓ Run succeeded — 3 of 3 steps passed/);
    assert.match(term.lines()[1], /✓ SUCCEEDED · 3\/3 steps/);
    assertLayout(term, 'E2E — a small passing runbook');
    term.type('q');
    assert.equal(await term.exitCode(), 0);
    const summary = term.screen();
    assert.match(summary, /E2E — a small passing runbook: run succeeded/);
    assert.match(summary, /✓ checklist\s+The widgets look right/);
    const n = await db.client.query('SELECT count(*)::int AS n FROM widgets');
    assert.equal(n.rows[0].n, 5, 'the input typed in the form was used');
    const types = eventTypes(stateDir);
    assert.ok(types.includes('run_ended'), `the run was journalled: ${types.join(', ')}`);
  });

  test('the screen does not load Node’s fetch implementation (Yoga would fetch its own data: URL with it: ~40 ms of every start)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'runbook-e2e-')), 'modules.json');
    // NODE_OPTIONS splits at spaces: the hook's text is percent-encoded.
    const hook = `data:text/javascript,${encodeURIComponent(`import fs from 'node:fs'; process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)))`)}`;
    const { term } = await start(join(FIXTURES, 'pass.yaml'), { env: { NODE_OPTIONS: `--import=${hook}` } });
    await term.waitFor(/Inputs — Enter on the last/);
    // One Ctrl-C, and time to finish: a second one while the program is finishing ends it by the
    // signal, before the hook's 'exit' (a loaded machine took over 300 ms to finish).
    for (let i = 0; i < 3 && !/__EXIT_/.test(term.screen()); i++) {
      term.press('C-c');
      await term.waitFor(/__EXIT_/, 5_000).catch(() => '');
    }
    await term.exitCode(10_000);
    const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[];
    assert.ok(loaded.some((m) => m.includes('net')), 'the hook saw the run');
    assert.deepEqual(loaded.filter((m) => m.includes('undici')), []);
  });

  test('a failed verification blocks the next step until a troubleshooting fix runs and the retry passes', async () => {
    const { term, db, stateDir } = await start(join(FIXTURES, 'blocked.yaml'));
    await term.waitFor(/✗ BLOCKED — “The feature flag is on” failed/);
    assertLayout(term, 'E2E — a verification that fails until fixed');
    assert.match(term.screen(), /expected: n = 1/);
    assert.match(term.screen(), /○ Use the feature/);
    term.type('s');
    await term.waitFor(/may not be skipped/);
    term.type('r');
    await term.waitFor(/×2/);
    await term.waitFor(/✗ BLOCKED/);
    assert.match(term.screen(), /○ Use the feature/, 'a retry without a fix is still blocked');
    const ran = await db.client.query("SELECT to_regclass('settings') IS NOT NULL AS made");
    assert.equal(ran.rows[0].made, true);
    term.type('t');
    await term.waitFor(/Troubleshooting — 1 entry matches this failure/);
    assert.match(term.screen(), /Nobody turned the flag on yet\./);
    term.press('Enter');
    await term.waitFor(/\? Run the fix: The feature flag row is missing/);
    const before = await db.client.query('SELECT count(*)::int AS n FROM settings');
    assert.equal(before.rows[0].n, 0, 'the fix waits for y');
    term.type('y');
    await term.waitFor(/The fix “flag-missing” ran\. Press r to retry the step\./);
    term.type('r');
    await term.waitFor(/✓ Run succeeded — 3 of 3 steps passed/);
    term.type('q');
    assert.equal(await term.exitCode(), 0);
    const types = eventTypes(stateDir);
    assert.ok(types.includes('item_retry'), `the retry is in the record: ${types.join(', ')}`);
    assert.ok(types.includes('fix_finished'), `the fix is in the record: ${types.join(', ')}`);
  });

  test('a destructive step is refused until the database name is typed', async () => {
    const { term, db } = await start(join(FIXTURES, 'danger.yaml'));
    await term.waitFor(/⚠ DESTRUCTIVE/);
    assertLayout(term, 'E2E — a destructive step');
    assert.match(term.screen(), new RegExp(`Type the database name ${db.name} to run this step`));
    term.type(`${db.name}x`);
    term.press('Enter');
    await term.waitFor(/that is not “.*” — not run/);
    const still = await db.client.query("SELECT to_regclass('victim') IS NOT NULL AS present");
    assert.equal(still.rows[0].present, true, 'nothing ran');
    term.press('C-u');
    term.type(db.name);
    term.press('Enter');
    await term.waitFor(/✓ Run succeeded/);
    const gone = await db.client.query("SELECT to_regclass('victim') IS NULL AS gone");
    assert.equal(gone.rows[0].gone, true);
    term.type('q');
    assert.equal(await term.exitCode(), 0);
  });

  test('Esc at a destructive step refuses it, and the run stays blocked', async () => {
    const { term, db } = await start(join(FIXTURES, 'danger.yaml'));
    await term.waitFor(/⚠ DESTRUCTIVE/);
    term.press('Escape');
    await term.waitFor(/✗ BLOCKED — “Drop the victim table” failed/);
    const still = await db.client.query("SELECT to_regclass('victim') IS NOT NULL AS present");
    assert.equal(still.rows[0].present, true);
    term.type('q');
    assert.equal(await term.exitCode(), 1);
    assert.match(term.screen(), /run failed|run aborted/);
  });

  test('Ctrl-C during SELECT pg_sleep(60) cancels it on the server within a second; the step is interrupted', async () => {
    const { term, db, stateDir } = await start(join(FIXTURES, 'sleep.yaml'));
    await term.waitFor(/statement 1\/1 · line 1/);
    await term.waitFor(() => true);
    const deadline = Date.now() + 10_000;
    while ((await activeSleeps(db)) === 0) {
      assert.ok(Date.now() < deadline, 'the statement never showed up in pg_stat_activity');
      await new Promise((r) => setTimeout(r, 50));
    }
    const pressed = Date.now();
    term.press('C-c');
    while ((await activeSleeps(db)) > 0) {
      assert.ok(Date.now() - pressed < 1000, 'a query of ours is still running a second after Ctrl-C');
      await new Promise((r) => setTimeout(r, 20));
    }
    await term.waitFor(/■ INTERRUPTED/);
    assert.match(term.screen(), /Cancelled on the server by the operator/);
    assert.match(term.screen(), /○ After the sleep/);
    const ours = await db.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'runbook%' AND state <> 'idle'");
    assert.equal(ours.rows[0].n, 0, 'no session of ours is doing anything');
    term.type('q');
    assert.equal(await term.exitCode(), 130);
    assert.ok(eventTypes(stateDir).includes('item_interrupted'));
  });

  test('a step waiting on a lock shows who holds it; an index build shows the server’s own progress', async () => {
    const db = await createTestDatabase('tuie2e');
    await db.client.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int)');
    await db.client.query('INSERT INTO accounts SELECT g, g % 100 FROM generate_series(1, 1000) g');
    const connect = async (name: string) => {
      const c = new pg.Client({ connectionString: db.url, application_name: name });
      await c.connect();
      open.push({ close: () => void c.end().catch(() => {}) });
      return c;
    };
    const old = await connect('old report');
    const holder = await connect('nightly batch');
    await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await old.query('SELECT 1');
    const oldPid = (await old.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
    const holderPid = (await holder.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE accounts IN SHARE MODE');

    const { term } = await start(join(FIXTURES, 'lock.yaml'), { db, columns: 140, rows: 30 });
    await term.waitFor(/⚠ waiting \d+:\d+ for AccessExclusiveLock on accounts, held by:/);
    await term.waitFor(new RegExp(`pid ${holderPid} postgres \\(nightly batch\\) · idle in transaction for \\d+ s: LOCK TABLE accounts IN SHARE M`));
    assertLayout(term, 'E2E — waits the server reports');
    await holder.query('COMMIT');
    await term.waitFor(/✓ Add a column to accounts/);
    await term.waitFor(/\d+% waiting for old snapshots · \d+\/\d+ lockers/);
    await term.waitFor(new RegExp(`pid ${oldPid} postgres \\(old report\\)`));
    await old.query('COMMIT');
    await term.waitFor(/✓ Run succeeded — 2 of 2 steps passed/);
    term.type('q');
    assert.equal(await term.exitCode(), 0);
    const monitors = await db.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'runbook (monitor)'");
    assert.equal(monitors.rows[0].n, 0, 'the monitor’s connection is closed');
  });

  test('q stops with the run kept: the record says where, and the summary says what was left', async () => {
    const { term, stateDir } = await start(join(FIXTURES, 'pass.yaml'));
    await term.waitFor(/Inputs — Enter on the last/);
    term.press('Enter');
    await term.waitFor(/\? Prerequisite .*: I have a fresh backup/);
    term.type('q');
    const code = await term.exitCode();
    assert.notEqual(code, 0);
    // Quitting at the question is not answering it: the run stops (aborted, not failed) and nothing is recorded for it.
    assert.match(term.screen(), /run aborted/);
    assert.match(term.screen(), /○ step\s+Create the widgets table/);
    assert.ok(eventTypes(stateDir).includes('run_ended'));
    const backup = journal(stateDir).filter((r) => (r.event as { key?: string } | undefined)?.key === 'prerequisite:backup');
    assert.deepEqual(backup.map((r) => (r.event as { type: string }).type), ['item_started'], 'asked, and left unanswered: a resume asks again');
  });

  test('? shows every key in 80×24', async () => {
    const { term } = await start(join(FIXTURES, 'blocked.yaml'));
    await term.waitFor(/✗ BLOCKED/);
    term.type('?');
    await term.waitFor(/Keys/);
    const screen = term.screen();
    for (const text of ['retry the item', 'troubleshooting that matches', 'roll the step back', 'skip with a typed reason', 'cancel the statement on the server', 'the undo plan of this run']) {
      assert.ok(screen.includes(text), `help mentions “${text}”:\n${screen}`);
    }
    term.press('Escape');
    await term.waitFor(/\[r\] retry/);
    term.type('q');
    await term.exitCode();
  });

  test('NO_COLOR: not one color code on the screen; without it, color', async () => {
    // eslint-disable-next-line no-control-regex
    const color = /\u001B\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|38|48)(?:;[0-9;]*)?m/;
    const plain = await start(join(FIXTURES, 'blocked.yaml'), { env: { NO_COLOR: '1' } });
    await plain.term.waitFor(/✗ BLOCKED/);
    assert.doesNotMatch(plain.term.screen({ escapes: true }), color);
    assertLayout(plain.term, 'E2E — a verification that fails until fixed');
    plain.term.type('q');
    await plain.term.exitCode();
    const colored = await start(join(FIXTURES, 'blocked.yaml'));
    await colored.term.waitFor(/✗ BLOCKED/);
    assert.match(colored.term.screen({ escapes: true }), color);
    colored.term.type('q');
    await colored.term.exitCode();
  });

  test('a wide terminal shows the expected output beside the real one', async () => {
    const { term } = await start(join(FIXTURES, 'pass.yaml'), { columns: 200, rows: 50 });
    await term.waitFor(/Inputs — Enter on the last/);
    assertLayout(term, 'E2E — a small passing runbook');
    term.press('Enter');
    await term.waitFor(/\? Prerequisite/);
    term.type('y');
    await term.waitFor(/\? Checklist/);
    term.type('g');
    for (let i = 0; i < 2; i++) term.press('Down');
    await term.waitFor(/Create the widgets table[\s\S]*Expected\s+│ Output/);
    assert.match(term.screen(), /CREATE TABLE\s+│ › CREATE TABLE IF NOT EXISTS widgets/);
    assertLayout(term, 'E2E — a small passing runbook');
    term.type('q');
    await term.exitCode();
  });
});

describe('every shipped runbook opens without layout breakage at 80×24', () => {
  const dir = join(ROOT, 'runbooks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  test('there are shipped runbooks', () => assert.ok(files.length > 0));
  for (const file of files) {
    test(file, async () => {
      const { term } = await start(join(dir, file));
      // Whatever comes first — the inputs form, a question, a running or blocked item — must fit.
      const screen = await term.waitFor((s) => /risk (LOW|MEDIUM|HIGH|CRITICAL)/.test(s) && /│/.test(s) && /\[[^\]]+\] /.test(s), 30_000, 'the screen');
      void screen;
      const loaded = await loadRunbook(join(dir, file));
      assert.ok(loaded.ok, `${file} loads`);
      assertLayout(term, loaded.ok ? loaded.runbook.title : '');
      for (let i = 0; i < 6 && !/__EXIT_/.test(term.screen()); i++) {
        term.press('C-c');
        await new Promise((r) => setTimeout(r, 300));
        if (/Look back over any item/.test(term.screen())) term.type('q');
      }
      await term.exitCode(10_000);
    });
  }
});
