// The screen's state machine, without a terminal: every intent, every prompt,
// and the effects they ask for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFields } from '../../src/tui/fields.js';
import { ROWS_KEPT_PER_RESULT } from '../../src/engine/state.js';
import { viewedKey, currentKey, type Prompt, type UiState } from '../../src/tui/state.js';
import { update } from '../../src/tui/store.js';
import { FORCE_EXIT_AFTER_MS } from '../../src/tui/leave.js';
import { detailGeometry } from '../../src/tui/views/geometry.js';
import { apply, atSteps, events, makeRunbook, makeUi, NOW, started } from './helpers.js';

const failedVerdict = { label: 'plan', ok: false, expected: 'plan contains Index Scan', actual: 'Seq Scan on messages' };

function failed(ui: UiState, key = 'step:indexes'): UiState {
  return events(ui, { type: 'item_started', key, at: NOW }, { type: 'item_finished', key, verdicts: [failedVerdict], durationMs: 40, at: NOW });
}

function blocked(ui: UiState, key = 'step:indexes', id = 7): UiState {
  const rb = ui.runbook;
  const prompt: Prompt = { id, kind: 'blocked', key, verdicts: [failedVerdict], entries: rb.troubleshooting, matched: rb.troubleshooting.length, mode: 'menu', reason: '', highlighted: 0 };
  return update(ui, { type: 'prompt', prompt }).state;
}

describe('following the run and looking around', () => {
  test('the view follows the current item until the operator picks one', () => {
    let ui = started(makeUi());
    assert.equal(viewedKey(ui), 'prerequisite:pg-version');
    ui = apply(ui, { type: 'select', delta: 2 }).state;
    assert.equal(viewedKey(ui), 'step:indexes');
    ui = events(ui, { type: 'item_started', key: 'prerequisite:pg-version', at: NOW });
    assert.equal(viewedKey(ui), 'step:indexes', 'a chosen item stays on view');
    assert.equal(currentKey(ui), 'prerequisite:pg-version');
    ui = apply(ui, { type: 'follow' }).state;
    assert.equal(viewedKey(ui), 'prerequisite:pg-version');
  });

  test('selection stops at both ends of the list', () => {
    let ui = started(makeUi());
    ui = apply(ui, { type: 'select', delta: -5 }).state;
    assert.equal(viewedKey(ui), 'prerequisite:pg-version');
    ui = apply(ui, { type: 'select', delta: 99 }).state;
    assert.equal(viewedKey(ui), 'checklist:item-2');
    ui = apply(ui, { type: 'select_edge', edge: 'first' }).state;
    assert.equal(viewedKey(ui), 'prerequisite:pg-version');
    ui = apply(ui, { type: 'select_edge', edge: 'last' }).state;
    assert.equal(viewedKey(ui), 'checklist:item-2');
  });

  test('scrolling is clamped, and reaching the end of live output follows it again', () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW });
    for (let i = 0; i < 200; i++) ui = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: `line ${i}` }], at: NOW });
    const g = detailGeometry(ui);
    assert.ok(g.total > g.height, 'more output than fits');
    assert.equal(g.top, g.total - g.height, 'followed output shows its tail');
    ui = apply(ui, { type: 'scroll', by: 'top' }).state;
    assert.equal(ui.detailTop, 0);
    ui = apply(ui, { type: 'scroll', by: -10 }).state;
    assert.equal(ui.detailTop, 0, 'never above the top');
    ui = apply(ui, { type: 'scroll', by: 'page_down' }).state;
    assert.equal(ui.detailTop, g.height - 1, 'a page is the visible height less one line of overlap');
    ui = apply(ui, { type: 'scroll', by: 100_000 }).state;
    assert.equal(ui.detailTop, null, 'the end resumes following');
    ui = apply(ui, { type: 'scroll', by: 'page_up' }, { type: 'scroll', by: 'bottom' }).state;
    assert.equal(ui.detailTop, null);
  });

  test('help opens and closes; a question closes it so it is seen', () => {
    let ui = atSteps();
    ui = apply(ui, { type: 'help' }).state;
    assert.equal(ui.help, true);
    ui = apply(ui, { type: 'help' }).state;
    assert.equal(ui.help, false);
    ui = apply(ui, { type: 'help', open: true }).state;
    ui = blocked(failed(ui));
    assert.equal(ui.help, false);
  });

  test('the terminal size is kept, within sane bounds', () => {
    const ui = apply(makeUi(), { type: 'resize', columns: 200, rows: 60 }).state;
    assert.deepEqual(ui.size, { columns: 200, rows: 60 });
    assert.deepEqual(apply(ui, { type: 'resize', columns: 0, rows: 0 }).state.size, { columns: 20, rows: 8 });
  });
});

