// The picker: typing filters, Enter resolves to the run of the selected
// runbook or procedure, `v` to the read-only view, q / Esc quit. The reducer
// on its own, then the component with ink-testing-library at 80×24.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { discoverRunbooks, type DiscoveredRunbook } from '../../src/runbook/discover.js';
import { Picker } from '../../src/tui/picker/Picker.js';
import { initialPickerState, pickerEntries, pickerKey, updatePicker, type PickerChoice, type PickerLiveRun, type PickerState } from '../../src/tui/picker/model.js';
import { pickerGeometry } from '../../src/tui/picker/view.js';
import { noDatabaseLines } from '../../src/cli/commands/pick.js';
import { root, runCli } from '../support/cli.js';
import { frameProblems, stripAnsi } from './helpers.js';

const KEY = { enter: '\r', esc: '\u001B', up: '\u001B[A', down: '\u001B[B', backspace: '\u007F', pageDown: '\u001B[6~', pageUp: '\u001B[5~' };
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

const RUNBOOKS: DiscoveredRunbook[] = [
  {
    file: 'runbooks/phase3.yaml',
    id: 'phase3-indexes',
    title: 'Phase 3 — performance indexes',
    risk: 'medium',
    estimate: '10m',
    tags: ['postgresql', 'indexes'],
    procedures: [
      { id: 'emergency-rollback', title: 'Emergency rollback' },
      { id: 'refresh-view', title: 'Refresh the materialized view' },
    ],
  },
  { file: 'runbooks/timescale.yaml', id: 'timescale-aggregates', title: 'Rebuild the continuous aggregates', risk: 'low', estimate: '30m', tags: ['timescaledb'], procedures: [{ id: 'abandon-v2', title: 'Undo migration 016' }] },
  { file: 'runbooks/broken.yaml', id: 'broken', title: 'A draft', tags: [], procedures: [], error: 'runbooks/broken.yaml:3:8: YAML syntax: unclosed' },
];

/** n runbooks without procedures: a list longer than the screen. */
function manyRunbooks(n: number): DiscoveredRunbook[] {
  return Array.from({ length: n }, (_, i) => ({ file: `runbooks/r${i + 1}.yaml`, id: `r${i + 1}`, title: `Runbook number ${i + 1}`, risk: 'low', tags: [], procedures: [] }));
}

type Press = { input?: string; key?: Parameters<typeof pickerKey>[2] };

/** Feeds keys through the key map and the reducer, as the component does. */
function drive(state: PickerState, ...keys: (string | Press)[]) {
  let s = state;
  for (const k of keys) {
    const { input = '', key = {} } = typeof k === 'string' ? { input: k } : k;
    const intent = pickerKey(s, input, key);
    if (!intent) continue;
    const r = updatePicker(s, intent);
    if (r.outcome) return { state: r.state, outcome: r.outcome };
    s = r.state;
  }
  return { state: s, outcome: undefined };
}

const type = (text: string) => [...text];
const ENTER: Press = { key: { return: true } };
const ESC: Press = { key: { escape: true } };
const DOWN: Press = { key: { downArrow: true } };

