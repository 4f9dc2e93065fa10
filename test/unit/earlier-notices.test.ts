// The notices of a step's statements that committed in earlier attempts (src/run/earlier-notices.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earlierNotices } from '../../src/run/earlier-notices.js';
import type { OutputLine } from '../../src/engine/state.js';

const started = (index: number): OutputLine => ({ type: 'statement_started', index, total: 4, text: `s${index}`, line: index + 1, commits: true });
const notice = (message: string): OutputLine => ({ type: 'notice', severity: 'NOTICE', message });

test('each committed statement counts with the notices of its last run; the ones not committed do not count', () => {
  const output: OutputLine[] = [
    // Attempt 1: statements 0 and 1 commit, 2 fails after a notice.
    started(0), notice('zero'), { type: 'committed', through: 0, total: 4 },
    started(1), notice('one'), { type: 'info', message: 'an info line' }, { type: 'committed', through: 1, total: 4 },
    started(2), notice('two, first try'),
    // Attempt 2: statement 2 commits this time, 3 fails.
    started(2), notice('two, second try'), { type: 'committed', through: 2, total: 4 },
    started(3), notice('three, failed'),
  ];
  assert.deepEqual(earlierNotices(output, 3), ['zero', 'one', 'two, second try']);
  assert.deepEqual(earlierNotices(output, 2), ['zero', 'one']);
  assert.deepEqual(earlierNotices(output, 0), []);
});

test('a committed statement whose start is no longer in the kept output gives no notices, not another one’s', () => {
  assert.deepEqual(earlierNotices([notice('orphan'), started(1), notice('one')], 2), ['one']);
});
