// Conditions on one value, as written in runbooks: "= 0", "!= ''",
// ">= 120000", "< 1s", "between 1 and 10", "/^Index Scan/i", "is null",
// "not null", or a bare value meaning equality (YAML numbers, booleans and
// null included). Parsed once into a Condition, then tested against values.
import { parseRegexLiteral } from './textmatch.js';
import { duration } from '../present/duration.js';
import { valueWords } from '../present/value.js';
import { compareNumbers, isNumericText, toNumber, valueText } from './values.js';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** The value on the right-hand side of a condition. */
export type Operand =
  | { type: 'number'; value: number; text: string }
  /** "1s", "200ms", "2m": compared against milliseconds. */
  | { type: 'duration'; ms: number; text: string }
  | { type: 'string'; value: string }
  /** A date or timestamp ("2024-01-01"), for ordering against pg Date values. */
  | { type: 'date'; time: number; text: string }
  | { type: 'boolean'; value: boolean };

export type Condition =
  | { kind: 'compare'; op: ComparisonOp; operand: Operand }
  | { kind: 'between'; low: Operand; high: Operand }
  | { kind: 'regex'; regex: RegExp; text: string }
  | { kind: 'null'; negated: boolean };

/** A condition as YAML gives it. */
export type ConditionInput = string | number | boolean | null;

export interface ConditionResult {
  ok: boolean;
  /** The condition in words, without a subject: "= 0", "between 1 and 10". */
  expected: string;
  /** The value found, formatted: 3, "AAPL", NULL, 1.42 s. */
  actual: string;
}

export class ConditionError extends Error {}

// Longest first, so ">=" is not read as ">" followed by "=".
const OPERATORS: [string, ComparisonOp][] = [
  ['>=', '>='], ['<=', '<='], ['!=', '!='], ['<>', '!='], ['==', '='], ['=', '='], ['<', '<'], ['>', '>'],
];
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/i;
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/** Parse a condition; throws ConditionError with a message fit for the loader. */
export function parseCondition(input: ConditionInput): Condition {
  if (input === null) return { kind: 'null', negated: false };
  if (typeof input === 'number') return { kind: 'compare', op: '=', operand: { type: 'number', value: input, text: String(input) } };
  if (typeof input === 'boolean') return { kind: 'compare', op: '=', operand: { type: 'boolean', value: input } };
  const text = input.trim();
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  if (lower === 'is null' || lower === 'null') return { kind: 'null', negated: false };
  if (lower === 'not null' || lower === 'is not null') return { kind: 'null', negated: true };

  const regex = parseRegexLiteralOrThrow(text);
  if (regex) return { kind: 'regex', regex, text };

  if (/^between\b/i.test(text)) return parseBetween(text);

  for (const [symbol, op] of OPERATORS) {
    if (text.startsWith(symbol)) return comparison(op, text.slice(symbol.length).trim(), input);
  }
  // A bare value: equality. The empty string means "equals ''".
  if (text === '') return { kind: 'compare', op: '=', operand: { type: 'string', value: input } };
  return comparison('=', text, input);
}

function parseRegexLiteralOrThrow(text: string): RegExp | null {
  try {
    return parseRegexLiteral(text);
  } catch (error) {
    throw new ConditionError((error as Error).message);
  }
}

function parseBetween(text: string): Condition {
  const match = /^between\s+(.+?)\s+and\s+(.+)$/i.exec(text);
  if (!match) throw new ConditionError(`${JSON.stringify(text)}: write "between LOW and HIGH", e.g. "between 1 and 10"`);
  const low = orderedOperand(match[1], 'between', text);
  const high = orderedOperand(match[2], 'between', text);
  if (low.type !== high.type && !(isTimeLike(low) && isTimeLike(high))) {
    throw new ConditionError(`${JSON.stringify(text)}: both ends of "between" must be numbers, durations or dates`);
  }
  if (orderKey(low) > orderKey(high)) throw new ConditionError(`${JSON.stringify(text)}: the low end is greater than the high end`);
  return { kind: 'between', low, high };
}

