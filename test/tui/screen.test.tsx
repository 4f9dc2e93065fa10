// The screen as the run draws it, on a terminal the painter writes to: each
// view, and each key as a person would press it (through Ink's input, with
// ink-testing-library), at 80×24 and wide.
import { NO_TROUBLESHOOTING } from '../../src/checks/troubleshoot.js';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { TuiController } from '../../src/tui/controller.js';
import { screenOperator } from '../../src/tui/operator.js';
import type { UiState } from '../../src/tui/state.js';
import { update } from '../../src/tui/store.js';
import { detailGeometry } from '../../src/tui/views/geometry.js';
import type { MonitorSample } from '../../src/exec/postgres/monitor.js';
import { atSteps, events, frameProblems, makeRunbook, makeUi, NOW, paintedTerminal, started, target } from './helpers.js';
import { Painter } from '../../src/tui/paint.js';
import { makeTheme } from '../../src/tui/theme.js';
import { columns as displayColumns } from '../../src/present/width.js';

const KEY = {
  enter: '\r',
  esc: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  backspace: '\u007F',
  tab: '\t',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
};

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

interface Mounted {
  ctl: TuiController;
  frame(): string;
  lines(): string[];
  press(...keys: string[]): Promise<void>;
  calls: string[];
}

async function mount(ui: UiState): Promise<Mounted> {
  const ctl = new TuiController(ui, { frameMs: 0, clock: () => NOW, measure: detailGeometry });
  const calls: string[] = [];
  ctl.setHooks({ interrupt: () => calls.push('interrupt'), stop: () => calls.push('stop'), exit: () => calls.push('exit'), forceExit: () => calls.push('force_exit') });
  const term = paintedTerminal(ui.size.rows);
  const r = render(<App controller={ctl} color={false} painter={new Painter(term, makeTheme(false))} />);
  await tick();
  const frame = () => term.screen();
  return {
    ctl,
    calls,
    frame,
    lines: () => frame().split('\n'),
    async press(...keys: string[]) {
      for (const key of keys) {
        r.stdin.write(key);
        await tick(key === KEY.esc ? 40 : 15);
      }
      await tick();
    },
  };
}

function assertFits(m: Mounted, columns = 80, rows = 24) {
  assert.deepEqual(frameProblems(m.frame(), columns, rows - 1), [], m.frame());
}

afterEach(() => cleanup());