describe('what the session reports', () => {
  test('the running statement is kept per item; result sets stay in the engine, structured and capped', () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW });
    ui = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_started', index: 0, total: 2, text: 'SELECT * FROM big', line: 3 }], at: NOW + 5 });
    assert.deepEqual(ui.statements['step:indexes'], { index: 0, total: 2, line: 3, text: 'SELECT * FROM big', startedAt: NOW + 5 });
    assert.equal(ui.now, NOW + 5, 'the screen clock never lags the session');
    const rows = Array.from({ length: 200 }, (_, i) => [i, 'x'.repeat(500), null, { a: 1 }]);
    for (let n = 0; n < 8; n++) {
      ui = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'rows', columns: ['id', 'blob', 'nothing', 'obj'], rows, total: 123_456, truncated: true }], at: NOW });
    }
    const results = ui.run.items.find((i) => i.key === 'step:indexes')!.output.filter((o) => o.type === 'rows');
    assert.equal(results.length, 8);
    for (const r of results) {
      assert.equal(r.type === 'rows' && r.rows.length, ROWS_KEPT_PER_RESULT, 'the engine keeps the first rows of a result');
      assert.equal(r.type === 'rows' && r.total, 123_456, 'and its exact total');
    }
    assert.deepEqual(results[0].type === 'rows' && results[0].rows[0], [0, 'x'.repeat(500), null, { a: 1 }], 'values stay values: present words them when shown');
    ui = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_finished', index: 0, command: 'SELECT 1', rowCount: 1, durationMs: 3 }], at: NOW });
    assert.equal(ui.statements['step:indexes'], undefined);
  });

  test('a burst with a result in its middle keeps the result in its place, and ends with the statement done', () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW });
    ui = events(ui, {
      type: 'item_output',
      key: 'step:indexes',
      events: [
        { type: 'statement_started', index: 0, total: 1, text: 'SELECT 1', line: 1 },
        { type: 'rows', columns: ['n'], rows: [[1]], total: 1, truncated: false },
        { type: 'notice', severity: 'NOTICE', message: 'after' },
        { type: 'statement_finished', index: 0, command: 'SELECT 1', rowCount: 1, durationMs: 3 },
      ],
      at: NOW,
    });
    const item = ui.run.items.find((i) => i.key === 'step:indexes')!;
    assert.deepEqual(item.output.map((o) => o.type), ['statement_started', 'rows', 'notice', 'statement_finished']);
    assert.equal(ui.statements['step:indexes'], undefined);
  });

  test('a monitor sample is shown for its item and dropped when the item ends', () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW });
    const sample = { at: NOW, pid: 1, state: 'active', waitEventType: null, waitEvent: null, runningMs: 1000, waitingFor: null, blockers: [], progress: [] };
    ui = apply(ui, { type: 'monitor', key: 'step:indexes', sample }).state;
    assert.equal(ui.monitor?.key, 'step:indexes');
    ui = events(ui, { type: 'item_finished', key: 'step:indexes', verdicts: [], durationMs: 1, at: NOW });
    assert.equal(ui.monitor, null);
  });

  test('a fix that ran says what to do next', () => {
    let ui = blocked(failed(atSteps()));
    ui = apply(ui, { type: 'choose_fix', entryId: 'relation-exists' }).state;
    ui = events(ui, { type: 'fix_finished', key: 'step:indexes', entryId: 'relation-exists', ok: true, at: NOW });
    assert.match(ui.flash?.text ?? '', /ran\. Press r to retry/);
    ui = events(ui, { type: 'fix_finished', key: 'step:indexes', entryId: 'relation-exists', ok: false, at: NOW });
    assert.match(ui.flash?.text ?? '', /failed/);
  });

  test('the end of the session waits for the operator, unless they already quit', () => {
    let ui = atSteps();
    let r = apply(ui, { type: 'finished', state: ui.run });
    assert.equal(r.state.finished, true);
    assert.deepEqual(r.effects, []);
    r = apply(r.state, { type: 'quit' });
    assert.deepEqual(r.effects, [{ type: 'exit' }]);
    ui = apply(atSteps(), { type: 'quit' }).state;
    r = apply(ui, { type: 'finished', state: ui.run });
    assert.deepEqual(r.effects, [{ type: 'exit' }]);
  });
});

