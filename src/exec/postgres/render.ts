// The text a step's SQL "printed", psql-style, for output checks (`output:`
// looks for text in it): command tags, result tables in psql's aligned format
// (src/present/table.ts), and EXPLAIN plans as their bare lines (so a check
// can look for "Index Scan using ...").
import { tableText } from '../../present/table.js';
import { KEPT_OUTPUT_CHARS } from '../types.js';
import type { StatementOutcome } from './statement.js';

/** A result shows its first this many rows, and the count of all. */
export const TABLE_ROWS = 50;

export function renderOutcome(outcome: StatementOutcome, isExplain: boolean): string {
  if (!outcome.columns) return outcome.tag ?? '';
  if (isExplain) {
    // EXPLAIN (FORMAT TEXT) is one column, one plan line per row; JSON/XML/YAML are one row of text.
    return outcome.text.map((row) => row[0] ?? '').join('\n');
  }
  const table = { columns: outcome.columns, ...(outcome.types ? { types: outcome.types } : {}), rows: outcome.text, total: outcome.total };
  return tableText(table, { maxRows: TABLE_ROWS }).join('\n');
}

/**
 * Output text bounded to KEPT_OUTPUT_CHARS: the head is kept, and the tail.
 * The tail is a list of pieces, joined and cut to its last limit/2 characters
 * only when read: cutting it at each append copied up to limit/2 characters
 * per statement (a 100,000-statement data fix copied gigabytes, and made as
 * much garbage).
 */
export class BoundedText {
  private head = '';
  /** Past the head: the newest pieces, from `first` on; together at least limit/2 characters once the head is full. */
  private tail: string[] = [];
  private first = 0;
  private tailLength = 0;
  /** Characters dropped with whole pieces (more may be cut off the oldest piece kept, when read). */
  private droppedPieces = 0;
  private full = false;
  constructor(private readonly limit = KEPT_OUTPUT_CHARS) {}

  append(piece: string): void {
    if (!piece) return;
    const chunk = this.head || this.full ? `\n${piece}` : piece;
    const half = Math.floor(this.limit / 2);
    if (!this.full && this.head.length + chunk.length <= this.limit) {
      this.head += chunk;
      return;
    }
    if (!this.full) {
      // First overflow: keep the first half as the head; the rest flows into the tail.
      this.full = true;
      this.push(this.head.slice(half));
      this.head = this.head.slice(0, half);
    }
    this.push(chunk);
    // Drop the oldest pieces that the newest limit/2 characters no longer reach.
    while (this.first < this.tail.length - 1 && this.tailLength - this.tail[this.first].length >= half) {
      const gone = this.tail[this.first++];
      this.tailLength -= gone.length;
      this.droppedPieces += gone.length;
    }
    if (this.first > 1024 && this.first * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.first);
      this.first = 0;
    }
  }

  private push(piece: string): void {
    if (!piece) return;
    this.tail.push(piece);
    this.tailLength += piece.length;
  }

  toString(): string {
    if (!this.full) return this.head;
    const half = Math.floor(this.limit / 2);
    const tail = this.tail.slice(this.first).join('');
    const cut = Math.max(0, tail.length - half);
    const dropped = this.droppedPieces + cut;
    if (!dropped) return this.head + tail;
    return `${this.head}\n… ${dropped} characters not kept …\n${tail.slice(cut)}`;
  }
}