describe('the layout', () => {
  test('header: title, risk, estimate, target, version, role and progress', async () => {
    const m = await mount(atSteps());
    const [l1, l2] = m.lines();
    assert.match(l1, /Phase 3 — performance indexes/);
    assert.match(l1, /risk HIGH · est 10m · 0:00/);
    assert.match(l2, /appdb · PostgreSQL 15\.4 · primary/);
    assert.match(l2, /step 1 of 4/);
    assertFits(m);
  });

  test('wide characters (a Japanese title and step, a result of city names) keep the panes in line and the frame within 80 columns', async () => {
    const rb = makeRunbook({
      title: '東京リージョンの移行 — 性能インデックス',
      steps: [
        { id: 'indexes', title: '複合インデックスを作成する（同時実行）', sql: 'SELECT 1' },
        { id: 'analyze', title: 'Analyze messages', sql: 'ANALYZE messages' },
      ],
    });
    let ui = atSteps(makeUi(rb));
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW }, {
      type: 'item_output',
      key: 'step:indexes',
      events: [
        { type: 'statement_started', index: 0, total: 1, text: 'SELECT city FROM t', line: 1 },
        { type: 'rows', columns: ['都市', 'n'], rows: [['東京', 1], ['名古屋市中区丸の内三丁目', 2], ['Paris', 3]], total: 3, truncated: false },
      ],
      at: NOW,
    });
    const m = await mount(ui);
    assertFits(m);
    // The list pane and the step pane meet at the same column on every row, whatever the list holds.
    const bars = m.lines().filter((l) => l.includes('│') && !l.includes('┼')).map((l) => displayColumns(l.slice(0, l.indexOf('│'))));
    assert.ok(bars.length > 5 && bars.every((b) => b === bars[0]), `separators at ${bars.join(', ')}:\n${m.frame()}`);
  });

  test('a replica is called out in the header', async () => {
    const ui = events(makeUi(), { type: 'inputs_set', inputs: {}, at: NOW }, { type: 'target_pinned', target: { ...target, isReplica: true }, at: NOW });
    const m = await mount(ui);
    assert.match(m.lines()[1], /REPLICA \(read-only\)/);
  });

  test('before the target is pinned, the URL given is shown (without a password)', async () => {
    const m = await mount(makeUi());
    assert.match(m.lines()[1], /postgres:\/\/postgres@127\.0\.0\.1:5432\/appdb · connecting…/);
  });

  test('step list: groups, statuses, the current item marked, skipped with reason', async () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW }, { type: 'item_finished', key: 'step:indexes', verdicts: [], durationMs: 1, at: NOW });
    ui = events(ui, { type: 'item_skipped', key: 'step:analyze', reason: 'fresh', at: NOW }, { type: 'item_started', key: 'step:purge', at: NOW });
    const m = await mount({ ...ui, size: { columns: 120, rows: 30 } });
    const f = m.frame();
    assert.match(f, /Prerequisites \(2\)/);
    assert.match(f, /Steps \(4\)/);
    assert.match(f, /Checklist \(2\)/);
    assert.match(f, / ✓ PostgreSQL 12 or newer/);
    assert.match(f, / ✓ Create the composite indexes/);
    assert.match(f, / ↷ Analyze messages — fresh/);
    assert.match(f, /▸▶ Purge old rows/);
    assert.match(f, / ○ Record the migration/);
    assertFits(m, 120, 30);
  });

  test('a long step list scrolls to keep the viewed item in sight', async () => {
    const steps = Array.from({ length: 60 }, (_, i) => ({ id: `s${i}`, title: `Step number ${i}`, sql: 'SELECT 1' }));
    const ui = started(makeUi(makeRunbook({ steps, prerequisites: [], checklist: [] })));
    const m = await mount(ui);
    assert.match(m.frame(), /↓ \d+ more/);
    assert.doesNotMatch(m.frame(), /↑ \d+ more/);
    await m.press('G');
    assert.match(m.frame(), /Step number 59/);
    assert.match(m.frame(), /↑ \d+ more/);
    assertFits(m);
  });

  test('a narrow terminal drops the list, keeps the rest', async () => {
    const m = await mount({ ...atSteps(), size: { columns: 50, rows: 20 } });
    assert.doesNotMatch(m.frame(), /│/);
    assert.match(m.frame(), /Create the composite indexes/);
    assertFits(m, 50, 20);
  });
});

