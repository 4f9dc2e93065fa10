// The text a step's SQL "printed", psql-style, for the `expected:` panel and
// for output checks: command tags, small result tables, and EXPLAIN plans as
// their bare lines (so a check can look for "Index Scan using ...").
import { KEPT_OUTPUT_CHARS } from '../types.js';
import type { StatementOutcome } from './statement.js';

/** Results up to this many rows are drawn as a table; larger ones as a summary line. */
export const TABLE_ROWS = 50;

export function renderOutcome(outcome: StatementOutcome, isExplain: boolean): string {
  if (!outcome.columns) return outcome.tag ?? '';
  if (isExplain) {
    // EXPLAIN (FORMAT TEXT) is one column, one plan line per row; JSON/XML/YAML are one row of text.
    return outcome.rows.map((row) => text(row[0])).join('\n');
  }
  const count = `(${outcome.total} ${outcome.total === 1 ? 'row' : 'rows'})`;
  if (outcome.total > TABLE_ROWS) return `${outcome.columns.join(' | ')}\n${count}`;
  return `${table(outcome.columns, outcome.rows)}\n${count}`;
}

/** An aligned table like psql's default output. */
function table(columns: string[], rows: unknown[][]): string {
  const cells = rows.map((row) => row.map((v) => text(v).replace(/\n/g, '\\n')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) => ` ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')}`.trimEnd();
  const rule = widths.map((w) => '-'.repeat(w + 2)).join('+');
  return [line(columns), rule, ...cells.map(line)].join('\n');
}

/** A value as psql would print it. */
export function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
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
