// count() groups integers itself (no Intl formatter: the first one of a process loads ICU's data); it must
// say exactly what toLocaleString('en-US') says, for every number it can be given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count } from '../../src/present/value.js';
import { seededRandom } from '../support/random.js';

test('count() says what toLocaleString("en-US") says: integers of every length and sign, and the rest', () => {
  const random = seededRandom(42);
  const numbers = [0, -0, 1, -1, 12, 123, 999, 1000, -1000, 12345, 999_999, 1_000_000, -1_234_567, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, 0.5, 1234.5678, -0.0004, NaN, Infinity, -Infinity];
  for (let i = 0; i < 2000; i++) {
    const digits = 1 + Math.floor(random() * 16);
    const n = Math.floor(random() * 10 ** digits) * (random() < 0.3 ? -1 : 1);
    numbers.push(n, n + 0.25);
  }
  for (const n of numbers) assert.equal(count(n), n.toLocaleString('en-US'), String(n));
});