describe('the picker reducer', () => {
  test('lists every runbook with its procedures beneath it', () => {
    const s = initialPickerState(RUNBOOKS);
    assert.deepEqual(
      pickerEntries(s).map((e) => e.key),
      ['runbooks/phase3.yaml', 'runbooks/phase3.yaml#emergency-rollback', 'runbooks/phase3.yaml#refresh-view', 'runbooks/timescale.yaml', 'runbooks/timescale.yaml#abandon-v2', 'runbooks/broken.yaml'],
    );
    assert.equal(s.selected, 'runbooks/phase3.yaml');
  });

  test('typing filters by title, id, tag and procedure title; the selection goes to the first match', () => {
    let { state } = drive(initialPickerState(RUNBOOKS), ...type('rollback'));
    assert.equal(state.filter, 'rollback');
    assert.deepEqual(pickerEntries(state).map((e) => e.key), ['runbooks/phase3.yaml', 'runbooks/phase3.yaml#emergency-rollback']);
    assert.equal(state.selected, 'runbooks/phase3.yaml#emergency-rollback');
    ({ state } = drive(initialPickerState(RUNBOOKS), ...type('timescaledb')));
    assert.deepEqual(pickerEntries(state).map((e) => e.key), ['runbooks/timescale.yaml', 'runbooks/timescale.yaml#abandon-v2']);
    assert.equal(state.selected, 'runbooks/timescale.yaml');
    ({ state } = drive(initialPickerState(RUNBOOKS), ...type('aggregates')));
    assert.equal(state.selected, 'runbooks/timescale.yaml');
    // Words are all required, in any order, across the runbook and its procedure.
    ({ state } = drive(initialPickerState(RUNBOOKS), ...type('indexes refresh')));
    assert.deepEqual(pickerEntries(state).map((e) => e.key), ['runbooks/phase3.yaml', 'runbooks/phase3.yaml#refresh-view']);
    ({ state } = drive(initialPickerState(RUNBOOKS), ...type('nothing-like-it')));
    assert.deepEqual(pickerEntries(state), []);
  });

  test('Enter resolves to the run of the selected runbook, or of the selected procedure', () => {
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), ENTER).outcome, { type: 'chosen', choice: { file: 'runbooks/phase3.yaml' } });
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), DOWN, ENTER).outcome, { type: 'chosen', choice: { file: 'runbooks/phase3.yaml', procedure: 'emergency-rollback' } });
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), ...type('undo'), ENTER).outcome, { type: 'chosen', choice: { file: 'runbooks/timescale.yaml', procedure: 'abandon-v2' } });
  });

  test('v resolves to the read-only view; while typing, v is text', () => {
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), DOWN, DOWN, DOWN, 'v').outcome, { type: 'chosen', choice: { file: 'runbooks/timescale.yaml', view: true } });
    const typed = drive(initialPickerState(RUNBOOKS), '/', ...type('view'));
    assert.equal(typed.outcome, undefined);
    assert.equal(typed.state.filter, 'view');
    // Esc ends the typing; then v views the selection (the procedure that matched).
    assert.deepEqual(drive(typed.state, ESC, 'v').outcome, { type: 'chosen', choice: { file: 'runbooks/phase3.yaml', view: true, procedure: 'refresh-view' } });
  });

  test('Esc: ends typing, then clears the filter, then quits; q quits; Backspace edits', () => {
    let { state } = drive(initialPickerState(RUNBOOKS), ...type('rollbackx'));
    ({ state } = drive(state, { key: { backspace: true } }));
    assert.equal(state.filter, 'rollback');
    ({ state } = drive(state, ESC));
    assert.equal(state.typing, false);
    assert.equal(state.filter, 'rollback');
    ({ state } = drive(state, ESC));
    assert.equal(state.filter, '');
    assert.deepEqual(drive(state, ESC).outcome, { type: 'quit' });
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), 'q').outcome, { type: 'quit' });
    assert.deepEqual(drive(initialPickerState(RUNBOOKS), { input: 'c', key: { ctrl: true } }).outcome, { type: 'quit' });
  });

  test('a runbook that does not load is listed but not opened: the footer says why', () => {
    const { state, outcome } = drive(initialPickerState(RUNBOOKS), ...type('draft'), ENTER);
    assert.equal(outcome, undefined);
    assert.match(state.message ?? '', /broken\.yaml does not load: runbook validate/);
  });

  test('a page moves by the rows the view measured (handed in with the intent), never by a height of its own', () => {
    const many = manyRunbooks(30);
    const s = initialPickerState(many, { size: { columns: 80, rows: 24 } });
    assert.deepEqual(pickerKey(s, '', { pageDown: true }), { type: 'page', delta: 1 });
    assert.deepEqual(pickerKey(s, '', { pageUp: true }), { type: 'page', delta: -1 });
    const down = updatePicker(s, { type: 'page', delta: 1, view: { height: 5 } }).state;
    assert.equal(down.selected, many[4].file, 'one row of the last page stays in sight');
    assert.equal(updatePicker(down, { type: 'page', delta: -1, view: { height: 5 } }).state.selected, many[0].file);
    assert.equal(updatePicker(s, { type: 'page', delta: 1 }).state.selected, many[0].file, 'unmeasured: no page to move by');
    assert.equal(updatePicker(s, { type: 'page', delta: 1, view: { height: 100 } }).state.selected, many[29].file, 'bounded by the list');
  });

  test('with no database configured, the exact command to run is printed', () => {
    const lines = noDatabaseLines({ file: 'runbooks/002-multi-pair-support.yaml', procedure: 'emergency-rollback' });
    assert.ok(lines.includes('  runbook run runbooks/002-multi-pair-support.yaml --procedure emergency-rollback --db postgres://USER@HOST:5432/DBNAME'));
    assert.ok(lines.includes('  runbook run runbooks/002-multi-pair-support.yaml --procedure emergency-rollback --sandbox'));
  });
});

