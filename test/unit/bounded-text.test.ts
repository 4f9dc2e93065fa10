// A step's output text (src/exec/postgres/render.ts BoundedText) keeps its
// head and its tail: what it gives must be exactly what it gave before,
// however the pieces fall; and appending
// must not cost more as the text grows (it copied the tail at each append).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedText } from '../../src/exec/postgres/render.js';
import { seededRandom } from '../support/random.js';

/**
 * What the output text was before (it copied the tail at each append): the
 * pieces joined by newlines; past `limit`, the head as it stood when the
 * limit was passed (at most limit/2 characters), the last limit/2 characters,
 * and the count of those between.
 */
class CopyingText {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly limit: number) {}
  append(piece: string): void {
    if (!piece) return;
    const chunk = this.head || this.tail || this.dropped ? `\n${piece}` : piece;
    const half = Math.floor(this.limit / 2);
    if (!this.dropped && this.head.length + chunk.length <= this.limit) {
      this.head += chunk;
      return;
    }
    if (!this.dropped) {
      this.tail = this.head.slice(half);
      this.head = this.head.slice(0, half);
    }
    this.tail += chunk;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }
  toString(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n… ${this.dropped} characters not kept …\n${this.tail}`;
  }
}

test('bounded text gives what copying the tail gave, for seeded random pieces and limits', () => {
  const random = seededRandom(17);
  for (let round = 0; round < 400; round++) {
    const limit = 1 + Math.floor(random() * 120);
    const text = new BoundedText(limit);
    const reference = new CopyingText(limit);
    const n = Math.floor(random() * 60);
    for (let i = 0; i < n; i++) {
      const length = random() < 0.1 ? 0 : Math.floor(random() * (random() < 0.2 ? 3 * limit : 12));
      const piece = Array.from({ length }, (_, k) => String.fromCharCode(97 + ((i + k) % 26))).join('');
      reference.append(piece);
      text.append(piece);
      assert.equal(text.toString(), reference.toString(), `round ${round}, after piece ${i} (limit ${limit})`);
    }
  }
});

test('appending past the limit costs about what appending below it does', () => {
  const text = new BoundedText(1024 * 1024);
  const time = (from: number, to: number) => {
    const t0 = performance.now();
    for (let i = from; i < to; i++) text.append(`INSERT 0 1 -- statement ${i}`);
    return performance.now() - t0;
  };
  const below = time(0, 20_000); // ~600 KB: below the limit
  time(20_000, 60_000); // past it from here on
  const past = time(60_000, 80_000);
  // Copying the tail at each append (512 KB per piece here) made this hundreds of times slower.
  assert.ok(past < Math.max(10 * below, 100), `20,000 appends took ${past.toFixed(1)} ms past the limit against ${below.toFixed(1)} ms below it`);
  assert.match(text.toString(), /characters not kept/);
  assert.ok(text.toString().endsWith('statement 79999'));
});
