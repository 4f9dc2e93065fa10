// Expectations in words, for a document a person reads (a wiki page, a
// change ticket): "row count >= 1; first row: version >= 120000".
import type { Check, Expectation } from '../runbook/schema.js';

type Condition = string | number | boolean | null;

/** "= 0" stays "= 0"; a bare value means equality; "/re/" is a pattern. */
export function describeCondition(condition: Condition): string {
  if (condition === null) return 'is null';
  if (typeof condition !== 'string') return `= ${condition}`;
  const text = condition.trim();
  if (/^(=|!=|<>|<=|>=|<|>)/.test(text) || /^(between|is |not null)/i.test(text)) return text;
  if (/^\/.*\/[a-z]*$/.test(text)) return `matches ${text}`;
  return `= ${text}`;
}

function describeColumns(columns: Record<string, Condition>): string {
  return Object.entries(columns)
    .map(([column, condition]) => `${column} ${describeCondition(condition)}`)
    .join(', ');
}

function describeText(text: string | string[]): string {
  return (Array.isArray(text) ? text : [text]).map((t) => (/^\/.*\/[a-z]*$/.test(t) ? t : `"${t}"`)).join(' and ');
}

export function describeExpectation(expect: Expectation): string {
  const parts: string[] = [];
  if (expect.no_rows) parts.push('no rows');
  if (expect.rows !== undefined) parts.push(`row count ${describeCondition(expect.rows)}`);
  if (expect.row) parts.push(`first row: ${describeColumns(expect.row)}`);
  if (expect.every_row) parts.push(`every row: ${describeColumns(expect.every_row)}`);
  if (expect.some_row) parts.push(`some row: ${describeColumns(expect.some_row)}`);
  if (expect.notices !== undefined) parts.push(`a notice containing ${describeText(expect.notices)}`);
  if (expect.output !== undefined) parts.push(`output contains ${describeText(expect.output)}`);
  if (expect.not_output !== undefined) parts.push(`output does not contain ${describeText(expect.not_output)}`);
  if (expect.plan !== undefined) parts.push(`query plan contains ${describeText(expect.plan)}`);
  if (expect.not_plan !== undefined) parts.push(`query plan does not contain ${describeText(expect.not_plan)}`);
  if (expect.duration !== undefined) parts.push(`takes ${describeCondition(expect.duration).replace(/^= /, '')}`);
  if (expect.exit_code !== undefined) parts.push(`exit code ${describeCondition(expect.exit_code).replace(/^= /, '')}`);
  if (expect.error) {
    const { sqlstate, message } = expect.error;
    parts.push(`fails${sqlstate ? ` with SQLSTATE ${sqlstate}` : ''}${message ? ` ("${message}")` : ''}`);
  }
  return parts.join('; ');
}

/** What a check must find, in words; "" when it states nothing beyond succeeding. */
export function describeCheck(check: Check): string {
  const parts: string[] = [];
  if (check.speedup) {
    const { at_least, runs } = check.speedup;
    parts.push(`the candidate query is at least ${at_least}× faster than the baseline (median of ${runs ?? 5} runs)`);
  }
  if (check.compare) {
    const { left, right, op, by, tolerance } = check.compare;
    const on = (c?: string) => (c ? `on ${c}` : 'on the target');
    parts.push(
      `left (${on(left.connection)}) ${op ?? '='} right (${on(right.connection)})${by ? `, row by row by ${by}` : ''}${tolerance ? `, within ${tolerance}` : ''}`,
    );
  }
  if (check.expect) parts.push(describeExpectation(check.expect));
  return parts.filter(Boolean).join('; ');
}
