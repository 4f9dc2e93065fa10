// Rows built only where a window looks (src/tui/views/rows.ts): every slice of
// them is the same slice of the rows built all at once, and a slice builds
// only the runs it shows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { plain, type Line } from '../../src/tui/line.js';
import { joinRows, lazyRows } from '../../src/tui/views/rows.js';
import { seededRandom } from '../support/random.js';

const run = (i: number, n: number): Line[] => Array.from({ length: n }, (_, j) => plain(`run ${i} row ${j}`));

describe('rows built where they are looked at', () => {
  test('any slice, as Array.prototype.slice reads its bounds, equals that slice of all the rows (seeded)', () => {
    const random = seededRandom(17);
    for (let round = 0; round < 200; round++) {
      const counts = Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 4));
      const lazy = lazyRows(counts, (i) => run(i, counts[i]));
      const head = Array.from({ length: Math.floor(random() * 3) }, (_, j) => plain(`head ${j}`));
      const tail = Array.from({ length: Math.floor(random() * 3) }, (_, j) => plain(`tail ${j}`));
      const joined = joinRows([head, lazy, tail]);
      const all = [...head, ...counts.flatMap((n, i) => run(i, n)), ...tail];
      assert.equal(lazy.length, all.length - head.length - tail.length);
      assert.equal(joined.length, all.length);
      assert.deepEqual(joined.slice(), all);
      for (let k = 0; k < 10; k++) {
        const a = Math.floor(random() * (all.length + 4)) - 2;
        const b = Math.floor(random() * (all.length + 4)) - 2;
        assert.deepEqual(joined.slice(a, b), all.slice(a, b), `slice(${a}, ${b}) of ${JSON.stringify(counts)}`);
        assert.deepEqual(joined.slice(a), all.slice(a));
      }
    }
  });

  test('a slice builds only the runs it shows, and each row goes through `each`', () => {
    const built: number[] = [];
    const lazy = lazyRows([2, 2, 2, 2, 2], (i) => (built.push(i), run(i, 2)));
    const joined = joinRows([lazy], (l) => [...l, ...plain('!')]);
    assert.equal(joined.length, 10);
    assert.deepEqual(built, [], 'nothing is built to know the length');
    assert.deepEqual(joined.slice(3, 6).map((l) => l.map((s) => s.text).join('')), ['run 1 row 1!', 'run 2 row 0!', 'run 2 row 1!']);
    assert.deepEqual(built, [1, 2]);
  });
});
