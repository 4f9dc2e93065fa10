// Troubleshooting for a failure in words: the entries that match the error
// (or the failed check) first, then — labelled so nobody takes them for the
// diagnosis — the step's other known problems.
import type { Troubleshooting } from '../checks/troubleshoot.js';
import type { MatchCriteria, TroubleshootingEntry } from '../runbook/schema.js';
import { plural } from './value.js';

export const OTHER_KNOWN = 'other known problems of this step';
/** The headings of the two groups in a list. */
export const MATCHES_HEADING = 'Matches this failure:';
export const OTHER_HEADING = 'Other known problems of this step (they do not match this failure):';

/** "1 entry matches this failure · 2 other known problems of this step", "no entry matches this failure". */
export function troubleshootingSummary(t: Troubleshooting): string {
  const other = t.entries.length - t.matched;
  const head = t.matched === 0 ? 'no entry matches this failure' : `${plural(t.matched, 'entry matches', 'entries match')} this failure`;
  return other === 0 ? head : `${head} · ${plural(other, 'other known problem', 'other known problems')} of this step`;
}

/** The short form for a key label: "2 match · 1 other", "none match · 2 other", "none match". */
export function troubleshootingCount(t: Troubleshooting): string {
  const other = t.entries.length - t.matched;
  const head = t.matched === 0 ? 'none match' : `${t.matched} match`;
  return other === 0 ? head : `${head} · ${other} other`;
}

/** Whether the entry at `index` matched the failure (else it is one of the step's other known problems). */
export function isMatch(t: Troubleshooting, index: number): boolean {
  return index < t.matched;
}

/** One set of criteria: "SQLSTATE 58P01 · in step enable-timescaledb", "a failed check matching /plan/". `code` marks a value (Markdown's backticks). */
function criteriaWords(m: MatchCriteria, code: (text: string) => string): string {
  const list = (v: string | string[]) => [v].flat().map(code).join(', ');
  return [
    m.sqlstate !== undefined ? `SQLSTATE ${list(m.sqlstate)}` : '',
    m.error !== undefined ? `an error matching ${code(m.error)}` : '',
    m.check === true ? 'a failed check' : typeof m.check === 'string' ? `a failed check matching ${code(m.check)}` : '',
    m.step !== undefined ? `in step ${list(m.step)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What an entry is for, in words, its alternatives joined by "; or ": empty when it says nothing. */
export function matchWords(entry: Pick<TroubleshootingEntry, 'match'>, code: (text: string) => string = (text) => text): string {
  const m = entry.match;
  return (m === undefined ? [] : Array.isArray(m) ? m : [m])
    .map((c) => criteriaWords(c, code))
    .filter(Boolean)
    .join('; or ');
}
