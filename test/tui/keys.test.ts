// Every key binding, in every mode of the screen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyToIntent, NO_KEY, type KeyInfo } from '../../src/tui/keys.js';
import { makeFields } from '../../src/tui/fields.js';
import type { Prompt, UiState } from '../../src/tui/state.js';
import { update } from '../../src/tui/store.js';
import { atSteps, makeRunbook, makeUi } from './helpers.js';

const k = (over: Partial<KeyInfo> = {}): KeyInfo => ({ ...NO_KEY, ...over });

function withPrompt(prompt: Prompt, ui: UiState = atSteps()): UiState {
  return update(ui, { type: 'prompt', prompt }).state;
}

const rb = makeRunbook();
const blockedPrompt = (mode: 'menu' | 'skip' | 'troubleshoot' | 'rollback'): Prompt => ({ id: 1, kind: 'blocked', key: 'step:indexes', verdicts: [], entries: rb.troubleshooting, matched: rb.troubleshooting.length, mode, reason: '', highlighted: 0 });

describe('keys when nothing is asked', () => {
  const ui = atSteps();
  const cases: Array<[string, Partial<KeyInfo>, unknown]> = [
    ['', { upArrow: true }, { type: 'select', delta: -1 }],
    ['k', {}, { type: 'select', delta: -1 }],
    ['', { downArrow: true }, { type: 'select', delta: 1 }],
    ['j', {}, { type: 'select', delta: 1 }],
    ['', { home: true }, { type: 'select_edge', edge: 'first' }],
    ['g', {}, { type: 'select_edge', edge: 'first' }],
    ['', { end: true }, { type: 'select_edge', edge: 'last' }],
    ['G', {}, { type: 'select_edge', edge: 'last' }],
    ['', { pageUp: true }, { type: 'scroll', by: 'page_up' }],
    ['u', {}, { type: 'scroll', by: 'page_up' }],
    ['', { pageDown: true }, { type: 'scroll', by: 'page_down' }],
    ['d', {}, { type: 'scroll', by: 'page_down' }],
    [' ', {}, { type: 'scroll', by: 'page_down' }],
    ['[', {}, { type: 'scroll', by: -1 }],
    [']', {}, { type: 'scroll', by: 1 }],
    ['f', {}, { type: 'follow' }],
    ['?', {}, { type: 'help' }],
    ['p', {}, { type: 'plan' }],
    ['q', {}, { type: 'quit' }],
    ['c', { ctrl: true }, { type: 'ctrl_c' }],
    ['r', {}, null],
    ['x', {}, null],
  ];
  for (const [input, key, intent] of cases) {
    test(`${JSON.stringify(input)} ${JSON.stringify(key)}`, () => assert.deepEqual(keyToIntent(ui, input, k(key)), intent));
  }
});

describe('keys in the help overlay', () => {
  const ui = update(atSteps(), { type: 'help', open: true }).state;
  test('?, Esc, q and Enter close it', () => {
    for (const [input, key] of [['?', {}], ['', { escape: true }], ['q', {}], ['', { return: true }]] as const) {
      assert.deepEqual(keyToIntent(ui, input, k(key)), { type: 'help', open: false });
    }
  });
  test('navigation still works and Ctrl-C still cancels', () => {
    assert.deepEqual(keyToIntent(ui, 'j', k()), { type: 'select', delta: 1 });
    assert.deepEqual(keyToIntent(ui, 'c', k({ ctrl: true })), { type: 'ctrl_c' });
  });
});

describe('keys in the undo plan overlay', () => {
  const ui = update(atSteps(), { type: 'plan', open: true }).state;
  test('p, Esc, q and Enter close it', () => {
    for (const [input, key] of [['p', {}], ['', { escape: true }], ['q', {}], ['', { return: true }]] as const) {
      assert.deepEqual(keyToIntent(ui, input, k(key)), { type: 'plan', open: false });
    }
  });
});

describe('keys at the blocked menu', () => {
  const ui = withPrompt(blockedPrompt('menu'));
  for (const [input, type] of [['r', 'retry'], ['t', 'troubleshoot'], ['b', 'rollback'], ['s', 'skip'], ['q', 'quit']] as const) {
    test(`${input} → ${type}`, () => assert.deepEqual(keyToIntent(ui, input, k()), { type }));
  }
  test('navigation keys still move around', () => assert.deepEqual(keyToIntent(ui, 'j', k()), { type: 'select', delta: 1 }));
});