describe('questions and their answers', () => {
  test('inputs: defaults filled, checked as typed, Enter walks the fields and then answers', () => {
    const rb = makeRunbook();
    const fields = makeFields(rb.inputs, {});
    assert.deepEqual(fields.map((f) => [f.name, f.value, f.problem]), [['user_id', '1', null], ['label', '', null]]);
    let ui = update(makeUi(rb), { type: 'prompt', prompt: { id: 1, kind: 'inputs', fields, focus: 0, problems: [] } }).state;
    ui = apply(ui, { type: 'erase' }, { type: 'type', text: 'x' }).state;
    let p = ui.prompt as Extract<Prompt, { kind: 'inputs' }>;
    assert.match(p.fields[0].problem ?? '', /whole number/);
    let r = apply(ui, { type: 'submit' });
    assert.deepEqual(r.effects, [], 'a bad value is never submitted');
    assert.match(r.state.flash?.text ?? '', /Fix user_id first/);
    ui = apply(r.state, { type: 'clear_field' }, { type: 'type', text: '42' }).state;
    p = ui.prompt as Extract<Prompt, { kind: 'inputs' }>;
    assert.equal(p.fields[0].problem, null);
    r = apply(ui, { type: 'submit' });
    assert.deepEqual(r.effects, [], 'Enter on the first field moves to the next');
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'inputs' }>).focus, 1);
    r = apply(r.state, { type: 'field', delta: 1 });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'inputs' }>).focus, 0, 'Tab wraps around');
    r = apply(r.state, { type: 'field', delta: -1 });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'inputs' }>).focus, 1);
    r = apply(r.state, { type: 'submit' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 1, value: { user_id: '42' } }], 'empty optional inputs are left out');
    assert.equal(r.state.prompt, null);
  });

  test('inputs: Esc declines the run', () => {
    const rb = makeRunbook();
    const ui = update(makeUi(rb), { type: 'prompt', prompt: { id: 3, kind: 'inputs', fields: makeFields(rb.inputs, {}), focus: 0, problems: [] } }).state;
    const r = apply(ui, { type: 'cancel' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 3, value: null }, { type: 'stop' }]);
    assert.equal(r.state.quitting, true);
  });

  test('confirm: y is yes, n and Esc are no, Enter is nothing', () => {
    const ui = update(started(makeUi()), { type: 'prompt', prompt: { id: 2, kind: 'confirm', key: 'prerequisite:backup', text: 'I have a backup' } }).state;
    assert.deepEqual(apply(ui, { type: 'yes' }).effects, [{ type: 'answer', id: 2, value: true }]);
    assert.deepEqual(apply(ui, { type: 'no' }).effects, [{ type: 'answer', id: 2, value: false }]);
    assert.deepEqual(apply(ui, { type: 'cancel' }).effects, [{ type: 'answer', id: 2, value: false }]);
    assert.deepEqual(apply(ui, { type: 'submit' }).effects, []);
  });

  test('danger: only the exact database name runs the step; a wrong one is refused and can be retyped', () => {
    let ui = update(atSteps(), { type: 'prompt', prompt: { id: 4, kind: 'danger', key: 'step:purge', reasons: ['DELETE without WHERE'], database: 'appdb', typed: '', mismatch: false } }).state;
    ui = apply(ui, { type: 'type', text: 'app' }, { type: 'type', text: 'DB' }).state;
    let r = apply(ui, { type: 'submit' });
    assert.deepEqual(r.effects, []);
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'danger' }>).mismatch, true);
    r = apply(r.state, { type: 'erase' }, { type: 'erase' }, { type: 'type', text: 'db' });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'danger' }>).mismatch, false);
    assert.deepEqual(apply(r.state, { type: 'submit' }).effects, [{ type: 'answer', id: 4, value: true }]);
    assert.deepEqual(apply(r.state, { type: 'cancel' }).effects, [{ type: 'answer', id: 4, value: false }]);
    assert.deepEqual(apply(r.state, { type: 'quit' }).effects, [], 'q is a letter while typing');
  });

  test('blocked: r retries', () => {
    const ui = blocked(failed(atSteps()));
    assert.deepEqual(apply(ui, { type: 'retry' }).effects, [{ type: 'answer', id: 7, value: { type: 'retry' } }]);
  });

  test('blocked: t opens the matching entries; a fix is chosen, advice is not runnable; Esc goes back', () => {
    let ui = blocked(failed(atSteps()));
    ui = apply(ui, { type: 'troubleshoot' }).state;
    assert.equal((ui.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'troubleshoot');
    let r = apply(ui, { type: 'choose_fix', entryId: 'advice' });
    assert.deepEqual(r.effects, []);
    assert.match(r.state.flash?.text ?? '', /no fix to run/);
    r = apply(ui, { type: 'highlight_fix', index: 1 });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'blocked' }>).highlighted, 1);
    r = apply(ui, { type: 'cancel' });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'menu');
    assert.deepEqual(apply(ui, { type: 'choose_fix', entryId: 'relation-exists' }).effects, [{ type: 'answer', id: 7, value: { type: 'fix', entryId: 'relation-exists' } }]);
  });

  test('blocked: t with nothing matching says so', () => {
    let ui = failed(atSteps());
    ui = update(ui, { type: 'prompt', prompt: { id: 8, kind: 'blocked', key: 'step:indexes', verdicts: [], entries: [], matched: 0, mode: 'menu', reason: '', highlighted: 0 } }).state;
    const r = apply(ui, { type: 'troubleshoot' });
    assert.deepEqual(r.effects, []);
    assert.match(r.state.flash?.text ?? '', /No troubleshooting entry/);
  });

  test('blocked: b asks before rolling back, and only where the step has a rollback', () => {
    let ui = blocked(failed(atSteps()));
    ui = apply(ui, { type: 'rollback' }).state;
    assert.equal((ui.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'rollback');
    assert.deepEqual(apply(ui, { type: 'no' }).effects, []);
    assert.equal((apply(ui, { type: 'no' }).state.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'menu');
    assert.deepEqual(apply(ui, { type: 'yes' }).effects, [{ type: 'answer', id: 7, value: { type: 'rollback' } }]);
    // The analyze step has no rollback.
    let other = pass(atSteps(), 'step:indexes');
    other = blocked(failed(other, 'step:analyze'), 'step:analyze', 9);
    const r = apply(other, { type: 'rollback' });
    assert.deepEqual(r.effects, []);
    assert.match(r.state.flash?.text ?? '', /no rollback/);
  });

  test('blocked: b is refused for a step that ran nothing (refused at its confirmation), offered for one that ran', () => {
    const refused = events(
      atSteps(),
      { type: 'item_started', key: 'step:indexes', at: NOW },
      { type: 'item_finished', key: 'step:indexes', verdicts: [], error: { kind: 'input', message: 'not run: the database name was not typed' }, durationMs: 0, at: NOW },
    );
    let ui = update(refused, { type: 'prompt', prompt: { id: 9, kind: 'blocked', key: 'step:indexes', verdicts: [], entries: [], matched: 0, mode: 'menu', reason: '', highlighted: 0 } }).state;
    const r = update(ui, { type: 'rollback' });
    assert.deepEqual(r.effects, []);
    assert.match(r.state.flash?.text ?? '', /Nothing to roll back: this step ran nothing/);
    const ran = events(
      atSteps(),
      { type: 'item_started', key: 'step:indexes', at: NOW },
      { type: 'item_finished', key: 'step:indexes', verdicts: [], error: { kind: 'sql', message: 'boom', sqlstate: '58P01' }, durationMs: 5, at: NOW },
    );
    ui = update(ran, { type: 'prompt', prompt: { id: 10, kind: 'blocked', key: 'step:indexes', verdicts: [], entries: [], matched: 0, mode: 'menu', reason: '', highlighted: 0 } }).state;
    assert.equal((update(ui, { type: 'rollback' }).state.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'rollback');
  });

  test('blocked: s needs a skippable step and a typed reason', () => {
    const notAllowed = apply(blocked(failed(atSteps())), { type: 'skip' });
    assert.deepEqual(notAllowed.effects, []);
    assert.match(notAllowed.state.flash?.text ?? '', /may not be skipped/);
    let ui = blocked(failed(pass(atSteps(), 'step:indexes'), 'step:analyze'), 'step:analyze', 9);
    ui = apply(ui, { type: 'skip' }).state;
    assert.equal((ui.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'skip');
    let r = apply(ui, { type: 'type', text: '   ' }, { type: 'submit' });
    assert.deepEqual(r.effects, [], 'a blank reason is not a reason');
    r = apply(ui, { type: 'type', text: 'stats are fresh' }, { type: 'type', text: 'q' }, { type: 'erase' }, { type: 'submit' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 9, value: { type: 'skip', reason: 'stats are fresh' } }]);
    r = apply(ui, { type: 'cancel' });
    assert.equal((r.state.prompt as Extract<Prompt, { kind: 'blocked' }>).mode, 'menu');
  });

  test('blocked: q quits and asks the session to stop', () => {
    const r = apply(blocked(failed(atSteps())), { type: 'quit' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 7, value: { type: 'quit' } }, { type: 'stop' }]);
    assert.equal(r.state.quitting, true);
  });

  test('a fix is run only on y', () => {
    const rb = makeRunbook();
    const ui = update(atSteps(), { type: 'prompt', prompt: { id: 5, kind: 'fix', key: 'step:indexes', entry: rb.troubleshooting[0] } }).state;
    assert.deepEqual(apply(ui, { type: 'yes' }).effects, [{ type: 'answer', id: 5, value: true }]);
    assert.deepEqual(apply(ui, { type: 'no' }).effects, [{ type: 'answer', id: 5, value: false }]);
    assert.deepEqual(apply(ui, { type: 'submit' }).effects, []);
  });
});

