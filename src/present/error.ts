// A failed action in words, one block for every renderer:
//
//   SQL error 42P01 at migrations/x.sql:3:15
//   relation "nope" does not exist — in statement 2 of 3 (line 3).
//   LINE 3: SELECT * FROM nope
//                         ^
//   detail: …   hint: …   where: …
//
// The title names the kind (a connection error says so everywhere, not only on
// the screen), the SQLSTATE and the place; the caret lines are psql's. The
// screen colours and wraps these parts, plain output indents them, reports
// put them in their syntax.
import type { ExecError } from '../exec/types.js';
import { oneLine, shorten } from './words.js';

const KIND: Record<ExecError['kind'], string> = {
  sql: 'SQL error',
  connection: 'Connection error',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  shell: 'Command failed',
  input: 'Input error',
  internal: 'Internal error',
};

export interface ErrorBlock {
  /** "SQL error 42P01 at x.sql:3:15" */
  title: string;
  message: string;
  /** psql's "LINE 3: …" and the caret under the column, when the server said where. */
  caret: string[];
  /** Labelled extras: in statement, detail, hint, where. */
  details: { label: string; text: string }[];
}

export function errorTitle(e: ExecError): string {
  const exit = e.kind === 'shell' && e.exitCode !== undefined ? ` (exit ${e.exitCode})` : '';
  return `${KIND[e.kind] ?? 'Error'}${e.sqlstate ? ` ${e.sqlstate}` : ''}${exit}${errorPlace(e)}`;
}

/** " at x.sql:3:15", " at line 3:15", or nothing. */
export function errorPlace(e: ExecError): string {
  if (!e.line) return '';
  return ` at ${e.file ? `${e.file}:` : 'line '}${e.line}${e.column ? `:${e.column}` : ''}`;
}

export function errorBlock(e: ExecError, width = 100): ErrorBlock {
  const details: ErrorBlock['details'] = [];
  if (e.statementIndex !== undefined && e.statement && !e.caret) details.push({ label: `in statement ${e.statementIndex + 1}`, text: oneLine(e.statement, 160) });
  if (e.detail) details.push({ label: 'detail', text: e.detail });
  if (e.hint) details.push({ label: 'hint', text: e.hint });
  if (e.where) details.push({ label: 'where', text: oneLine(e.where, 160) });
  return { title: errorTitle(e), message: e.message, caret: caretLines(e, width), details };
}

/** The error in one line, for a verdict or a troubleshooting match: "SQLSTATE 42P07: relation …", "killed after 30 s". */
export function errorLine(e: ExecError, max = 200): string {
  return shorten(e.sqlstate ? `SQLSTATE ${e.sqlstate}: ${e.message}` : e.message, max);
}

/** The block as indented plain lines (plain output, JUnit, the summary). */
export function errorText(e: ExecError, indent = ''): string[] {
  const b = errorBlock(e);
  const more = `${indent}    `;
  return [
    `${indent}✗ ${b.title}: ${b.message}`,
    ...b.caret.map((l) => more + l),
    ...b.details.map((d) => `${more}${d.label}: ${d.text}`),
  ];
}

/** psql's two lines: the source line with its number, and a caret under the column; long lines are cut around the caret. */
function caretLines(e: ExecError, width: number): string[] {
  if (!e.caret || !e.line) return [];
  const prefix = `LINE ${e.line}: `;
  const text = e.caret.text.replace(/\t/g, ' ');
  let col = Math.max(1, Math.min(e.caret.column, text.length + 1));
  let shown = text;
  const room = Math.max(20, width - prefix.length - 2);
  if (shown.length > room) {
    const start = Math.max(0, Math.min(col - 1 - Math.floor(room / 2), shown.length - room));
    shown = `${start > 0 ? '…' : ''}${shown.slice(start, start + room)}${start + room < text.length ? '…' : ''}`;
    col = col - start + (start > 0 ? 1 : 0);
  }
  return [`${prefix}${shown}`.trimEnd(), `${' '.repeat(prefix.length + col - 1)}^`];
}
