// A check's outcome in words. A pass shows what was seen (a version, a count,
// a speed-up: the operator learns the real figure); a failure shows expected
// and actual one under the other:
//   ✓ row count — 3 rows
//   ✗ row count
//       expected: rows = 0
//       actual:   3 rows, first: {ticker: "AAPL", cnt: 2}
import type { Verdict } from '../checks/verdict.js';
import { oneLine } from './words.js';

export const MARK = { ok: '✓', bad: '✗' } as const;
/** The two labels of a failed check, padded so that the values line up. */
export const EXPECTED = 'expected: ';
export const ACTUAL = 'actual:   ';

/** The verdict as plain lines. */
export function verdictText(v: Verdict, indent = '  '): string[] {
  if (v.ok) return [`${indent}${MARK.ok} ${v.label}${v.actual ? ` — ${oneLine(v.actual, 120)}` : ''}`];
  return [`${indent}${MARK.bad} ${v.label}`, `${indent}    ${EXPECTED}${v.expected}`, `${indent}    ${ACTUAL}${v.actual}`];
}

/** The verdict in one sentence: "row count: expected rows = 0, actual 3 rows". */
export function verdictSentence(v: Verdict): string {
  return `${v.label}: expected ${v.expected}, actual ${v.actual}`;
}
