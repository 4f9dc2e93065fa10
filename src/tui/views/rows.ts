// A view's lines when only a window of them is shown: how many there are is
// known at once, each is built when a window looks at it. A step streaming
// notices keeps 500 output lines and a frame shows ~30 of them; building all
// 500 at every frame of a storm (each new since the last frame) was most of
// the frame's cost.
import type { Line } from '../line.js';

export interface Rows {
  readonly length: number;
  /** Rows `start` to `end` (not included), as an array's slice gives them. */
  slice(start?: number, end?: number): Line[];
}

/** Rows in runs of `counts[i]` rows each, the rows of run `i` built by `build(i)` (exactly `counts[i]` of them) when looked at. */
export function lazyRows(counts: readonly number[], build: (i: number) => readonly Line[]): Rows {
  return joinRows(counts.map((length, i) => ({ length, slice: (start = 0, end = length) => build(i).slice(start, Math.min(end, length)) })));
}

/** Parts one after the other as one list of rows: arrays as they are, lazy rows as they are looked at. */
export function joinRows(parts: readonly (readonly Line[] | Rows)[], each: (line: Line) => Line = (l) => l): Rows {
  let length = 0;
  for (const p of parts) length += p.length;
  return {
    length,
    slice(start = 0, end = length) {
      const [from, to] = bounds(start, end, length);
      const out: Line[] = [];
      let at = 0;
      for (const p of parts) {
        if (at >= to) break;
        if (at + p.length > from) for (const l of p.slice(Math.max(0, from - at), to - at)) out.push(each(l));
        at += p.length;
      }
      return out;
    },
  };
}

/** `start` and `end` as Array.prototype.slice reads them (negative from the end, clamped). */
function bounds(start: number, end: number, length: number): [number, number] {
  const at = (n: number) => (n < 0 ? Math.max(0, length + n) : Math.min(n, length));
  return [at(start), at(end)];
}
