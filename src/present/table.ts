// A result set as psql's aligned format prints it:
//
//   id |   name   | total
//  ----+----------+-------
//    1 | AAPL     |  12.5
//    2 |          |     3
//  (2 rows)
//
// Column names centred, numbers right-aligned (by the column's type, as psql
// decides), everything else left-aligned, widths in terminal columns (a CJK
// character takes two). A value of several lines takes several lines, the
// break marked with + after the column, a tab fills to the next multiple of
// 8, as psql does. Plain output prints the lines; the screen lays the same
// cells out and adds colour (a dimmed NULL). Trailing blanks are dropped.
//
// Bounded, where psql is not: a cell shows at most `maxColumnWidth` columns a
// line and `maxCellLines` lines (cut with …), so one huge value cannot flood
// a terminal or a log.
import { cellLines, psqlText } from './value.js';
import { columns as width, headColumns, padColumns } from './width.js';

/** The types psql right-aligns (print.c column_type_alignment): int2/4/8, float4/8, numeric, oid, xid, xid8, cid, money. */
const NUMERIC_TYPES = new Set([21, 23, 20, 700, 701, 1700, 26, 28, 5069, 29, 790]);

export interface TableInput {
  columns: string[];
  /** The columns' type OIDs, when known (PostgreSQL). */
  types?: number[];
  /** The kept rows: server text (string | null) or typed values. */
  rows: unknown[][];
  /** Every row the statement returned. */
  total: number;
}

export interface TableCell {
  /** The cell's lines (one for most values), each at most the column's width. */
  lines: string[];
  isNull: boolean;
}

export interface TableLayout {
  /** Each column name's lines (one, unless a name holds a newline). */
  header: string[][];
  widths: number[];
  align: ('left' | 'right')[];
  rows: TableCell[][];
  /** "(3 rows)", "(1200 rows; the first 50 shown)". */
  footer: string;
}

export interface TableOptions {
  /** How a NULL reads in a cell: '' as psql (plain), 'NULL' on the screen. */
  nullAs?: string;
  /** At most this many rows are laid out. */
  maxRows?: number;
  /** No column wider than this (cut with …). */
  maxColumnWidth?: number;
  /** No cell taller than this many lines (the last one says … when more were cut). */
  maxCellLines?: number;
}

/** Plain output's bounds on one value: psql's table of a 1 MB value would be a 1 MB line. */
export const PLAIN_COLUMN_WIDTH = 200;
export const PLAIN_CELL_LINES = 20;

export function tableLayout(t: TableInput, options: TableOptions = {}): TableLayout {
  const cap = { columns: options.maxColumnWidth ?? Infinity, lines: options.maxCellLines ?? Infinity };
  const shownRows = t.rows.slice(0, options.maxRows ?? t.rows.length);
  const rows = shownRows.map((r) => t.columns.map((_, i) => cell(r[i], options.nullAs ?? '', cap)));
  const header = t.columns.map((c) => bounded(cellLines(c), cap));
  const widths = header.map((h, i) => Math.max(...h.map(width), ...rows.flatMap((r) => r[i].lines.map(width))));
  const align = t.columns.map((_, i) => (isNumeric(t, i) ? 'right' : 'left') as 'left' | 'right');
  return { header, widths, align, rows, footer: footer(t.total, shownRows.length) };
}

/**
 * The lines of one table row whose cells have these lines: each cell drawn by
 * `draw` (padded to its column), then `more` after it while the cell goes on
 * to a next line (psql's +) and `none` otherwise, joined by `join`.
 */
export function rowLines<T>(cells: string[][], draw: (text: string, column: number) => T, mark: (more: boolean, column: number) => T): T[][] {
  const height = Math.max(1, ...cells.map((c) => c.length));
  return Array.from({ length: height }, (_, k) => cells.flatMap((c, i) => [draw(c[k] ?? '', i), mark(k < c.length - 1, i)]));
}

/** The table as psql prints it, one string a line. */
export function tableText(t: TableInput, options: TableOptions = {}): string[] {
  const l = tableLayout(t, options);
  if (l.header.length === 0) return [l.footer];
  const line = (parts: string[]) => ` ${parts.join('')}`.trimEnd();
  const mark = (more: boolean, i: number) => `${more ? '+' : ' '}${i < l.widths.length - 1 ? '| ' : ''}`;
  return [
    ...rowLines(l.header, (h, i) => centre(h, l.widths[i]), mark).map(line),
    l.widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...l.rows.flatMap((r) => rowLines(r.map((c) => c.lines), (text, i) => padColumns(text, l.widths[i], l.align[i]), mark).map(line)),
    l.footer,
  ];
}

/** A column name centred in `w` columns, as psql does. */
export function centre(text: string, w: number): string {
  const room = Math.max(0, w - width(text));
  const left = Math.floor(room / 2);
  return ' '.repeat(left) + text + ' '.repeat(room - left);
}

function footer(total: number, shown: number): string {
  // psql's own footer, digits without separators; what was left out is said.
  const rows = total === 1 ? '(1 row' : `(${total} rows`;
  return shown < total ? `${rows}; the first ${shown} shown)` : `${rows})`;
}

function cell(value: unknown, nullAs: string, cap: { columns: number; lines: number }): TableCell {
  const isNull = value === null || value === undefined;
  return { lines: bounded(isNull ? [nullAs] : cellLines(psqlText(value) ?? nullAs), cap), isNull };
}

function bounded(lines: string[], cap: { columns: number; lines: number }): string[] {
  const kept = lines.length > cap.lines ? [...lines.slice(0, Math.max(1, cap.lines - 1)), '…'] : lines;
  return kept.map((l) => fit(l, cap.columns));
}

function fit(text: string, cap: number): string {
  return width(text) <= cap ? text : `${headColumns(text, Math.max(0, cap - 1))}…`;
}

function isNumeric(t: TableInput, i: number): boolean {
  if (t.types?.[i] !== undefined) return NUMERIC_TYPES.has(t.types[i]);
  // Without types (SQLite, an older journal): numbers as the driver typed them.
  const values = t.rows.map((r) => r[i]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'bigint');
}

/**
 * The program's own listings (`runbook list`, `runbook history`): a header
 * row and columns two spaces apart, like `ls -l` or `kubectl get`, each
 * column at most its limit wide (cut with …), the last one as long as it is.
 */
export function listingText(header: string[], rows: string[][], limits: number[] = []): string[] {
  const widths = header.map((h, i) => Math.min(limits[i] ?? Infinity, Math.max(width(h), ...rows.map((r) => width(r[i] ?? '')))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : padColumns(fit(c, widths[i]), widths[i], 'left'))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
