// The guided pace (the screen's default): the screen stops before each step until Enter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Prompt, UiState } from '../../src/tui/state.js';
import { update } from '../../src/tui/store.js';
import { keyToIntent, NO_KEY as noKey } from '../../src/tui/keys.js';
import { lineText } from '../../src/tui/line.js';
import { promptLines } from '../../src/tui/views/prompt.js';
import { atSteps } from './helpers.js';

function asked(ui: UiState, id = 3): UiState {
  const prompt: Prompt = { id, kind: 'next', key: 'step:indexes' };
  return update(ui, { type: 'prompt', prompt }).state;
}

const questionLinesFor = (ui: UiState, width: number) => promptLines(ui, width).map(lineText).join('\n');

describe('stepping through', () => {
  test('Enter runs the step on screen', () => {
    const ui = asked(atSteps());
    const intent = keyToIntent(ui, '', { ...noKey, return: true });
    assert.deepEqual(intent, { type: 'submit' });
    const { state, effects } = update(ui, intent!);
    assert.equal(state.prompt, null);
    assert.deepEqual(effects, [{ type: 'answer', id: 3, value: 'run' }]);
  });
  test('a runs it and runs on to the next decision', () => {
    const ui = asked(atSteps());
    const intent = keyToIntent(ui, 'a', noKey);
    assert.deepEqual(intent, { type: 'run_all' });
    const r = update(ui, intent!);
    assert.deepEqual(r.effects, [{ type: 'answer', id: 3, value: 'run' }]);
    assert.equal(r.state.pace, 'to_decision');
  });
  test('q stops before the step, keeping the record', () => {
    const ui = asked(atSteps());
    const { state, effects } = update(ui, keyToIntent(ui, 'q', noKey)!);
    assert.deepEqual(effects[0], { type: 'answer', id: 3, value: 'quit' });
    assert.equal(state.quitting, true);
  });
  test('other keys do not run it', () => {
    const ui = asked(atSteps());
    for (const input of ['y', 'r', 's', ' ']) {
      const intent = keyToIntent(ui, input, noKey);
      if (intent) assert.deepEqual(update(ui, intent).effects.filter((e) => e.type === 'answer'), [], `key ${JSON.stringify(input)}`);
    }
  });
  test('the prompt names the step and every way on', () => {
    const text = questionLinesFor(asked(atSteps()), 80);
    assert.match(text, /Next, step 1\/4: Create the composite indexes/);
    assert.match(text, /\[Enter\] run this step/);
    assert.match(text, /\[a\] run on to the next decision/);
    assert.match(text, /\[q\] stop here/);
  });
});
