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

/** Output text bounded to KEPT_OUTPUT_CHARS: the head is kept, and the tail. */
export class BoundedText {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly limit = KEPT_OUTPUT_CHARS) {}

  append(piece: string): void {
    if (!piece) return;
    const chunk = this.head || this.tail || this.dropped ? `\n${piece}` : piece;
    const half = Math.floor(this.limit / 2);
    if (!this.dropped && this.head.length + chunk.length <= this.limit) {
      this.head += chunk;
      return;
    }
    if (!this.dropped) {
      // First overflow: keep the first half as the head; the rest flows into the tail.
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
