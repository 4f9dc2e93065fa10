// {{ inputs.x }} and {{ ident inputs.x }} in runbook SQL: finding them, and
// masking them so the parser can read SQL that contains them. Binding them to
// values is in bind.ts.

import { PlaceholderError } from './errors.js';
import { lineColumnAt } from './position.js';
import type { Placeholder } from './types.js';

/** A placeholder at JS string indices [start, end) of some text. */
export interface FoundPlaceholder {
  start: number;
  end: number;
  name: string;
  ident: boolean;
}

/** A {{ ... }} that is meant as a placeholder but is not one. */
export interface PlaceholderProblem {
  start: number;
  message: string;
}

const FORMS = 'write {{ inputs.name }} for a value or {{ ident inputs.name }} for a name';

function isNameStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
}
function isNameChar(ch: string): boolean {
  return isNameStart(ch) || (ch >= '0' && ch <= '9');
}
function isName(s: string): boolean {
  return s.length > 0 && isNameStart(s[0]) && [...s].every(isNameChar);
}

/** The leading word of s (letters, digits, _), after spaces. */
function firstWord(s: string): string {
  const t = s.trimStart();
  let n = 0;
  while (n < t.length && isNameChar(t[n])) n++;
  return t.slice(0, n);
}

/**
 * Find every placeholder in text. A '{{' counts as a placeholder when the
 * word after it is inputs/input/ident or it mentions inputs before '}}';
 * other '{{' (like the array literal '{{1,2},{3,4}}') are left for SQL to judge.
 */
export function findPlaceholders(text: string): { found: FoundPlaceholder[]; problem?: PlaceholderProblem } {
  const found: FoundPlaceholder[] = [];
  for (let start = text.indexOf('{{'); start !== -1; start = text.indexOf('{{', start + 1)) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline;
    const close = text.indexOf('}}', start + 2);
    const word = firstWord(text.slice(start + 2, start + 40));
    const mentionsInputs = close !== -1 && close < lineEnd && text.slice(start + 2, close).includes('inputs');
    if (!['inputs', 'input', 'ident'].includes(word) && !mentionsInputs) continue;
    if (close === -1 || close > lineEnd) {
      const shown = text.slice(start, Math.min(lineEnd, start + 40)).trimEnd();
      return { found, problem: { start, message: `Placeholder "${shown}" is not closed: end it with }} on the same line` } };
    }
    const end = close + 2;
    const words = text.slice(start + 2, close).trim().split(/\s+/);
    const ident = words[0] === 'ident';
    const ref = ident ? words[1] ?? '' : words[0];
    const name = ref.startsWith('inputs.') ? ref.slice('inputs.'.length) : '';
    if (!isName(name) || words.length !== (ident ? 2 : 1)) {
      return { found, problem: { start, message: `Malformed placeholder "${text.slice(start, end)}": ${FORMS}` } };
    }
    found.push({ start, end, name, ident });
    start = end - 1;
  }
  return { found };
}

/**
 * The text with each placeholder replaced by something of the same length the
 * parser accepts in its place: '$1' for a value, an unquoted name for an
 * identifier. Offsets, lines and columns stay those of the original.
 */
export function maskPlaceholders(text: string, found: FoundPlaceholder[]): string {
  let out = '';
  let at = 0;
  for (const p of found) {
    const length = p.end - p.start;
    out += text.slice(at, p.start) + (p.ident ? '_'.repeat(length) : '$1'.padEnd(length));
    at = p.end;
  }
  return out + text.slice(at);
}

/** Every placeholder in source, for validation. Throws PlaceholderError on a malformed one. */
export function placeholdersIn(source: string): Placeholder[] {
  const { found, problem } = findPlaceholders(source);
  if (problem) {
    const { line, column } = lineColumnAt(source, problem.start);
    throw new PlaceholderError(problem.message, line, column);
  }
  return found.map((p) => ({ name: p.name, ident: p.ident, ...lineColumnAt(source, p.start) }));
}

/** How a placeholder was written, for messages. */
export function written(p: FoundPlaceholder): string {
  return p.ident ? `{{ ident inputs.${p.name} }}` : `{{ inputs.${p.name} }}`;
}
