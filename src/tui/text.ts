// Text helpers for the screen: every string that reaches the terminal goes
// through `clean` (escape sequences and control characters from a runbook, a
// shell step or the server are shown escaped, `\u001b[2J`, and never move the
// cursor), and is fitted to a width here.
// Widths are terminal columns (width.ts), not characters.
import { printableLine } from '../present/escape.js';
import { columns, firstCharacter, headColumns } from '../present/width.js';
import { oneLine as flatten } from '../present/words.js';

/** One line of display text: tabs expanded, carriage returns dropped, escape sequences and other controls shown escaped. */
export function clean(text: string): string {
  return printableLine(text.replace(/\r/g, '').replace(/\t/g, '  '));
}

/** Splits text into display lines (cleaned). */
export function lines(text: string): string[] {
  return text.replace(/\r\n/g, '\n').split('\n').map(clean);
}

/** Cuts text to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (columns(text) <= width) return text;
  if (width === 1) return '…';
  return `${headColumns(text, width - 1)}…`;
}

/** Pads (or cuts) text to exactly `width` columns. */
export function pad(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - columns(t)));
}

/** Word-wraps one paragraph to `width`; words longer than a line are broken. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const raw of lines(text)) {
    const indent = /^\s*/.exec(raw)?.[0] ?? '';
    if (raw.trim() === '') {
      out.push('');
      continue;
    }
    let line = '';
    for (const word of raw.trim().split(/\s+/)) {
      let rest = word;
      while (rest.length > 0) {
        const lead = line === '' ? indent : `${line} `;
        if (columns(lead) + columns(rest) <= w) {
          line = lead + rest;
          rest = '';
        } else if (line !== '' && line !== indent) {
          out.push(line);
          line = '';
        } else {
          // A word longer than the line is broken; a line too narrow for even its first character still takes it.
          const head = headColumns(rest, Math.max(1, w - columns(lead))) || firstCharacter(rest);
          out.push(lead + head);
          rest = rest.slice(head.length);
          line = '';
        }
      }
    }
    out.push(line);
  }
  return out;
}

/** Flattens text to one line, cleaned for the terminal: "CREATE INDEX … ON t (a)". */
export function oneLine(text: string, max = Infinity): string {
  // White space first: clean shows a line break it meets as \n.
  return flatten(clean(text.replace(/\s+/g, ' ')), max);
}
