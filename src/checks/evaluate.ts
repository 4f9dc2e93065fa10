// An expectation against an action's result: one verdict per condition,
// in the order the runbook schema lists them.
import type { ActionResult } from '../exec/types.js';
import type { Expectation } from '../runbook/schema.js';
import { describeCondition, parseCondition, testCondition, type Condition, type ConditionInput } from './conditions.js';
import { errorLine } from '../present/error.js';
import { noticeVerdicts, outputVerdicts, planVerdicts } from './text-checks.js';
import { parseTextMatch } from './textmatch.js';
import { duration } from '../present/duration.js';
import { plural, rowWords } from '../present/value.js';
import { verdict, type Verdict } from './verdict.js';

type Row = Record<string, unknown>;

/** Whether judging `expect` reads the result's output text (output checks, and plan checks when the plan is not in a QUERY PLAN column). */
export function readsOutput(expect: Pick<Expectation, 'output' | 'not_output' | 'plan' | 'not_plan'> | undefined): boolean {
  return !!expect && (expect.output !== undefined || expect.not_output !== undefined || expect.plan !== undefined || expect.not_plan !== undefined);
}

export function evaluate(expect: Expectation | undefined, result: ActionResult): Verdict[] {
  // A failed action makes row and text checks meaningless ("rows = 0" would
  // pass on a query that never ran), so the failure is the only verdict,
  // unless the expectation is about the failure itself.
  if (!result.ok && result.error && !failureIsExpected(expect, result)) {
    return [verdict('result', false, 'succeeds', `failed: ${errorLine(result.error)}`)];
  }
  const verdicts = expect ? expectationVerdicts(expect, result) : [];
  if (verdicts.length > 0) return verdicts;
  return [verdict('result', result.ok, 'succeeds', result.ok ? `succeeded (${plural(result.rowCount, 'row')})` : 'failed')];
}

function failureIsExpected(expect: Expectation | undefined, result: ActionResult): boolean {
  if (!expect) return false;
  if (expect.error) return true;
  // A shell command that exits non-zero is judged by exit_code when one is given.
  return expect.exit_code !== undefined && result.error?.kind === 'shell' && result.exitCode !== undefined;
}

function expectationVerdicts(expect: Expectation, result: ActionResult): Verdict[] {
  const verdicts: Verdict[] = [];
  // The loader rejects malformed conditions; should one slip through, it
  // fails its own check instead of crashing the run.
  const add = (label: string, make: () => Verdict | Verdict[]) => {
    try {
      verdicts.push(...[make()].flat());
    } catch (error) {
      verdicts.push(verdict(label, false, 'a valid condition', (error as Error).message));
    }
  };
  if (expect.rows !== undefined) add('row count', () => rowCountVerdict(expect.rows!, result));
  if (expect.no_rows !== undefined) add('no rows', () => noRowsVerdict(expect.no_rows!, result));
  for (const [column, condition] of Object.entries(expect.row ?? {})) add(column, () => firstRowVerdict(column, condition, result));
  for (const [column, condition] of Object.entries(expect.every_row ?? {})) add(column, () => everyRowVerdict(column, condition, result));
  if (expect.some_row) add('some row', () => someRowVerdict(expect.some_row!, result));
  if (expect.notices !== undefined) add('notice', () => noticeVerdicts(result, expect.notices!));
  add('output', () => outputVerdicts(result, expect.output, expect.not_output));
  add('plan', () => planVerdicts(result, expect.plan, expect.not_plan));
  if (expect.duration !== undefined) {
    add('duration', () => {
      const r = testCondition(expect.duration!, result.durationMs);
      return verdict('duration', r.ok, `duration ${r.expected}`, duration(result.durationMs));
    });
  }
  if (expect.exit_code !== undefined) add('exit code', () => exitCodeVerdict(expect.exit_code!, result));
  if (expect.error) add('error', () => errorVerdict(expect.error!, result));
  return verdicts;
}

function firstRowSample(result: ActionResult): string {
  return result.rows.length > 0 ? `, first: ${rowWords(result.rows[0])}` : '';
}

function rowCountVerdict(condition: ConditionInput, result: ActionResult): Verdict {
  const r = testCondition(condition, result.rowCount);
  const actual = plural(result.rowCount, 'row') + (r.ok ? '' : firstRowSample(result));
  return verdict('row count', r.ok, `rows ${r.expected}`, actual);
}

function noRowsVerdict(wantNone: boolean, result: ActionResult): Verdict {
  const none = result.rowCount === 0;
  if (wantNone) return verdict('no rows', none, 'no rows', none ? '0 rows' : plural(result.rowCount, 'row') + firstRowSample(result));
  return verdict('some rows', !none, 'at least one row', none ? '0 rows' : plural(result.rowCount, 'row'));
}