describe('Ctrl-C and q', () => {
  function running(): UiState {
    return events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW });
  }

  test('Ctrl-C while a statement runs cancels it; a second one after 3 s leaves at once', () => {
    let r = apply(running(), { type: 'ctrl_c' });
    assert.deepEqual(r.effects, [{ type: 'interrupt' }]);
    assert.equal(r.state.cancelling, NOW);
    r = apply(r.state, { type: 'ctrl_c' });
    assert.deepEqual(r.effects, [{ type: 'interrupt' }], 'a quick second Ctrl-C cancels again');
    r = apply(r.state, { type: 'tick', now: NOW + FORCE_EXIT_AFTER_MS }, { type: 'ctrl_c' });
    assert.deepEqual(r.effects, [{ type: 'force_exit' }]);
  });

  test('the cancel notice goes when the step is marked interrupted', () => {
    let ui = apply(running(), { type: 'ctrl_c' }).state;
    assert.ok(ui.flash);
    ui = events(ui, { type: 'item_interrupted', key: 'step:indexes', reason: 'cancelled', at: NOW });
    assert.equal(ui.cancelling, null);
    assert.equal(ui.flash, null);
  });

  test('Ctrl-C at a question quits from it, even in a text field', () => {
    let ui = update(atSteps(), { type: 'prompt', prompt: { id: 4, kind: 'danger', key: 'step:purge', reasons: [], database: 'appdb', typed: '', mismatch: false } }).state;
    let r = apply(ui, { type: 'ctrl_c' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 4, value: false }, { type: 'stop' }]);
    ui = update(started(makeUi()), { type: 'prompt', prompt: { id: 6, kind: 'confirm', key: 'prerequisite:backup', text: 'x' } }).state;
    r = apply(ui, { type: 'ctrl_c' });
    assert.deepEqual(r.effects, [{ type: 'answer', id: 6, value: false }, { type: 'stop' }]);
  });

  test('q while a step runs stops after it, and says so', () => {
    const r = apply(running(), { type: 'quit' });
    assert.deepEqual(r.effects, [{ type: 'stop' }]);
    assert.match(r.state.flash?.text ?? '', /after the running step/);
  });

  test('after the run, q, Esc, Enter and Ctrl-C all leave', () => {
    const ui = apply(atSteps(), { type: 'finished', state: atSteps().run }).state;
    for (const intent of [{ type: 'quit' }, { type: 'cancel' }, { type: 'submit' }, { type: 'ctrl_c' }] as const) {
      assert.deepEqual(apply(ui, intent).effects, [{ type: 'exit' }], intent.type);
    }
  });
});

function pass(ui: UiState, key: string): UiState {
  return events(ui, { type: 'item_started', key, at: NOW }, { type: 'item_finished', key, verdicts: [], durationMs: 1, at: NOW });
}
