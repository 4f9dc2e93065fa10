// Positions: the parser speaks UTF-8 bytes (token and statement offsets) and
// code points (error cursors, server error positions); JS strings are UTF-16.
// Everything this module hands out is a JS string index or a 1-based
// line/column counted in JS string characters.

import type { BoundSql, SqlStatement } from './types.js';

/** A function from a UTF-8 byte offset in `text` to the JS string index of the character it falls in. */
export function byteToIndexMapper(text: string): (byteOffset: number) => number {
  // ASCII (most SQL): a byte is a character; no table of one entry per byte.
  if (!/[^\x00-\x7f]/.test(text)) return (byteOffset) => Math.max(0, Math.min(byteOffset, text.length));
  const map: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    // Lone surrogates are encoded as 3 bytes (U+FFFD or WTF-8); either way 3.
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map.push(i);
    i += cp > 0xffff ? 2 : 1;
  }
  map.push(text.length);
  return (byteOffset) => map[Math.max(0, Math.min(byteOffset, map.length - 1))];
}

/** The JS string index of the code point with 0-based index `codePoints`. */
export function codePointToIndex(text: string, codePoints: number): number {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return Math.min(i, text.length);
}

/** 1-based line and column of a JS string index. */
export function lineColumnAt(source: string, charIndex: number): { line: number; column: number } {
  const index = Math.max(0, Math.min(charIndex, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/**
 * The source position of index `charIndex` of a piece of text that itself
 * starts at `start` (1-based line/column) in the source.
 */
export function positionWithin(text: string, charIndex: number, start: { line: number; column: number }): { line: number; column: number } {
  const rel = lineColumnAt(text, charIndex);
  return rel.line === 1
    ? { line: start.line, column: start.column + rel.column - 1 }
    : { line: start.line + rel.line - 1, column: rel.column };
}

/**
 * Map a server error `position` (1-based, counted in characters as PostgreSQL
 * does, into the text that was sent) to a 1-based line/column in the source.
 * With `bound`, positions inside a substituted placeholder point at the
 * placeholder, and positions after it are shifted back by the length change.
 */
export function sourcePosition(stmt: SqlStatement, sentPosition: number, bound?: BoundSql): { line: number; column: number } {
  const sent = bound?.text ?? stmt.text;
  const sentIndex = codePointToIndex(sent, Math.max(0, sentPosition - 1));
  let index = sentIndex;
  if (bound?.replacements) {
    let shift = 0;
    for (const r of bound.replacements) {
      if (sentIndex < r.sentStart) break;
      if (sentIndex < r.sentEnd) return positionWithin(stmt.text, r.sourceStart, stmt);
      shift = r.sourceEnd - r.sentEnd;
    }
    index = sentIndex + shift;
  }
  return positionWithin(stmt.text, Math.min(index, stmt.text.length), stmt);
}

/** Terminal columns a code point takes: 0 for combining marks, 2 for wide (CJK, emoji), else 1. */
function cellWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (/\p{Mn}|\p{Me}|\u200d|\ufe0f/u.test(ch)) return 0;
  if (/\p{Emoji_Presentation}/u.test(ch)) return 2;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Lines longer than this are shown as a window around the column, like psql does. */
const MAX_EXCERPT = 100;

/**
 * A psql-style excerpt: the source line, and a caret under the column.
 *   LINE 3: SELECT fro x FROM t
 *                      ^
 */
export function caretExcerpt(source: string, line: number, column: number): string {
  let text = (source.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  let col = Math.max(1, Math.min(column, text.length + 1));
  let prefix = '';
  if (text.length > MAX_EXCERPT) {
    // Keep a window around the column so the caret stays on screen.
    const from = Math.max(0, Math.min(col - 1 - MAX_EXCERPT / 2, text.length - MAX_EXCERPT));
    const to = from + MAX_EXCERPT;
    prefix = from > 0 ? '...' : '';
    col = col - from + prefix.length;
    text = prefix + text.slice(from, to) + (to < text.length ? '...' : '');
  }
  const label = `LINE ${line}: `;
  // Pad with what the terminal will draw: tabs stay tabs, wide characters take two cells.
  let pad = ' '.repeat(label.length);
  for (const ch of text.slice(0, col - 1)) pad += ch === '\t' ? '\t' : ' '.repeat(cellWidth(ch));
  return `${label}${text}\n${pad}^`;
}

/** Line/column lookups for many indices of one text, without rescanning it each time. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** The line of the last lookup: statements are looked up in order, so the next is on it or a little after. */
  private last = 0;
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of a JS string index. */
  at(index: number): { line: number; column: number } {
    const starts = this.starts;
    let line = this.last;
    if (starts[line] <= index) {
      // Forward from the last answer, a few lines at most; a long way off, the binary search below.
      for (let steps = 0; line + 1 < starts.length && starts[line + 1] <= index; steps++) {
        if (steps === 16) return this.search(index);
        line++;
      }
      this.last = line;
      return { line: line + 1, column: index - starts[line] + 1 };
    }
    return this.search(index);
  }

  private search(index: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return { line: lo + 1, column: index - this.starts[lo] + 1 };
  }
}