describe('keys while typing', () => {
  const skip = withPrompt(blockedPrompt('skip'));
  const danger = withPrompt({ id: 1, kind: 'danger', key: 'step:purge', reasons: [], database: 'appdb', typed: '', mismatch: false });
  const inputs = withPrompt({ id: 1, kind: 'inputs', fields: makeFields(rb.inputs, {}), focus: 0, problems: [] }, makeUi());
  test('letters, q and ? are text', () => {
    for (const ui of [skip, danger, inputs]) {
      for (const ch of ['q', 'r', '?', 'j', 'S']) assert.deepEqual(keyToIntent(ui, ch, k()), { type: 'type', text: ch });
    }
  });
  test('a paste arrives whole', () => assert.deepEqual(keyToIntent(danger, 'appdb', k()), { type: 'type', text: 'appdb' }));
  test('Enter submits, Esc cancels, Backspace erases, Ctrl-U clears, Ctrl-C quits', () => {
    for (const ui of [skip, danger, inputs]) {
      assert.deepEqual(keyToIntent(ui, '', k({ return: true })), { type: 'submit' });
      assert.deepEqual(keyToIntent(ui, '', k({ escape: true })), { type: 'cancel' });
      assert.deepEqual(keyToIntent(ui, '', k({ backspace: true })), { type: 'erase' });
      assert.deepEqual(keyToIntent(ui, '', k({ delete: true })), { type: 'erase' });
      assert.deepEqual(keyToIntent(ui, 'u', k({ ctrl: true })), { type: 'clear_field' });
      assert.deepEqual(keyToIntent(ui, 'c', k({ ctrl: true })), { type: 'ctrl_c' });
    }
  });
  test('the form moves between fields with Tab, Shift-Tab and the arrows', () => {
    assert.deepEqual(keyToIntent(inputs, '', k({ tab: true })), { type: 'field', delta: 1 });
    assert.deepEqual(keyToIntent(inputs, '', k({ tab: true, shift: true })), { type: 'field', delta: -1 });
    assert.deepEqual(keyToIntent(inputs, '', k({ downArrow: true })), { type: 'field', delta: 1 });
    assert.deepEqual(keyToIntent(inputs, '', k({ upArrow: true })), { type: 'field', delta: -1 });
  });
  test('other control keys type nothing', () => {
    assert.equal(keyToIntent(danger, 'b', k({ ctrl: true })), null);
    assert.equal(keyToIntent(danger, '', k({ upArrow: true })), null);
  });
});

describe('keys at y/n questions', () => {
  const confirm = withPrompt({ id: 1, kind: 'confirm', key: 'prerequisite:backup', text: 'backup' });
  const fix = withPrompt({ id: 1, kind: 'fix', key: 'step:indexes', entry: rb.troubleshooting[0] });
  const rollback = withPrompt(blockedPrompt('rollback'));
  test('y/Y yes, n/N no, Esc cancels, Enter does nothing', () => {
    for (const ui of [confirm, fix, rollback]) {
      assert.deepEqual(keyToIntent(ui, 'y', k()), { type: 'yes' });
      assert.deepEqual(keyToIntent(ui, 'Y', k({ shift: true })), { type: 'yes' });
      assert.deepEqual(keyToIntent(ui, 'n', k()), { type: 'no' });
      assert.deepEqual(keyToIntent(ui, 'N', k({ shift: true })), { type: 'no' });
      assert.deepEqual(keyToIntent(ui, '', k({ escape: true })), { type: 'cancel' });
      assert.equal(keyToIntent(ui, '', k({ return: true })), null);
    }
  });
  test('q quits from a confirmation', () => assert.deepEqual(keyToIntent(confirm, 'q', k()), { type: 'quit' }));
});

describe('keys in the troubleshooting picker', () => {
  const ui = withPrompt(blockedPrompt('troubleshoot'));
  test('↑ ↓ and k j move round the list, Enter chooses the highlighted entry, a digit the shown entry of that number', () => {
    const cases: Array<[string, Partial<KeyInfo>, unknown]> = [
      ['', { upArrow: true }, { type: 'highlight_fix', index: 1 }],
      ['k', {}, { type: 'highlight_fix', index: 1 }],
      ['', { downArrow: true }, { type: 'highlight_fix', index: 1 }],
      ['j', {}, { type: 'highlight_fix', index: 1 }],
      ['', { return: true }, { type: 'choose_fix', entryId: 'relation-exists' }],
      ['1', {}, { type: 'choose_fix', entryId: 'relation-exists' }],
      ['2', {}, { type: 'choose_fix', entryId: 'advice' }],
      ['3', {}, null],
      ['r', {}, null],
    ];
    for (const [input, key, intent] of cases) assert.deepEqual(keyToIntent(ui, input, k(key)), intent, `${input} ${JSON.stringify(key)}`);
    const onLast = withPrompt({ ...blockedPrompt('troubleshoot'), highlighted: 1 } as Prompt);
    assert.deepEqual(keyToIntent(onLast, '', k({ downArrow: true })), { type: 'highlight_fix', index: 0 }, 'down from the last entry goes round to the first');
    assert.deepEqual(keyToIntent(onLast, '', k({ return: true })), { type: 'choose_fix', entryId: 'advice' });
  });
  test('Esc goes back, q quits, ? helps', () => {
    assert.deepEqual(keyToIntent(ui, '', k({ escape: true })), { type: 'cancel' });
    assert.deepEqual(keyToIntent(ui, 'q', k()), { type: 'quit' });
    assert.deepEqual(keyToIntent(ui, '?', k()), { type: 'help' });
  });
});