describe('the step view', () => {
  test('before it runs: explain, the SQL (numbered, highlighted), checks and rollback', async () => {
    const m = await mount({ ...atSteps(), size: { columns: 140, rows: 40 } });
    const f = m.frame();
    assert.match(f, /○ PENDING  step 1\/4  Create the composite indexes/);
    assert.match(f, /not run yet · timeout 10m/);
    assert.match(f, /Why/);
    assert.match(f, /- builds concurrently/);
    assert.match(f, /SQL/);
    assert.match(f, /CREATE INDEX CONCURRENTLY idx_messages_user_created/);
    assert.match(f, /Then checks:/);
    assert.match(f, /• The index serves the timeline/);
    assert.match(f, /Rollback: DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created/);
    assert.match(f, /Expected\s+│ Output/);
    assert.match(f, /CREATE INDEX\s+│ \(not run yet\)/);
  });

  test('a long SQL line wraps instead of being cut', async () => {
    const long = `SELECT ${Array.from({ length: 30 }, (_, i) => `column_${i}`).join(', ')} FROM t`;
    const ui = started(makeUi(makeRunbook({ prerequisites: [], steps: [{ id: 'a', title: 'A', sql: long }] })));
    const m = await mount(ui);
    assert.match(m.frame(), /column_29 FROM t/);
    assertFits(m);
  });

  test('running: elapsed against the timeout, the statement, live output, notices, durations, a table', async () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW - 65_000 });
    ui = events(
      ui,
      { type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_started', index: 0, total: 3, text: 'SELECT id, name FROM t', line: 1 }], at: NOW - 6000 },
      { type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: 'relation "x" already exists, skipping' }], at: NOW - 6000 },
      { type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_finished', index: 0, command: 'CREATE INDEX', rowCount: null, durationMs: 1234 }], at: NOW - 5000 },
      { type: 'item_output', key: 'step:indexes', events: [{ type: 'rows', columns: ['id', 'name'], rows: [[1, 'a'], [2, null]], total: 123_456, truncated: true }], at: NOW - 5000 },
      { type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_started', index: 1, total: 3, text: 'CREATE INDEX CONCURRENTLY idx ON messages (user_id)', line: 4 }], at: NOW - 5000 },
    );
    ui = update(ui, { type: 'tick', now: NOW }).state;
    const m = await mount({ ...ui, size: { columns: 120, rows: 40 } });
    const f = m.frame();
    assert.match(f, /▶ RUNNING/);
    assert.match(f, /running 1:05 \/ timeout 10m/);
    assert.match(f, /statement 2\/3 · line 4 · 0:05/);
    assert.match(f, /NOTICE: relation "x" already exists, skipping/);
    assert.match(f, /✓ CREATE INDEX \(1\.23 s\)/);
    assert.match(f, /id\s+│ name/);
    assert.match(f, /2\s+│ NULL/);
    assert.match(f, /\(123456 rows; the first 2 shown\)/);
    assertFits(m, 120, 40);
  });

  test('running: the server’s progress and who holds the lock we wait for', async () => {
    let ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW });
    const sample: MonitorSample = {
      at: NOW,
      pid: 100,
      state: 'active',
      waitEventType: 'Lock',
      waitEvent: 'relation',
      runningMs: 42_000,
      waitingFor: { locktype: 'relation', mode: 'ShareUpdateExclusiveLock', relation: 'messages' },
      blockers: [{ pid: 4711, user: 'alice', application: 'psql', state: 'idle in transaction', query: 'UPDATE messages SET body = body', xactAgeMs: 312_000, queryAgeMs: 300_000 }],
      progress: [{ command: 'CREATE INDEX CONCURRENTLY', phase: 'building index: scanning table', relation: 'messages', done: 450, total: 1000, unit: 'blocks' }],
    };
    ui = update(ui, { type: 'monitor', key: 'step:indexes', sample }).state;
    const m = await mount({ ...ui, size: { columns: 120, rows: 30 } });
    const f = m.frame();
    assert.match(f, /45% building index: scanning table · 450\/1,000 blocks/);
    assert.match(f, /⚠ waiting 0:42 for ShareUpdateExclusiveLock on messages, held by:/);
    assert.match(f, /pid 4711 alice \(psql\) · idle in transaction for 5 min 12 s: UPDATE messages SET/);
  });

  test('verdicts: ✓ and ✗ with expected and actual; the error with its position', async () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW }, {
      type: 'item_finished',
      key: 'step:indexes',
      verdicts: [
        { label: 'rows', ok: true, expected: 'rows = 1', actual: '1 row' },
        { label: 'The index serves the timeline: plan', ok: false, expected: 'plan contains "Index Scan"', actual: 'Seq Scan on messages' },
      ],
      error: { kind: 'sql', sqlstate: '42P07', message: 'relation "idx" already exists', line: 3, column: 14, hint: 'drop it first' },
      durationMs: 800,
      at: NOW,
    });
    const m = await mount({ ...ui, size: { columns: 100, rows: 40 } });
    const f = m.frame();
    assert.match(f, /✗ FAILED/);
    assert.match(f, /failed after 800 ms/);
    assert.match(f, /✓ rows {2}1 row/);
    assert.match(f, /✗ The index serves the timeline: plan/);
    assert.match(f, /expected: plan contains "Index Scan"/);
    assert.match(f, /actual: {3}Seq Scan on messages/);
    assert.match(f, /✗ SQL error 42P07 at line 3:14/);
    assert.match(f, /hint: drop it first/);
  });

  test('output far larger than the screen: the tail is shown, PgUp/PgDn scroll, memory stays bounded', async () => {
    let ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW });
    for (let i = 0; i < 5000; i++) ui = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'output', stream: 'stdout', line: `line ${i} \u001B[31mred\u001B[0m\ttab` }], at: NOW });
    assert.equal(ui.run.items.find((i) => i.key === 'step:indexes')!.output.length, 500, 'the engine keeps a bounded tail');
    const m = await mount(ui);
    // A command's escape sequences are shown, never interpreted by the terminal.
    assert.match(m.frame(), /line 4999 \\u001b\[31mred\\u001b\[0m {2}tab/);
    assert.match(m.frame(), /\d+–\d+ of \d+ lines \(end\) · following/);
    assertFits(m);
    await m.press(KEY.pageUp, KEY.pageUp);
    assert.doesNotMatch(m.frame(), /line 4999/);
    assert.match(m.frame(), /End follows/);
    await m.press('g');
    await m.press('f');
    assert.match(m.frame(), /line 4999/);
  });
});