function isTimeLike(operand: Operand): boolean {
  return operand.type === 'number' || operand.type === 'duration';
}

function comparison(op: ComparisonOp, operandText: string, original: string): Condition {
  if (operandText === '') throw new ConditionError(`${JSON.stringify(original)}: missing a value after "${op}"`);
  // "=> 5" or "=< 5" is a typo for an operator, not a comparison with the text "> 5".
  if (/^[<>=!]/.test(operandText)) throw new ConditionError(`${JSON.stringify(original)}: unknown operator; use =, !=, <, <=, >, >= or between`);
  const lower = operandText.toLowerCase();
  if (lower === 'null') {
    if (op === '=') return { kind: 'null', negated: false };
    if (op === '!=') return { kind: 'null', negated: true };
    throw new ConditionError(`${JSON.stringify(original)}: NULL cannot be ordered; use "is null" or "not null"`);
  }
  if (op === '=' || op === '!=') return { kind: 'compare', op, operand: equalityOperand(operandText) };
  return { kind: 'compare', op, operand: orderedOperand(operandText, op, original) };
}

/** A quoted string ('x' or "x") without its quotes; null when not quoted. */
function unquote(text: string): string | null {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  return null;
}

function equalityOperand(text: string): Operand {
  const quoted = unquote(text);
  if (quoted !== null) return { type: 'string', value: quoted };
  if (isNumericText(text)) return { type: 'number', value: Number(text), text };
  const duration = parseDuration(text);
  if (duration !== null) return { type: 'duration', ms: duration, text };
  if (/^(true|false)$/i.test(text)) return { type: 'boolean', value: text.toLowerCase() === 'true' };
  return { type: 'string', value: text };
}

/** Operands of <, <=, >, >= and between: numbers, durations or dates only. */
function orderedOperand(rawText: string, op: string, original: string): Operand {
  const text = unquote(rawText.trim()) ?? rawText.trim();
  if (isNumericText(text)) return { type: 'number', value: Number(text), text };
  const duration = parseDuration(text);
  if (duration !== null) return { type: 'duration', ms: duration, text };
  if (DATE.test(text) && !Number.isNaN(Date.parse(text))) return { type: 'date', time: Date.parse(text), text };
  throw new ConditionError(`${JSON.stringify(original)}: "${op}" needs a number, a duration (200ms, 1s, 2m) or a date (2024-01-31), not ${JSON.stringify(text)}`);
}

function parseDuration(text: string): number | null {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * DURATION_UNIT_MS[match[2].toLowerCase()] : null;
}

function orderKey(operand: Operand): number {
  if (operand.type === 'number') return operand.value;
  if (operand.type === 'duration') return operand.ms;
  if (operand.type === 'date') return operand.time;
  return Number.NaN;
}

/** For the loader: a message saying what is wrong with a condition, or null when it is fine. */
export function validateCondition(input: ConditionInput): string | null {
  try {
    parseCondition(input);
    return null;
  } catch (error) {
    if (error instanceof ConditionError) return `invalid condition ${error.message}`;
    throw error;
  }
}

/**
 * For the loader: what is wrong with a condition on a value of a known kind — a row count or an exit
 * code (a whole number), or a duration — or null. "exactly 1" parses (as equality with that text) but
 * can never hold for a number: it is an error at load time, not a failed check at 3 a.m.
 */
export function conditionTypeProblem(input: ConditionInput, kind: 'count' | 'duration'): string | null {
  let condition: Condition;
  try {
    condition = parseCondition(input);
  } catch {
    return null; // validateCondition reports it
  }
  const fits = (o: Operand) => o.type === 'number' || (kind === 'duration' && o.type === 'duration');
  const ok = condition.kind === 'compare' ? fits(condition.operand) : condition.kind === 'between' ? fits(condition.low) && fits(condition.high) : false;
  if (ok) return null;
  const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return kind === 'count'
    ? `${shown} is not a condition on a number: expected a number or a comparison with one, e.g. 1, ">= 1", "!= 0", "between 1 and 100"`
    : `${shown} is not a condition on a duration: expected a comparison with a duration, e.g. "< 1s", "<= 200ms", "between 1s and 5s"`;
}

