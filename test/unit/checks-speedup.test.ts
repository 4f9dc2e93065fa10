import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, speedupVerdict } from '../../src/checks/speedup.js';

test('median', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('one slow run does not decide the median', () => {
  assert.equal(median([10, 11, 12, 10, 5000]), 11);
});

test('a speed-up that meets the bar', () => {
  const v = speedupVerdict([187.4, 180.1, 201.3, 190, 185], [45.2, 44, 47.9, 46, 45], 3);
  assert.equal(v.ok, true);
  assert.equal(v.label, 'speed-up');
  assert.equal(v.expected, 'candidate ≥ 3.0× faster (median of 5)');
  assert.equal(v.actual, '4.1× faster: 187.4 ms → 45.2 ms (median of 5; min–max 180.1 ms–201.3 ms → 44 ms–47.9 ms)');
});

test('too small a speed-up, and a slow-down, fail', () => {
  const small = speedupVerdict([100, 100, 100], [50, 50, 50], 3);
  assert.equal(small.ok, false);
  assert.match(small.actual, /^2\.0× faster: 100 ms → 50 ms/);
  const slower = speedupVerdict([50], [100], 1.5);
  assert.equal(slower.ok, false);
  assert.match(slower.actual, /^2\.0× slower: 50 ms → 100 ms/);
});

test('edge cases: no runs, a candidate too fast to time', () => {
  assert.equal(speedupVerdict([], [], 2).actual, 'no timed runs');
  assert.equal(speedupVerdict([], [], 2).ok, false);
  const instant = speedupVerdict([10], [0], 2);
  assert.equal(instant.ok, true);
  assert.match(instant.actual, /^∞× faster/);
});