describe('questions on the screen', () => {
  test('inputs form: defaults filled, checked as typed, Enter starts', async () => {
    const m = await mount(makeUi());
    const op = screenOperator(m.ctl);
    const answer = op.askInputs(m.ctl.getState().runbook.inputs, {}, [], []);
    await tick();
    assert.match(m.frame(), /Inputs — Enter on the last/);
    assert.match(m.frame(), /› user_id\s+1█/);
    assert.match(m.frame(), /integer · default 1\n.*A user to test plans with/);
    assert.match(m.frame(), /string · optional/);
    await m.press('x');
    assert.match(m.frame(), /user_id: expected a whole number, got "1x"/);
    await m.press(KEY.enter);
    assert.match(m.frame(), /Fix user_id first/);
    await m.press(KEY.backspace, KEY.backspace, '7', KEY.tab, 'hello', KEY.enter);
    assert.deepEqual(await answer, { user_id: '7', label: 'hello' });
    assertFits(m);
  });

  test('prerequisite confirmations are ticked one by one with y', async () => {
    const m = await mount(pass(started(makeUi()), 'prerequisite:pg-version'));
    const op = screenOperator(m.ctl);
    const item = m.ctl.getState().run.items[1];
    const answer = op.confirm(item, 'I have a backup taken in the last hour');
    await tick();
    assert.match(m.frame(), /\? Prerequisite 2\/2 “A backup was taken”: I have a backup taken in the last hour/);
    assert.match(m.frame(), /\[y\] yes, it is done {2}\[n\] no {2}\[q\] quit/);
    await m.press(KEY.enter);
    await m.press('y');
    assert.equal(await answer, true);
  });

  test('a destructive step waits for the database name', async () => {
    const m = await mount(atSteps());
    const op = screenOperator(m.ctl);
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:purge')!;
    let settled = false;
    const answer = op.confirmDanger(item, ['DELETE without WHERE deletes every row'], 'appdb').then((v) => ((settled = true), v));
    await tick();
    assert.match(m.frame(), /⚠ DESTRUCTIVE — step 3\/4 “Purge old rows”: DELETE without WHERE deletes every\s+row/);
    assert.match(m.frame(), /Type the database name appdb to run this step/);
    await m.press('appdx', KEY.enter);
    assert.match(m.frame(), /that is not “appdb” — not run/);
    assert.equal(settled, false);
    await m.press(KEY.backspace, 'b');
    assert.doesNotMatch(m.frame(), /that is not/);
    await m.press(KEY.enter);
    assert.equal(await answer, true);
  });

  test('Ctrl-U and the name typed after it, arriving in one chunk, clear the field and then fill it', async () => {
    const m = await mount(atSteps());
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:purge')!;
    const answer = screenOperator(m.ctl).confirmDanger(item, ['danger'], 'appdb');
    await tick();
    await m.press('appdbx', KEY.enter);
    assert.match(m.frame(), /that is not “appdb” — not run/);
    await m.press('\u0015appdb', KEY.enter);
    assert.equal(await answer, true);
  });

  test('Esc refuses a destructive step', async () => {
    const m = await mount(atSteps());
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:purge')!;
    const answer = screenOperator(m.ctl).confirmDanger(item, ['danger'], 'appdb');
    await tick();
    await m.press(KEY.esc);
    assert.equal(await answer, false);
  });

  function failedIndexes(ui = atSteps()): UiState {
    return events(ui, { type: 'item_started', key: 'step:indexes', at: NOW }, {
      type: 'item_finished',
      key: 'step:indexes',
      verdicts: [{ label: 'plan', ok: false, expected: 'Index Scan', actual: 'Seq Scan' }],
      durationMs: 5,
      at: NOW,
    });
  }

  test('blocked in a sandbox: quitting does not offer "resume later" (the sandbox is deleted when the run ends)', async () => {
    const m = await mount({ ...failedIndexes(), sandbox: true });
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    const answer = screenOperator(m.ctl).blocked(item, item.verdicts, NO_TROUBLESHOOTING);
    await tick();
    assert.match(m.frame(), /\[q\] quit \(the sandbox is deleted\)/);
    assert.doesNotMatch(m.frame(), /resume later/);
    await m.press('q');
    assert.deepEqual(await answer, { type: 'quit' });
    const plain = await mount(failedIndexes());
    void screenOperator(plain.ctl).blocked(item, item.verdicts, NO_TROUBLESHOOTING);
    await tick();
    assert.match(plain.frame(), /\[q\] quit \(resume later\)/);
  });

  test('blocked: the menu names every way on; s and b say why they cannot', async () => {
    const m = await mount(failedIndexes());
    const rb = m.ctl.getState().runbook;
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    const answer = screenOperator(m.ctl).blocked(item, item.verdicts, { entries: rb.troubleshooting, matched: rb.troubleshooting.length });
    await tick();
    assert.match(m.frame(), /✗ BLOCKED — “Create the composite indexes” failed: plan: expected Index Scan,\s+actual Seq Scan/);
    assert.match(m.frame(), /\[r\] retry {2}\[t\] troubleshoot \(2 match\) {2}\[b\] roll back {2}\[s\] skip \(not allowed\)/);
    await m.press('s');
    assert.match(m.frame(), /may not be skipped/);
    await m.press('j');
    assert.doesNotMatch(m.frame(), /may not be skipped/, 'the next key clears the message');
    await m.press('f', 'r');
    assert.deepEqual(await answer, { type: 'retry' });
    assertFits(m);
  });

  test('blocked: t lists the matching entries, then the step’s other known problems (labelled), shows each, runs a fix only after y', async () => {
    const m = await mount(failedIndexes());
    const rb = m.ctl.getState().runbook;
    const op = screenOperator(m.ctl);
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    const choice = op.blocked(item, item.verdicts, { entries: rb.troubleshooting, matched: 1 });
    await tick();
    assert.match(m.frame(), /\[t\] troubleshoot \(1 match · 1 other\)/);
    await m.press('t');
    assert.match(m.frame(), /Troubleshooting — 1 entry matches this failure · 1[^]*other known problem of this step/);
    assert.match(m.frame(), /› fix {2}· Migration fails with "relation already exists"/);
    assert.match(m.frame(), /info · other known problem · /);
    assert.match(m.frame(), /The migration was partly applied before\./);
    assert.match(m.frame(), /DROP INDEX IF EXISTS idx_messages_user_created/);
    assert.doesNotMatch(m.frame(), /it does not match this failure/);
    await m.press(KEY.down);
    assert.match(m.frame(), /Sometimes it is the app\./);
    assert.match(m.frame(), /One of the other known problems of this step: it does[^]*not match this failure\./);
    await m.press(KEY.enter);
    assert.match(m.frame(), /has no fix to run: it is advice/);
    await m.press(KEY.up, KEY.enter);
    assert.deepEqual(await choice, { type: 'fix', entryId: 'relation-exists' });
    const ok = op.confirmFix(rb.troubleshooting[0]);
    await tick();
    assert.match(m.frame(), /\? Run the fix: Migration fails with "relation already exists"/);
    assert.match(m.frame(), /it runs: DROP INDEX IF EXISTS idx_messages_user_created/);
    await m.press('y');
    assert.equal(await ok, true);
    assertFits(m);
  });

  test('blocked: Esc leaves the troubleshooting list', async () => {
    const m = await mount(failedIndexes());
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    const choice = screenOperator(m.ctl).blocked(item, item.verdicts, { entries: m.ctl.getState().runbook.troubleshooting, matched: m.ctl.getState().runbook.troubleshooting.length });
    await tick();
    await m.press('t', KEY.esc);
    assert.match(m.frame(), /\[r\] retry/);
    await m.press('q');
    assert.deepEqual(await choice, { type: 'quit' });
    assert.deepEqual(m.calls, ['stop']);
  });

  test('blocked: b shows the rollback and asks', async () => {
    const m = await mount(failedIndexes());
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    const choice = screenOperator(m.ctl).blocked(item, item.verdicts, NO_TROUBLESHOOTING);
    await tick();
    await m.press('b');
    assert.match(m.frame(), /\? Roll back: Create the composite indexes/);
    assert.match(m.frame(), /it runs: DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created/);
    await m.press('n');
    assert.match(m.frame(), /\[r\] retry/);
    await m.press('b', 'y');
    assert.deepEqual(await choice, { type: 'rollback' });
  });

  test('blocked: s on a skippable step takes a typed reason', async () => {
    let ui = pass(atSteps(), 'step:indexes');
    ui = events(ui, { type: 'item_started', key: 'step:analyze', at: NOW }, { type: 'item_finished', key: 'step:analyze', verdicts: [], error: { kind: 'sql', message: 'boom' }, durationMs: 1, at: NOW });
    const m = await mount(ui);
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:analyze')!;
    const choice = screenOperator(m.ctl).blocked(item, [], NO_TROUBLESHOOTING);
    await tick();
    assert.match(m.frame(), /\[s\] skip with reason/);
    await m.press('s');
    assert.match(m.frame(), /Why skip “Analyze messages”\? The reason goes into the run’s record\./);
    await m.press(KEY.enter);
    assert.match(m.frame(), /A skip needs a reason/);
    await m.press('stats are fresh; ran it by hand', KEY.enter);
    assert.deepEqual(await choice, { type: 'skip', reason: 'stats are fresh; ran it by hand' });
  });
});

