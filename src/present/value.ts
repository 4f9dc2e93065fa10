// A column value in words, as psql prints it. From PostgreSQL the executor
// keeps the server's own text of every value it shows (see exec/postgres/
// statement.ts), so jsonb, bytea, arrays, numerics and timestamps read exactly
// as in psql; this module turns a typed JavaScript value into the same text
// for what has no server text (SQLite, a journal written before, a value a
// check saw): booleans t/f, bytea \x…, arrays {1,2} with psql's quoting,
// json as jsonb prints it ({"a": 1}).
//
// NULL: psql prints nothing. In a table we do the same in plain output (so
// the text is psql's), and the screen shows a dimmed "NULL" in the cell, where
// an empty cell and an empty string would otherwise look alike. In a sentence
// (a verdict, a row on one line) a NULL is always the word NULL.
import { printableLine } from './escape.js';
import { columns } from './width.js';
import { shorten } from './words.js';

export const NULL_WORD = 'NULL';

/** A value's psql text; null for SQL NULL. */
export function psqlText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  return jsonText(value);
}

/** json/jsonb as psql shows jsonb: `{"a": 1, "b": [1, 2]}`. */
export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(jsonText).join(', ')}]`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An array as PostgreSQL's array literal: {1,2}, {"a b",NULL,"{x}"}, {{1,2},{3,4}}. */
function arrayLiteral(items: unknown[]): string {
  return `{${items.map((item) => (Array.isArray(item) ? arrayLiteral(item) : element(item))).join(',')}}`;
}

/** Quoted as array_out quotes: empty, NULL, or any of {}",\ and white space. */
function element(item: unknown): string {
  const text = psqlText(item);
  if (text === null) return NULL_WORD;
  const needsQuotes = text === '' || /^null$/i.test(text) || /[{}",\\\s]/.test(text);
  return needsQuotes ? `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"` : text;
}

/**
 * A cell's lines as psql draws them (mbprint.c pg_wcsformat): split at each
 * newline (the table marks the break with +), a tab filled with blanks to the
 * next multiple of 8 columns, a carriage return shown as \r and any other
 * control character as \xHH. What psql would pass through but a terminal
 * would obey (C1 controls, bidirectional overrides) is escaped as well
 * (escape.ts), so a value can never drive the terminal.
 */
export function cellLines(text: string): string[] {
  return text.split('\n').map((line) => {
    if (!/[\u0000-\u001f\u007f]/.test(line)) return printableLine(line);
    let out = '';
    let used = 0;
    for (const ch of line) {
      if (ch === '\t') {
        const fill = 8 - (used % 8);
        out += ' '.repeat(fill);
        used += fill;
      } else if (ch === '\r' || ch < ' ' || ch === '\u007f') {
        const shown = ch === '\r' ? '\\r' : `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
        out += shown;
        used += shown.length;
      } else {
        out += ch;
        used += columns(ch);
      }
    }
    return printableLine(out);
  });
}

/** Numbers as text: "18661", "-3.5", "1e6" (pg numeric/bigint arrive like this). */
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value inside a sentence (expected vs actual, a row on one line): numbers
 * bare, text quoted so "" and " 1" are seen, NULL as NULL, everything else as
 * psql prints it.
 */
export function valueWords(value: unknown, max = 60): string {
  const text = psqlText(value);
  if (text === null) return NULL_WORD;
  if (typeof value === 'string') return NUMERIC_TEXT.test(value.trim()) ? value.trim() : JSON.stringify(shorten(value, max));
  return shorten(text, max);
}

/** A row on one line: {ticker: "AAPL", cnt: 2}. */
export function rowWords(row: Record<string, unknown>, max = 120): string {
  const parts = Object.entries(row).map(([column, value]) => `${column}: ${valueWords(value, 40)}`);
  const text = `{${parts.join(', ')}}`;
  return text.length <= max ? text : `${text.slice(0, max - 2)}…}`;
}

/** "1 row", "3 rows". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** 12345 → "12,345". */
export function count(n: number): string {
  // A count (an integer) is grouped here, as en-US groups it: the first Intl formatter of a process loads ICU's
  // data (~35-45 ms of CPU), which a run's screen paid for "… 12,345 earlier lines not kept".
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return `${n < 0 ? '-' : ''}${String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',')}`;
  // Anything else as before; one formatter, not one per call as toLocaleString('en-US') builds.
  return (enUS ??= new Intl.NumberFormat('en-US')).format(n);
}

let enUS: Intl.NumberFormat | undefined;