/** The row's key for a column: exact, else case-insensitive (pg folds unquoted names to lower case). */
function columnKey(result: ActionResult, column: string): string | null {
  const names = result.columns.length > 0 ? result.columns : Object.keys(result.rows[0] ?? {});
  if (names.includes(column)) return column;
  return names.find((name) => name.toLowerCase() === column.toLowerCase()) ?? null;
}

function missingColumn(result: ActionResult, column: string): string {
  const names = result.columns.length > 0 ? result.columns : Object.keys(result.rows[0] ?? {});
  return `no column ${JSON.stringify(column)} in the result (columns: ${names.join(', ') || 'none'})`;
}

function firstRowVerdict(column: string, condition: ConditionInput, result: ActionResult): Verdict {
  const parsed = parseCondition(condition);
  const label = `${column} (first row)`;
  const expected = `${column} ${describeCondition(parsed)}`;
  if (result.rows.length === 0) return verdict(label, false, expected, 'no rows returned');
  const key = columnKey(result, column);
  if (key === null) return verdict(label, false, expected, missingColumn(result, column));
  const r = testCondition(parsed, result.rows[0][key]);
  return verdict(label, r.ok, expected, r.actual);
}

/** Rows were cut at KEPT_ROWS: say that only the first ones were checked. */
function checkedNote(result: ActionResult): string {
  return result.rowCount > result.rows.length ? ` (only the first ${result.rows.length} of ${result.rowCount} rows were kept and checked)` : '';
}

function everyRowVerdict(column: string, condition: ConditionInput, result: ActionResult): Verdict {
  const parsed = parseCondition(condition);
  const label = `${column} (every row)`;
  const expected = `every row: ${column} ${describeCondition(parsed)}`;
  if (result.rows.length === 0) return verdict(label, true, expected, 'no rows to check');
  const key = columnKey(result, column);
  if (key === null) return verdict(label, false, expected, missingColumn(result, column));
  const failing = result.rows.map((row, index) => ({ row, index })).filter(({ row }) => !testCondition(parsed, row[key]).ok);
  const checked = result.rows.length;
  if (failing.length === 0) return verdict(label, true, expected, `all ${plural(checked, 'row')} pass${checkedNote(result)}`);
  const first = failing[0];
  const actual = `${failing.length} of ${plural(checked, 'row')} fail; first: row ${first.index + 1} ${rowWords(first.row)}${checkedNote(result)}`;
  return verdict(label, false, expected, actual);
}

function someRowVerdict(conditions: Record<string, ConditionInput>, result: ActionResult): Verdict {
  const parsed: [string, Condition][] = Object.entries(conditions).map(([column, condition]) => [column, parseCondition(condition)]);
  const expected = `some row: ${parsed.map(([column, c]) => `${column} ${describeCondition(c)}`).join(' and ')}`;
  const label = 'some row';
  if (result.rows.length === 0) return verdict(label, false, expected, 'no rows returned');
  const keys: [string, Condition][] = [];
  for (const [column, condition] of parsed) {
    const key = columnKey(result, column);
    if (key === null) return verdict(label, false, expected, missingColumn(result, column));
    keys.push([key, condition]);
  }
  const index = result.rows.findIndex((row: Row) => keys.every(([key, condition]) => testCondition(condition, row[key]).ok));
  if (index >= 0) return verdict(label, true, expected, `row ${index + 1}: ${rowWords(result.rows[index])}`);
  return verdict(label, false, expected, `none of ${plural(result.rows.length, 'row')} match${firstRowSample(result)}${checkedNote(result)}`);
}

function exitCodeVerdict(condition: ConditionInput, result: ActionResult): Verdict {
  const parsed = parseCondition(condition);
  const expected = `exit code ${describeCondition(parsed)}`;
  if (result.exitCode === undefined) {
    const why = result.error ? `: ${errorLine(result.error)}` : ' (not a shell command?)';
    return verdict('exit code', false, expected, `no exit code${why}`);
  }
  const r = testCondition(parsed, result.exitCode);
  const actual = result.exitCode !== 0 && result.error ? errorLine(result.error) : `exit code ${result.exitCode}`;
  return verdict('exit code', r.ok, expected, actual);
}

function errorVerdict(want: { sqlstate?: string; message?: string }, result: ActionResult): Verdict {
  const message = want.message === undefined ? null : parseTextMatch(want.message, { ignoreCase: true });
  const parts = [want.sqlstate ? `SQLSTATE ${want.sqlstate}` : null, message ? `a message that ${message.describe}` : null].filter(Boolean);
  const expected = parts.length > 0 ? `fails with ${parts.join(' and ')}` : 'fails';
  const error = result.error;
  if (result.ok || !error) return verdict('error', false, expected, `succeeded (${plural(result.rowCount, 'row')}), but it should have failed`);
  const sqlstateOk = !want.sqlstate || want.sqlstate.toUpperCase() === (error.sqlstate ?? '').toUpperCase();
  const messageOk = !message || message.test([error.message, error.detail ?? ''].join('\n'));
  return verdict('error', sqlstateOk && messageOk, expected, `failed: ${errorLine(error)}`);
}