describe('keys that act on the run', () => {
  test('Ctrl-C while a statement runs asks to cancel it; q asks to stop after it', async () => {
    const m = await mount(events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW }));
    assert.match(m.frame(), /\[Ctrl-C\] cancel statement/);
    await m.press(KEY.ctrlC);
    assert.deepEqual(m.calls, ['interrupt']);
    assert.match(m.frame(), /Cancelling the running statement on the server…/);
    assert.match(m.frame(), /cancelling on the server…/);
    await m.press('q');
    assert.deepEqual(m.calls, ['interrupt', 'stop']);
  });

  test('? shows every key; Esc closes it', async () => {
    const m = await mount(atSteps());
    await m.press('?');
    const f = m.frame();
    for (const text of ['Keys', 'retry the item', 'troubleshooting that matches', 'roll the step back', 'skip with a typed reason', 'the run’s record is kept', 'cancel the statement on the server', 'follow the run again', 'scroll the step view', 'answer a confirmation', 'the database name']) {
      assert.ok(f.includes(text), `help mentions “${text}”`);
    }
    assertFits(m);
    await m.press(KEY.esc);
    assert.doesNotMatch(m.frame(), /retry the item/);
  });

  test('p shows the undo plan the run’s record worked out; the help names the record', async () => {
    const plan = [
      { id: 'purge', title: 'Purge old rows', undo: 'manual: restore from the backup' },
      { id: 'indexes', title: 'Create the composite indexes', undo: 'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created' },
    ];
    const m = await mount({ ...atSteps(), plan, recordNote: 'run 20260101-0300 · journal /tmp/j.jsonl' });
    await m.press('p');
    assert.match(m.frame(), /Undo plan — what rolling this run back would run, newest first/);
    assert.match(m.frame(), / 1\. Purge old rows \[purge\]/);
    assert.match(m.frame(), /DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created/);
    assert.match(m.frame(), /run 20260101-0300 · journal \/tmp\/j\.jsonl/);
    assertFits(m);
    await m.press(KEY.esc, '?');
    assert.match(m.frame(), /Keys {3}run 20260101-0300/);
    await m.press(KEY.esc);
    assert.doesNotMatch(m.frame(), /Keys/);
  });

  test('the end of the run: the outcome, then q leaves', async () => {
    let ui = atSteps();
    ui = events(ui, { type: 'run_ended', outcome: 'aborted', reason: 'stopped by the operator', at: NOW + 61_000 });
    ui = update(ui, { type: 'finished', state: ui.run }).state;
    const m = await mount(ui);
    assert.match(m.frame(), /✗ Run aborted: stopped by the operator\./);
    assert.match(m.lines()[1], /✗ ABORTED · 0\/4 steps/);
    assert.match(m.lines()[0], /1:01/);
    await m.press('q');
    assert.deepEqual(m.calls, ['exit']);
  });
});

