// Verdicts on text: output (shell stdout+stderr, or SQL result text), the
// EXPLAIN plan, and the notices the server raised.
import type { ActionResult } from '../exec/types.js';
import { asList, parseTextMatch } from './textmatch.js';
import { shorten } from '../present/words.js';
import { verdict, type Verdict } from './verdict.js';

type TextExpectation = string | string[];

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

function mustContain(label: string, subject: string, text: string, items: TextExpectation, whenNotFound: () => string): Verdict[] {
  return asList(items).map((item) => {
    const matcher = parseTextMatch(item);
    const expected = `${subject} ${matcher.describe}`;
    const found = matcher.test(text) ? matcher.findLine(text) : null;
    if (found) return verdict(label, true, expected, `found on line ${found.line}: ${JSON.stringify(shorten(found.text.trim(), 100))}`);
    return verdict(label, false, expected, whenNotFound());
  });
}

function mustNotContain(label: string, subject: string, text: string, items: TextExpectation, whenAbsent: () => string): Verdict[] {
  return asList(items).map((item) => {
    const matcher = parseTextMatch(item);
    const expected = `${subject} ${matcher.describeNot}`;
    const found = matcher.test(text) ? matcher.findLine(text) : null;
    if (found) return verdict(label, false, expected, `found on line ${found.line}: ${JSON.stringify(shorten(found.text.trim(), 100))}`);
    return verdict(label, true, expected, whenAbsent());
  });
}

export function outputVerdicts(result: ActionResult, must?: TextExpectation, mustNot?: TextExpectation): Verdict[] {
  const text = result.output;
  const lines = lineCount(text);
  const summary = () => (lines === 0 ? 'no output' : `not found in ${lines} lines of output; last line: ${JSON.stringify(shorten(lastLine(text), 100))}`);
  return [
    ...(must === undefined ? [] : mustContain('output', 'output', text, must, summary)),
    ...(mustNot === undefined ? [] : mustNotContain('output', 'output', text, mustNot, () => (lines === 0 ? 'no output' : `not found in ${lines} lines of output`))),
  ];
}

/**
 * The EXPLAIN text: the "QUERY PLAN" column when the rows are there (clean,
 * one plan line per row), else the result's output text.
 */
export function planText(result: ActionResult): string {
  const column = result.columns.find((c) => c.toUpperCase() === 'QUERY PLAN');
  if (column && result.rows.length > 0) {
    return result.rows.map((row) => (typeof row[column] === 'string' ? row[column] : JSON.stringify(row[column], null, 2))).join('\n');
  }
  return result.output;
}

/** "Limit → Sort → Seq Scan on messages": the plan's nodes without costs, to see at a glance. */
export function planOutline(plan: string): string {
  const nodes = plan
    .split('\n')
    .filter((line, index) => index === 0 || line.trim().startsWith('->'))
    .map((line) => line.trim().replace(/^->\s*/, '').replace(/\s+\((cost|actual)=.*$/, '').trim())
    .filter((node) => node !== '');
  return shorten(nodes.join(' → '), 200);
}

export function planVerdicts(result: ActionResult, must?: TextExpectation, mustNot?: TextExpectation): Verdict[] {
  const plan = planText(result);
  const outline = () => (plan.trim() === '' ? 'no plan text (does the query start with EXPLAIN?)' : `plan: ${planOutline(plan)}`);
  return [
    ...(must === undefined ? [] : mustContain('plan', 'plan', plan, must, outline)),
    ...(mustNot === undefined ? [] : mustNotContain('plan', 'plan', plan, mustNot, outline)),
  ];
}

export function noticeVerdicts(result: ActionResult, items: TextExpectation): Verdict[] {
  const seen = () => {
    if (result.notices.length === 0) return 'no notices were raised';
    const shown = result.notices.slice(0, 3).map((n) => JSON.stringify(shorten(n, 60)));
    const more = result.notices.length > 3 ? ` (+${result.notices.length - 3} more)` : '';
    return `notices seen: ${shown.join(', ')}${more}`;
  };
  return asList(items).map((item) => {
    const matcher = parseTextMatch(item);
    const expected = `a notice ${matcher.describe}`;
    const found = result.notices.find((notice) => matcher.test(notice));
    return found === undefined ? verdict('notice', false, expected, seen()) : verdict('notice', true, expected, `raised: ${JSON.stringify(shorten(found, 100))}`);
  });
}