afterEach(() => cleanup());

async function mount(runbooks: DiscoveredRunbook[], live?: PickerLiveRun[]) {
  const done: { choice: PickerChoice | null; state: PickerState }[] = [];
  const r = render(<Picker runbooks={runbooks} live={live} size={{ columns: 80, rows: 24 }} color={false} onDone={(choice, state) => done.push({ choice, state })} />);
  await tick(30);
  const frame = () => stripAnsi(r.lastFrame() ?? '');
  return {
    done,
    frame,
    async press(...keys: string[]) {
      for (const key of keys) {
        const before = frame();
        r.stdin.write(key);
        for (let waited = 0; frame() === before && waited < 200 && done.length === 0; waited += 2) await tick(2);
        await tick(key === KEY.esc ? 30 : 3);
      }
    },
  };
}

describe('the picker on the screen (ink-testing-library, 80×24)', () => {
  test('each runbook with title, risk, estimate and tags, and its procedures beneath it', async () => {
    const m = await mount(RUNBOOKS);
    const lines = m.frame().split('\n');
    assert.match(m.frame(), /5 procedures|3 procedures/);
    const row = lines.find((l) => l.includes('Phase 3 — performance indexes'));
    assert.ok(row, m.frame());
    assert.match(row!, /^› /, 'the first runbook is selected');
    assert.match(row!, /MEDIUM · 10m · #postgresql #indexes/);
    const proc = lines.findIndex((l) => l.includes('Emergency rollback'));
    assert.ok(proc > lines.indexOf(row!), 'the procedure is beneath its runbook');
    assert.match(lines[proc], /↺ Emergency rollback\s+emergency-rollback/);
    assert.match(m.frame(), /Rebuild the continuous aggregates\s+LOW · 30m · #timescaledb/);
    assert.match(m.frame(), /A draft\s+✗ does not load/);
    assert.match(m.frame(), /\[↑↓\] choose  \[Enter\] run  \[v\] read \(no database\)  \[\/\] filter  \[q\] quit/);
    assert.deepEqual(frameProblems(m.frame(), 80, 23), [], m.frame());
  });

  test('typing filters the list, and Enter opens the run of the procedure it selected', async () => {
    const m = await mount(RUNBOOKS);
    await m.press(...type('rollback'));
    assert.match(m.frame(), /Filter: rollback█\s+2 matches/);
    assert.doesNotMatch(m.frame(), /continuous aggregates/);
    assert.doesNotMatch(m.frame(), /Refresh the materialized view/);
    assert.match(m.frame(), /› +↺ Emergency rollback/);
    await m.press(KEY.enter);
    assert.deepEqual(m.done.map((d) => d.choice), [{ file: 'runbooks/phase3.yaml', procedure: 'emergency-rollback' }]);
  });

  test('↑↓ move the selection; Enter on a runbook opens its run', async () => {
    const m = await mount(RUNBOOKS);
    await m.press(KEY.down, KEY.down, KEY.down);
    assert.match(m.frame(), /› Rebuild the continuous aggregates/);
    assert.match(m.frame(), /timescale-aggregates · runbooks\/timescale\.yaml · 1 procedure/);
    await m.press(KEY.up, KEY.down, KEY.enter);
    assert.deepEqual(m.done.map((d) => d.choice), [{ file: 'runbooks/timescale.yaml' }]);
  });

  test('v opens the read-only view of the selection', async () => {
    const m = await mount(RUNBOOKS);
    await m.press(...type('aggregates'), KEY.esc, 'v');
    assert.deepEqual(m.done.map((d) => d.choice), [{ file: 'runbooks/timescale.yaml', view: true }]);
    assert.equal(m.done[0].state.filter, 'aggregates', 'the filter is handed back for the return to the list');
  });

  test('live runs (from the shared record) come first; Enter on one watches it', async () => {
    const live: PickerLiveRun[] = [{ runId: '20261207-052355-67cb', runbookId: 'phase3-indexes', title: 'Phase 3 — performance indexes', file: 'runbooks/phase3.yaml', operator: 'alice@db1', target: 'postgres://alice@db1/app' }];
    const m = await mount(RUNBOOKS, live);
    const lines = m.frame().split('\n');
    const row = lines.findIndex((l) => /● LIVE/.test(l));
    assert.ok(row >= 0, m.frame());
    assert.match(lines[row], /^› +● LIVE +Phase 3 — performance indexes\s+alice@db1 · run 20261207-052355-67cb/);
    assert.ok(row < lines.findIndex((l) => /Rebuild the continuous aggregates/.test(l)), 'above the runbooks');
    assert.match(m.frame(), /Enter watches it, read-only \(runbook watch 20261207-052355-67cb\)/);
    await m.press(...type('zzz'));
    assert.doesNotMatch(m.frame(), /● LIVE/, 'the filter applies to live runs too');
    await m.press(KEY.esc, KEY.esc, KEY.enter);
    assert.deepEqual(m.done.map((d) => d.choice), [{ file: 'runbooks/phase3.yaml', watch: '20261207-052355-67cb' }]);
  });

  test('PageDown / PageUp move by the rows the list shows on this terminal', async () => {
    const many = manyRunbooks(30);
    const m = await mount(many);
    const rows = () => m.frame().split('\n').filter((l) => /Runbook number \d+/.test(l));
    const { height } = pickerGeometry(initialPickerState(many, { size: { columns: 80, rows: 24 } }));
    assert.equal(rows().length, height, m.frame());
    await m.press(KEY.pageDown);
    assert.match(m.frame(), new RegExp(`› Runbook number ${height}\\b`), m.frame());
    await m.press(KEY.pageUp);
    assert.match(m.frame(), /› Runbook number 1\b/, m.frame());
    await m.press(KEY.pageDown, KEY.pageDown);
    assert.match(m.frame(), /› Runbook number 30\b/, 'the second page stops at the end of the list');
    assert.equal(rows().length, height);
    assert.deepEqual(frameProblems(m.frame(), 80, 23), [], m.frame());
  });

  test('q quits without a choice', async () => {
    const m = await mount(RUNBOOKS);
    await m.press('q');
    assert.deepEqual(m.done.map((d) => d.choice), [null]);
  });

  test('the shipped runbooks: type "emergency", Enter runs the emergency rollback', async () => {
    const found = await discoverRunbooks([join(root, 'runbooks')]);
    assert.ok(found.length >= 5);
    const m = await mount(found);
    assert.deepEqual(frameProblems(m.frame(), 80, 23), [], m.frame());
    await m.press(...type('emergency'));
    assert.match(m.frame(), /› +↺ Emergency rollback — both migrations/);
    await m.press(KEY.enter);
    assert.equal(m.done.length, 1);
    assert.match(m.done[0].choice!.file, /002-multi-pair-support\.yaml$/);
    assert.equal(m.done[0].choice!.procedure, 'emergency-rollback');
  });
});

describe('`runbook` with no arguments, not in a terminal', () => {
  test('prints the `runbook list` output', async () => {
    const bare = await runCli([], { RUNBOOK_PATH: '' });
    const list = await runCli(['list'], { RUNBOOK_PATH: '' });
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(bare.stdout, list.stdout);
    assert.match(bare.stdout, /procedure emergency-rollback: Emergency rollback/);
  });
});
