// A step's statement records, bounded. Every statement answered is counted,
// and which ones completed is known exactly (as ranges of indices: one range
// when they run in order, as they do); the records themselves are kept for
// the first and the newest STATEMENT_RECORDS_KEPT / 2 only. A 100,000-statement
// data fix kept 100,000 records in its result, which nothing reads: the
// journal has every statement's events (reports and resume read those), and
// the screen and the plain output show them as they come.
import { STATEMENT_RECORDS_KEPT, type StatementRecord } from '../types.js';

export class StatementRecords {
  private head: StatementRecord[] = [];
  /** The newest records past the head, a ring of at most `half` from `next`. */
  private ring: StatementRecord[] = [];
  private next = 0;
  /** Indices of the statements that completed, as [first, last] ranges in the order they completed. */
  private ranges: [number, number][] = [];
  count = 0;
  /** The highest index of a completed BEGIN or START TRANSACTION (-1: none). */
  lastBegin = -1;
  private readonly half: number;

  constructor(kept = STATEMENT_RECORDS_KEPT) {
    this.half = Math.max(1, Math.floor(kept / 2));
  }

  add(record: StatementRecord): void {
    this.count++;
    if (/^(BEGIN|START)/i.test(record.command)) this.lastBegin = Math.max(this.lastBegin, record.index);
    const last = this.ranges[this.ranges.length - 1];
    if (last && last[1] + 1 === record.index) last[1] = record.index;
    else this.ranges.push([record.index, record.index]);
    if (this.head.length < this.half) {
      this.head.push(record);
      return;
    }
    if (this.ring.length < this.half) this.ring.push(record);
    else this.ring[this.next] = record;
    this.next = (this.next + 1) % this.half;
  }

  /** An attempt rolled back whole: nothing of it stays. */
  clear(): void {
    this.head = [];
    this.ring = [];
    this.next = 0;
    this.ranges = [];
    this.count = 0;
    this.lastBegin = -1;
  }

  /** The records kept, in the order the statements completed. */
  list(): StatementRecord[] {
    const ring = this.ring.length < this.half ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return [...this.head, ...ring];
  }

  /** The completed statements' indices below `end`, as ranges. */
  doneBelow(end: number): [number, number][] {
    const out: [number, number][] = [];
    for (const [a, b] of this.ranges) if (a < end) out.push([a, Math.min(b, end - 1)]);
    return out;
  }
}
