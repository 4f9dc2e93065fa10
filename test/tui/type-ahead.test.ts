// Which keys typed before the run screen was up it takes (tui/type-ahead.ts):
// moves of the view only, in order; every other key is dropped and named in
// the screen's note (present/type-ahead.ts). The terminal side is tested in
// tmux (test/e2e/type-ahead.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_KEY } from '../../src/tui/keys.js';
import { sortEarlyKeys } from '../../src/tui/type-ahead.js';
import { keyName, typeAheadNote, typeAheadQuestionNote } from '../../src/present/type-ahead.js';

test('arrows, PageUp/PageDown and Home/End are kept in order; a go-ahead (Enter, y, a) and every other key are dropped', () => {
  const typed = 'y\r\u001B[Ba\u001B[6~\u001BOA\u001B[H\u001B[F q\u001B';
  const { replay, dropped } = sortEarlyKeys(typed);
  assert.deepEqual(replay, [
    { ...NO_KEY, downArrow: true },
    { ...NO_KEY, pageDown: true },
    { ...NO_KEY, upArrow: true },
    { ...NO_KEY, home: true },
    { ...NO_KEY, end: true },
  ]);
  assert.deepEqual(dropped, ['y', '\r', 'a', ' ', 'q', '\u001B']);
});

test('a function key or a modified arrow is one dropped key, not its letters; text is split by character, not by byte', () => {
  assert.deepEqual(sortEarlyKeys('\u001B[1;2A\u001B[15~').dropped, ['\u001B[1;2A', '\u001B[15~']);
  assert.deepEqual(sortEarlyKeys('é😀').dropped, ['é', '😀']);
  assert.deepEqual(sortEarlyKeys(''), { replay: [], dropped: [] });
});

test('the note names what was ignored, as on a keyboard, and says what to do', () => {
  assert.equal(keyName('\r'), 'Enter');
  assert.equal(keyName(' '), 'Space');
  assert.equal(keyName('\u0004'), 'Ctrl-D');
  assert.equal(keyName('\u007F'), 'Backspace');
  assert.equal(keyName('\u001B'), 'Esc');
  assert.equal(keyName('\u001B[15~'), 'a function key');
  assert.equal(keyName('y'), 'y');
  assert.equal(typeAheadNote([]), null);
  assert.equal(typeAheadNote(['y', '\r', 'a']), 'Ignored 3 keys typed before the screen was up: y, Enter, a. Press again with the step on view.');
  assert.equal(typeAheadNote(['\r']), 'Ignored 1 key typed before the screen was up: Enter. Press again with the step on view.');
  assert.match(typeAheadNote([...'abcdefgh'])!, /^Ignored 8 keys typed before the screen was up: a, b, c, d, e, f, …\./);
  assert.equal(typeAheadQuestionNote(['\r']), '(Ignored 1 key typed before this question: Enter.)');
});