function describeOperand(operand: Operand): string {
  switch (operand.type) {
    case 'number':
    case 'duration':
    case 'date':
      return operand.text;
    case 'string':
      return JSON.stringify(operand.value);
    case 'boolean':
      return String(operand.value);
  }
}

/** The condition in words, without a subject: "= 0", "between 1 and 10", "matches /x/i". */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'compare':
      return `${condition.op} ${describeOperand(condition.operand)}`;
    case 'between':
      return `between ${describeOperand(condition.low)} and ${describeOperand(condition.high)}`;
    case 'regex':
      return `matches ${condition.text}`;
    case 'null':
      return condition.negated ? 'is not null' : 'is null';
  }
}

/** Milliseconds since the epoch for a Date or a date-like text; null otherwise. */
function toTime(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'string' && DATE.test(value.trim())) {
    const time = Date.parse(value.trim());
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

/** actual compared with operand: negative, 0, positive; null when they cannot be compared. */
function order(actual: unknown, operand: Operand): number | null {
  if (operand.type === 'number') return compareNumbers(actual, operand.text);
  if (operand.type === 'duration') return compareNumbers(actual, operand.ms);
  if (operand.type === 'date') {
    const time = toTime(actual);
    return time === null ? null : Math.sign(time - operand.time);
  }
  return null;
}

const BOOLEAN_TEXT: Record<string, boolean> = { t: true, true: true, f: false, false: false };

function equals(actual: unknown, operand: Operand): boolean {
  switch (operand.type) {
    case 'number':
    case 'duration':
    case 'date':
      return order(actual, operand) === 0;
    case 'boolean':
      if (typeof actual === 'boolean') return actual === operand.value;
      // SQLite has no boolean type (1/0); psql-style text says t/f.
      if (typeof actual === 'number' || typeof actual === 'bigint') return Number(actual) === (operand.value ? 1 : 0);
      if (typeof actual === 'string') return BOOLEAN_TEXT[actual.trim().toLowerCase()] === operand.value;
      return false;
    case 'string': {
      const time = toTime(actual);
      if (actual instanceof Date && time !== null) return time === toTime(operand.value);
      if (toNumber(actual) !== null && isNumericText(operand.value)) return compareNumbers(actual, operand.value) === 0;
      return valueText(actual) === operand.value;
    }
  }
}

function holds(condition: Condition, actual: unknown): boolean {
  const isNull = actual === null || actual === undefined;
  if (condition.kind === 'null') return condition.negated ? !isNull : isNull;
  // Like SQL, NULL satisfies no comparison: "!= ''" must not pass on a NULL.
  if (isNull) return false;
  if (condition.kind === 'regex') return condition.regex.test(valueText(actual));
  if (condition.kind === 'between') {
    const low = order(actual, condition.low);
    const high = order(actual, condition.high);
    return low !== null && high !== null && low >= 0 && high <= 0;
  }
  const { op, operand } = condition;
  if (op === '=') return equals(actual, operand);
  if (op === '!=') return !equals(actual, operand);
  const sign = order(actual, operand);
  if (sign === null) return false;
  return op === '<' ? sign < 0 : op === '<=' ? sign <= 0 : op === '>' ? sign > 0 : sign >= 0;
}

function usesDuration(condition: Condition): boolean {
  if (condition.kind === 'compare') return condition.operand.type === 'duration';
  if (condition.kind === 'between') return condition.low.type === 'duration' || condition.high.type === 'duration';
  return false;
}

/** Test a value against a condition (parsed, or as written). */
export function testCondition(condition: Condition | ConditionInput, actual: unknown): ConditionResult {
  const parsed = isParsed(condition) ? condition : parseCondition(condition);
  const actualNumber = toNumber(actual);
  const shown = usesDuration(parsed) && actualNumber !== null ? duration(actualNumber) : valueWords(actual);
  return { ok: holds(parsed, actual), expected: describeCondition(parsed), actual: shown };
}

function isParsed(condition: Condition | ConditionInput): condition is Condition {
  return typeof condition === 'object' && condition !== null && 'kind' in condition;
}