describe('every shipped runbook fits 80×24 and a wide terminal, in every item', async () => {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { loadRunbook } = await import('../../src/runbook/load.js');
  const dir = join(process.cwd(), 'runbooks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  test('there are shipped runbooks', () => assert.ok(files.length > 0));
  for (const file of files) {
    for (const size of [{ columns: 80, rows: 24 }, { columns: 160, rows: 48 }]) {
      test(`${file} at ${size.columns}×${size.rows}`, async () => {
        const loaded = await loadRunbook(join(dir, file));
        assert.ok(loaded.ok, `${file} loads`);
        if (!loaded.ok) return;
        const ui = started(makeUi(loaded.runbook, size));
        const m = await mount(events(ui, { type: 'item_started', key: ui.run.items[0].key, at: NOW }));
        assertFits(m, size.columns, size.rows);
        for (let i = 0; i < ui.run.items.length; i++) {
          await m.press('j');
          assertFits(m, size.columns, size.rows);
        }
        await m.press('?');
        assertFits(m, size.columns, size.rows);
      });
    }
  }
});

function pass(ui: UiState, key: string): UiState {
  return events(ui, { type: 'item_started', key, at: NOW }, { type: 'item_finished', key, verdicts: [], durationMs: 1, at: NOW });
}

describe('a very small terminal', () => {
  test('40×10: still fits, and the ways on stay visible', async () => {
    const ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW }, { type: 'item_finished', key: 'step:indexes', verdicts: [], error: { kind: 'sql', message: 'boom' }, durationMs: 1, at: NOW });
    const m = await mount({ ...ui, size: { columns: 40, rows: 10 } });
    const item = m.ctl.getState().run.items.find((i) => i.key === 'step:indexes')!;
    void screenOperator(m.ctl).blocked(item, [], NO_TROUBLESHOOTING);
    await tick();
    assertFits(m, 40, 10);
    assert.match(m.frame(), /\[r\] retry/);
    assert.match(m.frame(), /\[q\] quit/);
  });
});
