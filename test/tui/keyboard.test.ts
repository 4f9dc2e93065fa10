// The run screen's keys from a terminal in raw mode (src/tui/keyboard.ts):
// the (input, key) pairs Ink's useInput reported for the same bytes, since
// keys.ts and the controller were written against those.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOf, readKeys, splitKeys } from '../../src/tui/keyboard.js';
import { NO_KEY, type KeyInfo } from '../../src/tui/keys.js';
import { TypedKeys } from './helpers.js';

const k = (over: Partial<KeyInfo> = {}): KeyInfo => ({ ...NO_KEY, ...over });

describe('a key sequence as input and key', () => {
  const cases: Array<[string, string, Partial<KeyInfo>]> = [
    ['q', 'q', {}],
    ['Q', 'Q', { shift: true }],
    ['5', '5', {}],
    [' ', ' ', {}],
    ['\r', '\r', { return: true }],
    ['\t', '', { tab: true }],
    ['\u001B[Z', '', { tab: true, shift: true }],
    ['\u007F', '', { delete: true }],
    ['\b', '', { backspace: true }],
    ['\u001B[3~', '', { delete: true }],
    ['\u001B', '', { escape: true, meta: true }],
    ['\u0003', 'c', { ctrl: true }],
    ['\u0015', 'u', { ctrl: true }],
    ['\u0001', 'a', { ctrl: true }],
    ['\u001B[A', '', { upArrow: true }],
    ['\u001BOA', '', { upArrow: true }],
    ['\u001B[B', '', { downArrow: true }],
    ['\u001B[C', '', { rightArrow: true }],
    ['\u001B[D', '', { leftArrow: true }],
    ['\u001B[5~', '', { pageUp: true }],
    ['\u001B[6~', '', { pageDown: true }],
    ['\u001B[H', '', { home: true }],
    ['\u001B[1~', '', { home: true }],
    ['\u001B[F', '', { end: true }],
    ['\u001B[4~', '', { end: true }],
    ['\u001B[1;5A', '', { upArrow: true, ctrl: true }],
    ['\u001B[1;2B', '', { downArrow: true, shift: true }],
    ['\u001Bx', 'x', { meta: true }],
    ['yq', 'yq', {}],
    ['héllo wörld', 'héllo wörld', {}],
  ];
  for (const [sequence, input, key] of cases) {
    test(JSON.stringify(sequence), () => assert.deepEqual(keyOf(sequence), { input, key: k(key) }));
  }
});

describe('typed text cut into keys', () => {
  test('text between escape sequences stays one input; sequences are whole', () => {
    assert.deepEqual(splitKeys('ab\u001B[Acd\u001B[5~\r'), { keys: ['ab', '\u001B[A', 'cd', '\u001B[5~', '\r'], pending: '' });
  });
  test('an escape sequence cut at the end of a chunk waits for the rest', () => {
    assert.deepEqual(splitKeys('x\u001B['), { keys: ['x'], pending: '\u001B[' });
    assert.deepEqual(splitKeys('\u001B'), { keys: [], pending: '\u001B' });
    assert.deepEqual(splitKeys('\u001B[1;'), { keys: [], pending: '\u001B[1;' });
  });
  test('Esc followed by a key is Alt with that key; two Escs before a sequence are one key', () => {
    assert.deepEqual(splitKeys('\u001Bq'), { keys: ['\u001Bq'], pending: '' });
    assert.deepEqual(splitKeys('\u001B\u001B[A'), { keys: ['\u001B\u001B[A'], pending: '' });
  });
});

describe('reading the terminal', () => {
  test('raw mode while reading; each key in order; a sequence split across chunks is one key; a lone Esc comes once nothing follows', async () => {
    const stdin = new TypedKeys();
    const got: Array<[string, KeyInfo]> = [];
    const stop = readKeys(stdin, (input, key) => got.push([input, key]));
    assert.equal(stdin.isRaw, true);
    stdin.type('j\u001B[');
    assert.deepEqual(got, [['j', k()]]);
    stdin.type('B');
    assert.deepEqual(got.at(-1), ['', k({ downArrow: true })]);
    stdin.type('\u001B');
    assert.equal(got.length, 2, 'a lone Esc might start a sequence: it waits a moment');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got.at(-1), ['', k({ escape: true, meta: true })]);
    stop();
    assert.equal(stdin.isRaw, false);
    stdin.type('q');
    assert.equal(got.length, 3, 'nothing read after stop');
  });
});
